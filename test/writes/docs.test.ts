/**
 * docs/writes.md stays true to the graph: every root field, type and
 * `Type.field` it names in code spans exists in the composed API schema, with
 * `<subgraph>` / `<Subgraph>` standing for each of the four subgraphs, and every
 * cache tag it shows is one lib/cache makes (`Type:id`, `Type:id:field`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isObjectType, isInputObjectType, type GraphQLSchema } from 'graphql';
import { SUPERGRAPH_FILE } from '../../scripts/compose.js';
import { apiSchemaOf } from '../../lib/supergraph.js';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'writes.md'), 'utf8');
const api: GraphQLSchema = apiSchemaOf(readFileSync(SUPERGRAPH_FILE, 'utf8'));
const SUBGRAPHS = ['customer', 'order', 'finance', 'service'];

/** Every code span of the document. */
const spans = [...doc.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

function expand(name: string): string[] {
  if (!name.includes('<subgraph>') && !name.includes('<Subgraph>')) return [name];
  return SUBGRAPHS.map((s) => name.replaceAll('<subgraph>', s).replaceAll('<Subgraph>', s[0]!.toUpperCase() + s.slice(1)));
}

function fieldsOf(typeName: string): string[] | undefined {
  const t = api.getType(typeName);
  return isObjectType(t) || isInputObjectType(t) ? Object.keys(t.getFields()) : undefined;
}

/** `Query.x(…)`, `Mutation.x`, `WriteOutcome.kind`… : a type and a field of it. */
const typeFields = spans
  .map((s) => /^([A-Z][A-Za-z]+)\.(<?[a-zA-Z<>]+)(?:\(|$|:)/.exec(s))
  .filter((m): m is RegExpExecArray => m !== null && !/^[A-Z]+$/.test(m[1]!))
  .flatMap((m) => expand(`${m[1]}.${m[2]}`));

/** Bare names of root fields (`orderWrite`, `retry<Subgraph>Writes`). */
const rootFields = spans.filter((s) => /^(<subgraph>|customer|order|finance|service|retry|discard)[A-Za-z<>]*Writes?(Queue)?$/.test(s)).flatMap(expand);

/** Type names the doc shows as types of the graph. */
const typeNames = spans.filter((s) => /^(Write[A-Z][A-Za-z]+|WriteStatus)$/.test(s));

describe('docs/writes.md', () => {
  it('names root fields and `Type.field`s that exist in the composed API schema', () => {
    expect(typeFields.length + rootFields.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const tf of typeFields) {
      const [type, field] = tf.split('.') as [string, string];
      const fields = fieldsOf(type);
      // Not every capitalised word is a graph type (`WriteCoordinator` is code); only check the graph's own.
      if (fields === undefined) {
        if (type === 'Query' || type === 'Mutation') missing.push(tf);
        continue;
      }
      if (!fields.includes(field)) missing.push(tf);
    }
    const roots = [...(fieldsOf('Query') ?? []), ...(fieldsOf('Mutation') ?? [])];
    for (const f of rootFields) if (!roots.includes(f)) missing.push(f);
    expect(missing, 'docs/writes.md names these, which the API schema lacks').toEqual([]);
  });

  it('names graph types that exist, and the fields it lists for the shared types', () => {
    const graphTypes = typeNames.filter((t) => !['WriteCoordinator', 'WriteRecord', 'WriteState', 'WriteStore', 'WriteRequest', 'WriteQuery', 'WriteError'].includes(t));
    expect(graphTypes.filter((t) => api.getType(t) === undefined)).toEqual([]);
    // The bullet list of each shared type names its fields in code spans: each must be a field of it.
    for (const type of ['WriteOutcome', 'WriteQueueFilter', 'WriteQueueConnection', 'WriteQueueBulkResult']) {
      const bullet = doc
        .split('\n- ')
        .map((b) => b.split('\n\n')[0]!)
        .find((b) => b.startsWith(`\`${type}\`:`));
      expect(bullet, `docs/writes.md describes ${type}`).toBeDefined();
      const named = [...bullet!.matchAll(/`([a-zA-Z]+)(?: \{[^`]*\})?`/g)].map((m) => m[1]!).filter((n) => n !== type && /^[a-z]/.test(n));
      const fields = fieldsOf(type) ?? [];
      expect(named.filter((n) => !fields.includes(n)), `${type} fields named in docs/writes.md`).toEqual([]);
      expect(named.length).toBeGreaterThan(2);
    }
  });

  it('shows cache tags in the form lib/cache makes them', () => {
    const tags = spans.filter((s) => /^[A-Za-z-]+:[A-Z]+-\d+(:[a-z]+)?$/.test(s));
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) {
      const type = tag.split(':')[0]!;
      expect(api.getType(type), `the tag ${tag} names a type of the graph`).toBeDefined();
    }
  });
});

/**
 * Normalised client caches (@apollo/client's InMemoryCache, urql's Graphcache,
 * Relay) identify an entity by its key, `id` here. An entity read without its id
 * is stored inside its parent, unnormalised, and the next query that reads the
 * same customer elsewhere replaces or misses it. Users copy our examples, so
 * every operation we show selects the key of every entity it reads, at any
 * depth and through fragments.
 *
 * Entities are the types the composed supergraph joins by a key; the key fields
 * come from there too, so a new entity is covered without touching this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  Kind,
  getNamedType,
  isObjectType,
  isInterfaceType,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../lib/supergraph.js';

const root = resolve(import.meta.dirname, '../..');
const supergraphSdl = readFileSync(join(root, 'supergraph.graphql'), 'utf8');

/** Entity type → its key fields, from `@join__type(graph: …, key: "…")` in the supergraph. */
function entityKeys(sdl: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const def of parse(sdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const directive of def.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = directive.arguments?.find((a) => a.name.value === 'key')?.value;
      if (key?.kind !== Kind.STRING) continue;
      // A key's top-level fields; nested selections (compound keys) keep their parent name.
      const fields = parse(`{ ${key.value} }`).definitions[0];
      if (fields?.kind !== Kind.OPERATION_DEFINITION) continue;
      const names = fields.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
      keys.set(def.name.value, [...new Set([...(keys.get(def.name.value) ?? []), ...names])]);
    }
  }
  return keys;
}

interface Example {
  /** Where a reader finds it: file, and line for a block in Markdown. */
  where: string;
  source: string;
}

/** ```graphql blocks, and the `"query"` of JSON bodies sent with `curl -d '…'` in shell blocks. */
function markdownExamples(file: string): Example[] {
  const out: Example[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  let open: { lang: string; start: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const fence = /^\s*```\s*([\w-]*)/.exec(line);
    if (fence && !open) {
      open = { lang: fence[1] ?? '', start: i + 1, body: [] };
      return;
    }
    if (fence && open) {
      const where = `${relative(root, file)}:${open.start}`;
      const body = open.body.join('\n');
      if (open.lang === 'graphql') out.push({ where, source: body });
      if (open.lang === 'sh' || open.lang === 'bash' || open.lang === 'shell') {
        for (const m of body.matchAll(/-d\s+'(\{[^']*\})'/g)) {
          const json = JSON.parse(m[1] as string) as { query?: unknown };
          if (typeof json.query === 'string') out.push({ where: `${where} (curl)`, source: json.query });
        }
      }
      open = undefined;
      return;
    }
    open?.body.push(line);
  });
  return out;
}

function examples(): Example[] {
  const operations = join(root, 'examples/operations');
  const docs = join(root, 'docs');
  return [
    ...readdirSync(operations)
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .map((f) => ({ where: `examples/operations/${f}`, source: readFileSync(join(operations, f), 'utf8') })),
    ...markdownExamples(join(root, 'README.md')),
    ...readdirSync(docs)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .flatMap((f) => markdownExamples(join(docs, f))),
  ];
}

/**
 * Every selection of an entity in `doc` that lacks one of its key fields, as
 * `Operation › field › field (Type)`. Fields are merged the way a client sees the
 * result: a fragment or inline fragment on the same type (or on an interface it
 * implements) contributes to the selection it is spread in. The key must come
 * back under its own name; an alias would hide it from the cache.
 */
function missingKeys(schema: GraphQLSchema, keys: Map<string, string[]>, doc: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const problems: string[] = [];

  const applies = (typeCondition: string | undefined, type: GraphQLCompositeType): boolean => {
    if (!typeCondition || typeCondition === type.name) return true;
    return isObjectType(type) && type.getInterfaces().some((i) => i.name === typeCondition);
  };

  /** Field nodes selected on `type` by this selection set, fragments flattened. */
  const fieldsOn = (set: SelectionSetNode, type: GraphQLCompositeType, seen: Set<string>) => {
    const fields: Array<{ responseKey: string; name: string; selectionSet?: SelectionSetNode }> = [];
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        fields.push({ responseKey: s.alias?.value ?? s.name.value, name: s.name.value, ...(s.selectionSet ? { selectionSet: s.selectionSet } : {}) });
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (applies(s.typeCondition?.name.value, type)) fields.push(...fieldsOn(s.selectionSet, type, seen));
      } else {
        const fragment = fragments.get(s.name.value);
        if (!fragment) throw new Error(`fragment ${s.name.value} is spread but not defined`);
        if (seen.has(fragment.name.value)) continue;
        if (applies(fragment.typeCondition.name.value, type)) {
          fields.push(...fieldsOn(fragment.selectionSet, type, new Set([...seen, fragment.name.value])));
        }
      }
    }
    return fields;
  };

  const check = (set: SelectionSetNode, type: GraphQLCompositeType, path: string): void => {
    const fields = fieldsOn(set, type, new Set());
    const required = keys.get(type.name);
    if (required) {
      const missing = required.filter((k) => !fields.some((f) => f.name === k && f.responseKey === k));
      if (missing.length > 0) problems.push(`${path} (${type.name}) lacks ${missing.join(', ')}`);
    }
    if (!isObjectType(type) && !isInterfaceType(type)) return;
    const defs = type.getFields();
    for (const f of fields) {
      if (!f.selectionSet || f.name.startsWith('__')) continue;
      const def = defs[f.name];
      if (!def) throw new Error(`${path}: ${type.name} has no field ${f.name}`);
      check(f.selectionSet, getNamedType(def.type) as GraphQLCompositeType, `${path} › ${f.responseKey}`);
    }
  };

  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const rootType = schema.getRootType(d.operation);
    if (!rootType) throw new Error(`the schema has no ${d.operation} type`);
    check(d.selectionSet, rootType, d.name?.value ?? `anonymous ${d.operation}`);
  }
  return problems;
}

describe('example operations select the key of every entity they read', () => {
  const schema = apiSchemaOf(supergraphSdl);
  const keys = entityKeys(supergraphSdl);

  it('finds the entities in the supergraph', () => {
    expect(Object.fromEntries(keys)).toMatchObject({ Customer: ['id'], Order: ['id'], Invoice: ['id'], SupportCase: ['id'] });
  });

  it('catches a missing id at depth and through a fragment', () => {
    const doc = parse(`
      query Q { customer(id: "C-1") { name ...Orders } }
      fragment Orders on Customer { orders(first: 1) { nodes { ... on Order { status } invoices { id } } } }
    `);
    expect(missingKeys(schema, keys, doc)).toEqual(['Q › customer (Customer) lacks id', 'Q › customer › orders › nodes (Order) lacks id']);
    const aliased = parse(`{ order(id: "SO-1") { orderId: id } }`);
    expect(missingKeys(schema, keys, aliased)).toEqual(['anonymous query › order (Order) lacks id']);
  });

  const all = examples();
  it('finds examples in examples/operations, the README and docs', () => {
    expect(all.filter((e) => e.where.startsWith('examples/')).length).toBeGreaterThan(0);
    expect(all.filter((e) => e.where.startsWith('README.md')).length).toBeGreaterThan(0);
  });

  it.each(all.map((e) => [e.where, e.source] as const))('%s', (_where, source) => {
    const doc = parse(source);
    expect(missingKeys(schema, keys, doc), 'add `id` to these selections').toEqual([]);
  });
});

/**
 * Schema hygiene that clients depend on: the committed supergraph is current,
 * the shared value types are one definition everywhere, every element carries a
 * description for Apollo Sandbox, and the example operations still validate.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Kind,
  parse,
  print,
  validate,
  type DefinitionNode,
  type DocumentNode,
  type TypeDefinitionNode,
} from 'graphql';
import { composeSupergraph, SUBGRAPHS, SUPERGRAPH_FILE } from '../../scripts/compose.js';
import { schemaFileOf, sharedTypeDefs, subgraphSdl, subgraphTypeDefs } from '../../lib/subgraph.js';
import { apiSchemaOf } from '../../lib/supergraph.js';

const root = join(import.meta.dirname, '..', '..');

function typeDefinitions(doc: DocumentNode): Map<string, TypeDefinitionNode> {
  const out = new Map<string, TypeDefinitionNode>();
  for (const d of doc.definitions) {
    if ('name' in d && d.name && d.kind !== Kind.DIRECTIVE_DEFINITION && !d.kind.endsWith('Extension')) {
      out.set(d.name.value, d as TypeDefinitionNode);
    }
  }
  return out;
}

describe('supergraph.graphql', () => {
  it('is what `npm run compose` produces from the subgraph schemas (run `npm run compose` if this fails)', () => {
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(composeSupergraph());
  });
});

describe('shared value types', () => {
  const shared = typeDefinitions(parse(sharedTypeDefs()));

  it.each(SUBGRAPHS.map((s) => s.name))('%s does not redeclare a shared type in its own schema file', (name) => {
    const own = typeDefinitions(parse(readFileSync(schemaFileOf(name), 'utf8')));
    const redeclared = [...own.keys()].filter((t) => shared.has(t));
    expect(redeclared, `move these to lib/schema/shared.graphql only`).toEqual([]);
  });

  it.each(SUBGRAPHS.map((s) => s.name))('%s serves the shared definitions verbatim', (name) => {
    const full = typeDefinitions(subgraphTypeDefs(schemaFileOf(name)));
    for (const [typeName, def] of shared) {
      expect(print(full.get(typeName) as DefinitionNode)).toBe(print(def));
    }
  });

  it('reach clients as one definition each in the API schema', () => {
    const api = apiSchemaOf(readFileSync(SUPERGRAPH_FILE, 'utf8'));
    for (const typeName of shared.keys()) expect(api.getType(typeName), typeName).toBeDefined();
    const money = api.getType('Money');
    expect(money && 'getFields' in money ? Object.keys(money.getFields()).sort() : []).toEqual(['amount', 'currency']);
  });
});

describe('schema templates (#include)', () => {
  const rootFields = (sdl: string, type: string): string[] => {
    const def = parse(sdl).definitions.find((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === type);
    return def && 'fields' in def ? (def.fields ?? []).map((f) => f.name.value) : [];
  };
  const withSchema = (sdl: string, check: (file: string) => void): void => {
    const dir = mkdtempSync(join(tmpdir(), 'rsg-schema-include-'));
    try {
      writeFileSync(join(dir, 'schema.graphql'), sdl);
      check(join(dir, 'schema.graphql'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it.each(SUBGRAPHS.map((s) => s.name))('%s gets the write-queue fields after its own Query and Mutation fields', (name) => {
    const own = readFileSync(schemaFileOf(name), 'utf8');
    const full = subgraphSdl(schemaFileOf(name));
    const N = name[0]!.toUpperCase() + name.slice(1);
    expect(rootFields(own, 'Query')).not.toContain(`${name}Write`);
    expect(rootFields(full, 'Query')).toEqual([...rootFields(own, 'Query'), `${name}Write`, `${name}Writes`, `${name}WriteQueue`]);
    expect(rootFields(full, 'Mutation')).toEqual([...rootFields(own, 'Mutation'), `retry${N}Write`, `discard${N}Write`, `retry${N}Writes`, `discard${N}Writes`]);
    // The customer subgraph has no subscriptions of its own: it gets the template's whole Subscription type.
    expect(rootFields(full, 'Subscription')).toEqual([...(/^type Subscription /m.test(own) ? rootFields(own, 'Subscription') : []), `${name}WriteSettled`]);
  });

  it('substitutes every parameter, capitalised where the template says {{Name}}', () => {
    withSchema('#include write-queue subgraph=loyalty system="the loyalty engine"\ntype Query { "x" x: Int }\ntype Mutation { "y" y: Int }\n', (file) => {
      const sdl = subgraphSdl(file);
      expect(rootFields(sdl, 'Mutation')).toEqual(['y', 'retryLoyaltyWrite', 'discardLoyaltyWrite', 'retryLoyaltyWrites', 'discardLoyaltyWrites']);
      expect(sdl).toContain('writes waiting for\n  the loyalty engine (PENDING)');
      expect(sdl).not.toContain('{{');
    });
  });

  it('refuses an include that lacks a parameter, or a schema without the type the template adds to', () => {
    withSchema('#include write-queue subgraph=loyalty\ntype Query { "x" x: Int }\ntype Mutation { "y" y: Int }\n', (file) => {
      expect(() => subgraphSdl(file)).toThrow(/gives no system, which lib\/schema\/write-queue.graphql needs/);
    });
    withSchema('#include write-queue subgraph=loyalty system=Loyalty\ntype Query { "x" x: Int }\n', (file) => {
      expect(() => subgraphSdl(file)).toThrow(/declares no type Mutation/);
    });
  });
});

describe('descriptions', () => {
  it.each(SUBGRAPHS.map((s) => s.name))('every type, field, argument, enum value and input field of %s is described', (name) => {
    const missing: string[] = [];
    for (const d of subgraphTypeDefs(schemaFileOf(name)).definitions) {
      if (d.kind === Kind.SCHEMA_EXTENSION || d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.DIRECTIVE_DEFINITION) continue;
      if (!('name' in d) || !d.name) continue;
      const typeName = d.name.value;
      const isRoot = ['Query', 'Mutation', 'Subscription'].includes(typeName);
      if (!isRoot && !('description' in d && d.description)) missing.push(typeName);
      if ('fields' in d && d.fields) {
        for (const f of d.fields) {
          if (!f.description) missing.push(`${typeName}.${f.name.value}`);
          if ('arguments' in f && f.arguments) {
            for (const a of f.arguments) if (!a.description) missing.push(`${typeName}.${f.name.value}(${a.name.value})`);
          }
        }
      }
      if ('values' in d && d.values) for (const v of d.values) if (!v.description) missing.push(`${typeName}.${v.name.value}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('example operations', () => {
  const dir = join(root, 'examples', 'operations');
  const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));

  it('exist for the agent console, the storefront and LWC', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s validates against the supergraph', (file) => {
    const api = apiSchemaOf(readFileSync(SUPERGRAPH_FILE, 'utf8'));
    const errors = validate(api, parse(readFileSync(join(dir, file), 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});

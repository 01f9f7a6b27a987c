/**
 * The argument rules (lib/arguments.ts) on their own: which fields of an
 * operation are checked is worked out once per parsed operation, and each
 * request's own variables are still checked against it; an `_entities` fetch,
 * whose only argument is the gateway's representations, is not coerced at all.
 */
import { describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type OperationDefinitionNode } from 'graphql';
import { checkArguments } from '../../lib/arguments.js';

const schema = buildSubgraphSchema({
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    input CustomerFilter { email: String, name: String }
    type Customer @key(fields: "id") { id: ID!, notes(search: String): [String!]! }
    type Query { customers(filter: CustomerFilter, first: Int): [Customer!]! }
  `),
  resolvers: {},
});

const operationOf = (text: string): { document: ReturnType<typeof parse>; operation: OperationDefinitionNode } => {
  const document = parse(text);
  return { document, operation: document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')! };
};

describe('checkArguments', () => {
  it('checks each request of a repeated operation against its own variables', () => {
    const { document, operation } = operationOf('query($f: CustomerFilter) { customers(filter: $f) { id } }');
    expect(() => checkArguments(schema, document, operation, { f: { email: 'a@example.com' } })).not.toThrow();
    expect(() => checkArguments(schema, document, operation, { f: { email: 'not-an-email' } })).toThrow(/expected an e-mail address .* for filter.email, got 'not-an-email'/);
    expect(() => checkArguments(schema, document, operation, { f: { name: 'n'.repeat(1_001) } })).toThrow(/expected filter.name of at most 1000 characters, got 1001/);
    expect(() => checkArguments(schema, document, operation, { f: { email: 'b@example.com' } })).not.toThrow();
  });

  it('checks arguments inside fragments and nested fields, in the entity fetch too', () => {
    const { document, operation } = operationOf(
      'query($r: [_Any!]!, $s: String) { _entities(representations: $r) { ...C } } fragment C on Customer { notes(search: $s) }',
    );
    expect(() => checkArguments(schema, document, operation, { r: [{ __typename: 'Customer', id: 'C-1' }], s: 'ok' })).not.toThrow();
    expect(() => checkArguments(schema, document, operation, { r: [{ __typename: 'Customer', id: 'C-1' }], s: 's'.repeat(1_001) })).toThrow(/search of at most 1000/);
  });

  it('coerces only the variables the checked arguments use, not the representations beside them', () => {
    const { document, operation } = operationOf('query($r: [_Any!]!, $s: String) { _entities(representations: $r) { ... on Customer { notes(search: $s) } } }');
    const reads: string[] = [];
    const watched = new Proxy(
      { r: [{ __typename: 'Customer', id: 'C-1' }], s: 's'.repeat(1_001) },
      { getOwnPropertyDescriptor: (target, key) => (reads.push(String(key)), Reflect.getOwnPropertyDescriptor(target, key)) },
    );
    expect(() => checkArguments(schema, document, operation, watched)).toThrow(/search of at most 1000/);
    expect(reads).not.toContain('r');
    expect(reads).toContain('s');
  });

  it('leaves representations alone: an entity fetch with nothing else to check is not coerced', () => {
    const { document, operation } = operationOf('query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }');
    const representation = { __typename: 'Customer', id: 'C-1', note: 'x'.repeat(5_000) };
    expect(() => checkArguments(schema, document, operation, { r: [representation] })).not.toThrow();
    const reads: string[] = [];
    const watched = new Proxy(
      { r: [representation] },
      {
        get: (target, key) => (reads.push(String(key)), Reflect.get(target, key)),
        getOwnPropertyDescriptor: (target, key) => (reads.push(String(key)), Reflect.getOwnPropertyDescriptor(target, key)),
      },
    );
    checkArguments(schema, document, operation, watched);
    expect(reads).toEqual([]);
    // Variables that do not coerce are execution's to report, with or without anything to check.
    expect(() => checkArguments(schema, document, operation, { r: 'not a list' })).not.toThrow();
  });
});

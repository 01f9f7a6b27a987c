/** The abuse-limit measures, on the composed API schema, with the numbers docs/security.md quotes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kind, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { measureOperation } from '../../gateway/src/limits.js';

const root = join(import.meta.dirname, '..', '..');
const schema: GraphQLSchema = Supergraph.build(readFileSync(join(root, 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();

function measure(query: string, variables: Record<string, unknown> = {}) {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) throw new Error('no operation');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return measureOperation(schema, op, fragments, variables);
}

describe('measureOperation', () => {
  it('prices nested pages by their first, as documented', () => {
    expect(measure('{ customers(first: 100) { nodes { orders(first: 100) { nodes { id } } } } }').cost).toBe(30_200);
    expect(measure('query($n: Int) { customers(first: 100) { nodes { orders(first: $n) { nodes { id } } } } }', { n: 1 }).cost).toBe(100 * (1 + 1 + 1 * (1 + 2)));
  });

  it('uses the schema default of first when none is given', () => {
    // Customer.orders(first: Int = 10): 1 + 10 × (1 + (1 + 1)).
    expect(measure('{ customer(id: "C-000001") { orders { nodes { id } } } }').cost).toBe(1 + 10 * (1 + 2));
  });

  it('counts unpaginated lists as 10 items, and __typename as free', () => {
    expect(measure('{ order(id: "SO-100001") { __typename lines { sku } } }').cost).toBe(1 + 10 * (1 + 1));
  });

  it('the README customer-360 with 100 orders costs 6,943 and fits the default', () => {
    const m = measure(`{ customer(id: "C-000003") {
      name loyalty { tier points }
      financials { balance { amount currency } overdueBalance { amount } creditHold paymentTerms }
      orders(first: 100) { totalCount nodes { id status placedAt total { amount currency } lines { sku quantity } invoices { id status } } }
      cases(first: 5) { nodes { id subject status priority } } } }`);
    expect(m.cost).toBe(6_943);
    expect(m.depth).toBe(5);
  });

  it('follows fragments for depth, aliases and root fields', () => {
    const m = measure(`
      query { a: customer(id: "C-000001") { ...F } b: customer(id: "C-000002") { ...F } }
      fragment F on Customer { x: name orders(first: 1) { nodes { id } } }`);
    expect(m).toMatchObject({ depth: 4, aliases: 4, rootFields: 2 });
  });

  it('does not count introspection', () => {
    expect(measure('{ __schema { types { name fields { name type { ofType { ofType { name } } } } } } }')).toEqual({ depth: 0, aliases: 0, rootFields: 0, cost: 0 });
  });
});

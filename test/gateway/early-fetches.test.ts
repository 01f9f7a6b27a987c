/**
 * Which fetches of a query plan go out early (gateway/src/early-fetches.ts), on
 * plans the real planner makes from the committed supergraph, with data sources
 * that record what they were asked.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions, ServiceMap } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { EarlyFetches, customerLookup, earlyFetchesEnabled, takeEarlyFetch } from '../../gateway/src/early-fetches.js';
import type { GatewayContext } from '../../gateway/src/context.js';

const supergraph = Supergraph.build(readFileSync(join(import.meta.dirname, '..', '..', 'supergraph.graphql'), 'utf8'));
const planner = new QueryPlanner(supergraph);
const lookups = [customerLookup({ test: (id) => /^C-\d{6}$/.test(id) })];

type Options = GraphQLDataSourceProcessOptions<GatewayContext>;

/** Data sources that answer at once and record each fetch they were asked for, by subgraph. */
function recording(): { serviceMap: ServiceMap; asked: Array<{ subgraph: string; options: Options }> } {
  const asked: Array<{ subgraph: string; options: Options }> = [];
  const serviceMap: ServiceMap = {};
  for (const subgraph of ['customer', 'order', 'finance', 'service']) {
    const source: GraphQLDataSource<GatewayContext> = {
      async process(options) {
        asked.push({ subgraph, options });
        return { data: { _entities: [{ answeredBy: subgraph }] } } as GatewayGraphQLResponse;
      },
    };
    serviceMap[subgraph] = source as GraphQLDataSource;
  }
  return { serviceMap, asked };
}

/** Plans `source` and starts its early fetches, as the gateway does just before running the plan. */
function start(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const queryPlan = planner.buildQueryPlan(operationFromDocument(supergraph.schema, document));
  const context = {} as GatewayContext;
  const requestContext = { request: { query: source, variables }, context, operation } as unknown as GatewayGraphQLRequestContext;
  const { serviceMap, asked } = recording();
  new EarlyFetches(lookups).start({ queryPlan, serviceMap, requestContext, operationContext: { operation } });
  return { asked, requestContext, context };
}

const VIEW = 'query($id: ID!) { customer(id: $id) { name orders(first: 3) { nodes { id invoices { id } } } cases(first: 2) { nodes { id } } financials { creditHold } } }';

describe('early fetches of a plan', () => {
  it('sends every fetch that needs only the looked-up key, with the representation the plan will build, and nothing else', () => {
    const { asked } = start(VIEW, { id: 'C-000042' });
    // Orders, cases and financials hang off the customer; invoices hang off its orders, so they wait.
    expect(asked.map((a) => a.subgraph).sort()).toEqual(['finance', 'order', 'service']);
    for (const { options } of asked) {
      expect(options.request.variables?.representations).toEqual([{ __typename: 'Customer', id: 'C-000042' }]);
      expect('pathInIncomingRequest' in options && options.pathInIncomingRequest).toEqual(['customer']);
    }
  });

  it('the plan takes an early answer once, for exactly the request it was sent for', async () => {
    const { asked, requestContext, context } = start(VIEW, { id: 'C-000042' });
    const order = asked.find((a) => a.subgraph === 'order')!;
    const same: Options = { ...order.options, request: { ...order.options.request, variables: { ...order.options.request.variables } } };
    // Another customer's representation is another request: not taken.
    const other: Options = { ...same, request: { ...same.request, variables: { ...same.request.variables, representations: [{ __typename: 'Customer', id: 'C-000043' }] } } };
    expect(takeEarlyFetch('order', other)).toBeUndefined();
    expect(takeEarlyFetch('finance', same)).toBeUndefined();
    const taken = takeEarlyFetch('order', same);
    expect(await taken).toEqual({ data: { _entities: [{ answeredBy: 'order' }] } });
    expect(takeEarlyFetch('order', same)).toBeUndefined();
    expect(requestContext.context).toBe(context);
  });

  it.each([
    ['a malformed key', VIEW, { id: '42' }],
    ['a key the client did not give', VIEW, {}],
    ['fields under @include', 'query($id: ID!, $more: Boolean!) { customer(id: $id) @include(if: $more) { orders(first: 3) { totalCount } } }', { id: 'C-000042', more: true }],
    ['a field that is not a lookup', '{ customers(first: 2) { nodes { orders(first: 1) { totalCount } } } }', {}],
  ])('sends nothing early for %s', (_case, source, variables) => {
    expect(start(source, variables).asked).toEqual([]);
  });
});

describe('GATEWAY_EARLY_FETCHES', () => {
  it('is on unless set off, and refuses anything else by name', () => {
    expect(earlyFetchesEnabled({})).toBe(true);
    expect(earlyFetchesEnabled({ GATEWAY_EARLY_FETCHES: 'off' })).toBe(false);
    expect(earlyFetchesEnabled({ GATEWAY_EARLY_FETCHES: 'on' })).toBe(true);
    expect(() => earlyFetchesEnabled({ GATEWAY_EARLY_FETCHES: 'sometimes' })).toThrow(/GATEWAY_EARLY_FETCHES/);
  });
});

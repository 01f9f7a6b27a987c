/**
 * Early entity fetches: the subgraph fetches of a query plan that need nothing
 * from the plan's first fetch but the key its client already gave, sent at once
 * instead of after it.
 *
 * In `{ customer(id: "C-000042") { name orders {…} cases {…} financials {…} } }`
 * the planner fetches the customer from its own subgraph first, then the order,
 * service and finance subgraphs with the representation
 * `{ __typename: "Customer", id: "C-000042" }` that the first fetch returned. For
 * a lookup field, one declared to return the entity whose key is its argument,
 * that representation is known before the first fetch answers: the gateway sends
 * those fetches with it right away, and when the plan reaches them and builds the
 * same representation from the first fetch's answer, each takes the answer of the
 * fetch already made instead of sending another. A cold customer view then waits
 * for Salesforce and the other systems side by side rather than one after the
 * other.
 *
 * Nothing changes what a client receives. A fetch sent early is the same request,
 * through the same data source (caller, caches, audit), that the plan would have
 * sent; it is used only where the plan asks for exactly that request (subgraph,
 * document, variables, representation), and only once. Where the plan asks for
 * something else (the first fetch answered `null`, or another key), the early
 * answer is dropped and the plan sends its own: the cost is one fetch per
 * subgraph that was not needed. Bad keys cost nothing: an argument that fails the
 * lookup's format is never sent early, so the subgraph that refuses it is still
 * the only one asked.
 *
 * Only query operations, and only fetches reached through sequences and parallel
 * steps (never under `@skip`/`@include` conditions or `@defer`), are sent early.
 * docs/caching.md ("Early entity fetches") says what this costs and saves.
 */
import type { GraphQLDataSourceProcessOptions, ServiceMap } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { ConfigError } from '../../lib/config.js';
import { counterMetric } from '../../lib/metrics.js';
import { canonicalJson } from './response-cache/engine.js';
import type { GatewayContext } from './context.js';

/** A root query field that returns the entity whose key field has the argument's name and value. */
export interface EntityLookup {
  /** The Query field, e.g. `customer`. */
  field: string;
  /** Its argument holding the key, which is also the entity's key field, e.g. `id`. */
  argument: string;
  /** Keys in a form the subgraphs accept; others are never sent early. */
  accepts: (key: string) => boolean;
}

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type Answer = Promise<GatewayGraphQLResponse>;
/** GraphQLDataSourceRequestKind.INCOMING_OPERATION, which @apollo/gateway's entry does not export; the executor sends this value. */
const INCOMING_OPERATION = 'incoming operation' as Extract<ProcessOptions, { incomingRequestContext: unknown }>['kind'];

const earlyFetches = counterMetric(
  'rsg_gateway_early_fetches_total',
  'Subgraph fetches sent before the query plan reached them (started), and those the plan then used (used); the difference was not needed',
  ['subgraph', 'outcome'] as const,
);

/** The early fetches of each client request, by the request each answers. */
const pending = new WeakMap<object, Map<string, Answer>>();
/** The options of the fetches sent early, so that their own passage through `take` does not find themselves. */
const early = new WeakSet<object>();

const requestKey = (subgraph: string, query: string | undefined, variables: unknown): string => `${subgraph}\n${query ?? ''}\n${canonicalJson(variables ?? {})}`;

/**
 * The early answer to this fetch, if one was sent for exactly it in this client
 * request: the data source returns it instead of sending. Each is taken once.
 */
export function takeEarlyFetch(subgraph: string, options: ProcessOptions): Answer | undefined {
  if (!('incomingRequestContext' in options) || early.has(options)) return undefined;
  const mine = pending.get(options.context);
  if (!mine) return undefined;
  const key = requestKey(subgraph, options.request.query, options.request.variables);
  const answer = mine.get(key);
  if (!answer) return undefined;
  mine.delete(key);
  earlyFetches.inc({ subgraph, outcome: 'used' });
  return answer;
}

/** `... on T { __typename <key> }`: the type when the requirement is exactly that, else undefined. */
function keyOnlyType(requires: readonly QueryPlanSelectionNode[] | undefined, key: string): string | undefined {
  if (requires?.length !== 1) return undefined;
  const [fragment] = requires;
  if (fragment?.kind !== 'InlineFragment' || !fragment.typeCondition || fragment.selections.length !== 2) return undefined;
  const [a, b] = fragment.selections;
  if (a?.kind !== 'Field' || b?.kind !== 'Field' || a.alias || b.alias || a.selections || b.selections) return undefined;
  return a.name === '__typename' && b.name === key ? fragment.typeCondition : undefined;
}

/** The lookups of the operation's own top-level fields, by response key, with the key each was given. */
function lookupsOf(operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, lookups: readonly EntityLookup[]): Map<string, { lookup: EntityLookup; key: string }> {
  const found = new Map<string, { lookup: EntityLookup; key: string }>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.directives?.length) continue;
    const lookup = lookups.find((l) => l.field === selection.name.value);
    const arg = lookup && selection.arguments?.find((a) => a.name.value === lookup.argument);
    if (!lookup || !arg) continue;
    const value = arg.value.kind === Kind.VARIABLE ? variables?.[arg.value.name.value] : arg.value.kind === Kind.STRING ? arg.value.value : undefined;
    if (typeof value !== 'string' || !lookup.accepts(value)) continue;
    found.set(selection.alias?.value ?? selection.name.value, { lookup, key: value });
  }
  return found;
}

/** Every Flatten(path: [field]) → Fetch reached through sequences and parallel steps only. */
function* flattenedFetches(node: PlanNode | undefined): Generator<{ field: string; fetch: FetchNode }> {
  if (!node) return;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const n of node.nodes) yield* flattenedFetches(n);
      return;
    case 'Flatten':
      if (node.path.length === 1 && typeof node.path[0] === 'string' && node.node.kind === 'Fetch') yield { field: node.path[0], fetch: node.node };
      return;
    default:
      // Fetch (a root fetch has no representation to know early), Condition, Defer, Subscription.
      return;
  }
}

export class EarlyFetches {
  constructor(private readonly lookups: readonly EntityLookup[]) {}

  /**
   * Sends the plan's early fetches. Called with each plan just before it runs
   * (ApolloGateway's `experimental_didResolveQueryPlan`).
   */
  start({ queryPlan, serviceMap, requestContext, operationContext }: { queryPlan: QueryPlan; serviceMap: ServiceMap; requestContext: GatewayGraphQLRequestContext; operationContext: { operation: OperationDefinitionNode } }): void {
    const operation = operationContext.operation;
    if (this.lookups.length === 0 || operation.operation !== 'query' || queryPlan.node?.kind !== 'Sequence') return;
    const provided = requestContext.request.variables;
    const keyed = lookupsOf(operation, provided, this.lookups);
    if (keyed.size === 0) return;
    const context = requestContext.context as GatewayContext;
    for (const { field, fetch } of flattenedFetches(queryPlan.node)) {
      const at = keyed.get(field);
      const service = serviceMap[fetch.serviceName];
      if (!at || !service || fetch.inputRewrites?.length || fetch.contextRewrites?.length) continue;
      const type = keyOnlyType(fetch.requires, at.lookup.argument);
      if (!type) continue;
      // The variables as the executor builds them (executeQueryPlan.ts executeFetch): the ones the fetch uses, as provided.
      const variables: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const name of fetch.variableUsages ?? []) {
        if (provided && Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
      }
      if ('representations' in variables) continue;
      variables.representations = [{ __typename: type, [at.lookup.argument]: at.key }];
      const options: ProcessOptions = {
        kind: INCOMING_OPERATION,
        request: { query: fetch.operation, variables, ...(fetch.operationName ? { operationName: fetch.operationName } : {}) },
        incomingRequestContext: requestContext as GatewayGraphQLRequestContext<GatewayContext>,
        context,
        ...(fetch.operationDocumentNode ? { document: fetch.operationDocumentNode } : {}),
        pathInIncomingRequest: [field],
      };
      early.add(options);
      let answer: Answer;
      try {
        answer = service.process(options) as Answer;
      } catch {
        // A data source that refuses at once: the plan's own fetch will meet the same refusal.
        continue;
      }
      // Unused, it fails unseen; used, the plan's fetch gets the failure as its own.
      answer.catch(() => undefined);
      let mine = pending.get(context);
      if (!mine) pending.set(context, (mine = new Map()));
      mine.set(requestKey(fetch.serviceName, fetch.operation, variables), answer);
      earlyFetches.inc({ subgraph: fetch.serviceName, outcome: 'started' });
    }
  }
}

/**
 * The product's lookup: `customer(id:)` returns the customer whose key `id` it
 * was given. `customerNumber` is the org mapping's format (lib/mapping.ts), so a
 * malformed number is refused by the customer subgraph alone, at no other cost.
 */
export const customerLookup = (customerNumber: { test(id: string): boolean }): EntityLookup => ({ field: 'customer', argument: 'id', accepts: (k) => customerNumber.test(k) });

/** GATEWAY_EARLY_FETCHES: `on` (the default) or `off`. */
export function earlyFetchesEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = (env.GATEWAY_EARLY_FETCHES ?? 'on').trim().toLowerCase();
  if (v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  throw new ConfigError(`GATEWAY_EARLY_FETCHES must be on or off, not ${JSON.stringify(env.GATEWAY_EARLY_FETCHES)}`);
}

/**
 * Runs the rest of a subscription's plan for one event. The design reuses
 * @apollo/gateway's own query-plan executor instead of writing a second one:
 * the event's payload is served by a stand-in data source for the primary
 * fetch, so `executeQueryPlan` sees an ordinary plan (the primary fetch followed
 * by the rest) and does the entity fetches, merging, error paths and result
 * shaping exactly as it does for queries, through the same subgraph data sources
 * (with their signed headers and correlation ids).
 */
import type { ExecutionResult, GraphQLError } from 'graphql';
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import type { PreparedSubscription } from './plan.js';
import type { SubscriptionPlanner } from './plan.js';

/** The name under which the event stands in for the primary fetch. */
const EVENT_SOURCE = '__subscription_event__';

function eventSource(payload: ExecutionResult): GraphQLDataSource {
  return {
    async process() {
      return { data: payload.data ?? null, ...(payload.errors ? { errors: payload.errors as GraphQLError[] } : {}) } as never;
    },
  };
}

export interface EnrichOptions<TContext> {
  planner: SubscriptionPlanner;
  prepared: PreparedSubscription;
  /** The primary fetch's result for this event, as the owning subgraph sent it. */
  payload: ExecutionResult;
  variables: Record<string, unknown>;
  /** The gateway's data sources by subgraph name. */
  serviceMap: ServiceMap;
  /** The request context handed to the data sources (scope, caller). */
  context: TContext;
}

export async function enrichEvent<TContext extends Record<string, unknown>>(opts: EnrichOptions<TContext>): Promise<ExecutionResult> {
  const { prepared } = opts;
  const primary: FetchNode = { ...prepared.primary, serviceName: EVENT_SOURCE };
  const node: PlanNode = prepared.rest ? { kind: 'Sequence', nodes: [primary, prepared.rest] } : primary;
  const plan: QueryPlan = { kind: 'QueryPlan', node };
  const serviceMap: ServiceMap = { ...opts.serviceMap, [EVENT_SOURCE]: eventSource(opts.payload) };
  // executeQueryPlan reads only these members of the request context.
  const requestContext = {
    request: { variables: opts.variables },
    context: opts.context,
    metrics: {},
    logger: console,
    operationName: prepared.operationName,
    document: prepared.document,
  };
  const result = await executeQueryPlan(
    plan,
    serviceMap,
    requestContext as never,
    prepared.operationContext,
    opts.planner.supergraphSchema,
    opts.planner.federationApiSchema,
  );
  return { data: (result.data ?? null) as ExecutionResult['data'], ...(result.errors ? { errors: result.errors } : {}) };
}

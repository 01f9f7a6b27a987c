/**
 * Runs the rest of a subscription's plan for one event. The design reuses
 * @apollo/gateway's own query-plan executor instead of writing a second one:
 * the event's payload is served by a stand-in data source for the primary
 * fetch, so `executeQueryPlan` sees an ordinary plan (the primary fetch followed
 * by the rest) and does the entity fetches, merging, error paths and result
 * shaping exactly as it does for queries, through the same subgraph data sources
 * (with their signed headers and correlation ids).
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { executeQueryPlan, type GraphQLDataSource, type RemoteGraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
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

/** The subgraph whose data source threw each error (a transport failure carries no `serviceName` of its own). */
const failedIn = new WeakMap<object, string>();

/**
 * The subgraph an error of an enrichment came from: the `serviceName` that
 * @apollo/gateway adds to the errors a subgraph answered with, or the data source
 * that threw it. Undefined for errors of the event itself and of the executor.
 */
export function serviceOfError(error: unknown): string | undefined {
  if (error instanceof GraphQLError && typeof error.extensions.serviceName === 'string') {
    return error.extensions.serviceName === EVENT_SOURCE ? undefined : error.extensions.serviceName;
  }
  return error !== null && typeof error === 'object' ? failedIn.get(error) : undefined;
}

function taggingFailures(name: string, source: GraphQLDataSource): GraphQLDataSource {
  // executeQueryPlan calls nothing but process() on a data source.
  return {
    process: (options) =>
      source.process(options).catch((e: unknown) => {
        if (e !== null && typeof e === 'object') failedIn.set(e, name);
        throw e;
      }),
  };
}

/** How much one enrichment of one event may take. */
export interface EnrichLimits {
  /** Milliseconds from the event's arrival to its enriched result. */
  timeoutMs: number;
  /** Bytes of subgraph response bodies, summed over every fetch of the enrichment, counted as they arrive. */
  maxBytes: number;
}

/** An enrichment passed one of its limits; its fetches still in flight were aborted. */
export class EnrichmentLimitError extends Error {
  override readonly name = 'EnrichmentLimitError';
  constructor(
    readonly limit: 'enrichTimeoutMs' | 'enrichMaxBytes',
    readonly max: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The data sources of one enrichment, each sending through a fetcher that
 * carries the enrichment's abort signal and counts response bytes against its
 * budget. Derived with Object.create, so every other member (URL, signing,
 * willSendRequest) is the gateway's own data source, unchanged; a data source
 * without a fetcher (not an HTTP one) is used as is and bounded by the deadline alone.
 */
function boundedServiceMap(serviceMap: ServiceMap, signal: AbortSignal, onBytes: (n: number) => void): ServiceMap {
  const bounded: ServiceMap = {};
  for (const [name, source] of Object.entries(serviceMap)) {
    const original = (source as { fetcher?: unknown }).fetcher;
    if (typeof original !== 'function') {
      bounded[name] = source;
      continue;
    }
    const inner = original.bind(source) as Fetcher;
    const fetcher: Fetcher = async (url: string, init?: FetcherRequestInit) => readBounded(await inner(url, { ...init, signal }), signal, onBytes);
    bounded[name] = Object.assign(Object.create(source) as GraphQLDataSource, { fetcher });
  }
  return bounded;
}

/**
 * Reads a response body chunk by chunk, reporting each chunk's size so that the
 * budget can abort the enrichment before an oversized answer is all in memory,
 * and hands the data source an equivalent, fully read response.
 */
async function readBounded(response: FetcherResponse, signal: AbortSignal, onBytes: (n: number) => void): Promise<FetcherResponse> {
  const body = (response as { body?: unknown }).body;
  const chunks: Buffer[] = [];
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      onBytes(buf.byteLength);
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('enrichment aborted');
      chunks.push(buf);
    }
  } else {
    const buf = Buffer.from(await response.arrayBuffer());
    onBytes(buf.byteLength);
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('enrichment aborted');
    chunks.push(buf);
  }
  const headers: Array<[string, string]> = [...response.headers];
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : Buffer.concat(chunks), { status: response.status, statusText: response.statusText, headers }) as FetcherResponse;
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
  /** Deadline and byte budget of this enrichment; without them it is unbounded. */
  limits?: EnrichLimits;
}

export async function enrichEvent<TContext extends Record<string, unknown>>(opts: EnrichOptions<TContext>): Promise<ExecutionResult> {
  const { limits } = opts;
  // Without a rest of the plan the event is the whole answer: nothing is fetched, nothing to bound.
  if (!limits || !opts.prepared.rest) return runPlan(opts, opts.serviceMap);
  const controller = new AbortController();
  let bytes = 0;
  // Rejects when a limit is passed: the caller gets its error at the deadline even
  // if a fetch ignores the abort, and the plan's remaining fetches fail at once.
  const refused = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
  });
  refused.catch(() => undefined);
  const refuse = (error: EnrichmentLimitError): void => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  const timer = setTimeout(
    () => refuse(new EnrichmentLimitError('enrichTimeoutMs', limits.timeoutMs, `enriching this event took longer than the limit of ${limits.timeoutMs} ms; the event was not delivered`)),
    limits.timeoutMs,
  );
  const serviceMap = boundedServiceMap(opts.serviceMap, controller.signal, (n) => {
    bytes += n;
    if (bytes > limits.maxBytes) {
      refuse(new EnrichmentLimitError('enrichMaxBytes', limits.maxBytes, `enriching this event fetched more than the limit of ${limits.maxBytes} bytes from the subgraphs; the event was not delivered`));
    }
  });
  try {
    return await Promise.race([runPlan(opts, serviceMap), refused]);
  } finally {
    clearTimeout(timer);
  }
}

async function runPlan<TContext extends Record<string, unknown>>(opts: EnrichOptions<TContext>, sources: ServiceMap): Promise<ExecutionResult> {
  const { prepared } = opts;
  const primary: FetchNode = { ...prepared.primary, serviceName: EVENT_SOURCE };
  const node: PlanNode = prepared.rest ? { kind: 'Sequence', nodes: [primary, prepared.rest] } : primary;
  const plan: QueryPlan = { kind: 'QueryPlan', node };
  const serviceMap: ServiceMap = { [EVENT_SOURCE]: eventSource(opts.payload) };
  for (const [name, source] of Object.entries(sources)) serviceMap[name] = taggingFailures(name, source);
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

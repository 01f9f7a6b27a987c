/**
 * How the gateway talks to a subgraph: Apollo's RemoteGraphQLDataSource, plus the
 * request scope forwarded on every fetch (correlation id, a child traceparent),
 * so one client request can be followed through every subgraph down to each
 * system of record, and the verified caller in the signed internal header,
 * without which a subgraph answers nothing (in process, a voucher instead of it:
 * see below). That header is signed once per fetch
 * (a retry comes back through willSendRequest and is signed afresh), for this
 * subgraph and for the exact body the fetch sends (lib/auth/internal.ts): the
 * claims are prepared in willSendRequest, where the caller is known, and sealed
 * in the transport (`signFetch`), where the body string exists, so binding the
 * body costs one sha256 over it rather than a canonical serialisation of the
 * operation. It also counts each fetch and takes the subgraph's cache report out
 * of its answer, for the response cache, and, when the gateway has one, answers
 * query fetches from the subgraph-response cache (`process`).
 *
 * Fetches go through undici's `request` (lib/http.ts `exchange`, as calls to the
 * systems of record do) with a keep-alive pool per subgraph origin (`subgraphFetcher`), instead of Apollo's default fetch stack, which the
 * gateway's CPU profile showed costing about 15% of a warm request, and instead
 * of undici's own fetch, whose WHATWG objects (Request, Headers, a web stream per
 * body, an AbortSignal wrapper) were still a quarter of the gateway's CPU on a
 * cold customer view; the answer comes back as the small Response Apollo reads
 * (`textResponse`), over the body read whole. Or, for a
 * subgraph running in the gateway's process, straight to its in-process entry
 * (`localFetcher`), through the same counting and report extraction. There the
 * caller goes as an in-process voucher (lib/auth/internal.ts, `vouchCaller`),
 * minted in willSendRequest for this subgraph and request: no claims to encode,
 * no body digest, no HMAC, and no nonce for the subgraph to claim (a Redis round
 * trip per fetch when it has Redis). A header carries only strings, so the
 * voucher waits in the data source under a handle the caller header names until
 * the fetch takes it out (`PendingVouchers`); it never goes out as a header.
 */
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent } from 'undici';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../lib/server.js';
import { exchange, followingRedirects } from '../../lib/http.js';
import { childTraceparent } from '../../lib/context.js';
import { SpanKind, activeTraceparent, inSpan, tracingOn } from '../../lib/tracing.js';
import {
  CALLER_HEADER,
  GATEWAY_CALLER,
  isPreparedCaller,
  prepareCaller,
  sealCaller,
  vouchCaller,
  type Caller,
  type CallerVoucher,
  type TrustOptions,
} from '../../lib/auth/index.js';
import type { LocalResponse, LocalSubgraph } from '../../lib/local-subgraph.js';
import type { GatewayContext } from './context.js';
import { noteSubgraphFetch, subgraphFetches, takeSubgraphReport, type SubgraphResponseCache } from './response-cache/index.js';
import { timedFetch } from './metrics.js';
import { takeEarlyFetch } from './early-fetches.js';

type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;
type FetcherInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/** The gateway's connections to its subgraphs, and the fetch that uses them; close() ends them. */
export interface SubgraphFetcher {
  fetcher: Fetcher;
  close(): Promise<void>;
}

export function subgraphFetcher(): SubgraphFetcher {
  const dispatcher = new Agent({
    // Idle connections close on this side first: the subgraphs keep theirs KEEP_ALIVE_TIMEOUT_MS (lib/server.ts).
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS - 5_000,
    keepAliveMaxTimeout: KEEP_ALIVE_TIMEOUT_MS - 5_000,
  });
  // Redirects followed, the answer's encoding decoded, fetch's headers sent: as undici's fetch did here before.
  const following = followingRedirects(dispatcher);
  const fetcher: Fetcher = async (url, init) => {
    const answer = await exchange(url, {
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      ...(init?.signal ? { signal: init.signal as AbortSignal } : {}),
      dispatcher: following,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return textResponse({ status: answer.status, headers, body: answer.text }, url);
  };
  return { fetcher, close: () => dispatcher.close() };
}

/** Marks a caller header that names a voucher waiting in the data source, not a signed caller. */
const VOUCHER_HANDLE = 'voucher.';

/**
 * The vouchers of one data source, each waiting between willSendRequest, which
 * mints it, and the fetch it is for, which takes it. Every willSendRequest is
 * followed by its fetch, so this holds only the fetches in between; should one
 * ever not follow, the oldest are dropped past `max` (a voucher dropped is a
 * fetch refused, never one let through).
 */
export class PendingVouchers {
  private next = 0;
  private readonly byHandle = new Map<string, CallerVoucher>();

  constructor(private readonly max = 10_000) {}

  /** Keeps the voucher; the caller header carries the handle returned. */
  hold(voucher: CallerVoucher): string {
    if (this.byHandle.size >= this.max) {
      const oldest = this.byHandle.keys().next();
      if (!oldest.done) this.byHandle.delete(oldest.value);
    }
    this.next += 1;
    const handle = `${VOUCHER_HANDLE}${this.next}`;
    this.byHandle.set(handle, voucher);
    return handle;
  }

  /** The voucher a caller header names, taken out (once); undefined for every other header. */
  take(header: string | undefined): CallerVoucher | undefined {
    if (!header?.startsWith(VOUCHER_HANDLE)) return undefined;
    const voucher = this.byHandle.get(header);
    this.byHandle.delete(header);
    return voucher;
  }

  get size(): number {
    return this.byHandle.size;
  }
}

/**
 * The fetch of a subgraph served in this process: the request goes to its
 * in-process entry (lib/local-subgraph.ts), which runs the steps of its HTTP
 * route, and its answer comes back as the Response HTTP would have given. A
 * caller header naming a voucher in `vouchers` is replaced by the voucher itself.
 */
export function localFetcher(local: LocalSubgraph, vouchers?: PendingVouchers): Fetcher {
  return async (_url, init) => {
    const headers: Record<string, string> = {};
    let voucher: CallerVoucher | undefined;
    for (const [k, v] of Object.entries((init?.headers ?? {}) as Record<string, string>)) {
      const name = k.toLowerCase();
      if (name === CALLER_HEADER && vouchers) {
        voucher = vouchers.take(v);
        if (voucher) continue;
      }
      headers[name] = v;
    }
    const answer = await local.fetch({ headers, body: typeof init?.body === 'string' ? init.body : '', voucher });
    return textResponse(answer);
  };
}

/**
 * A subgraph's answer, read whole, as the fetch Response Apollo reads, over
 * its body as a string: a WHATWG Response would wrap it in a web stream only
 * for Apollo to read it back out, which the gateway's profile showed costing
 * about a millisecond of a cold customer view. Like `new Response(body, init)`:
 * an empty status text, a body that can be read once, and the URL it came from
 * (none for an in-process answer).
 */
export function textResponse(answer: LocalResponse, url = ''): FetcherResponse {
  let used = false;
  const read = (): string => {
    if (used) throw new TypeError('Body is unusable: Body has already been read');
    used = true;
    return answer.body;
  };
  return {
    get bodyUsed() {
      return used;
    },
    url,
    redirected: false,
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    statusText: '',
    headers: new LocalHeaders(answer.headers),
    text: async () => read(),
    json: async () => JSON.parse(read()) as unknown,
    arrayBuffer: async () => {
      const bytes = new TextEncoder().encode(read());
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
    clone: () => {
      if (used) throw new TypeError('Response.clone: Body has already been consumed.');
      return textResponse(answer, url);
    },
  };
}

/** An answer's headers, as a fetch Response's Headers give them: names matched whatever their case, iterated in name order. */
class LocalHeaders implements FetcherHeaders {
  private readonly byName = new Map<string, string>();

  constructor(raw: Readonly<Record<string, string>>) {
    for (const [name, value] of Object.entries(raw)) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const prior = this.byName.get(key);
    this.byName.set(key, prior === undefined ? value : `${prior}, ${value}`);
  }

  delete(name: string): void {
    this.byName.delete(name.toLowerCase());
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.byName.set(name.toLowerCase(), value);
  }

  entries(): IterableIterator<[string, string]> {
    return [...this.byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).values();
  }

  keys(): IterableIterator<string> {
    return [...this.entries()].map(([name]) => name).values();
  }

  values(): IterableIterator<string> {
    return [...this.entries()].map(([, value]) => value).values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0] & {
      trust: TrustOptions;
      name?: string;
      subgraphCache?: SubgraphResponseCache | undefined;
      /** The subgraph's in-process entry, when it runs in this process: fetches go there, with a voucher for the caller. */
      local?: LocalSubgraph | undefined;
    },
  ) {
    super(config);
    this.trust = config.trust;
    this.subgraph = config.name ?? 'unknown';
    this.subgraphCache = config.subgraphCache;
    if (config.local) {
      this.vouchers = new PendingVouchers();
      this.fetcher = timedFetch(this.subgraph, localFetcher(config.local, this.vouchers));
      return;
    }
    this.vouchers = undefined;
    const send = timedFetch(this.subgraph, this.fetcher);
    this.fetcher = (url, init) => send(url, init ? this.signFetch(init) : init);
  }

  /**
   * Seals the caller header willSendRequest prepared over the body this fetch
   * sends, as the bytes go out: the subgraph hashes the same bytes it receives.
   */
  signFetch(init: FetcherInit): FetcherInit {
    const headers = init.headers as Record<string, string> | undefined;
    const prepared = headers?.[CALLER_HEADER];
    if (!headers || !isPreparedCaller(prepared)) return init;
    return { ...init, headers: { ...headers, [CALLER_HEADER]: sealCaller(prepared, typeof init.body === 'string' ? init.body : '', this.trust) } };
  }

  private readonly trust: TrustOptions;
  private readonly subgraph: string;
  /** Set when the subgraph runs in this process: the caller goes as a voucher, not a signed header. */
  private readonly vouchers: PendingVouchers | undefined;
  private readonly subgraphCache: SubgraphResponseCache | undefined;

  /**
   * With the subgraph-response cache, a query fetch is answered from it where
   * it can be, and only what it lacks is sent (response-cache/entities.ts).
   */
  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    // Sent already, with the plan's first fetch (early-fetches.ts): this fetch takes that answer.
    const sent = takeEarlyFetch(this.subgraph, options);
    if (sent) return sent;
    const send = (): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> =>
      this.subgraphCache ? this.subgraphCache.process(this.subgraph, options, (o) => super.process(o)) : super.process(options);
    if (!tracingOn()) return send();
    // One CLIENT span per fetch, under Apollo's gateway.fetch: the subgraph's server span is its child
    // (traceparent, willSendRequest), and the subgraph-response cache's verdict lands on it.
    return inSpan(`subgraph ${this.subgraph}`, { kind: SpanKind.CLIENT, attributes: { 'subgraph.name': this.subgraph } }, async (span) => {
      const response = await send();
      if (response.errors?.length) span?.setAttribute('rsg.subgraph.errors', response.errors.length);
      return response;
    });
  }

  override didReceiveResponse(
    requestContext: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0],
  ): ReturnType<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>> {
    const { response, context } = requestContext;
    // Clients never see the report; the request's cache state keeps it.
    takeSubgraphReport(context, response as { extensions?: Record<string, unknown> });
    return response;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    // Health checks and schema introspection at boot run outside any client
    // request: they go as the gateway itself, which no authorization rule lets
    // past, under a correlation id of their own.
    const context = 'context' in options ? options.context : undefined;
    subgraphFetches.inc({ subgraph: this.subgraph });
    noteSubgraphFetch(context);
    if (!context?.scope || !context.caller) {
      const correlationId = `gateway-${randomUUID()}`;
      headers.set('x-correlation-id', correlationId);
      headers.set(CALLER_HEADER, this.callerHeader(GATEWAY_CALLER, correlationId));
      return;
    }
    const { scope, caller } = context;
    headers.set('x-correlation-id', scope.correlationId);
    headers.set('traceparent', activeTraceparent() ?? childTraceparent(scope.traceparent));
    headers.set(CALLER_HEADER, this.callerHeader(caller, scope.correlationId));
  }

  /** The caller header of one fetch: claims prepared for signFetch to seal over HTTP; in process, a voucher's handle. */
  private callerHeader(caller: Caller, correlationId: string): string {
    const opts = { trust: this.trust, correlationId, audience: this.subgraph };
    return this.vouchers ? this.vouchers.hold(vouchCaller(caller, opts)) : prepareCaller(caller, opts);
  }
}

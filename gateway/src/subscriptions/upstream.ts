/**
 * The gateway's side of each subgraph's graphql-ws endpoint: one multiplexed
 * WebSocket per subgraph, opened when the first subscription needs it and
 * reconnected with jittered exponential backoff when the subgraph restarts.
 * graphql-ws re-sends each active subscription on reconnect; the payload's
 * `extensions.resumeAfter` is updated with the position of the last event
 * seen, so the subgraph replays what was published while the link was down.
 */
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { childLogger } from '../../../lib/log.js';

const log = childLogger('subscriptions:upstream');

export interface UpstreamPayload {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  extensions: Record<string, unknown> & { resumeAfter?: string };
}

export interface UpstreamSink {
  next(result: ExecutionResult): void;
  error(err: unknown): void;
  complete(): void;
}

export interface UpstreamOptions {
  /** Subgraph HTTP URLs by name; the WebSocket URL is the same with ws(s):. */
  urls: Record<string, string>;
  /** Headers for each new connection to the named subgraph (the gateway's own identity towards it). */
  connectionHeaders?: (subgraph: string) => Record<string, string>;
  /** First reconnect delay. @default 250 */
  retryBaseMs?: number;
  /** Longest reconnect delay. @default 10000 */
  retryMaxMs?: number;
}

/**
 * A payload's extensions may carry a function under this key: it is told the
 * subgraph and the payload before they are sent, so that a signature computed in
 * the extensions can be bound to them (gateway/src/subscriptions/security.ts).
 */
export const BIND_UPSTREAM_PAYLOAD = Symbol('bindUpstreamPayload');

/** Where a subgraph put the event's position, in the `extensions` of each next message. */
export const EVENT_POSITION_EXTENSION = 'eventPosition';

export class Upstreams {
  private readonly clients = new Map<string, Client>();
  private disposing = false;

  constructor(private readonly opts: UpstreamOptions) {}

  private client(serviceName: string): Client {
    let client = this.clients.get(serviceName);
    if (client) return client;
    const httpUrl = this.opts.urls[serviceName];
    if (!httpUrl) throw new Error(`no URL for subgraph '${serviceName}'`);
    const url = httpUrl.replace(/^http/, 'ws');
    const headersOf = this.opts.connectionHeaders;
    // graphql-ws constructs the socket itself; a subclass is how headers reach the upgrade request.
    class SocketWithHeaders extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: headersOf?.(serviceName) ?? {} });
      }
    }
    const base = this.opts.retryBaseMs ?? 250;
    const max = this.opts.retryMaxMs ?? 10_000;
    client = createClient({
      url,
      webSocketImpl: SocketWithHeaders,
      lazy: true,
      keepAlive: 10_000,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        const ceiling = Math.min(max, base * 2 ** Math.min(retries, 16));
        await new Promise((r) => setTimeout(r, ceiling / 2 + (Math.random() * ceiling) / 2));
      },
      on: {
        connected: () => log.info({ subgraph: serviceName }, 'subscription link up'),
        closed: (e) => {
          const code = (e as { code?: number } | undefined)?.code;
          // The link is lazy: it closes normally (1000) each time its last subscription
          // ends, and the gateway closes it on shutdown. Neither is trouble; a subgraph
          // going away or restarting (1001, 1012: a restart or deploy) is worth a line; anything else is not normal.
          if (this.disposing || code === 1000) log.debug({ subgraph: serviceName, code }, 'subscription link closed');
          else if (code === 1001 || code === 1012) log.info({ subgraph: serviceName, code }, 'subscription link closed by the subgraph');
          else log.warn({ subgraph: serviceName, code }, 'subscription link lost');
        },
      },
    });
    this.clients.set(serviceName, client);
    return client;
  }

  /** Subscribes on a subgraph; returns the function that ends the subscription. */
  subscribe(serviceName: string, payload: UpstreamPayload, sink: UpstreamSink): () => void {
    // Positions are "<ms>-<seq>" on both buses: starting from now means that if the
    // link breaks before the first event, what is published meanwhile still arrives.
    payload.extensions.resumeAfter ??= `${Date.now()}-0`;
    const bindPayload: unknown = Reflect.get(payload.extensions, BIND_UPSTREAM_PAYLOAD);
    if (typeof bindPayload === 'function') bindPayload(serviceName, payload);
    return this.client(serviceName).subscribe(payload, {
      next: (result) => {
        const position = (result.extensions as Record<string, unknown> | undefined)?.[EVENT_POSITION_EXTENSION];
        // graphql-ws re-sends this same payload object when it reconnects.
        if (typeof position === 'string') payload.extensions.resumeAfter = position;
        sink.next(result as ExecutionResult);
      },
      error: (err) => sink.error(err),
      complete: () => sink.complete(),
    });
  }

  async dispose(): Promise<void> {
    this.disposing = true;
    await Promise.allSettled([...this.clients.values()].map((c) => c.dispose()));
    this.clients.clear();
  }
}

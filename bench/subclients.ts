/**
 * The subscription client of the benchmark, run as its own process (pinned by
 * bench/subscriptions/ to the client cores) so that the subscribers never
 * share a core or an event loop with the gateway, nor with the runner that
 * samples it. It opens graphql-ws connections to the gateway, subscribes, and
 * reports every message it receives with a receive time that the runner can
 * compare with its own clock.
 *
 * Protocol, one JSON value per line:
 * - stdin, first line: a ClientSpec. Later lines: `{"op":"close"}` ends the run.
 * - stdout: ClientLine values. `ready` once every connection is acknowledged
 *   and its subscriptions are sent; then `msg` for every message; `closed` once
 *   every connection has closed after `close`, after which the process exits.
 *
 * Receive times are `performance.timeOrigin + performance.now()`: milliseconds
 * since the epoch with sub-millisecond resolution, on the same clock in every
 * process of the machine, so the runner can subtract its own send times.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

export interface SubscriptionSpec {
  /** Chosen by the runner and echoed in every line about this subscription. */
  id: string;
  /** The subscription document. */
  query: string;
  variables?: Record<string, unknown>;
  /** Path in `data` to the id of the changed record (order, invoice or case), by which the runner matches a message to its action. */
  keyPath: readonly string[];
  /**
   * Path in `data` to a field another subgraph resolves. A message whose value
   * there is null, or that has errors, is reported as not enriched.
   */
  enrichedPath: readonly string[];
}

export interface ClientSpec {
  /** The gateway's GraphQL URL; http(s) is turned into ws(s) on the same path. */
  url: string;
  /** Sent as `{ authorization: 'Bearer <token>' }` in the connection parameters. */
  token: string;
  /** One entry per connection: the subscriptions it carries. */
  connections: SubscriptionSpec[][];
  /** How long to wait for every connection to be acknowledged. @default 30000 */
  connectTimeoutMs?: number;
}

export type ClientLine =
  | {
      type: 'ready';
      /** Connections acknowledged by the gateway. */
      connections: number;
      /** Subscriptions sent on those connections. */
      subscriptions: number;
      /** Connections that failed or were not acknowledged in time. */
      failed: number;
      /** From the first connection attempt to the last acknowledgement, ms. */
      connectMs: number;
      /** The first few distinct connection errors. */
      errors: string[];
    }
  | {
      type: 'msg';
      sub: string;
      /** Receive time, ms since the epoch (see the file comment). */
      t: number;
      eventId: string | null;
      key: string | null;
      /** The field at enrichedPath is non-null and the message has no errors. */
      enriched: boolean;
      /** The first error's code and message, when the message has errors. */
      error: string | null;
    }
  | { type: 'sub-error'; sub: string; t: number; message: string }
  | { type: 'sub-complete'; sub: string; t: number }
  | {
      type: 'conn-closed';
      conn: number;
      t: number;
      code: number;
      reason: string;
      /** True when the runner asked for the close; false means the gateway (or the network) closed it. */
      requested: boolean;
    }
  | {
      type: 'closed';
      /** Close codes of every connection at the end, by code. */
      closeCodes: Record<string, number>;
      /** Connections that had not reported their close within the wait. */
      unclosed: number;
    }
  | { type: 'fatal'; message: string };

export type ClientCommand = { op: 'close' };

const now = (): number => performance.timeOrigin + performance.now();

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function closeInfo(event: unknown): { code: number; reason: string } {
  const e = event as { code?: unknown; reason?: unknown } | null;
  return {
    code: typeof e?.code === 'number' ? e.code : -1,
    reason: typeof e?.reason === 'string' ? e.reason : e instanceof Error ? e.message : String(event),
  };
}

/** Batches output lines per turn of the event loop: a fan-out delivers a thousand messages at once. */
function lineWriter(): (line: ClientLine) => void {
  let pending: string[] = [];
  return (line) => {
    if (pending.length === 0) {
      setImmediate(() => {
        const out = pending.join('');
        pending = [];
        process.stdout.write(out);
      });
    }
    pending.push(`${JSON.stringify(line)}\n`);
  };
}

export async function runClients(spec: ClientSpec, commands: AsyncIterable<string>, emit: (line: ClientLine) => void): Promise<void> {
  const url = spec.url.replace(/^http/, 'ws');
  const connectTimeoutMs = spec.connectTimeoutMs ?? 30_000;
  let closing = false;
  const clients: Client[] = [];
  const closed = new Map<number, { code: number; reason: string }>();
  let allClosed: (() => void) | undefined;
  const errors = new Set<string>();
  let acked = 0;
  let failed = 0;
  let lastAck = 0;
  const start = now();
  let settle: (() => void) | undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const settleIfDone = (): void => {
    if (acked + failed === spec.connections.length) settle?.();
  };

  spec.connections.forEach((subscriptions, conn) => {
    let connected = false;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${spec.token}` },
      // Connect at once rather than on the first subscribe, so acknowledgement is what `ready` waits for.
      lazy: false,
      // A retry would re-subscribe and hide both the close and any event lost meanwhile.
      retryAttempts: 0,
      onNonLazyError: (e) => {
        errors.add(closeInfo(e).reason.slice(0, 200));
        if (!connected) {
          connected = true;
          failed += 1;
          settleIfDone();
        }
      },
      on: {
        connected: () => {
          if (connected) return;
          connected = true;
          acked += 1;
          lastAck = now();
          settleIfDone();
        },
        closed: (event) => {
          if (closed.has(conn)) return;
          const info = closeInfo(event);
          closed.set(conn, info);
          emit({ type: 'conn-closed', conn, t: now(), ...info, requested: closing });
          if (closing && closed.size === clients.length) allClosed?.();
        },
      },
    });
    clients.push(client);
    for (const sub of subscriptions) {
      client.subscribe(
        { query: sub.query, ...(sub.variables ? { variables: sub.variables } : {}) },
        {
          next: (result: FormattedExecutionResult) => {
            const t = now();
            const data = result.data as Record<string, unknown> | null | undefined;
            const root = data ? Object.values(data)[0] : undefined;
            const eventId = at(root, ['eventId']);
            const key = at(data, sub.keyPath);
            const first = result.errors?.[0];
            const error = first ? `${String(first.extensions?.code ?? '')} ${first.message}`.trim() : null;
            emit({
              type: 'msg',
              sub: sub.id,
              t,
              eventId: typeof eventId === 'string' ? eventId : null,
              key: typeof key === 'string' ? key : null,
              enriched: error === null && at(data, sub.enrichedPath) != null,
              error,
            });
          },
          error: (e) => {
            if (closing) return;
            const first = Array.isArray(e) ? (e[0] as { message?: string } | undefined) : undefined;
            emit({ type: 'sub-error', sub: sub.id, t: now(), message: first?.message ?? closeInfo(e).reason });
          },
          complete: () => {
            if (!closing) emit({ type: 'sub-complete', sub: sub.id, t: now() });
          },
        },
      );
    }
  });

  const timer = setTimeout(() => settle?.(), connectTimeoutMs);
  await settled;
  clearTimeout(timer);
  // graphql-ws sends the subscribe messages in the turn after the acknowledgement.
  await new Promise((r) => setImmediate(r));
  emit({
    type: 'ready',
    connections: acked,
    subscriptions: spec.connections.reduce((n, subs) => n + subs.length, 0),
    failed: spec.connections.length - acked,
    connectMs: (lastAck || now()) - start,
    errors: [...errors].slice(0, 5),
  });

  for await (const line of commands) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as ClientCommand;
    if (command.op === 'close') break;
  }
  closing = true;
  const everyClose = new Promise<void>((resolve) => {
    allClosed = resolve;
    if (closed.size === clients.length) resolve();
  });
  for (const c of clients) void c.dispose();
  await Promise.race([everyClose, new Promise((r) => setTimeout(r, 10_000))]);
  const closeCodes: Record<string, number> = {};
  for (const { code } of closed.values()) closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
  emit({ type: 'closed', closeCodes, unclosed: clients.length - closed.size });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const emit = lineWriter();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const fail = (e: unknown): void => {
    process.stdout.write(`${JSON.stringify({ type: 'fatal', message: e instanceof Error ? e.message : String(e) } satisfies ClientLine)}\n`);
    process.exit(1);
  };
  lines
    .next()
    .then(async (first) => {
      if (first.done) throw new Error('expected a ClientSpec on the first line of stdin');
      const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => lines };
      await runClients(JSON.parse(first.value) as ClientSpec, rest, emit);
      // Let the batched lines reach stdout before exiting.
      await new Promise((r) => setImmediate(r));
      process.stdout.write('', () => process.exit(0));
    })
    .catch(fail);
}

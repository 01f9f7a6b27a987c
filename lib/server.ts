/**
 * The HTTP kit the gateway and every subgraph share: a server with keep-alive
 * timeouts pooled callers can rely on, JSON errors for failures that reach
 * Express, and a graceful stop on SIGINT/SIGTERM.
 */
import { createServer, type Server } from 'node:http';
import type express from 'express';
import { z } from 'zod';
import { parseSettings } from './config.js';
import { ErrorCode } from './errors.js';
import { childLogger } from './log.js';

/** A process part that serves HTTP and can be stopped. */
export interface RunningService {
  name: string;
  url: string;
  /** Turns readiness to 503 (lib/health.ts) while the service still serves, so load balancers stop sending before close(). @default nothing */
  drain?(): void;
  /**
   * Called shortly before the shutdown deadline: answers what still waits on work that
   * cannot finish in time, as far as it can without losing it (a subgraph's writes in
   * flight answer QUEUED), so that callers get an outcome rather than a dropped
   * connection. @default nothing
   */
  settle?(): void;
  close(): Promise<void>;
}

/**
 * How long an idle keep-alive connection stays open, ms. Node closes one after 5 s by
 * default; a caller pooling connections (the gateway to its subgraphs, a load balancer to
 * the gateway) that sends on it just as it closes sees "socket hang up", and its client
 * an INTERNAL_SERVER_ERROR. Idle connections are kept longer than the common 60 s of
 * load balancers, so the caller is the side that closes them.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The largest request body a subgraph reads. The gateway's own limit on client bodies is far smaller; entity fetches of a large plan are what come near this. */
export const SUBGRAPH_BODY_LIMIT = '1mb';

type HttpError = { type?: unknown; status?: unknown; statusCode?: unknown };

/**
 * Turns a failure that reached Express (a body that is not JSON, too large,
 * badly compressed, in an unknown encoding or charset, or a route's own
 * failure) into a coded GraphQL error in JSON, never Express's HTML page,
 * which names files and, outside production, prints the stack.
 */
export function jsonErrorHandler(log: ReturnType<typeof childLogger>, bodyLimit = SUBGRAPH_BODY_LIMIT): express.ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = (err ?? {}) as HttpError;
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
    const send = (httpStatus: number, message: string, extensions: Record<string, unknown>): void => {
      res.status(httpStatus).json({ errors: [{ message, extensions }] });
    };
    switch (e.type) {
      case 'entity.too.large':
        send(413, `expected a request body of at most ${bodyLimit}, got more`, { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'bodySize', max: bodyLimit });
        return;
      case 'encoding.unsupported':
        send(415, `expected a body with Content-Encoding identity, gzip, deflate or br, got '${String(req.headers['content-encoding'] ?? '').slice(0, 40)}'`, {
          code: ErrorCode.BAD_USER_INPUT,
        });
        return;
      case 'charset.unsupported':
        send(415, 'expected a JSON body in UTF-8', { code: ErrorCode.BAD_USER_INPUT });
        return;
      case 'entity.parse.failed':
        send(400, 'expected a JSON request body, got one that does not parse', { code: ErrorCode.BAD_USER_INPUT });
        return;
      default:
        break;
    }
    if (status >= 400 && status < 500) {
      // A gzip body that does not inflate, a body shorter or longer than its Content-Length, an aborted upload.
      send(status === 413 || status === 415 ? status : 400, 'expected a well-formed request body (JSON, in the Content-Encoding it declares)', { code: ErrorCode.BAD_USER_INPUT });
      return;
    }
    log.error({ err: err instanceof Error ? err.message : String(err), path: req.path }, 'request failed outside GraphQL');
    send(500, 'Internal server error', { code: ErrorCode.INTERNAL_SERVER_ERROR });
  };
}

/** An HTTP server for an Express app, with keep-alive timeouts that pooled callers can rely on. */
export function createAppServer(app: express.Express): Server {
  const server = createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed keepAliveTimeout, or a request arriving on an idle connection can be cut off.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

/** @see loadShutdownConfig */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 20_000;

/** How a stopping process stops. */
export interface ShutdownOptions {
  /** From the signal until the process exits anyway, whatever is still open (in-flight requests, journal writes, feeds). */
  deadlineMs: number;
  /**
   * How long it keeps serving, not ready, before it starts closing: the time a load balancer
   * that polls readiness takes to stop sending. 0 where a Kubernetes preStop hook waits instead.
   * @default 0
   */
  drainDelayMs?: number;
}

/**
 * `SHUTDOWN_DEADLINE_MS` and `SHUTDOWN_DRAIN_DELAY_MS` (which must be shorter). A Kubernetes
 * `terminationGracePeriodSeconds` must cover the deadline plus the preStop wait.
 */
export function loadShutdownConfig(env: Record<string, string | undefined> = process.env): Required<ShutdownOptions> {
  const c = parseSettings(
    'shutdown',
    z
      .object({
        SHUTDOWN_DEADLINE_MS: z.coerce.number().int().positive().default(DEFAULT_SHUTDOWN_DEADLINE_MS),
        SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(0),
      })
      .refine((v) => v.SHUTDOWN_DRAIN_DELAY_MS < v.SHUTDOWN_DEADLINE_MS, {
        path: ['SHUTDOWN_DRAIN_DELAY_MS'],
        message: 'expected less than SHUTDOWN_DEADLINE_MS, which it counts against',
      }),
    env,
  );
  return { deadlineMs: c.SHUTDOWN_DEADLINE_MS, drainDelayMs: c.SHUTDOWN_DRAIN_DELAY_MS };
}

/**
 * Stops services in the order load balancers need: every one turns not ready
 * first (drain) and keeps serving for `drainDelayMs`, then each closes. Resolves
 * `closed` when all did, `deadline` when `deadlineMs` (counted from the call)
 * ran out first; what is still open is then abandoned. Shortly before the
 * deadline, or before Apollo's HTTP drain gives up on open connections if that
 * comes first, each is asked to settle what still waits (RunningService.settle).
 */
export async function shutDown(services: readonly RunningService[], opts: ShutdownOptions): Promise<'closed' | 'deadline'> {
  for (const s of services) s.drain?.();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), opts.deadlineMs);
    timer.unref?.();
  });
  // Settled before the exit, or before Apollo's HTTP drain cuts the connections still open, whichever comes
  // first, with time for the answers to reach the caller (and through a gateway, its client).
  const cutOffMs = Math.min(opts.deadlineMs, (opts.drainDelayMs ?? 0) + HTTP_DRAIN_GRACE_MS);
  const settleTimer = setTimeout(() => {
    for (const s of services) s.settle?.();
  }, cutOffMs - settleMarginMs(cutOffMs));
  settleTimer.unref?.();
  const close = async (): Promise<'closed'> => {
    if (opts.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, opts.drainDelayMs));
    await Promise.allSettled(services.map((s) => s.close()));
    return 'closed';
  };
  try {
    return await Promise.race([close(), deadline]);
  } finally {
    clearTimeout(timer);
    clearTimeout(settleTimer);
  }
}

/**
 * How long after it starts closing Apollo Server's HTTP drain (ApolloServerPluginDrainHttpServer,
 * in lib/subgraph.ts and the gateway, at its default) closes the connections still open.
 */
const HTTP_DRAIN_GRACE_MS = 10_000;

/** How long before the cut-off services settle: 1 s, or a quarter of a shorter one. */
const settleMarginMs = (cutOffMs: number): number => Math.min(1_000, Math.floor(cutOffMs / 4));

/** Exits on SIGINT/SIGTERM after draining and closing the given services (exit code 0), or at the deadline (code 1). */
export function closeOnSignals(services: RunningService[], log = childLogger('process'), given?: ShutdownOptions): void {
  let opts: ShutdownOptions;
  try {
    opts = given ?? loadShutdownConfig();
  } catch (e) {
    // The services already run: a bad setting must still stop the process with its message, not an unhandled rejection.
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal, ...opts }, 'shutting down');
    void shutDown(services, opts).then((outcome) => {
      if (outcome === 'deadline') log.error({ deadlineMs: opts.deadlineMs }, 'did not close within the shutdown deadline; exiting anyway');
      process.exit(outcome === 'closed' ? 0 : 1);
    });
  };
  // `on`, not `once`: a second signal during the drain (a re-raised one, an impatient Ctrl-C) must not fall
  // back to Node's default, which kills the process at once; the deadline bounds the wait instead.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Starts listening; resolves with the server's /graphql URL once it does (the real port when 0 was asked). */
export async function listenGraphQL(server: Server, listen: { port: number; host: string }): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  return `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${port}/graphql`;
}

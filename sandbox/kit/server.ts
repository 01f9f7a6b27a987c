/**
 * The frame every sandbox system of record runs in: a Fastify server with the
 * system's real API routes, plus the admin surface under `/__sandbox/` that
 * CONTRACT.md fixes (stats per route template, request log by correlation id,
 * fault injection, actions). The admin surface is the sandbox's own; the
 * connectors never call it.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { createRandom, type Random } from '../dataset/random.js';

/** Faults set through `PUT /__sandbox/faults`. Every field is optional; `{}` restores service. */
export interface Faults {
  latencyMs?: number;
  jitterMs?: number;
  /** 0..1: share of API calls answered with the system's 500. */
  errorRate?: number;
  /** Every API call gets 503. */
  down?: boolean;
  /** Past this many calls in a rolling minute, the system's own rate-limit answer. */
  rateLimitPerMinute?: number;
  /** Past this many calls in flight, the system's own concurrency answer. */
  maxConcurrent?: number;
  /** 0..1: share of writes that are applied and then have their connection dropped before the response. */
  dropResponseAfterCommitRate?: number;
  /** Seed for the draws of errorRate, jitter and dropResponseAfterCommitRate, so that runs repeat. */
  seed?: number;
  /**
   * Zendesk only: its search leaves out tickets changed within this many ms, as Zendesk's index
   * takes up to a few minutes to catch up with a change (reads by id are current at once).
   */
  searchLagMs?: number;
}

/** How one system answers when a fault fires; each must match the real system's status, headers and body. */
export interface FaultAnswers {
  unavailable(reply: FastifyReply): void;
  serverError(reply: FastifyReply): void;
  rateLimited(reply: FastifyReply, retryAfterSeconds: number): void;
  tooManyConcurrent(reply: FastifyReply): void;
}

/** An action: a change made inside the system, as its own users would make it. */
export type Action = (body: Record<string, unknown>) => unknown | Promise<unknown>;

/** Thrown by an action for bad input; answered with 400 and the message. */
export class ActionInputError extends Error {}
/** Thrown by an action for an unknown record; answered with 404 and the message. */
export class ActionNotFoundError extends Error {}

export interface SandboxServerOptions {
  /** Short name for logs, e.g. "salesforce". */
  name: string;
  faultAnswers: FaultAnswers;
  /** Registers the system's real API routes. */
  routes(app: FastifyInstance): void | Promise<void>;
  actions?: Record<string, Action>;
  /**
   * Route templates (as "METHOD /template") that are not API calls and are neither
   * counted nor faulted, e.g. a token endpoint on a separate login host. Default: none.
   */
  uncounted?: string[];
  /** Maximum body size in bytes. @default 10 MiB */
  bodyLimit?: number;
}

export interface RequestRecord {
  at: string;
  method: string;
  route: string;
  url: string;
  query: string;
  body: unknown;
  correlationId: string | null;
  /** When the request arrived, before any injected latency (ISO-8601, millisecond precision). */
  receivedAt: string;
  /**
   * The same instant in epoch milliseconds with sub-millisecond precision
   * (`performance.timeOrigin + performance.now()`), for measuring against a
   * client's own clock on the same machine.
   */
  receivedAtMs: number;
  /** From arrival until the response was fully written, in milliseconds; null until then, and for good if it never was (a dropped connection). */
  durationMs: number | null;
}

export interface SandboxServer {
  app: FastifyInstance;
  /** Starts listening; resolves to the base URL, e.g. http://127.0.0.1:4101. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Current faults (a copy). */
  faults(): Faults;
}

const REQUEST_LOG_LIMIT = 20_000;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Counters {
  total: number;
  calls: Map<string, number>;
}

function newCounters(): Counters {
  return { total: 0, calls: new Map() };
}

function bump(c: Counters, key: string): void {
  c.total += 1;
  c.calls.set(key, (c.calls.get(key) ?? 0) + 1);
}

function countersJson(c: Counters | undefined): { total: number; calls: Record<string, number> } {
  if (!c) return { total: 0, calls: {} };
  return { total: c.total, calls: Object.fromEntries([...c.calls.entries()].sort(([a], [b]) => a.localeCompare(b))) };
}

function validateFaults(input: unknown): Faults {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ActionInputError('faults must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const out: Faults = {};
  const num = (k: keyof Faults, min: number, max: number): void => {
    const v = raw[k];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new ActionInputError(`faults.${k} must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    (out as Record<string, unknown>)[k] = v;
  };
  num('latencyMs', 0, 600_000);
  num('jitterMs', 0, 600_000);
  num('errorRate', 0, 1);
  num('rateLimitPerMinute', 1, 1e9);
  num('maxConcurrent', 1, 1e6);
  num('dropResponseAfterCommitRate', 0, 1);
  num('seed', -(2 ** 31), 2 ** 32);
  num('searchLagMs', 0, 600_000);
  if (raw.down !== undefined && raw.down !== null) {
    if (typeof raw.down !== 'boolean') throw new ActionInputError('faults.down must be a boolean');
    out.down = raw.down;
  }
  const known = new Set(['latencyMs', 'jitterMs', 'errorRate', 'down', 'rateLimitPerMinute', 'maxConcurrent', 'dropResponseAfterCommitRate', 'seed', 'searchLagMs']);
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) throw new ActionInputError(`unknown fault '${k}'; known: ${[...known].join(', ')}`);
  }
  return out;
}

/**
 * Waits at least `ms`. A timer alone can fire up to a millisecond early (libuv
 * schedules from its cached loop time), and injected latency is a promise that
 * a call takes no less, which the request log's durations are measured against.
 */
async function sleep(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) {
    await new Promise((r) => setTimeout(r, Math.ceil(left)));
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    sandboxRoute: string;
    sandboxApi: boolean;
    sandboxInFlight: boolean;
    /** `performance.now()` at arrival: monotonic, so durations do not move with the wall clock. */
    sandboxReceivedAt: number;
    /** This request's entry in the request log, once it has one, for its duration. */
    sandboxRecord: RequestRecord | null;
  }
}

export async function createSandboxServer(opts: SandboxServerOptions): Promise<SandboxServer> {
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024, forceCloseConnections: true });
  await app.register(formbody);

  let faults: Faults = {};
  let rng: Random = createRandom(0);
  let inFlight = 0;
  /** Timestamps (ms) of API calls in the last minute, for rateLimitPerMinute. */
  let recent: number[] = [];
  let counters = newCounters();
  let byCorrelation = new Map<string, Counters>();
  let log: RequestRecord[] = [];
  const uncounted = new Set(opts.uncounted ?? []);

  app.decorateRequest('sandboxRoute', '');
  app.decorateRequest('sandboxApi', false);
  app.decorateRequest('sandboxInFlight', false);
  app.decorateRequest('sandboxReceivedAt', 0);
  app.decorateRequest('sandboxRecord', null);

  const correlationOf = (req: FastifyRequest): string | null => {
    const v = req.headers['x-correlation-id'];
    return typeof v === 'string' && v.length > 0 ? v : null;
  };

  app.addHook('onRequest', async (req, reply) => {
    // An async hook that has answered must return the reply, or Fastify goes on to the
    // handler: a faulted call must neither run nor be logged as one that reached the API.
    const answered = (_: void): FastifyReply => reply;
    // First, so that the arrival time excludes the injected latency below.
    req.sandboxReceivedAt = performance.now();
    const template = req.routeOptions.url ?? '(unmatched)';
    const route = `${req.method} ${template}`;
    req.sandboxRoute = route;
    req.sandboxApi = !template.startsWith('/__sandbox') && !uncounted.has(route);
    if (!req.sandboxApi) return;
    bump(counters, route);
    const cid = correlationOf(req);
    if (cid) {
      let c = byCorrelation.get(cid);
      if (!c) byCorrelation.set(cid, (c = newCounters()));
      bump(c, route);
    }
    inFlight += 1;
    req.sandboxInFlight = true;
    reply.raw.once('close', () => {
      if (req.sandboxInFlight) {
        req.sandboxInFlight = false;
        inFlight -= 1;
      }
    });

    if (faults.down) return answered(opts.faultAnswers.unavailable(reply));
    if (faults.maxConcurrent !== undefined && inFlight > faults.maxConcurrent) {
      return answered(opts.faultAnswers.tooManyConcurrent(reply));
    }
    if (faults.rateLimitPerMinute !== undefined) {
      const now = Date.now();
      recent = recent.filter((t) => now - t < 60_000);
      if (recent.length >= faults.rateLimitPerMinute) {
        const oldest = recent[0] ?? now;
        return answered(opts.faultAnswers.rateLimited(reply, Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000))));
      }
      recent.push(now);
    }
    const latency = (faults.latencyMs ?? 0) + (faults.jitterMs ? rng.next() * faults.jitterMs : 0);
    if (latency > 0) await sleep(latency);
    if (faults.errorRate && rng.next() < faults.errorRate) return answered(opts.faultAnswers.serverError(reply));
    return undefined;
  });

  app.addHook('preHandler', async (req) => {
    if (!req.sandboxApi) return;
    const cid = correlationOf(req);
    const q = req.url.indexOf('?');
    const receivedAtMs = performance.timeOrigin + req.sandboxReceivedAt;
    const record: RequestRecord = {
      at: new Date().toISOString(),
      method: req.method,
      route: req.sandboxRoute,
      url: req.url,
      query: q >= 0 ? req.url.slice(q + 1) : '',
      body: req.body ?? null,
      correlationId: cid,
      receivedAt: new Date(receivedAtMs).toISOString(),
      receivedAtMs,
      durationMs: null,
    };
    req.sandboxRecord = record;
    log.push(record);
    if (log.length > REQUEST_LOG_LIMIT) log = log.slice(-REQUEST_LOG_LIMIT / 2);
  });

  // Fastify runs onResponse on the response's 'finish' and also on its 'error';
  // only a response written to the end has a duration.
  app.addHook('onResponse', async (req, reply) => {
    if (req.sandboxRecord && reply.raw.writableFinished) req.sandboxRecord.durationMs = performance.now() - req.sandboxReceivedAt;
  });

  // A committed write whose response never arrives: the handler has run, so the
  // change is in the store; the client sees its connection reset.
  app.addHook('onSend', async (req, reply, payload) => {
    if (
      req.sandboxApi &&
      WRITE_METHODS.has(req.method) &&
      reply.statusCode < 300 &&
      faults.dropResponseAfterCommitRate &&
      rng.next() < faults.dropResponseAfterCommitRate
    ) {
      req.raw.socket?.destroy();
    }
    return payload;
  });

  app.get('/__sandbox/stats', async (req) => {
    const cid = (req.query as Record<string, string | undefined>).correlationId;
    return cid ? countersJson(byCorrelation.get(cid)) : countersJson(counters);
  });
  app.get('/__sandbox/requests', async (req) => {
    const cid = (req.query as Record<string, string | undefined>).correlationId;
    return { requests: cid ? log.filter((r) => r.correlationId === cid) : log.slice(-500) };
  });
  app.post('/__sandbox/stats/reset', async () => {
    counters = newCounters();
    byCorrelation = new Map();
    log = [];
    return { ok: true };
  });
  app.get('/__sandbox/faults', async () => faults);
  app.put('/__sandbox/faults', async (req, reply) => {
    try {
      faults = validateFaults(req.body ?? {});
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
    rng = createRandom(faults.seed ?? 0);
    recent = [];
    return faults;
  });
  app.post('/__sandbox/actions/:name', async (req, reply) => {
    const { name } = req.params as { name: string };
    const action = opts.actions?.[name];
    if (!action) {
      return reply.code(404).send({ error: `unknown action '${name}'; known: ${Object.keys(opts.actions ?? {}).join(', ')}` });
    }
    const body = req.body;
    if (body != null && (typeof body !== 'object' || Array.isArray(body))) {
      return reply.code(400).send({ error: 'action body must be a JSON object' });
    }
    try {
      return (await action((body ?? {}) as Record<string, unknown>)) ?? { ok: true };
    } catch (e) {
      if (e instanceof ActionInputError) return reply.code(400).send({ error: e.message });
      if (e instanceof ActionNotFoundError) return reply.code(404).send({ error: e.message });
      throw e;
    }
  });

  await opts.routes(app);

  return {
    app,
    faults: () => ({ ...faults }),
    async listen(port, host = '127.0.0.1') {
      await app.listen({ port, host });
      const addr = app.server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
    },
    async close() {
      await app.close();
    },
  };
}

/**
 * The open-model load generator, run as its own process (pinned to its own core
 * by bench/run.ts). It sends request i at start + i/rate whatever happened to the
 * requests before it, and measures each latency from that intended send time, so
 * a gateway that stalls is charged for the queue it builds (no coordinated
 * omission). autocannon and wrk are closed-loop (a new request only when a reply
 * comes back), which hides exactly the stalls we want to see; hence this file.
 *
 * Input: one JSON LoadSpec on stdin. Output: one JSON LoadResult on stdout.
 * The run is bounded: sending stops after durationMs and every request still in
 * flight is abandoned (and counted as a timeout) timeoutMs later.
 */
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { percentile } from './stats.js';

export interface LoadBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface LoadSpec {
  /** The gateway's GraphQL endpoint (127.0.0.1 only). */
  url: string;
  /** Fixed arrival rate, requests per second (ignored when `concurrency` is set). */
  ratePerSec: number;
  /**
   * Closed loop instead: this many clients, each sending its next request as soon
   * as its last one is answered, for durationMs. For "N agents at a time"
   * workloads, where the question is latency and views/s at that concurrency
   * rather than at an arrival rate. @default open model at ratePerSec
   */
  concurrency?: number;
  durationMs: number;
  /** A request without a reply after this long is a timeout. @default 10000 */
  timeoutMs?: number;
  /** Extra headers, e.g. authorization and the run's x-correlation-id. */
  headers?: Record<string, string>;
  /** Request bodies, sent in order and cycled when there are fewer than requests. */
  bodies: LoadBody[];
  /**
   * Give request i the correlation id `<x-correlation-id>-<i>` and report it in
   * `requests`, so that the systems of record's calls can be matched to each
   * request (gateway overhead). @default false
   */
  perRequest?: boolean;
  /** Report every latency in `latencies`, for percentiles over several runs. @default false */
  latencySamples?: boolean;
}

/** One request, when the spec asked for `perRequest`. */
export interface RequestTrace {
  correlationId: string;
  /** When it was really sent, epoch ms (performance.timeOrigin + performance.now()), comparable across processes on one machine. */
  sentAtMs: number;
  /** From sending to the end of the reply, ms. */
  latencyMs: number;
  kind: 'ok' | 'failed' | 'timeout' | 'transport';
}

export interface LoadResult {
  offeredRps: number;
  sent: number;
  /** HTTP 200 with data and no `errors`. */
  ok: number;
  /** Answered, but with a non-200 status or a GraphQL `errors` array. */
  failed: number;
  timeouts: number;
  /** Transport failures (connection refused or reset). */
  transportErrors: number;
  achievedRps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** Responses that said they came from a response cache (extensions.responseCache.hit). */
  cacheHits: number;
  /** Responses that said whether they came from a response cache at all. */
  cacheReported: number;
  /** How late the generator itself sent its most delayed request; large means the generator, not the gateway, was the limit. */
  maxSendLagMs: number;
  /** The first few distinct error messages, to make failures diagnosable. */
  sampleErrors: string[];
  /** Each request, in order of completion, when the spec asked for `perRequest`. */
  requests?: RequestTrace[];
  /** Every latency, sorted, timeouts charged in full, when the spec asked for `latencySamples`. */
  latencies?: number[];
}

interface Outcome {
  latency: number;
  kind: 'ok' | 'failed' | 'timeout' | 'transport';
  cacheHit?: boolean;
  error?: string;
}

function classify(status: number, text: string): Pick<Outcome, 'kind' | 'cacheHit' | 'error'> {
  let body: {
    data?: unknown;
    errors?: Array<{ message?: string; path?: Array<string | number>; extensions?: { code?: string; detail?: string } }>;
    extensions?: { responseCache?: { hit?: boolean } };
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { kind: 'failed', error: `HTTP ${status}, not JSON: ${text.slice(0, 120)}` };
  }
  const hit = body.extensions?.responseCache?.hit;
  const cacheHit = typeof hit === 'boolean' ? hit : undefined;
  if (status !== 200 || (body.errors && body.errors.length > 0)) {
    const first = body.errors?.[0];
    // An internal error says what failed only in `detail` (outside production) and where in `path`.
    const where = first?.path ? ` at ${first.path.map((p) => (typeof p === 'number' ? '*' : p)).join('.')}` : '';
    const detail = first?.extensions?.detail ? ` (${first.extensions.detail})` : '';
    return { kind: 'failed', cacheHit, error: `HTTP ${status}: ${first?.extensions?.code ?? ''} ${first?.message ?? ''}${detail}${where}`.trim() };
  }
  return { kind: 'ok', cacheHit };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const closed = spec.concurrency !== undefined;
  if (closed && !(Number.isInteger(spec.concurrency) && spec.concurrency! > 0)) throw new Error(`expected a whole number of clients above 0, got ${spec.concurrency}`);
  if (!closed && !(spec.ratePerSec > 0)) throw new Error(`expected a rate above 0 requests per second, got ${spec.ratePerSec}`);
  if (spec.bodies.length === 0) throw new Error('expected at least one request body');
  const target = new URL(spec.url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error(`the benchmark only loads 127.0.0.1, got ${target.hostname}`);
  const timeoutMs = spec.timeoutMs ?? 10_000;
  // Unbounded sockets: an open model must never queue inside the client.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let total = closed ? 0 : Math.max(1, Math.round((spec.ratePerSec * spec.durationMs) / 1000));
  const encoded = spec.bodies.map((b) => Buffer.from(JSON.stringify(b)));
  const outcomes: Outcome[] = [];
  const traces: RequestTrace[] = [];
  const baseCorrelation = spec.headers?.['x-correlation-id'] ?? 'load';
  const pending = new Set<Promise<void>>();
  let maxSendLagMs = 0;

  const fire = (i: number, intended: number): Promise<void> => {
    const payload = encoded[i % encoded.length]!;
    const correlationId = spec.perRequest ? `${baseCorrelation}-${i}` : undefined;
    const sentAt = performance.now();
    const p = new Promise<void>((resolve) => {
      let settled = false;
      const done = (o: Omit<Outcome, 'latency'>): void => {
        if (settled) return;
        settled = true;
        const end = performance.now();
        outcomes.push({ ...o, latency: end - intended });
        if (correlationId) traces.push({ correlationId, sentAtMs: performance.timeOrigin + sentAt, latencyMs: end - sentAt, kind: o.kind });
        resolve();
      };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': payload.length, ...spec.headers, ...(correlationId ? { 'x-correlation-id': correlationId } : {}) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(classify(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
          res.on('error', (e) => done({ kind: 'transport', error: e.message }));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        done({ kind: 'timeout', error: `no reply within ${timeoutMs} ms` });
      });
      req.on('error', (e) => done({ kind: 'transport', error: e.message }));
      req.end(payload);
    });
    pending.add(p);
    void p.then(() => pending.delete(p));
    return p;
  };

  const start = performance.now();
  let next = 0;
  if (closed) {
    // Each client measures from its own send: a closed loop has no intended send time to fall behind.
    const client = async (): Promise<void> => {
      while (performance.now() - start < spec.durationMs) await fire(next++, performance.now());
    };
    await Promise.all(Array.from({ length: spec.concurrency! }, client));
    total = next;
  }
  // A timer per request would cost more than the requests at high rates; instead
  // wake up about every millisecond and send every request that is due.
  while (next < total) {
    const now = performance.now();
    while (next < total) {
      const intended = start + (next * 1000) / spec.ratePerSec;
      if (intended > now) break;
      maxSendLagMs = Math.max(maxSendLagMs, now - intended);
      fire(next, intended);
      next++;
    }
    if (next < total) {
      const wait = start + (next * 1000) / spec.ratePerSec - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, 50))));
    }
  }
  const sendingEnded = performance.now();
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, timeoutMs + 1000))]);
  agent.destroy();

  const answered = outcomes.filter((o) => o.kind === 'ok' || o.kind === 'failed');
  const latencies = answered.map((o) => o.latency);
  // Requests never answered are charged the full timeout in the percentiles.
  const unanswered = total - answered.length;
  for (let i = 0; i < unanswered; i++) latencies.push(timeoutMs);
  latencies.sort((a, b) => a - b);
  const sampleErrors = [...new Set(outcomes.filter((o) => o.error).map((o) => o.error!))].slice(0, 5);
  const ok = outcomes.filter((o) => o.kind === 'ok').length;
  return {
    offeredRps: spec.ratePerSec,
    sent: total,
    ok,
    failed: outcomes.filter((o) => o.kind === 'failed').length,
    timeouts: outcomes.filter((o) => o.kind === 'timeout').length + (total - outcomes.length),
    transportErrors: outcomes.filter((o) => o.kind === 'transport').length,
    // Per second of sending, not of sending plus the last answers' tail: at realistic latency a 5 s run's
    // last answers take most of a second, which would read as falling behind at any rate.
    achievedRps: (ok * 1000) / Math.max(1, sendingEnded - start),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.length ? latencies[latencies.length - 1]! : Number.NaN,
      mean: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : Number.NaN,
    },
    cacheHits: outcomes.filter((o) => o.cacheHit === true).length,
    cacheReported: outcomes.filter((o) => o.cacheHit !== undefined).length,
    maxSendLagMs,
    sampleErrors,
    ...(spec.perRequest ? { requests: traces } : {}),
    ...(spec.latencySamples ? { latencies } : {}),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  readStdin()
    .then((text) => runLoad(JSON.parse(text) as LoadSpec))
    .then((result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stderr.write(`loadgen: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}

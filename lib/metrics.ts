/**
 * Prometheus metrics over HTTP, the same way in every process: the gateway and
 * each subgraph serve prom-client's default registry, where the entity cache,
 * the Salesforce quota gauge, the response cache and the operator series below
 * (docs/operations.md, "Metrics and alerts") register, together with Node's
 * process metrics. docs/configuration.md says where.
 *
 * The route takes no signed caller header, because Prometheus has none, and
 * its path may not be under /graphql (loadMetricsConfig refuses it). It is not
 * public: with METRICS_TOKEN set it wants that bearer token from everyone;
 * without, it answers only a scraper on the same host (loopback).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Express, Request } from 'express';
import { Counter, Gauge, Histogram, collectDefaultMetrics, register, type Metric } from 'prom-client';
import { ConfigError, metricsPathProblem } from './config.js';
import { childLogger } from './log.js';

const log = childLogger('metrics');

/**
 * How often a process's event-loop delay monitors sample (milliseconds): prom-client's
 * `nodejs_eventloop_lag_*` series and the liveness body's `eventLoopDelayMs`. Each
 * sample is a timer wake-up; at prom-client's default of 10 ms the two monitors cost
 * an idle process about 5 ms of CPU a second, at 100 ms about 1. A stall shorter than
 * the interval is seen only when a sample falls due inside it; stalls that matter to a
 * probe (hundreds of milliseconds) are always seen.
 */
export const EVENT_LOOP_RESOLUTION_MS = 100;

/** One of the series collectDefaultMetrics registers. */
const PROCESS_METRIC = 'process_cpu_user_seconds_total';

/**
 * Starts prom-client's process metrics (CPU, memory, event loop delay, GC) once
 * per process. Tests and all-in-one hosts run several services in one process,
 * and registering the same series twice throws. The registry itself is asked
 * rather than a flag in this module, so that a second copy of the module, or
 * a library that already called collectDefaultMetrics, is no problem either.
 */
export function collectProcessMetrics(): void {
  if (register.getSingleMetric(PROCESS_METRIC)) return;
  collectDefaultMetrics({ eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether the peer is this host: 127.0.0.0/8 or ::1, also as IPv4-mapped IPv6. */
function fromLoopback(req: Request): boolean {
  const peer = req.socket.remoteAddress ?? '';
  return peer === '::1' || /^(::ffff:)?127\./.test(peer);
}

/**
 * Who may scrape: with a token, whoever sends it as a bearer token (compared in
 * constant time); without, only a peer on this host. The peer is the TCP peer, never
 * X-Forwarded-For, so a proxy in front cannot vouch for a caller.
 */
function scrapeRefusal(req: Request, token: string | undefined): { status: 401 | 403; message: string } | undefined {
  if (token === undefined) {
    return fromLoopback(req) ? undefined : { status: 403, message: 'metrics answer only this host unless METRICS_TOKEN is set; then send it as a bearer token\n' };
  }
  const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (m && timingSafeEqual(digest(m[1] as string), digest(token))) return undefined;
  return { status: 401, message: 'expected Authorization: Bearer <METRICS_TOKEN>\n' };
}

/**
 * Serves the default registry on `GET <path>` (and HEAD) of `app`, in
 * Prometheus' text format. Mount it outside any authenticating middleware.
 * @param path where to serve, e.g. `/metrics`; `false` serves nothing and starts no process metrics
 * @param token the bearer token a scrape must carry (METRICS_TOKEN); @default none: only loopback peers are answered
 */
export function serveMetrics(app: Express, path: string | false, token?: string): void {
  if (path === false) return;
  const problem = metricsPathProblem(path);
  if (problem) throw new ConfigError(`metrics path ${JSON.stringify(path)}: ${problem}`);
  collectProcessMetrics();
  app.get(path, async (req, res) => {
    const refused = scrapeRefusal(req, token);
    if (refused) {
      if (refused.status === 401) res.set('www-authenticate', 'Bearer realm="metrics"');
      res.status(refused.status).set('cache-control', 'no-store').type('text/plain').send(refused.message);
      return;
    }
    try {
      const body = await register.metrics();
      res.set('content-type', register.contentType).send(body);
    } catch (err) {
      // A collector failed; a scrape error is better than a partial page that looks whole.
      log.warn({ err }, 'could not render the metrics');
      res.status(500).type('text/plain').send('metrics unavailable\n');
    }
  });
}

/** A series of the default registry, created once per process however many services (or copies of this module) ask. */
function once<M extends Metric>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}

export const counterMetric = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
  once(name, () => new Counter<L>({ name, help, labelNames }));

/** Buckets in seconds from 5 ms to 30 s: a cache hit to a whole deadline with retries. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const histogramMetric = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> =>
  once(name, () => new Histogram<L>({ name, help, labelNames, buckets: DURATION_BUCKETS }));

export const gaugeMetric = <L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (this: Gauge<L>) => Promise<void> | void): Gauge<L> =>
  once(name, () => new Gauge<L>({ name, help, labelNames, ...(collect ? { collect } : {}) }));

/**
 * Keeps a label's values to a bounded set whatever callers send: the first
 * `max` distinct values seen are kept, every later one reads `other`. For labels
 * derived from what systems or clients return, which no list can name in advance.
 */
export function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/**
 * Series read from state the process keeps, at scrape time: each subgraph (several
 * share a process in tests and in `npm start`) adds its sources and removes them
 * when it closes. A source that fails is logged and skipped; the rest still report.
 */
function scrapedGauge<L extends string, R extends { labels: Record<L, string>; value: number }>(
  name: string,
  help: string,
  labelNames: readonly L[],
): (source: () => R[] | Promise<R[]>) => () => void {
  const sources = new Set<() => R[] | Promise<R[]>>();
  gaugeMetric(name, help, labelNames, async function collect() {
    this.reset();
    for (const source of sources) {
      try {
        for (const r of await source()) this.set(r.labels as Partial<Record<L, string>>, r.value);
      } catch (err) {
        log.warn({ err, metric: name }, 'a metrics source failed');
      }
    }
  });
  return (source) => {
    sources.add(source);
    return () => {
      sources.delete(source);
    };
  };
}

/** Unsettled writes of a subgraph's queue, per subgraph and the system they wait for. */
export const reportWriteQueueDepth = scrapedGauge<'subgraph' | 'system', { labels: Record<'subgraph' | 'system', string>; value: number }>(
  'rsg_write_queue_depth',
  'Writes queued and not yet applied, rejected or dead-lettered, by subgraph and system of record',
  ['subgraph', 'system'],
);

/** Dead letters of a subgraph's queue, which an operator must retry or discard. */
export const reportDeadLetters = scrapedGauge<'subgraph' | 'system', { labels: Record<'subgraph' | 'system', string>; value: number }>(
  'rsg_write_dead_letters',
  'Dead-lettered writes waiting for an operator, by subgraph and system of record',
  ['subgraph', 'system'],
);

/** How far each change feed is behind. */
export const reportFeedLag = scrapedGauge<'feed', { labels: Record<'feed', string>; value: number }>(
  'rsg_feed_lag_seconds',
  'Seconds since the feed last made progress (an event or a successful poll) while it keeps trying; 0 when its latest attempt made progress',
  ['feed'],
);

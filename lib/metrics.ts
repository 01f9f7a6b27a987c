/**
 * Prometheus metrics over HTTP, the same way in every process: the gateway and
 * each subgraph serve prom-client's default registry, where the entity cache,
 * the Salesforce quota gauge and the response cache register their series,
 * together with Node's process metrics. docs/configuration.md says where.
 *
 * The route asks for no bearer token and no signed caller header, because
 * Prometheus has neither; that is why it must stay off the public ingress and
 * why its path may not be under /graphql (loadMetricsConfig refuses it).
 */
import type { Express } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { ConfigError, metricsPathProblem } from './config.js';
import { childLogger } from './log.js';

const log = childLogger('metrics');

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
  collectDefaultMetrics();
}

/**
 * Serves the default registry on `GET <path>` (and HEAD) of `app`, in
 * Prometheus' text format. Mount it outside any authenticating middleware.
 * @param path where to serve, e.g. `/metrics`; `false` serves nothing and starts no process metrics
 */
export function serveMetrics(app: Express, path: string | false): void {
  if (path === false) return;
  const problem = metricsPathProblem(path);
  if (problem) throw new ConfigError(`metrics path ${JSON.stringify(path)}: ${problem}`);
  collectProcessMetrics();
  app.get(path, async (_req, res) => {
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

/**
 * The gateway's request series (docs/operations.md, "Metrics and alerts"): how
 * long each operation took and how it ended, and how long each subgraph fetch
 * took. Operation names come from clients, so the label holds only names the
 * operator knows (the example operations, a folder of trusted documents, a
 * list) and `other` for the rest: a client sending a new name per request adds
 * no series. Outcomes are `ok` or an error code of lib/errors.ts's one list.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, parse } from 'graphql';
import { ConfigError } from '../../lib/config.js';
import { ErrorCode } from '../../lib/errors.js';
import { histogramMetric } from '../../lib/metrics.js';
import { projectRoot } from '../../lib/paths.js';

const operationDuration = histogramMetric(
  'rsg_gateway_operation_duration_seconds',
  'GraphQL operations at the gateway, from request to response, by operation name (known names only, else other), type and outcome (ok or the first error code)',
  ['operation', 'type', 'outcome'] as const,
);
const subgraphFetchDuration = histogramMetric(
  'rsg_gateway_subgraph_fetch_duration_seconds',
  'Fetches from the gateway to a subgraph, by subgraph and outcome (ok, http_4xx, http_5xx, failed)',
  ['subgraph', 'outcome'] as const,
);

/** The examples' folder, relative to the project root; the image does not ship it (its trusted documents name the same operations). */
const EXAMPLES = 'examples/operations';

/** The names of the operations in every `.graphql` file of a folder. */
function operationNamesIn(dir: string): string[] {
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const path = join(dir, file);
    let doc;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`METRICS_OPERATIONS_DIR: ${path} is not a GraphQL document: ${(e as Error).message}`);
    }
    for (const def of doc.definitions) if (def.kind === Kind.OPERATION_DEFINITION && def.name) names.push(def.name.value);
  }
  return names;
}

/**
 * The operation names the duration label may hold: those of the documents in
 * `METRICS_OPERATIONS_DIR` (default examples/operations, when it is there) and
 * the comma-separated `METRICS_OPERATION_NAMES`. A folder that was named and is
 * missing is a ConfigError.
 */
export function knownOperationNames(env: Record<string, string | undefined> = process.env): ReadonlySet<string> {
  const named = env.METRICS_OPERATIONS_DIR;
  const dir = resolve(projectRoot, named ?? EXAMPLES);
  if (named !== undefined && !existsSync(dir)) throw new ConfigError(`METRICS_OPERATIONS_DIR=${named}: expected a folder of .graphql documents, found none at ${dir}`);
  const listed = (env.METRICS_OPERATION_NAMES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of listed) if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) throw new ConfigError(`METRICS_OPERATION_NAMES: expected GraphQL operation names, got ${JSON.stringify(name)}`);
  return new Set([...(existsSync(dir) ? operationNamesIn(dir) : []), ...listed]);
}

const CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Whether the operation label may hold a name: one of `names`, or one the trusted documents'
 * manifests define (bounded by the manifests, and current as they reload).
 */
export function knownOperation(names: ReadonlySet<string>, trusted?: { definesOperation(name: string): boolean }): (name: string) => boolean {
  return trusted ? (name) => names.has(name) || trusted.definesOperation(name) : (name) => names.has(name);
}

/** Times every operation; `known` bounds the operation label. */
export function OperationMetricsPlugin<TContext extends BaseContext>(known: (name: string) => boolean): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operationName, operation, response, errors }) {
          const single = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const first = errors?.[0] ?? single.errors?.[0];
          const code = first?.extensions?.code;
          const outcome = first === undefined ? 'ok' : typeof code === 'string' && CODES.has(code) ? code : ErrorCode.INTERNAL_SERVER_ERROR;
          const name = operationName ?? operation?.name?.value;
          operationDuration.observe(
            { operation: name && known(name) ? name : 'other', type: operation?.operation ?? 'unknown', outcome },
            (performance.now() - startedAt) / 1000,
          );
        },
      };
    },
  };
}

/** A fetcher that times each fetch to `subgraph`. */
export function timedFetch<F extends (url: string, init?: never) => Promise<{ status: number }>>(subgraph: string, fetcher: F): F {
  return (async (url: string, init?: never) => {
    const startedAt = performance.now();
    const observe = (outcome: string): void => subgraphFetchDuration.observe({ subgraph, outcome }, (performance.now() - startedAt) / 1000);
    try {
      const res = await fetcher(url, init);
      observe(res.status < 400 ? 'ok' : `http_${Math.floor(res.status / 100)}xx`);
      return res;
    } catch (e) {
      observe('failed');
      throw e;
    }
  }) as F;
}

/**
 * Starts the gateway alone, as it is deployed, or (`startGatewayFromEnv(env, hosting)`)
 * with the subgraphs a host runs in its process (scripts/graph.ts, the embedded
 * default). Configuration from the environment:
 * GATEWAY_PORT (4000, or PORT_BASE), GATEWAY_HOST, GATEWAY_SUPERGRAPH (a file path, default
 * supergraph.graphql, or `introspect` to compose from the live subgraphs),
 * <NAME>_SUBGRAPH_URL to override a subgraph's URL (else it follows <NAME>_SUBGRAPH_PORT
 * and PORT_BASE when they are set), GATEWAY_CORS_ORIGINS; the
 * authentication settings (AUTH_*, see auth.ts), INTERNAL_AUTH_SECRET, and the
 * abuse limits GATEWAY_MAX_DEPTH, GATEWAY_MAX_ALIASES, GATEWAY_MAX_ROOT_FIELDS,
 * GATEWAY_MAX_COST, GATEWAY_BODY_LIMIT; GATEWAY_INTROSPECTION and
 * GATEWAY_LANDING_PAGE (true/false) override the production defaults;
 * GATEWAY_RATE_LIMIT_PER_MINUTE (per caller, 0 turns it off; shared through
 * REDIS_URL when set); METRICS_PATH (/metrics, or `off`); TRUSTED_DOCUMENTS_DIR and
 * TRUSTED_DOCUMENTS_REQUIRED_ROLES (trusted-documents.ts).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';
import { createClient, type RedisClientType } from 'redis';
import { ConfigError, loadCommonConfig, loadMetricsConfig, loadServiceConfig } from '../../lib/config.js';
import { loadOrgMapping, idFormat } from '../../lib/mapping.js';
import { ROLES, loadTrustOptions, type Role } from '../../lib/auth/index.js';
import { projectRoot } from '../../lib/paths.js';
import { createAuthenticator, loadAuthOptions } from './auth.js';
import { closeOnSignals } from '../../lib/server.js';
import type { LocalSubgraph } from '../../lib/local-subgraph.js';
import { logger } from '../../lib/log.js';
import { closingTracing, startTracing } from '../../lib/tracing.js';
import { redisCheck } from '../../lib/health.js';
import { SUBGRAPHS, settingsPrefix, subgraphUrl, type SubgraphEntry } from '../../lib/manifest.js';
import { startGateway, type RunningGateway, type SupergraphSource } from './gateway.js';
import type { TrustedDocumentsOptions } from './trusted-documents.js';
import { knownOperationNames } from './metrics.js';
import { customerLookup, earlyFetchesEnabled } from './early-fetches.js';

export { startGateway } from './gateway.js';
export type { GatewayOptions, RunningGateway, SupergraphSource } from './gateway.js';
export { createAuthenticator, authenticateConnectionParams, loadAuthOptions, AUTH_CLOSE_CODES } from './auth.js';
export type { Authenticator, Authentication, AuthOptions, JwksSource } from './auth.js';
export { QueryLimitsPlugin, DEFAULT_QUERY_LIMITS, measureOperation } from './limits.js';
export type { QueryLimits } from './limits.js';
export { TrustedDocuments, readManifests } from './trusted-documents.js';
export type { TrustedDocumentsOptions, DocumentRequest, DocumentResolution } from './trusted-documents.js';

const optionalBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional();
const optionalInt = z.coerce.number().int().positive().optional();

function loadLimits(env: NodeJS.ProcessEnv) {
  const r = z
    .object({
      GATEWAY_MAX_DEPTH: optionalInt,
      GATEWAY_MAX_ALIASES: optionalInt,
      GATEWAY_MAX_ROOT_FIELDS: optionalInt,
      GATEWAY_MAX_COST: optionalInt,
      GATEWAY_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 100kb').optional(),
      GATEWAY_INTROSPECTION: optionalBool,
      GATEWAY_LANDING_PAGE: optionalBool,
      GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    })
    .safeParse(env);
  if (!r.success) {
    throw new ConfigError(`invalid gateway configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const v = r.data;
  return {
    limits: {
      ...(v.GATEWAY_MAX_DEPTH ? { maxDepth: v.GATEWAY_MAX_DEPTH } : {}),
      ...(v.GATEWAY_MAX_ALIASES ? { maxAliases: v.GATEWAY_MAX_ALIASES } : {}),
      ...(v.GATEWAY_MAX_ROOT_FIELDS ? { maxRootFields: v.GATEWAY_MAX_ROOT_FIELDS } : {}),
      ...(v.GATEWAY_MAX_COST ? { maxCost: v.GATEWAY_MAX_COST } : {}),
    },
    ...(v.GATEWAY_BODY_LIMIT ? { bodyLimit: v.GATEWAY_BODY_LIMIT } : {}),
    ...(v.GATEWAY_INTROSPECTION !== undefined ? { introspection: v.GATEWAY_INTROSPECTION } : {}),
    ...(v.GATEWAY_LANDING_PAGE !== undefined ? { landingPage: v.GATEWAY_LANDING_PAGE } : {}),
    perMinute: v.GATEWAY_RATE_LIMIT_PER_MINUTE,
  };
}

/**
 * Trusted documents from the environment: the folder of manifests
 * (TRUSTED_DOCUMENTS_DIR, relative to the project root; default `trusted-documents`)
 * and the roles held to them (TRUSTED_DOCUMENTS_REQUIRED_ROLES, comma-separated;
 * default `storefront`; `none` for none). With no role held to them and no folder,
 * there are none: documentId is then not understood, and APQ is Apollo's alone.
 */
export function loadTrustedDocumentsOptions(env: NodeJS.ProcessEnv): TrustedDocumentsOptions | false {
  const raw = (env.TRUSTED_DOCUMENTS_REQUIRED_ROLES ?? 'storefront').trim();
  const names = raw === 'none' ? [] : raw.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = names.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || names.length === 0 && raw !== 'none') {
    throw new ConfigError(`invalid gateway configuration:\n  TRUSTED_DOCUMENTS_REQUIRED_ROLES: expected a comma-separated list of ${ROLES.join(', ')}, or none; got ${JSON.stringify(raw)}`);
  }
  const dir = resolve(projectRoot, env.TRUSTED_DOCUMENTS_DIR ?? 'trusted-documents');
  if (names.length === 0 && !existsSync(dir)) return false;
  return { dir, requiredRoles: names as Role[] };
}

/**
 * Where the gateway finds each subgraph of the manifest: the URLs that override
 * the supergraph file's, and the list it introspects with GATEWAY_SUPERGRAPH=introspect.
 * A subgraph's URL is `<NAME>_SUBGRAPH_URL` when set; otherwise it follows the
 * subgraph's port when `<NAME>_SUBGRAPH_PORT` or `PORT_BASE` moved it, and is the
 * supergraph file's when nothing did (a file composed for other hosts keeps its URLs).
 */
export function subgraphRouting(
  env: NodeJS.ProcessEnv,
  manifest: readonly SubgraphEntry[] = SUBGRAPHS,
): { subgraphUrls: Record<string, string>; introspect: Array<{ name: string; url: string }> } {
  const subgraphUrls: Record<string, string> = {};
  for (const entry of manifest) {
    const prefix = settingsPrefix(entry);
    const moved = Boolean(env[`${prefix}_PORT`] || env.PORT_BASE);
    if (env[`${prefix}_URL`] || moved) subgraphUrls[entry.name] = subgraphUrl(entry, env);
  }
  return { subgraphUrls, introspect: manifest.map((entry) => ({ name: entry.name, url: subgraphUrl(entry, env) })) };
}

/** What a host adds to the environment's settings when it runs the gateway (scripts/graph.ts). */
export interface GatewayHosting {
  /** Subgraphs running in this process, by name (GatewayOptions.localSubgraphs). @default none */
  localSubgraphs?: Record<string, LocalSubgraph>;
  /** Where subgraphs of this process serve (their graphql-ws included), over the environment's `<NAME>_SUBGRAPH_URL`. @default none */
  subgraphUrls?: Record<string, string>;
  /**
   * When the whole-response cache is on. `'with-redis'`: only with REDIS_URL, since a gateway
   * in its own process sees the subgraphs' invalidations only through Redis. `'always'`: on
   * Redis with REDIS_URL, in memory without it, for a host that forwards every subgraph
   * invalidation to it (the subgraphs run in its process).
   * @default 'with-redis'
   */
  responseCache?: 'with-redis' | 'always';
}

export async function startGatewayFromEnv(env: NodeJS.ProcessEnv = process.env, hosting: GatewayHosting = {}): Promise<RunningGateway> {
  const listen = loadServiceConfig('GATEWAY', 4000, env);
  const common = loadCommonConfig(env);
  const mapping = loadOrgMapping(common.orgMappingFile);
  const auth = createAuthenticator({
    ...loadAuthOptions(env),
    customerNumber: idFormat('customer number', mapping.customerNumber),
  });
  const routing = subgraphRouting(env);
  const subgraphUrls = { ...routing.subgraphUrls, ...hosting.subgraphUrls };
  const introspect = routing.introspect.map((s) => ({ ...s, url: subgraphUrls[s.name] ?? s.url }));
  const choice = env.GATEWAY_SUPERGRAPH ?? 'supergraph.graphql';
  const supergraph: SupergraphSource =
    choice === 'introspect'
      ? {
          phase: 'introspect',
          subgraphs: introspect,
        }
      : { phase: 'file', path: resolve(projectRoot, choice) };
  const { perMinute, ...limits } = loadLimits(env);
  const metrics = loadMetricsConfig(env);
  let redis: RedisClientType | undefined;
  if (perMinute > 0 && common.redisUrl) {
    redis = createClient({ url: common.redisUrl }) as RedisClientType;
    redis.on('error', (err: unknown) => logger.warn({ err }, 'redis error (rate limit)'));
    await redis.connect();
  }
  const gateway = await startGateway({
    supergraph,
    subgraphUrls,
    port: listen.port,
    host: listen.host,
    corsOrigins: (env.GATEWAY_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    production: common.env === 'production',
    auth,
    trust: loadTrustOptions(env),
    ...limits,
    rateLimit: perMinute > 0 ? { perMinute, namespace: common.namespace, ...(redis ? { redis } : {}) } : false,
    // In its own process, only on Redis does the gateway see the subgraphs' invalidations (writes and
    // change events happen in their processes); without it, a cached answer could outlive a change.
    responseCache:
      common.redisUrl || hosting.responseCache === 'always' ? { redisUrl: common.redisUrl, namespace: common.namespace } : false,
    ...(hosting.localSubgraphs ? { localSubgraphs: hosting.localSubgraphs } : {}),
    metricsPath: metrics.path,
    trustedDocuments: loadTrustedDocumentsOptions(env),
    ...(metrics.token ? { metricsToken: metrics.token } : {}),
    knownOperations: knownOperationNames(env),
    earlyFetches: earlyFetchesEnabled(env) ? [customerLookup(idFormat('customer number', mapping.customerNumber))] : [],
    // Without Redis the rate limit counts per replica: degraded, not unavailable.
    ...(redis ? { health: [redisCheck(redis, { required: false })] } : {}),
  });
  return {
    ...gateway,
    async close() {
      await gateway.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Tracing first (off unless OTEL_* ask for it, docs/operations.md), so the first request is traced.
  startTracing({ serviceName: 'gateway' })
    .then(async (tracing) => {
      const g = closingTracing(await startGatewayFromEnv(), tracing);
      closeOnSignals([g]);
      logger.info({ url: g.url, tracing: tracing ? tracing.serviceName : 'off' }, 'gateway ready');
    })
    .catch((e: unknown) => {
      logger.fatal({ err: e }, 'gateway failed to start');
      process.exit(1);
    });
}

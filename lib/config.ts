/**
 * Configuration from the environment, validated at boot. Every setting has a
 * default that points at the embedded sandbox, so `npm start` needs none; a
 * real org is a matter of setting the variables documented in docs/configuration.md.
 * A bad value stops the process with a message naming the variable and what it expected.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads one section of settings; a bad value throws a ConfigError naming each variable and what it expected. */
export function parseSettings<T extends z.ZodTypeAny>(section: string, schema: T, env: Env): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = i.path.join('.');
    return `  ${name}=${JSON.stringify(env[name] ?? null)}: ${i.message}`;
  });
  throw new ConfigError(`invalid ${section} configuration:\n${lines.join('\n')}`);
}

const url = z.string().url('expected an absolute URL such as https://example.com');
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const apiVersion = z.string().regex(/^\d{2}\.\d$/, 'expected an API version such as 62.0');
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Settings every process shares. */
export function loadCommonConfig(env: Env = process.env) {
  const c = parseSettings(
    'common',
    z.object({
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      /** Prefix of every key the product stores (cache, idempotency, queue, events, limiters). */
      RSG_NAMESPACE: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only').default('rsg'),
      REDIS_URL: z.string().url('expected redis://host:port').optional(),
      ORG_MAPPING_FILE: z.string().default('config/org-mapping.json'),
    }),
    env,
  );
  return { env: c.NODE_ENV, namespace: c.RSG_NAMESPACE, redisUrl: c.REDIS_URL, orgMappingFile: c.ORG_MAPPING_FILE };
}
export type CommonConfig = ReturnType<typeof loadCommonConfig>;

/**
 * The call policy settings every system of record has, under its prefix
 * (SALESFORCE, NETSUITE, ZENDESK): the deadline a call's attempts share, the
 * per-attempt timeout, and the circuit breaker. docs/configuration.md lists them.
 */
export interface UpstreamPolicyConfig {
  /** `<PREFIX>_DEADLINE_MS`: one call's whole budget, retries and waits included. @default 10000 */
  deadlineMs: number;
  /** `<PREFIX>_TIMEOUT_MS`: one attempt's budget; at most the deadline. @default per system, less than the deadline */
  timeoutMs: number;
  /** `<PREFIX>_BREAKER_THRESHOLD` (0 for none) and `<PREFIX>_BREAKER_HALF_OPEN_MS`. @default threshold 5, half-open after 5000 ms */
  breaker: { threshold: number; halfOpenAfterMs: number } | false;
}

/**
 * Consecutive troubled calls (each after its retries) before a system's circuit opens. On by
 * default: without it, every request to a system that hangs waits out a whole deadline and its
 * retries, and the change feeds keep hammering it; five in a row is past the odd blip.
 */
export const DEFAULT_BREAKER_THRESHOLD = 5;

function loadUpstreamPolicy(prefix: string, section: string, attemptDefaultMs: number, env: Env): UpstreamPolicyConfig {
  const deadline = `${prefix}_DEADLINE_MS`;
  const attempt = `${prefix}_TIMEOUT_MS`;
  const threshold = `${prefix}_BREAKER_THRESHOLD`;
  const halfOpen = `${prefix}_BREAKER_HALF_OPEN_MS`;
  const c = parseSettings(
    section,
    z
      .object({
        [deadline]: positiveInt.default(10_000),
        [attempt]: positiveInt.default(attemptDefaultMs),
        [threshold]: z.coerce.number().int().min(0).default(DEFAULT_BREAKER_THRESHOLD),
        [halfOpen]: positiveInt.default(5_000),
      })
      .superRefine((v, ctx) => {
        // A default per-attempt timeout above a shortened deadline follows the deadline down.
        if (env[attempt] !== undefined && (v[attempt] as number) > (v[deadline] as number)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [attempt], message: `expected at most ${deadline} (${String(v[deadline])}): an attempt cannot outlast the call` });
        }
      }),
    env,
  ) as Record<string, number>;
  const deadlineMs = c[deadline] as number;
  return {
    deadlineMs,
    timeoutMs: Math.min(c[attempt] as number, deadlineMs),
    breaker: c[threshold] === 0 ? false : { threshold: c[threshold] as number, halfOpenAfterMs: c[halfOpen] as number },
  };
}

export type SalesforceAuth =
  | { phase: 'password'; clientId: string; clientSecret: string; username: string; password: string }
  | { phase: 'client_credentials'; clientId: string; clientSecret: string }
  | { phase: 'jwt'; clientId: string; username: string; privateKeyPem: string; audience: string }
  | { phase: 'token'; instanceUrl: string; accessToken: string };

export function loadSalesforceConfig(env: Env = process.env) {
  const c = parseSettings(
    'Salesforce',
    z.object({
      SALESFORCE_LOGIN_URL: url.default(sandboxUrl('SALESFORCE', env)),
      SALESFORCE_API_VERSION: apiVersion.default('62.0'),
      SALESFORCE_AUTH: z.enum(['password', 'client_credentials', 'jwt', 'token']).default('password'),
      SALESFORCE_CLIENT_ID: z.string().min(1).default('sandbox'),
      SALESFORCE_CLIENT_SECRET: z.string().min(1).default('sandbox'),
      SALESFORCE_USERNAME: z.string().min(1).default('admin@sandbox.example'),
      SALESFORCE_PASSWORD: z.string().min(1).default('sandbox'),
      SALESFORCE_PRIVATE_KEY_FILE: z.string().optional(),
      SALESFORCE_INSTANCE_URL: url.optional(),
      SALESFORCE_ACCESS_TOKEN: z.string().optional(),
      /** Share of the daily API budget past which reads stretch their cache TTLs. */
      SALESFORCE_BUDGET_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
    }),
    env,
  );
  let auth: SalesforceAuth;
  switch (c.SALESFORCE_AUTH) {
    case 'password':
      auth = { phase: 'password', clientId: c.SALESFORCE_CLIENT_ID, clientSecret: c.SALESFORCE_CLIENT_SECRET, username: c.SALESFORCE_USERNAME, password: c.SALESFORCE_PASSWORD };
      break;
    case 'client_credentials':
      auth = { phase: 'client_credentials', clientId: c.SALESFORCE_CLIENT_ID, clientSecret: c.SALESFORCE_CLIENT_SECRET };
      break;
    case 'jwt': {
      if (!c.SALESFORCE_PRIVATE_KEY_FILE) throw new ConfigError('SALESFORCE_AUTH=jwt needs SALESFORCE_PRIVATE_KEY_FILE (a PEM private key)');
      let pem: string;
      try {
        pem = readFileSync(c.SALESFORCE_PRIVATE_KEY_FILE, 'utf8');
      } catch (e) {
        throw new ConfigError(`SALESFORCE_PRIVATE_KEY_FILE=${c.SALESFORCE_PRIVATE_KEY_FILE}: ${(e as Error).message}`);
      }
      auth = { phase: 'jwt', clientId: c.SALESFORCE_CLIENT_ID, username: c.SALESFORCE_USERNAME, privateKeyPem: pem, audience: c.SALESFORCE_LOGIN_URL };
      break;
    }
    case 'token':
      if (!c.SALESFORCE_INSTANCE_URL || !c.SALESFORCE_ACCESS_TOKEN) {
        throw new ConfigError('SALESFORCE_AUTH=token needs SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN');
      }
      auth = { phase: 'token', instanceUrl: c.SALESFORCE_INSTANCE_URL, accessToken: c.SALESFORCE_ACCESS_TOKEN };
      break;
  }
  return {
    loginUrl: c.SALESFORCE_LOGIN_URL,
    apiVersion: c.SALESFORCE_API_VERSION,
    auth,
    ...loadUpstreamPolicy('SALESFORCE', 'Salesforce', 5_000, env),
    budgetThreshold: c.SALESFORCE_BUDGET_THRESHOLD,
  };
}
export type SalesforceConfig = ReturnType<typeof loadSalesforceConfig>;

export function loadNetSuiteConfig(env: Env = process.env) {
  const c = parseSettings(
    'NetSuite',
    z.object({
      /** https://{accountId}.suitetalk.api.netsuite.com/services/rest for a real account. */
      NETSUITE_BASE_URL: url.default(sandboxUrl('NETSUITE', env)),
      NETSUITE_ACCOUNT_ID: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected an account id such as 1234567 or 1234567_SB1').default('1234567_SB1'),
      NETSUITE_CONSUMER_KEY: z.string().min(1).default('sandbox-consumer-key'),
      NETSUITE_CONSUMER_SECRET: z.string().min(1).default('sandbox-consumer-secret'),
      NETSUITE_TOKEN_ID: z.string().min(1).default('sandbox-token-id'),
      NETSUITE_TOKEN_SECRET: z.string().min(1).default('sandbox-token-secret'),
      /** The account's concurrency limit (5 to 20 by service tier), shared by every caller. */
      NETSUITE_MAX_CONCURRENT: positiveInt.default(5),
      /**
       * Without Redis each subgraph counts its own calls, so each gets a share of the
       * account's slots (netsuiteShares); with Redis they share one count and these are unused.
       */
      NETSUITE_SHARE_ORDER: positiveInt.optional(),
      NETSUITE_SHARE_FINANCE: positiveInt.optional(),
      NETSUITE_SHARE_SERVICE: positiveInt.optional(),
      /**
       * The customer subgraph's identity lookups (customerByIdentity(system: NETSUITE)). Never
       * given by default: without Redis or a shared process, those lookups need a slot set aside.
       */
      NETSUITE_SHARE_CUSTOMER: positiveInt.optional(),
      /** SuiteQL page size (NetSuite's maximum is 1000). */
      NETSUITE_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
    }),
    env,
  );
  return {
    baseUrl: c.NETSUITE_BASE_URL.replace(/\/+$/, ''),
    accountId: c.NETSUITE_ACCOUNT_ID,
    consumerKey: c.NETSUITE_CONSUMER_KEY,
    consumerSecret: c.NETSUITE_CONSUMER_SECRET,
    tokenId: c.NETSUITE_TOKEN_ID,
    tokenSecret: c.NETSUITE_TOKEN_SECRET,
    maxConcurrent: c.NETSUITE_MAX_CONCURRENT,
    ...loadUpstreamPolicy('NETSUITE', 'NetSuite', 8_000, env),
    pageSize: c.NETSUITE_PAGE_SIZE,
    shares: { order: c.NETSUITE_SHARE_ORDER, finance: c.NETSUITE_SHARE_FINANCE, service: c.NETSUITE_SHARE_SERVICE, customer: c.NETSUITE_SHARE_CUSTOMER } as Partial<Record<NetSuiteConsumer, number>>,
  };
}
export type NetSuiteConfig = ReturnType<typeof loadNetSuiteConfig>;

/** The subgraphs that call NetSuite, each a separate process in production. */
export type NetSuiteConsumer = 'order' | 'finance' | 'service' | 'customer';
/** The subgraphs that always get a share; the customer subgraph's identity lookups get one only when NETSUITE_SHARE_CUSTOMER sets it. */
export const NETSUITE_CONSUMERS: ReadonlyArray<Exclude<NetSuiteConsumer, 'customer'>> = ['order', 'finance', 'service'];

/**
 * How the account's concurrency limit is split between the subgraphs when each
 * counts its own calls (no Redis). Shares not set explicitly come from what the
 * set ones leave: service, which only checks who owns an order, gets 1, and order
 * and finance split the rest, order taking the odd slot (5 slots: order 2,
 * finance 2, service 1). Throws a ConfigError when the shares add up to more than
 * the account allows (NetSuite would refuse the excess) or leave a subgraph none.
 */
export function netsuiteShares(
  config: Pick<NetSuiteConfig, 'maxConcurrent' | 'shares'>,
): Record<Exclude<NetSuiteConsumer, 'customer'>, number> & { customer?: number } {
  const max = config.maxConcurrent;
  const given = config.shares;
  // A customer share, when set, is set aside first: it is never derived.
  const taken = NETSUITE_CONSUMERS.reduce((n, k) => n + (given[k] ?? 0), given.customer ?? 0);
  let left = max - taken;
  const service = given.service ?? Math.min(1, Math.max(0, left));
  if (given.service === undefined) left -= service;
  const unsetPair = (given.order === undefined ? 1 : 0) + (given.finance === undefined ? 1 : 0);
  const order = given.order ?? (unsetPair === 2 ? Math.ceil(Math.max(0, left) / 2) : Math.max(0, left));
  const finance = given.finance ?? (unsetPair === 2 ? Math.floor(Math.max(0, left) / 2) : Math.max(0, left));
  const shares = { order, finance, service, ...(given.customer !== undefined ? { customer: given.customer } : {}) };
  const sum = order + finance + service + (given.customer ?? 0);
  const named = [...NETSUITE_CONSUMERS.map((k) => `${k} ${shares[k]}`), ...(given.customer !== undefined ? [`customer ${given.customer}`] : [])].join(', ');
  if (sum > max) {
    throw new ConfigError(
      `NetSuite concurrency shares (${named}) add up to ${sum}, more than NETSUITE_MAX_CONCURRENT=${max}: NetSuite would refuse the excess. Lower NETSUITE_SHARE_ORDER / _FINANCE / _SERVICE, or set REDIS_URL so the subgraphs share one count.`,
    );
  }
  const empty = NETSUITE_CONSUMERS.filter((k) => shares[k] < 1);
  if (empty.length > 0) {
    throw new ConfigError(
      `NETSUITE_MAX_CONCURRENT=${max} leaves no concurrency slot for ${empty.join(' and ')} (shares: ${named}); every subgraph that calls NetSuite needs at least 1. Set NETSUITE_SHARE_ORDER / _FINANCE / _SERVICE, or set REDIS_URL so the subgraphs share one count.`,
    );
  }
  return shares;
}

export function loadZendeskConfig(env: Env = process.env) {
  const c = parseSettings(
    'Zendesk',
    z.object({
      /** https://{subdomain}.zendesk.com/api/v2 for a real instance. */
      ZENDESK_BASE_URL: url.default(sandboxUrl('ZENDESK', env)),
      ZENDESK_EMAIL: z.string().min(1).default('agent@sandbox.example'),
      ZENDESK_API_TOKEN: z.string().min(1).optional(),
      ZENDESK_OAUTH_TOKEN: z.string().min(1).optional(),
      /** The plan's requests per minute (200 to 2,500), shared by every caller. */
      ZENDESK_RATE_PER_MINUTE: positiveInt.default(700),
    }),
    env,
  );
  const token = c.ZENDESK_OAUTH_TOKEN ? undefined : (c.ZENDESK_API_TOKEN ?? 'sandbox');
  return {
    baseUrl: c.ZENDESK_BASE_URL.replace(/\/+$/, ''),
    auth: c.ZENDESK_OAUTH_TOKEN
      ? ({ phase: 'oauth', token: c.ZENDESK_OAUTH_TOKEN } as const)
      : ({ phase: 'api_token', email: c.ZENDESK_EMAIL, token: token as string } as const),
    ratePerMinute: c.ZENDESK_RATE_PER_MINUTE,
    ...loadUpstreamPolicy('ZENDESK', 'Zendesk', 5_000, env),
  };
}
export type ZendeskConfig = ReturnType<typeof loadZendeskConfig>;

/**
 * Where the default layout counts ports from (CONTRACT.md): the gateway on 4000,
 * each subgraph on its manifest port (config/subgraphs.json), the sandbox systems
 * on 4101 … 4103. `PORT_BASE` moves the whole layout: every part keeps its offset
 * from 4000, so PORT_BASE=5000 puts the gateway on 5000, the subgraphs on the
 * ports just above it and the sandbox on 5101 … 5103. A part's own `…_PORT` still wins over the base.
 */
export const DEFAULT_PORT_BASE = 4000;

/** The sandbox systems of record and their ports in the default layout. */
export const SANDBOX_SYSTEMS = [
  { system: 'SALESFORCE', port: 4101, path: '' },
  { system: 'NETSUITE', port: 4102, path: '/services/rest' },
  { system: 'ZENDESK', port: 4103, path: '/api/v2' },
] as const;
export type SandboxSystem = (typeof SANDBOX_SYSTEMS)[number]['system'];

/** `PORT_BASE`, or 4000 when unset. */
export function portBase(env: Env = process.env): number {
  const raw = env.PORT_BASE;
  if (raw === undefined || raw === '') return DEFAULT_PORT_BASE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new ConfigError(`PORT_BASE=${JSON.stringify(raw)}: expected a port number such as 5000, from which every part keeps its offset (gateway +0, subgraphs +1 …, sandbox +101 … +103)`);
  return n;
}

/** A part's port when its own variable is unset: its default-layout port, moved by PORT_BASE. */
export function layoutPort(defaultPort: number, env: Env = process.env): number {
  const port = portBase(env) + (defaultPort - DEFAULT_PORT_BASE);
  if (port > 65_535) throw new ConfigError(`PORT_BASE=${env.PORT_BASE ?? ''} puts a part on port ${port}, past 65535: expected a base of at most ${65_535 - (defaultPort - DEFAULT_PORT_BASE)}`);
  return port;
}

/** `<NAME>_PORT` when set (a port number), else `fallback`; a bad value throws a ConfigError naming the variable. */
export function portSetting(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected a port number`);
  return n;
}

/** The port a sandbox system serves on: `SANDBOX_<SYSTEM>_PORT`, else its layout port. */
export function sandboxPort(system: SandboxSystem, env: Env = process.env): number {
  const s = SANDBOX_SYSTEMS.find((x) => x.system === system) as (typeof SANDBOX_SYSTEMS)[number];
  return portSetting(env, `SANDBOX_${system}_PORT`, layoutPort(s.port, env));
}

/**
 * Where a connector reaches the embedded sandbox of its system when its base URL
 * (`SALESFORCE_LOGIN_URL`, `NETSUITE_BASE_URL`, `ZENDESK_BASE_URL`) is unset: the
 * sandbox's port, so moving the sandbox (PORT_BASE, `SANDBOX_<SYSTEM>_PORT`)
 * moves the connectors with it.
 */
export function sandboxUrl(system: SandboxSystem, env: Env = process.env): string {
  const s = SANDBOX_SYSTEMS.find((x) => x.system === system) as (typeof SANDBOX_SYSTEMS)[number];
  return `http://localhost:${sandboxPort(system, env)}${s.path}`;
}

export interface ServiceConfig {
  port: number;
  host: string;
}

/** Listen address of one process; `name` is the env prefix (GATEWAY, CUSTOMER_SUBGRAPH, …), `defaultPort` its default-layout port (PORT_BASE moves it). */
export function loadServiceConfig(name: string, defaultPort: number, env: Env = process.env): ServiceConfig {
  const c = parseSettings(
    name,
    z.object({ [`${name}_PORT`]: port.default(layoutPort(defaultPort, env)), [`${name}_HOST`]: z.string().default('127.0.0.1') }),
    env,
  ) as Record<string, unknown>;
  return { port: c[`${name}_PORT`] as number, host: c[`${name}_HOST`] as string };
}

/**
 * Why a path cannot serve the metrics, or undefined when it can. The metrics
 * answer without credentials, so they must not share a prefix with the graph,
 * whose every request is authenticated; /health and below are the health checks'.
 */
export function metricsPathProblem(path: string): string | undefined {
  if (!/^(\/(?!\.\.?(\/|$))[A-Za-z0-9._~-]+)+$/.test(path)) return 'expected a path such as /metrics, or off to serve none';
  if (path === '/graphql' || path.startsWith('/graphql/')) return 'must not be under /graphql, which only answers authenticated callers';
  if (path === '/health' || path.startsWith('/health/')) return '/health, /health/live and /health/ready are the health checks';
  return undefined;
}

/**
 * Where a process (the gateway, each subgraph) serves its Prometheus metrics
 * (lib/metrics.ts), and to whom: `METRICS_PATH`, `/metrics` by default, `off` for
 * none; `METRICS_TOKEN`, the bearer token a scrape from another host needs. Not
 * an empty value for none: a template that leaves a variable empty when it
 * meant to leave it unset would then switch metrics off without a word.
 */
export function loadMetricsConfig(env: Env = process.env): { path: string | false; token: string | undefined } {
  const c = parseSettings(
    'metrics',
    z.object({
      METRICS_PATH: z
        .string()
        .default('/metrics')
        .superRefine((v, ctx) => {
          const problem = v === 'off' ? undefined : metricsPathProblem(v);
          if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
        }),
      /** The bearer token a scrape must carry; unset, only a scraper on this host (loopback) is answered. */
      METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters, e.g. from openssl rand -base64 32').optional(),
    }),
    env,
  );
  return { path: c.METRICS_PATH === 'off' ? false : c.METRICS_PATH, token: c.METRICS_TOKEN };
}

export { bool as envBool };

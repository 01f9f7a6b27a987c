/**
 * The Salesforce sandbox: one server that is both the login host
 * (`/services/oauth2/token`) and the instance (`/services/data/vXX.X/…`,
 * `/cometd/XX.X`), over an in-memory copy of the generated dataset.
 *
 *   const sf = await createSalesforceSandbox({ dataset });
 *   const url = await sf.listen(4101);
 *
 * Default credentials (CONTRACT.md): client id `sandbox`, client secret `sandbox`,
 * user `admin@sandbox.example`, password `sandbox`.
 */
import { createSandboxServer, ActionInputError, ActionNotFoundError, type FaultAnswers, type SandboxServer } from '../kit/server.js';
import type { RetailDataset } from '../dataset/model.js';
import { SessionStore } from './auth.js';
import { ApiBudget, registerRest } from './rest/index.js';
import { ACCOUNT, LOYALTY_TIERS } from './schema.js';
import { ADMIN_USERNAME, SalesforceStore, UI_USER_ID, newOrgId, type ChangeActor } from './store.js';
import { ChangeStream } from './streaming.js';

export { SalesforceStore } from './store.js';
export { SessionStore } from './auth.js';
export { ChangeStream, CDC_CHANNELS } from './streaming.js';
export { runSoql } from './soql.js';
export { SfError } from './errors.js';

export interface SalesforceSandboxOptions {
  /** The generated dataset; it is copied, never mutated. */
  dataset: RetailDataset;
  /** instance_url (and login URL) to advertise. @default the URL the server listens on */
  publicUrl?: string;
  /** Daily API request budget reported in Sforce-Limit-Info and /limits. @default 100000 */
  dailyApiLimit?: number;
  /** Accepted REST API versions, inclusive (e.g. {min: 31, max: 66} serves v31.0…v66.0). @default {min: 31, max: 66} */
  apiVersions?: { min: number; max: number };
  /** Lifetime of an access token, ms; afterwards calls get 401 INVALID_SESSION_ID. @default 7200000 (2 h) */
  sessionTtlMs?: number;
  /** CometD long-poll hold time (advice.timeout), ms. @default 110000 as Salesforce */
  streamingTimeoutMs?: number;
  /** How long change events stay replayable, ms. @default 259200000 (72 h) */
  cdcRetentionMs?: number;
  /** Most change events retained for replay. @default 100000 */
  cdcMaxEvents?: number;
  /**
   * PEM (SPKI) RSA public key for JWT bearer assertions. When set, assertions must be
   * RS256-signed with the matching private key; when unset, the signature is not
   * checked (iss, sub, aud and exp still are). @default unset
   */
  jwtPublicKey?: string;
  /** Audiences accepted in JWT assertions besides the server's own URL. @default login and test.salesforce.com */
  jwtAudiences?: string[];
  /** OAuth client and user credentials. @default CONTRACT.md's sandbox credentials */
  credentials?: { clientId?: string; clientSecret?: string; username?: string; password?: string };
}

export interface SalesforceSandbox extends SandboxServer {
  /** The base URL advertised as instance_url; known after listen() unless publicUrl was given. */
  url(): string;
  store: SalesforceStore;
  sessions: SessionStore;
  changes: ChangeStream;
  budget: ApiBudget;
}

const sfBody = (errorCode: string, message: string): { message: string; errorCode: string }[] => [{ message, errorCode }];

/** Salesforce's own answers when a fault fires. */
const faultAnswers: FaultAnswers = {
  unavailable: (reply) => void reply.code(503).send(sfBody('SERVER_UNAVAILABLE', 'Server temporarily unavailable. Please try again later.')),
  serverError: (reply) =>
    void reply.code(500).send(sfBody('UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1471139862-58421 (-1158485920)')),
  // Salesforce has no per-minute limit; past its request limit it answers 403 REQUEST_LIMIT_EXCEEDED, without Retry-After.
  rateLimited: (reply) => void reply.code(403).send(sfBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')),
  tooManyConcurrent: (reply) => void reply.code(403).send(sfBody('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.')),
};

/** A change made by a Salesforce user in the Lightning UI: no API origin, a different user. */
const UI_ACTOR: ChangeActor = { userId: UI_USER_ID, changeOrigin: '' };

export async function createSalesforceSandbox(opts: SalesforceSandboxOptions): Promise<SalesforceSandbox> {
  const creds = {
    clientId: opts.credentials?.clientId ?? 'sandbox',
    clientSecret: opts.credentials?.clientSecret ?? 'sandbox',
    username: opts.credentials?.username ?? ADMIN_USERNAME,
    password: opts.credentials?.password ?? 'sandbox',
  };
  const sessions = new SessionStore({
    ...creds,
    sessionTtlMs: opts.sessionTtlMs ?? 2 * 3_600_000,
    jwtPublicKey: opts.jwtPublicKey,
    jwtAudiences: opts.jwtAudiences ?? ['https://login.salesforce.com', 'https://test.salesforce.com'],
    orgId: newOrgId(),
  });
  const changes = new ChangeStream({
    sessions,
    timeoutMs: opts.streamingTimeoutMs ?? 110_000,
    retentionMs: opts.cdcRetentionMs ?? 72 * 3_600_000,
    maxEvents: opts.cdcMaxEvents ?? 100_000,
  });
  const store = new SalesforceStore(opts.dataset, (events) => changes.publish(events));
  const budget = new ApiBudget(opts.dailyApiLimit ?? 100_000);
  const versions = opts.apiVersions ?? { min: 31, max: 66 };
  let baseUrl = opts.publicUrl?.replace(/\/$/, '') ?? '';

  const accountOf = (body: Record<string, unknown>) => {
    const customerId = body.customerId;
    if (typeof customerId !== 'string' || customerId === '') throw new ActionInputError('customerId must be a customer number such as "C-000042"');
    const rec = store.accountByCustomerNumber(customerId);
    if (!rec) throw new ActionNotFoundError(`no Account with Customer_Number__c '${customerId}'`);
    return rec;
  };

  const applyUiUpdate = (rec: Record<string, unknown>, input: Record<string, unknown>) => {
    const { values, errors } = store.validate(ACCOUNT, input, 'update', rec.Id as string);
    if (errors.length > 0) throw new ActionInputError(errors.map((e) => `${e.errorCode}: ${e.message}`).join('; '));
    const tx = store.begin(UI_ACTOR);
    store.update(tx, ACCOUNT, rec.Id as string, values);
    store.commit(tx);
    const after = store.get('Account', rec.Id as string) as Record<string, unknown>;
    return {
      accountId: after.Id,
      customerId: after.Customer_Number__c,
      lastModifiedDate: after.LastModifiedDate,
      replayId: changes.latestReplayId(),
      fields: Object.fromEntries(Object.keys(values).map((k) => [k, after[k]])),
    };
  };

  const server = await createSandboxServer({
    name: 'salesforce',
    faultAnswers,
    routes: (app) => {
      // An outage also cuts the long polls the CometD endpoint holds open; without this, a client
      // parked in a 110 s /meta/connect would never meet the outage at all.
      app.addHook('onResponse', async (req) => {
        if (req.method === 'PUT' && req.routeOptions.url === '/__sandbox/faults' && server.faults().down) changes.endHeldConnects();
      });
      registerRest(app, {
        store,
        sessions,
        changes,
        budget,
        minVersion: versions.min,
        maxVersion: versions.max,
        baseUrl: (req) => baseUrl || `${req.protocol}://${req.headers.host ?? 'localhost'}`,
      });
    },
    actions: {
      'set-loyalty-tier': (body) => {
        const rec = accountOf(body);
        const raw = body.tier;
        const tier = typeof raw === 'string' ? LOYALTY_TIERS.find((t) => t.toLowerCase() === raw.toLowerCase()) : undefined;
        if (!tier) throw new ActionInputError(`tier must be one of ${LOYALTY_TIERS.join(', ')} (any case), got ${JSON.stringify(raw)}`);
        return applyUiUpdate(rec, { Loyalty_Tier__c: tier });
      },
      'update-account': (body) => {
        const rec = accountOf(body);
        const fields = body.fields;
        if (fields == null || typeof fields !== 'object' || Array.isArray(fields)) throw new ActionInputError('fields must be an object of Account field values');
        return applyUiUpdate(rec, fields as Record<string, unknown>);
      },
      'revoke-sessions': () => {
        sessions.revokeAll();
        return { ok: true };
      },
      // As if the 72-hour retention had passed for every change event so far: stored replay ids are refused.
      'expire-change-events': () => ({ expired: changes.expireRetained(), latestReplayId: changes.latestReplayId() }),
      // As after a disconnect longer than Salesforce keeps a streaming client: every client must handshake again.
      'drop-streaming-clients': () => ({ dropped: changes.dropClients() }),
    },
  });

  return {
    ...server,
    url: () => baseUrl,
    store,
    sessions,
    changes,
    budget,
    async listen(port, host) {
      const url = await server.listen(port, host);
      if (!baseUrl) baseUrl = url;
      return url;
    },
    async close() {
      changes.close();
      await server.close();
    },
  };
}

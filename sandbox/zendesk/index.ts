/**
 * The Zendesk sandbox: a Support API v2 server over the seeded dataset, for the
 * subset the service connector uses. See README.md for credentials, routes and
 * the deliberate differences from the real system.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RetailDataset } from '../dataset/model.js';
import { ActionInputError, ActionNotFoundError, createSandboxServer, type FaultAnswers, type SandboxServer } from '../kit/server.js';
import { RecordInvalid, ZendeskStore, type TicketInput } from './store.js';
import { registerRoutes } from './routes.js';
import { WebhookHub, type DeliveryRecord } from './webhooks.js';
import { errors, sendError } from './wire.js';

export { sign as signWebhookPayload } from './webhooks.js';

/** The sandbox's fixed credentials (CONTRACT.md "Default sandbox credentials"). */
export const ZENDESK_SANDBOX_CREDENTIALS = {
  /** The agent's e-mail; API-token Basic auth uses `${email}/token` as the user name. */
  email: 'agent@sandbox.example',
  apiToken: 'sandbox',
  /** A fixed OAuth access token, sent as `Authorization: Bearer sandbox-oauth-token`. */
  oauthToken: 'sandbox-oauth-token',
} as const;

export interface ZendeskSandboxOptions {
  dataset: RetailDataset;
  /** The plan's account-wide limit of API requests per rolling minute. @default 700 */
  rateLimitPerMinute?: number;
  /** Requests per minute allowed on the incremental export endpoint. @default 10 */
  incrementalRateLimitPerMinute?: number;
  /**
   * Changes younger than this many seconds are left out of the incremental
   * export, as Zendesk leaves out the last minute. Tests set 0. @default 60
   */
  incrementalExclusionSeconds?: number;
  /** How long an Idempotency-Key is remembered. @default 7_200_000 (2 hours) */
  idempotencyTtlMs?: number;
  /** Retries of a failed webhook delivery after the first attempt. @default 3 */
  webhookMaxRetries?: number;
  /** Delay before retry n of a webhook delivery, in ms. @default 1000 × 2^(n-1) */
  webhookRetryDelayMs?: (attempt: number) => number;
  /** Timeout of one webhook delivery attempt. @default 12_000 (Zendesk's documented timeout) */
  webhookTimeoutMs?: number;
  /** The account id sent in x-zendesk-account-id and in event payloads. @default 10000001 */
  accountId?: number;
}

export interface ZendeskSandbox extends SandboxServer {
  /** The live state (tickets, users, organizations, comments); mutate only through its methods. */
  store: ZendeskStore;
  /** Outgoing webhook deliveries so far, oldest first. */
  deliveries(): DeliveryRecord[];
  /** Resolves when no webhook delivery is queued or in flight. */
  webhooksIdle(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function rateLimitedAnswer(reply: FastifyReply, retryAfterSeconds: number, limit: number | null): void {
  if (limit !== null) reply.header('x-rate-limit', String(limit));
  void reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .header('x-rate-limit-remaining', '0')
    .header('content-type', JSON_TYPE)
    .send({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' });
}

const faultAnswers: FaultAnswers = {
  unavailable(reply) {
    void reply
      .code(503)
      .header('retry-after', '5')
      .header('content-type', JSON_TYPE)
      .send({ error: 'ServiceUnavailable', description: 'Zendesk is temporarily unavailable for scheduled maintenance. Please try again shortly.' });
  },
  serverError(reply) {
    void reply.code(500).header('content-type', JSON_TYPE).send({ error: 'InternalServerError', description: 'Something went wrong. Please try again.' });
  },
  rateLimited(reply, retryAfterSeconds) {
    rateLimitedAnswer(reply, retryAfterSeconds, null);
  },
  tooManyConcurrent(reply) {
    void reply
      .code(429)
      .header('retry-after', '1')
      .header('content-type', JSON_TYPE)
      .send({ error: 'TooManyRequests', description: 'Too many concurrent requests. Please retry after the in-flight requests finish.' });
  },
};

/** A rolling one-minute window; `take()` answers null when allowed, or the seconds to wait. */
function minuteWindow(limit: () => number): { take(): number | null; remaining(): number } {
  let hits: number[] = [];
  const prune = (now: number): void => {
    if (hits.length && now - (hits[0] ?? now) >= 60_000) hits = hits.filter((t) => now - t < 60_000);
  };
  return {
    take() {
      const now = Date.now();
      prune(now);
      if (hits.length >= limit()) {
        return Math.max(1, Math.ceil(((hits[0] ?? now) + 60_000 - now) / 1000));
      }
      hits.push(now);
      return null;
    },
    remaining() {
      prune(Date.now());
      return Math.max(0, limit() - hits.length);
    },
  };
}

function authenticated(req: FastifyRequest): boolean {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return false;
  const [scheme, value] = h.split(/\s+/, 2);
  if (!scheme || !value) return false;
  if (scheme.toLowerCase() === 'bearer') return value === ZENDESK_SANDBOX_CREDENTIALS.oauthToken;
  if (scheme.toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return user.toLowerCase() === `${ZENDESK_SANDBOX_CREDENTIALS.email}/token` && secret === ZENDESK_SANDBOX_CREDENTIALS.apiToken;
}

function parseCaseId(body: Record<string, unknown>): number {
  const raw = body.caseId;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new ActionInputError(`caseId must be a ticket id (a positive integer), got ${JSON.stringify(raw)}`);
  return id;
}

function requireBody(body: Record<string, unknown>): string {
  if (typeof body.body !== 'string' || body.body.trim() === '') throw new ActionInputError('body must be a non-empty string');
  return body.body;
}

/** Starts nothing: call `listen(port)` on the result, e.g. `await s.listen(4103)`. */
export async function createZendeskSandbox(opts: ZendeskSandboxOptions): Promise<ZendeskSandbox> {
  const store = new ZendeskStore(opts.dataset, ZENDESK_SANDBOX_CREDENTIALS.email);
  const hub = new WebhookHub(store, {
    accountId: opts.accountId ?? 10000001,
    maxRetries: opts.webhookMaxRetries ?? 3,
    retryDelayMs: opts.webhookRetryDelayMs ?? ((n) => 1000 * 2 ** (n - 1)),
    timeoutMs: opts.webhookTimeoutMs ?? 12_000,
  });
  const planLimit = opts.rateLimitPerMinute ?? 700;
  const plan = minuteWindow(() => planLimit);
  const incremental = minuteWindow(() => opts.incrementalRateLimitPerMinute ?? 10);

  const act = (id: number, input: TicketInput, actorId: number): unknown => {
    if (!store.tickets.has(id)) throw new ActionNotFoundError(`no ticket ${id}`);
    try {
      const r = store.updateTicket(id, input, actorId, 'web');
      return { ticket: { id: r?.ticket.id, status: r?.ticket.status, updated_at: r?.ticket.updated_at } };
    } catch (e) {
      if (e instanceof RecordInvalid) {
        throw new ActionInputError(Object.values(e.details).flat().map((d) => d.description).join('; '));
      }
      throw e;
    }
  };

  const server = await createSandboxServer({
    name: 'zendesk',
    faultAnswers,
    actions: {
      'agent-reply': (body) => {
        const id = parseCaseId(body);
        const input: TicketInput = { comment: { body: requireBody(body), public: body.public !== false, author_id: store.agent.id } };
        if (body.status !== undefined) input.status = body.status;
        return act(id, input, store.agent.id);
      },
      'customer-reply': (body) => {
        const id = parseCaseId(body);
        const ticket = store.tickets.get(id);
        if (!ticket) throw new ActionNotFoundError(`no ticket ${id}`);
        return act(id, { comment: { body: requireBody(body), public: true, author_id: ticket.requester_id } }, ticket.requester_id);
      },
      'solve-case': (body) => {
        const id = parseCaseId(body);
        const input: TicketInput = { status: 'solved' };
        if (typeof body.body === 'string' && body.body.trim()) input.comment = { body: body.body, public: true };
        return act(id, input, store.agent.id);
      },
      'close-case': (body) => act(parseCaseId(body), { status: 'closed' }, store.agent.id),
    },
    routes(app) {
      // Zendesk answers every resource with or without `.json`; strip it before
      // routing so both spellings share one route template (and one stats key).
      app.server.prependListener('request', (req: { url?: string }) => {
        const url = req.url ?? '';
        const q = url.indexOf('?');
        const path = q < 0 ? url : url.slice(0, q);
        if (path.startsWith('/api/v2/') && path.endsWith('.json')) req.url = path.slice(0, -5) + (q < 0 ? '' : url.slice(q));
      });

      app.addHook('onRequest', async (req, reply) => {
        if (!req.url.startsWith('/api/v2')) return undefined;
        if (!authenticated(req)) return sendError(reply, 401, errors.unauthenticated);
        const wait = plan.take();
        if (wait !== null) {
          rateLimitedAnswer(reply, wait, planLimit);
          return reply;
        }
        return undefined;
      });

      app.addHook('onSend', async (req, reply, payload) => {
        if (req.url.startsWith('/api/v2') && !reply.hasHeader('x-rate-limit')) {
          reply.header('x-rate-limit', String(planLimit));
          if (!reply.hasHeader('x-rate-limit-remaining')) reply.header('x-rate-limit-remaining', String(plan.remaining()));
        }
        return payload;
      });

      app.setNotFoundHandler((req, reply) => {
        if (req.url.startsWith('/api/v2')) return sendError(reply, 404, errors.invalidEndpoint);
        return sendError(reply, 404, { error: 'not found' });
      });

      app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
        const status = err.statusCode ?? 500;
        if (req.url.startsWith('/api/v2') && status === 400 && String(err.code ?? '').startsWith('FST_ERR_CTP')) {
          return sendError(reply, 400, { error: 'Unprocessable Entity', description: 'Server could not parse JSON' });
        }
        if (status >= 500) return faultAnswers.serverError(reply);
        return sendError(reply, status, { error: err.message });
      });

      registerRoutes(app, {
        store,
        hub,
        idempotencyTtlMs: opts.idempotencyTtlMs ?? 2 * 60 * 60 * 1000,
        incremental: { exclusionSeconds: opts.incrementalExclusionSeconds ?? 60, limiter: () => incremental.take() },
        searchLagMs: () => server.faults().searchLagMs ?? 0,
      });
    },
  });

  return {
    ...server,
    store,
    deliveries: () => hub.deliveries(),
    webhooksIdle: () => hub.idle(),
    async close() {
      hub.close();
      await server.close();
    },
  };
}

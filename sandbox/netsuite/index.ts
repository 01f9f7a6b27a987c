/**
 * The NetSuite sandbox: SuiteTalk REST web services (SuiteQL and the record
 * API) over the seeded dataset, with token-based authentication, NetSuite's
 * error shapes and its per-account concurrency limit. See README.md.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { RetailDataset } from '../dataset/model.js';
import { ActionInputError, ActionNotFoundError, createSandboxServer, type FaultAnswers, type SandboxServer } from '../kit/server.js';
import { execute, instantToDays, openDatabase, queryOne, toCents, type Database } from './db.js';
import { ERROR_CONTENT_TYPE, NsError, errorBody, sendError } from './errors.js';
import { SANDBOX_TBA, TbaVerifier, type TbaCredentials } from './oauth.js';
import { StoreClock, closeSalesOrder, getTransactionByTranId, insertTransaction, nextTranId, payInvoice, postJournal, shipOrder, type Ops } from './ops.js';
import { REST, baseUrlOf, registerRecordRoutes } from './records.js';
import { registerFunctions, runSuiteQl } from './suiteql.js';

export { SANDBOX_TBA, type TbaCredentials } from './oauth.js';

export interface NetSuiteSandboxOptions {
  /** The generated dataset; it is copied, never mutated. */
  dataset: RetailDataset;
  /**
   * Concurrent API requests the account accepts; the next one gets NetSuite's 429.
   * The `maxConcurrent` fault, when set, takes precedence.
   * @default 5
   */
  maxConcurrent?: number;
  /** Token-based-authentication credentials the server accepts. @default SANDBOX_TBA */
  credentials?: TbaCredentials;
  /** The server's clock (SYSDATE, timestamp checks, lastmodifieddate). @default () => new Date() */
  now?: () => Date;
}

export interface NetSuiteSandbox extends SandboxServer {
  /** The account id, also the OAuth realm. */
  accountId: string;
  /** The SQLite store, for tests that need to look behind the API. */
  db: Database;
}

const SUITEQL_MAX_LIMIT = 1000;
/** SuiteQL through REST pages through at most this many results. */
const SUITEQL_MAX_RESULTS = 100_000;

function send(reply: FastifyReply, status: number, code: string, detail: string): void {
  void reply.code(status).header('content-type', ERROR_CONTENT_TYPE).send(errorBody(status, code, detail));
}

const faultAnswers: FaultAnswers = {
  unavailable: (reply) => send(reply, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Please try again later.'),
  serverError: (reply) => send(reply, 500, 'UNEXPECTED_ERROR', `An unexpected error occurred. Error ID: ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`),
  // NetSuite sends no Retry-After; its clients back off on their own.
  rateLimited: (reply) => send(reply, 429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'),
  tooManyConcurrent: (reply) => send(reply, 429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'),
};

function intParam(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const s = String(raw);
  if (!/^\d+$/.test(s)) throw new NsError(400, 'INVALID_PARAMETER', `Invalid value '${s}' for the query parameter '${name}'.`, { 'o:errorQueryParam': name });
  return Number(s);
}

let lastProvisionedAt = 0;

/**
 * When an instance was provisioned, to the second (SuiteQL reports seconds): at least one
 * second after the previous instance of this process, so that two instances started within
 * one second (a test restarting the sandbox) never report the same identity.
 */
function provisionedAt(now: Date): Date {
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, lastProvisionedAt + 1000);
  lastProvisionedAt = at;
  return new Date(at);
}

export async function createNetSuiteSandbox(opts: NetSuiteSandboxOptions): Promise<NetSuiteSandbox> {
  const creds = opts.credentials ?? SANDBOX_TBA;
  const now = opts.now ?? (() => new Date());
  const maxConcurrent = opts.maxConcurrent ?? 5;
  const db = await openDatabase(opts.dataset.netsuite);
  // Each instance is a fresh account, as after a sandbox refresh: its company information was
  // written when it was provisioned. Feeds read this (with the account id) as the account's identity.
  execute(db, 'INSERT INTO companyinformation VALUES (?,?,?,?)', [creds.accountId, 'Sandbox Retail Co', 1, instantToDays(provisionedAt(now()).toISOString())]);
  const clock = new StoreClock(db, now);
  registerFunctions(db, () => clock.date());
  const ops: Ops = { db, clock };
  const verifier = new TbaVerifier(creds, () => now().getTime());

  const findOrder = (v: unknown): number => {
    if (typeof v !== 'string' || !v) throw new ActionInputError('orderId must be an order number like "SO-100234"');
    const so = getTransactionByTranId(db, v, 'SalesOrd');
    if (!so) throw new ActionNotFoundError(`no sales order ${v}`);
    return Number(so.id);
  };
  const asInput = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof NsError) throw new ActionInputError(e.detail);
      throw e;
    }
  };

  /** The customer (by customer number) and positive amount an account action names. */
  const accountCredit = (b: Record<string, unknown>): { customerId: number; key: string; cents: number } => {
    const amount = typeof b.amount === 'number' ? String(b.amount) : b.amount;
    if (typeof amount !== 'string' || !/^\d+(\.\d{1,2})?$/.test(amount) || toCents(amount) <= 0) throw new ActionInputError(`amount must be a positive decimal string like "25.00", got ${JSON.stringify(b.amount)}`);
    const key = String(b.customerId ?? '');
    const c = queryOne(db, 'SELECT id FROM customer WHERE externalid = ?', [key]);
    if (!c) throw new ActionNotFoundError(`no customer ${key}`);
    return { customerId: c.id as number, key, cents: toCents(amount) };
  };

  // The concurrency listener needs the server's faults, which exist only once it is created.
  const self: { server?: SandboxServer } = {};
  const server = await createSandboxServer({
    name: 'netsuite',
    faultAnswers,
    actions: {
      'ship-order': (b) => {
        const id = findOrder(b.orderId);
        const r = asInput(() => shipOrder(ops, id, typeof b.carrier === 'string' ? b.carrier : 'UPS'));
        return { orderId: b.orderId, itemFulfillment: { id: String(r.fulfillmentId), tranId: r.tranid }, status: r.status };
      },
      'pay-invoice': (b) => {
        if (typeof b.invoiceId !== 'string' || !b.invoiceId) throw new ActionInputError('invoiceId must be an invoice number like "INV-300017"');
        const amount = typeof b.amount === 'number' ? String(b.amount) : b.amount;
        if (typeof amount !== 'string' || !/^\d+(\.\d{1,2})?$/.test(amount)) throw new ActionInputError(`amount must be a decimal string like "50.00", got ${JSON.stringify(b.amount)}`);
        const inv = getTransactionByTranId(db, b.invoiceId, 'CustInvc');
        if (!inv) throw new ActionNotFoundError(`no invoice ${b.invoiceId}`);
        const r = asInput(() => payInvoice(ops, Number(inv.id), toCents(amount), typeof b.method === 'string' ? b.method : 'ACH'));
        return { invoiceId: b.invoiceId, payment: { id: String(r.paymentId), tranId: r.tranid }, amountRemaining: r.amountRemaining, status: r.status };
      },
      'set-credit-hold': (b) => {
        if (typeof b.hold !== 'boolean') throw new ActionInputError('hold must be true or false');
        const key = String(b.customerId ?? '');
        const c = /^\d+$/.test(key) ? queryOne(db, 'SELECT id FROM customer WHERE id = ?', [Number(key)]) : queryOne(db, 'SELECT id FROM customer WHERE externalid = ?', [key]);
        if (!c) throw new ActionNotFoundError(`no customer ${key}`);
        db.run('UPDATE customer SET creditholdoverride = ?, lastmodifieddate = ? WHERE id = ?', [b.hold ? 'ON' : 'OFF', clock.tick(), c.id as number]);
        return { customerId: key, creditHoldOverride: b.hold ? 'ON' : 'OFF' };
      },
      'issue-credit-memo': (b) => {
        // A credit memo on the customer's account, applied to no invoice (a goodwill credit, say).
        const { customerId, key, cents } = accountCredit(b);
        const tranid = nextTranId(db, 'CustCred', 'CM-');
        const id = insertTransaction(ops, { type: 'CustCred', tranid, entity: customerId, status: 'A', trandate: Math.floor(clock.tick()), totalCents: cents, unpaidCents: cents });
        return { customerId: key, creditMemo: { id: String(id), tranId: tranid } };
      },
      'post-journal': (b) => {
        const { customerId, key, cents } = accountCredit(b);
        const r = postJournal(ops, customerId, cents);
        return { customerId: key, journalEntry: { id: String(r.id), tranId: r.tranid } };
      },
      'touch-order': (b) => {
        const id = findOrder(b.orderId);
        if (b.memo !== undefined && typeof b.memo !== 'string') throw new ActionInputError('memo must be a string');
        db.run('UPDATE "transaction" SET memo = COALESCE(?, memo), lastmodifieddate = ? WHERE id = ?', [typeof b.memo === 'string' ? b.memo : null, clock.tick(), id]);
        return { orderId: b.orderId };
      },
      'cancel-order': (b) => {
        const id = findOrder(b.orderId);
        asInput(() => closeSalesOrder(ops, id, 'all'));
        return { orderId: b.orderId, status: 'H' };
      },
    },
    routes: (app) => {
      // Concurrency is judged when a request arrives, before any injected latency,
      // so that requests held open by a latency fault still count as in flight.
      let inFlight = 0;
      const refused = new WeakSet<IncomingMessage>();
      app.server.on('request', (req: IncomingMessage, res) => {
        if (!req.url?.startsWith(`${REST}/`)) return;
        inFlight += 1;
        res.once('close', () => {
          inFlight -= 1;
        });
        const kitLimit = self.server?.faults().maxConcurrent;
        if (kitLimit === undefined && inFlight > maxConcurrent) refused.add(req);
      });

      app.addHook('onRequest', async (req, reply) => {
        if (!req.url.startsWith(`${REST}/`)) return undefined;
        if (refused.has(req.raw)) {
          faultAnswers.tooManyConcurrent(reply);
          return reply;
        }
        try {
          verifier.verify(req);
        } catch (e) {
          if (e instanceof NsError) {
            void reply.header('www-authenticate', `OAuth realm="${creds.accountId}", error="token_rejected", error_description="Invalid login attempt."`);
            sendError(reply, e);
            return reply;
          }
          throw e;
        }
        return undefined;
      });

      app.setErrorHandler((err, req, reply) => {
        if (err instanceof NsError) return sendError(reply, err);
        if (!req.url.startsWith(`${REST}/`)) return reply.code(500).send({ error: (err as Error).message });
        const status = (err as { statusCode?: number }).statusCode;
        if (status && status >= 400 && status < 500) {
          return sendError(reply, new NsError(400, 'INVALID_CONTENT', `The request could not be parsed: ${(err as Error).message}`));
        }
        return sendError(reply, new NsError(500, 'UNEXPECTED_ERROR', 'An unexpected error occurred.'));
      });
      app.setNotFoundHandler((req, reply) => {
        if (!req.url.startsWith(`${REST}/`)) return reply.code(404).send({ error: `no route ${req.method} ${req.url}` });
        return sendError(reply, new NsError(404, 'INVALID_URL', `The requested URL ${req.url.split('?')[0] ?? ''} is not supported by REST web services.`));
      });

      app.post(`${REST}/query/v1/suiteql`, async (req, reply) => {
        const prefer = String(req.headers.prefer ?? '')
          .split(',')
          .map((s) => s.trim().toLowerCase());
        if (!prefer.includes('transient')) {
          throw new NsError(400, 'INVALID_HEADER', "Invalid value for the request header 'Prefer'. SuiteQL queries require 'Prefer: transient'.", { 'o:errorHeader': 'Prefer' });
        }
        const query = req.query as Record<string, unknown>;
        const limit = intParam(query.limit, 'limit', SUITEQL_MAX_LIMIT);
        const offset = intParam(query.offset, 'offset', 0);
        if (limit < 1 || limit > SUITEQL_MAX_LIMIT) {
          throw new NsError(400, 'INVALID_PARAMETER', `Invalid value '${limit}' for the query parameter 'limit'. The value must be between 1 and ${SUITEQL_MAX_LIMIT}.`, { 'o:errorQueryParam': 'limit' });
        }
        if (offset % limit !== 0) {
          throw new NsError(400, 'INVALID_PARAMETER', `Invalid value '${offset}' for the query parameter 'offset'. The offset must be a multiple of the limit.`, { 'o:errorQueryParam': 'offset' });
        }
        if (offset >= SUITEQL_MAX_RESULTS) {
          throw new NsError(400, 'INVALID_PARAMETER', `Invalid value '${offset}' for the query parameter 'offset'. SuiteQL queries through REST web services can page through at most ${SUITEQL_MAX_RESULTS} results; use SuiteAnalytics Connect for larger result sets.`, { 'o:errorQueryParam': 'offset' });
        }
        const b = req.body as { q?: unknown } | null | undefined;
        if (!b || typeof b !== 'object' || typeof b.q !== 'string' || !b.q.trim()) {
          throw new NsError(400, 'INVALID_CONTENT', "The request body must be a JSON object with the SuiteQL query in the property 'q'.", { 'o:errorPath': 'q' });
        }
        const page = runSuiteQl(db, b.q, offset, limit);
        const base = `${baseUrlOf(req)}${REST}/query/v1/suiteql`;
        const href = (o: number): string => `${base}?limit=${limit}&offset=${o}`;
        const lastOffset = page.totalResults === 0 ? 0 : Math.floor((page.totalResults - 1) / limit) * limit;
        const hasMore = offset + page.items.length < page.totalResults;
        const links: { rel: string; href: string }[] = [];
        if (offset > 0) links.push({ rel: 'previous', href: href(Math.max(0, offset - limit)) });
        links.push({ rel: 'first', href: href(0) });
        if (hasMore) links.push({ rel: 'next', href: href(offset + limit) });
        links.push({ rel: 'last', href: href(lastOffset) }, { rel: 'self', href: href(offset) });
        const out = { links, count: page.items.length, hasMore, items: page.items, offset, totalResults: page.totalResults };
        return reply.header('content-type', 'application/vnd.oracle.resource+json; type=collection; charset=UTF-8').send(JSON.stringify(out));
      });

      registerRecordRoutes(app, ops);
    },
  });
  self.server = server;
  return Object.assign(server, { accountId: creds.accountId, db });
}

/**
 * The REST API under /services/data, the OAuth token endpoint and the CometD
 * endpoint, registered on the sandbox frame's Fastify instance.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, type Session, type SessionStore } from './auth.js';
import { invalidSession, notFound, requestLimitExceeded, SfError, SfErrors, type SfErrorItem } from './errors.js';
import { runSoql } from './soql.js';
import { canonicalId, sobjectByName, sobjectByPrefix, SOBJECTS, type FieldDef, type SObjectDef } from './schema.js';
import { ADMIN_USERNAME, recordJson, type ChangeActor, type Rec, type SalesforceStore, type Transaction } from './store.js';
import type { ChangeStream } from './streaming.js';

/** The daily API request budget: charged per API call, reset at UTC midnight. */
export class ApiBudget {
  used = 0;
  private day = utcDay();
  constructor(public max: number) {}
  private roll(): void {
    const d = utcDay();
    if (d !== this.day) {
      this.day = d;
      this.used = 0;
    }
  }
  /** Charges one call; false when the budget is spent. */
  charge(): boolean {
    this.roll();
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }
  remaining(): number {
    this.roll();
    return Math.max(0, this.max - this.used);
  }
}

const utcDay = (): string => new Date().toISOString().slice(0, 10);

export interface RestContext {
  store: SalesforceStore;
  sessions: SessionStore;
  changes: ChangeStream;
  budget: ApiBudget;
  minVersion: number;
  maxVersion: number;
  /** The base URL advertised as instance_url and login URL. */
  baseUrl(req: FastifyRequest): string;
}

declare module 'fastify' {
  interface FastifyRequest {
    sfSession?: Session;
    /** "v59.0" */
    sfVersion?: string;
  }
}

const QUERY_CURSOR_TTL_MS = 15 * 60_000;
const MAX_CURSORS = 2_000;
const MAX_COLLECTION = 200;

interface Cursor {
  records: Record<string, unknown>[];
  totalSize: number;
  batchSize: number;
  lastUsed: number;
}

function releaseLabel(v: number): string {
  const i = v - 20;
  return `${['Winter', 'Spring', 'Summer'][((i % 3) + 3) % 3] as string} '${String(11 + Math.floor(i / 3)).padStart(2, '0')}`;
}

function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

const asItem = (e: SfErrorItem): { statusCode: string; message: string; fields: string[] } => ({
  statusCode: e.errorCode,
  message: e.message,
  fields: e.fields ?? [],
});

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

export function registerRest(app: FastifyInstance, ctx: RestContext): void {
  const cursors = new Map<string, Cursor>();

  // ----------------------------------------------------------- errors
  const sendError = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof SfError) return reply.code(err.status).send(err.body());
    if (err instanceof SfErrors) return reply.code(err.status).send(err.items);
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send([{ message: 'Content type not supported', errorCode: 'UNSUPPORTED_MEDIA_TYPE' }]);
    }
    if (e.statusCode === 400 && typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP')) {
      return reply.code(400).send([{ message: `Unexpected character: ${e.message ?? ''} at [line:1, column:1]`, errorCode: 'JSON_PARSER_ERROR' }]);
    }
    if (e.statusCode === 413) {
      return reply.code(413).send([{ message: 'Request entity too large', errorCode: 'REQUEST_ENTITY_TOO_LARGE' }]);
    }
    return reply.code(500).send([{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 0-0 (0)', errorCode: 'UNKNOWN_EXCEPTION' }]);
  };

  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(notFound().body()));

  // ----------------------------------------------------------- OAuth
  app.post('/services/oauth2/token', async (req, reply) => {
    let basic: { id: string; secret: string } | undefined;
    const h = req.headers.authorization;
    if (typeof h === 'string' && /^Basic\s+/i.test(h)) {
      const decoded = Buffer.from(h.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) basic = { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
    }
    const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    try {
      return await ctx.sessions.token(form, basic, ctx.baseUrl(req));
    } catch (e) {
      if (e instanceof OAuthError) return reply.code(e.status).send(e.body());
      throw e;
    }
  });

  // The identity URL returned as `id`; jsforce's conn.identity() reads it.
  app.get('/id/:orgId/:userId', async (req, reply) => {
    const session = ctx.sessions.lookup(bearer(req));
    if (!session) return reply.code(403).send('Bad_OAuth_Token');
    const { orgId, userId } = req.params as { orgId: string; userId: string };
    if (orgId !== ctx.sessions.orgId || userId !== session.userId) return reply.code(404).send(notFound().body());
    const base = ctx.baseUrl(req);
    return {
      id: `${base}/id/${ctx.sessions.orgId}/${session.userId}`,
      asserted_user: true,
      user_id: session.userId,
      organization_id: ctx.sessions.orgId,
      username: session.username,
      nick_name: 'admin',
      display_name: 'Sandbox Admin',
      email: ADMIN_USERNAME,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: { rest: `${base}/services/data/v{version}/`, query: `${base}/services/data/v{version}/query/`, sobjects: `${base}/services/data/v{version}/sobjects/` },
    };
  });

  // ----------------------------------------------------------- versions (public, not an API call against the budget)
  app.get('/services/data', async () => {
    const out = [];
    for (let v = ctx.minVersion; v <= ctx.maxVersion; v++) out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
    return out;
  });

  // ----------------------------------------------------------- CometD
  app.post('/cometd/:version', async (req, reply) => {
    const { version } = req.params as { version: string };
    const m = /^(\d+)\.0$/.exec(version);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= 37 && v <= ctx.maxVersion)) {
      return reply.code(400).send([
        { channel: '/meta/handshake', successful: false, error: `400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/${ctx.maxVersion}.0'` },
      ]);
    }
    const replies = await ctx.changes.process(req.body, req.raw);
    return reply.header('cache-control', 'no-cache, no-store').send(replies);
  });

  // ----------------------------------------------------------- the API proper
  void app.register(async (api) => {
    api.setErrorHandler((err, _req, reply) => sendError(reply, err));

    api.addHook('preHandler', async (req, reply) => {
      const { version } = req.params as { version?: string };
      const m = /^v(\d+)\.0$/.exec(version ?? '');
      const v = m ? Number(m[1]) : NaN;
      if (!(v >= ctx.minVersion && v <= ctx.maxVersion)) return reply.code(404).send(notFound().body());
      req.sfVersion = `v${v}.0`;
      const session = ctx.sessions.lookup(bearer(req));
      if (!session) return reply.code(401).header('www-authenticate', 'Token').send(invalidSession().body());
      req.sfSession = session;
      // Salesforce does not charge /limits against the limits it reports.
      if (req.routeOptions.url === '/services/data/:version/limits') return undefined;
      if (!ctx.budget.charge()) return reply.code(403).send(requestLimitExceeded().body());
      return undefined;
    });

    api.addHook('onSend', async (_req, reply, payload) => {
      // A call without a session is not an API call of the org's, so it reports no usage.
      if (reply.statusCode !== 401) reply.header('sforce-limit-info', `api-usage=${ctx.budget.used}/${ctx.budget.max}`);
      return payload;
    });

    const base = '/services/data/:version';

    api.get(base, async (req) => {
      const p = `/services/data/${req.sfVersion as string}`;
      return {
        tooling: `${p}/tooling`,
        query: `${p}/query`,
        queryAll: `${p}/queryAll`,
        sobjects: `${p}/sobjects`,
        composite: `${p}/composite`,
        limits: `${p}/limits`,
      };
    });

    api.get(`${base}/limits`, async () => ({
      DailyApiRequests: { Max: ctx.budget.max, Remaining: ctx.budget.remaining() },
      DailyStreamingApiEvents: { Max: 1_000_000, Remaining: 1_000_000 },
      ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
    }));

    // ----------------------------------------------------------- query
    const runQuery = (req: FastifyRequest): Record<string, unknown> => {
      const q = (req.query as Record<string, unknown>).q;
      if (typeof q !== 'string' || q.trim() === '') throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      const version = req.sfVersion as string;
      const result = runSoql(q, ctx.store, version);
      const batchSize = batchSizeOf(req);
      if (result.records.length <= batchSize) return { totalSize: result.totalSize, done: true, records: result.records };
      pruneCursors(cursors);
      const locator = `01g${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}AAA`;
      cursors.set(locator, { records: result.records, totalSize: result.totalSize, batchSize, lastUsed: Date.now() });
      return {
        totalSize: result.totalSize,
        done: false,
        nextRecordsUrl: `/services/data/${version}/query/${locator}-${batchSize}`,
        records: result.records.slice(0, batchSize),
      };
    };

    const queryMore = (req: FastifyRequest): Record<string, unknown> => {
      const { locator } = req.params as { locator: string };
      const m = /^(.+)-(\d+)$/.exec(locator);
      const cursor = m ? cursors.get(m[1] as string) : undefined;
      if (!m || !cursor || Date.now() - cursor.lastUsed > QUERY_CURSOR_TTL_MS) {
        throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      }
      cursor.lastUsed = Date.now();
      const offset = Number(m[2]);
      const end = Math.min(cursor.records.length, offset + cursor.batchSize);
      const records = cursor.records.slice(offset, end);
      if (end >= cursor.records.length) {
        cursors.delete(m[1] as string);
        return { totalSize: cursor.totalSize, done: true, records };
      }
      return { totalSize: cursor.totalSize, done: false, nextRecordsUrl: `/services/data/${req.sfVersion as string}/query/${m[1] as string}-${end}`, records };
    };

    api.get(`${base}/query`, async (req) => runQuery(req));
    api.get(`${base}/queryAll`, async (req) => runQuery(req));
    api.get(`${base}/query/:locator`, async (req) => queryMore(req));
    api.get(`${base}/queryAll/:locator`, async (req) => queryMore(req));

    // ----------------------------------------------------------- describe
    api.get(`${base}/sobjects`, async (req) => ({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: Object.values(SOBJECTS).map((d) => describeSummary(d, req.sfVersion as string)),
    }));

    api.get(`${base}/sobjects/:sobject`, async (req) => {
      const def = typeOf(req);
      return { objectDescribe: describeSummary(def, req.sfVersion as string), recentItems: [] };
    });

    api.get(`${base}/sobjects/:sobject/describe`, async (req) => describe(typeOf(req), req.sfVersion as string));

    // ----------------------------------------------------------- sObject rows
    api.get(`${base}/sobjects/:sobject/:id`, async (req, reply) => {
      const def = typeOf(req);
      const { id } = req.params as { id: string };
      const rec = rowById(def, id);
      const fields = fieldsParam(def, req);
      reply.header('last-modified', httpDate(rec.LastModifiedDate as string));
      return recordJson(def, rec, req.sfVersion as string, fields);
    });

    api.patch(`${base}/sobjects/:sobject/:id`, async (req, reply) => {
      const def = typeOf(req);
      const { id } = req.params as { id: string };
      const rec = rowById(def, id);
      checkUnmodifiedSince(req, rec);
      const body = objectBody(req);
      const { values, errors } = ctx.store.validate(def, body, 'update', rec.Id as string);
      if (errors.length > 0) throw new SfErrors(400, errors);
      const tx = ctx.store.begin(actor(req));
      ctx.store.update(tx, def, rec.Id as string, values);
      ctx.store.commit(tx);
      return reply.code(204).send();
    });

    api.post(`${base}/sobjects/:sobject`, async (req, reply) => {
      const def = typeOf(req);
      const body = objectBody(req);
      if (Object.keys(body).some((k) => k.toLowerCase() === 'id')) {
        throw new SfError(400, 'INVALID_FIELD', 'Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.', ['Id']);
      }
      const { values, errors } = ctx.store.validate(def, body, 'create');
      if (errors.length > 0) throw new SfErrors(400, errors);
      const tx = ctx.store.begin(actor(req));
      const newId = ctx.store.insert(tx, def, values);
      ctx.store.commit(tx);
      return reply.code(201).header('location', `/services/data/${req.sfVersion as string}/sobjects/${def.name}/${newId}`).send({ id: newId, success: true, errors: [] });
    });

    api.get(`${base}/sobjects/:sobject/:field/:value`, async (req, reply) => {
      const def = typeOf(req);
      const { field, value } = req.params as { field: string; value: string };
      const f = externalField(def, field);
      const matches = ctx.store.findByExternalId(def, f, value);
      const rec = matches[0];
      if (!rec) throw notFound();
      reply.header('last-modified', httpDate(rec.LastModifiedDate as string));
      return recordJson(def, rec, req.sfVersion as string, fieldsParam(def, req));
    });

    api.patch(`${base}/sobjects/:sobject/:field/:value`, async (req, reply) => {
      const def = typeOf(req);
      const { field, value } = req.params as { field: string; value: string };
      const f = externalField(def, field);
      const body = objectBody(req);
      const updateOnly = String((req.query as Record<string, unknown>).updateOnly ?? '').toLowerCase() === 'true';
      const v46 = versionNumber(req) >= 46;
      const existing = ctx.store.findByExternalId(def, f, value)[0];
      const tx = ctx.store.begin(actor(req));
      const result = upsertOne(tx, def, f, value, body, existing, updateOnly);
      if (!result.success) throw new SfErrors(result.status, result.errors);
      ctx.store.commit(tx);
      if (result.created) {
        return reply
          .code(201)
          .header('location', `/services/data/${req.sfVersion as string}/sobjects/${def.name}/${result.id}`)
          .send(v46 ? { id: result.id, success: true, errors: [], created: true } : { id: result.id, success: true, errors: [] });
      }
      // From API 46.0 an update by external id answers 200 with created:false; before, 204.
      if (v46) return reply.code(200).send({ id: result.id, success: true, errors: [], created: false });
      return reply.code(204).send();
    });

    // ----------------------------------------------------------- sObject collections
    api.post(`${base}/composite/sobjects`, async (req) => {
      const { allOrNone, records } = collectionBody(req);
      const tx = ctx.store.begin(actor(req));
      const results: Record<string, unknown>[] = [];
      const staged: { def: SObjectDef; values: Rec }[] = [];
      for (const r of records) {
        const def = collectionType(r);
        if (!def) {
          results.push({ success: false, errors: [{ statusCode: 'INVALID_TYPE', message: 'Must send a concrete entity type.', fields: [] }] });
          continue;
        }
        if (Object.keys(r).some((k) => k.toLowerCase() === 'id')) {
          results.push({ success: false, errors: [{ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] }] });
          continue;
        }
        const { values, errors } = ctx.store.validate(def, r, 'create');
        if (errors.length > 0) {
          results.push({ success: false, errors: errors.map(asItem) });
          continue;
        }
        if (allOrNone) {
          staged.push({ def, values });
          results.push({ success: true, errors: [] });
        } else {
          results.push({ id: ctx.store.insert(tx, def, values), success: true, errors: [] });
        }
      }
      if (allOrNone) {
        if (results.some((r) => !r.success)) return results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
        let i = 0;
        for (const s of staged) (results[i++] as Record<string, unknown>).id = ctx.store.insert(tx, s.def, s.values);
        for (const r of results) reorderId(r);
      }
      ctx.store.commit(tx);
      return results;
    });

    api.patch(`${base}/composite/sobjects`, async (req) => {
      const { allOrNone, records } = collectionBody(req);
      const tx = ctx.store.begin(actor(req));
      const results: Record<string, unknown>[] = [];
      const staged: { def: SObjectDef; id: string; values: Rec }[] = [];
      for (const r of records) {
        const rawId = Object.entries(r).find(([k]) => k.toLowerCase() === 'id')?.[1];
        const id = typeof rawId === 'string' ? canonicalId(rawId) : null;
        const def = collectionType(r) ?? (id ? sobjectByPrefix(id) : undefined);
        if (!id || !def) {
          results.push({ success: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }] });
          continue;
        }
        const rec = ctx.store.get(def.name, id);
        if (!rec) {
          results.push({ id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] });
          continue;
        }
        const fieldsOnly = Object.fromEntries(Object.entries(r).filter(([k]) => k.toLowerCase() !== 'id'));
        const { values, errors } = ctx.store.validate(def, fieldsOnly, 'update', id);
        if (errors.length > 0) {
          results.push({ id, success: false, errors: errors.map(asItem) });
          continue;
        }
        if (allOrNone) staged.push({ def, id, values });
        else ctx.store.update(tx, def, id, values);
        results.push({ id, success: true, errors: [] });
      }
      if (allOrNone) {
        if (results.some((r) => !r.success)) return results.map((r) => (r.success ? { id: r.id, success: false, errors: [ROLLED_BACK] } : r));
        for (const s of staged) ctx.store.update(tx, s.def, s.id, s.values);
      }
      ctx.store.commit(tx);
      return results;
    });

    api.patch(`${base}/composite/sobjects/:sobject/:field`, async (req) => {
      const def = typeOf(req);
      const { field } = req.params as { field: string };
      const f = externalField(def, field);
      const { allOrNone, records } = collectionBody(req);
      // Upserts apply in order; with allOrNone, a failure rolls back the ones before it.
      const tx = ctx.store.begin(actor(req));
      const snapshot = allOrNone ? snapshotOf(def) : null;
      const results: Record<string, unknown>[] = [];
      for (const r of records) {
        const t = collectionType(r);
        if (t && t.name !== def.name) {
          results.push({ success: false, errors: [{ statusCode: 'INVALID_TYPE', message: `Record type ${t.name} does not match the URI type ${def.name}`, fields: [] }] });
          continue;
        }
        const raw = Object.entries(r).find(([k]) => k.toLowerCase() === f.name.toLowerCase())?.[1];
        if (typeof raw !== 'string' || raw === '') {
          results.push({ success: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: `${f.name} not specified`, fields: [] }] });
          continue;
        }
        const existing = ctx.store.findByExternalId(def, f, raw)[0];
        const res = upsertOne(tx, def, f, raw, r, existing, false);
        results.push(res.success ? { id: res.id, success: true, errors: [], created: res.created } : { success: false, errors: res.errors.map(asItem) });
      }
      if (allOrNone && results.some((r) => !r.success) && snapshot) {
        snapshot.restore();
        return results.map((r) => (r.success ? { id: r.id, success: false, errors: [ROLLED_BACK], created: r.created } : r));
      }
      ctx.store.commit(tx);
      return results;
    });

    api.get(`${base}/composite/sobjects/:sobject`, async (req) => {
      const def = typeOf(req);
      const q = req.query as Record<string, unknown>;
      if (typeof q.ids !== 'string' || q.ids === '') throw new SfError(400, 'MISSING_ARGUMENT', 'ids is required');
      if (typeof q.fields !== 'string' || q.fields === '') throw new SfError(400, 'MISSING_ARGUMENT', 'fields is required');
      const ids = q.ids.split(',');
      if (ids.length > 2000) throw new SfError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 2000 records into this call');
      const fields = fieldsParam(def, req);
      return ids.map((raw) => {
        const id = canonicalId(raw.trim());
        if (!id || !id.startsWith(def.keyPrefix)) throw new SfError(400, 'MALFORMED_ID', `malformed id ${raw}`);
        const rec = ctx.store.get(def.name, id);
        return rec ? recordJson(def, rec, req.sfVersion as string, fields) : null;
      });
    });

    // ----------------------------------------------------------- helpers bound to ctx
    function typeOf(req: FastifyRequest): SObjectDef {
      const { sobject } = req.params as { sobject: string };
      const def = sobjectByName(sobject);
      if (!def) throw notFound();
      return def;
    }

    function rowById(def: SObjectDef, raw: string): Rec {
      const id = canonicalId(raw);
      // A path segment that is not an id is read as an external id field name, as Salesforce does.
      if (!id) throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${raw}`);
      if (!id.startsWith(def.keyPrefix)) throw new SfError(400, 'MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${raw}`, ['Id']);
      const rec = ctx.store.get(def.name, id);
      if (!rec) throw notFound();
      return rec;
    }

    function externalField(def: SObjectDef, name: string): FieldDef {
      const f = def.byLower.get(name.toLowerCase());
      if (!f || !(f.externalId || f.name === 'Id')) {
        throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
      }
      return f;
    }

    function fieldsParam(def: SObjectDef, req: FastifyRequest): FieldDef[] {
      const raw = (req.query as Record<string, unknown>).fields;
      if (typeof raw !== 'string' || raw.trim() === '') return def.fields;
      return raw.split(',').map((name) => {
        const f = def.byLower.get(name.trim().toLowerCase());
        if (!f) throw new SfError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on sobject of type ${def.name}`);
        return f;
      });
    }

    function checkUnmodifiedSince(req: FastifyRequest, rec: Rec): void {
      const h = req.headers['if-unmodified-since'];
      if (h === undefined) return;
      const t = Date.parse(String(h));
      if (Number.isNaN(t)) throw new SfError(400, 'INVALID_HEADER_TYPE', `Invalid If-Unmodified-Since header: ${String(h)}`);
      // HTTP dates have one-second resolution; a change within the same second is not "since".
      const modified = Math.floor(Date.parse(rec.LastModifiedDate as string) / 1000) * 1000;
      if (modified > t) {
        throw new SfError(412, 'ENTITY_FAILED_IFLASTMODIFIED_ON_UPDATE_CHECK', 'The record has been modified since the time specified in the If-Unmodified-Since header');
      }
    }

    function actor(req: FastifyRequest): ChangeActor {
      const opts = req.headers['sforce-call-options'];
      const client = typeof opts === 'string' ? /(?:^|,)\s*client=([^,]+)/.exec(opts)?.[1]?.trim() : undefined;
      const ver = (req.sfVersion as string).slice(1);
      return {
        userId: (req.sfSession as Session).userId,
        changeOrigin: `com/salesforce/api/rest/${ver}${client ? `;client=${client}` : ''}`,
      };
    }

    function upsertOne(
      tx: Transaction,
      def: SObjectDef,
      f: FieldDef,
      value: string,
      body: Record<string, unknown>,
      existing: Rec | undefined,
      updateOnly: boolean,
    ): { success: true; id: string; created: boolean } | { success: false; status: number; errors: SfErrorItem[] } {
      const own = Object.entries(body).find(([k]) => k.toLowerCase() === f.name.toLowerCase());
      const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k.toLowerCase() !== f.name.toLowerCase() && k !== 'attributes'));
      if (own && String(own[1]).toLowerCase() !== value.toLowerCase() && f.name !== 'Id') {
        return { success: false, status: 400, errors: [{ message: `The ${f.name} field in the request body doesn't match the value in the URL`, errorCode: 'INVALID_FIELD', fields: [f.name] }] };
      }
      if (existing) {
        const { values, errors } = ctx.store.validate(def, rest, 'update', existing.Id as string);
        if (errors.length > 0) return { success: false, status: 400, errors };
        ctx.store.update(tx, def, existing.Id as string, values);
        return { success: true, id: existing.Id as string, created: false };
      }
      if (updateOnly || f.name === 'Id') return { success: false, status: 404, errors: notFound().body() };
      const { values, errors } = ctx.store.validate(def, { ...rest, [f.name]: value }, 'create');
      if (errors.length > 0) return { success: false, status: 400, errors };
      return { success: true, id: ctx.store.insert(tx, def, values), created: true };
    }

    function snapshotOf(def: SObjectDef): { restore(): void } {
      // allOrNone upserts run in order and roll back as one: keep copies to restore.
      const copies = ctx.store.all(def.name).map((r) => ({ ...r }));
      return {
        restore() {
          ctx.store.restore(def, copies);
        },
      };
    }
  });
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  return /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h)?.[1];
}

function versionNumber(req: FastifyRequest): number {
  return Number((req.sfVersion as string).slice(1));
}

function batchSizeOf(req: FastifyRequest): number {
  const h = req.headers['sforce-query-options'];
  const n = typeof h === 'string' ? Number(/batchSize\s*=\s*(\d+)/i.exec(h)?.[1]) : NaN;
  if (!Number.isFinite(n)) return 2000;
  return Math.min(2000, Math.max(200, n));
}

function objectBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b == null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of the sObject from a value that is not a JSON object');
  }
  return b as Record<string, unknown>;
}

function collectionBody(req: FastifyRequest): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const b = objectBody(req);
  const records = b.records;
  if (!Array.isArray(records) || records.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'records must be an array of sObjects');
  }
  if (records.length > MAX_COLLECTION) {
    throw new SfError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`);
  }
  return { allOrNone: b.allOrNone === true, records: records as Record<string, unknown>[] };
}

function collectionType(r: Record<string, unknown>): SObjectDef | undefined {
  const attrs = r.attributes as { type?: unknown } | undefined;
  return typeof attrs?.type === 'string' ? sobjectByName(attrs.type) : undefined;
}

/** SaveResults list `id` first, as Salesforce serialises them. */
function reorderId(r: Record<string, unknown>): void {
  const { id, success, errors } = r;
  for (const k of Object.keys(r)) delete r[k];
  Object.assign(r, { id, success, errors });
}

function pruneCursors(cursors: Map<string, Cursor>): void {
  const now = Date.now();
  for (const [k, c] of cursors) if (now - c.lastUsed > QUERY_CURSOR_TTL_MS) cursors.delete(k);
  while (cursors.size >= MAX_CURSORS) {
    const oldest = cursors.keys().next().value;
    if (oldest === undefined) break;
    cursors.delete(oldest);
  }
}

function describeSummary(def: SObjectDef, version: string): Record<string, unknown> {
  const p = `/services/data/${version}/sobjects/${def.name}`;
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: false,
    createable: true,
    updateable: true,
    deletable: false,
    queryable: true,
    retrieveable: true,
    searchable: false,
    urls: { sobject: p, describe: `${p}/describe`, rowTemplate: `${p}/{ID}` },
  };
}

function describe(def: SObjectDef, version: string): Record<string, unknown> {
  const soapType: Record<string, string> = {
    id: 'tns:ID',
    reference: 'tns:ID',
    string: 'xsd:string',
    email: 'xsd:string',
    phone: 'xsd:string',
    picklist: 'xsd:string',
    double: 'xsd:double',
    boolean: 'xsd:boolean',
    datetime: 'xsd:dateTime',
  };
  return {
    ...describeSummary(def, version),
    childRelationships: def.childRelationships.map((r) => ({ childSObject: r.childSObject, field: r.field, relationshipName: r.relationshipName, cascadeDelete: false })),
    fields: def.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      soapType: soapType[f.type],
      length: f.type === 'double' || f.type === 'boolean' || f.type === 'datetime' ? 0 : (f.length ?? 18),
      custom: f.custom,
      createable: f.createable,
      updateable: f.updateable,
      nillable: f.nillable,
      defaultedOnCreate: !f.createable || f.type === 'boolean',
      externalId: f.externalId ?? false,
      unique: f.unique ?? false,
      caseSensitive: false,
      idLookup: f.name === 'Id' || (f.externalId ?? false),
      filterable: true,
      sortable: true,
      picklistValues: (f.picklistValues ?? []).map((v) => ({ active: true, defaultValue: false, label: v, validFor: null, value: v })),
      restrictedPicklist: f.type === 'picklist',
      referenceTo: f.referenceTo ? [f.referenceTo] : f.type === 'reference' ? ['User'] : [],
      relationshipName: f.relationshipName ?? null,
    })),
  };
}


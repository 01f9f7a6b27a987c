/**
 * sObject collections (`/composite/sobjects`): create, update and upsert up to
 * 200 records in one call, each with its own result, or all or none; and
 * retrieve many by id.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SfError, type SfErrorItem } from '../errors.js';
import { canonicalId, sobjectByName, sobjectByPrefix, type SObjectDef } from '../schema.js';
import { recordJson, type Rec, type SalesforceStore } from '../store.js';
import type { RestContext } from './index.js';
import { actor, API_BASE, externalField, fieldsParam, objectBody, typeOf } from './request.js';
import { upsertOne } from './sobjects.js';

const MAX_COLLECTION = 200;

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

export function registerCollections(api: FastifyInstance, ctx: RestContext): void {
  api.post(`${API_BASE}/composite/sobjects`, async (req) => {
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

  api.patch(`${API_BASE}/composite/sobjects`, async (req) => {
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

  api.patch(`${API_BASE}/composite/sobjects/:sobject/:field`, async (req) => {
    const def = typeOf(req);
    const { field } = req.params as { field: string };
    const f = externalField(def, field);
    const { allOrNone, records } = collectionBody(req);
    // Upserts apply in order; with allOrNone, a failure rolls back the ones before it.
    const tx = ctx.store.begin(actor(req));
    const snapshot = allOrNone ? snapshotOf(ctx.store, def) : null;
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
      const res = upsertOne(ctx.store, tx, def, f, raw, r, existing, false);
      results.push(res.success ? { id: res.id, success: true, errors: [], created: res.created } : { success: false, errors: res.errors.map(asItem) });
    }
    if (allOrNone && results.some((r) => !r.success) && snapshot) {
      snapshot.restore();
      return results.map((r) => (r.success ? { id: r.id, success: false, errors: [ROLLED_BACK], created: r.created } : r));
    }
    ctx.store.commit(tx);
    return results;
  });

  api.get(`${API_BASE}/composite/sobjects/:sobject`, async (req) => {
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

function snapshotOf(store: SalesforceStore, def: SObjectDef): { restore(): void } {
  // allOrNone upserts run in order and roll back as one: keep copies to restore.
  const copies = store.all(def.name).map((r) => ({ ...r }));
  return {
    restore() {
      store.restore(def, copies);
    },
  };
}

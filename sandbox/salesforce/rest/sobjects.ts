/**
 * One sObject row: read, update and create by id, and read and upsert by an
 * external id field, with Salesforce's version-dependent answers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound, SfError, SfErrors, type SfErrorItem } from '../errors.js';
import type { FieldDef, SObjectDef } from '../schema.js';
import { recordJson, type Rec, type SalesforceStore, type Transaction } from '../store.js';
import type { RestContext } from './index.js';
import { actor, API_BASE, externalField, fieldsParam, objectBody, rowById, typeOf, versionNumber } from './request.js';

export function registerSObjects(api: FastifyInstance, ctx: RestContext): void {
  api.get(`${API_BASE}/sobjects/:sobject/:id`, async (req, reply) => {
    const def = typeOf(req);
    const { id } = req.params as { id: string };
    const rec = rowById(ctx.store, def, id);
    const fields = fieldsParam(def, req);
    reply.header('last-modified', httpDate(rec.LastModifiedDate as string));
    return recordJson(def, rec, req.sfVersion as string, fields);
  });

  api.patch(`${API_BASE}/sobjects/:sobject/:id`, async (req, reply) => {
    const def = typeOf(req);
    const { id } = req.params as { id: string };
    const rec = rowById(ctx.store, def, id);
    checkUnmodifiedSince(req, rec);
    const body = objectBody(req);
    const { values, errors } = ctx.store.validate(def, body, 'update', rec.Id as string);
    if (errors.length > 0) throw new SfErrors(400, errors);
    const tx = ctx.store.begin(actor(req));
    ctx.store.update(tx, def, rec.Id as string, values);
    ctx.store.commit(tx);
    return reply.code(204).send();
  });

  api.post(`${API_BASE}/sobjects/:sobject`, async (req, reply) => {
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

  api.get(`${API_BASE}/sobjects/:sobject/:field/:value`, async (req, reply) => {
    const def = typeOf(req);
    const { field, value } = req.params as { field: string; value: string };
    const f = externalField(def, field);
    const matches = ctx.store.findByExternalId(def, f, value);
    const rec = matches[0];
    if (!rec) throw notFound();
    reply.header('last-modified', httpDate(rec.LastModifiedDate as string));
    return recordJson(def, rec, req.sfVersion as string, fieldsParam(def, req));
  });

  api.patch(`${API_BASE}/sobjects/:sobject/:field/:value`, async (req, reply) => {
    const def = typeOf(req);
    const { field, value } = req.params as { field: string; value: string };
    const f = externalField(def, field);
    const body = objectBody(req);
    const updateOnly = String((req.query as Record<string, unknown>).updateOnly ?? '').toLowerCase() === 'true';
    const v46 = versionNumber(req) >= 46;
    const existing = ctx.store.findByExternalId(def, f, value)[0];
    const tx = ctx.store.begin(actor(req));
    const result = upsertOne(ctx.store, tx, def, f, value, body, existing, updateOnly);
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

/**
 * Updates the record with this external id value, or creates it unless `updateOnly`;
 * the caller commits or rolls back `tx`.
 */
export function upsertOne(
  store: SalesforceStore,
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
    const { values, errors } = store.validate(def, rest, 'update', existing.Id as string);
    if (errors.length > 0) return { success: false, status: 400, errors };
    store.update(tx, def, existing.Id as string, values);
    return { success: true, id: existing.Id as string, created: false };
  }
  if (updateOnly || f.name === 'Id') return { success: false, status: 404, errors: notFound().body() };
  const { values, errors } = store.validate(def, { ...rest, [f.name]: value }, 'create');
  if (errors.length > 0) return { success: false, status: 400, errors };
  return { success: true, id: store.insert(tx, def, values), created: true };
}

function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

/**
 * What every REST route reads from a request: the sObject type and record in
 * the path, the fields asked for, the JSON body, the API version and who is
 * calling, each refused with the error Salesforce gives.
 */
import type { FastifyRequest } from 'fastify';
import type { Session } from '../auth.js';
import { notFound, SfError } from '../errors.js';
import { canonicalId, sobjectByName, type FieldDef, type SObjectDef } from '../schema.js';
import type { ChangeActor, Rec, SalesforceStore } from '../store.js';

/** Where every versioned API route lives. */
export const API_BASE = '/services/data/:version';

declare module 'fastify' {
  interface FastifyRequest {
    sfSession?: Session;
    /** "v59.0" */
    sfVersion?: string;
  }
}

/** The sObject type named in the path. */
export function typeOf(req: FastifyRequest): SObjectDef {
  const { sobject } = req.params as { sobject: string };
  const def = sobjectByName(sobject);
  if (!def) throw notFound();
  return def;
}

export function rowById(store: SalesforceStore, def: SObjectDef, raw: string): Rec {
  const id = canonicalId(raw);
  // A path segment that is not an id is read as an external id field name, as Salesforce does.
  if (!id) throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${raw}`);
  if (!id.startsWith(def.keyPrefix)) throw new SfError(400, 'MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${raw}`, ['Id']);
  const rec = store.get(def.name, id);
  if (!rec) throw notFound();
  return rec;
}

export function externalField(def: SObjectDef, name: string): FieldDef {
  const f = def.byLower.get(name.toLowerCase());
  if (!f || !(f.externalId || f.name === 'Id')) {
    throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
  }
  return f;
}

/** The `fields` query parameter; every field when absent. */
export function fieldsParam(def: SObjectDef, req: FastifyRequest): FieldDef[] {
  const raw = (req.query as Record<string, unknown>).fields;
  if (typeof raw !== 'string' || raw.trim() === '') return def.fields;
  return raw.split(',').map((name) => {
    const f = def.byLower.get(name.trim().toLowerCase());
    if (!f) throw new SfError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on sobject of type ${def.name}`);
    return f;
  });
}

/** Who a write is recorded as, with the change origin Change Data Capture reports. */
export function actor(req: FastifyRequest): ChangeActor {
  const opts = req.headers['sforce-call-options'];
  const client = typeof opts === 'string' ? /(?:^|,)\s*client=([^,]+)/.exec(opts)?.[1]?.trim() : undefined;
  const ver = (req.sfVersion as string).slice(1);
  return {
    userId: (req.sfSession as Session).userId,
    changeOrigin: `com/salesforce/api/rest/${ver}${client ? `;client=${client}` : ''}`,
  };
}

export function versionNumber(req: FastifyRequest): number {
  return Number((req.sfVersion as string).slice(1));
}

export function objectBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b == null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of the sObject from a value that is not a JSON object');
  }
  return b as Record<string, unknown>;
}

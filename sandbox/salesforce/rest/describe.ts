/**
 * The describe calls: the list of sObjects, one sObject's summary, and its
 * full describe (fields, types, picklists, relationships), as clients such as
 * jsforce read them.
 */
import type { FastifyInstance } from 'fastify';
import { SOBJECTS, type SObjectDef } from '../schema.js';
import { API_BASE, typeOf } from './request.js';

export function registerDescribe(api: FastifyInstance): void {
  api.get(`${API_BASE}/sobjects`, async (req) => ({
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: Object.values(SOBJECTS).map((d) => describeSummary(d, req.sfVersion as string)),
  }));

  api.get(`${API_BASE}/sobjects/:sobject`, async (req) => {
    const def = typeOf(req);
    return { objectDescribe: describeSummary(def, req.sfVersion as string), recentItems: [] };
  });

  api.get(`${API_BASE}/sobjects/:sobject/describe`, async (req) => describe(typeOf(req), req.sfVersion as string));
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


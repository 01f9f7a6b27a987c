/**
 * The org's data: Account and Contact records held in memory, cloned from the
 * generated dataset (which other servers share and must not see mutated).
 * Every write goes through here, so validation, audit fields and Change Data
 * Capture events are the same for REST calls and for actions made "in the UI".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { RetailDataset } from '../dataset/model.js';
import type { SfErrorItem } from './errors.js';
import { canonicalId, formatDateTime, SOBJECTS, type FieldDef, type SObjectDef, type SObjectName } from './schema.js';

export type Value = string | number | boolean | null;
export type Rec = Record<string, Value>;

/** Who made a change, as CDC reports it in the ChangeEventHeader. */
export interface ChangeActor {
  /** commitUser: the user id whose session made the change. */
  userId: string;
  /** changeOrigin, e.g. "com/salesforce/api/rest/59.0;client=customer-subgraph"; empty for UI edits. */
  changeOrigin: string;
}

export interface ChangeEventHeader {
  entityName: SObjectName;
  recordIds: string[];
  changeType: 'CREATE' | 'UPDATE';
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  changedFields: string[];
  nulledFields: string[];
  diffFields: string[];
}

/** One change event's payload (before it gets a replay id on the event bus). */
export interface ChangePayload {
  ChangeEventHeader: ChangeEventHeader;
  [field: string]: unknown;
}

export interface Transaction {
  actor: ChangeActor;
  key: string;
  events: ChangePayload[];
  commitTimestamp: number;
}

/**
 * A new org id for each sandbox instance. The dataset is generated anew at every
 * start, so each start is another org as far as a client can tell, just as a
 * refreshed Salesforce sandbox gets a new org id: state a client keeps per org
 * (CDC replay ids, poll watermarks) must not carry over.
 */
export function newOrgId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const suffix = Array.from(randomBytes(9), (b) => alphabet[b % alphabet.length]).join('');
  return canonicalId(`00D8Sb${suffix}`) as string;
}

/** The ids of the org's users; the admin is the API user, the store manager edits in the UI. */
export const ADMIN_USER_ID = canonicalId('0058Sb0000000AD') as string;
export const UI_USER_ID = canonicalId('0058Sb0000000UI') as string;
export const ADMIN_USERNAME = 'admin@sandbox.example';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const jsonError = (f: FieldDef, value: unknown): SfErrorItem => ({
  message: `Cannot deserialize instance of ${f.type === 'double' ? 'double' : f.type === 'boolean' ? 'boolean' : 'string'} from ${
    typeof value === 'object' ? (Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT') : 'VALUE_STRING'
  } value ${JSON.stringify(value)} or request may be missing a required field`,
  errorCode: 'JSON_PARSER_ERROR',
});

export class SalesforceStore {
  private readonly records: Record<SObjectName, Map<string, Rec>> = { Account: new Map(), Contact: new Map() };
  /** Lower-cased Customer_Number__c → Account Id (the external id is unique and case-insensitive). */
  private readonly customerNumbers = new Map<string, string>();
  private idCounter = 0;
  private commitNumber = 0;

  constructor(
    dataset: RetailDataset,
    private readonly onCommit: (events: ChangePayload[]) => void,
  ) {
    for (const a of dataset.salesforce.accounts) {
      const rec: Rec = {
        ...a,
        Id: canonicalId(a.Id) ?? a.Id,
        OwnerId: ADMIN_USER_ID,
        IsDeleted: false,
        CreatedById: ADMIN_USER_ID,
        LastModifiedById: ADMIN_USER_ID,
      };
      this.records.Account.set(rec.Id as string, rec);
      this.customerNumbers.set(a.Customer_Number__c.toLowerCase(), rec.Id as string);
    }
    for (const c of dataset.salesforce.contacts) {
      const rec: Rec = {
        ...c,
        Id: canonicalId(c.Id) ?? c.Id,
        AccountId: c.AccountId ? (canonicalId(c.AccountId) ?? c.AccountId) : null,
        OwnerId: ADMIN_USER_ID,
        IsDeleted: false,
        CreatedById: ADMIN_USER_ID,
        LastModifiedById: ADMIN_USER_ID,
      };
      this.records.Contact.set(rec.Id as string, rec);
    }
  }

  get(type: SObjectName, id: string): Rec | undefined {
    return this.records[type].get(id);
  }

  /** All records of a type, in creation order. Callers must not mutate them. */
  all(type: SObjectName): Rec[] {
    return [...this.records[type].values()];
  }

  count(type: SObjectName): number {
    return this.records[type].size;
  }

  accountByCustomerNumber(value: string): Rec | undefined {
    const id = this.customerNumbers.get(value.toLowerCase());
    return id ? this.records.Account.get(id) : undefined;
  }

  /** Records whose external-id field equals value (case-insensitively, as the field is defined). */
  findByExternalId(def: SObjectDef, field: FieldDef, value: string): Rec[] {
    if (def.name === 'Account' && field.name === 'Customer_Number__c') {
      const r = this.accountByCustomerNumber(value);
      return r ? [r] : [];
    }
    if (field.name === 'Id') {
      const id = canonicalId(value);
      const r = id ? this.records[def.name].get(id) : undefined;
      return r ? [r] : [];
    }
    return [];
  }

  /** Puts back copies taken before a rolled-back allOrNone call. */
  restore(def: SObjectDef, copies: Rec[]): void {
    const map = this.records[def.name];
    map.clear();
    for (const r of copies) map.set(r.Id as string, r);
    if (def.name === 'Account') {
      this.customerNumbers.clear();
      for (const r of copies) if (typeof r.Customer_Number__c === 'string') this.customerNumbers.set(r.Customer_Number__c.toLowerCase(), r.Id as string);
    }
  }

  begin(actor: ChangeActor): Transaction {
    return { actor, key: randomUUID(), events: [], commitTimestamp: Date.now() };
  }

  commit(tx: Transaction): void {
    if (tx.events.length > 0) this.onCommit(tx.events);
  }

  private newId(def: SObjectDef): string {
    for (;;) {
      this.idCounter += 1;
      const id = canonicalId(`${def.keyPrefix}8Sb${this.idCounter.toString(36).toUpperCase().padStart(9, '0')}`) as string;
      if (!this.records[def.name].has(id)) return id;
    }
  }

  /**
   * Checks a write body against the schema and converts it to stored values keyed by
   * canonical field names. Errors follow the API: unknown field → INVALID_FIELD,
   * read-only → INVALID_FIELD_FOR_INSERT_UPDATE, then per-field validation.
   */
  validate(def: SObjectDef, input: Record<string, unknown>, mode: 'create' | 'update', existingId?: string): { values: Rec; errors: SfErrorItem[] } {
    const values: Rec = {};
    const errors: SfErrorItem[] = [];
    const readOnly: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      const f = def.byLower.get(key.toLowerCase());
      if (!f) {
        errors.push({ message: `No such column '${key}' on sobject of type ${def.name}`, errorCode: 'INVALID_FIELD' });
        continue;
      }
      if (!(mode === 'create' ? f.createable : f.updateable)) {
        readOnly.push(f.name);
        continue;
      }
      const conv = this.convert(f, raw);
      if ('error' in conv) errors.push(conv.error);
      else values[f.name] = conv.value;
    }
    if (readOnly.length > 0) {
      errors.unshift({
        message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        fields: readOnly,
      });
    }
    if (errors.length > 0) return { values, errors };

    const missing = def.fields.filter((f) => {
      if (!f.required) return false;
      const v = f.name in values ? values[f.name] : mode === 'create' ? null : undefined;
      return v === null || v === '';
    });
    if (missing.length > 0) {
      errors.push({
        message: `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`,
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: missing.map((f) => f.name),
      });
    }
    const cn = values.Customer_Number__c;
    if (def.name === 'Account' && typeof cn === 'string') {
      const other = this.customerNumbers.get(cn.toLowerCase());
      if (other && other !== existingId) {
        errors.push({
          message: `duplicate value found: Customer_Number__c duplicates value on record with id: ${other}`,
          errorCode: 'DUPLICATE_VALUE',
          fields: [],
        });
      }
    }
    return { values, errors };
  }

  private convert(f: FieldDef, raw: unknown): { value: Value } | { error: SfErrorItem } {
    if (raw === null) {
      if (!f.nillable && f.type === 'boolean') return { value: false };
      if (!f.nillable) {
        return { error: { message: `Required fields are missing: [${f.name}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: [f.name] } };
      }
      return { value: null };
    }
    switch (f.type) {
      case 'boolean':
        if (typeof raw === 'boolean') return { value: raw };
        if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
        return { error: jsonError(f, raw) };
      case 'double': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
        if (!Number.isFinite(n)) return { error: jsonError(f, raw) };
        return { value: n };
      }
      case 'datetime': {
        if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) {
          return { error: { message: `Cannot deserialize instance of datetime from VALUE_STRING value ${String(raw)} or value is not a valid datetime`, errorCode: 'JSON_PARSER_ERROR' } };
        }
        return { value: new Date(raw).toISOString() };
      }
      case 'reference':
      case 'id': {
        if (typeof raw !== 'string') return { error: jsonError(f, raw) };
        const target = f.referenceTo ? SOBJECTS[f.referenceTo] : undefined;
        const id = canonicalId(raw);
        if (!id || (target && !id.startsWith(target.keyPrefix))) {
          return { error: { message: `${f.label}: id value of incorrect type: ${raw}`, errorCode: 'MALFORMED_ID', fields: [f.name] } };
        }
        if (target && !this.records[target.name].has(id)) {
          return { error: { message: 'invalid cross reference id', errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: [f.name] } };
        }
        if (!target && f.name === 'OwnerId' && id !== ADMIN_USER_ID && id !== UI_USER_ID) {
          return { error: { message: `${f.label}: id value of incorrect type: ${raw}`, errorCode: 'MALFORMED_ID', fields: [f.name] } };
        }
        return { value: id };
      }
      default: {
        if (typeof raw === 'object') return { error: jsonError(f, raw) };
        const s = String(raw);
        if (f.length !== undefined && s.length > f.length) {
          return { error: { message: `${f.label}: data value too large: ${s} (max length=${f.length})`, errorCode: 'STRING_TOO_LONG', fields: [f.name] } };
        }
        if (f.type === 'email' && s !== '' && !EMAIL_RE.test(s)) {
          return { error: { message: `${f.label}: invalid email address: ${s}`, errorCode: 'INVALID_EMAIL_ADDRESS', fields: [f.name] } };
        }
        if (f.type === 'picklist' && f.picklistValues && !f.picklistValues.includes(s)) {
          return {
            error: { message: `${f.label}: bad value for restricted picklist field: ${s}`, errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: [f.name] },
          };
        }
        return { value: s === '' ? null : s };
      }
    }
  }

  /** Inserts validated values; returns the new Id. */
  insert(tx: Transaction, def: SObjectDef, values: Rec): string {
    const id = this.newId(def);
    const now = new Date(tx.commitTimestamp).toISOString();
    const rec: Rec = {};
    for (const f of def.fields) rec[f.name] = null;
    if (def.name === 'Account') {
      rec.Email_Opt_In__c = false;
      rec.SMS_Opt_In__c = false;
      rec.Loyalty_Points__c = 0;
    }
    Object.assign(rec, values, {
      Id: id,
      OwnerId: values.OwnerId ?? tx.actor.userId,
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: tx.actor.userId,
      LastModifiedDate: now,
      LastModifiedById: tx.actor.userId,
      SystemModstamp: now,
    });
    if (def.name === 'Contact') rec.Name = [rec.FirstName, rec.LastName].filter((x) => x).join(' ');
    this.records[def.name].set(id, rec);
    if (def.name === 'Account' && typeof rec.Customer_Number__c === 'string') {
      this.customerNumbers.set(rec.Customer_Number__c.toLowerCase(), id);
    }
    const payload: Record<string, unknown> = {};
    for (const f of def.fields) {
      if (f.name === 'Id' || f.name === 'IsDeleted' || f.name === 'SystemModstamp' || (f.name === 'Name' && def.name === 'Contact')) continue;
      const v = rec[f.name];
      if (v !== null && v !== undefined) payload[f.name] = v;
    }
    if (def.name === 'Contact') payload.Name = { Salutation: null, FirstName: rec.FirstName, LastName: rec.LastName };
    this.addEvent(tx, def, id, 'CREATE', [], payload);
    return id;
  }

  /** Applies validated values to an existing record, bumping the audit fields. */
  update(tx: Transaction, def: SObjectDef, id: string, values: Rec): void {
    const rec = this.records[def.name].get(id);
    if (!rec) throw new Error(`update of missing ${def.name} ${id}`);
    const now = new Date(Math.max(tx.commitTimestamp, Date.parse(String(rec.LastModifiedDate)) + 1)).toISOString();
    const changed: string[] = [];
    const nulled: string[] = [];
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      if (rec[k] === v) continue;
      if (def.name === 'Account' && k === 'Customer_Number__c') {
        if (typeof rec[k] === 'string') this.customerNumbers.delete((rec[k] as string).toLowerCase());
        if (typeof v === 'string') this.customerNumbers.set(v.toLowerCase(), id);
      }
      rec[k] = v;
      if (def.name === 'Contact' && (k === 'FirstName' || k === 'LastName')) {
        changed.push(`Name.${k}`);
        const name = (payload.Name as Record<string, unknown> | undefined) ?? { Salutation: null };
        name[k] = v;
        payload.Name = name;
      } else {
        changed.push(k);
        payload[k] = v;
      }
      if (v === null) nulled.push(k);
    }
    if (def.name === 'Contact') rec.Name = [rec.FirstName, rec.LastName].filter((x) => x).join(' ');
    rec.LastModifiedDate = now;
    rec.SystemModstamp = now;
    rec.LastModifiedById = tx.actor.userId;
    changed.push('LastModifiedDate');
    payload.LastModifiedDate = now;
    this.addEvent(tx, def, id, 'UPDATE', changed, payload, nulled);
  }

  private addEvent(
    tx: Transaction,
    def: SObjectDef,
    id: string,
    changeType: 'CREATE' | 'UPDATE',
    changedFields: string[],
    fields: Record<string, unknown>,
    nulledFields: string[] = [],
  ): void {
    this.commitNumber += 1;
    tx.events.push({
      ChangeEventHeader: {
        entityName: def.name,
        recordIds: [id],
        changeType,
        changeOrigin: tx.actor.changeOrigin,
        transactionKey: tx.key,
        sequenceNumber: tx.events.length + 1,
        commitTimestamp: tx.commitTimestamp,
        commitNumber: this.commitNumber,
        commitUser: tx.actor.userId,
        changedFields,
        nulledFields,
        diffFields: [],
      },
      ...fields,
    });
  }
}

/**
 * A record as the REST API returns it: `attributes` first, then the fields in the
 * requested order, datetimes in Salesforce's +0000 form.
 */
export function recordJson(def: SObjectDef, rec: Rec, version: string, fields: readonly FieldDef[] = def.fields): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: def.name, url: `/services/data/${version}/sobjects/${def.name}/${rec.Id as string}` } };
  for (const f of fields) out[f.name] = fieldJson(f, rec[f.name] ?? null);
  return out;
}

export function fieldJson(f: FieldDef, v: Value): Value {
  if (f.type === 'datetime') return formatDateTime(v as string | null);
  return v;
}

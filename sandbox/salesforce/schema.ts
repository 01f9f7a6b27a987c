/**
 * The slice of the org's metadata the sandbox serves: Account and Contact with the
 * fields of the dataset model, typed the way describe reports them. SOQL, writes,
 * describe and CDC all read this one table, so a field means the same everywhere.
 */
export type SObjectName = 'Account' | 'Contact';

export type FieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'phone'
  | 'picklist'
  | 'double'
  | 'boolean'
  | 'datetime'
  | 'reference';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  /** Required on create (describe reports this as nillable=false with no default). */
  required?: boolean;
  length?: number;
  externalId?: boolean;
  unique?: boolean;
  picklistValues?: readonly string[];
  referenceTo?: SObjectName;
  relationshipName?: string;
  /** Whether the field belongs to the "standard" group of FIELDS(STANDARD). */
  standard: boolean;
}

export interface ChildRelationship {
  relationshipName: string;
  childSObject: SObjectName;
  field: string;
}

export interface SObjectDef {
  name: SObjectName;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
  childRelationships: ChildRelationship[];
  /** Lower-cased field name → definition; field names are case-insensitive on the wire. */
  byLower: Map<string, FieldDef>;
  /** Lower-cased parent relationship name (e.g. "account") → the reference field. */
  parentByLower: Map<string, FieldDef>;
}

const sys = (name: string, label: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  custom: false,
  createable: false,
  updateable: false,
  nillable: false,
  standard: true,
  ...extra,
});

const rw = (name: string, label: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  custom: name.endsWith('__c'),
  createable: true,
  updateable: true,
  nillable: true,
  standard: !name.endsWith('__c'),
  ...extra,
});

export const LOYALTY_TIERS = ['Bronze', 'Silver', 'Gold', 'Platinum'] as const;
export const SEGMENTS = ['Consumer', 'Business'] as const;

function finish(def: Omit<SObjectDef, 'byLower' | 'parentByLower'>): SObjectDef {
  const byLower = new Map(def.fields.map((f) => [f.name.toLowerCase(), f] as const));
  const parentByLower = new Map(
    def.fields.filter((f) => f.relationshipName).map((f) => [(f.relationshipName as string).toLowerCase(), f] as const),
  );
  return { ...def, byLower, parentByLower };
}

const auditFields = (): FieldDef[] => [
  sys('IsDeleted', 'Deleted', 'boolean'),
  sys('CreatedDate', 'Created Date', 'datetime'),
  sys('CreatedById', 'Created By ID', 'reference'),
  sys('LastModifiedDate', 'Last Modified Date', 'datetime'),
  sys('LastModifiedById', 'Last Modified By ID', 'reference'),
  sys('SystemModstamp', 'System Modstamp', 'datetime'),
];

export const ACCOUNT: SObjectDef = finish({
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  fields: [
    sys('Id', 'Account ID', 'id', { length: 18 }),
    rw('Name', 'Account Name', 'string', { length: 255, nillable: false, required: true }),
    rw('Phone', 'Account Phone', 'phone', { length: 40 }),
    sys('OwnerId', 'Owner ID', 'reference', { createable: true, updateable: true }),
    ...auditFields(),
    rw('Customer_Number__c', 'Customer Number', 'string', { length: 20, externalId: true, unique: true }),
    rw('Email__c', 'Email', 'email', { length: 80 }),
    rw('Segment__c', 'Segment', 'picklist', { picklistValues: SEGMENTS, length: 255 }),
    rw('Loyalty_Tier__c', 'Loyalty Tier', 'picklist', { picklistValues: LOYALTY_TIERS, length: 255 }),
    rw('Loyalty_Points__c', 'Loyalty Points', 'double'),
    rw('Email_Opt_In__c', 'Email Opt In', 'boolean', { nillable: false }),
    rw('SMS_Opt_In__c', 'SMS Opt In', 'boolean', { nillable: false }),
    rw('Consent_Updated_At__c', 'Consent Updated At', 'datetime'),
    rw('Preferred_Store__c', 'Preferred Store', 'string', { length: 20 }),
  ],
  childRelationships: [{ relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' }],
});

export const CONTACT: SObjectDef = finish({
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  fields: [
    sys('Id', 'Contact ID', 'id', { length: 18 }),
    rw('AccountId', 'Account ID', 'reference', { referenceTo: 'Account', relationshipName: 'Account' }),
    rw('FirstName', 'First Name', 'string', { length: 40 }),
    rw('LastName', 'Last Name', 'string', { length: 80, nillable: false, required: true }),
    sys('Name', 'Full Name', 'string', { length: 121 }),
    rw('Email', 'Email', 'email', { length: 80 }),
    rw('Phone', 'Business Phone', 'phone', { length: 40 }),
    rw('Title', 'Title', 'string', { length: 128 }),
    sys('OwnerId', 'Owner ID', 'reference', { createable: true, updateable: true }),
    ...auditFields(),
  ],
  childRelationships: [],
});

export const SOBJECTS: Record<SObjectName, SObjectDef> = { Account: ACCOUNT, Contact: CONTACT };

/** Resolves an sObject name case-insensitively, as the API does. */
export function sobjectByName(name: string): SObjectDef | undefined {
  const lower = name.toLowerCase();
  return Object.values(SOBJECTS).find((d) => d.name.toLowerCase() === lower);
}

export function sobjectByPrefix(id: string): SObjectDef | undefined {
  return Object.values(SOBJECTS).find((d) => id.startsWith(d.keyPrefix));
}

// ------------------------------------------------------------------ ids
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_RE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The case-safe 18-character form of a 15- or 18-character id, or null if it is not shaped like an id. */
export function canonicalId(id: string): string | null {
  if (!ID_RE.test(id)) return null;
  const base = id.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = base.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) flags |= 1 << i;
    }
    suffix += SUFFIX_CHARS[flags];
  }
  return base + suffix;
}

/** Salesforce's wire format for datetimes in REST JSON: 2026-11-20T09:15:00.000+0000. */
export function formatDateTime(iso: string | null): string | null {
  if (iso == null) return null;
  const d = new Date(iso);
  return d.toISOString().replace('Z', '+0000');
}

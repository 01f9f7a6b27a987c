/**
 * The crosswalk from another system's record to the customer number, for
 * `customerByIdentity(system: NETSUITE | ZENDESK)` (docs/identity.md). Each
 * system holds the customer number in its record's external-id field, so the
 * lookup reads that field: one SuiteQL query per 100 NetSuite ids, one
 * `show_many` per 100 Zendesk ids of a kind. Ids are checked before any call
 * (parseIdentityId): nothing but digits reaches a query.
 */
import type { NetSuiteClient } from '../../../lib/clients/netsuite.js';
import type { ZendeskClient } from '../../../lib/clients/zendesk.js';
import { chunks } from '../../../lib/chunks.js';
import { UpstreamError, badInput } from '../../../lib/errors.js';
import { ConfigError } from '../../../lib/config.js';
import type { IdentitySystem } from '../../../lib/identity.js';
import { inBackground } from '../../../lib/limits.js';

/** Another system's record, by the key the lookup reads it with. */
export type ForeignRecordKey = `NETSUITE:${string}` | `ZENDESK:organization:${string}` | `ZENDESK:user:${string}`;

export interface IdentityLookups {
  /** The customer number each record holds (one per key, in order), or null for a record unknown or without one. */
  customerNumbersByRecord(keys: readonly ForeignRecordKey[]): Promise<Array<string | null>>;
}

/** One NetSuite customer or Zendesk organization as the orphan list shows it. */
export interface ForeignRecord {
  recordId: string;
  name: string | null;
  /** The record's external-id field as its system holds it; null when empty. */
  externalId: string | null;
}

/** A page of one system's records, by id ascending, and where the next one starts (null after the last). */
export interface ForeignRecordPage {
  records: ForeignRecord[];
  next: string | null;
}

/**
 * Every NetSuite customer and Zendesk organization, a page at a time, for the operator's orphan
 * list (identity-orphans.ts). Each page is one call, made as background work (lib/limits.ts), so
 * a report never takes the NetSuite slot kept for views.
 */
export interface ForeignRecordPages {
  /** Customers with an internal id above `afterId` (all when null): one SuiteQL query. `next` is the last id read. */
  netsuiteCustomers(afterId: string | null, size: number): Promise<ForeignRecordPage>;
  /** Organizations after Zendesk's own cursor (from the start when null): one cursor-paged request. `next` is Zendesk's after_cursor. */
  zendeskOrganizations(after: string | null, size: number): Promise<ForeignRecordPage>;
}

const NETSUITE_ID = /^[1-9][0-9]{0,11}$/;
const ZENDESK_ID = /^(?:(organization|user):)?([1-9][0-9]{0,15})$/;
const PER_CALL = 100;

/**
 * The lookup key of an id a caller gave for a system other than Salesforce, or BAD_USER_INPUT
 * saying what was expected, before any call.
 * - NETSUITE: a customer record's internal id, digits only, e.g. "647".
 * - ZENDESK: an organization id ("360001234" or "organization:360001234") or a user id
 *   ("user:9001": a requester known to the service desk).
 */
export function parseIdentityId(system: Exclude<IdentitySystem, 'SALESFORCE'>, raw: string, argumentName = 'id'): ForeignRecordKey {
  const shown = raw.slice(0, 64);
  switch (system) {
    case 'NETSUITE':
      if (!NETSUITE_ID.test(raw)) throw badInput(`expected a NetSuite customer internal id of digits, like 647, got '${shown}'`, { argumentName });
      return `NETSUITE:${raw}`;
    case 'ZENDESK': {
      const m = ZENDESK_ID.exec(raw);
      if (!m) {
        throw badInput(`expected a Zendesk organization id like 360001234 (or organization:360001234) or a user id like user:9001, got '${shown}'`, { argumentName });
      }
      return m[1] === 'user' ? `ZENDESK:user:${m[2]}` : `ZENDESK:organization:${m[2]}`;
    }
    default: {
      const never: never = system;
      throw new Error(`unknown identity system ${String(never)}`);
    }
  }
}

interface ZdOrganization {
  id: number;
  name?: string | null;
  external_id?: string | null;
}
interface ZdUser {
  id: number;
  external_id?: string | null;
  organization_id?: number | null;
}

type NsCustomerRow = {
  id?: string;
  externalid?: string;
  companyname?: string;
  firstname?: string;
  lastname?: string;
};

const personName = (r: NsCustomerRow): string | null => r.companyname || [r.firstname, r.lastname].filter(Boolean).join(' ') || null;

/** The lookups against NetSuite and Zendesk through the shared clients. */
export function createIdentityLookups(deps: { netsuite: () => NetSuiteClient; zendesk: () => ZendeskClient }): IdentityLookups & ForeignRecordPages {
  let netsuiteClient: NetSuiteClient | undefined;
  let zendeskClient: ZendeskClient | undefined;
  /** Clients are made at the first lookup that needs one; a deployment that cannot give one answers with the reason. */
  const client = <C>(system: 'ERP' | 'SERVICE_DESK', make: () => C): C => {
    try {
      return make();
    } catch (err) {
      if (err instanceof ConfigError) throw new UpstreamError(system, 'unavailable', err.message);
      throw err;
    }
  };
  const netsuite = (): NetSuiteClient => (netsuiteClient ??= client('ERP', deps.netsuite));
  const zendesk = (): ZendeskClient => (zendeskClient ??= client('SERVICE_DESK', deps.zendesk));
  async function netsuiteNumbers(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks(ids, PER_CALL)) {
      // Digits only (parseIdentityId), so the list needs no quoting.
      const res = await netsuite().suiteql<{ id?: string; externalid?: string }>(`SELECT c.id AS id, c.externalid AS externalid FROM customer c WHERE c.id IN (${chunk.join(', ')})`);
      for (const row of res.items) if (row.id !== undefined && row.externalid) found.set(String(row.id), row.externalid);
    }
    return found;
  }

  async function organizationNumbers(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks(ids, PER_CALL)) {
      const res = await zendesk().get<{ organizations: ZdOrganization[] }>('organizations/show_many.json', { ids: chunk.join(',') });
      for (const o of res?.organizations ?? []) if (o.external_id) found.set(String(o.id), o.external_id);
    }
    return found;
  }

  /** A user's own external id, else its organization's (as a case's customer is found): a second call only for users without one. */
  async function userNumbers(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const viaOrganization = new Map<string, string>();
    for (const chunk of chunks(ids, PER_CALL)) {
      const res = await zendesk().get<{ users: ZdUser[] }>('users/show_many.json', { ids: chunk.join(',') });
      for (const u of res?.users ?? []) {
        if (u.external_id) found.set(String(u.id), u.external_id);
        else if (u.organization_id != null) viaOrganization.set(String(u.id), String(u.organization_id));
      }
    }
    if (viaOrganization.size > 0) {
      const orgs = await organizationNumbers([...new Set(viaOrganization.values())]);
      for (const [user, org] of viaOrganization) {
        const n = orgs.get(org);
        if (n) found.set(user, n);
      }
    }
    return found;
  }

  return {
    async netsuiteCustomers(afterId, size) {
      // afterId is digits (checked by the caller's cursor), so it needs no quoting.
      if (afterId !== null && !NETSUITE_ID.test(afterId)) throw new Error(`not a NetSuite internal id: ${afterId}`);
      const where = afterId === null ? '' : ` WHERE c.id > ${afterId}`;
      const res = await inBackground(() =>
        netsuite().suiteql<NsCustomerRow>(
          `SELECT c.id AS id, c.externalid AS externalid, c.companyname AS companyname, c.firstname AS firstname, c.lastname AS lastname FROM customer c${where} ORDER BY c.id`,
          { maxRows: size + 1 },
        ),
      );
      const rows = res.items.filter((r) => r.id !== undefined).slice(0, size);
      const records = rows.map((r) => ({ recordId: String(r.id), name: personName(r), externalId: r.externalid || null }));
      return { records, next: res.items.length > size ? (records[records.length - 1]?.recordId ?? null) : null };
    },

    async zendeskOrganizations(after, size) {
      const res = await inBackground(() =>
        zendesk().get<{ organizations?: ZdOrganization[]; meta?: { has_more?: boolean; after_cursor?: string | null } }>('organizations.json', {
          'page[size]': size,
          'page[after]': after ?? undefined,
        }),
      );
      const records = (res?.organizations ?? []).map((o) => ({ recordId: String(o.id), name: o.name ?? null, externalId: o.external_id || null }));
      const next = res?.meta?.has_more === true && res.meta.after_cursor ? res.meta.after_cursor : null;
      return { records, next };
    },

    async customerNumbersByRecord(keys) {
      const of = (prefix: string): string[] => [...new Set(keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)))];
      const [netsuite, orgs, users] = await Promise.all([
        of('NETSUITE:').length ? netsuiteNumbers(of('NETSUITE:')) : new Map<string, string>(),
        of('ZENDESK:organization:').length ? organizationNumbers(of('ZENDESK:organization:')) : new Map<string, string>(),
        of('ZENDESK:user:').length ? userNumbers(of('ZENDESK:user:')) : new Map<string, string>(),
      ]);
      return keys.map((k) => {
        const [system, kind, id] = k.split(':');
        if (system === 'NETSUITE') return netsuite.get(kind ?? '') ?? null;
        return (kind === 'user' ? users : orgs).get(id ?? '') ?? null;
      });
    },
  };
}

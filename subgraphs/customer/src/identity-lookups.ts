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

/** Another system's record, by the key the lookup reads it with. */
export type ForeignRecordKey = `NETSUITE:${string}` | `ZENDESK:organization:${string}` | `ZENDESK:user:${string}`;

export interface IdentityLookups {
  /** The customer number each record holds (one per key, in order), or null for a record unknown or without one. */
  customerNumbersByRecord(keys: readonly ForeignRecordKey[]): Promise<Array<string | null>>;
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
  external_id?: string | null;
}
interface ZdUser {
  id: number;
  external_id?: string | null;
  organization_id?: number | null;
}

/** The lookups against NetSuite and Zendesk through the shared clients. */
export function createIdentityLookups(deps: { netsuite: () => NetSuiteClient; zendesk: () => ZendeskClient }): IdentityLookups {
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

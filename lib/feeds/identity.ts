/**
 * Who a system of record says it is, through its own API, so that a feed's
 * remembered state is only ever applied to the system it was read from (see
 * `identityBoundStore`). One cheap call each, at a feed's first load:
 *
 * - **NetSuite**: SuiteQL on `companyinformation`: the account id (`companyid`)
 *   and when the company information was last written (`lastmodifieddate`),
 *   which a sandbox refresh rewrites along with the rest of the account's data.
 * - **Zendesk**: `GET /api/v2/users/me`: the API user's URL (the account's
 *   subdomain), id and creation time. A new or re-created account has new users.
 *
 * - **Salesforce**: the org id from the session's identity URL (no call beyond
 *   the login). A refreshed Salesforce sandbox is a new org.
 *
 * Nothing here is a secret; identities are logged when they differ.
 */
import type { NetSuiteClient } from '../clients/netsuite.js';
import type { SalesforceClient } from '../clients/salesforce.js';
import type { ZendeskClient } from '../clients/zendesk.js';
import { UpstreamError } from '../errors.js';

/** `netsuite:<account id>:<company information last written>`. */
export async function netsuiteIdentity(netsuite: NetSuiteClient): Promise<string> {
  const res = await netsuite.suiteql<{ companyid?: string; lastmodified?: string }>(
    `SELECT companyid, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS') AS lastmodified FROM companyinformation`,
    { maxRows: 1 },
  );
  const row = res.items[0];
  if (!row?.companyid) throw new UpstreamError('ERP', 'error', 'expected the ERP to report its company information (companyid), got no row');
  return `netsuite:${row.companyid}:${row.lastmodified ?? ''}`;
}

/** `zendesk:<account host>:<API user id>:<its created_at>`. */
export async function zendeskIdentity(zendesk: ZendeskClient): Promise<string> {
  const res = await zendesk.get<{ user?: { id?: number; url?: string; created_at?: string } }>('users/me.json');
  const u = res?.user;
  if (!u?.id || !u.url) throw new UpstreamError('SERVICE_DESK', 'error', 'expected Zendesk to describe the API user (users/me with id and url), got none');
  return `zendesk:${new URL(u.url).host}:${u.id}:${u.created_at ?? ''}`;
}

/** `salesforce:<org id>`. */
export async function salesforceIdentity(salesforce: Pick<SalesforceClient, 'orgId'>): Promise<string> {
  return `salesforce:${await salesforce.orgId()}`;
}

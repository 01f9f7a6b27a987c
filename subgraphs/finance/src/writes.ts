/**
 * The finance subgraph's writes: a customer's default billing address, which the ERP
 * owns, and the customer number in a NetSuite customer record's external id, which
 * confirms an identity candidate (netsuite-identity.ts). Shape checks here cost no
 * calls; each applier reads the customer record, compares, and writes once. Credit,
 * balances, terms, invoices and payments are the ERP's business and have no write
 * kind (the ownership manifest checks the schema).
 */
import { listTag } from '../../../lib/cache/index.js';
import { badInput, notFound } from '../../../lib/errors.js';
import { ERP_ADDRESS_MAX_LENGTH as MAX_LENGTH, type PostalAddress } from '../../../lib/erp/address.js';
import { registerIdentityLinkApplier, type ExternalIdField } from '../../../lib/identity-link.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import type { AddressRecord } from './netsuite.js';
import { normalizeVersion, type FinanceBillingConnector } from './netsuite-billing.js';

/** The write kind of updateBillingAddress. */
export const BILLING_ADDRESS_KIND = 'finance.billingAddress';

/** What a billing write stores and replays: JSON only. */
export interface BillingAddressPayload {
  customerId: string;
  address: AddressRecord;
}

/** The applier's reference to what it did; the resolver reloads the financials from it. */
export interface BillingAddressResult {
  customerId: string;
  /** False when the ERP already had this address (a repeat, or our own earlier commit). */
  changed: boolean;
}

/** What an applied billing write announces on the bus. */
export const BILLING_EVENT_TOPIC = 'customer.billing';

/**
 * ISO 3166-1 alpha-2: the officially assigned codes. The ERP takes these (and only
 * these) as a country; anything else would be refused after a call, so it is refused here.
 */
const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

// Control characters would reach the ERP's printed address text (invoices, labels) as-is.
const CONTROL = /[\u0000-\u001f\u007f]/;

function field(input: PostalAddress, name: keyof PostalAddress & keyof typeof MAX_LENGTH, required: boolean): string | null {
  const raw = input[name];
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') {
    if (required) throw badInput(`expected address.${name} to be a non-blank string, got '${raw ?? ''}'`, { argumentName: `address.${name}` });
    return null;
  }
  if (value.length > MAX_LENGTH[name]) {
    throw badInput(`expected address.${name} of at most ${MAX_LENGTH[name]} characters, got ${value.length}`, { argumentName: `address.${name}` });
  }
  if (CONTROL.test(value)) throw badInput(`expected address.${name} without control characters`, { argumentName: `address.${name}` });
  return value;
}

/** Checks and normalizes an AddressInput (trimmed, blank optional lines as null, country upper-cased). No calls. */
export function validateAddress(input: PostalAddress): AddressRecord {
  const country = typeof input.country === 'string' ? input.country.trim().toUpperCase() : '';
  if (!ISO_COUNTRIES.has(country)) {
    throw badInput(`expected address.country to be an ISO 3166-1 alpha-2 code such as 'US', got '${String(input.country).slice(0, 20)}'`, {
      argumentName: 'address.country',
    });
  }
  return {
    line1: field(input, 'line1', true) as string,
    line2: field(input, 'line2', false),
    city: field(input, 'city', true) as string,
    region: field(input, 'region', false),
    postalCode: field(input, 'postalCode', true) as string,
    country,
  };
}

/** Checks an expectedVersion's shape (no calls) and returns it in the form versions are compared in. */
export function validateVersion(version: string | null | undefined): string | undefined {
  if (version == null) return undefined;
  const normalized = normalizeVersion(version);
  if (!normalized || !/^\d{4}-\d{2}-\d{2}T/.test(version)) {
    throw badInput(`expected expectedVersion to be CustomerFinancials.version, an ISO-8601 time such as '2026-11-20T09:15:00Z', got '${version.slice(0, 40)}'`, {
      argumentName: 'expectedVersion',
    });
  }
  return normalized;
}

/** Addresses are equal when every field is; blank and absent optional lines are the same thing. */
export function sameAddress(a: AddressRecord, b: AddressRecord): boolean {
  const norm = (v: string | null): string => (v ?? '').trim();
  return (
    norm(a.line1) === norm(b.line1) &&
    norm(a.line2) === norm(b.line2) &&
    norm(a.city) === norm(b.city) &&
    norm(a.region) === norm(b.region) &&
    norm(a.postalCode) === norm(b.postalCode) &&
    norm(a.country).toUpperCase() === norm(b.country).toUpperCase()
  );
}

/**
 * Registers the billing applier on the subgraph's coordinator. Register before
 * `writes.start()`: a write queued by an earlier run can only be replayed by it.
 *
 * Dedupe: `conditional`. NetSuite's REST API has no conditional PATCH, so the applier
 * compares before it writes, in this order:
 * 1. the ERP already holds this address: success without a write. This makes setting
 *    the same address twice idempotent, and it is also how an attempt after a crash
 *    recognises its own earlier commit (which moved the record's version on);
 * 2. `expectedVersion` differs from the record's lastModifiedDate: CONFLICT, and the
 *    newer record survives;
 * 3. one PATCH of the address book.
 * Between the read and the PATCH lies one round trip in which an ERP user's edit could
 * land unseen; the ERP offers no condition to close it (docs/finance.md).
 */
export function registerBillingWrites(writes: WriteCoordinator, erp: FinanceBillingConnector): void {
  writes.registerApplier<BillingAddressPayload, BillingAddressResult>(
    BILLING_ADDRESS_KIND,
    async (p, ctx) => {
      const state = await erp.billingState(p.customerId);
      // A refusal, not a transient failure: replaying it would not make the customer exist.
      if (!state) throw notFound(`the ERP has no customer ${p.customerId}`, { customerId: p.customerId });
      if (state.billing && sameAddress(state.billing.address, p.address)) return { customerId: p.customerId, changed: false };
      if (ctx.expectedVersion !== undefined && normalizeVersion(ctx.expectedVersion) !== state.version) {
        throw ctx.conflict(`customer ${p.customerId} changed in the ERP at ${state.version}, after version ${ctx.expectedVersion}; read its financials again`, {
          currentVersion: state.version,
        });
      }
      // A billing line that is also the default shipping address is left alone: a new line
      // becomes the billing address, so that shipping does not move with it.
      const replaceLine = state.billing && !state.billing.alsoDefaultShipping ? state.billing.lineId : null;
      await erp.setBillingAddress(p.customerId, p.address, replaceLine);
      return { customerId: p.customerId, changed: true };
    },
    {
      dedupe: 'conditional',
      invalidates: (p) => [listTag('Customer', p.customerId, 'financials')],
      event: (p, r) => (r.changed ? { type: 'BillingAddressChanged', data: { customerId: p.customerId } } : undefined),
    },
  );
}

/** The write kind of confirmErpIdentity. */
export const IDENTITY_LINK_KIND = 'finance.identity.link';

/** What confirming an ERP candidate stores and replays. */
export interface ErpIdentityLinkPayload {
  customerId: string;
  /** The NetSuite customer record's internal id. */
  internalId: string;
}

/**
 * Registers the applier that confirms an ERP candidate (lib/identity-link.ts). Applied, it drops
 * the customer's financials, invoice and order lists from the cache, which were read (and found
 * nothing) by the customer number the record now holds.
 */
export function registerIdentityLinkWrites(writes: WriteCoordinator, externalIds: ExternalIdField): void {
  registerIdentityLinkApplier<ErpIdentityLinkPayload>(writes, IDENTITY_LINK_KIND, {
    system: 'the ERP',
    noun: 'customer record',
    recordId: (p) => p.internalId,
    field: externalIds,
    invalidates: (p) => [listTag('Customer', p.customerId, 'financials'), listTag('Customer', p.customerId, 'invoices'), listTag('Customer', p.customerId, 'orders')],
  });
}

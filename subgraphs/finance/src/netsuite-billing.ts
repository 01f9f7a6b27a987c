/**
 * The finance subgraph's only write to the ERP, the customer's default billing
 * address, through NetSuite's record API (writes.ts applies it). The address
 * book is read and patched on the customer record, addressed by its external id.
 */
import type { NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { UpstreamError } from '../../../lib/errors.js';
import type { AddressRecord } from './netsuite.js';

/** The customer's default billing line as the ERP's address book holds it. */
export interface BillingLine {
  /** The address book line's internal id. */
  lineId: number;
  address: AddressRecord;
  /** The same line is the default shipping address: editing it in place would move shipping too. */
  alsoDefaultShipping: boolean;
}

/** What a billing update needs to know before it writes. */
export interface BillingState {
  customerNumber: string;
  /** The customer record's lastModifiedDate, ISO-8601 UTC, whole seconds (the same form as FinancialsRecord.version). */
  version: string;
  billing: BillingLine | null;
}

/** The finance subgraph's only write to the ERP: the customer's default billing address. */
export interface FinanceBillingConnector {
  /** One GET of the customer record with its address book; null when the ERP has no such customer. */
  billingState(customerNumber: string): Promise<BillingState | null>;
  /**
   * Makes `address` the customer's default billing address with one PATCH of the address book:
   * the billing line is edited in place when it is billing-only (`replaceLine`), otherwise a new
   * line is added as the default billing, so that a shared shipping address is left as it was.
   */
  setBillingAddress(customerNumber: string, address: AddressRecord, replaceLine: number | null): Promise<void>;
}

interface RecordAddress {
  addr1?: string;
  addr2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string | { id?: string };
}
interface RecordAddressLine {
  internalId?: number;
  id?: number;
  defaultBilling?: boolean;
  defaultShipping?: boolean;
  addressBookAddress?: RecordAddress;
}
interface CustomerRecord {
  externalId?: string;
  lastModifiedDate?: string;
  addressBook?: { items?: RecordAddressLine[] };
}

/** Record API datetimes come with or without milliseconds; versions compare as whole-second ISO strings. */
export function normalizeVersion(text: string): string | null {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function createNetSuiteBilling(deps: { netsuite: NetSuiteClient }): FinanceBillingConnector {
  const { netsuite } = deps;
  return {
    async billingState(customerNumber) {
      // The external id addresses the customer without a lookup of its internal id.
      const rec = await netsuite.getRecord<CustomerRecord>('customer', `eid:${customerNumber}`, { expandSubResources: true });
      if (!rec) return null;
      const version = rec.lastModifiedDate ? normalizeVersion(rec.lastModifiedDate) : null;
      if (!version) throw new UpstreamError('ERP', 'error', `the ERP answered customer ${customerNumber} without a lastModifiedDate`);
      const line = (rec.addressBook?.items ?? []).find((l) => l.defaultBilling === true);
      const a = line?.addressBookAddress;
      const lineId = line?.internalId ?? line?.id;
      const billing: BillingLine | null =
        line && a && lineId !== undefined
          ? {
              lineId,
              alsoDefaultShipping: line.defaultShipping === true,
              address: {
                line1: a.addr1 ?? '',
                line2: a.addr2 ?? null,
                city: a.city ?? '',
                region: a.state ?? null,
                postalCode: a.zip ?? '',
                country: (typeof a.country === 'object' ? a.country.id : a.country) ?? '',
              },
            }
          : null;
      return { customerNumber, version, billing };
    },

    async setBillingAddress(customerNumber, address, replaceLine) {
      // null clears a field in a PATCH: an address without a second line must not keep the old one.
      const addressBookAddress = {
        addr1: address.line1,
        addr2: address.line2,
        city: address.city,
        state: address.region,
        zip: address.postalCode,
        country: address.country,
      };
      const line = replaceLine === null ? { defaultBilling: true, addressBookAddress } : { internalId: replaceLine, defaultBilling: true, addressBookAddress };
      await netsuite.updateRecord('customer', `eid:${customerNumber}`, { addressBook: { items: [line] } });
    },
  };
}

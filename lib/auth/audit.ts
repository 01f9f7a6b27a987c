/**
 * The audit trail: one structured record for every read of a customer's
 * personal data (per customer and field group, once per request) and every
 * write. Records say who (subject, roles), which customer, which field group
 * or operation, and the correlation id; never the data itself, never a token.
 *
 * They go through their own pino child logger (component "audit", audit: true)
 * so that a deployment can route them to a separate sink by that field.
 */
import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import type { Caller } from './caller.js';

/** Groups of a customer's personal data, as audit records name them. */
export type FieldGroup = 'identity' | 'contact' | 'contacts' | 'consent' | 'loyalty' | 'profile' | 'financials' | 'orders' | 'invoices' | 'cases';

/**
 * Which Customer fields are personal data, by group. A field of Customer not
 * listed here (id, segment, freshness, salesforceId) is not audited. The
 * subgraph bootstrap audits these on whichever subgraph resolves them.
 */
export const PERSONAL_DATA_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldGroup>>>> = {
  Customer: {
    name: 'identity',
    email: 'contact',
    phone: 'contact',
    contacts: 'contacts',
    consent: 'consent',
    loyalty: 'loyalty',
    preferredStoreId: 'profile',
    financials: 'financials',
    orders: 'orders',
    invoices: 'invoices',
    cases: 'cases',
  },
};

export type AuditRecord =
  | { action: 'read'; customerId: string; fieldGroups: FieldGroup[] }
  | {
      action: 'write';
      operation: string;
      /** The customer the write acts on, when its arguments name one. */
      customerId?: string;
      /** Ids of the records the write targets (order, case, write numbers): identifiers, not personal data. */
      target?: Record<string, string>;
      outcome: 'succeeded' | 'failed';
      errorCode?: string;
    }
  | {
      /** An operator action on a write queue (retry or discard, of one write or in bulk). */
      action: 'queue';
      /** The root field, e.g. `retryOrderWrites`. */
      operation: string;
      /** How many writes it changed. */
      affected: number;
      /** The writes it changed: identifiers only. */
      writeIds: string[];
      /** Matching writes it could not change (bulk only). */
      failed?: number;
      /** What a bulk action selected by: listings, kinds, customer, time bounds. */
      filter?: Record<string, unknown>;
    };

let auditLog: Logger | undefined;

/** The dedicated audit logger (created on first use so that tests can swap the root logger's destination first). */
export function auditLogger(): Logger {
  auditLog ??= childLogger('audit').child({ audit: true });
  return auditLog;
}

/** Writes one audit record for a caller. */
export function audit(caller: Caller, correlationId: string | undefined, record: AuditRecord, log: Logger = auditLogger()): void {
  log.info(
    {
      ...record,
      subject: caller.subject,
      roles: caller.roles,
      via: caller.via,
      ...(caller.customerId ? { callerCustomerId: caller.customerId } : {}),
      correlationId,
    },
    record.action === 'read' ? 'audit: personal data read' : record.action === 'queue' ? 'audit: write queue action' : 'audit: write',
  );
}

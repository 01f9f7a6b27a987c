/**
 * The events the graph publishes for other systems (marketing, the warehouse,
 * the loyalty platform): the canonical, versioned form of the domain events its
 * change feeds and writes put on the internal bus. docs/events.md describes them;
 * docs/events/*.schema.json is the contract, checked against this module in the
 * tests.
 *
 * Envelope: CloudEvents 1.0, structured mode (one JSON document). Data: the
 * customer number and what changed, never personal data (names, emails, phone
 * numbers, addresses), so that a consumer needs no right to see a person to
 * learn that their order shipped.
 */
import type { DomainEvent } from '../bus.js';

/** The version of every schema below; a breaking change publishes a new version beside the old one. */
export const EVENTS_SCHEMA_VERSION = 1;

export type CanonicalType = 'order.statusChanged' | 'invoice.statusChanged' | 'case.updated' | 'customer.changed';
export const CANONICAL_TYPES: readonly CanonicalType[] = ['order.statusChanged', 'invoice.statusChanged', 'case.updated', 'customer.changed'];

/** Where a change happened: the `source` attribute of its events. */
export const EVENT_SOURCES = {
  ERP: 'urn:retail-supergraph:system:erp',
  SERVICE_DESK: 'urn:retail-supergraph:system:service-desk',
  SALESFORCE: 'urn:retail-supergraph:system:salesforce',
} as const;

export interface CloudEvent<D = Record<string, unknown>> {
  specversion: '1.0';
  /** The domain event's id: the same however often the change is seen or published. Consumers de-duplicate by it. */
  id: string;
  source: (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];
  type: CanonicalType;
  /** The entity that changed: an order, invoice or case id, or a customer number. */
  subject: string;
  /** When the change happened in the system of record, ISO-8601 UTC. */
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  data: D;
}

export interface OrderStatusChanged {
  orderId: string;
  customerNumber: string;
  /** Null when nothing in the product knew the order's status before. */
  previousStatus: string | null;
  status: string;
  changedAt: string;
}

export interface InvoiceStatusChanged {
  invoiceId: string;
  customerNumber: string;
  previousStatus: string | null;
  status: string;
  changedAt: string;
}

export interface CaseUpdated {
  caseId: string;
  /** Null only when the service desk could not say whose case it is. */
  customerNumber: string | null;
  previousStatus: string | null;
  status: string;
  changedAt: string;
}

export interface CustomerChanged {
  customerNumber: string;
  /** The Salesforce record that changed: `Account` or `Contact`. */
  entity: string;
  /** `CREATE`, `UPDATE`, `DELETE`, `UNDELETE`, or a `GAP_` kind when Salesforce could not say what changed. */
  changeType: string;
  /** Salesforce API names of the fields that changed, when Salesforce says (not their values); empty when it does not. */
  changedFields: string[];
  changedAt: string;
}

/** The schema a type's events declare in `dataschema`. */
export const dataschemaOf = (type: CanonicalType): string => `urn:retail-supergraph:events:${type}:v${EVENTS_SCHEMA_VERSION}`;

type Mapping = { type: CanonicalType; source: CloudEvent['source']; map(payload: Record<string, unknown>, occurredAt: string): { subject: string; data: object } | null };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * A status change of one entity (order, invoice, case): its id under `idField`, the
 * customer number (required or not), the previous and new status and when it changed.
 * Whatever else the internal payload carries stays internal.
 */
function statusChange(type: CanonicalType, source: CloudEvent['source'], idField: 'orderId' | 'invoiceId' | 'caseId', customerRequired: boolean): Mapping {
  return {
    type,
    source,
    map(p) {
      const id = str(p[idField]);
      const customerNumber = str(p.customerId);
      const status = str(p.status);
      const changedAt = str(p.changedAt);
      if (!id || (customerRequired && !customerNumber) || !status || !changedAt) return null;
      // The shape of OrderStatusChanged, InvoiceStatusChanged or CaseUpdated, by idField.
      return { subject: id, data: { [idField]: id, customerNumber, previousStatus: str(p.previousStatus), status, changedAt } };
    },
  };
}

/** Internal bus topics that other systems hear of, and how each becomes canonical. */
const MAPPINGS: Record<string, Mapping> = {
  'order.status': statusChange('order.statusChanged', EVENT_SOURCES.ERP, 'orderId', true),
  // The internal event carries the invoice as read; other systems get the change, not the document.
  'invoice.status': statusChange('invoice.statusChanged', EVENT_SOURCES.ERP, 'invoiceId', true),
  // A case's customer is null when the service desk could not say whose it is.
  'case.updated': statusChange('case.updated', EVENT_SOURCES.SERVICE_DESK, 'caseId', false),
  'customer.changed': {
    type: 'customer.changed',
    source: EVENT_SOURCES.SALESFORCE,
    map(p, occurredAt) {
      const customerNumber = str(p.customerId);
      const entity = str(p.entity);
      const changeType = str(p.changeType);
      if (!customerNumber || !entity || !changeType) return null;
      const fields = Array.isArray(p.changedFields) ? p.changedFields.filter((f): f is string => typeof f === 'string') : [];
      const data: CustomerChanged = { customerNumber, entity, changeType, changedFields: [...new Set(fields)].sort(), changedAt: occurredAt };
      return { subject: customerNumber, data };
    },
  },
};

/** The bus topics whose events are published outside. */
export const OUTBOUND_TOPICS: readonly string[] = Object.keys(MAPPINGS);

/**
 * The canonical event for a domain event, or null for a topic other systems do
 * not hear of (or a payload missing what the schema requires, which is logged by
 * the caller rather than published half-formed).
 */
export function canonicalEvent(e: Pick<DomainEvent, 'eventId' | 'topic' | 'occurredAt' | 'payload'>): CloudEvent | null {
  const m = MAPPINGS[e.topic];
  if (!m || typeof e.payload !== 'object' || e.payload === null) return null;
  const time = new Date(e.occurredAt).toISOString();
  const mapped = m.map(e.payload as Record<string, unknown>, time);
  if (!mapped) return null;
  return {
    specversion: '1.0',
    id: e.eventId,
    source: m.source,
    type: m.type,
    subject: mapped.subject,
    time,
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(m.type),
    data: mapped.data as Record<string, unknown>,
  };
}

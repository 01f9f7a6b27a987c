/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** How urgent a support case is. */
export type CasePriority =
  /** Needs attention before normal cases. */
  | 'HIGH'
  /** Can wait. */
  | 'LOW'
  /** The usual urgency; also what a case without a priority reads as. */
  | 'NORMAL'
  /** Needs attention now. */
  | 'URGENT';

/** The status of a support case, as the service desk defines it. */
export type CaseStatus =
  /** Closed for good; a reply opens a follow-up case instead. */
  | 'CLOSED'
  /** Opened and not yet looked at by an agent. */
  | 'NEW'
  /** Waiting on a third party; the customer is not expected to act. */
  | 'ON_HOLD'
  /** An agent is working on it. */
  | 'OPEN'
  /** Waiting for the customer to answer. */
  | 'PENDING'
  /** An agent solved it; the customer may still reopen it by replying. */
  | 'SOLVED';

/** Criteria for finding customers. Criteria given together must all match; none lists every customer. */
export type CustomerFilter = {
  /** Exact e-mail address (case-insensitive). */
  email?: string | null | undefined;
  /** The start of the customer's name or of any word in it (case-insensitive), e.g. "O'Bri" finds "Siobhan O'Brien". */
  namePrefix?: string | null | undefined;
  /** Exact phone number, as stored. */
  phone?: string | null | undefined;
};

/** Whether a customer buys as a person or as a business. */
export type CustomerSegment =
  /** A company buying on account. */
  | 'BUSINESS'
  /** A person buying for themselves. */
  | 'CONSUMER';

/**
 * The status of an invoice, derived from the ERP's record, in this order of precedence:
 * VOID when the ERP voided it; PAID when nothing remains to be paid; OVERDUE when an
 * amount remains and the due date is before today (the ERP's today); PARTIALLY_PAID when
 * part of the total has been paid or credited; otherwise OPEN.
 */
export type InvoiceStatus =
  /** Nothing has been paid or credited yet, and the invoice is not past due. */
  | 'OPEN'
  /** An amount remains to be paid and the due date has passed. */
  | 'OVERDUE'
  /** Nothing remains to be paid. */
  | 'PAID'
  /** Part of the total has been paid or credited, and the invoice is not past due. */
  | 'PARTIALLY_PAID'
  /** The ERP voided the invoice; nothing is owed. */
  | 'VOID';

/** Loyalty tiers, lowest first. */
export type LoyaltyTier =
  /** Entry tier. */
  | 'BRONZE'
  /** Third tier. */
  | 'GOLD'
  /** Top tier. */
  | 'PLATINUM'
  /** Second tier. */
  | 'SILVER';

/** A new support case, as `openCase` takes it. */
export type OpenCaseInput = {
  /** The customer the case is for, e.g. "C-000042". A storefront caller may open cases for itself only. */
  customerId: string | number;
  /** What the customer needs: the case's first comment, public, 1 to 32,000 characters. */
  description: string;
  /** The order the case is about, e.g. "SO-100234"; it must be one of the customer's orders. Omit when there is none. */
  orderId?: string | number | null | undefined;
  /** How urgent the case is. */
  priority?: CasePriority | null | undefined;
  /** The subject line: 1 to 150 characters. */
  subject: string;
};

/** One item line of a new order. */
export type OrderLineInput = {
  /** Units, from 1 to 9999. */
  quantity: number;
  /** The item's SKU, e.g. "SKU-10042". */
  sku: string;
};

/** The lifecycle of a sales order. */
export type OrderStatus =
  /** Approved, not yet released to the warehouse; it can still be cancelled (NetSuite: Pending Fulfillment). */
  | 'BOOKED'
  /** Cancelled before shipping (NetSuite: Cancelled). */
  | 'CANCELLED'
  /** Closed in the ERP without further fulfilment (NetSuite: Closed). */
  | 'CLOSED'
  /** Shipped and invoiced (NetSuite: Billed). */
  | 'INVOICED'
  /** Some of the items have shipped (NetSuite: Partially Fulfilled, or Pending Billing/Partially Fulfilled). */
  | 'PARTIALLY_SHIPPED'
  /** Placed, waiting for approval (NetSuite: Pending Approval). */
  | 'PENDING_APPROVAL'
  /** Approved and released to the warehouse for picking (NetSuite: Pending Fulfillment, released to WMS). */
  | 'RELEASED'
  /** Every item has shipped; billing is pending (NetSuite: Pending Billing). */
  | 'SHIPPED';

/** A new sales order. */
export type PlaceOrderInput = {
  /** The channel the order comes in through. */
  channel?: SalesChannel;
  /** The enterprise customer number, e.g. "C-000042". */
  customerId: string | number;
  /** The items, at least one and at most 100 lines. */
  lines: Array<OrderLineInput>;
  /** A note for the ERP order (at most 999 characters). */
  memo?: string | null | undefined;
  /** Where to ship the order; the customer's default shipping address when omitted. */
  shipTo?: ShipToInput | null | undefined;
};

/** The channel an order came in through. */
export type SalesChannel =
  /** A contact-centre agent, on the customer's behalf. */
  | 'AGENT'
  /** A third-party marketplace. */
  | 'MARKETPLACE'
  /** A channel this graph does not know, or none recorded in the ERP. */
  | 'OTHER'
  /** A physical store. */
  | 'STORE'
  /** The web storefront. */
  | 'WEB';

/** A shipping address for one order. */
export type ShipToInput = {
  /** City or town. */
  city: string;
  /** ISO 3166-1 alpha-2 country code, e.g. "US". */
  country: string;
  /** Street and number. */
  line1: string;
  /** Apartment, suite, floor. */
  line2?: string | null | undefined;
  /** The addressee, e.g. the recipient's name. */
  name?: string | null | undefined;
  /** Postal or ZIP code. */
  postalCode: string;
  /** State, province or county, where the country uses one. */
  region?: string | null | undefined;
};

/** The warehouse state of a shipment. */
export type ShipmentStatus =
  /** The parcel is packed and waiting for the carrier. */
  | 'PACKED'
  /** The items have been picked from the shelves. */
  | 'PICKED'
  /** The parcel has left with the carrier. */
  | 'SHIPPED';

/** The system of record that owns a piece of data. */
export type SystemOfRecord =
  /** The ERP (NetSuite): orders, shipments, returns, invoices, payments, credit. */
  | 'ERP'
  /** Salesforce: engagement, loyalty, consent. */
  | 'SALESFORCE'
  /** The service desk (Zendesk): cases, comments, SLAs. */
  | 'SERVICE_DESK';

/** The outcome of a write. */
export type WriteStatus =
  /** The owning system accepted the write; the result carries the updated entity. */
  | 'APPLIED'
  /** The write could not be applied after the configured number of attempts or age; an operator can retry or discard it. */
  | 'DEAD_LETTERED'
  /** The owning system could not be reached; the write is stored durably and will be applied once, later, under the same writeId. */
  | 'QUEUED'
  /** The owning system refused the write; the errors say why. */
  | 'REJECTED';

export type ConsoleFindCustomersQueryVariables = Exact<{
  filter?: CustomerFilter | null | undefined;
  first?: number | null | undefined;
}>;


export type ConsoleFindCustomersQuery = { customers: { nodes: Array<{ id: string, name: string | null, email: string | null, phone: string | null }> } };

export type ConsoleFreshnessFragment = { source: SystemOfRecord, fetchedAt: string, stale: boolean };

export type ConsoleMoneyFragment = { amount: string, currency: string };

export type ConsoleOrderFragment = { id: string, status: OrderStatus, channel: SalesChannel, placedAt: string, total: { amount: string, currency: string }, lines: Array<{ lineNumber: number, sku: string, description: string | null, quantity: number, quantityShipped: number }>, shipments: Array<{ id: string, carrier: string | null, trackingNumber: string | null, status: ShipmentStatus }>, invoices: Array<{ id: string, status: InvoiceStatus, amountDue: { amount: string, currency: string } }> | null };

export type ConsoleCustomerByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleCustomerByIdQuery = { customer: { id: string, name: string | null, email: string | null, phone: string | null } | null };

export type ConsoleCustomer360QueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleCustomer360Query = { customer: { id: string, name: string | null, email: string | null, phone: string | null, segment: CustomerSegment | null, loyalty: { tier: LoyaltyTier, points: number } | null, freshness: { source: SystemOfRecord, fetchedAt: string, stale: boolean } | null, financials: { creditHold: boolean, paymentTerms: string | null, balance: { amount: string, currency: string }, overdueBalance: { amount: string, currency: string }, creditLimit: { amount: string, currency: string } | null, freshness: { source: SystemOfRecord, fetchedAt: string, stale: boolean } } | null, orders: { freshness: { source: SystemOfRecord, fetchedAt: string, stale: boolean }, nodes: Array<{ id: string, status: OrderStatus, channel: SalesChannel, placedAt: string, total: { amount: string, currency: string }, lines: Array<{ lineNumber: number, sku: string, description: string | null, quantity: number, quantityShipped: number }>, shipments: Array<{ id: string, carrier: string | null, trackingNumber: string | null, status: ShipmentStatus }>, invoices: Array<{ id: string, status: InvoiceStatus, amountDue: { amount: string, currency: string } }> | null }> } | null, cases: { freshness: { source: SystemOfRecord, fetchedAt: string, stale: boolean }, nodes: Array<{ id: string, subject: string, status: CaseStatus, priority: CasePriority, updatedAt: string, order: { id: string } | null }> } | null } | null };

export type ConsoleOrderStatusChangedSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type ConsoleOrderStatusChangedSubscription = { orderStatusChanged: { eventId: string, status: OrderStatus, order: { id: string, status: OrderStatus, channel: SalesChannel, placedAt: string, total: { amount: string, currency: string }, lines: Array<{ lineNumber: number, sku: string, description: string | null, quantity: number, quantityShipped: number }>, shipments: Array<{ id: string, carrier: string | null, trackingNumber: string | null, status: ShipmentStatus }>, invoices: Array<{ id: string, status: InvoiceStatus, amountDue: { amount: string, currency: string } }> | null } } };

export type ConsoleInvoiceStatusChangedSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type ConsoleInvoiceStatusChangedSubscription = { invoiceStatusChanged: { eventId: string, status: InvoiceStatus, invoice: { id: string, status: InvoiceStatus, amountDue: { amount: string, currency: string } } } };

export type ConsoleCaseUpdatedSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type ConsoleCaseUpdatedSubscription = { caseUpdated: { eventId: string, status: CaseStatus, case: { id: string, status: CaseStatus } } };

export type ConsoleOpenCaseMutationVariables = Exact<{
  input: OpenCaseInput;
  idempotencyKey: string;
}>;


export type ConsoleOpenCaseMutation = { openCase: { status: WriteStatus, writeId: string, supportCase: { id: string, subject: string, status: CaseStatus } | null } };

export type ConsoleAddCaseCommentMutationVariables = Exact<{
  caseId: string | number;
  body: string;
  idempotencyKey?: string | null | undefined;
}>;


export type ConsoleAddCaseCommentMutation = { addCaseComment: { status: WriteStatus, writeId: string } };

export type ConsolePlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
  idempotencyKey: string;
}>;


export type ConsolePlaceOrderMutation = { placeOrder: { status: WriteStatus, writeId: string, order: { id: string, status: OrderStatus } | null } };

export type ConsoleWriteOutcomeFragment = { writeId: string, status: WriteStatus, attempts: number, lastError: { code: string, message: string } | null };

export type ConsoleServiceWriteSettledSubscriptionVariables = Exact<{
  writeId: string | number;
}>;


export type ConsoleServiceWriteSettledSubscription = { serviceWriteSettled: { writeId: string, status: WriteStatus, attempts: number, lastError: { code: string, message: string } | null } };

export type ConsoleOrderWriteSettledSubscriptionVariables = Exact<{
  writeId: string | number;
}>;


export type ConsoleOrderWriteSettledSubscription = { orderWriteSettled: { writeId: string, status: WriteStatus, attempts: number, lastError: { code: string, message: string } | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleFreshnessFragmentDoc = new TypedDocumentString(`
    fragment ConsoleFreshness on Freshness {
  source
  fetchedAt
  stale
}
    `, {"fragmentName":"ConsoleFreshness"}) as unknown as TypedDocumentString<ConsoleFreshnessFragment, unknown>;
export const ConsoleMoneyFragmentDoc = new TypedDocumentString(`
    fragment ConsoleMoney on Money {
  amount
  currency
}
    `, {"fragmentName":"ConsoleMoney"}) as unknown as TypedDocumentString<ConsoleMoneyFragment, unknown>;
export const ConsoleOrderFragmentDoc = new TypedDocumentString(`
    fragment ConsoleOrder on Order {
  id
  status
  channel
  placedAt
  total {
    ...ConsoleMoney
  }
  lines {
    lineNumber
    sku
    description
    quantity
    quantityShipped
  }
  shipments {
    id
    carrier
    trackingNumber
    status
  }
  invoices {
    id
    status
    amountDue {
      ...ConsoleMoney
    }
  }
}
    fragment ConsoleMoney on Money {
  amount
  currency
}`, {"fragmentName":"ConsoleOrder"}) as unknown as TypedDocumentString<ConsoleOrderFragment, unknown>;
export const ConsoleWriteOutcomeFragmentDoc = new TypedDocumentString(`
    fragment ConsoleWriteOutcome on WriteOutcome {
  writeId
  status
  attempts
  lastError {
    code
    message
  }
}
    `, {"fragmentName":"ConsoleWriteOutcome"}) as unknown as TypedDocumentString<ConsoleWriteOutcomeFragment, unknown>;
export const ConsoleFindCustomersDocument = new TypedDocumentString(`
    query ConsoleFindCustomers($filter: CustomerFilter, $first: Int = 10) {
  customers(filter: $filter, first: $first) {
    nodes {
      id
      name
      email
      phone
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleFindCustomersQuery, ConsoleFindCustomersQueryVariables>;
export const ConsoleCustomerByIdDocument = new TypedDocumentString(`
    query ConsoleCustomerById($id: ID!) {
  customer(id: $id) {
    id
    name
    email
    phone
  }
}
    `) as unknown as TypedDocumentString<ConsoleCustomerByIdQuery, ConsoleCustomerByIdQueryVariables>;
export const ConsoleCustomer360Document = new TypedDocumentString(`
    query ConsoleCustomer360($id: ID!) {
  customer(id: $id) {
    id
    name
    email
    phone
    segment
    loyalty {
      tier
      points
    }
    freshness {
      ...ConsoleFreshness
    }
    financials {
      balance {
        ...ConsoleMoney
      }
      overdueBalance {
        ...ConsoleMoney
      }
      creditLimit {
        ...ConsoleMoney
      }
      creditHold
      paymentTerms
      freshness {
        ...ConsoleFreshness
      }
    }
    orders(first: 10) {
      freshness {
        ...ConsoleFreshness
      }
      nodes {
        ...ConsoleOrder
      }
    }
    cases(first: 10) {
      freshness {
        ...ConsoleFreshness
      }
      nodes {
        id
        subject
        status
        priority
        updatedAt
        order {
          id
        }
      }
    }
  }
}
    fragment ConsoleFreshness on Freshness {
  source
  fetchedAt
  stale
}
fragment ConsoleMoney on Money {
  amount
  currency
}
fragment ConsoleOrder on Order {
  id
  status
  channel
  placedAt
  total {
    ...ConsoleMoney
  }
  lines {
    lineNumber
    sku
    description
    quantity
    quantityShipped
  }
  shipments {
    id
    carrier
    trackingNumber
    status
  }
  invoices {
    id
    status
    amountDue {
      ...ConsoleMoney
    }
  }
}`) as unknown as TypedDocumentString<ConsoleCustomer360Query, ConsoleCustomer360QueryVariables>;
export const ConsoleOrderStatusChangedDocument = new TypedDocumentString(`
    subscription ConsoleOrderStatusChanged($customerId: ID!) {
  orderStatusChanged(customerId: $customerId) {
    eventId
    status
    order {
      ...ConsoleOrder
    }
  }
}
    fragment ConsoleMoney on Money {
  amount
  currency
}
fragment ConsoleOrder on Order {
  id
  status
  channel
  placedAt
  total {
    ...ConsoleMoney
  }
  lines {
    lineNumber
    sku
    description
    quantity
    quantityShipped
  }
  shipments {
    id
    carrier
    trackingNumber
    status
  }
  invoices {
    id
    status
    amountDue {
      ...ConsoleMoney
    }
  }
}`) as unknown as TypedDocumentString<ConsoleOrderStatusChangedSubscription, ConsoleOrderStatusChangedSubscriptionVariables>;
export const ConsoleInvoiceStatusChangedDocument = new TypedDocumentString(`
    subscription ConsoleInvoiceStatusChanged($customerId: ID!) {
  invoiceStatusChanged(customerId: $customerId) {
    eventId
    status
    invoice {
      id
      status
      amountDue {
        ...ConsoleMoney
      }
    }
  }
}
    fragment ConsoleMoney on Money {
  amount
  currency
}`) as unknown as TypedDocumentString<ConsoleInvoiceStatusChangedSubscription, ConsoleInvoiceStatusChangedSubscriptionVariables>;
export const ConsoleCaseUpdatedDocument = new TypedDocumentString(`
    subscription ConsoleCaseUpdated($customerId: ID!) {
  caseUpdated(customerId: $customerId) {
    eventId
    status
    case {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleCaseUpdatedSubscription, ConsoleCaseUpdatedSubscriptionVariables>;
export const ConsoleOpenCaseDocument = new TypedDocumentString(`
    mutation ConsoleOpenCase($input: OpenCaseInput!, $idempotencyKey: String!) {
  openCase(input: $input, idempotencyKey: $idempotencyKey) {
    status
    writeId
    supportCase {
      id
      subject
      status
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleOpenCaseMutation, ConsoleOpenCaseMutationVariables>;
export const ConsoleAddCaseCommentDocument = new TypedDocumentString(`
    mutation ConsoleAddCaseComment($caseId: ID!, $body: String!, $idempotencyKey: String) {
  addCaseComment(caseId: $caseId, body: $body, idempotencyKey: $idempotencyKey) {
    status
    writeId
  }
}
    `) as unknown as TypedDocumentString<ConsoleAddCaseCommentMutation, ConsoleAddCaseCommentMutationVariables>;
export const ConsolePlaceOrderDocument = new TypedDocumentString(`
    mutation ConsolePlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String!) {
  placeOrder(input: $input, idempotencyKey: $idempotencyKey) {
    status
    writeId
    order {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePlaceOrderMutation, ConsolePlaceOrderMutationVariables>;
export const ConsoleServiceWriteSettledDocument = new TypedDocumentString(`
    subscription ConsoleServiceWriteSettled($writeId: ID!) {
  serviceWriteSettled(writeId: $writeId) {
    ...ConsoleWriteOutcome
  }
}
    fragment ConsoleWriteOutcome on WriteOutcome {
  writeId
  status
  attempts
  lastError {
    code
    message
  }
}`) as unknown as TypedDocumentString<ConsoleServiceWriteSettledSubscription, ConsoleServiceWriteSettledSubscriptionVariables>;
export const ConsoleOrderWriteSettledDocument = new TypedDocumentString(`
    subscription ConsoleOrderWriteSettled($writeId: ID!) {
  orderWriteSettled(writeId: $writeId) {
    ...ConsoleWriteOutcome
  }
}
    fragment ConsoleWriteOutcome on WriteOutcome {
  writeId
  status
  attempts
  lastError {
    code
    message
  }
}`) as unknown as TypedDocumentString<ConsoleOrderWriteSettledSubscription, ConsoleOrderWriteSettledSubscriptionVariables>;
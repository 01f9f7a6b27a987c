/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

/** The state of a return's refund. */
export type RefundStatus =
  /** The return is approved; the refund will be issued once the items are received. */
  | 'AUTHORIZED'
  /** The return was refused or closed without a refund. */
  | 'DENIED'
  /** The return has not been approved yet. */
  | 'PENDING'
  /** The ERP has issued the refund. */
  | 'REFUNDED';

/** The ERP's state of a return authorization. */
export type ReturnStatus =
  /** Cancelled (refused) in the ERP. */
  | 'CANCELLED'
  /** Closed in the ERP without a refund. */
  | 'CLOSED'
  /** Some of the items have been received. */
  | 'PARTIALLY_RECEIVED'
  /** Requested, waiting for approval. */
  | 'PENDING_APPROVAL'
  /** Approved; waiting for the items to come back. */
  | 'PENDING_RECEIPT'
  /** Every item has been received; the refund is pending. */
  | 'PENDING_REFUND'
  /** The refund has been issued. */
  | 'REFUNDED';

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

export type AgentCustomer360QueryVariables = Exact<{
  id: string | number;
  orders?: number | null | undefined;
}>;


export type AgentCustomer360Query = { customer: { id: string, name: string | null, email: string | null, phone: string | null, segment: CustomerSegment | null, preferredStoreId: string | null, loyalty: { tier: LoyaltyTier, points: number } | null, consent: { emailOptIn: boolean, smsOptIn: boolean, updatedAt: string | null } | null, contacts: Array<{ id: string, name: string | null, email: string | null, role: string | null }> | null, freshness: { source: SystemOfRecord, fetchedAt: string, stale: boolean } | null, financials: { creditHold: boolean, paymentTerms: string | null, balance: { amount: string, currency: string }, overdueBalance: { amount: string, currency: string }, creditLimit: { amount: string, currency: string } | null, freshness: { fetchedAt: string, stale: boolean } } | null, orders: { totalCount: number | null, nodes: Array<{ id: string, status: OrderStatus, channel: SalesChannel, placedAt: string, total: { amount: string, currency: string }, lines: Array<{ lineNumber: number, sku: string, description: string | null, quantity: number, quantityShipped: number }>, invoices: Array<{ id: string, status: InvoiceStatus, amountDue: { amount: string, currency: string } }> | null, cases: Array<{ id: string, subject: string, status: CaseStatus }> | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null, cases: { nodes: Array<{ id: string, subject: string, status: CaseStatus, priority: CasePriority, updatedAt: string }> } | null } | null };

export type LwcAccountCardQueryVariables = Exact<{
  recordId: string | number;
}>;


export type LwcAccountCardQuery = { customerByIdentity: { id: string, name: string | null, loyalty: { tier: LoyaltyTier, points: number } | null, financials: { creditHold: boolean, balance: { amount: string, currency: string }, overdueBalance: { amount: string, currency: string } } | null, orders: { nodes: Array<{ id: string, status: OrderStatus, placedAt: string, total: { amount: string, currency: string } }> } | null, cases: { totalCount: number | null, nodes: Array<{ id: string, subject: string, status: CaseStatus }> } | null } | null };

export type StorefrontMyOrdersQueryVariables = Exact<{
  customerId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontMyOrdersQuery = { customer: { id: string, orders: { totalCount: number | null, edges: Array<{ cursor: string, node: { id: string, status: OrderStatus, placedAt: string, total: { amount: string, currency: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };

export type StorefrontTrackOrderQueryVariables = Exact<{
  orderId: string | number;
}>;


export type StorefrontTrackOrderQuery = { order: { id: string, status: OrderStatus, placedAt: string, lines: Array<{ lineNumber: number, sku: string, description: string | null, quantity: number, quantityShipped: number }>, shipments: Array<{ id: string, carrier: string | null, trackingNumber: string | null, shippedAt: string | null, status: ShipmentStatus }>, returns: Array<{ id: string, status: ReturnStatus, refundStatus: RefundStatus, refundAmount: { amount: string, currency: string } }>, freshness: { fetchedAt: string, stale: boolean } } | null };

export const ConsoleFreshnessFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleFreshness"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Freshness"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}}]} as unknown as DocumentNode<ConsoleFreshnessFragment, unknown>;
export const ConsoleMoneyFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMoney"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Money"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]} as unknown as DocumentNode<ConsoleMoneyFragment, unknown>;
export const ConsoleOrderFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleOrder"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMoney"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Money"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]} as unknown as DocumentNode<ConsoleOrderFragment, unknown>;
export const ConsoleWriteOutcomeFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWriteOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WriteOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"writeId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<ConsoleWriteOutcomeFragment, unknown>;
export const ConsoleFindCustomersDocument = {"__meta__":{"hash":"sha256:405e339e1fae3af38304d1041cd94aa8400eeea14c21df29452b2d49f09231ee"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleFindCustomers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleFindCustomersQuery, ConsoleFindCustomersQueryVariables>;
export const ConsoleCustomerByIdDocument = {"__meta__":{"hash":"sha256:92e9bb36b705a139ba13378b5d71204ed5a6cd17297bfa06a406b01ef459c633"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCustomerById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}}]} as unknown as DocumentNode<ConsoleCustomerByIdQuery, ConsoleCustomerByIdQueryVariables>;
export const ConsoleCustomer360Document = {"__meta__":{"hash":"sha256:ab0f4c55f3e292dd58e3979a0abed52b97f00e1998a0e47c0419011c0485fb06"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCustomer360"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"loyalty"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"points"}}]}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleFreshness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"financials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}},{"kind":"Field","name":{"kind":"Name","value":"overdueBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditLimit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditHold"}},{"kind":"Field","name":{"kind":"Name","value":"paymentTerms"}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleFreshness"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleFreshness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleOrder"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleFreshness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMoney"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Money"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleFreshness"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Freshness"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleOrder"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleCustomer360Query, ConsoleCustomer360QueryVariables>;
export const ConsoleOrderStatusChangedDocument = {"__meta__":{"hash":"sha256:b2b348c575dec9a5c0a8dbf4de281836348a04228c32d6b044a2a690364823c6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleOrderStatusChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleOrder"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMoney"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Money"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleOrder"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleOrderStatusChangedSubscription, ConsoleOrderStatusChangedSubscriptionVariables>;
export const ConsoleInvoiceStatusChangedDocument = {"__meta__":{"hash":"sha256:abfdf09c46d1a26a6b4c06546fcfab0d38c0761326281bda5d7a9bfcae1dbe5c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleInvoiceStatusChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invoiceStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMoney"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMoney"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Money"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]} as unknown as DocumentNode<ConsoleInvoiceStatusChangedSubscription, ConsoleInvoiceStatusChangedSubscriptionVariables>;
export const ConsoleCaseUpdatedDocument = {"__meta__":{"hash":"sha256:909b0aebc7cd3a907c6eee425990f8ad2a79900589f7217adfdb2cbf0ce98f63"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleCaseUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"caseUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"case"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleCaseUpdatedSubscription, ConsoleCaseUpdatedSubscriptionVariables>;
export const ConsoleOpenCaseDocument = {"__meta__":{"hash":"sha256:315717e122a3dfd06e619f3e642476bba0561af4d4bcbb973d51344ef2bd205e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleOpenCase"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"OpenCaseInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"openCase"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"writeId"}},{"kind":"Field","name":{"kind":"Name","value":"supportCase"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleOpenCaseMutation, ConsoleOpenCaseMutationVariables>;
export const ConsoleAddCaseCommentDocument = {"__meta__":{"hash":"sha256:2aa7ee8ef6d5a189bf34471f76420fc8e6b8fb3651281fa077707cddb8d1bbd7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleAddCaseComment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"caseId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addCaseComment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"caseId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"caseId"}}},{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"writeId"}}]}}]}}]} as unknown as DocumentNode<ConsoleAddCaseCommentMutation, ConsoleAddCaseCommentMutationVariables>;
export const ConsolePlaceOrderDocument = {"__meta__":{"hash":"sha256:82307b88655596050b6de9fad5a292b902498d0d3605a10f51dc3240b5c0ab2d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsolePlaceOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"placeOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"writeId"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ConsolePlaceOrderMutation, ConsolePlaceOrderMutationVariables>;
export const ConsoleServiceWriteSettledDocument = {"__meta__":{"hash":"sha256:f1008acfeba7c76a7c7a456eaf6cb18a2e95068a2d14b0d966616c11d94e96e4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleServiceWriteSettled"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"writeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceWriteSettled"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"writeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"writeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleWriteOutcome"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWriteOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WriteOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"writeId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<ConsoleServiceWriteSettledSubscription, ConsoleServiceWriteSettledSubscriptionVariables>;
export const ConsoleOrderWriteSettledDocument = {"__meta__":{"hash":"sha256:5d9c908cbc33a2aa6b2f720f4a80171620d6ee56ff3d601886846e79f2db2417"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleOrderWriteSettled"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"writeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderWriteSettled"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"writeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"writeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleWriteOutcome"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWriteOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WriteOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"writeId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<ConsoleOrderWriteSettledSubscription, ConsoleOrderWriteSettledSubscriptionVariables>;
export const AgentCustomer360Document = {"__meta__":{"hash":"sha256:252c5f3605663d71638b34f8812a34b5a10646e16ee75f073bfd54a71f1f7c08"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AgentCustomer360"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orders"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"loyalty"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"points"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"emailOptIn"}},{"kind":"Field","name":{"kind":"Name","value":"smsOptIn"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"preferredStoreId"}},{"kind":"Field","name":{"kind":"Name","value":"contacts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"financials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"overdueBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditLimit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditHold"}},{"kind":"Field","name":{"kind":"Name","value":"paymentTerms"}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orders"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AgentCustomer360Query, AgentCustomer360QueryVariables>;
export const LwcAccountCardDocument = {"__meta__":{"hash":"sha256:6d329779d74c08da162324b453eba7cc5e8a39a9953c2164ce24e1613a40f8cf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LwcAccountCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"recordId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerByIdentity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"system"},"value":{"kind":"EnumValue","value":"SALESFORCE"}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"recordId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"loyalty"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"points"}}]}},{"kind":"Field","name":{"kind":"Name","value":"financials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"overdueBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditHold"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"NEW"},{"kind":"EnumValue","value":"OPEN"},{"kind":"EnumValue","value":"PENDING"},{"kind":"EnumValue","value":"ON_HOLD"}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<LwcAccountCardQuery, LwcAccountCardQueryVariables>;
export const StorefrontMyOrdersDocument = {"__meta__":{"hash":"sha256:f7f38ccd23d78dea59ad2eb5a9163847b95758e70aeec5f53ff82fc31eb08536"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontMyOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontMyOrdersQuery, StorefrontMyOrdersQueryVariables>;
export const StorefrontTrackOrderDocument = {"__meta__":{"hash":"sha256:c45706d499a03c06c9c696fefed68288d00e3be5d2b82d4a00f347e1e1bcfda6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontTrackOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"shippedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"returns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"refundStatus"}},{"kind":"Field","name":{"kind":"Name","value":"refundAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontTrackOrderQuery, StorefrontTrackOrderQueryVariables>;
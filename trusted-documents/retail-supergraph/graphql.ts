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


export const AgentCustomer360Document = {"__meta__":{"hash":"sha256:252c5f3605663d71638b34f8812a34b5a10646e16ee75f073bfd54a71f1f7c08"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AgentCustomer360"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orders"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"loyalty"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"points"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"emailOptIn"}},{"kind":"Field","name":{"kind":"Name","value":"smsOptIn"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"preferredStoreId"}},{"kind":"Field","name":{"kind":"Name","value":"contacts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"financials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"overdueBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditLimit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditHold"}},{"kind":"Field","name":{"kind":"Name","value":"paymentTerms"}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orders"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AgentCustomer360Query, AgentCustomer360QueryVariables>;
export const LwcAccountCardDocument = {"__meta__":{"hash":"sha256:6d329779d74c08da162324b453eba7cc5e8a39a9953c2164ce24e1613a40f8cf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LwcAccountCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"recordId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerByIdentity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"system"},"value":{"kind":"EnumValue","value":"SALESFORCE"}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"recordId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"loyalty"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"points"}}]}},{"kind":"Field","name":{"kind":"Name","value":"financials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"overdueBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditHold"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"NEW"},{"kind":"EnumValue","value":"OPEN"},{"kind":"EnumValue","value":"PENDING"},{"kind":"EnumValue","value":"ON_HOLD"}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<LwcAccountCardQuery, LwcAccountCardQueryVariables>;
export const StorefrontMyOrdersDocument = {"__meta__":{"hash":"sha256:f7f38ccd23d78dea59ad2eb5a9163847b95758e70aeec5f53ff82fc31eb08536"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontMyOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontMyOrdersQuery, StorefrontMyOrdersQueryVariables>;
export const StorefrontTrackOrderDocument = {"__meta__":{"hash":"sha256:c45706d499a03c06c9c696fefed68288d00e3be5d2b82d4a00f347e1e1bcfda6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontTrackOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"quantityShipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"shippedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"returns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"refundStatus"}},{"kind":"Field","name":{"kind":"Name","value":"refundAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontTrackOrderQuery, StorefrontTrackOrderQueryVariables>;
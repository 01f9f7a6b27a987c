import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CustomerRef, OrderConnectionParent, OrderContext } from '../resolvers.js';
import type { OrderRecord, OrderLineRecord, ShipmentRecord, ReturnRecord, ReturnLineRecord } from '../netsuite.js';
import type { Money as MoneyValue } from '../../../../lib/money.js';
import type { Freshness as FreshnessValue } from '../../../../lib/pagination.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO-8601 string in UTC, e.g. "2026-11-20T09:15:00.000Z". */
  DateTime: { input: string; output: string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A postal address. */
export type Address = {
  __typename?: 'Address';
  /** City or town. */
  city: Scalars['String']['output'];
  /** ISO 3166-1 alpha-2 country code, e.g. "US". */
  country: Scalars['String']['output'];
  /** First line: street and number. */
  line1: Scalars['String']['output'];
  /** Second line: flat, suite or building, if any. */
  line2?: Maybe<Scalars['String']['output']>;
  /** Postal or ZIP code. */
  postalCode: Scalars['String']['output'];
  /** State, province or region, where the country uses one. */
  region?: Maybe<Scalars['String']['output']>;
};

/**
 * A customer, identified by the enterprise customer number. The order subgraph
 * contributes the customer's sales orders, read from the ERP, where the customer
 * number is the NetSuite customer's external id.
 */
export type Customer = {
  __typename?: 'Customer';
  /** The enterprise customer number, e.g. "C-000042". */
  id: Scalars['ID']['output'];
  /**
   * The customer's sales orders, newest first (by the time the order was placed,
   * then by ERP record). A customer the ERP does not know has an empty list.
   * Null only when the ERP could not be reached; the error then names the ERP.
   */
  orders?: Maybe<OrderConnection>;
};


/**
 * A customer, identified by the enterprise customer number. The order subgraph
 * contributes the customer's sales orders, read from the ERP, where the customer
 * number is the NetSuite customer's external id.
 */
export type CustomerOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<Array<OrderStatus>>;
};

/** One system's record of a customer (docs/identity.md). */
export type CustomerIdentity = {
  __typename?: 'CustomerIdentity';
  /** How sure the link is, from 0 to 1: 1 for SHARED_KEY, the matching rule's score for MATCHED. */
  confidence: Scalars['Float']['output'];
  /** How the record is linked to the customer. */
  linkedBy: IdentityLink;
  /**
   * What matched, for MATCHED links: any of \"email\", \"phone\", \"name+postcode\" (the rule's
   * attributes, strongest first). Empty for SHARED_KEY links.
   */
  matchedOn: Array<Scalars['String']['output']>;
  /** The record's id in its system. */
  recordId: Scalars['ID']['output'];
  /** What kind of record it is. */
  recordType: IdentityRecordType;
  /**
   * True for a MATCHED candidate whose confidence reaches the rule's suggest threshold: one an agent
   * should be prompted to confirm. False for SHARED_KEY links and weaker candidates.
   */
  suggested: Scalars['Boolean']['output'];
  /** The system that holds the record. */
  system: IdentitySystem;
};

/** How fresh a piece of data is, and where it came from. */
export type Freshness = {
  __typename?: 'Freshness';
  /** When the data was read from that system. */
  fetchedAt: Scalars['DateTime']['output'];
  /** The system of record the data was read from. */
  source: SystemOfRecord;
  /** True when the system could not be reached and this is the last known value, older than its normal time to live. */
  stale: Scalars['Boolean']['output'];
};

/** How a system's record is linked to the customer. */
export type IdentityLink =
  /**
   * The record does not hold the customer number, but the matching rule (docs/identity.md) found it
   * likely to be this customer: a candidate, whose data is not shown as the customer's until confirmed.
   */
  | 'MATCHED'
  /** The record holds the customer number in its external-id field: a confirmed link, held by that system. */
  | 'SHARED_KEY';

/** The outcome of confirming an identity candidate (confirmServiceDeskIdentity, confirmErpIdentity). */
export type IdentityLinkResult = {
  __typename?: 'IdentityLinkResult';
  /** The link as the system of record now holds it (SHARED_KEY); null unless APPLIED. */
  identity?: Maybe<CustomerIdentity>;
  /** APPLIED, QUEUED, REJECTED or DEAD_LETTERED. */
  status: WriteStatus;
  /**
   * The write's identity ("service:w_…" or "finance:w_…"); ask `serviceWrite(writeId:)` or
   * `financeWrite(writeId:)` for its outcome later.
   */
  writeId: Scalars['ID']['output'];
};

/** The kind of record an identity is, in its system. */
export type IdentityRecordType =
  /** A NetSuite customer record. */
  | 'NETSUITE_CUSTOMER'
  /** A Salesforce Account. */
  | 'SALESFORCE_ACCOUNT'
  /** A Salesforce Contact at the account. */
  | 'SALESFORCE_CONTACT'
  /** A Zendesk organization. */
  | 'ZENDESK_ORGANIZATION'
  /** A Zendesk user (an end user, e.g. a requester known by e-mail only). */
  | 'ZENDESK_USER';

/**
 * A system whose records can be linked to a customer (Customer.identities) and whose ids can find
 * one (Query.customerByIdentity).
 */
export type IdentitySystem =
  /** NetSuite: a customer record's internal id, e.g. "647". */
  | 'NETSUITE'
  /** Salesforce: an Account id (15 or 18 characters) or a Contact id. */
  | 'SALESFORCE'
  /** Zendesk: an organization's or a user's numeric id, e.g. "360001234". */
  | 'ZENDESK';

/** An amount of money. The amount is a decimal string so that no client rounds it through a binary float. */
export type Money = {
  __typename?: 'Money';
  /** Decimal amount with two fraction digits, e.g. "129.90"; negative for credits. */
  amount: Scalars['String']['output'];
  /** ISO 4217 currency code, e.g. "USD". */
  currency: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Cancels an order that has not begun shipping (PENDING_APPROVAL or BOOKED) by
   * closing all its lines in the ERP; the order then reads CLOSED. A shipped,
   * partially shipped or released order is INVALID_STATUS_TRANSITION. With
   * expectedVersion (the order's `version`), a change made in the ERP since then
   * makes the cancel REJECTED with CONFLICT instead of overriding it.
   */
  cancelOrder: OrderWriteResult;
  /** Operator role: gives up on a queued or dead-lettered order write for good; its outcome becomes REJECTED with lastError.code DISCARDED. */
  discardOrderWrite: WriteOutcome;
  /**
   * Operator role: gives up for good on every queued or dead-lettered order write that
   * matches the filter, oldest first, at most `max`. Each ends REJECTED with code DISCARDED. Audited.
   */
  discardOrderWrites: WriteQueueBulkResult;
  /**
   * Places a sales order in the ERP for a customer. Validated before anything is
   * written: unknown or inactive SKUs and quantities outside 1..9999 are
   * BAD_USER_INPUT, a customer on credit hold is CREDIT_HOLD. The same
   * idempotencyKey returns the first call's result and never makes a second order.
   * QUEUED when the ERP cannot be reached; the order is placed once, later.
   */
  placeOrder: OrderWriteResult;
  /**
   * Requests a return (an RMA) against a shipped order. Each line names an order
   * line by lineNumber or sku. More than was shipped and not yet returned is
   * BAD_USER_INPUT; a request after the return window (counted from the order's
   * last shipment) is RETURN_WINDOW_EXPIRED.
   */
  requestReturn: ReturnWriteResult;
  /** Operator role: retries a dead-lettered order write with a fresh attempt budget, or brings a queued one's next attempt forward to now. */
  retryOrderWrite: WriteOutcome;
  /**
   * Operator role: retries every order write that matches the filter, oldest first, at most
   * `max`: dead letters with a fresh attempt budget, queued writes now. Audited.
   */
  retryOrderWrites: WriteQueueBulkResult;
};


export type MutationCancelOrderArgs = {
  expectedVersion?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  reason: Scalars['String']['input'];
};


export type MutationDiscardOrderWriteArgs = {
  reason: Scalars['String']['input'];
  writeId: Scalars['ID']['input'];
};


export type MutationDiscardOrderWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};


export type MutationPlaceOrderArgs = {
  idempotencyKey: Scalars['String']['input'];
  input: PlaceOrderInput;
};


export type MutationRequestReturnArgs = {
  idempotencyKey: Scalars['String']['input'];
  input: ReturnRequestInput;
};


export type MutationRetryOrderWriteArgs = {
  writeId: Scalars['ID']['input'];
};


export type MutationRetryOrderWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * A sales order, identified by its ERP document number. The ERP (NetSuite) is its
 * system of record; orders are placed, cancelled and returned there.
 */
export type Order = {
  __typename?: 'Order';
  /** The channel the order came in through. */
  channel: SalesChannel;
  /** The customer who placed the order. */
  customer: Customer;
  /** Where and when this order was read. */
  freshness: Freshness;
  /** The ERP document number (NetSuite tranid), e.g. "SO-100234". */
  id: Scalars['ID']['output'];
  /** The order's item lines, in line order. */
  lines: Array<OrderLine>;
  /** When the order was placed (created in the ERP). */
  placedAt: Scalars['DateTime']['output'];
  /** The return authorizations (RMAs) raised against the order, oldest first. */
  returns: Array<ReturnAuthorization>;
  /** The parcels shipped against the order (ERP item fulfillments), oldest first. */
  shipments: Array<Shipment>;
  /** Where the order is in its lifecycle, mapped from the ERP's status (see docs/status-mapping.md). */
  status: OrderStatus;
  /** The order total, in the order's currency. */
  total: Money;
  /**
   * The ERP's last-modified time of the order, as an opaque version: pass it as
   * cancelOrder's expectedVersion so that a change made in the ERP meanwhile is not overridden.
   */
  version?: Maybe<Scalars['String']['output']>;
};

/** A page of a customer's orders, newest first. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The orders on this page, each with its cursor. */
  edges: Array<OrderEdge>;
  /** Where and when this list was read. */
  freshness: Freshness;
  /** The orders on this page. */
  nodes: Array<Order>;
  /** Whether more orders follow, and the cursor to continue from. */
  pageInfo: PageInfo;
  /** How many orders match, across all pages. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An order on a page, with its cursor. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** Pass as `after` to continue after this order. */
  cursor: Scalars['String']['output'];
  /** The order. */
  node: Order;
};

/** One item line of a sales order. */
export type OrderLine = {
  __typename?: 'OrderLine';
  /** The line's description as the customer saw it. */
  description?: Maybe<Scalars['String']['output']>;
  /** The line's position on the order, from 1. */
  lineNumber: Scalars['Int']['output'];
  /** Units ordered. */
  quantity: Scalars['Int']['output'];
  /** Units shipped so far. */
  quantityShipped: Scalars['Int']['output'];
  /** The item's SKU, e.g. "SKU-10042". */
  sku: Scalars['String']['output'];
  /** The price of one unit. */
  unitPrice: Money;
};

/** One item line of a new order. */
export type OrderLineInput = {
  /** Units, from 1 to 9999. */
  quantity: Scalars['Int']['input'];
  /** The item's SKU, e.g. "SKU-10042". */
  sku: Scalars['String']['input'];
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

/** One status change of a sales order. */
export type OrderStatusChange = {
  __typename?: 'OrderStatusChange';
  /** When the ERP recorded the change. */
  changedAt: Scalars['DateTime']['output'];
  /** Stable identity of the change: the same change seen twice has the same id. */
  eventId: Scalars['ID']['output'];
  /** The order, as it is now. */
  order: Order;
  /** The status before the change; null when the order is new or the feed had not seen it before. */
  previousStatus?: Maybe<OrderStatus>;
  /** The status after the change. */
  status: OrderStatus;
};

/** What an order write did: the order only when the ERP has applied it. */
export type OrderWriteResult = {
  __typename?: 'OrderWriteResult';
  /** The order as the ERP holds it after the write; null unless APPLIED. */
  order?: Maybe<Order>;
  /** APPLIED, QUEUED (the ERP was out of reach; applied later under the same writeId), REJECTED or DEAD_LETTERED. */
  status: WriteStatus;
  /** Ask Query.orderWrite with this id for the outcome of a queued write. */
  writeId: Scalars['ID']['output'];
};

/** Where a page of a connection ends, and whether there is more. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last item on this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A new sales order. */
export type PlaceOrderInput = {
  /** The channel the order comes in through. */
  channel?: SalesChannel;
  /** The enterprise customer number, e.g. "C-000042". */
  customerId: Scalars['ID']['input'];
  /** The items, at least one and at most 100 lines. */
  lines: Array<OrderLineInput>;
  /** A note for the ERP order (at most 999 characters). */
  memo?: InputMaybe<Scalars['String']['input']>;
  /** Where to ship the order; the customer's default shipping address when omitted. */
  shipTo?: InputMaybe<ShipToInput>;
};

export type Query = {
  __typename?: 'Query';
  /**
   * One sales order by its ERP document number, e.g. "SO-100234". Null when the ERP
   * has no such order. A malformed number is BAD_USER_INPUT and costs no ERP call.
   */
  order?: Maybe<Order>;
  /**
   * The outcome of a order write by the writeId its mutation returned, e.g. "order:w_…". Staff
   * may read any order write. Null when the id is unknown or past retention, and, for a
   * storefront caller, also when the write is another customer's: the two read alike.
   * A malformed id is BAD_USER_INPUT.
   */
  orderWrite?: Maybe<WriteOutcome>;
  /**
   * The first writes of one part of the order write queue, oldest first. Operator role only.
   * @deprecated Use orderWrites, which pages with a cursor and filters by listing, kind, customer and time.
   */
  orderWriteQueue: Array<WriteOutcome>;
  /**
   * The order subgraph's write queue, a page at a time, oldest first: writes waiting for
   * the ERP (PENDING) and writes given up on (DEAD_LETTERED), narrowed by the filter.
   * Operator role only.
   */
  orderWrites: WriteQueueConnection;
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrderWriteArgs = {
  writeId: Scalars['ID']['input'];
};


export type QueryOrderWriteQueueArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: WriteQueueListing;
};


export type QueryOrderWritesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WriteQueueFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
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

/** A return authorization (RMA) raised against an order. */
export type ReturnAuthorization = {
  __typename?: 'ReturnAuthorization';
  /** When the return was authorized (created in the ERP). */
  createdAt: Scalars['DateTime']['output'];
  /** The ERP document number of the RMA, e.g. "RMA-500001". */
  id: Scalars['ID']['output'];
  /** The items being returned. */
  lines: Array<ReturnLine>;
  /** The customer's reason for the return, as recorded in the ERP. */
  reason?: Maybe<Scalars['String']['output']>;
  /** The amount to be refunded for the returned items (the RMA total). */
  refundAmount: Money;
  /**
   * Whether the refund has been authorized or issued. REFUNDED is shown only once the
   * ERP has issued the refund, never before.
   */
  refundStatus: RefundStatus;
  /** Where the return is in the ERP's flow. */
  status: ReturnStatus;
};

/** One item line of a return authorization. */
export type ReturnLine = {
  __typename?: 'ReturnLine';
  /** The line's description. */
  description?: Maybe<Scalars['String']['output']>;
  /** The line's position on the return, from 1. */
  lineNumber: Scalars['Int']['output'];
  /** Units authorized for return. */
  quantity: Scalars['Int']['output'];
  /** Units received back so far. */
  quantityReceived: Scalars['Int']['output'];
  /** The item's SKU. */
  sku: Scalars['String']['output'];
  /** The refund price of one unit. */
  unitPrice: Money;
};

/** One item line of a return request. */
export type ReturnLineInput = {
  /** The order line's lineNumber; give this or sku. */
  lineNumber?: InputMaybe<Scalars['Int']['input']>;
  /** Units to return, at least 1. */
  quantity: Scalars['Int']['input'];
  /** The order line's SKU; give this or lineNumber. */
  sku?: InputMaybe<Scalars['String']['input']>;
};

/** A return request against an order. */
export type ReturnRequestInput = {
  /** The items to return; each names an order line by lineNumber or by sku. */
  lines: Array<ReturnLineInput>;
  /** The ERP document number of the order, e.g. "SO-100234". */
  orderId: Scalars['ID']['input'];
  /** The customer's reason, recorded on the RMA. */
  reason: Scalars['String']['input'];
};

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

/** What a return request did: the return authorization only when the ERP has applied it. */
export type ReturnWriteResult = {
  __typename?: 'ReturnWriteResult';
  /** The new return authorization; null unless APPLIED. */
  returnAuthorization?: Maybe<ReturnAuthorization>;
  /** APPLIED, QUEUED, REJECTED or DEAD_LETTERED. */
  status: WriteStatus;
  /** Ask Query.orderWrite with this id for the outcome of a queued write. */
  writeId: Scalars['ID']['output'];
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
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2 country code, e.g. "US". */
  country: Scalars['String']['input'];
  /** Street and number. */
  line1: Scalars['String']['input'];
  /** Apartment, suite, floor. */
  line2?: InputMaybe<Scalars['String']['input']>;
  /** The addressee, e.g. the recipient's name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Postal or ZIP code. */
  postalCode: Scalars['String']['input'];
  /** State, province or county, where the country uses one. */
  region?: InputMaybe<Scalars['String']['input']>;
};

/** One parcel shipped against an order (a NetSuite item fulfillment). */
export type Shipment = {
  __typename?: 'Shipment';
  /** The carrier, e.g. "UPS"; null when none is recorded. */
  carrier?: Maybe<Scalars['String']['output']>;
  /** The ERP document number of the fulfillment, e.g. "SHIP-700001". */
  id: Scalars['ID']['output'];
  /** When the parcel left the warehouse; null until it has shipped. */
  shippedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where the parcel is in the warehouse flow. */
  status: ShipmentStatus;
  /** The carrier's tracking number; null when none is recorded. */
  trackingNumber?: Maybe<Scalars['String']['output']>;
};

/** The warehouse state of a shipment. */
export type ShipmentStatus =
  /** The parcel is packed and waiting for the carrier. */
  | 'PACKED'
  /** The items have been picked from the shelves. */
  | 'PICKED'
  /** The parcel has left with the carrier. */
  | 'SHIPPED';

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Status changes of sales orders, as the ERP's change feed reports them (and as
   * this graph's own writes make them). Filtered by customer and/or order. A
   * storefront caller must pass its own customerId; without customerId the
   * subscription needs a staff role.
   */
  orderStatusChanged: OrderStatusChange;
  /**
   * One order write's outcome once it settles: APPLIED, REJECTED (refused by the ERP,
   * or discarded by an operator) or DEAD_LETTERED. One event, then the subscription completes;
   * a write that has settled already answers at once, so subscribing after a QUEUED answer
   * misses nothing. Staff only (a storefront reads `orderWrite`). An unknown id, or one
   * past retention, is NOT_FOUND; a malformed id is BAD_USER_INPUT.
   */
  orderWriteSettled: WriteOutcome;
};


export type SubscriptionOrderStatusChangedArgs = {
  customerId?: InputMaybe<Scalars['ID']['input']>;
  orderId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionOrderWriteSettledArgs = {
  writeId: Scalars['ID']['input'];
};

/** The system of record that owns a piece of data. */
export type SystemOfRecord =
  /** The ERP (NetSuite): orders, shipments, returns, invoices, payments, credit. */
  | 'ERP'
  /** Salesforce: engagement, loyalty, consent. */
  | 'SALESFORCE'
  /** The service desk (Zendesk): cases, comments, SLAs. */
  | 'SERVICE_DESK';

/** Why a write was refused or could not be applied. */
export type WriteError = {
  __typename?: 'WriteError';
  /** Error code from the documented list, e.g. CONFLICT, CREDIT_HOLD or UPSTREAM_UNAVAILABLE. */
  code: Scalars['String']['output'];
  /** What went wrong, in words. */
  message: Scalars['String']['output'];
};

/** What became of a write, looked up by its writeId, or listed in a write queue. Identifiers only: what the write carries is not shown. */
export type WriteOutcome = {
  __typename?: 'WriteOutcome';
  /** How many times the write was sent to that system. */
  attempts: Scalars['Int']['output'];
  /** When the write was accepted. */
  createdAt: Scalars['DateTime']['output'];
  /** The customer the write is for, when it names one. */
  customerId?: Maybe<Scalars['ID']['output']>;
  /** What the write does, e.g. "order.place", "customer.engagement" or "finance.billingAddress". */
  kind: Scalars['String']['output'];
  /** The last refusal or failure, if any. */
  lastError?: Maybe<WriteError>;
  /** When a queued write is next attempted; null unless QUEUED and waiting. */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where the write stands now. */
  status: WriteStatus;
  /** The system of record the write goes to. */
  system: SystemOfRecord;
  /** When its status last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** The write's identity, as returned by the mutation. */
  writeId: Scalars['ID']['output'];
};

/** A matching write a bulk action could not change, and why. */
export type WriteQueueBulkFailure = {
  __typename?: 'WriteQueueBulkFailure';
  /** Why: CONFLICT (being attempted right now) or INVALID_STATUS_TRANSITION (it settled meanwhile). */
  code: Scalars['String']['output'];
  /** What went wrong, in words. */
  message: Scalars['String']['output'];
  /** The write. */
  writeId: Scalars['ID']['output'];
};

/** What a bulk retry or discard did. */
export type WriteQueueBulkResult = {
  __typename?: 'WriteQueueBulkResult';
  /** How many writes it changed. */
  affected: Scalars['Int']['output'];
  /** Matching writes it could not change. */
  failures: Array<WriteQueueBulkFailure>;
  /** True when more writes matched than `max`: call again for the rest. */
  hasMore: Scalars['Boolean']['output'];
  /** The writes it changed, oldest first. */
  writeIds: Array<Scalars['ID']['output']>;
};

/**
 * A page of a write queue, oldest first (submission order). Pages are keyset pages: writes
 * queued while a client pages come after the pages it has read, so none is skipped or repeated
 * (an operator retry moves a write to the end of the queue, where it is listed again).
 */
export type WriteQueueConnection = {
  __typename?: 'WriteQueueConnection';
  /** The writes on this page, each with its cursor. */
  edges: Array<WriteQueueEdge>;
  /** The writes on this page. */
  nodes: Array<WriteOutcome>;
  /** Where this page ends, and whether there is more. */
  pageInfo: PageInfo;
  /** How many writes match the filter in all; counted only when asked for. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One write in a page of a write queue. */
export type WriteQueueEdge = {
  __typename?: 'WriteQueueEdge';
  /** Pass as `after` to continue after this write. */
  cursor: Scalars['String']['output'];
  /** The write. */
  node: WriteOutcome;
};

/**
 * Which writes of a write queue to list, retry or discard. Every condition given must hold; an
 * omitted one does not narrow. Bulk retry and discard require `listing`.
 */
export type WriteQueueFilter = {
  /** Only writes for this customer number. */
  customerId?: InputMaybe<Scalars['ID']['input']>;
  /** Write kinds, e.g. ["order.place"]; an unknown kind is BAD_USER_INPUT. */
  kinds?: InputMaybe<Array<Scalars['String']['input']>>;
  /** PENDING, DEAD_LETTERED or both; omitted means both (bulk actions must name it). */
  listing?: InputMaybe<Array<WriteQueueListing>>;
  /** Only writes whose timeField is at or after this instant. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Which timestamp since and until compare. */
  timeField?: InputMaybe<WriteQueueTimeField>;
  /** Only writes whose timeField is before this instant. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Which part of a write queue to list. */
export type WriteQueueListing =
  /** Given up on after too many attempts or too long; an operator may retry or discard them. */
  | 'DEAD_LETTERED'
  /** Queued or being attempted: waiting for the system of record. */
  | 'PENDING';

/** Which timestamp of a write a WriteQueueFilter's since and until compare. */
export type WriteQueueTimeField =
  /** When the write was accepted. */
  | 'CREATED_AT'
  /** When its status last changed. */
  | 'UPDATED_AT';

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



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  Customer: Customer;
  Order: Order;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Customer:
    ( { __typename: 'Customer' }
    & GraphQLRecursivePick<FederationTypes['Customer'], {"id":true}> );
  Order:
    ( { __typename: 'Order' }
    & GraphQLRecursivePick<FederationTypes['Order'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Address: ResolverTypeWrapper<Address>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Customer: ResolverTypeWrapper<CustomerRef>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CustomerIdentity: ResolverTypeWrapper<CustomerIdentity>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Freshness: ResolverTypeWrapper<FreshnessValue>;
  IdentityLink: IdentityLink;
  IdentityLinkResult: ResolverTypeWrapper<IdentityLinkResult>;
  IdentityRecordType: IdentityRecordType;
  IdentitySystem: IdentitySystem;
  Money: ResolverTypeWrapper<MoneyValue>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<OrderRecord>;
  OrderConnection: ResolverTypeWrapper<OrderConnectionParent>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderLine: ResolverTypeWrapper<OrderLineRecord>;
  OrderLineInput: OrderLineInput;
  OrderStatus: OrderStatus;
  OrderStatusChange: ResolverTypeWrapper<Omit<OrderStatusChange, 'order'> & { order: ResolversTypes['Order'] }>;
  OrderWriteResult: ResolverTypeWrapper<Omit<OrderWriteResult, 'order'> & { order?: Maybe<ResolversTypes['Order']> }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PlaceOrderInput: PlaceOrderInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RefundStatus: RefundStatus;
  ReturnAuthorization: ResolverTypeWrapper<ReturnRecord>;
  ReturnLine: ResolverTypeWrapper<ReturnLineRecord>;
  ReturnLineInput: ReturnLineInput;
  ReturnRequestInput: ReturnRequestInput;
  ReturnStatus: ReturnStatus;
  ReturnWriteResult: ResolverTypeWrapper<Omit<ReturnWriteResult, 'returnAuthorization'> & { returnAuthorization?: Maybe<ResolversTypes['ReturnAuthorization']> }>;
  SalesChannel: SalesChannel;
  ShipToInput: ShipToInput;
  Shipment: ResolverTypeWrapper<ShipmentRecord>;
  ShipmentStatus: ShipmentStatus;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SystemOfRecord: SystemOfRecord;
  WriteError: ResolverTypeWrapper<WriteError>;
  WriteOutcome: ResolverTypeWrapper<WriteOutcome>;
  WriteQueueBulkFailure: ResolverTypeWrapper<WriteQueueBulkFailure>;
  WriteQueueBulkResult: ResolverTypeWrapper<WriteQueueBulkResult>;
  WriteQueueConnection: ResolverTypeWrapper<WriteQueueConnection>;
  WriteQueueEdge: ResolverTypeWrapper<WriteQueueEdge>;
  WriteQueueFilter: WriteQueueFilter;
  WriteQueueListing: WriteQueueListing;
  WriteQueueTimeField: WriteQueueTimeField;
  WriteStatus: WriteStatus;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Address: Address;
  String: Scalars['String']['output'];
  Customer: CustomerRef;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  CustomerIdentity: CustomerIdentity;
  Float: Scalars['Float']['output'];
  Boolean: Scalars['Boolean']['output'];
  DateTime: Scalars['DateTime']['output'];
  Freshness: FreshnessValue;
  IdentityLinkResult: IdentityLinkResult;
  Money: MoneyValue;
  Mutation: Record<PropertyKey, never>;
  Order: OrderRecord;
  OrderConnection: OrderConnectionParent;
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderLine: OrderLineRecord;
  OrderLineInput: OrderLineInput;
  OrderStatusChange: Omit<OrderStatusChange, 'order'> & { order: ResolversParentTypes['Order'] };
  OrderWriteResult: Omit<OrderWriteResult, 'order'> & { order?: Maybe<ResolversParentTypes['Order']> };
  PageInfo: PageInfo;
  PlaceOrderInput: PlaceOrderInput;
  Query: Record<PropertyKey, never>;
  ReturnAuthorization: ReturnRecord;
  ReturnLine: ReturnLineRecord;
  ReturnLineInput: ReturnLineInput;
  ReturnRequestInput: ReturnRequestInput;
  ReturnWriteResult: Omit<ReturnWriteResult, 'returnAuthorization'> & { returnAuthorization?: Maybe<ResolversParentTypes['ReturnAuthorization']> };
  ShipToInput: ShipToInput;
  Shipment: ShipmentRecord;
  Subscription: Record<PropertyKey, never>;
  WriteError: WriteError;
  WriteOutcome: WriteOutcome;
  WriteQueueBulkFailure: WriteQueueBulkFailure;
  WriteQueueBulkResult: WriteQueueBulkResult;
  WriteQueueConnection: WriteQueueConnection;
  WriteQueueEdge: WriteQueueEdge;
  WriteQueueFilter: WriteQueueFilter;
};

export type AddressResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = {
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  country?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CustomerResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer'], FederationReferenceType extends FederationReferenceTypes['Customer'] = FederationReferenceTypes['Customer']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Customer']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  orders?: Resolver<Maybe<ResolversTypes['OrderConnection']>, ParentType, ContextType, RequireFields<CustomerOrdersArgs, 'first'>>;
};

export type CustomerIdentityResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['CustomerIdentity'] = ResolversParentTypes['CustomerIdentity']> = {
  confidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  linkedBy?: Resolver<ResolversTypes['IdentityLink'], ParentType, ContextType>;
  matchedOn?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  recordType?: Resolver<ResolversTypes['IdentityRecordType'], ParentType, ContextType>;
  suggested?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  system?: Resolver<ResolversTypes['IdentitySystem'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type FreshnessResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Freshness'] = ResolversParentTypes['Freshness']> = {
  fetchedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['SystemOfRecord'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type IdentityLinkResultResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['IdentityLinkResult'] = ResolversParentTypes['IdentityLinkResult']> = {
  identity?: Resolver<Maybe<ResolversTypes['CustomerIdentity']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  cancelOrder?: Resolver<ResolversTypes['OrderWriteResult'], ParentType, ContextType, RequireFields<MutationCancelOrderArgs, 'id' | 'reason'>>;
  discardOrderWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationDiscardOrderWriteArgs, 'reason' | 'writeId'>>;
  discardOrderWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationDiscardOrderWritesArgs, 'filter' | 'max' | 'reason'>>;
  placeOrder?: Resolver<ResolversTypes['OrderWriteResult'], ParentType, ContextType, RequireFields<MutationPlaceOrderArgs, 'idempotencyKey' | 'input'>>;
  requestReturn?: Resolver<ResolversTypes['ReturnWriteResult'], ParentType, ContextType, RequireFields<MutationRequestReturnArgs, 'idempotencyKey' | 'input'>>;
  retryOrderWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationRetryOrderWriteArgs, 'writeId'>>;
  retryOrderWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationRetryOrderWritesArgs, 'filter' | 'max'>>;
};

export type OrderResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  channel?: Resolver<ResolversTypes['SalesChannel'], ParentType, ContextType>;
  customer?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['OrderLine']>, ParentType, ContextType>;
  placedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  returns?: Resolver<Array<ResolversTypes['ReturnAuthorization']>, ParentType, ContextType>;
  shipments?: Resolver<Array<ResolversTypes['Shipment']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type OrderConnectionResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = {
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Order']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type OrderEdgeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
};

export type OrderLineResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderLine'] = ResolversParentTypes['OrderLine']> = {
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lineNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  quantityShipped?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type OrderStatusChangeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderStatusChange'] = ResolversParentTypes['OrderStatusChange']> = {
  changedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  order?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
  previousStatus?: Resolver<Maybe<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
};

export type OrderWriteResultResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderWriteResult'] = ResolversParentTypes['OrderWriteResult']> = {
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderArgs, 'id'>>;
  orderWrite?: Resolver<Maybe<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryOrderWriteArgs, 'writeId'>>;
  orderWriteQueue?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryOrderWriteQueueArgs, 'first' | 'status'>>;
  orderWrites?: Resolver<ResolversTypes['WriteQueueConnection'], ParentType, ContextType, RequireFields<QueryOrderWritesArgs, 'first'>>;
};

export type ReturnAuthorizationResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['ReturnAuthorization'] = ResolversParentTypes['ReturnAuthorization']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['ReturnLine']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  refundAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  refundStatus?: Resolver<ResolversTypes['RefundStatus'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ReturnStatus'], ParentType, ContextType>;
};

export type ReturnLineResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['ReturnLine'] = ResolversParentTypes['ReturnLine']> = {
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lineNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  quantityReceived?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type ReturnWriteResultResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['ReturnWriteResult'] = ResolversParentTypes['ReturnWriteResult']> = {
  returnAuthorization?: Resolver<Maybe<ResolversTypes['ReturnAuthorization']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ShipmentResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Shipment'] = ResolversParentTypes['Shipment']> = {
  carrier?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  shippedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ShipmentStatus'], ParentType, ContextType>;
  trackingNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  orderStatusChanged?: SubscriptionResolver<ResolversTypes['OrderStatusChange'], "orderStatusChanged", ParentType, ContextType, Partial<SubscriptionOrderStatusChangedArgs>>;
  orderWriteSettled?: SubscriptionResolver<ResolversTypes['WriteOutcome'], "orderWriteSettled", ParentType, ContextType, RequireFields<SubscriptionOrderWriteSettledArgs, 'writeId'>>;
};

export type WriteErrorResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['WriteError'] = ResolversParentTypes['WriteError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type WriteOutcomeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['WriteOutcome'] = ResolversParentTypes['WriteOutcome']> = {
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  customerId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['WriteError']>, ParentType, ContextType>;
  nextAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  system?: Resolver<ResolversTypes['SystemOfRecord'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type WriteQueueBulkFailureResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['WriteQueueBulkFailure'] = ResolversParentTypes['WriteQueueBulkFailure']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type WriteQueueBulkResultResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['WriteQueueBulkResult'] = ResolversParentTypes['WriteQueueBulkResult']> = {
  affected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failures?: Resolver<Array<ResolversTypes['WriteQueueBulkFailure']>, ParentType, ContextType>;
  hasMore?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  writeIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type WriteQueueConnectionResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['WriteQueueConnection'] = ResolversParentTypes['WriteQueueConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WriteQueueEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type WriteQueueEdgeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['WriteQueueEdge'] = ResolversParentTypes['WriteQueueEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType>;
};

export type Resolvers<ContextType = OrderContext> = {
  Address?: AddressResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  CustomerIdentity?: CustomerIdentityResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Freshness?: FreshnessResolvers<ContextType>;
  IdentityLinkResult?: IdentityLinkResultResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderLine?: OrderLineResolvers<ContextType>;
  OrderStatusChange?: OrderStatusChangeResolvers<ContextType>;
  OrderWriteResult?: OrderWriteResultResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReturnAuthorization?: ReturnAuthorizationResolvers<ContextType>;
  ReturnLine?: ReturnLineResolvers<ContextType>;
  ReturnWriteResult?: ReturnWriteResultResolvers<ContextType>;
  Shipment?: ShipmentResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  WriteError?: WriteErrorResolvers<ContextType>;
  WriteOutcome?: WriteOutcomeResolvers<ContextType>;
  WriteQueueBulkFailure?: WriteQueueBulkFailureResolvers<ContextType>;
  WriteQueueBulkResult?: WriteQueueBulkResultResolvers<ContextType>;
  WriteQueueConnection?: WriteQueueConnectionResolvers<ContextType>;
  WriteQueueEdge?: WriteQueueEdgeResolvers<ContextType>;
};


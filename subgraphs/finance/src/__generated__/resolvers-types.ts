import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CustomerRef, EntityRef, InvoiceConnectionParent, FinanceContext } from '../resolvers.js';
import type { InvoiceRecord, PaymentRecord, FinancialsRecord, AddressRecord } from '../netsuite.js';
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
 * A postal address to write. Checked before anything is sent to the ERP: line1, city,
 * postalCode and country are required and must not be blank; country is an ISO 3166-1
 * alpha-2 code such as "US" or "DE"; each line fits the ERP's field lengths.
 */
export type AddressInput = {
  /** City or town (at most 50 characters). */
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2 country code, e.g. "US"; lower case is accepted and upper-cased. */
  country: Scalars['String']['input'];
  /** First line: street and number (at most 150 characters). */
  line1: Scalars['String']['input'];
  /** Second line: flat, suite or building (at most 150 characters); omitted or blank clears it. */
  line2?: InputMaybe<Scalars['String']['input']>;
  /** Postal or ZIP code (at most 36 characters). */
  postalCode: Scalars['String']['input'];
  /** State, province or region, where the country uses one (at most 30 characters). */
  region?: InputMaybe<Scalars['String']['input']>;
};

/** The result of a billing write. The financials are returned only when the write was APPLIED. */
export type BillingWriteResult = {
  __typename?: 'BillingWriteResult';
  /** Why the write is not applied yet (for QUEUED: the ERP failure that queued it); empty when APPLIED. */
  errors: Array<WriteError>;
  /** The customer's financials as the ERP holds them after the write; null unless APPLIED. */
  financials?: Maybe<CustomerFinancials>;
  /**
   * APPLIED: the ERP took it. QUEUED: the ERP could not be reached; the write is stored and will be
   * applied once, later, under the same writeId (follow it with Query.financeWrite). A write the ERP
   * refuses on its first attempt is reported as an error with its code (CONFLICT, NOT_FOUND, …) and
   * `extensions.writeId`; a queued write refused on replay reads REJECTED through financeWrite.
   */
  status: WriteStatus;
  /** The write's identity, e.g. "finance:w_…"; the same for a retry with the same idempotencyKey. */
  writeId: Scalars['ID']['output'];
};

/**
 * A customer, identified by the enterprise customer number. The finance subgraph
 * contributes what the ERP knows about the customer's money: balances, credit,
 * payment terms, addresses and invoices. Every field here comes from the ERP and
 * is nullable, so an ERP outage nulls only these fields.
 */
export type Customer = {
  __typename?: 'Customer';
  /** The customer's e-mail address, from Salesforce: what the matching rule compares ERP customers with. */
  email?: Maybe<Scalars['String']['output']>;
  /**
   * The ERP's records of this customer (docs/identity.md): the NetSuite customer whose external id
   * is the customer number (SHARED_KEY). Read with the customer's financial standing, so it costs no
   * call when `financials` is asked too or cached. When no NetSuite customer holds the number,
   * candidates (MATCHED): NetSuite customers without an external id whose e-mail is the customer's,
   * scored by the matching rule, above its show threshold, and not rejected; one SuiteQL query for
   * the view's customers, cached by address. Their financials and invoices are not shown as the
   * customer's until a candidate is confirmed (confirmErpIdentity). Staff roles only. Null with an
   * error naming ERP when the ERP cannot be reached.
   */
  erpIdentities?: Maybe<Array<CustomerIdentity>>;
  /**
   * The customer's financial standing as the ERP reports it: balances, credit and
   * addresses. Null when the ERP has no customer with this number, or when the ERP
   * could not be reached (the error then says so). Read-only: credit is governed by the ERP.
   */
  financials?: Maybe<CustomerFinancials>;
  /** The enterprise customer number, e.g. "C-000042" (the NetSuite customer's external id). */
  id: Scalars['ID']['output'];
  /**
   * The customer's invoices, newest first (by invoice date, then by ERP record).
   * An unknown customer has an empty list. Null only when the ERP could not be reached.
   */
  invoices?: Maybe<InvoiceConnection>;
  /** The customer's name, from Salesforce. */
  name?: Maybe<Scalars['String']['output']>;
  /** The customer's phone number, from Salesforce. */
  phone?: Maybe<Scalars['String']['output']>;
};


/**
 * A customer, identified by the enterprise customer number. The finance subgraph
 * contributes what the ERP knows about the customer's money: balances, credit,
 * payment terms, addresses and invoices. Every field here comes from the ERP and
 * is nullable, so an ERP outage nulls only these fields.
 */
export type CustomerFinancialsArgs = {
  maxAgeSeconds?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * A customer, identified by the enterprise customer number. The finance subgraph
 * contributes what the ERP knows about the customer's money: balances, credit,
 * payment terms, addresses and invoices. Every field here comes from the ERP and
 * is nullable, so an ERP outage nulls only these fields.
 */
export type CustomerInvoicesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<Array<InvoiceStatus>>;
};

/**
 * A customer's financial standing in the ERP. Every field is governed by the ERP and
 * read-only in the graph.
 */
export type CustomerFinancials = {
  __typename?: 'CustomerFinancials';
  /** What the customer owes: the sum of the amounts still due on open invoices. */
  balance: Money;
  /** The default billing address, if the customer has one. */
  billingAddress?: Maybe<Address>;
  /**
   * Whether the ERP holds the customer's credit: on when the ERP's hold is set on,
   * off when it is set off, and, when the ERP decides automatically, on when the
   * balance exceeds a set credit limit.
   */
  creditHold: Scalars['Boolean']['output'];
  /** The credit limit the ERP grants the customer; null when none is set. */
  creditLimit?: Maybe<Money>;
  /** Where these figures were read from, and when. */
  freshness: Freshness;
  /** The part of the balance on invoices whose due date has passed. */
  overdueBalance: Money;
  /** The customer's payment terms as the ERP names them, e.g. "Net 30". */
  paymentTerms?: Maybe<Scalars['String']['output']>;
  /** The customer's shipping addresses, the default shipping address first. */
  shippingAddresses: Array<Address>;
  /**
   * The version of the ERP's customer record these figures were read from: its last-modified
   * time, ISO-8601 UTC to the second, e.g. "2026-11-20T09:15:00Z". Pass it as
   * `expectedVersion` to updateBillingAddress so that the update is refused with CONFLICT,
   * rather than applied, when the record changed in the ERP after you read it. Read with
   * `maxAgeSeconds: 0` for the ERP's current version. Null when the ERP reports none.
   */
  version?: Maybe<Scalars['String']['output']>;
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

/**
 * An invoice (NetSuite transaction type CustInvc). Invoices are read-only in the
 * graph: finance logic stays in the ERP.
 */
export type Invoice = {
  __typename?: 'Invoice';
  /** What remains to be paid after payments and applied credits; zero when paid or voided. */
  amountDue: Money;
  /** The customer billed. */
  customer: Customer;
  /** The date payment is due, at midnight UTC; the invoice date when the ERP has no due date. */
  dueAt: Scalars['DateTime']['output'];
  /** Where this invoice was read from, and when. */
  freshness: Freshness;
  /** The invoice's document number, e.g. "INV-300017". */
  id: Scalars['ID']['output'];
  /** The invoice date (the ERP's transaction date), at midnight UTC. */
  issuedAt: Scalars['DateTime']['output'];
  /** The sales order this invoice was created from, when there is one. */
  order?: Maybe<Order>;
  /** The customer payments applied to this invoice, oldest first. Credit memos are not payments and are not listed. */
  payments: Array<Payment>;
  /** The invoice's status, derived from the ERP's own record (see InvoiceStatus for the rule). */
  status: InvoiceStatus;
  /** The invoice total, in the invoice's currency. */
  total: Money;
};

/** A page of a customer's invoices, newest first. */
export type InvoiceConnection = {
  __typename?: 'InvoiceConnection';
  /** The invoices on this page, each with its cursor. */
  edges: Array<InvoiceEdge>;
  /** Where this page was read from, and when. */
  freshness: Freshness;
  /** The invoices on this page. */
  nodes: Array<Invoice>;
  /** Whether more invoices follow, and the cursor to continue from. */
  pageInfo: PageInfo;
  /** How many invoices match in all, across every page. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** An invoice in a page, with the cursor that points at it. */
export type InvoiceEdge = {
  __typename?: 'InvoiceEdge';
  /** Pass as `after` to get the invoices that follow this one. */
  cursor: Scalars['String']['output'];
  /** The invoice. */
  node: Invoice;
};

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

/**
 * An invoice's status or amount due changed in the ERP: a payment or credit memo was applied,
 * it was voided, or it fell overdue on an edit. Read from the ERP's own change mechanism
 * (polling by last-modified time), so changes made inside the ERP arrive too.
 */
export type InvoiceStatusChange = {
  __typename?: 'InvoiceStatusChange';
  /** What remains to be paid after the change. */
  amountDue: Money;
  /** When the ERP recorded the change, to the second. */
  changedAt: Scalars['DateTime']['output'];
  /** Stable identity of this change: the same however often it is delivered. */
  eventId: Scalars['ID']['output'];
  /** The invoice as the ERP held it after the change. */
  invoice: Invoice;
  /** The status before the change; null when the feed had not seen this invoice before. */
  previousStatus?: Maybe<InvoiceStatus>;
  /** The status after the change (it can equal previousStatus when only the amount due changed). */
  status: InvoiceStatus;
};

/** An amount of money. The amount is a decimal string so that no client rounds it through a binary float. */
export type Money = {
  __typename?: 'Money';
  /** Decimal amount with two fraction digits, e.g. "129.90"; negative for credits. */
  amount: Scalars['String']['output'];
  /** ISO 4217 currency code, e.g. "USD". */
  currency: Scalars['String']['output'];
};

/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Confirms a candidate (docs/identity.md): writes the customer number into the NetSuite customer
   * record's external id, so that the link is held by the ERP, and the customer's financials and
   * invoices are read from that record from then on. Routed, idempotent and queued like every write:
   * QUEUED when the ERP cannot be reached, APPLIED once it holds the number (confirming again
   * changes nothing), CONFLICT when the record holds another customer's number or another record
   * holds this one. Staff roles only.
   */
  confirmErpIdentity: IdentityLinkResult;
  /** Operator role: gives up on a queued or dead-lettered finance write for good; its outcome becomes REJECTED with lastError.code DISCARDED. */
  discardFinanceWrite: WriteOutcome;
  /**
   * Operator role: gives up for good on every queued or dead-lettered finance write that
   * matches the filter, oldest first, at most `max`. Each ends REJECTED with code DISCARDED. Audited.
   */
  discardFinanceWrites: WriteQueueBulkResult;
  /**
   * Rejects a candidate: it is remembered (Redis, or a file under FEEDS_DIR) and never suggested for
   * this customer again. Nothing is written to the ERP. Staff roles only.
   */
  rejectErpIdentity: Scalars['Boolean']['output'];
  /** Operator role: retries a dead-lettered finance write with a fresh attempt budget, or brings a queued one's next attempt forward to now. */
  retryFinanceWrite: WriteOutcome;
  /**
   * Operator role: retries every finance write that matches the filter, oldest first, at most
   * `max`: dead letters with a fresh attempt budget, queued writes now. Audited.
   */
  retryFinanceWrites: WriteQueueBulkResult;
  /**
   * Sets the customer's default billing address in the ERP (the NetSuite customer's address
   * book). Finance role only. Setting the address the customer already has changes nothing and
   * answers APPLIED. With `expectedVersion` (CustomerFinancials.version), the update is refused
   * with CONFLICT when the ERP record changed since that version, also when a queued write is
   * replayed later. When the ERP is unreachable the write answers QUEUED and is applied once later.
   */
  updateBillingAddress: BillingWriteResult;
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationConfirmErpIdentityArgs = {
  customerId: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  recordId: Scalars['ID']['input'];
  recordType: IdentityRecordType;
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationDiscardFinanceWriteArgs = {
  reason: Scalars['String']['input'];
  writeId: Scalars['ID']['input'];
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationDiscardFinanceWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationRejectErpIdentityArgs = {
  customerId: Scalars['ID']['input'];
  recordId: Scalars['ID']['input'];
  recordType: IdentityRecordType;
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationRetryFinanceWriteArgs = {
  writeId: Scalars['ID']['input'];
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationRetryFinanceWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
};


/** The finance subgraph's writes. Credit, balances, terms, invoices and payments are governed by the ERP and have no mutations. */
export type MutationUpdateBillingAddressArgs = {
  address: AddressInput;
  customerId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['String']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A sales order, identified by its ERP document number. The finance subgraph
 * contributes the invoices billed against it.
 */
export type Order = {
  __typename?: 'Order';
  /** The ERP document number of the order, e.g. "SO-100234". */
  id: Scalars['ID']['output'];
  /**
   * The invoices created from this order, newest first; empty when it has not been
   * billed (or the ERP has no such order). Null only when the ERP could not be reached.
   */
  invoices?: Maybe<Array<Invoice>>;
};

/** Where a page of a connection ends, and whether there is more. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last item on this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A customer payment applied to an invoice. */
export type Payment = {
  __typename?: 'Payment';
  /** The part of the payment applied to this invoice. */
  amount?: Maybe<Money>;
  /** The payment's document number in the ERP, e.g. "PMT-400017". */
  id: Scalars['ID']['output'];
  /** How the customer paid, as the ERP names the payment method, e.g. "Visa" or "ACH". */
  method?: Maybe<Scalars['String']['output']>;
  /** The payment date, at midnight UTC. */
  receivedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** The finance subgraph's entry points. */
export type Query = {
  __typename?: 'Query';
  /**
   * The outcome of a finance write by the writeId its mutation returned, e.g. "finance:w_…". Staff
   * may read any finance write. Null when the id is unknown or past retention, and, for a
   * storefront caller, also when the write is another customer's: the two read alike.
   * A malformed id is BAD_USER_INPUT.
   */
  financeWrite?: Maybe<WriteOutcome>;
  /**
   * The first writes of one part of the finance write queue, oldest first. Operator role only.
   * @deprecated Use financeWrites, which pages with a cursor and filters by listing, kind, customer and time.
   */
  financeWriteQueue: Array<WriteOutcome>;
  /**
   * The finance subgraph's write queue, a page at a time, oldest first: writes waiting for
   * the ERP (PENDING) and writes given up on (DEAD_LETTERED), narrowed by the filter.
   * Operator role only.
   */
  financeWrites: WriteQueueConnection;
  /**
   * An invoice by its document number, e.g. "INV-300017". Null when the ERP has no
   * such invoice; a malformed number is refused with BAD_USER_INPUT before any call.
   */
  invoice?: Maybe<Invoice>;
};


/** The finance subgraph's entry points. */
export type QueryFinanceWriteArgs = {
  writeId: Scalars['ID']['input'];
};


/** The finance subgraph's entry points. */
export type QueryFinanceWriteQueueArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: WriteQueueListing;
};


/** The finance subgraph's entry points. */
export type QueryFinanceWritesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WriteQueueFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The finance subgraph's entry points. */
export type QueryInvoiceArgs = {
  id: Scalars['ID']['input'];
};

/** Live changes from the finance subgraph, over graphql-ws through the gateway. */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * One finance write's outcome once it settles: APPLIED, REJECTED (refused by the ERP,
   * or discarded by an operator) or DEAD_LETTERED. One event, then the subscription completes;
   * a write that has settled already answers at once, so subscribing after a QUEUED answer
   * misses nothing. Staff only (a storefront reads `financeWrite`). An unknown id, or one
   * past retention, is NOT_FOUND; a malformed id is BAD_USER_INPUT.
   */
  financeWriteSettled: WriteOutcome;
  /**
   * Invoice status and payment changes, filtered by customer and/or invoice. A storefront caller
   * must pass its own customerId; without customerId the agent role is needed.
   */
  invoiceStatusChanged: InvoiceStatusChange;
};


/** Live changes from the finance subgraph, over graphql-ws through the gateway. */
export type SubscriptionFinanceWriteSettledArgs = {
  writeId: Scalars['ID']['input'];
};


/** Live changes from the finance subgraph, over graphql-ws through the gateway. */
export type SubscriptionInvoiceStatusChangedArgs = {
  customerId?: InputMaybe<Scalars['ID']['input']>;
  invoiceId?: InputMaybe<Scalars['ID']['input']>;
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
  Invoice: Invoice;
  Order: Order;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Customer:
    ( { __typename: 'Customer' }
    & GraphQLRecursivePick<FederationTypes['Customer'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Customer'], {"email":true,"name":true,"phone":true}> ) );
  Invoice:
    ( { __typename: 'Invoice' }
    & GraphQLRecursivePick<FederationTypes['Invoice'], {"id":true}> );
  Order:
    ( { __typename: 'Order' }
    & GraphQLRecursivePick<FederationTypes['Order'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Address: ResolverTypeWrapper<AddressRecord>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  AddressInput: AddressInput;
  BillingWriteResult: ResolverTypeWrapper<Omit<BillingWriteResult, 'financials'> & { financials?: Maybe<ResolversTypes['CustomerFinancials']> }>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Customer: ResolverTypeWrapper<CustomerRef>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CustomerFinancials: ResolverTypeWrapper<FinancialsRecord>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CustomerIdentity: ResolverTypeWrapper<CustomerIdentity>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Freshness: ResolverTypeWrapper<FreshnessValue>;
  IdentityLink: IdentityLink;
  IdentityLinkResult: ResolverTypeWrapper<IdentityLinkResult>;
  IdentityRecordType: IdentityRecordType;
  IdentitySystem: IdentitySystem;
  Invoice: ResolverTypeWrapper<InvoiceRecord>;
  InvoiceConnection: ResolverTypeWrapper<InvoiceConnectionParent>;
  InvoiceEdge: ResolverTypeWrapper<Omit<InvoiceEdge, 'node'> & { node: ResolversTypes['Invoice'] }>;
  InvoiceStatus: InvoiceStatus;
  InvoiceStatusChange: ResolverTypeWrapper<Omit<InvoiceStatusChange, 'amountDue' | 'invoice'> & { amountDue: ResolversTypes['Money'], invoice: ResolversTypes['Invoice'] }>;
  Money: ResolverTypeWrapper<MoneyValue>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<EntityRef>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Payment: ResolverTypeWrapper<PaymentRecord>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
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
  Address: AddressRecord;
  String: Scalars['String']['output'];
  AddressInput: AddressInput;
  BillingWriteResult: Omit<BillingWriteResult, 'financials'> & { financials?: Maybe<ResolversParentTypes['CustomerFinancials']> };
  ID: Scalars['ID']['output'];
  Customer: CustomerRef;
  Int: Scalars['Int']['output'];
  CustomerFinancials: FinancialsRecord;
  Boolean: Scalars['Boolean']['output'];
  CustomerIdentity: CustomerIdentity;
  Float: Scalars['Float']['output'];
  DateTime: Scalars['DateTime']['output'];
  Freshness: FreshnessValue;
  IdentityLinkResult: IdentityLinkResult;
  Invoice: InvoiceRecord;
  InvoiceConnection: InvoiceConnectionParent;
  InvoiceEdge: Omit<InvoiceEdge, 'node'> & { node: ResolversParentTypes['Invoice'] };
  InvoiceStatusChange: Omit<InvoiceStatusChange, 'amountDue' | 'invoice'> & { amountDue: ResolversParentTypes['Money'], invoice: ResolversParentTypes['Invoice'] };
  Money: MoneyValue;
  Mutation: Record<PropertyKey, never>;
  Order: EntityRef;
  PageInfo: PageInfo;
  Payment: PaymentRecord;
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
  WriteError: WriteError;
  WriteOutcome: WriteOutcome;
  WriteQueueBulkFailure: WriteQueueBulkFailure;
  WriteQueueBulkResult: WriteQueueBulkResult;
  WriteQueueConnection: WriteQueueConnection;
  WriteQueueEdge: WriteQueueEdge;
  WriteQueueFilter: WriteQueueFilter;
};

export type AddressResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = {
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  country?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type BillingWriteResultResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['BillingWriteResult'] = ResolversParentTypes['BillingWriteResult']> = {
  errors?: Resolver<Array<ResolversTypes['WriteError']>, ParentType, ContextType>;
  financials?: Resolver<Maybe<ResolversTypes['CustomerFinancials']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type CustomerResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer'], FederationReferenceType extends FederationReferenceTypes['Customer'] = FederationReferenceTypes['Customer']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Customer']> | FederationReferenceType, FederationReferenceType, ContextType>;
  erpIdentities?: Resolver<Maybe<Array<ResolversTypes['CustomerIdentity']>>, ParentType, ContextType>;
  financials?: Resolver<Maybe<ResolversTypes['CustomerFinancials']>, ParentType, ContextType, Partial<CustomerFinancialsArgs>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  invoices?: Resolver<Maybe<ResolversTypes['InvoiceConnection']>, ParentType, ContextType, RequireFields<CustomerInvoicesArgs, 'first'>>;
};

export type CustomerFinancialsResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['CustomerFinancials'] = ResolversParentTypes['CustomerFinancials']> = {
  balance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  billingAddress?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  creditHold?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  creditLimit?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  overdueBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  paymentTerms?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  shippingAddresses?: Resolver<Array<ResolversTypes['Address']>, ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CustomerIdentityResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['CustomerIdentity'] = ResolversParentTypes['CustomerIdentity']> = {
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

export type FreshnessResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Freshness'] = ResolversParentTypes['Freshness']> = {
  fetchedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['SystemOfRecord'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type IdentityLinkResultResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['IdentityLinkResult'] = ResolversParentTypes['IdentityLinkResult']> = {
  identity?: Resolver<Maybe<ResolversTypes['CustomerIdentity']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type InvoiceResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Invoice'] = ResolversParentTypes['Invoice'], FederationReferenceType extends FederationReferenceTypes['Invoice'] = FederationReferenceTypes['Invoice']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Invoice']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amountDue?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  customer?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
  dueAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  issuedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  payments?: Resolver<Array<ResolversTypes['Payment']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InvoiceStatus'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type InvoiceConnectionResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['InvoiceConnection'] = ResolversParentTypes['InvoiceConnection']> = {
  edges?: Resolver<Array<ResolversTypes['InvoiceEdge']>, ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Invoice']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type InvoiceEdgeResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['InvoiceEdge'] = ResolversParentTypes['InvoiceEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Invoice'], ParentType, ContextType>;
};

export type InvoiceStatusChangeResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['InvoiceStatusChange'] = ResolversParentTypes['InvoiceStatusChange']> = {
  amountDue?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  changedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  invoice?: Resolver<ResolversTypes['Invoice'], ParentType, ContextType>;
  previousStatus?: Resolver<Maybe<ResolversTypes['InvoiceStatus']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InvoiceStatus'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  confirmErpIdentity?: Resolver<ResolversTypes['IdentityLinkResult'], ParentType, ContextType, RequireFields<MutationConfirmErpIdentityArgs, 'customerId' | 'recordId' | 'recordType'>>;
  discardFinanceWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationDiscardFinanceWriteArgs, 'reason' | 'writeId'>>;
  discardFinanceWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationDiscardFinanceWritesArgs, 'filter' | 'max' | 'reason'>>;
  rejectErpIdentity?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRejectErpIdentityArgs, 'customerId' | 'recordId' | 'recordType'>>;
  retryFinanceWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationRetryFinanceWriteArgs, 'writeId'>>;
  retryFinanceWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationRetryFinanceWritesArgs, 'filter' | 'max'>>;
  updateBillingAddress?: Resolver<ResolversTypes['BillingWriteResult'], ParentType, ContextType, RequireFields<MutationUpdateBillingAddressArgs, 'address' | 'customerId'>>;
};

export type OrderResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  invoices?: Resolver<Maybe<Array<ResolversTypes['Invoice']>>, ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PaymentResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Payment'] = ResolversParentTypes['Payment']> = {
  amount?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  method?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  receivedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  financeWrite?: Resolver<Maybe<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryFinanceWriteArgs, 'writeId'>>;
  financeWriteQueue?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryFinanceWriteQueueArgs, 'first' | 'status'>>;
  financeWrites?: Resolver<ResolversTypes['WriteQueueConnection'], ParentType, ContextType, RequireFields<QueryFinanceWritesArgs, 'first'>>;
  invoice?: Resolver<Maybe<ResolversTypes['Invoice']>, ParentType, ContextType, RequireFields<QueryInvoiceArgs, 'id'>>;
};

export type SubscriptionResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  financeWriteSettled?: SubscriptionResolver<ResolversTypes['WriteOutcome'], "financeWriteSettled", ParentType, ContextType, RequireFields<SubscriptionFinanceWriteSettledArgs, 'writeId'>>;
  invoiceStatusChanged?: SubscriptionResolver<ResolversTypes['InvoiceStatusChange'], "invoiceStatusChanged", ParentType, ContextType, Partial<SubscriptionInvoiceStatusChangedArgs>>;
};

export type WriteErrorResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['WriteError'] = ResolversParentTypes['WriteError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type WriteOutcomeResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['WriteOutcome'] = ResolversParentTypes['WriteOutcome']> = {
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

export type WriteQueueBulkFailureResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['WriteQueueBulkFailure'] = ResolversParentTypes['WriteQueueBulkFailure']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type WriteQueueBulkResultResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['WriteQueueBulkResult'] = ResolversParentTypes['WriteQueueBulkResult']> = {
  affected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failures?: Resolver<Array<ResolversTypes['WriteQueueBulkFailure']>, ParentType, ContextType>;
  hasMore?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  writeIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type WriteQueueConnectionResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['WriteQueueConnection'] = ResolversParentTypes['WriteQueueConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WriteQueueEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type WriteQueueEdgeResolvers<ContextType = FinanceContext, ParentType extends ResolversParentTypes['WriteQueueEdge'] = ResolversParentTypes['WriteQueueEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType>;
};

export type Resolvers<ContextType = FinanceContext> = {
  Address?: AddressResolvers<ContextType>;
  BillingWriteResult?: BillingWriteResultResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  CustomerFinancials?: CustomerFinancialsResolvers<ContextType>;
  CustomerIdentity?: CustomerIdentityResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Freshness?: FreshnessResolvers<ContextType>;
  IdentityLinkResult?: IdentityLinkResultResolvers<ContextType>;
  Invoice?: InvoiceResolvers<ContextType>;
  InvoiceConnection?: InvoiceConnectionResolvers<ContextType>;
  InvoiceEdge?: InvoiceEdgeResolvers<ContextType>;
  InvoiceStatusChange?: InvoiceStatusChangeResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Payment?: PaymentResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  WriteError?: WriteErrorResolvers<ContextType>;
  WriteOutcome?: WriteOutcomeResolvers<ContextType>;
  WriteQueueBulkFailure?: WriteQueueBulkFailureResolvers<ContextType>;
  WriteQueueBulkResult?: WriteQueueBulkResultResolvers<ContextType>;
  WriteQueueConnection?: WriteQueueConnectionResolvers<ContextType>;
  WriteQueueEdge?: WriteQueueEdgeResolvers<ContextType>;
};


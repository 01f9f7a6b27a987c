import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CustomerParent, CustomerConnectionParent, CustomerContext } from '../resolvers.js';
import type { ContactRecord } from '../salesforce.js';
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

/** Marketing consent, as the customer last gave it. */
export type Consent = {
  __typename?: 'Consent';
  /** The customer agreed to marketing e-mail. */
  emailOptIn: Scalars['Boolean']['output'];
  /** The customer agreed to marketing text messages. */
  smsOptIn: Scalars['Boolean']['output'];
  /** When consent was last changed; null if never recorded. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Marketing consent as the customer gives it; an omitted field keeps its current value. */
export type ConsentInput = {
  /** Agrees to marketing e-mail. */
  emailOptIn?: InputMaybe<Scalars['Boolean']['input']>;
  /** Agrees to marketing text messages. */
  smsOptIn?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A person at a customer's account (a Salesforce Contact). */
export type Contact = {
  __typename?: 'Contact';
  /** The contact's e-mail address. */
  email?: Maybe<Scalars['String']['output']>;
  /** The Salesforce Contact id. */
  id: Scalars['ID']['output'];
  /** The contact's full name. */
  name?: Maybe<Scalars['String']['output']>;
  /** The contact's phone number. */
  phone?: Maybe<Scalars['String']['output']>;
  /** The contact's role at the account, e.g. "Buyer" or "Accounts Payable". */
  role?: Maybe<Scalars['String']['output']>;
};

/**
 * A retail customer, identified across every system by the enterprise customer number.
 * This subgraph contributes the engagement part, which Salesforce owns. Every field except
 * `id` comes from Salesforce and is null, with an UPSTREAM_UNAVAILABLE (or TIMEOUT, RATE_LIMITED)
 * error naming SALESFORCE, when Salesforce cannot answer; `id` and the fields other subgraphs
 * contribute still resolve.
 */
export type Customer = {
  __typename?: 'Customer';
  /** Marketing consent as last recorded in Salesforce. */
  consent?: Maybe<Consent>;
  /** The people at the account (business accounts have one or more; consumers usually none), ordered by name. */
  contacts?: Maybe<Array<Contact>>;
  /** The customer's e-mail address, as Salesforce holds it. */
  email?: Maybe<Scalars['String']['output']>;
  /** The ERP's records of this customer, contributed by the finance subgraph. */
  erpIdentities?: Maybe<Array<CustomerIdentity>>;
  /** How fresh the Salesforce part of this customer is. */
  freshness?: Maybe<Freshness>;
  /** The enterprise customer number, e.g. "C-000042". Stored in Salesforce as an External ID on Account. */
  id: Scalars['ID']['output'];
  /**
   * Every system's record of this customer (docs/identity.md): the Salesforce Account and its
   * Contacts, the NetSuite customer, the Zendesk organization and the Zendesk end users that hold the
   * customer number (SHARED_KEY, confidence 1), in that order, and the service desk's candidates
   * (MATCHED) when no organization holds it. Staff roles only; storefront callers get FORBIDDEN.
   * Each system's entries come from the subgraph that wraps it; when a system cannot answer, the
   * list is null with an error naming that system, rather than leaving out its entries.
   */
  identities?: Maybe<Array<CustomerIdentity>>;
  /** Loyalty programme standing; null when the customer has no tier. */
  loyalty?: Maybe<Loyalty>;
  /** The account's name: a person's full name or a company name. */
  name?: Maybe<Scalars['String']['output']>;
  /** The customer's phone number, as Salesforce holds it. */
  phone?: Maybe<Scalars['String']['output']>;
  /** The store the customer prefers, e.g. "STORE-017"; null if none. */
  preferredStoreId?: Maybe<Scalars['String']['output']>;
  /** The Salesforce Account id (18 characters), for links into Salesforce. */
  salesforceId?: Maybe<Scalars['ID']['output']>;
  /** Whether the customer is a consumer or a business; null if Salesforce holds a value this graph does not know. */
  segment?: Maybe<CustomerSegment>;
  /** The service desk's records of this customer, contributed by the service subgraph. */
  serviceDeskIdentities?: Maybe<Array<CustomerIdentity>>;
  /**
   * The Salesforce Account's LastModifiedDate (ISO-8601 UTC, millisecond precision), which changes with
   * every change to the account. Pass it as `expectedVersion` to `updateCustomerEngagement` so that the
   * update is refused with CONFLICT, instead of overwriting, if anyone changed the account since it was read.
   */
  version?: Maybe<Scalars['String']['output']>;
};

/** A page of customers, ordered by name and then customer number. */
export type CustomerConnection = {
  __typename?: 'CustomerConnection';
  /** The customers on this page, each with its cursor. */
  edges: Array<CustomerEdge>;
  /** How fresh this page is. */
  freshness: Freshness;
  /** The customers on this page. */
  nodes: Array<Customer>;
  /** Where this page ends and whether more follow. */
  pageInfo: PageInfo;
  /** How many customers match the filter in all; costs one extra Salesforce call when selected. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One customer in a CustomerConnection. */
export type CustomerEdge = {
  __typename?: 'CustomerEdge';
  /** Pass as `after` to get the customers that follow this one. */
  cursor: Scalars['String']['output'];
  /** The customer. */
  node: Customer;
};

/** The engagement fields a customer or an agent may change. Only what Salesforce owns: nothing the ERP governs (addresses, credit, terms). */
export type CustomerEngagementInput = {
  /** Marketing consent. Changing it also records when it changed (Consent.updatedAt). */
  consent?: InputMaybe<ConsentInput>;
  /** A new e-mail address (at most 80 characters). It cannot be cleared. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** A new phone number: digits with an optional leading +, spaces, dots, dashes and parentheses (7 to 15 digits). Null clears it. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** The store the customer prefers, e.g. "STORE-017" (letters, digits, - and _, at most 20 characters). Null clears it. */
  preferredStoreId?: InputMaybe<Scalars['String']['input']>;
};

/** Criteria for finding customers. Criteria given together must all match; none lists every customer. */
export type CustomerFilter = {
  /** Exact e-mail address (case-insensitive). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** The start of the customer's name or of any word in it (case-insensitive), e.g. "O'Bri" finds "Siobhan O'Brien". */
  namePrefix?: InputMaybe<Scalars['String']['input']>;
  /** Exact phone number, as stored. */
  phone?: InputMaybe<Scalars['String']['input']>;
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

/** Whether a customer buys as a person or as a business. */
export type CustomerSegment =
  /** A company buying on account. */
  | 'BUSINESS'
  /** A person buying for themselves. */
  | 'CONSUMER';

/** The result of updateCustomerEngagement (see CONTRACT.md, Write results). */
export type CustomerWriteResult = {
  __typename?: 'CustomerWriteResult';
  /** The customer as Salesforce holds it after the write; null unless the status is APPLIED. */
  customer?: Maybe<Customer>;
  /**
   * Why the write is not applied yet: for QUEUED, the transient failure that queued it (e.g. UPSTREAM_UNAVAILABLE).
   * A refusal is not returned here: it is a GraphQL error whose code says why (CONFLICT, BAD_USER_INPUT, …), with `extensions.writeId`.
   */
  errors?: Maybe<Array<WriteError>>;
  /** APPLIED (Salesforce has it), QUEUED (Salesforce could not be reached; it will be applied once, later, under the same writeId), REJECTED or DEAD_LETTERED. */
  status: WriteStatus;
  /** The write's identity: look its outcome up with `customerWrite(writeId:)`. */
  writeId: Scalars['ID']['output'];
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

/** A NetSuite customer or Zendesk organization that no Salesforce Account points at (docs/identity.md). */
export type IdentityOrphan = {
  __typename?: 'IdentityOrphan';
  /** The record's external-id field as its system holds it; null when empty. */
  externalId?: Maybe<Scalars['String']['output']>;
  /** The record's name in its system: the company name, or a person's first and last name. */
  name?: Maybe<Scalars['String']['output']>;
  /** Why no Account points at it. */
  reason: IdentityOrphanReason;
  /** The record's id in its system: a NetSuite internal id or a Zendesk organization id. */
  recordId: Scalars['ID']['output'];
  /** NETSUITE_CUSTOMER or ZENDESK_ORGANIZATION. */
  recordType: IdentityRecordType;
  /** NETSUITE or ZENDESK. */
  system: IdentitySystem;
};

/** One page of the orphan list. */
export type IdentityOrphanConnection = {
  __typename?: 'IdentityOrphanConnection';
  /** The orphans among the records read for this page, by record id ascending; may be fewer than `first`, or none, while more pages follow. */
  nodes: Array<IdentityOrphan>;
  /** Where this page ends and whether more records follow. */
  pageInfo: PageInfo;
  /** How many records were read for this page, orphans or not: `first`, except on the last page. */
  scanned: Scalars['Int']['output'];
};

/** Why a record is on the orphan list. */
export type IdentityOrphanReason =
  /** The record's external-id field is empty: it names no customer. */
  | 'NO_EXTERNAL_ID'
  /** The record's external id is not the customer number of any Salesforce Account. */
  | 'UNKNOWN_CUSTOMER_NUMBER';

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

/** A customer's standing in the loyalty programme. */
export type Loyalty = {
  __typename?: 'Loyalty';
  /** Points currently held. */
  points: Scalars['Int']['output'];
  /** The loyalty tier. */
  tier: LoyaltyTier;
};

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

/** An amount of money. The amount is a decimal string so that no client rounds it through a binary float. */
export type Money = {
  __typename?: 'Money';
  /** Decimal amount with two fraction digits, e.g. "129.90"; negative for credits. */
  amount: Scalars['String']['output'];
  /** ISO 4217 currency code, e.g. "USD". */
  currency: Scalars['String']['output'];
};

/** Changes to what Salesforce owns about a customer. Every write goes to Salesforce only. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Operator role: gives up on a queued or dead-lettered customer write for good; its outcome becomes REJECTED with lastError.code DISCARDED. */
  discardCustomerWrite: WriteOutcome;
  /**
   * Operator role: gives up for good on every queued or dead-lettered customer write that
   * matches the filter, oldest first, at most `max`. Each ends REJECTED with code DISCARDED. Audited.
   */
  discardCustomerWrites: WriteQueueBulkResult;
  /** Operator role: retries a dead-lettered customer write with a fresh attempt budget, or brings a queued one's next attempt forward to now. */
  retryCustomerWrite: WriteOutcome;
  /**
   * Operator role: retries every customer write that matches the filter, oldest first, at most
   * `max`: dead letters with a fresh attempt budget, queued writes now. Audited.
   */
  retryCustomerWrites: WriteQueueBulkResult;
  /**
   * Changes a customer's e-mail, phone, preferred store or marketing consent in Salesforce. Input is
   * checked before any call (BAD_USER_INPUT); an unknown customer is NOT_FOUND. With `expectedVersion`
   * (Customer.version as last read) the update is conditional: a newer change in Salesforce makes it
   * REJECTED with CONFLICT, also when it is replayed from the queue. The same `idempotencyKey` returns
   * the first call's result; with a different payload it is IDEMPOTENCY_KEY_REUSED. Storefront callers
   * may change their own customer only.
   */
  updateCustomerEngagement: CustomerWriteResult;
};


/** Changes to what Salesforce owns about a customer. Every write goes to Salesforce only. */
export type MutationDiscardCustomerWriteArgs = {
  reason: Scalars['String']['input'];
  writeId: Scalars['ID']['input'];
};


/** Changes to what Salesforce owns about a customer. Every write goes to Salesforce only. */
export type MutationDiscardCustomerWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};


/** Changes to what Salesforce owns about a customer. Every write goes to Salesforce only. */
export type MutationRetryCustomerWriteArgs = {
  writeId: Scalars['ID']['input'];
};


/** Changes to what Salesforce owns about a customer. Every write goes to Salesforce only. */
export type MutationRetryCustomerWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
};


/** Changes to what Salesforce owns about a customer. Every write goes to Salesforce only. */
export type MutationUpdateCustomerEngagementArgs = {
  expectedVersion?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: CustomerEngagementInput;
};

/** Where a page of a connection ends, and whether there is more. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last item on this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type Query = {
  __typename?: 'Query';
  /**
   * One customer by customer number. A malformed number is BAD_USER_INPUT (and costs no call);
   * a well-formed number Salesforce does not know gives null. When Salesforce cannot be reached,
   * the customer is still returned with its `id`, so fields from other systems resolve, and the
   * Salesforce fields are null with errors naming SALESFORCE.
   */
  customer?: Maybe<Customer>;
  /**
   * One customer by its id in another system: today the Salesforce Account id, as a Lightning record
   * page has it (`recordId`), in its 15- or 18-character form. An id that is not an Account id, or whose
   * 18-character suffix does not match, is BAD_USER_INPUT and costs no call; an Account Salesforce does not
   * know, or one without a customer number, gives null. Storefront callers get their own customer only
   * (FORBIDDEN otherwise, also for an unknown Account). When Salesforce cannot be reached and the Account
   * is not cached, the answer is null with an error naming SALESFORCE: the customer number is not known.
   */
  customerByIdentity?: Maybe<Customer>;
  /**
   * The outcome of a customer write by the writeId its mutation returned, e.g. "customer:w_…". Staff
   * may read any customer write. Null when the id is unknown or past retention, and, for a
   * storefront caller, also when the write is another customer's: the two read alike.
   * A malformed id is BAD_USER_INPUT.
   */
  customerWrite?: Maybe<WriteOutcome>;
  /**
   * The first writes of one part of the customer write queue, oldest first. Operator role only.
   * @deprecated Use customerWrites, which pages with a cursor and filters by listing, kind, customer and time.
   */
  customerWriteQueue: Array<WriteOutcome>;
  /**
   * The customer subgraph's write queue, a page at a time, oldest first: writes waiting for
   * Salesforce (PENDING) and writes given up on (DEAD_LETTERED), narrowed by the filter.
   * Operator role only.
   */
  customerWrites: WriteQueueConnection;
  /** Customers matching a filter, ordered by name and then customer number. */
  customers: CustomerConnection;
  /**
   * The operator's list of orphans: NetSuite customers (`system: NETSUITE`) or Zendesk organizations
   * (`ZENDESK`) that no Salesforce Account points at, with the reason. Each page reads `first` records
   * of that system (one SuiteQL query, or one Zendesk page) and asks Salesforce once which customer
   * numbers among them exist; the orphans among them are listed. Operator role only (FORBIDDEN
   * otherwise). `system: SALESFORCE`, a `first` outside 1 to 100, and a cursor not from this list for
   * this system are BAD_USER_INPUT and cost no call. Creating customers for orphans is not offered:
   * the system of record creates customers.
   */
  identityOrphans: IdentityOrphanConnection;
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryCustomerArgs = {
  id: Scalars['ID']['input'];
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryCustomerByIdentityArgs = {
  id: Scalars['ID']['input'];
  system: IdentitySystem;
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryCustomerWriteArgs = {
  writeId: Scalars['ID']['input'];
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryCustomerWriteQueueArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: WriteQueueListing;
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryCustomerWritesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WriteQueueFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryCustomersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<CustomerFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The customer subgraph's entry points: customers as Salesforce knows them. */
export type QueryIdentityOrphansArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  system: IdentitySystem;
};

/** Pushes from the customer subgraph: its writes' outcomes once they settle. */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * One customer write's outcome once it settles: APPLIED, REJECTED (refused by Salesforce,
   * or discarded by an operator) or DEAD_LETTERED. One event, then the subscription completes;
   * a write that has settled already answers at once, so subscribing after a QUEUED answer
   * misses nothing. Staff only (a storefront reads `customerWrite`). An unknown id, or one
   * past retention, is NOT_FOUND; a malformed id is BAD_USER_INPUT.
   */
  customerWriteSettled: WriteOutcome;
};


/** Pushes from the customer subgraph: its writes' outcomes once they settle. */
export type SubscriptionCustomerWriteSettledArgs = {
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
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Customer:
    ( { __typename: 'Customer' }
    & GraphQLRecursivePick<FederationTypes['Customer'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Customer'], {"erpIdentities":{"system":true,"recordType":true,"recordId":true,"linkedBy":true,"matchedOn":true,"confidence":true,"suggested":true},"serviceDeskIdentities":{"system":true,"recordType":true,"recordId":true,"linkedBy":true,"matchedOn":true,"confidence":true,"suggested":true}}> ) );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Address: ResolverTypeWrapper<Address>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Consent: ResolverTypeWrapper<Consent>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ConsentInput: ConsentInput;
  Contact: ResolverTypeWrapper<ContactRecord>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Customer: ResolverTypeWrapper<CustomerParent>;
  CustomerConnection: ResolverTypeWrapper<CustomerConnectionParent>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CustomerEdge: ResolverTypeWrapper<Omit<CustomerEdge, 'node'> & { node: ResolversTypes['Customer'] }>;
  CustomerEngagementInput: CustomerEngagementInput;
  CustomerFilter: CustomerFilter;
  CustomerIdentity: ResolverTypeWrapper<CustomerIdentity>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  CustomerSegment: CustomerSegment;
  CustomerWriteResult: ResolverTypeWrapper<Omit<CustomerWriteResult, 'customer'> & { customer?: Maybe<ResolversTypes['Customer']> }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Freshness: ResolverTypeWrapper<FreshnessValue>;
  IdentityLink: IdentityLink;
  IdentityLinkResult: ResolverTypeWrapper<IdentityLinkResult>;
  IdentityOrphan: ResolverTypeWrapper<IdentityOrphan>;
  IdentityOrphanConnection: ResolverTypeWrapper<IdentityOrphanConnection>;
  IdentityOrphanReason: IdentityOrphanReason;
  IdentityRecordType: IdentityRecordType;
  IdentitySystem: IdentitySystem;
  Loyalty: ResolverTypeWrapper<Loyalty>;
  LoyaltyTier: LoyaltyTier;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
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
  Address: Address;
  String: Scalars['String']['output'];
  Consent: Consent;
  Boolean: Scalars['Boolean']['output'];
  ConsentInput: ConsentInput;
  Contact: ContactRecord;
  ID: Scalars['ID']['output'];
  Customer: CustomerParent;
  CustomerConnection: CustomerConnectionParent;
  Int: Scalars['Int']['output'];
  CustomerEdge: Omit<CustomerEdge, 'node'> & { node: ResolversParentTypes['Customer'] };
  CustomerEngagementInput: CustomerEngagementInput;
  CustomerFilter: CustomerFilter;
  CustomerIdentity: CustomerIdentity;
  Float: Scalars['Float']['output'];
  CustomerWriteResult: Omit<CustomerWriteResult, 'customer'> & { customer?: Maybe<ResolversParentTypes['Customer']> };
  DateTime: Scalars['DateTime']['output'];
  Freshness: FreshnessValue;
  IdentityLinkResult: IdentityLinkResult;
  IdentityOrphan: IdentityOrphan;
  IdentityOrphanConnection: IdentityOrphanConnection;
  Loyalty: Loyalty;
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
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

export type AddressResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = {
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  country?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ConsentResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Consent'] = ResolversParentTypes['Consent']> = {
  emailOptIn?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  smsOptIn?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  updatedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type ContactResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Contact'] = ResolversParentTypes['Contact']> = {
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  role?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CustomerResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer'], FederationReferenceType extends FederationReferenceTypes['Customer'] = FederationReferenceTypes['Customer']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Customer']> | FederationReferenceType, FederationReferenceType, ContextType>;
  consent?: Resolver<Maybe<ResolversTypes['Consent']>, ParentType, ContextType>;
  contacts?: Resolver<Maybe<Array<ResolversTypes['Contact']>>, ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  freshness?: Resolver<Maybe<ResolversTypes['Freshness']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  identities?: Resolver<Maybe<Array<ResolversTypes['CustomerIdentity']>>, ParentType, ContextType>;
  loyalty?: Resolver<Maybe<ResolversTypes['Loyalty']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  preferredStoreId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  salesforceId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  segment?: Resolver<Maybe<ResolversTypes['CustomerSegment']>, ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CustomerConnectionResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['CustomerConnection'] = ResolversParentTypes['CustomerConnection']> = {
  edges?: Resolver<Array<ResolversTypes['CustomerEdge']>, ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Customer']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type CustomerEdgeResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['CustomerEdge'] = ResolversParentTypes['CustomerEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
};

export type CustomerIdentityResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['CustomerIdentity'] = ResolversParentTypes['CustomerIdentity']> = {
  confidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  linkedBy?: Resolver<ResolversTypes['IdentityLink'], ParentType, ContextType>;
  matchedOn?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  recordType?: Resolver<ResolversTypes['IdentityRecordType'], ParentType, ContextType>;
  suggested?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  system?: Resolver<ResolversTypes['IdentitySystem'], ParentType, ContextType>;
};

export type CustomerWriteResultResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['CustomerWriteResult'] = ResolversParentTypes['CustomerWriteResult']> = {
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType>;
  errors?: Resolver<Maybe<Array<ResolversTypes['WriteError']>>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type FreshnessResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Freshness'] = ResolversParentTypes['Freshness']> = {
  fetchedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['SystemOfRecord'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type IdentityLinkResultResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['IdentityLinkResult'] = ResolversParentTypes['IdentityLinkResult']> = {
  identity?: Resolver<Maybe<ResolversTypes['CustomerIdentity']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type IdentityOrphanResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['IdentityOrphan'] = ResolversParentTypes['IdentityOrphan']> = {
  externalId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['IdentityOrphanReason'], ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  recordType?: Resolver<ResolversTypes['IdentityRecordType'], ParentType, ContextType>;
  system?: Resolver<ResolversTypes['IdentitySystem'], ParentType, ContextType>;
};

export type IdentityOrphanConnectionResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['IdentityOrphanConnection'] = ResolversParentTypes['IdentityOrphanConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['IdentityOrphan']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  scanned?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type LoyaltyResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Loyalty'] = ResolversParentTypes['Loyalty']> = {
  points?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  tier?: Resolver<ResolversTypes['LoyaltyTier'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  discardCustomerWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationDiscardCustomerWriteArgs, 'reason' | 'writeId'>>;
  discardCustomerWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationDiscardCustomerWritesArgs, 'filter' | 'max' | 'reason'>>;
  retryCustomerWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationRetryCustomerWriteArgs, 'writeId'>>;
  retryCustomerWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationRetryCustomerWritesArgs, 'filter' | 'max'>>;
  updateCustomerEngagement?: Resolver<ResolversTypes['CustomerWriteResult'], ParentType, ContextType, RequireFields<MutationUpdateCustomerEngagementArgs, 'id' | 'input'>>;
};

export type PageInfoResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType, RequireFields<QueryCustomerArgs, 'id'>>;
  customerByIdentity?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType, RequireFields<QueryCustomerByIdentityArgs, 'id' | 'system'>>;
  customerWrite?: Resolver<Maybe<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryCustomerWriteArgs, 'writeId'>>;
  customerWriteQueue?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryCustomerWriteQueueArgs, 'first' | 'status'>>;
  customerWrites?: Resolver<ResolversTypes['WriteQueueConnection'], ParentType, ContextType, RequireFields<QueryCustomerWritesArgs, 'first'>>;
  customers?: Resolver<ResolversTypes['CustomerConnection'], ParentType, ContextType, RequireFields<QueryCustomersArgs, 'first'>>;
  identityOrphans?: Resolver<ResolversTypes['IdentityOrphanConnection'], ParentType, ContextType, RequireFields<QueryIdentityOrphansArgs, 'first' | 'system'>>;
};

export type SubscriptionResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  customerWriteSettled?: SubscriptionResolver<ResolversTypes['WriteOutcome'], "customerWriteSettled", ParentType, ContextType, RequireFields<SubscriptionCustomerWriteSettledArgs, 'writeId'>>;
};

export type WriteErrorResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['WriteError'] = ResolversParentTypes['WriteError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type WriteOutcomeResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['WriteOutcome'] = ResolversParentTypes['WriteOutcome']> = {
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

export type WriteQueueBulkFailureResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['WriteQueueBulkFailure'] = ResolversParentTypes['WriteQueueBulkFailure']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type WriteQueueBulkResultResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['WriteQueueBulkResult'] = ResolversParentTypes['WriteQueueBulkResult']> = {
  affected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failures?: Resolver<Array<ResolversTypes['WriteQueueBulkFailure']>, ParentType, ContextType>;
  hasMore?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  writeIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type WriteQueueConnectionResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['WriteQueueConnection'] = ResolversParentTypes['WriteQueueConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WriteQueueEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type WriteQueueEdgeResolvers<ContextType = CustomerContext, ParentType extends ResolversParentTypes['WriteQueueEdge'] = ResolversParentTypes['WriteQueueEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType>;
};

export type Resolvers<ContextType = CustomerContext> = {
  Address?: AddressResolvers<ContextType>;
  Consent?: ConsentResolvers<ContextType>;
  Contact?: ContactResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  CustomerConnection?: CustomerConnectionResolvers<ContextType>;
  CustomerEdge?: CustomerEdgeResolvers<ContextType>;
  CustomerIdentity?: CustomerIdentityResolvers<ContextType>;
  CustomerWriteResult?: CustomerWriteResultResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Freshness?: FreshnessResolvers<ContextType>;
  IdentityLinkResult?: IdentityLinkResultResolvers<ContextType>;
  IdentityOrphan?: IdentityOrphanResolvers<ContextType>;
  IdentityOrphanConnection?: IdentityOrphanConnectionResolvers<ContextType>;
  Loyalty?: LoyaltyResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  WriteError?: WriteErrorResolvers<ContextType>;
  WriteOutcome?: WriteOutcomeResolvers<ContextType>;
  WriteQueueBulkFailure?: WriteQueueBulkFailureResolvers<ContextType>;
  WriteQueueBulkResult?: WriteQueueBulkResultResolvers<ContextType>;
  WriteQueueConnection?: WriteQueueConnectionResolvers<ContextType>;
  WriteQueueEdge?: WriteQueueEdgeResolvers<ContextType>;
};


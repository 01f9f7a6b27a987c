import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CustomerRef, EntityRef, SupportCaseConnectionParent, ServiceContext } from '../resolvers.js';
import type { SupportCaseRecord, CaseCommentRecord } from '../zendesk.js';
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

/** One entry in a support case's conversation. */
export type CaseComment = {
  __typename?: 'CaseComment';
  /** Who wrote the comment. */
  author: CaseCommentAuthor;
  /** The comment's text, as plain text. */
  body: Scalars['String']['output'];
  /** When the comment was written. */
  createdAt: Scalars['DateTime']['output'];
  /** The service desk's comment id. */
  id: Scalars['ID']['output'];
  /** True for a reply the customer can see; false for an internal note between agents. */
  public: Scalars['Boolean']['output'];
};

/** The person who wrote a comment: a customer or a member of the support team. */
export type CaseCommentAuthor = {
  __typename?: 'CaseCommentAuthor';
  /** The service desk's user id. */
  id: Scalars['ID']['output'];
  /** The author's display name; null when the service desk could not be asked (the error says why). */
  name?: Maybe<Scalars['String']['output']>;
  /** Whether the author is the customer's side or the support team's; null when the service desk could not be asked. */
  role?: Maybe<CaseCommentAuthorRole>;
};

/** The side of the conversation a comment author is on. */
export type CaseCommentAuthorRole =
  /** An agent or administrator of the service desk. */
  | 'AGENT'
  /** An end user: the customer or one of their contacts. */
  | 'CUSTOMER';

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

/** One change to a support case, made through the graph or inside the service desk. */
export type CaseUpdate = {
  __typename?: 'CaseUpdate';
  /** The case, as it is now. */
  case: SupportCase;
  /** When the service desk recorded the change. */
  changedAt: Scalars['DateTime']['output'];
  /** Stable identity of the change: the same however often it is seen. Use it to drop repeats. */
  eventId: Scalars['ID']['output'];
  /** The status before this change; null for a new case, or when the change came from the backup feed and the earlier status was not known. */
  previousStatus?: Maybe<CaseStatus>;
  /** The status this change left the case in. */
  status: CaseStatus;
};

/**
 * What became of a case write. `supportCase` is the case as the service desk holds it
 * after the write, and is null unless `status` is APPLIED. A QUEUED write is stored and
 * will be applied once, later, under the same `writeId` (see `serviceWrite`).
 */
export type CaseWriteResult = {
  __typename?: 'CaseWriteResult';
  /** APPLIED, QUEUED, REJECTED or DEAD_LETTERED. */
  status: WriteStatus;
  /** The case after the write; null unless APPLIED. */
  supportCase?: Maybe<SupportCase>;
  /** The write's identity ("service:w_…"); ask `serviceWrite(writeId:)` for its outcome later. */
  writeId: Scalars['ID']['output'];
};

/**
 * A customer, identified by the enterprise customer number. The service subgraph adds the
 * customer's support cases.
 */
export type Customer = {
  __typename?: 'Customer';
  /**
   * The customer's support cases, newest first. Null with an error naming SERVICE_DESK when
   * the service desk cannot be reached. An unknown customer has no cases.
   */
  cases?: Maybe<SupportCaseConnection>;
  /** The customer's e-mail address, from Salesforce: what the matching rule compares end users with. */
  email?: Maybe<Scalars['String']['output']>;
  /** The enterprise customer number, e.g. "C-000042". */
  id: Scalars['ID']['output'];
  /** The customer's name, from Salesforce. */
  name?: Maybe<Scalars['String']['output']>;
  /** The customer's phone number, from Salesforce. */
  phone?: Maybe<Scalars['String']['output']>;
  /**
   * The service desk's records of this customer (docs/identity.md): the Zendesk organization whose
   * external id is the customer number (SHARED_KEY), the same lookup `cases` makes, cached, then the
   * end users whose external id is the customer number (ZENDESK_USER, SHARED_KEY, by id), cached
   * alike. When no organization holds it, the end users are followed by candidates (MATCHED):
   * organizations of end users whose e-mail is the customer's, scored by the matching rule, above its
   * show threshold, and not rejected, best first. Their cases are not shown as the customer's until a
   * candidate is confirmed (confirmServiceDeskIdentity). Staff roles only. Null with an error naming
   * SERVICE_DESK when the service desk cannot be reached.
   */
  serviceDeskIdentities?: Maybe<Array<CustomerIdentity>>;
};


/**
 * A customer, identified by the enterprise customer number. The service subgraph adds the
 * customer's support cases.
 */
export type CustomerCasesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<Array<CaseStatus>>;
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

/** Writes of the service subgraph. Each goes to the service desk only. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Adds a comment to a case. Storefront callers add public comments only, to their own
   * cases, written as the customer. A closed case takes no comments (INVALID_STATUS_TRANSITION).
   */
  addCaseComment: CaseWriteResult;
  /**
   * Confirms a candidate (docs/identity.md): writes the customer number into the Zendesk
   * organization's external id, so that the link is held by the service desk. Routed, idempotent
   * and queued like every write: QUEUED when Zendesk cannot be reached, APPLIED once it holds the
   * number (confirming again changes nothing), CONFLICT when the organization holds another
   * customer's number. Staff roles only.
   */
  confirmServiceDeskIdentity: IdentityLinkResult;
  /** Operator role: gives up on a queued or dead-lettered service write for good; its outcome becomes REJECTED with lastError.code DISCARDED. */
  discardServiceWrite: WriteOutcome;
  /**
   * Operator role: gives up for good on every queued or dead-lettered service write that
   * matches the filter, oldest first, at most `max`. Each ends REJECTED with code DISCARDED. Audited.
   */
  discardServiceWrites: WriteQueueBulkResult;
  /**
   * Opens a case for a customer, optionally about one of their orders. The key makes
   * retries safe: the same key and input return the first call's result and never open
   * a second case; the same key with other input is IDEMPOTENCY_KEY_REUSED.
   */
  openCase: CaseWriteResult;
  /**
   * Rejects a candidate: it is remembered (Redis, or a file under FEEDS_DIR) and never suggested for
   * this customer again. Nothing is written to the service desk. Staff roles only.
   */
  rejectServiceDeskIdentity: Scalars['Boolean']['output'];
  /** Operator role: retries a dead-lettered service write with a fresh attempt budget, or brings a queued one's next attempt forward to now. */
  retryServiceWrite: WriteOutcome;
  /**
   * Operator role: retries every service write that matches the filter, oldest first, at most
   * `max`: dead letters with a fresh attempt budget, queued writes now. Audited.
   */
  retryServiceWrites: WriteQueueBulkResult;
  /**
   * Moves a case to another status (staff only). The service desk's rules apply:
   * a closed case never changes, nothing returns to NEW, and only a solved case can be
   * closed; anything else is INVALID_STATUS_TRANSITION, with no call to the service desk.
   */
  updateCaseStatus: CaseWriteResult;
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationAddCaseCommentArgs = {
  body: Scalars['String']['input'];
  caseId: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  public?: InputMaybe<Scalars['Boolean']['input']>;
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationConfirmServiceDeskIdentityArgs = {
  customerId: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  recordId: Scalars['ID']['input'];
  recordType: IdentityRecordType;
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationDiscardServiceWriteArgs = {
  reason: Scalars['String']['input'];
  writeId: Scalars['ID']['input'];
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationDiscardServiceWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationOpenCaseArgs = {
  idempotencyKey: Scalars['String']['input'];
  input: OpenCaseInput;
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationRejectServiceDeskIdentityArgs = {
  customerId: Scalars['ID']['input'];
  recordId: Scalars['ID']['input'];
  recordType: IdentityRecordType;
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationRetryServiceWriteArgs = {
  writeId: Scalars['ID']['input'];
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationRetryServiceWritesArgs = {
  filter: WriteQueueFilter;
  max?: InputMaybe<Scalars['Int']['input']>;
};


/** Writes of the service subgraph. Each goes to the service desk only. */
export type MutationUpdateCaseStatusArgs = {
  caseId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['String']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  status: CaseStatus;
};

/** A new support case, as `openCase` takes it. */
export type OpenCaseInput = {
  /** The customer the case is for, e.g. "C-000042". A storefront caller may open cases for itself only. */
  customerId: Scalars['ID']['input'];
  /** What the customer needs: the case's first comment, public, 1 to 32,000 characters. */
  description: Scalars['String']['input'];
  /** The order the case is about, e.g. "SO-100234"; it must be one of the customer's orders. Omit when there is none. */
  orderId?: InputMaybe<Scalars['ID']['input']>;
  /** How urgent the case is. */
  priority?: InputMaybe<CasePriority>;
  /** The subject line: 1 to 150 characters. */
  subject: Scalars['String']['input'];
};

/**
 * An order, identified by its ERP document number. The service subgraph adds the support
 * cases that are about it.
 */
export type Order = {
  __typename?: 'Order';
  /**
   * The support cases whose order-number field names this order, newest first. Null with an
   * error naming SERVICE_DESK when the service desk cannot be reached.
   */
  cases?: Maybe<Array<SupportCase>>;
  /** The ERP document number, e.g. "SO-100234". */
  id: Scalars['ID']['output'];
};

/** Where a page of a connection ends, and whether there is more. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last item on this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** Entry points of the service subgraph. */
export type Query = {
  __typename?: 'Query';
  /**
   * The outcome of a service write by the writeId its mutation returned, e.g. "service:w_…". Staff
   * may read any service write. Null when the id is unknown or past retention, and, for a
   * storefront caller, also when the write is another customer's: the two read alike.
   * A malformed id is BAD_USER_INPUT.
   */
  serviceWrite?: Maybe<WriteOutcome>;
  /**
   * The first writes of one part of the service write queue, oldest first. Operator role only.
   * @deprecated Use serviceWrites, which pages with a cursor and filters by listing, kind, customer and time.
   */
  serviceWriteQueue: Array<WriteOutcome>;
  /**
   * The service subgraph's write queue, a page at a time, oldest first: writes waiting for
   * the service desk (PENDING) and writes given up on (DEAD_LETTERED), narrowed by the filter.
   * Operator role only.
   */
  serviceWrites: WriteQueueConnection;
  /**
   * One support case by its ticket id, a string of digits such as "4521". Null when the
   * service desk has no such ticket; a malformed id is BAD_USER_INPUT.
   */
  supportCase?: Maybe<SupportCase>;
};


/** Entry points of the service subgraph. */
export type QueryServiceWriteArgs = {
  writeId: Scalars['ID']['input'];
};


/** Entry points of the service subgraph. */
export type QueryServiceWriteQueueArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: WriteQueueListing;
};


/** Entry points of the service subgraph. */
export type QueryServiceWritesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WriteQueueFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Entry points of the service subgraph. */
export type QuerySupportCaseArgs = {
  id: Scalars['ID']['input'];
};

/** Live changes from the service subgraph. */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Every change to a case: status changes, replies and notes, from the graph and from
   * inside the service desk. Filter by customer, by case, or both; without a customerId
   * the agent role is needed, and a storefront caller must pass its own customerId.
   */
  caseUpdated: CaseUpdate;
  /**
   * One service write's outcome once it settles: APPLIED, REJECTED (refused by the service desk,
   * or discarded by an operator) or DEAD_LETTERED. One event, then the subscription completes;
   * a write that has settled already answers at once, so subscribing after a QUEUED answer
   * misses nothing. Staff only (a storefront reads `serviceWrite`). An unknown id, or one
   * past retention, is NOT_FOUND; a malformed id is BAD_USER_INPUT.
   */
  serviceWriteSettled: WriteOutcome;
};


/** Live changes from the service subgraph. */
export type SubscriptionCaseUpdatedArgs = {
  caseId?: InputMaybe<Scalars['ID']['input']>;
  customerId?: InputMaybe<Scalars['ID']['input']>;
};


/** Live changes from the service subgraph. */
export type SubscriptionServiceWriteSettledArgs = {
  writeId: Scalars['ID']['input'];
};

/**
 * A support case: a ticket in the service desk (Zendesk), which owns it. Every field comes
 * from the service desk; when it cannot be reached the case is null with an error naming
 * SERVICE_DESK.
 */
export type SupportCase = {
  __typename?: 'SupportCase';
  /**
   * The conversation, oldest first: public replies and internal notes. The service desk lists
   * comments one ticket at a time, so one request can read comments for a bounded number of
   * cases (25 by default); asking for more fails those cases with QUERY_TOO_COMPLEX.
   */
  comments: Array<CaseComment>;
  /** When the case was opened. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * The customer the case belongs to: the customer number the service desk stores as the
   * external id of the ticket's organization (or, for a ticket without one, of its requester).
   */
  customer: Customer;
  /** The ticket's description: the text of its first comment. */
  description?: Maybe<Scalars['String']['output']>;
  /** Where this case was read from and when. */
  freshness: Freshness;
  /** The service desk's ticket id, as a string of digits, e.g. "4521". */
  id: Scalars['ID']['output'];
  /** The order the case is about, from the ticket's order-number field; null when it names none. */
  order?: Maybe<Order>;
  /** How urgent the case is. A ticket the service desk holds without a priority reads as NORMAL. */
  priority: CasePriority;
  /** Where the case is in its life cycle. */
  status: CaseStatus;
  /** The ticket's subject line. */
  subject: Scalars['String']['output'];
  /** When the case last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /**
   * The case's version: the service desk's last-change stamp. Pass it as
   * `updateCaseStatus(expectedVersion:)` so that the change is refused with CONFLICT,
   * rather than applied, if someone changed the case after you read it.
   */
  version: Scalars['String']['output'];
};

/** A page of support cases, newest first. */
export type SupportCaseConnection = {
  __typename?: 'SupportCaseConnection';
  /** The cases on this page, each with the cursor that points at it. */
  edges: Array<SupportCaseEdge>;
  /** Where this page was read from and when. */
  freshness: Freshness;
  /** The cases on this page. */
  nodes: Array<SupportCase>;
  /** Whether another page follows, and the cursor to ask for it. */
  pageInfo: PageInfo;
  /**
   * How many cases match in all, when the service desk says so: on the first page, for one
   * customer, or when every match was read. Null otherwise.
   */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** A support case on a page, with its cursor. */
export type SupportCaseEdge = {
  __typename?: 'SupportCaseEdge';
  /** Pass as `after` to get the cases that follow this one. */
  cursor: Scalars['String']['output'];
  /** The case. */
  node: SupportCase;
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
  SupportCase: SupportCase;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Customer:
    ( { __typename: 'Customer' }
    & GraphQLRecursivePick<FederationTypes['Customer'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Customer'], {"email":true,"name":true,"phone":true}> ) );
  Order:
    ( { __typename: 'Order' }
    & GraphQLRecursivePick<FederationTypes['Order'], {"id":true}> );
  SupportCase:
    ( { __typename: 'SupportCase' }
    & GraphQLRecursivePick<FederationTypes['SupportCase'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Address: ResolverTypeWrapper<Address>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  CaseComment: ResolverTypeWrapper<CaseCommentRecord>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CaseCommentAuthor: ResolverTypeWrapper<EntityRef>;
  CaseCommentAuthorRole: CaseCommentAuthorRole;
  CasePriority: CasePriority;
  CaseStatus: CaseStatus;
  CaseUpdate: ResolverTypeWrapper<Omit<CaseUpdate, 'case'> & { case: ResolversTypes['SupportCase'] }>;
  CaseWriteResult: ResolverTypeWrapper<Omit<CaseWriteResult, 'supportCase'> & { supportCase?: Maybe<ResolversTypes['SupportCase']> }>;
  Customer: ResolverTypeWrapper<CustomerRef>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CustomerIdentity: ResolverTypeWrapper<CustomerIdentity>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Freshness: ResolverTypeWrapper<FreshnessValue>;
  IdentityLink: IdentityLink;
  IdentityLinkResult: ResolverTypeWrapper<IdentityLinkResult>;
  IdentityRecordType: IdentityRecordType;
  IdentitySystem: IdentitySystem;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OpenCaseInput: OpenCaseInput;
  Order: ResolverTypeWrapper<EntityRef>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SupportCase: ResolverTypeWrapper<SupportCaseRecord>;
  SupportCaseConnection: ResolverTypeWrapper<SupportCaseConnectionParent>;
  SupportCaseEdge: ResolverTypeWrapper<Omit<SupportCaseEdge, 'node'> & { node: ResolversTypes['SupportCase'] }>;
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
  CaseComment: CaseCommentRecord;
  ID: Scalars['ID']['output'];
  Boolean: Scalars['Boolean']['output'];
  CaseCommentAuthor: EntityRef;
  CaseUpdate: Omit<CaseUpdate, 'case'> & { case: ResolversParentTypes['SupportCase'] };
  CaseWriteResult: Omit<CaseWriteResult, 'supportCase'> & { supportCase?: Maybe<ResolversParentTypes['SupportCase']> };
  Customer: CustomerRef;
  Int: Scalars['Int']['output'];
  CustomerIdentity: CustomerIdentity;
  Float: Scalars['Float']['output'];
  DateTime: Scalars['DateTime']['output'];
  Freshness: FreshnessValue;
  IdentityLinkResult: IdentityLinkResult;
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  OpenCaseInput: OpenCaseInput;
  Order: EntityRef;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
  SupportCase: SupportCaseRecord;
  SupportCaseConnection: SupportCaseConnectionParent;
  SupportCaseEdge: Omit<SupportCaseEdge, 'node'> & { node: ResolversParentTypes['SupportCase'] };
  WriteError: WriteError;
  WriteOutcome: WriteOutcome;
  WriteQueueBulkFailure: WriteQueueBulkFailure;
  WriteQueueBulkResult: WriteQueueBulkResult;
  WriteQueueConnection: WriteQueueConnection;
  WriteQueueEdge: WriteQueueEdge;
  WriteQueueFilter: WriteQueueFilter;
};

export type AddressResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = {
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  country?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CaseCommentResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['CaseComment'] = ResolversParentTypes['CaseComment']> = {
  author?: Resolver<ResolversTypes['CaseCommentAuthor'], ParentType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  public?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type CaseCommentAuthorResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['CaseCommentAuthor'] = ResolversParentTypes['CaseCommentAuthor']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  role?: Resolver<Maybe<ResolversTypes['CaseCommentAuthorRole']>, ParentType, ContextType>;
};

export type CaseUpdateResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['CaseUpdate'] = ResolversParentTypes['CaseUpdate']> = {
  case?: Resolver<ResolversTypes['SupportCase'], ParentType, ContextType>;
  changedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  previousStatus?: Resolver<Maybe<ResolversTypes['CaseStatus']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CaseStatus'], ParentType, ContextType>;
};

export type CaseWriteResultResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['CaseWriteResult'] = ResolversParentTypes['CaseWriteResult']> = {
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  supportCase?: Resolver<Maybe<ResolversTypes['SupportCase']>, ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type CustomerResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer'], FederationReferenceType extends FederationReferenceTypes['Customer'] = FederationReferenceTypes['Customer']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Customer']> | FederationReferenceType, FederationReferenceType, ContextType>;
  cases?: Resolver<Maybe<ResolversTypes['SupportCaseConnection']>, ParentType, ContextType, RequireFields<CustomerCasesArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  serviceDeskIdentities?: Resolver<Maybe<Array<ResolversTypes['CustomerIdentity']>>, ParentType, ContextType>;
};

export type CustomerIdentityResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['CustomerIdentity'] = ResolversParentTypes['CustomerIdentity']> = {
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

export type FreshnessResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Freshness'] = ResolversParentTypes['Freshness']> = {
  fetchedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['SystemOfRecord'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type IdentityLinkResultResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['IdentityLinkResult'] = ResolversParentTypes['IdentityLinkResult']> = {
  identity?: Resolver<Maybe<ResolversTypes['CustomerIdentity']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WriteStatus'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  addCaseComment?: Resolver<ResolversTypes['CaseWriteResult'], ParentType, ContextType, RequireFields<MutationAddCaseCommentArgs, 'body' | 'caseId' | 'public'>>;
  confirmServiceDeskIdentity?: Resolver<ResolversTypes['IdentityLinkResult'], ParentType, ContextType, RequireFields<MutationConfirmServiceDeskIdentityArgs, 'customerId' | 'recordId' | 'recordType'>>;
  discardServiceWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationDiscardServiceWriteArgs, 'reason' | 'writeId'>>;
  discardServiceWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationDiscardServiceWritesArgs, 'filter' | 'max' | 'reason'>>;
  openCase?: Resolver<ResolversTypes['CaseWriteResult'], ParentType, ContextType, RequireFields<MutationOpenCaseArgs, 'idempotencyKey' | 'input'>>;
  rejectServiceDeskIdentity?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRejectServiceDeskIdentityArgs, 'customerId' | 'recordId' | 'recordType'>>;
  retryServiceWrite?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType, RequireFields<MutationRetryServiceWriteArgs, 'writeId'>>;
  retryServiceWrites?: Resolver<ResolversTypes['WriteQueueBulkResult'], ParentType, ContextType, RequireFields<MutationRetryServiceWritesArgs, 'filter' | 'max'>>;
  updateCaseStatus?: Resolver<ResolversTypes['CaseWriteResult'], ParentType, ContextType, RequireFields<MutationUpdateCaseStatusArgs, 'caseId' | 'status'>>;
};

export type OrderResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  cases?: Resolver<Maybe<Array<ResolversTypes['SupportCase']>>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  serviceWrite?: Resolver<Maybe<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryServiceWriteArgs, 'writeId'>>;
  serviceWriteQueue?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType, RequireFields<QueryServiceWriteQueueArgs, 'first' | 'status'>>;
  serviceWrites?: Resolver<ResolversTypes['WriteQueueConnection'], ParentType, ContextType, RequireFields<QueryServiceWritesArgs, 'first'>>;
  supportCase?: Resolver<Maybe<ResolversTypes['SupportCase']>, ParentType, ContextType, RequireFields<QuerySupportCaseArgs, 'id'>>;
};

export type SubscriptionResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  caseUpdated?: SubscriptionResolver<ResolversTypes['CaseUpdate'], "caseUpdated", ParentType, ContextType, Partial<SubscriptionCaseUpdatedArgs>>;
  serviceWriteSettled?: SubscriptionResolver<ResolversTypes['WriteOutcome'], "serviceWriteSettled", ParentType, ContextType, RequireFields<SubscriptionServiceWriteSettledArgs, 'writeId'>>;
};

export type SupportCaseResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['SupportCase'] = ResolversParentTypes['SupportCase'], FederationReferenceType extends FederationReferenceTypes['SupportCase'] = FederationReferenceTypes['SupportCase']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['SupportCase']> | FederationReferenceType, FederationReferenceType, ContextType>;
  comments?: Resolver<Array<ResolversTypes['CaseComment']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  customer?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  priority?: Resolver<ResolversTypes['CasePriority'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CaseStatus'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SupportCaseConnectionResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['SupportCaseConnection'] = ResolversParentTypes['SupportCaseConnection']> = {
  edges?: Resolver<Array<ResolversTypes['SupportCaseEdge']>, ParentType, ContextType>;
  freshness?: Resolver<ResolversTypes['Freshness'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['SupportCase']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type SupportCaseEdgeResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['SupportCaseEdge'] = ResolversParentTypes['SupportCaseEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['SupportCase'], ParentType, ContextType>;
};

export type WriteErrorResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['WriteError'] = ResolversParentTypes['WriteError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type WriteOutcomeResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['WriteOutcome'] = ResolversParentTypes['WriteOutcome']> = {
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

export type WriteQueueBulkFailureResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['WriteQueueBulkFailure'] = ResolversParentTypes['WriteQueueBulkFailure']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  writeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type WriteQueueBulkResultResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['WriteQueueBulkResult'] = ResolversParentTypes['WriteQueueBulkResult']> = {
  affected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failures?: Resolver<Array<ResolversTypes['WriteQueueBulkFailure']>, ParentType, ContextType>;
  hasMore?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  writeIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type WriteQueueConnectionResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['WriteQueueConnection'] = ResolversParentTypes['WriteQueueConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WriteQueueEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['WriteOutcome']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type WriteQueueEdgeResolvers<ContextType = ServiceContext, ParentType extends ResolversParentTypes['WriteQueueEdge'] = ResolversParentTypes['WriteQueueEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WriteOutcome'], ParentType, ContextType>;
};

export type Resolvers<ContextType = ServiceContext> = {
  Address?: AddressResolvers<ContextType>;
  CaseComment?: CaseCommentResolvers<ContextType>;
  CaseCommentAuthor?: CaseCommentAuthorResolvers<ContextType>;
  CaseUpdate?: CaseUpdateResolvers<ContextType>;
  CaseWriteResult?: CaseWriteResultResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  CustomerIdentity?: CustomerIdentityResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Freshness?: FreshnessResolvers<ContextType>;
  IdentityLinkResult?: IdentityLinkResultResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  SupportCase?: SupportCaseResolvers<ContextType>;
  SupportCaseConnection?: SupportCaseConnectionResolvers<ContextType>;
  SupportCaseEdge?: SupportCaseEdgeResolvers<ContextType>;
  WriteError?: WriteErrorResolvers<ContextType>;
  WriteOutcome?: WriteOutcomeResolvers<ContextType>;
  WriteQueueBulkFailure?: WriteQueueBulkFailureResolvers<ContextType>;
  WriteQueueBulkResult?: WriteQueueBulkResultResolvers<ContextType>;
  WriteQueueConnection?: WriteQueueConnectionResolvers<ContextType>;
  WriteQueueEdge?: WriteQueueEdgeResolvers<ContextType>;
};


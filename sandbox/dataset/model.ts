/**
 * The seeded retail world, as each system of record stores it.
 *
 * This file is the meeting point of the sandbox servers and the connectors: the
 * field names below are the wire names each real system uses (Salesforce API
 * names, NetSuite SuiteQL columns, Zendesk JSON keys). A connector never imports
 * this file (the sandbox is a separate world); the org mapping file in
 * `config/org-mapping.json` repeats the custom names so that a real org can differ.
 *
 * Money is always a decimal string with two places ("129.90"), never a float.
 */

/** A decimal amount with two fraction digits, e.g. "129.90". */
export type Decimal = string;
/** ISO-8601 instant in UTC, e.g. "2026-11-20T09:15:00.000Z". */
export type Instant = string;

export interface DatasetOptions {
  /** Seed for the pseudo-random generator; the same seed and asOf give the same dataset. */
  seed: number;
  /** Number of customers. */
  customers: number;
  /** The dataset's "today" (UTC). Overdue invoices and return windows are relative to it. */
  asOf: Date;
}

// ---------------------------------------------------------------- Salesforce
/** Salesforce `Account`, one per customer. Custom fields use the `__c` suffix. */
export interface SfAccount {
  Id: string; // 18-character id, prefix 001
  Name: string;
  /** External ID field (unique, case-insensitive) holding the enterprise customer number. */
  Customer_Number__c: string;
  Email__c: string | null;
  Phone: string | null;
  /** 'Consumer' | 'Business' */
  Segment__c: 'Consumer' | 'Business';
  Loyalty_Tier__c: 'Bronze' | 'Silver' | 'Gold' | 'Platinum';
  Loyalty_Points__c: number;
  Email_Opt_In__c: boolean;
  SMS_Opt_In__c: boolean;
  Consent_Updated_At__c: Instant | null;
  Preferred_Store__c: string | null;
  CreatedDate: Instant;
  LastModifiedDate: Instant;
  SystemModstamp: Instant;
}

/** Salesforce `Contact`; business accounts have one or more. */
export interface SfContact {
  Id: string; // prefix 003
  AccountId: string;
  FirstName: string;
  LastName: string;
  Name: string;
  Email: string | null;
  Phone: string | null;
  /** The contact's role at the account, e.g. "Buyer", "Accounts Payable". */
  Title: string | null;
  CreatedDate: Instant;
  LastModifiedDate: Instant;
  SystemModstamp: Instant;
}

export interface SalesforceData {
  accounts: SfAccount[];
  contacts: SfContact[];
  /** Store ids a customer may prefer, e.g. "STORE-017". */
  stores: string[];
}

// ---------------------------------------------------------------- NetSuite
export type NsBool = 'T' | 'F';

export interface NsAddress {
  addr1: string;
  addr2: string | null;
  city: string;
  state: string | null;
  zip: string;
  /** ISO 3166-1 alpha-2, e.g. "US". */
  country: string;
}

export interface NsTerm {
  id: number;
  name: string; // "Net 30"
  daysuntilnetdue: number;
}

export interface NsItem {
  id: number;
  /** The SKU, e.g. "SKU-10042". */
  itemid: string;
  displayname: string;
  baseprice: Decimal;
  isinactive: NsBool;
}

export interface NsCustomer {
  id: number; // internal id
  /** The enterprise customer number, e.g. "C-000042"; null on a record nobody linked (crosswalk.ts). */
  externalid: string | null;
  entityid: string;
  isperson: NsBool;
  companyname: string | null;
  firstname: string | null;
  lastname: string | null;
  email: string | null;
  phone: string | null;
  terms: number | null; // NsTerm.id
  creditlimit: Decimal | null;
  /** NetSuite's credit hold override: AUTO (by limit), ON, OFF. */
  credithold: 'AUTO' | 'ON' | 'OFF';
  currency: number; // 1 = USD
  subsidiary: number;
  /** Custom field: tax class. */
  custentity_tax_class: string | null;
  billaddress: NsAddress | null;
  shipaddresses: NsAddress[];
  datecreated: Instant;
  lastmodifieddate: Instant;
}

/**
 * Transaction types as SuiteQL reports them in `transaction.type`.
 * SalesOrd = sales order, ItemShip = item fulfillment (shipment), CustInvc = invoice,
 * CustPymt = customer payment, RtnAuth = return authorization, CustCred = credit memo (refund).
 */
export type NsTranType = 'SalesOrd' | 'ItemShip' | 'CustInvc' | 'CustPymt' | 'RtnAuth' | 'CustCred';

/**
 * A row of SuiteQL's `transaction` table. `status` is the single-letter code SuiteQL
 * returns (the search form is "SalesOrd:B"):
 * - SalesOrd: A Pending Approval, B Pending Fulfillment, C Cancelled, D Partially Fulfilled,
 *   E Pending Billing/Partially Fulfilled, F Pending Billing, G Billed, H Closed
 * - ItemShip: A Picked, B Packed, C Shipped
 * - CustInvc: A Open, B Paid In Full, V Voided
 * - CustPymt: A Unapproved Payment, B Not Deposited, C Deposited
 * - RtnAuth: A Pending Approval, B Pending Receipt, C Cancelled, D Partially Received,
 *   E Pending Refund/Partially Received, F Pending Refund, G Refunded, H Closed
 * - CustCred: A Open, B Fully Applied
 */
export interface NsTransaction {
  id: number;
  tranid: string; // SO-100234, SHIP-…, INV-300017, PMT-…, RMA-…, CM-…
  type: NsTranType;
  entity: number; // NsCustomer.id
  status: string; // single letter
  trandate: string; // YYYY-MM-DD
  duedate: string | null; // invoices
  createddate: Instant;
  lastmodifieddate: Instant;
  currency: number;
  /** Header total in the transaction currency. */
  foreigntotal: Decimal;
  /** Invoices: the amount still unpaid. */
  foreignamountremaining: Decimal | null;
  /** The transaction this one was created from (invoice/shipment/RMA from order, credit memo from RMA). */
  createdfrom: number | null;
  externalid: string | null;
  memo: string | null;
  /** Payment method name on payments, e.g. "Visa", "ACH", "Gift Card". */
  paymentmethod: string | null;
  /** Custom body fields. */
  custbody_sales_channel: 'WEB' | 'STORE' | 'MARKETPLACE' | 'AGENT' | null;
  /** Sales orders: released to the warehouse (pending fulfillment and released = RELEASED). */
  custbody_wms_released: NsBool | null;
  /** Shipments. */
  shipcarrier: string | null;
  trackingnumbers: string | null;
  /** Return authorizations: the customer's reason. */
  custbody_return_reason: string | null;
}

/** A row of SuiteQL's `transactionline` table (mainline rows omitted: lines are item lines only). */
export interface NsTransactionLine {
  id: number; // unique per transaction line (global, for simplicity)
  transaction: number;
  linesequencenumber: number;
  item: number;
  memo: string | null; // description
  quantity: number; // positive
  rate: Decimal;
  foreignamount: Decimal; // quantity × rate
  /** Sales orders: quantity shipped so far. */
  quantityshiprecv: number;
}

/** Payment applications, as SuiteQL's `PreviousTransactionLink` (payment → invoice). */
export interface NsTransactionLink {
  previousdoc: number; // the invoice
  nextdoc: number; // the payment or credit memo
  linktype: 'Payment' | 'Credit';
  foreignamount: Decimal;
}

/** A NetSuite customer that holds a customer number: all but the crosswalk's unlinked records. */
export type LinkedNsCustomer = NsCustomer & { externalid: string };
export const hasCustomerNumber = (c: NsCustomer): c is LinkedNsCustomer => c.externalid !== null;

export interface NetSuiteData {
  terms: NsTerm[];
  items: NsItem[];
  customers: NsCustomer[];
  transactions: NsTransaction[];
  lines: NsTransactionLine[];
  links: NsTransactionLink[];
}

// ---------------------------------------------------------------- Zendesk
export interface ZdOrganization {
  id: number;
  /** The enterprise customer number; null on an organization nobody linked (crosswalk.ts). */
  external_id: string | null;
  name: string;
  created_at: Instant; // Zendesk formats without milliseconds: 2026-11-20T09:15:00Z
  updated_at: Instant;
}

export interface ZdUser {
  id: number;
  external_id: string | null; // customer number for end-users
  name: string;
  email: string;
  /** Only the crosswalk fixtures' end users have one (crosswalk.ts); the rest answer null. */
  phone?: string | null;
  role: 'end-user' | 'agent' | 'admin';
  organization_id: number | null;
  created_at: Instant;
  updated_at: Instant;
}

export type ZdStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export type ZdPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface ZdTicket {
  id: number;
  external_id: string | null;
  subject: string;
  description: string;
  status: ZdStatus;
  priority: ZdPriority;
  type: 'question' | 'incident' | 'problem' | 'task' | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  tags: string[];
  /** Custom field values; the order number lives in field ORDER_NUMBER_FIELD_ID. */
  custom_fields: { id: number; value: string | null }[];
  created_at: Instant;
  updated_at: Instant;
}

export interface ZdComment {
  id: number;
  ticket_id: number;
  author_id: number;
  body: string;
  public: boolean;
  created_at: Instant;
}

export interface ZendeskData {
  organizations: ZdOrganization[];
  users: ZdUser[];
  tickets: ZdTicket[];
  comments: ZdComment[];
}

/** The ticket custom field that holds an ERP order number (documented in config/org-mapping.json). */
export const ORDER_NUMBER_FIELD_ID = 360000000101;

export interface RetailDataset {
  options: DatasetOptions;
  salesforce: SalesforceData;
  netsuite: NetSuiteData;
  zendesk: ZendeskData;
}

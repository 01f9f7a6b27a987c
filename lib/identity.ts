/**
 * The identity crosswalk's shared vocabulary (docs/identity.md): one system's
 * record of a customer, as every subgraph contributes it to `Customer.identities`.
 * Each subgraph reports the records of the system it wraps; the customer
 * subgraph lists them together.
 */

/** The systems whose records are linked to a customer, as the schema's IdentitySystem names them. */
export type IdentitySystem = 'SALESFORCE' | 'NETSUITE' | 'ZENDESK';

/** What kind of record an identity is. */
export type IdentityRecordType = 'SALESFORCE_ACCOUNT' | 'SALESFORCE_CONTACT' | 'NETSUITE_CUSTOMER' | 'ZENDESK_ORGANIZATION' | 'ZENDESK_USER';

/** A confirmed link (the record holds the customer number) or a candidate the matching rule found. */
export type IdentityLink = 'SHARED_KEY' | 'MATCHED';

/** One system's record of a customer: the CustomerIdentity value type. */
export interface IdentityRecord {
  system: IdentitySystem;
  recordType: IdentityRecordType;
  recordId: string;
  linkedBy: IdentityLink;
  /** The matching rule's attributes that agreed, strongest first; empty for a shared key. */
  matchedOn: string[];
  /** 1 for a shared key; the rule's score for a candidate. */
  confidence: number;
  /** A candidate at or above the rule's suggest threshold. */
  suggested: boolean;
}

const SYSTEM_OF: Record<IdentityRecordType, IdentitySystem> = {
  SALESFORCE_ACCOUNT: 'SALESFORCE',
  SALESFORCE_CONTACT: 'SALESFORCE',
  NETSUITE_CUSTOMER: 'NETSUITE',
  ZENDESK_ORGANIZATION: 'ZENDESK',
  ZENDESK_USER: 'ZENDESK',
};

/** A record that holds the customer number in its external-id field: a confirmed link. */
export function sharedKeyIdentity(recordType: IdentityRecordType, recordId: string | number): IdentityRecord {
  return { system: SYSTEM_OF[recordType], recordType, recordId: String(recordId), linkedBy: 'SHARED_KEY', matchedOn: [], confidence: 1, suggested: false };
}

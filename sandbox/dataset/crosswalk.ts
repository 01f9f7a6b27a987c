/**
 * The crosswalk fixtures: customers whose records in the other systems lack the
 * customer number, duplicates and near-duplicates of a linked customer, and orphan
 * records no Salesforce Account points at, so that the matching rule
 * (lib/identity-match.ts) and whatever lists or links such records are tested on the
 * dataset itself (docs/identity.md#sandbox-fixtures).
 *
 * They are present whatever the dataset's size and never disturb its customers:
 * - the customer numbers are C-980001 to C-980005 (and C-980099, which only
 *   orphans hold), which a dataset never reaches: `MAX_CUSTOMERS` stops below them;
 * - their record ids lie below every other customer's (NetSuite 901.., Zendesk
 *   360000900001.. and 361000900001..), so the next id a system hands out is unchanged;
 * - they draw from their own stream (`STREAM.crosswalk`), after every customer's;
 * - they have no orders and no tickets, so no transaction or ticket is renumbered.
 *
 * Every fixture customer is a consumer without contacts. `CROSSWALK_FIXTURES` lists
 * the ids, what each case exercises and what the matching rule, with its defaults,
 * finds when it compares the record with the customer (the customer's Salesforce
 * e-mail, phone and name, with the billing postcode of its linked ERP record when it
 * has one: Salesforce holds no address).
 */
import { between, DAY, isoMs, isoSeconds, STREAM, streamSeed } from './common.js';
import { customerNumber, NameBook, type CountryCode, type Customer } from './customers.js';
import type { NsCustomer, ZdOrganization, ZdUser } from './model.js';
import type { NetSuiteRecords } from './netsuite.js';
import { createRandom, type Random } from './random.js';
import type { SalesforceRecords } from './salesforce.js';
import type { ZendeskRecords } from './zendesk.js';

/** The first crosswalk customer's index: C-980001. */
export const CROSSWALK_FIRST_CUSTOMER = 980_001;

type Attribute = 'email' | 'phone' | 'name+postcode';

/** One record the matching rule should (or should not) find for a customer. */
interface Expectation {
  /** What the rule finds agreeing, strongest first; empty when the record must not match. */
  matchedOn: readonly Attribute[];
  /** The record's purpose, in words. */
  exercises: string;
}

export const CROSSWALK_FIXTURES = {
  /** ERP records that lack the customer number, whose customer Salesforce knows. */
  erpMissingKey: {
    byEmail: {
      customer: 'C-980001',
      netsuiteId: 901,
      organizationId: 360000900001,
      userId: 361000900001,
      matchedOn: ['email'],
      exercises: 'the NetSuite customer has no externalId; same e-mail as the Account, no phone',
    },
    byPhone: {
      customer: 'C-980002',
      netsuiteId: 902,
      organizationId: 360000900002,
      userId: 361000900002,
      matchedOn: ['phone'],
      exercises: 'the NetSuite customer has no externalId and no e-mail; the phone is the same number in another format',
    },
  },
  /** A Zendesk organization that lacks the customer number, reachable through its end user's e-mail. */
  serviceDeskMissingKey: {
    customer: 'C-980003',
    netsuiteId: 903,
    organizationId: 360000900003,
    userId: 361000900003,
    matchedOn: ['email', 'phone'],
    exercises: "neither the organization nor its end user holds the customer number; the user's e-mail is the Account's, its phone the same number in another format",
  },
  /** A linked customer entered twice more: an exact copy in NetSuite, a second organization in Zendesk. */
  duplicates: {
    customer: 'C-980004',
    netsuiteId: 904,
    organizationId: 360000900004,
    userId: 361000900004,
    erp: {
      netsuiteId: 905,
      matchedOn: ['email', 'phone', 'name+postcode'],
      exercises: 'a copy of the linked NetSuite customer without externalId: same name, e-mail, phone and addresses',
    },
    serviceDesk: {
      organizationId: 360000900005,
      userId: 361000900005,
      matchedOn: ['email'],
      exercises: 'a second organization without external_id, whose end user (no external_id) has the same e-mail',
    },
  },
  /** A linked customer with ERP records that nearly match it, each without externalId. */
  nearDuplicates: {
    customer: 'C-980005',
    netsuiteId: 906,
    organizationId: 360000900006,
    userId: 361000900006,
    byName: {
      netsuiteId: 907,
      matchedOn: ['name+postcode'],
      exercises: 'the name without accents, in capitals and in another word order; the same postcode, in lower case without its space',
    },
    byPhone: {
      netsuiteId: 908,
      matchedOn: ['phone'],
      exercises: 'the phone with 00 for +; another spelling of the name and no address',
    },
    byEmail: {
      netsuiteId: 909,
      matchedOn: ['email'],
      exercises: 'the e-mail in other case with spaces around it; no address',
    },
    otherPostcode: {
      netsuiteId: 910,
      matchedOn: [],
      exercises: 'the same name with another billing postcode, no e-mail and no phone: must not match',
    },
  },
  /** Records no Salesforce Account points at. */
  orphans: {
    /** The customer number the orphans with one hold, which Salesforce does not know. */
    unknownCustomer: 'C-980099',
    netsuiteWithoutKey: { netsuiteId: 911, exercises: 'a NetSuite company without externalId that resembles no customer' },
    netsuiteUnknownNumber: { netsuiteId: 912, exercises: 'a NetSuite customer whose externalId is C-980099' },
    organizationWithoutKey: {
      organizationId: 360000900007,
      userId: 361000900007,
      exercises: 'a Zendesk organization and end user without external_id that resemble no customer',
    },
    organizationUnknownNumber: {
      organizationId: 360000900008,
      userId: 361000900008,
      exercises: 'a Zendesk organization and end user whose external_id is C-980099',
    },
  },
} as const;

/** Salesforce Accounts the fixtures add: C-980001 to C-980005. */
export const CROSSWALK_ACCOUNTS = 5;
/** NetSuite customer records they add: 901 to 912. */
export const CROSSWALK_NETSUITE_CUSTOMERS = 12;
/** Zendesk organizations they add, each with one end user: 360000900001 to 360000900008. */
export const CROSSWALK_ORGANIZATIONS = 8;

/** Every expectation, for tests that go through them all. */
export function crosswalkExpectations(): { customer: string; netsuiteId?: number; organizationId?: number; expectation: Expectation }[] {
  const f = CROSSWALK_FIXTURES;
  return [
    { customer: f.erpMissingKey.byEmail.customer, netsuiteId: f.erpMissingKey.byEmail.netsuiteId, expectation: f.erpMissingKey.byEmail },
    { customer: f.erpMissingKey.byPhone.customer, netsuiteId: f.erpMissingKey.byPhone.netsuiteId, expectation: f.erpMissingKey.byPhone },
    { customer: f.serviceDeskMissingKey.customer, organizationId: f.serviceDeskMissingKey.organizationId, expectation: f.serviceDeskMissingKey },
    { customer: f.duplicates.customer, netsuiteId: f.duplicates.erp.netsuiteId, expectation: f.duplicates.erp },
    { customer: f.duplicates.customer, organizationId: f.duplicates.serviceDesk.organizationId, expectation: f.duplicates.serviceDesk },
    ...(['byName', 'byPhone', 'byEmail', 'otherPostcode'] as const).map((k) => ({
      customer: f.nearDuplicates.customer,
      netsuiteId: f.nearDuplicates[k].netsuiteId,
      expectation: f.nearDuplicates[k],
    })),
  ];
}

interface Person {
  n: number;
  first: string;
  last: string;
  country: CountryCode;
  email: string;
  phone: string;
  netsuiteId: number;
  organizationId: number;
  userId: number;
}

/** The ids of a fixture customer's records, from the table. */
const ids = (c: { netsuiteId: number; organizationId: number; userId: number }): Pick<Person, 'netsuiteId' | 'organizationId' | 'userId'> => ({
  netsuiteId: c.netsuiteId,
  organizationId: c.organizationId,
  userId: c.userId,
});

const F = CROSSWALK_FIXTURES;
const PEOPLE: readonly Person[] = [
  { n: 980_001, first: 'Annelise', last: 'Vandermeer', country: 'US', email: 'annelise.vandermeer@crosswalk.example', phone: '+1 415-555-0181', ...ids(F.erpMissingKey.byEmail) },
  { n: 980_002, first: 'Thaddeus', last: 'Okonkwo', country: 'US', email: 'thaddeus.okonkwo@crosswalk.example', phone: '+1 212-555-0147', ...ids(F.erpMissingKey.byPhone) },
  { n: 980_003, first: 'Mirela', last: 'Castellanos', country: 'US', email: 'mirela.castellanos@crosswalk.example', phone: '+1 305-555-0162', ...ids(F.serviceDeskMissingKey) },
  { n: 980_004, first: 'Bartholomew', last: 'Lindqvist', country: 'US', email: 'bartholomew.lindqvist@crosswalk.example', phone: '+1 617-555-0123', ...ids(F.duplicates) },
  { n: 980_005, first: 'Renée', last: 'Marchand-Dubois', country: 'GB', email: 'renee.marchand-dubois@crosswalk.example', phone: '+44 20 7946 0731', ...ids(F.nearDuplicates) },
];

const ZD_ORG_BASE = 360000900000;
const ZD_USER_BASE = 361000900000;
const NS_ID_BASE = 900;

/** Whether a record is one the fixtures add, system by system. */
export const isCrosswalkRecord = {
  account: (a: { Customer_Number__c: string }): boolean =>
    a.Customer_Number__c >= customerNumber(CROSSWALK_FIRST_CUSTOMER) && a.Customer_Number__c < customerNumber(CROSSWALK_FIRST_CUSTOMER + CROSSWALK_ACCOUNTS),
  netsuite: (c: { id: number }): boolean => c.id > NS_ID_BASE && c.id <= NS_ID_BASE + CROSSWALK_NETSUITE_CUSTOMERS,
  organization: (o: { id: number }): boolean => o.id > ZD_ORG_BASE && o.id <= ZD_ORG_BASE + CROSSWALK_ORGANIZATIONS,
  user: (u: { id: number }): boolean => u.id > ZD_USER_BASE && u.id <= ZD_USER_BASE + CROSSWALK_ORGANIZATIONS,
};

/** Adds the fixtures to each system's records; call after every customer is drawn. */
export function addCrosswalkFixtures(
  seed: number,
  asOfMs: number,
  salesforce: SalesforceRecords,
  netsuite: NetSuiteRecords,
  zendesk: ZendeskRecords,
): void {
  const rng = createRandom(streamSeed(seed, STREAM.crosswalk, 0));
  const f = CROSSWALK_FIXTURES;
  const linked = new Map<string, NsCustomer>();
  for (const p of PEOPLE) {
    const customer = fixtureCustomer(rng, p, asOfMs);
    const endUser = salesforce.addCustomer(rng, customer, new NameBook(0));
    netsuite.addCustomer(rng, customer, p.netsuiteId);
    const record = netsuite.record(p.netsuiteId) as NsCustomer;
    linked.set(customer.number, record);
    const { organization, user } = zendesk.addCustomer(rng, customer, endUser, { organization: p.organizationId, user: p.userId });
    if (customer.number === f.serviceDeskMissingKey.customer) {
      organization.external_id = null;
      user.external_id = null;
      user.phone = nationalUs(p.phone);
    }
    if (customer.number === f.erpMissingKey.byEmail.customer) Object.assign(record, unlinked(record), { phone: null });
    if (customer.number === f.erpMissingKey.byPhone.customer) Object.assign(record, unlinked(record), { email: null, phone: nationalUs(p.phone) });
  }

  // Linked customers' duplicates and near-duplicates: copies of the linked ERP record, changed.
  const copy = (of: string, id: number, changes: Partial<NsCustomer>): void => {
    const original = linked.get(of) as NsCustomer;
    const created = between(rng, Date.parse(original.datecreated), asOfMs - DAY);
    netsuite.addRecord({
      ...structuredClone(original),
      ...unlinked({ id }),
      datecreated: isoMs(created),
      lastmodifieddate: isoMs(between(rng, created, asOfMs)),
      ...changes,
    });
  };
  copy(f.duplicates.customer, f.duplicates.erp.netsuiteId, {});
  const near = linked.get(f.nearDuplicates.customer) as NsCustomer;
  const bill = near.billaddress as NonNullable<NsCustomer['billaddress']>;
  copy(f.nearDuplicates.customer, f.nearDuplicates.byName.netsuiteId, {
    firstname: 'MARCHAND-DUBOIS',
    lastname: 'Renee',
    email: null,
    phone: null,
    billaddress: { ...bill, zip: bill.zip.replace(/\s/g, '').toLowerCase() },
    shipaddresses: [],
  });
  copy(f.nearDuplicates.customer, f.nearDuplicates.byPhone.netsuiteId, {
    firstname: 'R.',
    lastname: 'Marchand',
    email: null,
    phone: '0044 20 7946 0731',
    billaddress: null,
    shipaddresses: [],
  });
  copy(f.nearDuplicates.customer, f.nearDuplicates.byEmail.netsuiteId, {
    email: ' Renee.Marchand-Dubois@Crosswalk.EXAMPLE ',
    phone: null,
    billaddress: null,
    shipaddresses: [],
  });
  // Lerwick, Shetland: no dataset customer lives there.
  const elsewhere = { ...bill, addr1: '14 Commercial Street', addr2: null, city: 'Lerwick', zip: 'ZE1 0AX' };
  copy(f.nearDuplicates.customer, f.nearDuplicates.otherPostcode.netsuiteId, { email: null, phone: null, billaddress: elsewhere, shipaddresses: [elsewhere] });

  // Orphans: records that resemble no customer, or hold a number Salesforce does not know. They
  // take the ERP's other fields (terms, credit, dates) from a linked record, as the copies do.
  const unknown = f.orphans.unknownCustomer;
  const harbourside = { addr1: '3 Harbour Road', addr2: null, city: 'Boston', state: 'MA', zip: '02110', country: 'US' };
  copy(f.duplicates.customer, f.orphans.netsuiteWithoutKey.netsuiteId, {
    isperson: 'F',
    companyname: 'Harbourside Provisions',
    firstname: null,
    lastname: null,
    email: 'accounts@harbourside-provisions.example',
    phone: '+1 617-555-0199',
    billaddress: harbourside,
    shipaddresses: [harbourside],
  });
  copy(f.duplicates.customer, f.orphans.netsuiteUnknownNumber.netsuiteId, {
    externalid: unknown,
    entityid: unknown,
    firstname: 'Ignatius',
    lastname: 'Featherstonehaugh',
    email: 'ignatius.featherstonehaugh@crosswalk.example',
    phone: null,
    billaddress: null,
    shipaddresses: [],
  });

  const zd = (organization: Omit<ZdOrganization, 'created_at' | 'updated_at'>, user: Omit<ZdUser, 'role' | 'organization_id' | 'created_at' | 'updated_at'>): void => {
    const created = between(rng, asOfMs - 3 * 365 * DAY, asOfMs - 30 * DAY);
    const stamps = (): Pick<ZdUser, 'created_at' | 'updated_at'> => ({ created_at: isoSeconds(created), updated_at: isoSeconds(between(rng, created, asOfMs)) });
    zendesk.addOrganization({ ...organization, ...stamps() }, { ...user, role: 'end-user', organization_id: organization.id, ...stamps() });
  };
  const lindqvist = PEOPLE.find((p) => customerNumber(p.n) === f.duplicates.customer) as Person;
  zd(
    { id: f.duplicates.serviceDesk.organizationId, external_id: null, name: `${lindqvist.last}, ${lindqvist.first}` },
    { id: f.duplicates.serviceDesk.userId, external_id: null, name: `${lindqvist.first} ${lindqvist.last}`, email: lindqvist.email },
  );
  zd(
    { id: f.orphans.organizationWithoutKey.organizationId, external_id: null, name: 'Harbourside Provisions' },
    { id: f.orphans.organizationWithoutKey.userId, external_id: null, name: 'Morwenna Trelawney', email: 'morwenna@harbourside-provisions.example' },
  );
  zd(
    { id: f.orphans.organizationUnknownNumber.organizationId, external_id: unknown, name: 'Ignatius Featherstonehaugh' },
    { id: f.orphans.organizationUnknownNumber.userId, external_id: unknown, name: 'Ignatius Featherstonehaugh', email: 'ignatius.featherstonehaugh@crosswalk.example' },
  );
}

function fixtureCustomer(rng: Random, p: Person, asOfMs: number): Customer {
  return {
    n: p.n,
    number: customerNumber(p.n),
    fixture: { segment: 'Consumer', contacts: 0 },
    segment: 'Consumer',
    country: p.country,
    first: p.first,
    last: p.last,
    company: null,
    name: `${p.first} ${p.last}`,
    domain: 'crosswalk.example',
    email: p.email,
    phone: p.phone,
    createdMs: between(rng, asOfMs - 4 * 365 * DAY, asOfMs - 400 * DAY),
  };
}

/** A record nobody linked: no externalId, and the entity id NetSuite gives such a record. */
const unlinked = (r: { id: number }): Pick<NsCustomer, 'id' | 'externalid' | 'entityid'> => ({ id: r.id, externalid: null, entityid: `CUST${r.id}` });

/** "+1 305-555-0162" -> "(305) 555-0162": the same number as a US national one. */
function nationalUs(phone: string): string {
  const digits = phone.replace(/\D/g, '').slice(1);
  return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

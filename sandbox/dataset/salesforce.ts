/**
 * Salesforce's part of the dataset: one Account per customer (loyalty, consent,
 * preferred store), Contacts for businesses and some consumers, and the stores.
 */
import { between, DAY, isoMs, slug, weighted } from './common.js';
import { phone, type Customer, type EndUser, type NameBook } from './customers.js';
import type { SalesforceData, SfAccount, SfContact } from './model.js';
import { CONTACT_ROLES } from './names.js';
import type { Random } from './random.js';

const STORE_COUNT = 40;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * An 18-character Salesforce id: key prefix, a fixed pod part, a base-62 counter,
 * and the real case-safe suffix (one character per 5-character chunk, encoding
 * which of its characters are upper case), so clients that validate ids accept them.
 */
function salesforceId(prefix: string, counter: number): string {
  let body = '';
  let v = counter;
  for (let i = 0; i < 10; i += 1) {
    body = BASE62.charAt(v % 62) + body;
    v = Math.floor(v / 62);
  }
  const id15 = `${prefix}Dn${body}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

export class SalesforceRecords {
  private readonly stores: string[] = [];
  private readonly accounts: SfAccount[] = [];
  private readonly contacts: SfContact[] = [];

  constructor(private readonly asOfMs: number) {
    for (let i = 1; i <= STORE_COUNT; i += 1) this.stores.push(`STORE-${String(i).padStart(3, '0')}`);
  }

  /** Draws the customer's account and contacts, and answers who writes to the service desk for it. */
  addCustomer(rng: Random, customer: Customer, names: NameBook): EndUser {
    const { n, fixture, country, email, domain } = customer;
    const business = customer.segment === 'Business';
    const person = { first: customer.first, last: customer.last };
    const fixedCreated = customer.createdMs;

    const tier = weighted<SfAccount['Loyalty_Tier__c']>(rng, [['Bronze', 55], ['Silver', 28], ['Gold', 13], ['Platinum', 4]]);
    const points =
      tier === 'Bronze' ? rng.int(0, 999) : tier === 'Silver' ? rng.int(1000, 4999) : tier === 'Gold' ? rng.int(5000, 14999) : rng.int(15000, 50000);
    const emailOptIn = rng.chance(0.6);
    const smsOptIn = customer.phone !== null && rng.chance(0.3);
    const consentMs = emailOptIn || smsOptIn || rng.chance(0.5) ? between(rng, fixedCreated, this.asOfMs) : null;
    const sfModified = Math.max(consentMs ?? fixedCreated, between(rng, fixedCreated, this.asOfMs));
    this.accounts.push({
      Id: salesforceId('001', n),
      Name: customer.name,
      Customer_Number__c: customer.number,
      Email__c: email,
      Phone: customer.phone,
      Segment__c: customer.segment,
      Loyalty_Tier__c: tier,
      Loyalty_Points__c: points,
      Email_Opt_In__c: emailOptIn,
      SMS_Opt_In__c: smsOptIn,
      Consent_Updated_At__c: consentMs === null ? null : isoMs(consentMs),
      Preferred_Store__c: rng.chance(0.8) ? rng.pick(this.stores) : null,
      CreatedDate: isoMs(fixedCreated),
      LastModifiedDate: isoMs(sfModified),
      SystemModstamp: isoMs(sfModified),
    });

    const endUser: EndUser = { name: `${person.first} ${person.last}`, email };
    const contactCount = fixture?.contacts ?? (business ? weighted(rng, [[1, 35], [2, 30], [3, 20], [4, 15]]) : rng.chance(0.4) ? 1 : 0);
    const roles = [...CONTACT_ROLES];
    for (let i = 0; i < contactCount; i += 1) {
      const contactPerson = business && i > 0 ? names.personName(rng, n) : person;
      const contactEmail = business
        ? names.uniqueEmail(`${slug(contactPerson.first, '.')}.${slug(contactPerson.last, '.')}`, domain, n)
        : email;
      // Roles are distinct within an account; the first contact is usually the buyer.
      const role = business ? (i === 0 && rng.chance(0.6) ? 'Buyer' : rng.pick(roles)) : null;
      if (role) roles.splice(roles.indexOf(role), 1);
      const contactCreated = Math.min(this.asOfMs, fixedCreated + between(rng, 0, 60 * DAY));
      const contactModified = between(rng, contactCreated, this.asOfMs);
      this.contacts.push({
        Id: salesforceId('003', this.contacts.length + 1),
        AccountId: salesforceId('001', n),
        FirstName: contactPerson.first,
        LastName: contactPerson.last,
        Name: `${contactPerson.first} ${contactPerson.last}`,
        Email: contactEmail,
        Phone: rng.chance(0.8) ? phone(rng, country) : null,
        Title: role,
        CreatedDate: isoMs(contactCreated),
        LastModifiedDate: isoMs(contactModified),
        SystemModstamp: isoMs(contactModified),
      });
      if (business && i === 0) {
        endUser.name = `${contactPerson.first} ${contactPerson.last}`;
        endUser.email = contactEmail;
      }
    }
    return endUser;
  }

  data(): SalesforceData {
    return { accounts: this.accounts, contacts: this.contacts, stores: this.stores };
  }
}

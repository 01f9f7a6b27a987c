/**
 * Customer writes: what updateCustomerEngagement may change, the checks that
 * refuse a bad write before any call, and the applier that carries a write to
 * Salesforce, now or when the queue replays it.
 *
 * Dedupe is `conditional`: the write is a PATCH of absolute values (setting the
 * same values twice leaves the same state), and with an expectedVersion it is
 * conditioned on the Account's LastModifiedDate (If-Unmodified-Since). A replay
 * after a crash that finds the Account already changed compares it with the
 * payload first: equal values are our own earlier commit, not a conflict.
 */
import { badInput, DomainError, ErrorCode, notFound } from '../../../lib/errors.js';
import { entityTag } from '../../../lib/cache/index.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import type { CustomerReads } from './loaders.js';
import type { CustomerDirectory, CustomerRecord, EngagementChanges } from './salesforce.js';

/** The write kind of updateCustomerEngagement; queued writes carry it, so it never changes. */
export const ENGAGEMENT_WRITE = 'customer.engagement';

/** What is stored and replayed: the customer and the absolute values to set. */
export interface EngagementPayload {
  customerId: string;
  changes: EngagementChanges;
}

/** What an applied write returns (the outcome's `result`): a reference, the resolver reloads the customer. */
export interface EngagementResult {
  customerId: string;
}

/** The unit of ordering: writes to one customer are applied in submission order. */
export const engagementEntityKey = (customerId: string): string => `SALESFORCE:customer:${customerId}`;

/** The customer an entity key names (for authorizing a write's outcome), or undefined for a key of another shape. */
export function customerOfEntityKey(entityKey: string): string | undefined {
  const prefix = 'SALESFORCE:customer:';
  return entityKey.startsWith(prefix) ? entityKey.slice(prefix.length) : undefined;
}

export interface EngagementInputLike {
  email?: string | null;
  phone?: string | null;
  preferredStoreId?: string | null;
  consent?: { emailOptIn?: boolean | null; smsOptIn?: boolean | null } | null;
}

// Deliberately plain: one @, no spaces, a dot in the domain. Salesforce's Email type checks the rest.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const EMAIL_MAX = 80; // Salesforce Email fields hold 80 characters.
const PHONE = /^\+?[0-9 ().-]+$/;
const STORE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/; // Preferred_Store__c holds 20 characters.

/**
 * Shape checks, which cost no call. Throws BAD_USER_INPUT naming the argument;
 * returns the changes to send. `undefined` means "leave alone", null "clear".
 */
export function validateEngagementInput(input: EngagementInputLike): EngagementChanges {
  const changes: EngagementChanges = {};
  if (input.email !== undefined) {
    if (input.email === null) throw badInput('the e-mail address cannot be cleared; send a new one or leave email out', { argumentName: 'input.email' });
    const email = input.email.trim();
    if (email.length > EMAIL_MAX || !EMAIL.test(email)) {
      throw badInput(`expected an e-mail address like "name@example.com" of at most ${EMAIL_MAX} characters, got '${email.slice(0, 100)}'`, { argumentName: 'input.email' });
    }
    changes.email = email;
  }
  if (input.phone !== undefined) {
    if (input.phone === null) changes.phone = null;
    else {
      const phone = input.phone.trim();
      const digits = phone.replace(/\D/g, '').length;
      if (!PHONE.test(phone) || digits < 7 || digits > 15 || phone.length > 40) {
        throw badInput(`expected a phone number of 7 to 15 digits (with an optional leading +, spaces, dots, dashes or parentheses), got '${phone.slice(0, 60)}'`, {
          argumentName: 'input.phone',
        });
      }
      changes.phone = phone;
    }
  }
  if (input.preferredStoreId !== undefined) {
    if (input.preferredStoreId === null) changes.preferredStoreId = null;
    else {
      if (!STORE.test(input.preferredStoreId)) {
        throw badInput(`expected a store id like "STORE-017" (letters, digits, - and _, at most 20 characters), got '${input.preferredStoreId.slice(0, 60)}'`, {
          argumentName: 'input.preferredStoreId',
        });
      }
      changes.preferredStoreId = input.preferredStoreId;
    }
  }
  if (input.consent != null) {
    if (input.consent.emailOptIn != null) changes.emailOptIn = input.consent.emailOptIn;
    if (input.consent.smsOptIn != null) changes.smsOptIn = input.consent.smsOptIn;
  }
  if (Object.keys(changes).length === 0) {
    throw badInput('expected at least one of email, phone, preferredStoreId or consent to change', { argumentName: 'input' });
  }
  return changes;
}

/** Throws BAD_USER_INPUT unless the version is an instant (what Customer.version returns); returns it normalized. */
export function validateVersion(version: string | null | undefined): string | undefined {
  if (version == null) return undefined;
  const t = Date.parse(version);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(version) || !Number.isFinite(t)) {
    throw badInput(`expected expectedVersion to be Customer.version as read, e.g. "2026-11-20T09:15:00.000Z", got '${version.slice(0, 60)}'`, {
      argumentName: 'expectedVersion',
    });
  }
  return new Date(t).toISOString();
}

/** True when Salesforce holds a change made after `version`. */
export function isNewerThan(record: CustomerRecord, version: string): boolean {
  return record.version !== null && Date.parse(record.version) > Date.parse(version);
}

/** True when the record already holds every value the write sets (consent time aside, which each write stamps anew). */
export function holdsChanges(record: CustomerRecord, c: EngagementChanges): boolean {
  return (
    (c.email === undefined || (record.email ?? '').toLowerCase() === c.email.toLowerCase()) &&
    (c.phone === undefined || record.phone === c.phone) &&
    (c.preferredStoreId === undefined || record.preferredStoreId === c.preferredStoreId) &&
    (c.emailOptIn === undefined || record.consent?.emailOptIn === c.emailOptIn) &&
    (c.smsOptIn === undefined || record.consent?.smsOptIn === c.smsOptIn)
  );
}

/** The fields a write changes, as the domain event lists them. */
function changedFields(c: EngagementChanges): string[] {
  const out: string[] = [];
  if (c.email !== undefined) out.push('email');
  if (c.phone !== undefined) out.push('phone');
  if (c.preferredStoreId !== undefined) out.push('preferredStoreId');
  if (c.emailOptIn !== undefined || c.smsOptIn !== undefined) out.push('consent');
  return out;
}

export interface CustomerWriteDeps {
  directory: CustomerDirectory;
  /** Lookups by number, through the entity cache when there is one: the Account id rarely costs a call. */
  reads: CustomerReads;
  /** Clock for the consent timestamp. @default () => new Date() */
  now?: () => Date;
}

/** Registers the customer subgraph's appliers; call before `writes.start()`, since queued writes need them after a restart. */
export function registerCustomerWrites(writes: WriteCoordinator, deps: CustomerWriteDeps): void {
  const now = deps.now ?? (() => new Date());
  writes.registerApplier<EngagementPayload, EngagementResult>(
    ENGAGEMENT_WRITE,
    async (p, ctx) => {
      // The Account id, from the cache when warm (the mutation's own check just read it).
      const [found] = await deps.reads.customersByNumber([p.customerId]);
      if (found instanceof Error) throw found; // transient failures queue the write; others refuse it
      if (!found) throw notFound(`no customer with number '${p.customerId}'`, { customerId: p.customerId });
      const conflict = (current: CustomerRecord): DomainError =>
        ctx.conflict(`customer ${p.customerId} was changed in Salesforce at ${current.version ?? 'an unknown time'}, after version ${ctx.expectedVersion ?? ''}`, {
          currentVersion: current.version,
        });
      if (ctx.expectedVersion !== undefined && isNewerThan(found, ctx.expectedVersion)) {
        // Already newer than the caller's version, even in a cached copy: no write call. It may be our own earlier commit.
        if (holdsChanges(found, p.changes)) return { customerId: p.customerId };
        throw conflict(found);
      }
      const res = await deps.directory.updateEngagement(found.salesforceId, p.changes, {
        ...(ctx.expectedVersion !== undefined ? { ifUnmodifiedSince: ctx.expectedVersion } : {}),
        consentUpdatedAt: now(),
      });
      switch (res.phase) {
        case 'applied':
          return { customerId: p.customerId };
        case 'modified_since': {
          // Salesforce holds a newer change. After a crash or a lost answer that change may be this write itself.
          const [current] = await deps.directory.customersByNumber([p.customerId]);
          if (!current) throw notFound(`no customer with number '${p.customerId}'`, { customerId: p.customerId });
          if (holdsChanges(current, p.changes)) return { customerId: p.customerId };
          throw conflict(current);
        }
        default: {
          const never: never = res;
          throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, `unknown update result ${JSON.stringify(never)}`);
        }
      }
    },
    {
      dedupe: 'conditional',
      invalidates: (p) => [entityTag('Customer', p.customerId)],
      event: (p) => ({ type: 'CustomerEngagementUpdated', data: { customerId: p.customerId, changedFields: changedFields(p.changes) } }),
    },
  );
}

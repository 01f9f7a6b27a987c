/**
 * Authorization: the role × operation matrix as data, and the few functions
 * every resolver uses to apply it. docs/security.md shows the same matrix as a
 * table; test/auth/policy.test.ts fails if the two drift.
 *
 * Rules are checked where the data is known: a root field checks its argument
 * before any system is called; an entity checks the customer it belongs to.
 * Refusals are FORBIDDEN errors (DomainError), except where the matrix says a
 * storefront caller gets null, so that it cannot learn whether another
 * customer's order or case exists.
 */
import { DomainError, ErrorCode } from '../errors.js';
import { effectiveRoles, hasRole, isStorefront, type Caller, type Role } from './caller.js';
import { hiddenFields } from './pii.js';

/**
 * - `allow`: any target.
 * - `own`: only targets of the caller's own customer (storefront).
 * - `own-or-null`: as `own`, but another customer's target reads as null instead of FORBIDDEN.
 * - `deny`: never.
 */
export type Access = 'allow' | 'own' | 'own-or-null' | 'deny';

/** One row per contract operation (and per field with its own rule). Staff roles not listed inherit the agent's access. */
export const OPERATIONS = {
  // Reads
  'Query.customer': { agent: 'allow', storefront: 'own' },
  'Query.customerByIdentity': { agent: 'allow', storefront: 'own' },
  'Query.customers': { agent: 'allow', storefront: 'deny' },
  'Query.order': { agent: 'allow', storefront: 'own-or-null' },
  'Query.invoice': { agent: 'allow', storefront: 'own-or-null' },
  'Query.supportCase': { agent: 'allow', storefront: 'own-or-null' },
  'Customer.contacts': { agent: 'allow', storefront: 'own' },
  'Customer.financials': { agent: 'allow', storefront: 'own' },
  'Customer.orders': { agent: 'allow', storefront: 'own' },
  'Customer.invoices': { agent: 'allow', storefront: 'own' },
  'Customer.cases': { agent: 'allow', storefront: 'own' },
  /** Each system's record ids for a customer, and the matching rule's candidates: staff only. */
  'Customer.identities': { agent: 'allow', storefront: 'deny' },
  /** Storefront callers get the public comments only (see visibleComments). */
  'SupportCase.comments': { agent: 'allow', storefront: 'own' },
  /** A write's outcome by writeId: another customer's write reads as null, like an unknown id. */
  'write.outcome': { agent: 'allow', storefront: 'own-or-null' },
  // Writes
  'Mutation.updateCustomerEngagement': { agent: 'allow', storefront: 'own' },
  'Mutation.placeOrder': { agent: 'allow', storefront: 'own' },
  'Mutation.cancelOrder': { agent: 'allow', storefront: 'own' },
  'Mutation.requestReturn': { agent: 'allow', storefront: 'own' },
  'Mutation.updateBillingAddress': { agent: 'deny', finance: 'allow', storefront: 'deny' },
  'Mutation.openCase': { agent: 'allow', storefront: 'own' },
  /** Storefront callers add public comments only (see requirePublicComment). */
  'Mutation.addCaseComment': { agent: 'allow', storefront: 'own' },
  'Mutation.updateCaseStatus': { agent: 'allow', storefront: 'deny' },
  /** Confirming or rejecting an identity candidate (docs/identity.md), from the service desk or the ERP: staff only. */
  'Mutation.confirmIdentity': { agent: 'allow', storefront: 'deny' },
  'Mutation.rejectIdentity': { agent: 'allow', storefront: 'deny' },
  /**
   * Query.identityOrphans, NetSuite and Zendesk records no Salesforce Account points at (docs/identity.md):
   * an operator's report. Never cached, so it needs no cache scope of its own (scopeOf).
   */
  'report.identityOrphans': { agent: 'deny', operator: 'allow', storefront: 'deny' },
  /** The write queue's operations: list and page, retry and discard (one write or in bulk). */
  'queue.operate': { agent: 'deny', operator: 'allow', storefront: 'deny' },
  // Subscriptions: storefront callers must filter on their own customerId (see authorizeSubscription).
  'Subscription.orderStatusChanged': { agent: 'allow', storefront: 'own' },
  'Subscription.invoiceStatusChanged': { agent: 'allow', storefront: 'own' },
  'Subscription.caseUpdated': { agent: 'allow', storefront: 'own' },
  /** A write's outcome once it settles (lib/writes/graph.ts); storefront callers read `<subgraph>Write` instead. */
  'Subscription.customerWriteSettled': { agent: 'allow', storefront: 'deny' },
  'Subscription.orderWriteSettled': { agent: 'allow', storefront: 'deny' },
  'Subscription.financeWriteSettled': { agent: 'allow', storefront: 'deny' },
  'Subscription.serviceWriteSettled': { agent: 'allow', storefront: 'deny' },
} as const satisfies Record<string, { agent: Access; storefront: Access; finance?: Access; operator?: Access }>;

export type Operation = keyof typeof OPERATIONS;

const RANK: Record<Access, number> = { deny: 0, 'own-or-null': 1, own: 2, allow: 3 };

/** The access one role has to an operation (finance and operator fall back to the agent's). */
export function accessOf(role: Role, operation: Operation): Access {
  const row: { agent: Access; storefront: Access; finance?: Access; operator?: Access } = OPERATIONS[operation];
  switch (role) {
    case 'agent':
    case 'storefront':
      return row[role];
    case 'finance':
    case 'operator':
      return row[role] ?? row.agent;
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

/** The caller's best access to an operation over all its roles. */
export function callerAccess(caller: Caller, operation: Operation): Access {
  let best: Access = 'deny';
  for (const role of effectiveRoles(caller)) {
    const a = accessOf(role, operation);
    if (RANK[a] > RANK[best]) best = a;
  }
  return best;
}

export function forbidden(message: string, extensions: Record<string, unknown> = {}): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, message, extensions);
}

/** True if the caller may see this customer's data: staff see any customer, a storefront caller its own only. */
export function canSeeCustomer(caller: Caller, customerId: string): boolean {
  if (isStorefront(caller)) return caller.customerId === customerId;
  return hasRole(caller, 'agent');
}

/** Throws FORBIDDEN unless the caller holds the role (directly or implied). */
export function requireRole(caller: Caller, role: Role): void {
  if (!hasRole(caller, role)) {
    throw forbidden(`this operation needs the ${role} role; the caller has ${describeRoles(caller)}`, { requiredRole: role });
  }
}

export type Decision = { phase: 'allowed' } | { phase: 'null' } | { phase: 'forbidden'; error: DomainError };

/**
 * Decides one operation for one caller. `customerId` is the customer the target
 * belongs to: required for rows whose storefront access is `own`/`own-or-null`
 * (without it a storefront caller is refused, never waved through).
 */
export function decide(caller: Caller, operation: Operation, target: { customerId?: string | null } = {}): Decision {
  const access = callerAccess(caller, operation);
  switch (access) {
    case 'allow':
      return { phase: 'allowed' };
    case 'deny':
      return { phase: 'forbidden', error: forbidden(`${describeRoles(caller)} may not use ${operation}`, { operation }) };
    case 'own':
    case 'own-or-null': {
      if (isStorefront(caller) && target.customerId != null && target.customerId === caller.customerId) return { phase: 'allowed' };
      if (access === 'own-or-null') return { phase: 'null' };
      return {
        phase: 'forbidden',
        error: forbidden(
          target.customerId == null
            ? `${operation} needs the customer it acts on, and a storefront caller may act on its own customer only`
            : 'a storefront caller may reach its own customer only',
          { operation },
        ),
      };
    }
    default: {
      const never: never = access;
      throw new Error(`unknown access ${String(never)}`);
    }
  }
}

/**
 * The one call a resolver makes before touching a system: throws FORBIDDEN when
 * refused, returns false when the answer must be null, true when allowed.
 */
export function authorize(caller: Caller, operation: Operation, target: { customerId?: string | null } = {}): boolean {
  const d = decide(caller, operation, target);
  switch (d.phase) {
    case 'allowed':
      return true;
    case 'null':
      return false;
    case 'forbidden':
      throw d.error;
    default: {
      const never: never = d;
      throw new Error(`unknown decision ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Subscriptions: a storefront caller must filter on its own customerId (an
 * orderId/caseId/invoiceId filter alone is not enough, since the event's owner
 * is only known later); a subscription without a customer filter needs the agent role.
 */
export function authorizeSubscription(
  caller: Caller,
  operation: Extract<Operation, `Subscription.${string}`>,
  filter: { customerId?: string | null },
): void {
  if (isStorefront(caller)) {
    // A subscription storefronts may not have at all says so, rather than asking for a customerId.
    if (callerAccess(caller, operation) === 'deny') {
      authorize(caller, operation);
      return;
    }
    if (filter.customerId == null) throw forbidden(`a storefront caller must subscribe with customerId: "${caller.customerId}"`, { operation });
    authorize(caller, operation, { customerId: filter.customerId });
    return;
  }
  authorize(caller, operation, { customerId: filter.customerId });
}

/** Storefront callers see public case comments only; internal notes stay with staff. */
export function canSeeComment(caller: Caller, comment: { public: boolean }): boolean {
  return comment.public || (!isStorefront(caller) && hasRole(caller, 'agent'));
}

export function visibleComments<T extends { public: boolean }>(caller: Caller, comments: readonly T[]): T[] {
  return comments.filter((c) => canSeeComment(caller, c));
}

/** Storefront callers may add public comments only: an internal note from a customer makes no sense and would be hidden from them. */
export function requirePublicComment(caller: Caller, isPublic: boolean): void {
  if (!isPublic && !hasRole(caller, 'agent')) throw forbidden('a storefront caller may add public comments only', { argumentName: 'public' });
}

/**
 * The part of a cache key that depends on who is asking. Every staff role reads
 * the same records (test/auth/policy.test.ts keeps that true: a read row that
 * differs between staff roles must come with a finer scope here), but not the
 * same personal data (lib/auth/pii.ts): staff who see all of it share `staff`;
 * staff with fields hidden share `staff;hidden=<fields>` with those who hide the
 * same fields, so an answer is never served to a role that may see less of it.
 * A storefront caller's scope is its customer (it sees all of its own data).
 */
export function scopeOf(caller: Caller): string {
  const records = recordScope(caller);
  if (records !== 'staff') return records;
  const hidden = hiddenFields(caller);
  return hidden.length === 0 ? records : `${records};hidden=${hidden.join(',')}`;
}

/** Which records a caller reaches: `customer:<number>` for a storefront caller, `staff` for staff, `none` otherwise. */
function recordScope(caller: Caller): string {
  if (isStorefront(caller)) return `customer:${caller.customerId}`;
  if (hasRole(caller, 'agent')) return 'staff';
  return 'none';
}

/**
 * The key space of a caller's idempotency keys: one per person. A storefront
 * customer is `customer:<number>`; anyone else is `<records it reaches>:<subject>`
 * (for staff `staff:<subject>`, whatever personal data its role sees), so two
 * agents who happen to send the same key make two writes, and neither can read
 * the other's outcome through it. Every subgraph's mutations use this one formula.
 */
export function idempotencyScope(caller: Caller): string {
  return isStorefront(caller) ? recordScope(caller) : `${recordScope(caller)}:${caller.subject}`;
}

function describeRoles(caller: Caller): string {
  return caller.roles.length === 0 ? 'a caller without roles' : `role ${caller.roles.join('+')}`;
}

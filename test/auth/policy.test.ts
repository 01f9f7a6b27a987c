/**
 * The authorization primitives every resolver will use, and the promise that
 * docs/security.md shows the matrix the code applies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../lib/errors.js';
import {
  GATEWAY_CALLER,
  OPERATIONS,
  ROLES,
  accessOf,
  authorize,
  authorizeSubscription,
  canSeeComment,
  canSeeCustomer,
  callerAccess,
  decide,
  makeCaller,
  requirePublicComment,
  requireRole,
  scopeOf,
  visibleComments,
  type Operation,
} from '../../lib/auth/index.js';

const agent = makeCaller({ subject: 'a1', roles: ['agent'], via: 'token' });
const finance = makeCaller({ subject: 'f1', roles: ['finance'], via: 'token' });
const operator = makeCaller({ subject: 'o1', roles: ['operator'], via: 'token' });
const storefront = makeCaller({ subject: 'C-000001', roles: ['storefront'], customerId: 'C-000001', via: 'token' });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
}

describe('Caller', () => {
  it('keeps known roles only, once each', () => {
    expect(makeCaller({ subject: 's', roles: ['agent', 'admin', 'agent'], via: 'token' }).roles).toEqual(['agent']);
  });
  it('refuses a storefront token that is also staff, or names no customer', () => {
    expect(() => makeCaller({ subject: 's', roles: ['storefront', 'agent'], customerId: 'C-000001', via: 'token' })).toThrow(/cannot also carry staff roles/);
    expect(() => makeCaller({ subject: 's', roles: ['storefront'], via: 'token' })).toThrow(/must name its customer/);
  });
  it('drops a customer number given to a staff caller', () => {
    expect(makeCaller({ subject: 's', roles: ['agent'], customerId: 'C-000009', via: 'token' }).customerId).toBeUndefined();
  });
});

describe('canSeeCustomer and requireRole', () => {
  it('staff see any customer; a storefront caller its own only; the gateway itself none', () => {
    for (const c of [agent, finance, operator]) expect(canSeeCustomer(c, 'C-000042')).toBe(true);
    expect(canSeeCustomer(storefront, 'C-000001')).toBe(true);
    expect(canSeeCustomer(storefront, 'C-000002')).toBe(false);
    expect(canSeeCustomer(GATEWAY_CALLER, 'C-000001')).toBe(false);
  });
  it('finance and operator imply agent, not each other', () => {
    expect(codeOf(() => requireRole(finance, 'agent'))).toBeUndefined();
    expect(codeOf(() => requireRole(operator, 'agent'))).toBeUndefined();
    expect(codeOf(() => requireRole(agent, 'finance'))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => requireRole(finance, 'operator'))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => requireRole(storefront, 'agent'))).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('authorize: every role × every operation', () => {
  const callers = { agent, finance, operator, storefront } as const;
  const ops = Object.keys(OPERATIONS) as Operation[];

  for (const op of ops) {
    it(op, () => {
      for (const [role, caller] of Object.entries(callers)) {
        const access = callerAccess(caller, op);
        const own = () => authorize(caller, op, { customerId: 'C-000001' });
        const other = () => authorize(caller, op, { customerId: 'C-000002' });
        const none = () => authorize(caller, op);
        switch (access) {
          case 'allow':
            expect(own(), `${role} own`).toBe(true);
            expect(other(), `${role} other`).toBe(true);
            expect(none(), `${role} without target`).toBe(true);
            break;
          case 'deny':
            expect(codeOf(own), `${role} own`).toBe(ErrorCode.FORBIDDEN);
            expect(codeOf(other), `${role} other`).toBe(ErrorCode.FORBIDDEN);
            break;
          case 'own':
            expect(own(), `${role} own`).toBe(true);
            expect(codeOf(other), `${role} other`).toBe(ErrorCode.FORBIDDEN);
            expect(codeOf(none), `${role} without target`).toBe(ErrorCode.FORBIDDEN);
            break;
          case 'own-or-null':
            expect(own(), `${role} own`).toBe(true);
            expect(other(), `${role} other`).toBe(false);
            expect(none(), `${role} without target`).toBe(false);
            break;
        }
      }
    });
  }

  it('the gateway caller (no roles) passes nothing', () => {
    for (const op of ops) expect(decide(GATEWAY_CALLER, op, { customerId: 'C-000001' }).phase, op).not.toBe('allowed');
  });

  it('billing writes need finance, queue operations need operator', () => {
    expect(codeOf(() => authorize(agent, 'Mutation.updateBillingAddress', { customerId: 'C-000001' }))).toBe(ErrorCode.FORBIDDEN);
    expect(authorize(finance, 'Mutation.updateBillingAddress', { customerId: 'C-000001' })).toBe(true);
    expect(codeOf(() => authorize(finance, 'queue.operate'))).toBe(ErrorCode.FORBIDDEN);
    expect(authorize(operator, 'queue.operate')).toBe(true);
  });

  it('the identity orphan list is for operators only', () => {
    for (const c of [agent, finance, storefront]) expect(codeOf(() => authorize(c, 'report.identityOrphans')), c.roles.join()).toBe(ErrorCode.FORBIDDEN);
    expect(authorize(operator, 'report.identityOrphans')).toBe(true);
  });
});

describe('subscriptions', () => {
  it('a storefront caller must filter on its own customer', () => {
    expect(codeOf(() => authorizeSubscription(storefront, 'Subscription.orderStatusChanged', {}))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => authorizeSubscription(storefront, 'Subscription.caseUpdated', { customerId: 'C-000002' }))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => authorizeSubscription(storefront, 'Subscription.invoiceStatusChanged', { customerId: 'C-000001' }))).toBeUndefined();
  });
  it('an unfiltered subscription needs the agent role', () => {
    expect(codeOf(() => authorizeSubscription(agent, 'Subscription.orderStatusChanged', {}))).toBeUndefined();
    expect(codeOf(() => authorizeSubscription(GATEWAY_CALLER, 'Subscription.orderStatusChanged', {}))).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('case comments', () => {
  const comments = [
    { id: '1', public: true },
    { id: '2', public: false },
  ];
  it('storefront callers see public comments only; staff see all', () => {
    expect(visibleComments(storefront, comments).map((c) => c.id)).toEqual(['1']);
    expect(visibleComments(agent, comments).map((c) => c.id)).toEqual(['1', '2']);
    expect(canSeeComment(GATEWAY_CALLER, { public: false })).toBe(false);
  });
  it('storefront callers add public comments only', () => {
    expect(codeOf(() => requirePublicComment(storefront, false))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => requirePublicComment(storefront, true))).toBeUndefined();
    expect(codeOf(() => requirePublicComment(agent, false))).toBeUndefined();
  });
});

describe('scopeOf', () => {
  it('is one scope for staff who see the same personal data, one per storefront customer', () => {
    expect(scopeOf(agent)).toBe('staff');
    // Finance does not see the marketing consent (lib/auth/pii.ts), so it must not read the agent's cached answers.
    expect(scopeOf(finance)).toBe('staff;hidden=Customer.consent');
    expect(scopeOf(storefront)).toBe('customer:C-000001');
    expect(scopeOf(makeCaller({ subject: 'x', roles: ['storefront'], customerId: 'C-000002', via: 'token' }))).toBe('customer:C-000002');
    expect(scopeOf(GATEWAY_CALLER)).toBe('none');
  });
  it('staff may share one cache scope because no read differs between staff roles', () => {
    // Operator reports (report.*) are read afresh every time, never cached, so they may differ.
    const reads = (Object.keys(OPERATIONS) as Operation[]).filter((op) => !/^(Mutation|Subscription|queue|report)\./.test(op));
    expect(reads.length).toBeGreaterThan(5);
    for (const op of reads) {
      expect(new Set(['agent', 'finance', 'operator'].map((r) => accessOf(r as 'agent', op))).size, op).toBe(1);
    }
  });
});

describe('docs/security.md', () => {
  it('shows exactly the matrix the code applies', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    // The section of the matrix only: the personal-data table has rows of the same shape (test/auth/pii.test.ts checks it).
    const matrix = doc.slice(doc.indexOf('### The matrix'), doc.indexOf('\n## ', doc.indexOf('### The matrix')));
    const rows = new Map<string, string[]>();
    for (const line of matrix.split('\n')) {
      const m = /^\| `([A-Za-z.]+)`[^|]*\|(.*)\|\s*$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      rows.set(m[1], m[2].split('|').map((c) => c.trim().split(' ')[0] ?? ''));
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(OPERATIONS).sort());
    const columns = ['agent', 'finance', 'operator', 'storefront'] as const;
    expect(ROLES.slice().sort()).toEqual(columns.slice().sort());
    for (const [op, cells] of rows) {
      expect(cells, op).toEqual(columns.map((r) => accessOf(r, op as Operation)));
    }
  });
});

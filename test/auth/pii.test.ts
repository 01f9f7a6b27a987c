/**
 * The personal-data policy as data: each role's view of each field, the cache
 * scope that keeps different views apart, and the table docs/security.md shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_CALLER, PII_POLICY, hiddenFields, idempotencyScope, makeCaller, piiLevel, piiPolicyMarkdown, scopeOf, type PiiField } from '../../lib/auth/index.js';

const agent = makeCaller({ subject: 'a1', roles: ['agent'], via: 'token' });
const finance = makeCaller({ subject: 'f1', roles: ['finance'], via: 'token' });
const operator = makeCaller({ subject: 'o1', roles: ['operator'], via: 'token' });
const storefront = makeCaller({ subject: 'C-000001', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
const fields = Object.keys(PII_POLICY) as PiiField[];

describe('personal data by role', () => {
  it('an agent and a storefront caller see every field in full', () => {
    for (const f of fields) {
      expect(piiLevel(agent, f), f).toBe('full');
      expect(piiLevel(storefront, f), f).toBe('full');
    }
  });
  it('finance sees contact data and addresses, not the marketing consent', () => {
    expect(hiddenFields(finance)).toEqual(['Customer.consent']);
    expect(piiLevel(finance, 'CustomerFinancials.billingAddress')).toBe('full');
  });
  it('an operator sees none of it, nor does a caller without roles', () => {
    expect(hiddenFields(operator)).toEqual([...fields].sort());
    expect(hiddenFields(GATEWAY_CALLER)).toEqual([...fields].sort());
  });
  it('a token with several roles gets the most open view of them, not the view of the roles they imply', () => {
    expect(hiddenFields(makeCaller({ subject: 's', roles: ['finance', 'agent'], via: 'token' }))).toEqual([]);
    expect(hiddenFields(makeCaller({ subject: 's', roles: ['finance', 'operator'], via: 'token' }))).toEqual(['Customer.consent']);
  });
});

describe('cache scopes follow the view', () => {
  it('staff who see different personal data never share a scope; staff with the same view do', () => {
    const scopes = [agent, finance, operator].map(scopeOf);
    expect(new Set(scopes).size).toBe(3);
    expect(scopeOf(agent)).toBe('staff');
    expect(scopeOf(makeCaller({ subject: 'f2', roles: ['finance'], via: 'token' }))).toBe(scopeOf(finance));
    expect(scopeOf(makeCaller({ subject: 'a2', roles: ['agent', 'finance'], via: 'token' }))).toBe('staff');
  });
  it('idempotency keys keep one key space per person, whatever the view', () => {
    expect(idempotencyScope(finance)).toBe('staff:f1');
    expect(idempotencyScope(operator)).toBe('staff:o1');
    expect(idempotencyScope(storefront)).toBe('customer:C-000001');
  });
});

describe('docs/security.md', () => {
  it('shows the policy table as lib/auth/pii.ts holds it (run `npm run docs:pii` if this fails)', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    const between = /<!-- pii-policy:start -->\n([\s\S]*?)\n<!-- pii-policy:end -->/.exec(doc)?.[1];
    expect(between, 'docs/security.md is stale: run `npm run docs:pii`').toBe(piiPolicyMarkdown());
  });
});

/** The gateway's signed caller header: what a subgraph accepts and what it refuses. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CALLER_HEADER, loadTrustOptions, makeCaller, signCaller, verifyCaller, type TrustOptions } from '../../lib/auth/index.js';

const trust: TrustOptions = { secrets: ['s'.repeat(40)] };
const storefront = makeCaller({ subject: 'user-9', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
const at = new Date('2026-11-20T10:00:00Z');

describe('signed caller header', () => {
  it('round-trips the caller for the same correlation id', () => {
    const h = signCaller(storefront, { trust, correlationId: 'cid-1', now: at });
    const v = verifyCaller(h, { trust, correlationId: 'cid-1', now: at });
    expect(v).toEqual({ phase: 'verified', caller: storefront });
  });

  it('refuses a missing, malformed, re-signed or tampered header', () => {
    const h = signCaller(storefront, { trust, correlationId: 'cid-1', now: at });
    const check = (value: string | undefined) => verifyCaller(value, { trust, correlationId: 'cid-1', now: at }).phase;
    expect(check(undefined)).toBe('rejected');
    expect(check('Bearer abc')).toBe('rejected');
    const [v, body, _mac] = h.split('.');
    // Same claims, MAC under another secret.
    const forged = `${v}.${body}.${createHmac('sha256', 'x'.repeat(40)).update(`${v}.${body}`).digest('base64url')}`;
    expect(check(forged)).toBe('rejected');
    // Claims changed to another customer, original MAC kept.
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${v}.${Buffer.from(JSON.stringify({ ...claims, cust: 'C-000002' })).toString('base64url')}.${_mac}`;
    expect(check(tampered)).toBe('rejected');
    expect(check(h)).toBe('verified');
  });

  it('refuses a header signed for another request, or expired', () => {
    const h = signCaller(storefront, { trust, correlationId: 'cid-1', now: at });
    expect(verifyCaller(h, { trust, correlationId: 'cid-2', now: at })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/another request/) });
    const later = new Date(at.getTime() + 66_000);
    expect(verifyCaller(h, { trust, correlationId: 'cid-1', now: later })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/expired/) });
  });

  it('verifies under any configured secret while signing with the first (rotation)', () => {
    const old: TrustOptions = { secrets: ['o'.repeat(40)] };
    const rotated: TrustOptions = { secrets: ['n'.repeat(40), 'o'.repeat(40)] };
    const h = signCaller(storefront, { trust: old, correlationId: 'c', now: at });
    expect(verifyCaller(h, { trust: rotated, correlationId: 'c', now: at }).phase).toBe('verified');
    const h2 = signCaller(storefront, { trust: rotated, correlationId: 'c', now: at });
    expect(verifyCaller(h2, { trust: old, correlationId: 'c', now: at }).phase).toBe('rejected');
  });

  it('needs a long enough secret in the environment', () => {
    expect(() => loadTrustOptions({})).toThrow(/INTERNAL_AUTH_SECRET is not set/);
    expect(() => loadTrustOptions({ INTERNAL_AUTH_SECRET: 'short' })).toThrow(/at least 32/);
    expect(loadTrustOptions({ INTERNAL_AUTH_SECRET: `${'a'.repeat(32)}, ${'b'.repeat(32)}` }).secrets).toHaveLength(2);
  });

  it('is named as documented', () => {
    expect(CALLER_HEADER).toBe('x-rsg-caller');
  });
});

/**
 * The embedded default (subgraphs in the gateway's process, startInProcess):
 * the gateway's subgraph fetches carry the caller as an in-process voucher, so
 * a cold view costs no claims encoding, no body digest, no HMAC and no nonce;
 * and the caller the subgraphs see is the one the gateway verified, storefront
 * scoping included.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Internal from '../../lib/auth/internal.js';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { CUSTOMER_360 } from '../response-cache/support.js';

/** What the caller check cost, by correlation id where the call names one. */
const work = vi.hoisted(() => ({ signed: 0, verified: [] as Array<string | undefined>, vouched: [] as Array<string | undefined> }));

vi.mock('../../lib/auth/internal.js', async (importOriginal) => {
  const real = await importOriginal<typeof Internal>();
  return {
    ...real,
    prepareCaller: (...args: Parameters<typeof real.prepareCaller>) => {
      work.signed += 1;
      return real.prepareCaller(...args);
    },
    sealCaller: (...args: Parameters<typeof real.sealCaller>) => {
      work.signed += 1;
      return real.sealCaller(...args);
    },
    signCaller: (...args: Parameters<typeof real.signCaller>) => {
      work.signed += 1;
      return real.signCaller(...args);
    },
    verifyCaller: (...args: Parameters<typeof real.verifyCaller>) => {
      work.verified.push(args[1].correlationId);
      return real.verifyCaller(...args);
    },
    acceptVoucher: (...args: Parameters<typeof real.acceptVoucher>) => {
      const verdict = real.acceptVoucher(...args);
      if (verdict.phase === 'verified') work.vouched.push(args[1].correlationId);
      return verdict;
    },
  };
});

type View = { customer: { id: string; name: string | null; orders: { nodes: Array<{ id: string }> } | null } | null };

let stack: Stack & StackIdentity;

beforeAll(async () => {
  stack = await startStack({ customers: 30, inProcess: true, cache: {} });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('the embedded gateway vouches for its caller in process', () => {
  it('a cold customer-360 reaches every subgraph with no signing, no verification and no nonce', async () => {
    const signedBefore = work.signed;
    const res = await stack.query<View>(CUSTOMER_360, { id: 'C-000003' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customer?.id).toBe('C-000003');
    const stats = await stack.allStats(res.correlationId);
    expect(stats.salesforce.total + stats.netsuite.total + stats.zendesk.total).toBeGreaterThan(0);
    // One voucher accepted per subgraph fetch (customer, order, finance, service at least).
    expect(work.vouched.filter((c) => c === res.correlationId).length).toBeGreaterThanOrEqual(4);
    // verifyCaller is where the HMAC, the digest and the nonce claim happen.
    expect(work.verified.filter((c) => c === res.correlationId)).toEqual([]);
    expect(work.signed).toBe(signedBefore);
  });

  it("a storefront caller's customer scope holds through the vouched path", async () => {
    const { customerId, token } = stack.tokens.storefront;
    const own = await stack.query<View>(CUSTOMER_360, { id: customerId }, { token });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data?.customer?.id).toBe(customerId);
    expect(work.vouched).toContain(own.correlationId);
    const other = await stack.query<View>(CUSTOMER_360, { id: 'C-000002' }, { token });
    expect(other.body.data?.customer ?? null).toBeNull();
    expect(JSON.stringify(other.body.errors)).toContain('FORBIDDEN');
    const stats = await stack.allStats(other.correlationId);
    expect(stats.salesforce.total + stats.netsuite.total + stats.zendesk.total).toBe(0);
    expect(work.verified.filter((c) => c === own.correlationId || c === other.correlationId)).toEqual([]);
  });
});

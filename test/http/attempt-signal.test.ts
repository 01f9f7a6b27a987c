/**
 * The signal an attempt is given is aborted when its time runs out, and only
 * then: a call that returned leaves it alone, since an abort without a reason
 * builds an error with a stack, and a returned call has nothing left to cancel.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../lib/errors.js';
import { defaultPolicy, systemPolicy } from '../../lib/http.js';

const classify = (): undefined => undefined;

describe('attempt signal', () => {
  it('is not aborted once a call has returned, nor once it has failed', async () => {
    const policy = systemPolicy(defaultPolicy('ERP'));
    const signals: AbortSignal[] = [];
    expect(await policy.run({ idempotent: true, classify }, async ({ signal }) => (signals.push(signal), 'ok'))).toBe('ok');
    const refused = new UpstreamError('ERP', 'error', 'refused');
    await expect(policy.run({ idempotent: true, classify }, async ({ signal }) => (signals.push(signal), Promise.reject(refused)))).rejects.toBe(refused);
    expect(signals).toHaveLength(2);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });

  it('is aborted when the attempt times out, and the call fails UPSTREAM_TIMEOUT', async () => {
    const policy = systemPolicy(defaultPolicy('ERP', { timeoutMs: 20, deadlineMs: 1_000, retries: 0 }));
    let seen: AbortSignal | undefined;
    const outcome = await policy
      .run({ idempotent: true, classify }, ({ signal }) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      })
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(UpstreamError);
    expect((outcome as UpstreamError).failure).toBe('timeout');
    expect(seen?.aborted).toBe(true);
  });
});

/**
 * gateway/src/datasource.ts: an in-process subgraph's answer as the fetch
 * Response Apollo's data source reads, and the voucher its request carries in
 * place of the caller header.
 */
import { describe, expect, it } from 'vitest';
import { PendingVouchers, localFetcher, textResponse } from '../../gateway/src/datasource.js';
import { CALLER_HEADER, acceptVoucher, makeCaller, vouchCaller } from '../../lib/auth/index.js';
import type { LocalRequest } from '../../lib/local-subgraph.js';
import { TEST_TRUST } from '../support/auth.js';

const answer = { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'x-correlation-id': 'c-1' }, body: '{"data":{"a":1}}' };

describe('an in-process answer as a Response', () => {
  it('reads like new Response(body, init): status, ok, headers whatever their case, JSON body', async () => {
    const res = textResponse(answer);
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.statusText).toBe('');
    expect(res.url).toBe('');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('X-Correlation-Id')).toBe('c-1');
    expect(res.headers.get('cache-control')).toBeNull();
    expect([...res.headers]).toEqual([...new Headers(answer.headers)]);
    expect(await res.json()).toEqual({ data: { a: 1 } });
  });

  it('gives its body once, as a Response does, and a clone taken before gives it again', async () => {
    const res = textResponse(answer);
    const copy = res.clone();
    expect(await res.text()).toBe(answer.body);
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(() => res.clone()).toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe(answer.body);
  });

  it('is not ok outside 2xx, and a body that is not JSON fails json() as Response.json does', async () => {
    const refused = textResponse({ status: 401, headers: {}, body: 'nope' });
    expect(refused.ok).toBe(false);
    await expect(refused.json()).rejects.toThrow(SyntaxError);
  });
});

describe('the voucher of an in-process fetch', () => {
  const caller = makeCaller({ subject: 'user-9', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
  const vouch = (correlationId = 'c-1') => vouchCaller(caller, { trust: TEST_TRUST, correlationId, audience: 'customer' });

  it('waits under a handle until its fetch takes it, once', () => {
    const pending = new PendingVouchers();
    const voucher = vouch();
    const handle = pending.hold(voucher);
    expect(handle).not.toMatch(/^v2\./);
    expect(pending.take(handle)).toBe(voucher);
    expect(pending.take(handle)).toBeUndefined();
    expect(pending.take('v2.claims.mac')).toBeUndefined();
    expect(pending.take(undefined)).toBeUndefined();
    expect(pending.size).toBe(0);
  });

  it('stays bounded: past its size the oldest goes (that fetch is refused, never let through)', () => {
    const pending = new PendingVouchers(2);
    const handles = [pending.hold(vouch()), pending.hold(vouch()), pending.hold(vouch())];
    expect(pending.size).toBe(2);
    expect(pending.take(handles[0])).toBeUndefined();
    expect(pending.take(handles[2])).toBeDefined();
  });

  it('goes to the subgraph beside the headers, never as one; other headers go as they are', async () => {
    const seen: LocalRequest[] = [];
    const local = {
      name: 'customer',
      async fetch(request: LocalRequest) {
        seen.push(request);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":{}}' };
      },
    };
    const pending = new PendingVouchers();
    const voucher = vouch();
    const fetcher = localFetcher(local, pending);
    const body = '{"query":"{ __typename }"}';
    await fetcher('http://customer/graphql', { method: 'POST', headers: { [CALLER_HEADER]: pending.hold(voucher), 'X-Correlation-Id': 'c-1' }, body });
    expect(seen[0]).toEqual({ headers: { 'x-correlation-id': 'c-1' }, body, voucher });
    expect(acceptVoucher(seen[0]?.voucher, { audience: 'customer', correlationId: 'c-1' })).toEqual({ phase: 'verified', caller });
    // A signed header is passed on untouched, with no voucher.
    await fetcher('http://customer/graphql', { method: 'POST', headers: { [CALLER_HEADER]: 'v2.claims.mac' }, body });
    expect(seen[1]).toEqual({ headers: { [CALLER_HEADER]: 'v2.claims.mac' }, body, voucher: undefined });
  });
});

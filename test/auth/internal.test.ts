/** The gateway's signed caller header, and its in-process voucher: what a subgraph accepts and what it refuses. */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import {
  CALLER_HEADER,
  acceptVoucher,
  loadTrustOptions,
  makeCaller,
  memoryNonceStore,
  prepareCaller,
  redisNonceStore,
  sealCaller,
  signCaller,
  verifyCaller,
  vouchCaller,
  type SignatureBinding,
  type SignedOperation,
  type TrustOptions,
} from '../../lib/auth/index.js';

const trust: TrustOptions = { secrets: ['s'.repeat(40)] };
const storefront = makeCaller({ subject: 'user-9', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
const at = new Date('2026-11-20T10:00:00Z');
const read: SignatureBinding = {
  audience: 'customer',
  operation: { query: 'query($id: ID!) { customer(id: $id) { name } }', variables: { id: 'C-000001' } },
};

const sign = (over: Partial<{ trust: TrustOptions; correlationId: string; bind: SignatureBinding; now: Date }> = {}): string =>
  signCaller(storefront, { trust, correlationId: 'cid-1', bind: read, now: at, ...over });
const verify = (header: string | undefined, over: Partial<Parameters<typeof verifyCaller>[1]> = {}) =>
  verifyCaller(header, { trust, correlationId: 'cid-1', bind: read, nonces: memoryNonceStore(), now: at, ...over });

describe('signed caller header', () => {
  it('round-trips the caller for the request it was signed for', async () => {
    expect(await verify(sign())).toEqual({ phase: 'verified', caller: storefront });
  });

  it('refuses a missing, malformed, re-signed or tampered header', async () => {
    const h = sign();
    const check = async (value: string | undefined) => (await verify(value)).phase;
    expect(await check(undefined)).toBe('rejected');
    expect(await check('Bearer abc')).toBe('rejected');
    const [v, body, _mac] = h.split('.');
    // Same claims, MAC under another secret.
    const forged = `${v}.${body}.${createHmac('sha256', 'x'.repeat(40)).update(`${v}.${body}`).digest('base64url')}`;
    expect(await check(forged)).toBe('rejected');
    // Claims changed to another customer, original MAC kept.
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${v}.${Buffer.from(JSON.stringify({ ...claims, cust: 'C-000002' })).toString('base64url')}.${_mac}`;
    expect(await check(tampered)).toBe('rejected');
    // The format before binding (v1) is refused outright.
    expect(await check(`v1.${body}.${_mac}`)).toBe('rejected');
    expect(await check(h)).toBe('verified');
  });

  it('refuses a header signed for another request, or expired, or issued in the future', async () => {
    expect(await verify(sign(), { correlationId: 'cid-2' })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/another request/) });
    // 5 s of life and 5 s of tolerated skew: accepted at 10 s, refused at 11 s.
    expect((await verify(sign(), { now: new Date(at.getTime() + 10_000) })).phase).toBe('verified');
    expect(await verify(sign(), { now: new Date(at.getTime() + 11_000) })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/expired/) });
    expect(await verify(sign({ now: new Date(at.getTime() + 6_000) }))).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/future/) });
    expect((await verify(sign({ now: new Date(at.getTime() + 4_000) }))).phase).toBe('verified');
  });

  it('is bound to the subgraph it was signed for', async () => {
    const v = await verify(sign(), { bind: { ...read, audience: 'order' } });
    expect(v).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/customer subgraph, not order/) });
  });

  it('is bound to the operation: another query, other variables or another operation name are refused', async () => {
    const h = sign();
    const op = read.operation as { query: string; variables: Record<string, unknown> };
    const others = [
      { query: 'mutation { updateCustomerEngagement(id: "C-000001", input: { email: "x@example.com" }) { status } }' },
      { query: op.query, variables: { id: 'C-000002' } },
      { query: op.query, variables: op.variables, operationName: 'Other' },
    ];
    for (const operation of others) {
      expect(await verify(h, { bind: { audience: 'customer', operation } })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/another operation/) });
    }
    // What the digest ignores: key order, and absent versus null/empty.
    const reordered = { variables: { id: 'C-000001' }, operationName: null, query: op.query };
    expect((await verify(h, { bind: { audience: 'customer', operation: reordered } })).phase).toBe('verified');
  });

  it('is bound to the body bytes when signed over them: another body, even for the same operation, is refused', async () => {
    const body = JSON.stringify({ query: 'query($id: ID!) { customer(id: $id) { name } }', variables: { id: 'C-000001' } });
    const operation = JSON.parse(body) as SignedOperation;
    const h = sign({ bind: { audience: 'customer', body } });
    const signedFor = (other: string | Uint8Array) => ({ bind: { audience: 'customer', body: other, operation } });
    // The same bytes, as a string or as the Buffer an HTTP server reads.
    expect((await verify(h, signedFor(body))).phase).toBe('verified');
    expect((await verify(h, signedFor(Buffer.from(body)))).phase).toBe('verified');
    for (const other of [body.replace('C-000001', 'C-000002'), ` ${body}`, JSON.stringify({ variables: operation.variables, query: operation.query })]) {
      expect(await verify(h, signedFor(other))).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/another request body/) });
    }
    // Where there are no body bytes (a subscribe, a GET), a body-bound header is worth nothing.
    expect(await verify(h, { bind: { audience: 'customer', operation } })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/another request body/) });
  });

  it('prepared by the gateway before the body exists, and sealed over it: refused until sealed, bound to that body after', async () => {
    const body = JSON.stringify({ query: '{ customer(id: "C-000001") { name } }' });
    const prepared = prepareCaller(storefront, { trust, correlationId: 'cid-1', audience: 'customer', now: at });
    const bind = { audience: 'customer', body, operation: JSON.parse(body) as SignedOperation };
    expect((await verify(prepared, { bind })).phase).toBe('rejected');
    const sealed = sealCaller(prepared, body, trust);
    expect(await verify(sealed, { bind })).toEqual({ phase: 'verified', caller: storefront });
    expect((await verify(sealCaller(prepared, `${body} `, trust), { bind })).phase).toBe('rejected');
    expect(() => sealCaller(sealed, body, trust)).toThrow(/prepareCaller/);
  });

  it('a connection header runs no operation, and no operation header opens a connection', async () => {
    const conn = sign({ bind: { audience: 'customer', operation: 'connection' } });
    expect((await verify(conn, { bind: { audience: 'customer', operation: 'connection' } })).phase).toBe('verified');
    expect((await verify(conn, { bind: { audience: 'customer', operation: { query: '' } } })).phase).toBe('rejected');
    expect((await verify(sign(), { bind: { audience: 'customer', operation: 'connection' } })).phase).toBe('rejected');
  });

  it('is good for one request: a replay within its life is refused, a fresh signature is not', async () => {
    const nonces = memoryNonceStore();
    const h = sign();
    expect((await verify(h, { nonces })).phase).toBe('verified');
    expect(await verify(h, { nonces })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/already used/) });
    // The gateway signs again for a retried fetch: a new id.
    expect((await verify(sign(), { nonces })).phase).toBe('verified');
  });

  it('a refused header spends no id', async () => {
    const nonces = memoryNonceStore();
    const h = sign();
    expect((await verify(h, { nonces, bind: { ...read, audience: 'order' } })).phase).toBe('rejected');
    expect((await verify(h, { nonces })).phase).toBe('verified');
  });

  it('the in-memory store stays bounded, and refuses what it may have forgotten rather than accept a replay', async () => {
    const nonces = memoryNonceStore({ max: 2 });
    const t = Date.now() + 10_000;
    expect(await nonces.claim('a', t)).toBe(true);
    expect(await nonces.claim('b', t + 1)).toBe(true);
    // 'a' is evicted to make room for 'c'; a replay of 'a' (same expiry) must still be refused.
    expect(await nonces.claim('c', t + 2)).toBe(true);
    expect(await nonces.claim('a', t)).toBe(false);
    // A later header (it expires after everything forgotten) is accepted.
    expect(await nonces.claim('d', t + 50)).toBe(true);
  });

  it('verifies under any configured secret while signing with the first (rotation)', async () => {
    const old: TrustOptions = { secrets: ['o'.repeat(40)] };
    const rotated: TrustOptions = { secrets: ['n'.repeat(40), 'o'.repeat(40)] };
    expect((await verify(sign({ trust: old }), { trust: rotated })).phase).toBe('verified');
    expect((await verify(sign({ trust: rotated }), { trust: old })).phase).toBe('rejected');
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

describe('in-process voucher', () => {
  const vouch = (over: Partial<Parameters<typeof vouchCaller>[1]> = {}) => vouchCaller(storefront, { trust, correlationId: 'cid-1', audience: 'customer', now: at, ...over });
  const accept = (voucher: unknown, over: Partial<Parameters<typeof acceptVoucher>[1]> = {}) =>
    acceptVoucher(voucher, { audience: 'customer', correlationId: 'cid-1', now: at, ...over });

  it('carries the caller, with its customer scope, to the subgraph it names: once', () => {
    const voucher = vouch();
    const first = accept(voucher);
    expect(first).toEqual({ phase: 'verified', caller: storefront });
    expect(first.phase === 'verified' && first.caller.customerId).toBe('C-000001');
    expect(accept(voucher)).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/already used/) });
    // A fresh one for the next fetch is accepted.
    expect(accept(vouch()).phase).toBe('verified');
  });

  it('is refused by another subgraph, for another request, or once expired, and a refusal does not spend it', () => {
    const voucher = vouch();
    expect(accept(voucher, { audience: 'order' })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/customer subgraph, not order/) });
    expect(accept(voucher, { correlationId: 'cid-2' })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/another request/) });
    expect(accept(voucher, { correlationId: undefined }).phase).toBe('rejected');
    // The header's life (5 s by default), on one clock: no skew to tolerate.
    expect(accept(voucher, { now: new Date(at.getTime() + 5_001) })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/expired/) });
    expect(accept(vouch({ trust: { ...trust, ttlSeconds: 1 } }), { now: new Date(at.getTime() + 1_001) }).phase).toBe('rejected');
    expect(accept(voucher, { now: new Date(at.getTime() + 5_000) }).phase).toBe('verified');
  });

  it('refuses anything not minted by vouchCaller, however much it looks like a voucher', () => {
    const real = vouch();
    const lookalikes: unknown[] = [
      undefined,
      null,
      'voucher.1',
      {},
      { caller: storefront, audience: 'customer', correlationId: 'cid-1', expiresAtMs: at.getTime() + 5_000 },
      Object.create(Object.getPrototypeOf(real) as object),
      Object.assign(Object.create(Object.getPrototypeOf(real) as object) as object, { caller: storefront }),
      new Proxy(real, {}),
      structuredClone(real),
    ];
    for (const fake of lookalikes) expect(accept(fake)).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/not a caller voucher/) });
    // None of that spent the real one.
    expect(accept(real).phase).toBe('verified');
  });

  it('holds nothing a holder can read or change', () => {
    const voucher = vouch();
    expect(Object.keys(voucher)).toEqual([]);
    expect(Object.isFrozen(voucher)).toBe(true);
    expect(JSON.stringify(voucher)).toBe('{}');
  });
});

describe.skipIf(!process.env.REDIS_URL)('nonces shared through Redis', () => {
  let redis: RedisClientType | undefined;
  afterAll(async () => {
    await redis?.quit();
  });

  it('a header accepted by one replica is refused by another', async () => {
    redis = createClient({ url: process.env.REDIS_URL }) as RedisClientType;
    await redis.connect();
    const namespace = `test-nonce-${randomUUID()}`;
    // Two replicas: one Redis, each with its own memory.
    const replicaA = redisNonceStore(redis, { namespace });
    const replicaB = redisNonceStore(redis, { namespace });
    const h = signCaller(storefront, { trust, correlationId: 'cid-1', bind: read });
    const opts = { trust, correlationId: 'cid-1', bind: read };
    expect((await verifyCaller(h, { ...opts, nonces: replicaA })).phase).toBe('verified');
    expect(await verifyCaller(h, { ...opts, nonces: replicaB })).toMatchObject({ phase: 'rejected', reason: expect.stringMatching(/already used/) });
    // Kept only as long as a header could be accepted (life + skew + 1 s).
    const keys = await redis.keys(`${namespace}:caller-nonce:*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.pTTL(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(11_000);
  });
});

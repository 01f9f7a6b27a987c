/**
 * A verified token is remembered, so a client's next request costs no signature
 * check; it stops being accepted when it expires or when the key that verified
 * it leaves the identity provider's JWKS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Jose from 'jose';
import type { JSONWebKeySet } from 'jose';

vi.mock('jose', async (importOriginal) => {
  const jose = await importOriginal<typeof Jose>();
  return { ...jose, jwtVerify: vi.fn(jose.jwtVerify) };
});

const { jwtVerify } = await import('jose');
const { createDevIssuer } = await import('../../lib/auth/dev.js');
const { createAuthenticator } = await import('../../gateway/src/auth.js');

const verifications = vi.mocked(jwtVerify);
const bearer = (t: string): string => `Bearer ${t}`;

afterEach(() => {
  vi.useRealTimers();
  verifications.mockClear();
});

describe('a remembered token', () => {
  it('is verified once: the next requests with it cost no signature check and get the same caller', async () => {
    const issuer = await createDevIssuer();
    const auth = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience });
    const token = await issuer.token({ sub: 'agent-1', roles: ['agent'] }, { expiresIn: '5m' });
    const first = await auth.authenticate(bearer(token));
    const second = await auth.authenticate(bearer(token));
    expect(first).toMatchObject({ phase: 'authenticated', caller: { subject: 'agent-1', roles: ['agent'] } });
    expect(second).toEqual(first);
    expect(verifications).toHaveBeenCalledTimes(1);
    // Another token is verified on its own.
    await auth.authenticate(bearer(await issuer.token({ sub: 'agent-2', roles: ['agent'] }, { expiresIn: '5m' })));
    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it('is refused once it expires, as a token never seen would be', async () => {
    const issuer = await createDevIssuer();
    const auth = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, clockToleranceSeconds: 0 });
    const token = await issuer.token({ sub: 'agent-1', roles: ['agent'] }, { expiresIn: '60s' });
    expect((await auth.authenticate(bearer(token))).phase).toBe('authenticated');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await auth.authenticate(bearer(token))).toMatchObject({ phase: 'rejected', code: 'UNAUTHENTICATED', message: 'the token has expired' });
  });

  it('is not remembered when rememberTokens is 0', async () => {
    const issuer = await createDevIssuer();
    const auth = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, rememberTokens: 0 });
    const token = await issuer.token({ sub: 'agent-1', roles: ['agent'] }, { expiresIn: '5m' });
    await auth.authenticate(bearer(token));
    await auth.authenticate(bearer(token));
    expect(verifications).toHaveBeenCalledTimes(2);
  });
});

describe('a key that leaves the JWKS', () => {
  let server: Server;
  let served: JSONWebKeySet;
  let fetches = 0;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes its remembered tokens with it, once the JWKS is fetched again; tokens of the new key verify', async () => {
    const before = await createDevIssuer();
    const after = await createDevIssuer();
    served = before.jwks;
    const auth = createAuthenticator({ jwks: { phase: 'url', url }, issuer: before.issuer, audience: before.audience, jwksMaxAgeMs: 50 });
    const old = await before.token({ sub: 'agent-1', roles: ['agent'] }, { expiresIn: '5m' });
    expect((await auth.authenticate(bearer(old))).phase).toBe('authenticated');
    expect((await auth.authenticate(bearer(old))).phase).toBe('authenticated');
    expect(verifications).toHaveBeenCalledTimes(1);

    // The provider rotates: the old key is gone from its JWKS.
    served = after.jwks;
    const fetched = fetches;
    await new Promise((r) => setTimeout(r, 120));
    expect(await auth.authenticate(bearer(old))).toMatchObject({ phase: 'rejected', code: 'UNAUTHENTICATED', message: 'the token signature does not verify' });
    expect(fetches).toBeGreaterThan(fetched);
    expect((await auth.authenticate(bearer(await after.token({ sub: 'agent-2', roles: ['agent'] }, { expiresIn: '5m' })))).phase).toBe('authenticated');
  });
});

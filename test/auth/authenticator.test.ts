/**
 * Token verification at the gateway, one bad token at a time, against a local
 * JWKS exactly as production verifies against an identity provider's.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import { createDevIssuer, type DevIssuer } from '../../lib/auth/dev.js';
import {
  AUTH_CLOSE_CODES,
  authenticateConnectionParams,
  createAuthenticator,
  loadAuthOptions,
  type Authenticator,
  type Authentication,
} from '../../gateway/src/auth.js';

let issuer: DevIssuer;
let auth: Authenticator;
const customerNumber = { test: (id: string) => /^C-\d{6}$/.test(id), describe: () => 'customer number like C-000042' };

beforeAll(async () => {
  issuer = await createDevIssuer();
  auth = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, customerNumber, production: true });
});

const bearer = (t: string) => `Bearer ${t}`;
function rejected(a: Authentication): string {
  expect(a.phase).toBe('rejected');
  return a.phase === 'rejected' ? `${a.code}: ${a.message}` : '';
}

describe('a good token', () => {
  it('becomes a caller with its roles and expiry', async () => {
    const a = await auth.authenticate(bearer(await issuer.token({ sub: 'agent-7', roles: ['agent', 'unknown-role'] }, { expiresIn: '5m' })));
    expect(a).toMatchObject({ phase: 'authenticated', caller: { subject: 'agent-7', roles: ['agent'], via: 'token' } });
    expect(a.phase === 'authenticated' && a.expiresAt && a.expiresAt.getTime() > Date.now()).toBe(true);
  });

  it('a storefront token names its customer in sub (or the configured claim)', async () => {
    const a = await auth.authenticate(bearer(await issuer.token({ sub: 'C-000001', roles: ['storefront'] })));
    expect(a).toMatchObject({ phase: 'authenticated', caller: { roles: ['storefront'], customerId: 'C-000001' } });
    const byClaim = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, customerIdClaim: 'customer_id' });
    const b = await byClaim.authenticate(bearer(await issuer.token({ sub: 'idp|123', customer_id: 'C-000005', roles: 'storefront' })));
    expect(b).toMatchObject({ phase: 'authenticated', caller: { subject: 'idp|123', customerId: 'C-000005' } });
  });

  it('reads roles from a nested claim when configured', async () => {
    const nested = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, rolesClaim: 'realm_access.roles' });
    const a = await nested.authenticate(bearer(await issuer.token({ sub: 'f', roles: [], realm_access: { roles: ['finance'] } })));
    expect(a).toMatchObject({ phase: 'authenticated', caller: { roles: ['finance'] } });
  });
});

describe('bad tokens get UNAUTHENTICATED', () => {
  it('missing, or not a Bearer header', async () => {
    expect(rejected(await auth.authenticate(undefined))).toMatch(/^UNAUTHENTICATED: authentication required/);
    expect(rejected(await auth.authenticate('Basic YWdlbnQ6cHc='))).toMatch(/^UNAUTHENTICATED/);
  });

  it('forged: signed by another key under the same kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const kid = issuer.jwks.keys[0]?.kid ?? '';
    const t = await new SignJWT({ roles: ['agent'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('mallory')
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(rejected(await auth.authenticate(bearer(t)))).toMatch(/^UNAUTHENTICATED: the token signature does not verify/);
  });

  it('tampered: claims changed after signing', async () => {
    const t = await issuer.token({ sub: 'C-000001', roles: ['storefront'] });
    const [h, p, s] = t.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p ?? ''))) as Record<string, unknown>;
    const changed = `${h}.${base64url.encode(JSON.stringify({ ...claims, roles: ['agent'] }))}.${s}`;
    expect(rejected(await auth.authenticate(bearer(changed)))).toMatch(/^UNAUTHENTICATED/);
  });

  it('expired (beyond the clock tolerance)', async () => {
    const t = await issuer.token({ sub: 'a', roles: ['agent'] }, { expiresIn: '-2m' });
    expect(rejected(await auth.authenticate(bearer(t)))).toMatch(/^UNAUTHENTICATED: the token has expired/);
  });

  it('not yet valid (nbf beyond the clock tolerance)', async () => {
    const t = await issuer.token({ sub: 'a', roles: ['agent'] }, { notBefore: '10m' });
    expect(rejected(await auth.authenticate(bearer(t)))).toMatch(/^UNAUTHENTICATED: the token's nbf claim/);
  });

  it('wrong audience, wrong issuer', async () => {
    const other = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: 'another-api' });
    expect(rejected(await other.authenticate(bearer(await issuer.token({ sub: 'a', roles: ['agent'] }))))).toMatch(/^UNAUTHENTICATED: the token's aud claim/);
    const otherIss = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: 'https://elsewhere', audience: issuer.audience });
    expect(rejected(await otherIss.authenticate(bearer(await issuer.token({ sub: 'a', roles: ['agent'] }))))).toMatch(/^UNAUTHENTICATED: the token's iss claim/);
  });

  it('alg none', async () => {
    const t = new UnsecuredJWT({ roles: ['agent'] }).setSubject('a').setIssuer(issuer.issuer).setAudience(issuer.audience).setExpirationTime('5m').encode();
    expect(rejected(await auth.authenticate(bearer(t)))).toMatch(/^UNAUTHENTICATED/);
  });

  it('HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const pub = issuer.jwks.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(pub));
    const t = await new SignJWT({ roles: ['agent'] })
      .setProtectedHeader({ alg: 'HS256', kid: pub?.kid ?? '' })
      .setSubject('a')
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setExpirationTime('5m')
      .sign(secret);
    expect(rejected(await auth.authenticate(bearer(t)))).toMatch(/^UNAUTHENTICATED: the token's signing algorithm is not accepted/);
  });

  it('no exp: a token that never expires is refused even when its signature verifies', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
    const a = createAuthenticator({ jwks: { phase: 'keys', jwks }, issuer: 'i', audience: 'a' });
    const sign = (exp: boolean) => {
      const j = new SignJWT({ roles: ['agent'] }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('a').setIssuer('i').setAudience('a');
      return (exp ? j.setExpirationTime('5m') : j).sign(privateKey);
    };
    expect((await a.authenticate(bearer(await sign(true)))).phase).toBe('authenticated');
    expect(rejected(await a.authenticate(bearer(await sign(false))))).toMatch(/^UNAUTHENTICATED: the token's exp claim/);
  });

  it('a storefront token without a well-formed customer number, or mixed with staff roles', async () => {
    expect(rejected(await auth.authenticate(bearer(await issuer.token({ sub: 'not-a-number', roles: ['storefront'] }))))).toMatch(
      /^UNAUTHENTICATED: a storefront token's sub claim must be a customer number/,
    );
    expect(rejected(await auth.authenticate(bearer(await issuer.token({ sub: 'C-000001', roles: ['storefront', 'agent'] }))))).toMatch(
      /^UNAUTHENTICATED: a storefront token cannot also carry staff roles/,
    );
  });

  it('a valid token with no known role is FORBIDDEN', async () => {
    expect(rejected(await auth.authenticate(bearer(await issuer.token({ sub: 'a', roles: ['admin'] }))))).toMatch(/^FORBIDDEN/);
  });
});

describe('anonymous access', () => {
  it('is refused at boot in production', () => {
    expect(() =>
      createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, allowAnonymous: true, production: true }),
    ).toThrow(/development only/);
  });
  it('in development, only when enabled, and only without a token', async () => {
    const dev = createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, allowAnonymous: true, production: false });
    expect(await dev.authenticate(undefined)).toMatchObject({ phase: 'authenticated', caller: { roles: ['agent'], via: 'anonymous' } });
    expect(rejected(await dev.authenticate('Bearer not.a.token'))).toMatch(/^UNAUTHENTICATED/);
  });
});

describe('configuration', () => {
  it('refuses HS* and none in the algorithm allow-list', () => {
    for (const alg of ['HS256', 'none']) {
      expect(() => createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: 'i', audience: 'a', algorithms: [alg as 'RS256'] })).toThrow(/not accepted/);
    }
  });

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rsg-auth-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a JWKS file from the environment and verifies with it', async () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(issuer.jwks));
    const fromEnv = createAuthenticator(loadAuthOptions({ AUTH_JWKS_FILE: file, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: issuer.audience }));
    expect((await fromEnv.authenticate(bearer(await issuer.token({ sub: 'a', roles: ['agent'] })))).phase).toBe('authenticated');
  });

  it('names what is missing', () => {
    expect(() => loadAuthOptions({ AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(/exactly one of AUTH_JWKS_URL .* or AUTH_JWKS_FILE/);
    expect(() => loadAuthOptions({ AUTH_JWKS_FILE: 'x' })).toThrow(/AUTH_ISSUER/);
  });

  it('verifies RS256 keys from a JWKS too', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rsa-1', alg: 'RS256' };
    const rs = createAuthenticator({ jwks: { phase: 'keys', jwks: { keys: [jwk] } }, issuer: 'i', audience: 'a' });
    const t = await new SignJWT({ roles: ['operator'] }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setSubject('op').setIssuer('i').setAudience('a').setExpirationTime('5m').sign(privateKey);
    expect(await rs.authenticate(bearer(t))).toMatchObject({ phase: 'authenticated', caller: { roles: ['operator'] } });
  });
});

describe('graphql-ws connection parameters', () => {
  it('reads { authorization: "Bearer …" } (any case), and refuses what is not a string', async () => {
    const t = await issuer.token({ sub: 'a', roles: ['agent'] });
    expect((await authenticateConnectionParams(auth, { authorization: bearer(t) })).phase).toBe('authenticated');
    expect((await authenticateConnectionParams(auth, { Authorization: bearer(t) })).phase).toBe('authenticated');
    expect(rejected(await authenticateConnectionParams(auth, { authorization: 42 }))).toMatch(/^UNAUTHENTICATED/);
    expect(rejected(await authenticateConnectionParams(auth, undefined))).toMatch(/^UNAUTHENTICATED/);
  });
  it('documents its close codes', () => {
    expect(AUTH_CLOSE_CODES).toEqual({ unauthenticated: 4401, tokenExpired: 4401 });
  });
});

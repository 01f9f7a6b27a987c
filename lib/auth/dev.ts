/**
 * Development identity: a local ES256 signing key, its JWKS, and tokens for
 * each role, so that `npm start` and the tests exercise exactly the
 * verification production runs (jose, JWKS, iss, aud, exp) without an identity
 * provider. Never used by the gateway or the subgraphs themselves.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { Role } from './caller.js';

export const DEV_ISSUER = 'https://retail-supergraph.local/dev-issuer';
export const DEV_AUDIENCE = 'retail-supergraph';

export interface DevIssuer {
  issuer: string;
  audience: string;
  /** The public key set the gateway verifies with. */
  jwks: JSONWebKeySet;
  /** Signs a token with the development key. */
  token(claims: { sub: string; roles: Role[] | string[] | string; [claim: string]: unknown }, opts?: { expiresIn?: string; notBefore?: string; audience?: string; issuer?: string }): Promise<string>;
}

function issuerFrom(privateKey: CryptoKey, publicJwk: JWK, kid: string): DevIssuer {
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] };
  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    jwks,
    async token(claims, opts = {}) {
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(opts.issuer ?? DEV_ISSUER)
        .setAudience(opts.audience ?? DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '12h');
      if (opts.notBefore) jwt.setNotBefore(opts.notBefore);
      return jwt.sign(privateKey);
    },
  };
}

/** A fresh key held in memory (tests). */
export async function createDevIssuer(): Promise<DevIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return issuerFrom(privateKey, await exportJWK(publicKey), `dev-${randomBytes(4).toString('hex')}`);
}

/**
 * The key persisted under `dir` (`.dev/` for `npm start`, which git ignores):
 * dev-signing-key.json (private JWK, mode 0600) and jwks.json (public). Reused
 * across restarts so that tokens pasted into Sandbox keep working.
 */
export async function loadOrCreateDevIssuer(dir: string): Promise<DevIssuer & { jwksFile: string }> {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'dev-signing-key.json');
  const jwksFile = join(dir, 'jwks.json');
  if (!existsSync(keyFile)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const created = { ...(await exportJWK(privateKey)), kid: `dev-${randomBytes(4).toString('hex')}` };
    // Written aside and linked into place, which fails if the file exists: of two copies of
    // npm start creating the key at once, one key wins, whole, and both use it.
    const temp = `${keyFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(created), { mode: 0o600 });
    try {
      linkSync(temp, keyFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(temp);
    }
  }
  const privateJwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK & { kid: string };
  const { d: _private, ...publicJwk } = privateJwk;
  const issuer = issuerFrom((await importJWK(privateJwk, 'ES256')) as CryptoKey, publicJwk, privateJwk.kid);
  const jwksTemp = `${jwksFile}.${process.pid}.tmp`;
  writeFileSync(jwksTemp, JSON.stringify(issuer.jwks, null, 2));
  renameSync(jwksTemp, jwksFile);
  return { ...issuer, jwksFile };
}

/**
 * Authentication at the gateway: `Authorization: Bearer <JWT>` verified with
 * jose against a JWKS (a URL, a file, or keys in memory), checking signature,
 * algorithm allow-list, issuer, audience, exp and nbf with a small clock skew.
 * The verified token becomes a Caller (lib/auth), which the gateway passes to
 * the subgraphs in its signed internal header. Over graphql-ws the same token
 * comes in the connection parameters; see authenticateConnectionParams.
 */
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { ConfigError } from '../../lib/config.js';
import { ErrorCode } from '../../lib/errors.js';
import { CallerError, makeCaller, ROLES, type Caller } from '../../lib/auth/index.js';

/** Asymmetric JWS algorithms only: `none` and the HS* family (a shared secret the gateway would have to hold) are never accepted. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export type JwksSource =
  /** The identity provider's JWKS endpoint (fetched, cached and refreshed on unknown `kid` by jose). */
  | { phase: 'url'; url: string }
  /** A JWKS JSON file, read once at boot (what `npm start` writes to .dev/jwks.json). */
  | { phase: 'file'; path: string }
  | { phase: 'keys'; jwks: JSONWebKeySet };

export interface AuthOptions {
  jwks: JwksSource;
  /** Accepted `iss` values. */
  issuer: string | string[];
  /** Accepted `aud` values (the token must name one). */
  audience: string | string[];
  /** JWS algorithms accepted. @default ['RS256', 'ES256'] */
  algorithms?: AsymmetricAlgorithm[];
  /** Seconds of clock difference tolerated on exp, nbf and iat. @default 30 */
  clockToleranceSeconds?: number;
  /** Claim holding the roles: an array, or a space-separated string. A dotted path (realm_access.roles) is followed when no claim has that exact name. @default 'roles' */
  rolesClaim?: string;
  /** Claim holding a storefront caller's customer number. @default 'sub' */
  customerIdClaim?: string;
  /** Checks a storefront token's customer number (the org mapping's customer number format). @default any non-empty string */
  customerNumber?: { test(id: string): boolean; describe(): string };
  /**
   * Development only: a request with no Authorization header acts as an anonymous
   * agent. Refused at boot when `production` is true. A request with a bad token
   * is still refused. @default false
   */
  allowAnonymous?: boolean;
  /** @default NODE_ENV === 'production' */
  production?: boolean;
  /** The protection space named in every WWW-Authenticate challenge (RFC 6750 §3). @default DEFAULT_REALM */
  realm?: string;
  /**
   * How many verified tokens are remembered, so that a client's next request costs no
   * signature check. A remembered token is accepted until it expires, and only while the
   * key that verified it is still the one the JWKS gives for it. 0 remembers none. @default 10000
   */
  rememberTokens?: number;
  /** With a JWKS URL: how long fetched keys are used before the JWKS is fetched again, so a removed key stops verifying. @default 600000 (10 min) */
  jwksMaxAgeMs?: number;
}

/** The realm of the gateway's challenges when none is configured. */
export const DEFAULT_REALM = 'retail-supergraph';

/**
 * RFC 6750 §3.1 error codes of a Bearer challenge. `invalid_request` is not
 * used: a malformed Bearer header is answered as an invalid token, with 401.
 */
export type BearerError = 'invalid_token' | 'insufficient_scope';

export type Authentication =
  | { phase: 'authenticated'; caller: Caller; /** When the token expires; an open subscription is closed then. */ expiresAt: Date | undefined }
  | {
      phase: 'rejected';
      code: typeof ErrorCode.UNAUTHENTICATED | typeof ErrorCode.FORBIDDEN;
      message: string;
      /**
       * What the challenge reports. Absent when the request carried no bearer
       * token (no Authorization header, or another scheme): RFC 6750 §3.1 asks
       * for a bare challenge then, since there was no token to be invalid.
       */
      error?: BearerError;
      /** The token could not be checked (the JWKS could not be fetched), rather than checked and refused. */
      unverifiable?: boolean;
    };

export interface Authenticator {
  /** Authenticates an HTTP request's Authorization header. Never throws. */
  authenticate(authorization: string | string[] | undefined): Promise<Authentication>;
  /** The realm its challenges name. @default DEFAULT_REALM */
  readonly realm?: string;
  /** Seconds past `exp` a token is still accepted; a subscription is closed only then. @default 0 when absent */
  readonly clockToleranceSeconds?: number;
}

/**
 * graphql-ws close codes (the subscription transport closes the socket with these):
 * 4401 Unauthorized for no token, a bad token, a token that expired or stopped
 * verifying while the connection was open. graphql-ws clients treat 4401 as
 * fatal and do not retry with the same token; they must reconnect with a fresh
 * one. A subscribe the token may not make is not a close: it gets an `error`
 * message with FORBIDDEN and the connection stays open.
 */
export const AUTH_CLOSE_CODES = { unauthenticated: 4401, tokenExpired: 4401 } as const;

const ANONYMOUS_AGENT: Caller = makeCaller({ subject: 'anonymous-developer', roles: ['agent'], via: 'anonymous' });

function claimAt(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let cur: unknown = payload;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function rolesFrom(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

function keyResolver(source: JwksSource, maxAgeMs: number | undefined): JWTVerifyGetKey {
  switch (source.phase) {
    case 'url':
      return createRemoteJWKSet(new URL(source.url), maxAgeMs !== undefined ? { cacheMaxAge: maxAgeMs, cooldownDuration: Math.min(30_000, maxAgeMs) } : {});
    case 'file': {
      let jwks: JSONWebKeySet;
      try {
        jwks = JSON.parse(readFileSync(source.path, 'utf8')) as JSONWebKeySet;
      } catch (e) {
        throw new ConfigError(`AUTH_JWKS_FILE=${source.path}: expected a JWKS JSON file ({ "keys": [...] }): ${(e as Error).message}`);
      }
      return createLocalJWKSet(jwks);
    }
    case 'keys':
      return createLocalJWKSet(source.jwks);
    default: {
      const never: never = source;
      throw new ConfigError(`unknown JWKS source ${JSON.stringify(never)}`);
    }
  }
}

/** Why a token failed, for the client: specific enough to fix a client, saying nothing about keys. */
function reasonOf(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `the token's ${e.claim} claim is not accepted`;
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return "the token's signing algorithm is not accepted";
  if (e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JWKSNoMatchingKey) return 'the token signature does not verify';
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JOSEError) return 'the token could not be verified';
  return 'the token could not be verified';
}

type Authenticated = Extract<Authentication, { phase: 'authenticated' }>;

/** A token that verified, with what verified it. */
interface Remembered {
  result: Authenticated;
  header: JWTHeaderParameters;
  /** The key that verified the signature, as the JWKS resolver gave it. */
  key: unknown;
  jws: FlattenedJWSInput;
  /** exp plus the clock tolerance, in ms. */
  untilMs: number;
}

/**
 * The key the JWKS gives now for a remembered token's header, or undefined when it gives
 * none (the key left the JWKS, or it cannot be fetched): the token is then verified afresh.
 * Keys of an unchanged JWKS are the same objects, so a new object means new keys.
 */
async function currentKey(getKey: JWTVerifyGetKey, known: Remembered): Promise<unknown> {
  try {
    return await getKey(known.header, known.jws);
  } catch {
    return undefined;
  }
}

export function createAuthenticator(opts: AuthOptions): Authenticator {
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  if (opts.allowAnonymous && production) {
    throw new ConfigError('anonymous access (GATEWAY_ALLOW_ANONYMOUS) is for development only and is refused in production');
  }
  const algorithms = opts.algorithms ?? ['RS256', 'ES256'];
  for (const a of algorithms as string[]) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a)) {
      throw new ConfigError(`AUTH_ALGORITHMS: ${a} is not accepted; expected asymmetric algorithms among ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    }
  }
  const getKey = keyResolver(opts.jwks, opts.jwksMaxAgeMs);
  const remembered = opts.rememberTokens === 0 ? undefined : new LRUCache<string, Remembered>({ max: opts.rememberTokens ?? 10_000 });
  const rolesClaim = opts.rolesClaim ?? 'roles';
  const customerIdClaim = opts.customerIdClaim ?? 'sub';
  // `null`: no bearer token came, so the challenge reports no error.
  const reject = (message: string, error: BearerError | null = 'invalid_token'): Authentication => ({
    phase: 'rejected',
    code: error === 'insufficient_scope' ? ErrorCode.FORBIDDEN : ErrorCode.UNAUTHENTICATED,
    message,
    ...(error ? { error } : {}),
  });
  const clockToleranceSeconds = opts.clockToleranceSeconds ?? 30;

  return {
    realm: opts.realm ?? DEFAULT_REALM,
    clockToleranceSeconds,
    async authenticate(header) {
      const value = Array.isArray(header) ? header[0] : header;
      if (!value) {
        if (opts.allowAnonymous) return { phase: 'authenticated', caller: ANONYMOUS_AGENT, expiresAt: undefined };
        return reject('authentication required: send Authorization: Bearer <token>', null);
      }
      const scheme = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)/.exec(value)?.[1];
      if (!scheme || scheme.toLowerCase() !== 'bearer') {
        const got = scheme && scheme.length <= 32 ? `the ${scheme} scheme` : 'another scheme';
        return reject(`expected an Authorization header of the form "Bearer <token>", got ${got}`, null);
      }
      const m = /^Bearer[ ]+([A-Za-z0-9_.~+/=-]+)$/i.exec(value.trim());
      if (!m?.[1]) return reject('expected an Authorization header of the form "Bearer <token>"');
      const token = m[1];
      const known = remembered?.get(token);
      if (known && Date.now() < known.untilMs && (await currentKey(getKey, known)) === known.key) return known.result;
      let payload: JWTPayload;
      let protectedHeader: JWTHeaderParameters;
      let key: unknown;
      try {
        ({ payload, protectedHeader, key } = await jwtVerify(token, getKey, {
          issuer: opts.issuer,
          audience: opts.audience,
          algorithms,
          clockTolerance: clockToleranceSeconds,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (e) {
        remembered?.delete(token);
        // A JWKS that timed out or could not be fetched (not a JOSE verdict) says nothing about the token.
        const unverifiable = e instanceof joseErrors.JWKSTimeout || !(e instanceof joseErrors.JOSEError);
        return { ...reject(reasonOf(e)), ...(unverifiable ? { unverifiable } : {}) } as Authentication;
      }
      const roles = rolesFrom(claimAt(payload, rolesClaim));
      if (!roles.some((r) => (ROLES as readonly string[]).includes(r))) {
        return reject(`the token carries none of the roles ${ROLES.join(', ')} (claim ${rolesClaim})`, 'insufficient_scope');
      }
      let customerId: string | undefined;
      if (roles.includes('storefront')) {
        const c = claimAt(payload, customerIdClaim);
        if (typeof c !== 'string' || !c) return reject(`a storefront token must carry its customer number in the ${customerIdClaim} claim`);
        if (opts.customerNumber && !opts.customerNumber.test(c)) {
          return reject(`a storefront token's ${customerIdClaim} claim must be a ${opts.customerNumber.describe()}`);
        }
        customerId = c;
      }
      try {
        const caller = makeCaller({ subject: payload.sub ?? '', roles, customerId, via: 'token' });
        const result: Authenticated = { phase: 'authenticated', caller, expiresAt: payload.exp ? new Date(payload.exp * 1000) : undefined };
        // exp is required, so every remembered token has an end; jwtVerify accepted it up to the tolerance past it.
        const [protectedPart = '', payloadPart = '', signature = ''] = token.split('.');
        remembered?.set(token, { result, header: protectedHeader, key, jws: { protected: protectedPart, payload: payloadPart, signature }, untilMs: ((payload.exp ?? 0) + clockToleranceSeconds) * 1000 });
        return result;
      } catch (e) {
        if (e instanceof CallerError) return reject(e.message);
        throw e;
      }
    },
  };
}

/**
 * For the graphql-ws server's onConnect and onSubscribe: reads
 * `{ "authorization": "Bearer <JWT>" }` from the connection parameters (the
 * key is case-insensitive) and authenticates it like an HTTP request. On
 * `rejected`, close with AUTH_CLOSE_CODES.unauthenticated; on `authenticated`,
 * schedule a close with AUTH_CLOSE_CODES.tokenExpired at `expiresAt`.
 */
export async function authenticateConnectionParams(auth: Authenticator, params: Readonly<Record<string, unknown>> | undefined): Promise<Authentication> {
  const key = Object.keys(params ?? {}).find((k) => k.toLowerCase() === 'authorization');
  const value = key ? params?.[key] : undefined;
  if (value !== undefined && typeof value !== 'string') {
    return { phase: 'rejected', code: ErrorCode.UNAUTHENTICATED, message: 'expected connectionParams.authorization to be "Bearer <token>"', error: 'invalid_token' };
  }
  return auth.authenticate(value);
}

/** A quoted-string value a challenge may carry: RFC 6750 §3 allows %x20-21 / %x23-5B / %x5D-7E in error_description. */
function challengeValue(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The WWW-Authenticate value for a rejection (RFC 6750 §3): `Bearer realm="…"`
 * alone when no token came, with `error` and `error_description` when one did.
 */
export function bearerChallenge(rejected: Extract<Authentication, { phase: 'rejected' }>, realm: string = DEFAULT_REALM): string {
  const params = [`realm="${challengeValue(realm)}"`];
  if (rejected.error) params.push(`error="${rejected.error}"`, `error_description="${challengeValue(rejected.message)}"`);
  return `Bearer ${params.join(', ')}`;
}

/** The GraphQL error a rejected HTTP request gets: 401 (or 403) with a WWW-Authenticate challenge, as RFC 6750 asks. */
export function authenticationError(rejected: Extract<Authentication, { phase: 'rejected' }>, realm: string = DEFAULT_REALM): GraphQLError {
  // Apollo Server reads `http` (status, a HeaderMap) from errors thrown by the context function.
  const extensions: Record<string, unknown> = {
    code: rejected.code,
    http: {
      status: rejected.code === ErrorCode.UNAUTHENTICATED ? 401 : 403,
      headers: new HeaderMap([['www-authenticate', bearerChallenge(rejected, realm)]]),
    },
  };
  return new GraphQLError(rejected.message, { extensions });
}

const csv = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Authentication settings from the environment: AUTH_JWKS_URL or AUTH_JWKS_FILE,
 * AUTH_ISSUER, AUTH_AUDIENCE (comma-separated lists accepted), AUTH_ALGORITHMS,
 * AUTH_CLOCK_TOLERANCE_SECONDS, AUTH_ROLES_CLAIM, AUTH_CUSTOMER_ID_CLAIM,
 * AUTH_REMEMBER_TOKENS, AUTH_JWKS_MAX_AGE_SECONDS, GATEWAY_ALLOW_ANONYMOUS (development only).
 */
export function loadAuthOptions(env: Record<string, string | undefined> = process.env): AuthOptions {
  const production = env.NODE_ENV === 'production';
  const c = z
    .object({
      AUTH_JWKS_URL: z.string().url('expected the JWKS endpoint URL, e.g. https://idp.example.com/.well-known/jwks.json').optional(),
      AUTH_JWKS_FILE: z.string().min(1).optional(),
      AUTH_ISSUER: z.string().min(1, 'expected the issuer (iss) of accepted tokens'),
      AUTH_AUDIENCE: z.string().min(1, 'expected the audience (aud) tokens must name'),
      AUTH_ALGORITHMS: z.string().optional(),
      AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
      AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
      AUTH_CUSTOMER_ID_CLAIM: z.string().min(1).default('sub'),
      GATEWAY_ALLOW_ANONYMOUS: z.enum(['true', 'false', '1', '0']).default('false'),
      AUTH_REMEMBER_TOKENS: z.coerce.number().int().min(0).default(10_000),
      AUTH_JWKS_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(600),
    })
    .safeParse(env);
  if (!c.success) {
    const lines = c.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? null)}: ${i.message}`);
    throw new ConfigError(`invalid authentication configuration:\n${lines.join('\n')}`);
  }
  const v = c.data;
  if (!v.AUTH_JWKS_URL === !v.AUTH_JWKS_FILE) {
    throw new ConfigError('set exactly one of AUTH_JWKS_URL (your identity provider\'s JWKS endpoint) or AUTH_JWKS_FILE (a JWKS JSON file)');
  }
  return {
    jwks: v.AUTH_JWKS_URL ? { phase: 'url', url: v.AUTH_JWKS_URL } : { phase: 'file', path: v.AUTH_JWKS_FILE ?? '' },
    issuer: csv(v.AUTH_ISSUER),
    audience: csv(v.AUTH_AUDIENCE),
    ...(v.AUTH_ALGORITHMS ? { algorithms: csv(v.AUTH_ALGORITHMS) as AsymmetricAlgorithm[] } : {}),
    clockToleranceSeconds: v.AUTH_CLOCK_TOLERANCE_SECONDS,
    rolesClaim: v.AUTH_ROLES_CLAIM,
    customerIdClaim: v.AUTH_CUSTOMER_ID_CLAIM,
    allowAnonymous: v.GATEWAY_ALLOW_ANONYMOUS === 'true' || v.GATEWAY_ALLOW_ANONYMOUS === '1',
    rememberTokens: v.AUTH_REMEMBER_TOKENS,
    jwksMaxAgeMs: v.AUTH_JWKS_MAX_AGE_SECONDS * 1000,
    production,
  };
}

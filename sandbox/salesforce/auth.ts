/**
 * The OAuth 2.0 token endpoint (`POST /services/oauth2/token`) and the sessions it
 * issues. The same server is login host and instance, as a My Domain org is.
 *
 * Grants: password, client_credentials (client id/secret in the form or HTTP Basic)
 * and the JWT bearer grant. Errors use the OAuth error bodies Salesforce sends.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import { ADMIN_USER_ID } from './store.js';

export interface Session {
  token: string;
  userId: string;
  username: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface AuthOptions {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  sessionTtlMs: number;
  /** PEM (SPKI) public key that JWT bearer assertions must be signed with; unset = signature not checked. */
  jwtPublicKey?: string;
  /** Audiences accepted in JWT assertions besides the server's own URL. */
  jwtAudiences: string[];
  /** The org this sandbox instance is (see `newOrgId`). */
  orgId: string;
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private verifyKey: Promise<CryptoKey | KeyObject> | undefined;

  constructor(private readonly opts: AuthOptions) {
    if (opts.jwtPublicKey) this.verifyKey = importSPKI(opts.jwtPublicKey, 'RS256');
  }

  /** The live session for a bearer token, or undefined if unknown or expired. */
  lookup(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (Date.now() >= s.expiresAt) {
      this.sessions.delete(token);
      return undefined;
    }
    return s;
  }

  /** Ends every session, as an admin revoking them would (tests use it for 401s). */
  /** The org id this instance reports (in the identity URL and `organization_id`). */
  get orgId(): string {
    return this.opts.orgId;
  }

  revokeAll(): void {
    this.sessions.clear();
  }

  /** Makes a session expire now (tests of INVALID_SESSION_ID). */
  expire(token: string): void {
    const s = this.sessions.get(token);
    if (s) s.expiresAt = 0;
  }

  private issue(clientId: string): Session {
    // Salesforce access tokens are the org id, '!', and an opaque part.
    const token = `${this.opts.orgId.slice(0, 15)}!AQ${randomBytes(36).toString('base64url')}`;
    const now = Date.now();
    const s: Session = { token, userId: ADMIN_USER_ID, username: this.opts.username, clientId, issuedAt: now, expiresAt: now + this.opts.sessionTtlMs };
    this.sessions.set(token, s);
    return s;
  }

  private checkClient(clientId: string | undefined, clientSecret: string | undefined, secretRequired: boolean): void {
    if (!clientId || clientId !== this.opts.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if ((secretRequired || clientSecret !== undefined) && clientSecret !== this.opts.clientSecret) {
      throw new OAuthError('invalid_client', 'invalid client credentials');
    }
  }

  /**
   * Handles a token request. `form` is the parsed form body; `basic` the client
   * credentials from an HTTP Basic header, if any. `baseUrl` is both the login URL
   * and the instance_url advertised.
   */
  async token(form: Record<string, unknown>, basic: { id: string; secret: string } | undefined, baseUrl: string): Promise<Record<string, string>> {
    const str = (k: string): string | undefined => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
    const grant = str('grant_type');
    const clientId = str('client_id') ?? basic?.id;
    const clientSecret = str('client_secret') ?? basic?.secret;
    let session: Session;
    let withSignature = true;
    switch (grant) {
      case 'password': {
        this.checkClient(clientId, clientSecret, true);
        const username = str('username');
        const password = str('password');
        // The password may carry the user's security token appended, as it must from an untrusted IP.
        const ok =
          username !== undefined &&
          username.toLowerCase() === this.opts.username.toLowerCase() &&
          password !== undefined &&
          (password === this.opts.password || (password.startsWith(this.opts.password) && /^[A-Za-z0-9]{24,25}$/.test(password.slice(this.opts.password.length))));
        if (!ok) throw new OAuthError('invalid_grant', 'authentication failure');
        session = this.issue(clientId as string);
        break;
      }
      case 'client_credentials': {
        this.checkClient(clientId, clientSecret, true);
        session = this.issue(clientId as string);
        break;
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
        const assertion = str('assertion');
        if (!assertion) throw new OAuthError('invalid_grant', 'invalid assertion');
        session = await this.jwtBearer(assertion, baseUrl);
        withSignature = false;
        break;
      }
      case undefined:
      default:
        throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    }
    const id = `${baseUrl}/id/${this.opts.orgId}/${session.userId}`;
    const issuedAt = String(session.issuedAt);
    const out: Record<string, string> = {
      access_token: session.token,
      instance_url: baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      scope: 'api',
    };
    if (withSignature) {
      out.signature = createHmac('sha256', this.opts.clientSecret).update(id + issuedAt).digest('base64');
    }
    return out;
  }

  private async jwtBearer(assertion: string, baseUrl: string): Promise<Session> {
    let header: { alg?: string };
    let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    if (header.alg !== 'RS256') throw new OAuthError('invalid_grant', 'invalid assertion');
    if (this.verifyKey) {
      try {
        await jwtVerify(assertion, await this.verifyKey, { algorithms: ['RS256'] });
      } catch {
        throw new OAuthError('invalid_grant', 'invalid assertion');
      }
    }
    if (claims.iss !== this.opts.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const accepted = new Set([baseUrl, ...this.opts.jwtAudiences].map((a) => a.replace(/\/$/, '')));
    if (!auds.some((a) => typeof a === 'string' && accepted.has(a.replace(/\/$/, '')))) {
      throw new OAuthError('invalid_grant', 'Audience validation failed');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    if (typeof claims.sub !== 'string' || claims.sub.toLowerCase() !== this.opts.username.toLowerCase()) {
      throw new OAuthError('invalid_grant', 'user hasn\'t approved this consumer');
    }
    return this.issue(this.opts.clientId);
  }
}


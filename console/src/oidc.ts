/**
 * Sign-in through the identity provider: OIDC authorization code with PKCE
 * (oauth4webapi), the console a public client with no secret. The code
 * verifier and state wait in sessionStorage while the browser is at the
 * provider; the access token is kept in memory only, so a reload signs in again.
 */
import * as oauth from 'oauth4webapi';
import type { ConsoleConfig } from './api';

type Oidc = NonNullable<ConsoleConfig['oidc']>;

const PENDING = 'console.oidc.pending';

/** Where the provider sends the browser back: the console's own page, without a query. */
const redirectUri = (): string => `${location.origin}${location.pathname}`;

/** Plain http only for a provider on this machine (development, tests); anything else must be https. */
function options(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const local = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  return local ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(oidc: Oidc): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(oidc.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options(issuer)));
}

/** Sends the browser to the provider's sign-in. */
export async function beginSignIn(oidc: Oidc): Promise<void> {
  const as = await discover(oidc);
  if (!as.authorization_endpoint) throw new Error(`${oidc.issuer} names no authorization endpoint`);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: oidc.scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(oidc.resource ? { resource: oidc.resource } : {}),
  }).toString();
  location.assign(url);
}

/**
 * On the way back from the provider (`?code=…&state=…`): exchanges the code for
 * tokens and answers the access token, or undefined when this is no such return.
 */
export async function completeSignIn(oidc: Oidc): Promise<string | undefined> {
  const current = new URL(location.href);
  if (!current.searchParams.has('code') && !current.searchParams.has('error')) return undefined;
  const saved = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  // The code is single-use: leave it out of the address bar and the history.
  history.replaceState(null, '', redirectUri());
  if (!saved) throw new Error('a sign-in answer arrived that this tab did not ask for');
  const { verifier, state } = JSON.parse(saved) as { verifier: string; state: string };
  const as = await discover(oidc);
  const client: oauth.Client = { client_id: oidc.clientId };
  const params = oauth.validateAuthResponse(as, client, current, state);
  const issuer = new URL(oidc.issuer);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), verifier, {
    ...options(issuer),
    ...(oidc.resource ? { additionalParameters: { resource: oidc.resource } } : {}),
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  return tokens.access_token;
}

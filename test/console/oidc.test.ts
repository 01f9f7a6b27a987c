/**
 * Production sign-in: a production build of the console (no development
 * picker) signs in through a local identity provider (`oidc-provider`) by
 * OIDC authorization code with PKCE, as a public client, and the gateway,
 * trusting that provider's keys, serves the agent the customer-360 with the
 * access token it got. In real headless Chromium; skipped, with a message,
 * when /usr/bin/chromium is absent.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type RunningConsole } from '../../console/server.js';
import { freePort } from '../support/ports.js';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { buildConsole, chromiumPresent, launchChromium } from './support.js';

const present = chromiumPresent('test/console/oidc.test.ts');

/** The gateway's audience, which the provider puts in the access tokens it issues for that resource. */
const AUDIENCE = 'https://graph.retail.test';

describe.skipIf(!present)('console sign-in through the identity provider (OIDC, PKCE)', () => {
  let stack: Stack & StackIdentity;
  let idp: Server;
  let consoleServer: RunningConsole;
  let context: BrowserContext;
  const temp: string[] = [];
  /** What the provider issued, for the test to look at. */
  const issued: string[] = [];

  beforeAll(async () => {
    const dir = await buildConsole('production');
    temp.push(dir);
    const consolePort = await freePort();
    const consoleUrl = `http://localhost:${consolePort}/`;
    const idpPort = await freePort();
    const issuer = `http://localhost:${idpPort}`;
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = 'test-idp';
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'agent-console', token_endpoint_auth_method: 'none', redirect_uris: [consoleUrl], grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256' }],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }] },
      pkce: { required: () => true },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      clientBasedCORS: () => true,
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'openid', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
        },
      },
      // Every account of this provider is an agent: the claim the gateway reads roles from.
      extraTokenClaims: () => ({ roles: ['agent'] }),
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    });
    provider.on('access_token.issued', (token: { accountId?: string }) => issued.push(token.accountId ?? ''));
    idp = createServer(provider.callback());
    await new Promise<void>((resolve) => idp.listen(idpPort, '127.0.0.1', resolve));

    stack = await startStack({
      corsOrigins: [`http://localhost:${consolePort}`],
      identityProvider: { jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }, issuer, audience: AUDIENCE },
    });
    consoleServer = await startConsoleServer({ gatewayUrl: stack.gatewayUrl, dir, port: consolePort, oidc: { issuer, clientId: 'agent-console', scope: 'openid', resource: AUDIENCE } });
    context = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await consoleServer?.close();
    await stack?.close();
    idp?.closeAllConnections();
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
    await Promise.all(temp.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('signs an agent in at the provider and serves the 360 with the token it issued', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(consoleUrl(consoleServer));
    // A production build: the provider's sign-in only, no development picker.
    expect(await page.getByTestId('dev-role-picker').count()).toBe(0);
    await page.getByRole('button', { name: /^Sign in with localhost:/ }).click();
    // The provider's own pages (oidc-provider's development interactions): login, then consent.
    await page.locator('input[name="login"]').fill('agent-ada');
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Signed in as').waitFor({ timeout: 15_000 });
    // The authorization code left the address bar once it was used.
    expect(new URL(page.url()).search).toBe('');
    expect(issued).toEqual(['agent-ada']);

    const customer = stack.dataset.salesforce.accounts[2];
    await page.getByLabel('Find a customer').fill(customer?.Customer_Number__c ?? 'C-000003');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByTestId('customer-360').waitFor();
    await expect.poll(() => page.locator('[data-part="profile"] dd').first().textContent()).toBe(customer?.Customer_Number__c);
    expect(await page.locator('.banner.error').count()).toBe(0);
  }, 60_000);
});

const consoleUrl = (c: RunningConsole): string => c.url;

/**
 * A subscription lives no longer than its credentials, at the protocol level
 * with the gateway's own subscription security over a real authenticator: a
 * bad token closes with 4401 and a graphql-ws client does not retry it; a token
 * whose signing key leaves the JWKS is closed at the next re-verification; a
 * JWKS that cannot be fetched does not close anyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JSONWebKeySet } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createDevIssuer, type DevIssuer } from '../../lib/auth/dev.js';
import { createAuthenticator, type Authentication, type Authenticator } from '../../gateway/src/auth.js';
import { subscriptionSecurity } from '../../gateway/src/subscriptions/security.js';
import { TEST_TRUST } from '../support/auth.js';
import { rawSocket, startFixture, waitFor, type Fixture } from './fixture.js';

let fx: Fixture;
let oldKey: DevIssuer;
let newKey: DevIssuer;
/** What the identity provider publishes now; the authenticator follows it. */
let published: Authenticator;
/** When set, verification cannot run at all, as when the JWKS endpoint is down. */
let jwksDown = false;

const authenticatorFor = (jwks: JSONWebKeySet): Authenticator =>
  createAuthenticator({ jwks: { phase: 'keys', jwks }, issuer: oldKey.issuer, audience: oldKey.audience, production: false });

beforeAll(async () => {
  oldKey = await createDevIssuer();
  newKey = await createDevIssuer();
  published = authenticatorFor({ keys: [...oldKey.jwks.keys, ...newKey.jwks.keys] });
  // A key set that changes while connections are open, as a rotation at the identity provider does.
  const rotating: Authenticator = {
    clockToleranceSeconds: 30,
    async authenticate(header): Promise<Authentication> {
      if (jwksDown) return { phase: 'rejected', code: 'UNAUTHENTICATED', message: 'the token could not be verified', unverifiable: true };
      return published.authenticate(header);
    },
  };
  fx = await startFixture({ security: subscriptionSecurity(rotating, TEST_TRUST), reverifyIntervalMs: 200 });
});

afterAll(async () => {
  await fx?.close();
});

const SUBSCRIBE = { id: 's', type: 'subscribe', payload: { query: 'subscription { orderStatusChanged { eventId status } }' } };

describe('subscription credentials', () => {
  it('closes a bad token with 4401, which a graphql-ws client does not retry', async () => {
    const before = fx.upgrades();
    // The fixture's clients never retry; this one retries as a production client would.
    const retrying = createClient({ url: fx.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer not-a-token' }, retryAttempts: 5, retryWait: () => new Promise((r) => setTimeout(r, 50)), lazy: true });
    const outcome = await new Promise<unknown>((resolve) => {
      retrying.subscribe({ query: SUBSCRIBE.payload.query }, { next: () => resolve('next'), error: resolve, complete: () => resolve('complete') });
    });
    expect((outcome as { code?: number }).code).toBe(4401);
    await new Promise((r) => setTimeout(r, 500));
    expect(fx.upgrades() - before).toBe(1);
    await retrying.dispose();
  });

  it('closes an open subscription with 4401 once its signing key is removed from the JWKS, and keeps the others', async () => {
    const rotatedOut = await oldKey.token({ sub: 'agent-old-key', roles: ['agent'] });
    const current = await newKey.token({ sub: 'agent-new-key', roles: ['agent'] });
    const onOld = await rawSocket(fx.wsUrl, { authorization: `Bearer ${rotatedOut}` });
    const onNew = await rawSocket(fx.wsUrl, { authorization: `Bearer ${current}` });
    await onOld.next('connection_ack');
    await onNew.next('connection_ack');
    onOld.send(SUBSCRIBE);
    onNew.send(SUBSCRIBE);
    await waitFor(() => fx.subs.hub.stats().subscribers === 2);
    // A few re-verifications pass while the key is still published.
    await new Promise((r) => setTimeout(r, 600));
    expect(onOld.ws.readyState).toBe(onOld.ws.OPEN);
    published = authenticatorFor(newKey.jwks);
    const closed = await onOld.closed;
    expect(closed).toEqual({ code: 4401, reason: 'Credentials no longer valid' });
    await new Promise((r) => setTimeout(r, 400));
    expect(onNew.ws.readyState).toBe(onNew.ws.OPEN);
    fx.emit({ eventId: 'R1', status: 'SHIPPED', customerId: 'C-1' });
    expect((await onNew.next('next', 's')).payload).toEqual({ data: { orderStatusChanged: { eventId: 'R1', status: 'SHIPPED' } } });
    onNew.ws.close(1000);
    await waitFor(() => fx.subs.hub.stats().subscribers === 0);
  });

  it('keeps open connections while the key set cannot be fetched', async () => {
    const token = await newKey.token({ sub: 'agent-outage', roles: ['agent'] });
    const sock = await rawSocket(fx.wsUrl, { authorization: `Bearer ${token}` });
    await sock.next('connection_ack');
    jwksDown = true;
    try {
      await new Promise((r) => setTimeout(r, 800));
      expect(sock.ws.readyState).toBe(sock.ws.OPEN);
    } finally {
      jwksDown = false;
    }
    sock.ws.close(1000);
  });
});

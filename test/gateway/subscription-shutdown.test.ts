/**
 * A gateway that stops (SIGTERM in a rollout) closes its subscribers with 1012,
 * service restart, which graphql-ws clients treat as a reason to reconnect, not
 * as a fatal error (its client's isFatalInternalCloseCode), so a console behind
 * a load balancer lands on another replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_SECURITY, rawSocket, startFixture, waitFor, type Fixture } from './fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ security: OPEN_SECURITY });
});

afterAll(async () => {
  await fx?.close();
});

describe('subscriptions at shutdown', () => {
  it('closes every subscriber with 1012, service restart', async () => {
    const socks = await Promise.all([rawSocket(fx.wsUrl, {}), rawSocket(fx.wsUrl, {})]);
    for (const [i, sock] of socks.entries()) {
      await sock.next('connection_ack');
      sock.send({ id: `s${i}`, type: 'subscribe', payload: { query: 'subscription { orderStatusChanged { eventId status } }' } });
    }
    await waitFor(() => fx.subs.hub.stats().subscribers === 2);

    await fx.subs.close();
    for (const sock of socks) expect(await sock.closed).toEqual({ code: 1012, reason: 'Server restarting: reconnect' });
    expect(fx.subs.hub.stats()).toEqual({ subscribers: 0, upstreams: 0 });
  });
});

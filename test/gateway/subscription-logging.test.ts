/**
 * Log levels of a subscription's life: a client that completes or closes
 * normally leaves no warning; a link to a subgraph that is lost does.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OPEN_SECURITY, startFixture, waitFor, type Fixture } from './fixture.js';

/** Every log line of the gateway's modules, parsed. */
const lines = vi.hoisted(() => [] as Array<{ level: number; component?: string; msg: string }>);

vi.mock('../../lib/log.js', async () => {
  const { pino } = await import('pino');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return { logger, childLogger: (component: string) => logger.child({ component }) };
});

const WARN = 40;
let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ security: OPEN_SECURITY });
});

afterAll(async () => {
  await fx?.close();
});

const warnings = () => lines.filter((l) => l.level >= WARN);

describe('subscription log levels', () => {
  it('logs no warning when a client completes its subscription or closes normally', async () => {
    for (let round = 0; round < 3; round++) {
      const c = fx.client();
      const received: unknown[] = [];
      const unsubscribe = c.subscribe({ query: 'subscription { orderStatusChanged { eventId status } }' }, { next: (v) => received.push(v), error: () => undefined, complete: () => undefined });
      await waitFor(() => fx.subs.hub.stats().upstreams === 1);
      await new Promise((r) => setTimeout(r, 100));
      fx.emit({ eventId: `N${round}`, status: 'SHIPPED', customerId: 'C-1' });
      await waitFor(() => received.length === 1);
      // One round completes the subscription, the others close the whole connection.
      if (round === 0) unsubscribe();
      else await c.dispose();
      await waitFor(() => fx.subs.hub.stats().upstreams === 0);
      // The lazy link to the subgraph closes once its last subscription has ended.
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(lines.some((l) => l.component === 'subscriptions:upstream' && l.msg === 'subscription link closed')).toBe(true);
    expect(warnings()).toEqual([]);
  });
});

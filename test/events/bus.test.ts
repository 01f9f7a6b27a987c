/**
 * The event bus contract, for both implementations: repeats are dropped,
 * positions order events, a subscriber can resume after a position, and with
 * Redis an event published on one replica reaches a subscriber on another once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import { deleteNamespace } from '../support/redis-keys.js';
import { inProcessBus, redisBus, type DomainEvent, type EventBus } from '../../lib/events/bus.js';

async function take<T>(it: AsyncIterator<DomainEvent<T>>, n: number, timeoutMs = 5000): Promise<Array<DomainEvent<T>>> {
  const out: Array<DomainEvent<T>> = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const next = await Promise.race([it.next(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())))]);
    if (next === 'timeout' || next.done) break;
    out.push(next.value);
  }
  return out;
}

const event = (id: string, topic = 'order.status') => ({ eventId: id, topic, occurredAt: new Date().toISOString(), payload: { id } });

function contract(name: string, make: () => Promise<EventBus>): void {
  describe(name, () => {
    it('delivers live events in order and drops a repeated eventId', async () => {
      const bus = await make();
      const sub = bus.subscribe<{ id: string }>('order.status');
      await new Promise((r) => setTimeout(r, 50));
      expect(await bus.publish(event('a'))).not.toBeNull();
      expect(await bus.publish(event('a'))).toBeNull();
      await bus.publish(event('b'));
      await bus.publish(event('x', 'case.updated'));
      const got = await take(sub, 3, 1500);
      expect(got.map((e) => e.eventId)).toEqual(['a', 'b']);
      await sub.return?.();
      await bus.close();
    });

    it('replays retained events after a position, then continues live', async () => {
      const bus = await make();
      const first = await bus.publish(event('p1'));
      await bus.publish(event('p2'));
      await bus.publish(event('p3'));
      const sub = bus.subscribe('order.status', { after: first as string });
      const replayed = await take(sub, 2);
      expect(replayed.map((e) => e.eventId)).toEqual(['p2', 'p3']);
      await new Promise((r) => setTimeout(r, 50));
      await bus.publish(event('p4'));
      expect((await take(sub, 1)).map((e) => e.eventId)).toEqual(['p4']);
      await sub.return?.();
      await bus.close();
    });
  });
}

contract('in-process bus', async () => inProcessBus());

const REDIS_URL = process.env.REDIS_URL;
const clients: RedisClientType[] = [];
afterAll(async () => {
  for (const c of clients) await c.quit().catch(() => undefined);
});

describe.skipIf(!REDIS_URL)('Redis Streams bus (skipped: REDIS_URL is not set)', () => {
  const namespace = `test-bus-${randomUUID()}`;
  const connect = async (): Promise<RedisClientType> => {
    const c = createClient({ url: REDIS_URL }) as RedisClientType;
    await c.connect();
    clients.push(c);
    return c;
  };
  contract('contract', async () => redisBus(await connect(), { namespace: `${namespace}-${randomUUID()}` }));
  // Streams never expire in the product; this run's go with it.
  afterAll(async () => {
    const c = await connect();
    await deleteNamespace(c, namespace, { children: true });
  });

  it('an event seen by two replicas reaches a subscriber on the other replica exactly once', async () => {
    const ns = `${namespace}-replicas`;
    const a = await redisBus(await connect(), { namespace: ns });
    const b = await redisBus(await connect(), { namespace: ns });
    const onB = b.subscribe('order.status');
    await new Promise((r) => setTimeout(r, 100));
    // Both replicas' pollers notice the same change.
    await Promise.all([a.publish(event('shared-1')), b.publish(event('shared-1'))]);
    const got = await take(onB, 2, 2500);
    expect(got.map((e) => e.eventId)).toEqual(['shared-1']);
    await onB.return?.();
    await a.close();
    await b.close();
  });
});

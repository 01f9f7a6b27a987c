/**
 * Canonical events reach NATS JetStream exactly once per event id, through a
 * broker outage, in order; and a change made in a system of record arrives there.
 */
import { randomUUID } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { canonicalEvent, type CloudEvent } from '../../lib/events/outbound/canonical.js';
import { natsBroker, subjectOf } from '../../lib/events/outbound/nats.js';
import { fileOutbox } from '../../lib/events/outbound/outbox.js';
import { startPublisher } from '../../lib/events/outbound/publisher.js';
import { startStack, type Stack } from '../support/stack.js';
import { SAMPLES } from './samples.js';

const NATS_URL = process.env.NATS_URL;

/** A TCP proxy to NATS that the test can cut and restore, as a broker outage. */
async function cuttableProxy(target: URL): Promise<{ url: string; cut(): void; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    server = createServer((client) => {
      const upstream = tcpConnect(Number(target.port || 4222), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
    port = (server!.address() as { port: number }).port;
  };
  await listen();
  const cut = (): void => {
    server?.close();
    for (const s of sockets) s.destroy();
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    cut,
    restore: listen,
    async close() {
      cut();
    },
  };
}

describe.skipIf(!NATS_URL)('NATS JetStream (skipped: NATS_URL is not set)', () => {
  const run = randomUUID().replace(/-/g, '').slice(0, 12);
  const stream = `TEST_EVENTS_${run}`;
  const prefix = `test.${run}`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    jsm = await nc.jetstreamManager();
  });
  afterAll(async () => {
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
  });

  const storedIds = async (): Promise<string[]> => {
    const info = await jsm.streams.info(stream);
    const ids: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      ids.push(m.header.get('Nats-Msg-Id'));
    }
    return ids;
  };

  it('stores each event once, in order, through an outage of the broker, however often it is published', async () => {
    const proxy = await cuttableProxy(new URL(NATS_URL as string));
    const dir = mkdtempSync(join(tmpdir(), 'rsg-outbox-'));
    const broker = natsBroker({ url: proxy.url, stream, subjectPrefix: prefix, duplicateWindowMs: 120_000, timeoutMs: 1000 });
    const outbox = await fileOutbox(dir, 'order');
    const publisher = startPublisher({ outbox, broker, backoffMs: 50, maxBackoffMs: 200, idleMs: 50 });
    const e = (n: number): CloudEvent => ({ ...(canonicalEvent(SAMPLES[0]!) as CloudEvent), id: `${run}-${n}`, subject: `SO-${n}` });
    try {
      await outbox.append([e(1), e(2)]);
      await publisher.idle();
      expect(await storedIds()).toEqual([`${run}-1`, `${run}-2`]);

      proxy.cut();
      await outbox.append([e(3), e(4)]);
      publisher.nudge();
      await new Promise((r) => setTimeout(r, 700));
      expect(await outbox.depth()).toBe(2);
      expect(await storedIds()).toEqual([`${run}-1`, `${run}-2`]);

      await proxy.restore();
      await publisher.idle();
      // An event published again (a crash between the broker's acknowledgement and ours) is stored once.
      await broker.publish(e(2));
      expect(await storedIds()).toEqual([`${run}-1`, `${run}-2`, `${run}-3`, `${run}-4`]);
      const info = await jsm.streams.info(stream);
      expect(info.config.subjects).toEqual([`${prefix}.>`]);
      expect(info.config.duplicate_window).toBeGreaterThanOrEqual(120_000 * 1e6);
      const m = await jsm.streams.getMessage(stream, { seq: info.state.first_seq });
      expect(m.subject).toBe(subjectOf(prefix, 'order.statusChanged'));
      expect(m.header.get('content-type')).toBe('application/cloudevents+json');
      expect(m.json<CloudEvent>()).toMatchObject({ specversion: '1.0', id: `${run}-1`, type: 'order.statusChanged' });
    } finally {
      await publisher.stop();
      await broker.close();
      await outbox.close();
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  describe('from a system of record', () => {
    let stack: Stack;
    const e2eStream = `${stream}_E2E`;
    const e2ePrefix = `test.${run}-e2e`;
    beforeAll(async () => {
      stack = await startStack({
        customers: 40,
        settings: { EVENTS_NATS_URL: NATS_URL as string, EVENTS_NATS_STREAM: e2eStream, EVENTS_SUBJECT_PREFIX: e2ePrefix, ORDER_FEED_INTERVAL_MS: '300' },
      });
    });
    afterAll(async () => {
      await stack?.close();
      await jsm?.streams.delete(e2eStream).catch(() => undefined);
    });

    it('an order shipped in the ERP reaches the stream once, as order.statusChanged with the customer number and no personal data', async () => {
      const order = stack.dataset.netsuite.transactions.find((t) => t.type === 'SalesOrd' && t.status === 'B');
      expect(order).toBeDefined();
      await stack.action('netsuite', 'ship-order', { orderId: order!.tranid });
      const deadline = Date.now() + 20_000;
      let found: CloudEvent[] = [];
      while (Date.now() < deadline) {
        const info = await jsm.streams.info(e2eStream).catch(() => null);
        if (info && info.state.messages > 0) {
          found = [];
          for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) found.push((await jsm.streams.getMessage(e2eStream, { seq })).json<CloudEvent>());
          if (found.some((f) => f.subject === order!.tranid)) break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const mine = found.filter((f) => f.subject === order!.tranid);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ type: 'order.statusChanged', source: 'urn:retail-supergraph:system:erp', data: { orderId: order!.tranid, status: 'SHIPPED' } });
      expect((mine[0]!.data as { customerNumber: string }).customerNumber).toMatch(/^C-\d{6}$/);
      expect(Object.keys(mine[0]!.data).sort()).toEqual(['changedAt', 'customerNumber', 'orderId', 'previousStatus', 'status']);
    }, 30_000);
  });
});

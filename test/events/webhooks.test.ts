/**
 * Outbound webhooks, with both queue stores (a file always, Redis when
 * REDIS_URL is set): a local receiver checks each delivery's signature with the
 * Standard Webhooks algorithm written out here (not our signer's code), gets
 * the canonical events of changes put on a subgraph's bus, and only those of
 * its types; a receiver that keeps failing gets each event N times, after which
 * it is a dead letter (an entity's later events held behind it); the operator
 * command replays dead letters and ranges once the receiver works; and the SSRF
 * guard refuses internal addresses in production, at boot and at connection.
 * End to end, an order shipped inside the ERP sandbox reaches a consumer
 * through the order subgraph's change feed, as booted with EVENTS_WEBHOOKS_FILE.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import { ConfigError } from '../../lib/config.js';
import { inProcessBus, type EventBus } from '../../lib/events/bus.js';
import {
  checkWebhookUrl,
  deliverOnce,
  DeliveryError,
  guardedLookup,
  loadWebhooksConfig,
  openWebhooks,
  redisWebhookQueue,
  webhookAgent,
  type WebhookConsumer,
  type Webhooks,
} from '../../lib/events/webhooks/index.js';
import { main as webhooksCommand } from '../../scripts/webhooks.js';
import { deleteNamespace } from '../support/redis-keys.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { createNetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import type { BootedSubgraph } from '../../lib/boot.js';
import { bootForTest } from '../support/wiring.js';
import { freePort } from '../support/ports.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** The specification's check, step by step: key from the secret, HMAC of id.timestamp.body, one of the v1 signatures equal. */
function specVerifies(headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(SECRET.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return sigs.split(' ').some((s) => s === `v1,${expected}`);
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; subject: string; data: Record<string, unknown> };
  verified: boolean;
}

/** A consumer's endpoint: answers `status()` to every POST and keeps what it got. */
async function receiver(): Promise<{ url: string; got: Received[]; attempts: () => number; status: number; location?: string; close(): Promise<void> }> {
  const got: Received[] = [];
  let attempts = 0;
  const r = {
    url: '',
    got,
    attempts: () => attempts,
    status: 204,
    location: undefined as string | undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      if (r.status >= 200 && r.status < 300) got.push({ headers: req.headers, body, event: JSON.parse(body) as Received['event'], verified: specVerifies(req.headers, body) });
      res.writeHead(r.status, r.location ? { location: r.location } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  r.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hooks`;
  return r;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const orderShipped = (orderId: string, customerId = 'C-000042', previousStatus = 'PENDING_FULFILLMENT', status = 'SHIPPED') => ({
  eventId: `order.status:${orderId}:${status}:${randomUUID()}`,
  topic: 'order.status',
  occurredAt: new Date().toISOString(),
  payload: { orderId, customerId, previousStatus, status, changedAt: new Date().toISOString() },
});

const redisUrl = process.env.REDIS_URL;
const stores: Array<{ name: string; redis: boolean }> = [{ name: 'file queue', redis: false }, { name: 'Redis queue', redis: true }];

for (const store of stores) {
  describe.skipIf(store.redis && !redisUrl)(`webhooks (${store.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsg-webhooks-'));
    const namespace = `test-webhooks-${randomUUID().slice(0, 8)}`;
    let redis: RedisClientType | undefined;
    let ok: Awaited<ReturnType<typeof receiver>>;
    let flaky: Awaited<ReturnType<typeof receiver>>;
    let env: Record<string, string>;
    let bus: EventBus;
    let webhooks: Webhooks;
    const internal: Array<{ topic: string }> = [];

    beforeAll(async () => {
      if (store.redis) {
        redis = createClient({ url: redisUrl }) as RedisClientType;
        await redis.connect();
      }
      ok = await receiver();
      flaky = await receiver();
      const file = join(dir, 'webhooks.json');
      writeFileSync(
        file,
        JSON.stringify({
          consumers: [
            { name: 'warehouse', url: ok.url, secret: SECRET, types: ['order.statusChanged'] },
            { name: 'loyalty', url: flaky.url, secretEnv: 'TEST_LOYALTY_WEBHOOK_SECRET', types: ['order.statusChanged', 'case.updated'] },
          ],
        }),
      );
      env = {
        NODE_ENV: 'test',
        EVENTS_WEBHOOKS_FILE: file,
        TEST_LOYALTY_WEBHOOK_SECRET: SECRET,
        EVENTS_WEBHOOK_MAX_ATTEMPTS: '3',
        EVENTS_WEBHOOK_BACKOFF_MS: '10',
        EVENTS_WEBHOOK_MAX_BACKOFF_MS: '40',
        EVENTS_WEBHOOK_TIMEOUT_MS: '2000',
        FEEDS_DIR: dir,
        RSG_NAMESPACE: namespace,
        ...(store.redis && redisUrl ? { REDIS_URL: redisUrl } : {}),
      };
      const config = loadWebhooksConfig(env);
      if (!config) throw new Error('expected webhooks to be configured');
      const inner = inProcessBus();
      const sub = inner.subscribe<unknown>('order.status');
      void (async () => {
        for await (const e of sub) internal.push({ topic: e.topic });
      })();
      webhooks = openWebhooks(config, { name: 'order', namespace, bus: inner, dir, idleMs: 50, ...(redis ? { redis } : {}) });
      bus = webhooks.bus;
    });

    afterAll(async () => {
      await webhooks?.close();
      await bus?.close();
      await ok?.close();
      await flaky?.close();
      if (redis) {
        await deleteNamespace(redis, namespace);
        await redis.quit();
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const command = async (...args: string[]): Promise<Array<Record<string, unknown>>> => {
      const lines: string[] = [];
      await webhooksCommand(args, env, (l) => lines.push(l));
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    };

    it('delivers a change put on the bus, signed as Standard Webhooks says, with the event id as webhook-id, only to consumers of its type', async () => {
      flaky.status = 204;
      const change = orderShipped('SO-100001');
      await bus.publish(change);
      await bus.publish({ eventId: `case.updated:${randomUUID()}`, topic: 'case.updated', occurredAt: new Date().toISOString(), payload: { caseId: '9001', customerId: 'C-000042', previousStatus: 'open', status: 'solved', changedAt: new Date().toISOString() } });
      await until(() => ok.got.length >= 1 && flaky.got.length >= 2);
      const [first] = ok.got;
      expect(first?.verified).toBe(true);
      expect(first?.headers['webhook-id']).toBe(change.eventId);
      expect(first?.headers['content-type']).toBe('application/json');
      expect(first?.event).toMatchObject({ id: change.eventId, type: 'order.statusChanged', subject: 'SO-100001', data: { orderId: 'SO-100001', customerNumber: 'C-000042', status: 'SHIPPED' } });
      // The warehouse did not subscribe to case.updated; the loyalty platform did.
      await new Promise((r) => setTimeout(r, 200));
      expect(ok.got.map((g) => g.event.type)).toEqual(['order.statusChanged']);
      expect(flaky.got.map((g) => g.event.type).sort()).toEqual(['case.updated', 'order.statusChanged']);
      expect(flaky.got.every((g) => g.verified)).toBe(true);
      // The bus still carries the internal event.
      await until(() => internal.length >= 1);
      // A tampered body fails the same check.
      expect(specVerifies(first?.headers ?? {}, (first?.body ?? '').replace('SHIPPED', 'CANCELLED'))).toBe(false);
    });

    it('dead-letters an event after N failed attempts, holds the same order\'s later events behind it, delivers other orders, and replays in order once the receiver works', async () => {
      const loyalty = webhooks.consumers.find((c) => c.consumer.name === 'loyalty');
      flaky.status = 503;
      flaky.got.length = 0;
      const before = flaky.attempts();
      const a1 = orderShipped('SO-200001', 'C-000042', 'PENDING_FULFILLMENT', 'SHIPPED');
      await bus.publish(a1);
      await until(async () => (await loyalty?.queue.deadLetters())?.length === 1);
      expect(flaky.attempts() - before).toBe(3);
      const [dead] = (await command('dead-letters', '--consumer', 'loyalty', '--subgraph', 'order')) as Array<{ eventId: string; attempts: number; lastError: string }>;
      expect(dead).toMatchObject({ eventId: a1.eventId, attempts: 3, lastError: 'HTTP 503' });
      const readiness = async () => Promise.all(webhooks.checks().map((c) => c.check()));
      expect(await readiness()).toEqual([
        { name: 'webhooks:warehouse', status: 'ok', reasons: [], details: { deadLettered: 0 } },
        expect.objectContaining({ name: 'webhooks:loyalty', status: 'degraded', details: { deadLettered: 1 } }),
      ]);

      // The receiver works again: a later change to the same order waits behind the dead letter; another order's goes through.
      flaky.status = 204;
      const a2 = orderShipped('SO-200001', 'C-000042', 'SHIPPED', 'DELIVERED');
      const b1 = orderShipped('SO-200002');
      await bus.publish(a2);
      await bus.publish(b1);
      await until(() => flaky.got.length >= 1);
      await until(async () => (await loyalty?.queue.deadLetters())?.length === 2);
      expect(flaky.got.map((g) => g.event.id)).toEqual([b1.eventId]);
      const held = (await loyalty?.queue.deadLetters()) ?? [];
      expect(held.map((d) => d.event.id)).toEqual([a1.eventId, a2.eventId]);
      expect(held[1]?.lastError).toMatch(/held behind the dead-lettered event/);

      expect(await command('replay', '--consumer', 'loyalty', '--subgraph', 'order', '--dead-letters')).toEqual([{ subgraph: 'order', consumer: 'loyalty', replayed: 2 }]);
      loyalty?.deliverer.nudge();
      await until(() => flaky.got.length >= 3);
      expect(flaky.got.map((g) => g.event.id)).toEqual([b1.eventId, a1.eventId, a2.eventId]);
      expect(flaky.got.every((g) => g.verified && g.headers['webhook-id'] === g.event.id)).toBe(true);
      expect(await loyalty?.queue.deadLetters()).toEqual([]);
      expect((await readiness()).map((p) => p.status)).toEqual(['ok', 'ok']);
    });

    it.skipIf(!store.redis)('lets one replica at a time deliver a shared queue, and another take over when its lease lapses', async () => {
      const config = loadWebhooksConfig(env);
      if (!config || !redis) throw new Error('expected webhooks on Redis');
      const a = redisWebhookQueue(redis, namespace, 'finance', 'warehouse', config);
      const b = redisWebhookQueue(redis, namespace, 'finance', 'warehouse', config);
      expect(await a.lease('replica-a', 300)).toBe(true);
      expect(await b.lease('replica-b', 300)).toBe(false);
      expect(await a.lease('replica-a', 300)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      expect(await b.lease('replica-b', 300)).toBe(true);
      expect(await a.lease('replica-a', 300)).toBe(false);
    });

    it('replays a range of time to one consumer, with the same webhook-ids', async () => {
      const warehouse = webhooks.consumers.find((c) => c.consumer.name === 'warehouse');
      await warehouse?.deliverer.idle();
      const from = new Date(Date.now() - 60_000).toISOString();
      const already = ok.got.map((g) => g.event.id);
      expect(already.length).toBeGreaterThanOrEqual(4);
      const lines = await command('replay', '--consumer', 'warehouse', '--subgraph', 'order', '--from', from);
      expect(lines).toEqual([{ subgraph: 'order', consumer: 'warehouse', replayed: already.length }]);
      warehouse?.deliverer.nudge();
      await until(() => ok.got.length >= already.length * 2);
      expect(ok.got.slice(already.length).map((g) => g.event.id)).toEqual(already);
      await expect(command('replay', '--consumer', 'warehouse', '--from', 'yesterday')).rejects.toThrow(/--from: expected an ISO time/);
      await expect(command('replay', '--consumer', 'nobody', '--dead-letters')).rejects.toThrow(/no consumer named 'nobody'/);
    });
  });
}

describe('webhooks from a booted order subgraph', () => {
  it('delivers the order.statusChanged of an order shipped inside the ERP, once, signed', async () => {
    const dataset = generateDataset({ seed: 42, customers: 40, asOf: new Date('2026-11-20T00:00:00Z') });
    const order = dataset.netsuite.transactions.find((t) => t.type === 'SalesOrd' && t.status === 'B');
    if (!order) throw new Error('the dataset has no order pending fulfilment');
    const erp = await createNetSuiteSandbox({ dataset });
    const r = await receiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'rsg-webhooks-e2e-'));
    let booted: BootedSubgraph | undefined;
    try {
      const erpUrl = await erp.listen(0);
      const file = join(dataDir, 'webhooks.json');
      writeFileSync(file, JSON.stringify({ consumers: [{ name: 'warehouse', url: r.url, secret: SECRET, types: ['order.statusChanged'] }] }));
      booted = await bootForTest('order', {
        env: {
          NODE_ENV: 'test',
          ORG_MAPPING_FILE: join(import.meta.dirname, '..', '..', 'config', 'org-mapping.json'),
          NETSUITE_BASE_URL: `${erpUrl}/services/rest`,
          EVENTS_WEBHOOKS_FILE: file,
        },
        port: await freePort(),
        dataDir,
        namespace: `test-webhooks-e2e-${randomUUID().slice(0, 8)}`,
        cache: undefined,
        policy: { retries: 1, backoffMs: 20 },
      });
      // The feed's first poll takes the ERP as it is; the shipment after it is a change.
      await new Promise((res) => setTimeout(res, 1000));
      const shipped = await fetch(`${erpUrl}/__sandbox/actions/ship-order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: order.tranid }) });
      expect(shipped.status).toBe(200);
      await until(() => r.got.some((g) => g.event.subject === order.tranid), 10_000);
      await new Promise((res) => setTimeout(res, 600));
      const mine = r.got.filter((g) => g.event.subject === order.tranid);
      expect(mine).toHaveLength(1);
      expect(mine[0]?.verified).toBe(true);
      expect(mine[0]?.event).toMatchObject({ type: 'order.statusChanged', data: { orderId: order.tranid, status: 'SHIPPED' } });
      expect(mine[0]?.headers['webhook-id']).toBe(mine[0]?.event.id);
    } finally {
      await booted?.close();
      await r.close();
      await erp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the SSRF guard', () => {
  it('refuses internal addresses, http and localhost in production, and allows http to localhost only in development and test', () => {
    for (const url of [
      'https://127.0.0.1/hooks',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.1.2.3/hooks',
      'https://192.168.0.10/hooks',
      'https://172.16.5.4/hooks',
      'https://[::1]/hooks',
      'https://[fd00:ec2::254]/hooks',
      'https://[::ffff:10.0.0.1]/hooks',
      'https://localhost/hooks',
      'https://metadata.google.internal/computeMetadata/v1/',
      'http://hooks.example.com/retail',
      'http://127.0.0.1:8080/hooks',
      'https://user:pass@hooks.example.com/retail',
      'ftp://hooks.example.com/retail',
    ])
      expect(checkWebhookUrl(url, 'production'), url).toBeDefined();
    expect(checkWebhookUrl('https://hooks.example.com/retail', 'production')).toBeUndefined();
    expect(checkWebhookUrl('http://127.0.0.1:8080/hooks', 'test')).toBeUndefined();
    expect(checkWebhookUrl('http://localhost:8080/hooks', 'development')).toBeUndefined();
    expect(checkWebhookUrl('http://10.1.2.3/hooks', 'development')).toMatch(/http is allowed only to localhost/);
    expect(checkWebhookUrl('https://169.254.169.254/', 'development')).toMatch(/private, loopback, link-local or metadata/);
  });

  it('stops the boot with a ConfigError naming the consumer and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsg-webhooks-config-'));
    try {
      const file = join(dir, 'webhooks.json');
      writeFileSync(file, JSON.stringify({ consumers: [{ name: 'metadata', url: 'https://169.254.169.254/hooks', secret: SECRET, types: ['case.updated'] }] }));
      expect(() => loadWebhooksConfig({ NODE_ENV: 'production', EVENTS_WEBHOOKS_FILE: file })).toThrow(ConfigError);
      expect(() => loadWebhooksConfig({ NODE_ENV: 'production', EVENTS_WEBHOOKS_FILE: file })).toThrow(/consumers\.0 \(metadata\)\.url: 169\.254\.169\.254 is a private/);
      writeFileSync(file, JSON.stringify({ consumers: [{ url: 'https://hooks.example.com/x', secret: 'not-a-secret', types: ['order.shipped'] }] }));
      expect(() => loadWebhooksConfig({ NODE_ENV: 'production', EVENTS_WEBHOOKS_FILE: file })).toThrow(/expected whsec_[\s\S]*types\.0/);
      writeFileSync(file, JSON.stringify({ consumers: [{ url: 'https://hooks.example.com/x', secret: 'whsec_c2hvcnQ=', types: ['order.statusChanged'] }] }));
      expect(() => loadWebhooksConfig({ NODE_ENV: 'production', EVENTS_WEBHOOKS_FILE: file })).toThrow(/expected 24 to 64 random bytes after whsec_, got 5/);
      expect(loadWebhooksConfig({ NODE_ENV: 'production' })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses at connection a name that resolves to a loopback address in production, so nothing reaches the receiver', async () => {
    const r = await receiver();
    try {
      const refused = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('production')('localhost', {}, (err) => resolve(err)));
      expect(refused?.code).toBe('EWEBHOOKADDRESS');
      const consumer: WebhookConsumer = { name: 'x', url: r.url.replace('127.0.0.1', 'localhost'), secret: SECRET, types: ['order.statusChanged'] };
      const event = { specversion: '1.0', id: 'e1', source: 'urn:retail-supergraph:system:erp', type: 'order.statusChanged', subject: 'SO-1', time: new Date().toISOString(), datacontenttype: 'application/json', dataschema: 'urn:x', data: {} } as const;
      const production = webhookAgent('production', 2000);
      await expect(deliverOnce(consumer, event, production, 2000)).rejects.toThrow(/refused to connect to localhost/);
      await production.close();
      expect(r.attempts()).toBe(0);
      // The same call in test mode reaches it: the refusal was the guard's.
      const test = webhookAgent('test', 2000);
      await deliverOnce(consumer, event, test, 2000);
      expect(r.attempts()).toBe(1);
      // A redirect is a failed delivery, never followed.
      const other = await receiver();
      r.status = 307;
      r.location = other.url;
      await expect(deliverOnce(consumer, event, test, 2000)).rejects.toThrow(DeliveryError);
      expect(other.attempts()).toBe(0);
      await test.close();
      await other.close();
    } finally {
      await r.close();
    }
  });
});

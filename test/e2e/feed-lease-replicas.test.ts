/**
 * Three replicas of the order subgraph, each its own process as deployed, on
 * one Redis and one ERP sandbox, with a 2 s feed lease: the ERP is polled by one
 * of them only (counted at the sandbox) while the other two read its recorded
 * polls (what their feed-aware TTLs go by), a leader killed with SIGKILL is
 * replaced within one lease period, and a change made in the ERP after the kill
 * reaches a bus consumer exactly once. Needs Redis: set REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBus, type DomainEvent, type EventBus } from '../../lib/events/bus.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { ORDER_STATUS_TOPIC } from '../../subgraphs/order/src/writes.js';
import { freePort } from '../support/ports.js';
import { deleteNamespace } from '../support/redis-keys.js';

const REDIS_URL = process.env.REDIS_URL;
const REPO = join(import.meta.dirname, '..', '..');
const LEASE_MS = 2_000;
const INTERVAL_MS = 500;
const SUITEQL = 'POST /services/rest/query/v1/suiteql';

interface Replica {
  port: number;
  child: ChildProcess;
  output: string;
}

interface FeedPart {
  name: string;
  details?: { role?: string; leader?: string | null; leaderSince?: string; fencingToken?: number; leaderHealthyForMs?: number };
}

describe.skipIf(!REDIS_URL)('one ERP poller among three order replicas (REDIS_URL)', () => {
  const namespace = `test-lease-e2e-${randomUUID()}`;
  const secret = randomBytes(32).toString('base64url');
  let dataset: RetailDataset;
  let netsuite: NetSuiteSandbox;
  let nsUrl: string;
  let dir: string;
  let redis: RedisClientType;
  let bus: EventBus;
  const replicas: Replica[] = [];
  const received: DomainEvent[] = [];
  const consumer = new AbortController();

  async function start(i: number): Promise<Replica> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'subgraphs', 'order', 'src', 'index.ts')], {
      cwd: REPO,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        REDIS_URL,
        RSG_NAMESPACE: namespace,
        INTERNAL_AUTH_SECRET: secret,
        NETSUITE_BASE_URL: `${nsUrl}/services/rest`,
        ORDER_SUBGRAPH_HOST: '127.0.0.1',
        ORDER_SUBGRAPH_PORT: String(port),
        WRITES_DIR: join(dir, `writes-${i}`),
        FEEDS_DIR: join(dir, `feeds-${i}`),
        ORDER_FEED_INTERVAL_MS: String(INTERVAL_MS),
        ORDER_FEED_OVERLAP_MS: '2000',
        FEED_LEASE_MS: String(LEASE_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r: Replica = { port, child, output: '' };
    child.stdout?.on('data', (d: Buffer) => (r.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (r.output += d.toString()));
    return r;
  }

  async function feedPart(r: Replica): Promise<FeedPart | undefined> {
    const res = await fetch(`http://127.0.0.1:${r.port}/health/ready`).catch(() => undefined);
    if (!res?.ok) return undefined;
    const body = (await res.json()) as { parts: FeedPart[] };
    return body.parts.find((p) => p.name === 'feed:order-status');
  }

  async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`expected ${what} within ${ms} ms\n${replicas.map((r) => r.output.slice(-1500)).join('\n---\n')}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  const roles = async (): Promise<Array<FeedPart | undefined>> => Promise.all(replicas.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? feedPart(r) : undefined)));

  beforeAll(async () => {
    dataset = generateDataset({ seed: 11, customers: 40, asOf: new Date('2026-11-20T00:00:00Z') });
    netsuite = await createNetSuiteSandbox({ dataset });
    nsUrl = await netsuite.listen(0);
    dir = await mkdtemp(join(tmpdir(), 'rsg-feed-lease-'));
    redis = createClient({ url: REDIS_URL }) as RedisClientType;
    redis.on('error', () => undefined);
    await redis.connect();
    bus = await redisBus(redis, { namespace });
    const sub = bus.subscribe(ORDER_STATUS_TOPIC, { signal: consumer.signal });
    void (async () => {
      for await (const e of sub) received.push(e);
    })();
    for (let i = 0; i < 3; i++) replicas.push(await start(i));
    await until('three ready replicas, one leading the ERP feed', 60_000, async () => {
      const parts = await roles();
      return parts.every((p) => p?.details?.role) && parts.filter((p) => p?.details?.role === 'leader').length === 1 ? parts : undefined;
    });
  }, 90_000);

  afterAll(async () => {
    consumer.abort();
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? new Promise((res) => r.child.once('exit', res)) : undefined)));
    await bus?.close();
    if (redis?.isOpen) {
      await deleteNamespace(redis, namespace);
      await redis.quit();
    }
    await netsuite?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('polls the ERP from one replica only: one replica’s worth of SuiteQL calls at the sandbox', async () => {
    await fetch(`${nsUrl}/__sandbox/stats/reset`, { method: 'POST' });
    const windowMs = 6_000;
    await new Promise((res) => setTimeout(res, windowMs));
    const stats = (await (await fetch(`${nsUrl}/__sandbox/stats`)).json()) as { total: number; calls: Record<string, number> };
    const polls = stats.calls[SUITEQL] ?? 0;
    // One poller: a poll every interval at most (the next is timed from the end of the last).
    // Three pollers would make three times that.
    const onePollerAtMost = Math.ceil(windowMs / INTERVAL_MS) + 1;
    expect(polls).toBeGreaterThanOrEqual(Math.floor(onePollerAtMost / 3));
    expect(polls).toBeLessThanOrEqual(onePollerAtMost);
    // Nothing but the feed talks to the ERP here.
    expect(stats.total).toBe(polls);
    const parts = await roles();
    expect(parts.filter((p) => p?.details?.role === 'leader')).toHaveLength(1);
    // The two that do not poll see the leader's recorded polls in force: their feed-aware TTLs go by them.
    const followers = parts.filter((p) => p?.details?.role === 'follower');
    expect(followers).toHaveLength(2);
    for (const f of followers) expect(f?.details?.leaderHealthyForMs).toBeGreaterThan(0);
  }, 30_000);

  it('after SIGKILL of the leader, another replica takes over within one lease period and delivers a change made meanwhile, once', async () => {
    const parts = await roles();
    const leaderIndex = parts.findIndex((p) => p?.details?.role === 'leader');
    const leader = replicas[leaderIndex] as Replica;
    const oldToken = parts[leaderIndex]?.details?.fencingToken as number;
    const order = dataset.netsuite.transactions.find((t) => t.type === 'SalesOrd' && t.status === 'B');
    expect(order).toBeDefined();
    const orderId = order?.tranid as string;

    const exited = new Promise((res) => leader.child.once('exit', res));
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await exited;
    // A change inside the ERP while no replica polls: the next leader must find it from the shared watermark.
    const shipped = await fetch(`${nsUrl}/__sandbox/actions/ship-order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId }) });
    expect(shipped.status).toBe(200);

    const next = await until('a surviving replica to lead', LEASE_MS * 4, async () => (await roles()).find((p) => p?.details?.role === 'leader'));
    const takeoverMs = Date.parse(next.details?.leaderSince as string) - killedAt;
    // The dead leader's lease was last renewed before the kill, so it ran out at most one lease period later;
    // a follower looks again as soon as Redis says it ran out.
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + 300);
    expect(next.details?.fencingToken).toBeGreaterThan(oldToken);

    const mine = (): DomainEvent[] => received.filter((e) => (e.payload as { orderId?: string }).orderId === orderId);
    await until('the shipment to reach the bus consumer', 15_000, async () => (mine().length > 0 ? true : undefined));
    // Several more polls by the new leader, each re-reading the overlap: nothing is delivered twice.
    await new Promise((res) => setTimeout(res, 4 * INTERVAL_MS));
    expect(mine()).toHaveLength(1);
    expect(mine()[0]?.payload).toMatchObject({ orderId, status: 'SHIPPED' });
    const inStream = (await redis.xRange(`${namespace}:events:${ORDER_STATUS_TOPIC}`, '-', '+')).filter((m) => (m.message.event ?? '').includes(`"orderId":"${orderId}"`));
    expect(inStream).toHaveLength(1);
  }, 45_000);
});

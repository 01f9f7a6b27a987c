/**
 * SIGTERM while a write is in flight loses nothing. The graph runs as real
 * processes, as `npm start` runs it (scripts/graph.ts: the gateway and every
 * subgraph in one process) and as it is deployed (the gateway and the order
 * subgraph each in its own), on the local write journal, against sandbox
 * systems of record that outlive them. The ERP is made slow, a client places an
 * order through the gateway, and the process is sent SIGTERM once the ERP has
 * received the create. The client must get APPLIED or QUEUED with a writeId,
 * never an error; after a restart on the same journal, the ERP holds exactly
 * one sales order for it, and the client's retry with the same key answers the
 * same write. When the ERP outlasts the shutdown deadline, the subgraph answers
 * QUEUED just before it exits (lib/server.ts settle, the write coordinator's
 * `release`), and the restart carries the write out through its external id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevIssuer, type DevIssuer } from '../../lib/auth/dev.js';
import { createNetSuiteClient, type NetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { subgraphEntry } from '../../lib/manifest.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { hasCustomerNumber, type RetailDataset } from '../../sandbox/dataset/model.js';
import type { Faults } from '../../sandbox/kit/server.js';
import { createNetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createSalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { salesOrderCount } from '../e2e/order-helpers.js';
import { freePortBase } from '../support/launcher.js';

const REPO = join(import.meta.dirname, '..', '..');
const SALES_ORDER_CREATE = 'POST /services/rest/record/v1/salesOrder';
const PLACE_ORDER = `mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { status writeId order { id } } }`;
const ORDER_WRITE = `query($id: ID!) { orderWrite(writeId: $id) { writeId status attempts } }`;

interface Proc {
  proc: ChildProcess;
  output(): string;
}

interface Answer {
  status: number;
  body: { data?: { placeOrder?: { status: string; writeId: string; order: { id: string } | null } | null; orderWrite?: { writeId: string; status: string } | null } | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

let base: number;
let dataset: RetailDataset;
let issuer: DevIssuer;
let agent: string;
let dir: string;
let erp: NetSuiteClient;
const sandboxes: Array<{ close(): Promise<void> }> = [];
const procs: Proc[] = [];
const nsUrl = (): string => `http://127.0.0.1:${base + 102}`;

/** The settings every process of the graph gets: PORT_BASE places them and their connectors, the journal is the test's. */
function graphEnv(): Record<string, string> {
  // The embedded default: the local journal, whatever REDIS_URL the test run has; no tsx hook of vitest's.
  const { REDIS_URL: _redis, NODE_OPTIONS: _loader, ...inherited } = process.env;
  return {
    ...inherited,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT_BASE: String(base),
    AUTH_JWKS_FILE: join(dir, 'jwks.json'),
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    WRITES_DIR: join(dir, 'writes'),
    FEEDS_DIR: join(dir, 'feeds'),
    // No change feed calls the slow ERP meanwhile: only the write does.
    CUSTOMER_FEED_MODE: 'off',
    ORDER_FEED_ENABLED: 'false',
    FINANCE_FEED_INTERVAL_MS: '600000',
    SERVICE_WEBHOOK_URL: 'off',
    SERVICE_FEED_POLL_MS: '0',
  };
}

let secret = '';

function spawnPart(entry: string, env: Record<string, string>): Proc {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, entry)], { cwd: REPO, env: { ...graphEnv(), INTERNAL_AUTH_SECRET: secret, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const p = { proc, output: () => out };
  procs.push(p);
  return p;
}

async function ready(p: Proc, port: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (p.proc.exitCode !== null) throw new Error(`exited (${p.proc.exitCode}) before it was ready:\n${p.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`not ready on ${port} within 120 s:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function sigterm(p: Proc): Promise<number | null> {
  const exited = once(p.proc, 'exit');
  p.proc.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

async function gql(query: string, variables: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agent}`, 'x-correlation-id': `sigterm-${randomUUID()}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function faults(f: Faults): Promise<void> {
  const res = await fetch(`${nsUrl()}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
  expect(res.ok).toBe(true);
}

async function createsReceived(): Promise<number> {
  const stats = (await (await fetch(`${nsUrl()}/__sandbox/stats`)).json()) as { calls: Record<string, number> };
  return stats.calls[SALES_ORDER_CREATE] ?? 0;
}

/** Resolves once the ERP has received one more sales order create than `before` (counted on arrival, before its latency). */
async function createArrived(before: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await createsReceived()) <= before) {
    if (Date.now() > deadline) throw new Error('the ERP received no sales order create within 60 s');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Customers whose orders the ERP accepts (off credit hold), one per test so that counts stay apart. */
let customers: string[] = [];
let sku = '';

function orderInput(customerId: string) {
  return { customerId, lines: [{ sku, quantity: 1 }], channel: 'AGENT', shipTo: { name: 'Ada Müller', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'us' } };
}

/**
 * Places an order while the ERP takes `latencyMs` per call, sends SIGTERM to `victim` as the create
 * reaches the ERP, and returns what the client got and how the victim exited.
 */
async function placeDuringSigterm(victim: Proc, customerId: string, key: string, latencyMs: number): Promise<{ answer: Answer; exitCode: number | null }> {
  const before = await createsReceived();
  await faults({ latencyMs });
  const answer = gql(PLACE_ORDER, { input: orderInput(customerId), key });
  await createArrived(before);
  const exitCode = await sigterm(victim);
  return { answer: await answer, exitCode };
}

/**
 * After the restart: the write is APPLIED under its id, the retry answers it again, and the ERP holds
 * one order for it. `resumed`: the create was cut off, so the restart sent it again under the same
 * external id, which the ERP answers with the first order if it had committed it.
 */
async function expectExactlyOnce(customerId: string, key: string, writeId: string, ordersBefore: number, createsBefore: number, resumed = false): Promise<void> {
  await faults({});
  let outcome: Answer | undefined;
  for (let i = 0; i < 100; i++) {
    outcome = await gql(ORDER_WRITE, { id: writeId });
    if (outcome.body.data?.orderWrite?.status === 'APPLIED') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(outcome?.body.data?.orderWrite, JSON.stringify(outcome?.body)).toMatchObject({ writeId, status: 'APPLIED' });
  const retry = await gql(PLACE_ORDER, { input: orderInput(customerId), key });
  expect(retry.body.errors).toBeUndefined();
  expect(retry.body.data?.placeOrder).toMatchObject({ status: 'APPLIED', writeId, order: { id: expect.stringMatching(/^SO-/) } });
  expect(await salesOrderCount(erp, customerId)).toBe(ordersBefore + 1);
  const creates = (await createsReceived()) - createsBefore;
  if (resumed) expect(creates).toBeLessThanOrEqual(2);
  else expect(creates).toBe(1);
}

beforeAll(async () => {
  base = await freePortBase();
  dir = mkdtempSync(join(tmpdir(), 'rsg-sigterm-'));
  issuer = await createDevIssuer();
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(issuer.jwks));
  agent = await issuer.token({ sub: 'sigterm-agent', roles: ['agent'] });
  secret = randomBytes(32).toString('base64url');
  dataset = generateDataset({ seed: 42, customers: 300, asOf: new Date('2026-11-20T00:00:00Z') });
  const sf = await createSalesforceSandbox({ dataset });
  const ns = await createNetSuiteSandbox({ dataset });
  const zd = await createZendeskSandbox({ dataset });
  sandboxes.push(sf, ns, zd);
  await sf.listen(base + 101, '127.0.0.1');
  await ns.listen(base + 102, '127.0.0.1');
  await zd.listen(base + 103, '127.0.0.1');
  erp = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${nsUrl()}/services/rest` }), { policy: { retries: 0 } });
  customers = dataset.netsuite.customers.filter(hasCustomerNumber).filter((c) => c.credithold === 'OFF').map((c) => c.externalid).slice(0, 5);
  sku = dataset.netsuite.items.find((i) => i.isinactive === 'F')?.itemid ?? '';
}, 120_000);

afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.proc.exitCode === null && p.proc.signalCode === null) {
      const exited = once(p.proc, 'exit');
      p.proc.kill('SIGKILL');
      await exited;
    }
  }
  await faults({});
});

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  customerId: string;
  /** Starts the process SIGTERM will stop (and, the first time, whatever stays up beside it), ready to serve. */
  start(first: boolean): Promise<Proc>;
  latencyMs: number;
  /** What the client may get. */
  statuses: string[];
  /** How the stopped process exits: 0 when everything closed, 1 past its deadline. */
  exitCode: number;
  /** Whether the create was cut off, so that the restart sends it again (expectExactlyOnce). */
  resumed: boolean;
}

/** Places an order, SIGTERMs `start`'s process as the create reaches the ERP, checks the answer, restarts it, and checks the ERP holds the order once. */
async function sigtermDuringPlaceOrder(sc: Scenario): Promise<void> {
  const key = `sigterm-${randomUUID()}`;
  const victim = await sc.start(true);
  const ordersBefore = await salesOrderCount(erp, sc.customerId);
  const createsBefore = await createsReceived();

  const { answer, exitCode } = await placeDuringSigterm(victim, sc.customerId, key, sc.latencyMs);
  expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
  const placed = answer.body.data?.placeOrder;
  expect(sc.statuses).toContain(placed?.status);
  expect(placed?.writeId).toMatch(/^order:w_/);
  expect(exitCode, victim.output()).toBe(sc.exitCode);

  await sc.start(false);
  await expectExactlyOnce(sc.customerId, key, placed?.writeId as string, ordersBefore, createsBefore, sc.resumed);
}

/** The whole graph in one process, as `npm start` runs it. */
async function startGraph(): Promise<Proc> {
  const graph = spawnPart('scripts/graph.ts', {});
  await ready(graph, base);
  return graph;
}

/** The order subgraph in its own process (with `env`), and the first time a gateway in another. */
function orderBehindGateway(env: Record<string, string>): (first: boolean) => Promise<Proc> {
  return async (first) => {
    const order = spawnPart('subgraphs/order/src/index.ts', env);
    const started = [ready(order, base + subgraphEntry('order').port - 4000)];
    if (first) {
      const gateway = spawnPart('gateway/src/index.ts', {});
      started.push(ready(gateway, base));
    }
    await Promise.all(started);
    return order;
  };
}

describe('SIGTERM during a write', () => {
  it('of the whole graph (npm start’s process): the client gets the outcome, and after a restart the ERP holds the order once', async () => {
    await sigtermDuringPlaceOrder({ customerId: customers[0] as string, start: startGraph, latencyMs: 1500, statuses: ['APPLIED', 'QUEUED'], exitCode: 0, resumed: false });
  }, 240_000);

  it('of the order subgraph behind a gateway of its own: the gateway relays the outcome, and after a restart the ERP holds the order once', async () => {
    await sigtermDuringPlaceOrder({ customerId: customers[1] as string, start: orderBehindGateway({}), latencyMs: 1500, statuses: ['APPLIED', 'QUEUED'], exitCode: 0, resumed: false });
  }, 240_000);

  it('of the order subgraph while the ERP takes longer than the shutdown deadline: the client gets QUEUED, and after a restart the ERP holds the order once', async () => {
    // It cannot close within its deadline (the ERP still holds the create): exit code 1, as documented.
    await sigtermDuringPlaceOrder({
      customerId: customers[2] as string,
      start: orderBehindGateway({ SHUTDOWN_DEADLINE_MS: '3000' }),
      latencyMs: 6000,
      statuses: ['QUEUED'],
      exitCode: 1,
      resumed: true,
    });
  }, 240_000);
});

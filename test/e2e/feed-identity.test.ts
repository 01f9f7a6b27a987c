/**
 * Feed state belongs to the system it was read from. The sandbox regenerates its
 * dataset at every start, so a second run of the product over the same data
 * directory (`npm start` twice, or the README's subscription demo followed twice)
 * meets ERP records whose history the feeds remember from the first run. The
 * feeds tie their state to the ERP's identity (read through SuiteQL at boot), see
 * another one, start afresh, and the same ship-order and pay-invoice announce
 * again, through the gateway, to a real graphql-ws client.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { action, eventually } from './order-helpers.js';

const ORDER_SUBSCRIPTION = /* GraphQL */ `
  subscription Watch($o: ID) {
    orderStatusChanged(orderId: $o) { eventId previousStatus status order { id status } }
  }
`;
const INVOICE_SUBSCRIPTION = /* GraphQL */ `
  subscription Watch($i: ID) {
    invoiceStatusChanged(invoiceId: $i) { eventId status invoice { id status amountDue { amount } } }
  }
`;

interface Watch {
  events: Array<Record<string, unknown>>;
  errors: unknown[];
}

let dataDir: string;
let stack: (Stack & StackCache) | undefined;
const clients: Client[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Several polls of the change feeds (every 150 ms in the test stack). */
const SETTLE_MS = 1200;

function watch(s: Stack, query: string, variables: Record<string, unknown>): Watch {
  const c = createClient({ url: s.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${s.tokens.agent}` }, retryAttempts: 0, lazy: true });
  clients.push(c);
  const w: Watch = { events: [], errors: [] };
  c.subscribe<Record<string, Record<string, unknown>>>(
    { query, variables },
    {
      next: (m) => {
        if (m.errors) w.errors.push(...m.errors);
        const payload = m.data ? Object.values(m.data)[0] : undefined;
        if (payload) w.events.push(payload);
      },
      error: (e) => w.errors.push(e),
      complete: () => undefined,
    },
  );
  return w;
}

/** A booked order and an open invoice of the seeded dataset: the same in every run, since the seed is. */
function fixtures(s: Stack): { orderId: string; invoiceId: string; amount: string } {
  const ns = s.dataset.netsuite;
  const order = ns.transactions.find((t) => t.type === 'SalesOrd' && t.status === 'B');
  const invoice = ns.transactions.find((t) => t.type === 'CustInvc' && t.status === 'A' && Number(t.foreignamountremaining) > 20);
  if (!order || !invoice) throw new Error('the dataset has no booked order or open invoice');
  return { orderId: order.tranid, invoiceId: invoice.tranid, amount: '10.00' };
}

/** One run of the product: the same order shipped and the same invoice paid, as a user following the README would. */
async function run(): Promise<{ order: Watch; invoice: Watch }> {
  stack = await startStack({ dataDir });
  const s = stack;
  const { orderId, invoiceId, amount } = fixtures(s);
  const order = watch(s, ORDER_SUBSCRIPTION, { o: orderId });
  const invoice = watch(s, INVOICE_SUBSCRIPTION, { i: invoiceId });
  await sleep(SETTLE_MS);
  await action(s, 'netsuite', 'ship-order', { orderId });
  await action(s, 'netsuite', 'pay-invoice', { invoiceId, amount });
  // A change in Salesforce too, so that the CDC feed records a replay id of this org.
  await action(s, 'salesforce', 'set-loyalty-tier', { customerId: 'C-000001', tier: 'PLATINUM' });
  await eventually(async () => (order.events.length > 0 && invoice.events.length > 0 ? true : undefined), 10_000, 'the order and invoice events').catch(() => undefined);
  await sleep(SETTLE_MS);
  return { order, invoice };
}

async function stopRun(): Promise<void> {
  await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
  await stack?.close();
  stack = undefined;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rsg-feed-identity-'));
});

afterAll(async () => {
  await stopRun();
  await rm(dataDir, { recursive: true, force: true });
});

describe('feed state across a reset of the ERP', () => {
  it('announces the same ship-order and pay-invoice again after the sandbox restarted over the kept feed state', async () => {
    const first = await run();
    expect(first.order.errors).toEqual([]);
    expect(first.order.events).toEqual([expect.objectContaining({ status: 'SHIPPED' })]);
    expect(first.invoice.events).toHaveLength(1);
    const recorded = JSON.parse(await readFile(join(dataDir, 'feeds', 'order-status.json'), 'utf8')) as { identity?: string; known: Record<string, string> };
    expect(Object.values(recorded.known)).toContain('SHIPPED');
    const cdcFile = join(dataDir, 'feeds', 'customer-cdc.json');
    const cdcFirst = await eventually(async () => {
      const st = JSON.parse(await readFile(cdcFile, 'utf8').catch(() => '{"known":{}}')) as { identity?: string; known: Record<string, string> };
      return Object.keys(st.known).some((k) => k.startsWith('replay:')) ? st : undefined;
    }, 10_000, 'a CDC replay id saved');
    expect(cdcFirst.identity).toMatch(/^salesforce:00D/);
    await stopRun();

    // A second start: a new ERP instance over the same seed, the feed state of the first run kept.
    const second = await run();
    expect(second.order.errors).toEqual([]);
    expect(second.order.events).toEqual([expect.objectContaining({ status: 'SHIPPED', order: expect.objectContaining({ status: 'SHIPPED' }) })]);
    expect(second.invoice.errors).toEqual([]);
    expect(second.invoice.events).toHaveLength(1);
    const now = JSON.parse(await readFile(join(dataDir, 'feeds', 'order-status.json'), 'utf8')) as { identity?: string };
    expect(now.identity).toMatch(/^netsuite:/);
    expect(now.identity).not.toBe(recorded.identity);
    // The restarted Salesforce is another org: the first run's replay ids are not resumed from.
    const cdcSecond = await eventually(async () => {
      const st = JSON.parse(await readFile(cdcFile, 'utf8')) as { identity?: string; known: Record<string, string> };
      return st.identity !== cdcFirst.identity ? st : undefined;
    }, 10_000, 'the CDC state rebound to the new org');
    expect(cdcSecond.identity).toMatch(/^salesforce:00D/);
  }, 90_000);
});

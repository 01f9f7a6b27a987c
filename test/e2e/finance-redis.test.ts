/**
 * The finance subgraph on Redis, as replicas run it: the write queue and its
 * idempotency records, the feed's watermark and the event bus all in Redis, under a
 * key prefix of this run's own. Skipped unless REDIS_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { financeWiring } from '../support/wiring.js';

const REDIS_URL = process.env.REDIS_URL;
const title = REDIS_URL ? 'finance on Redis' : 'finance on Redis (skipped: set REDIS_URL to run)';

let stack: Stack & StackCache;

const UPDATE = /* GraphQL */ `
  mutation U($customerId: ID!, $address: AddressInput!, $key: String) {
    updateBillingAddress(customerId: $customerId, address: $address, idempotencyKey: $key) { status writeId }
  }
`;
const OUTCOME = /* GraphQL */ `query O($id: ID!) { financeWrite(writeId: $id) { status } }`;

describe.skipIf(!REDIS_URL)(title, () => {
  beforeAll(async () => {
    stack = await startStack({ redisUrl: REDIS_URL, cache: { redisUrl: REDIS_URL, namespace: `test-finance-${randomUUID()}` } });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('claims an idempotency key once across concurrent calls, queues while the ERP is down, and applies once after', async () => {
    const key = `k-${randomUUID()}`;
    const vars = { customerId: 'C-000021', address: { line1: '7 Quay St', city: 'Bristol', postalCode: 'BS1 4DJ', country: 'GB' }, key };
    await stack.faults('netsuite', { down: true });
    let writeIds: string[];
    try {
      const answers = await Promise.all([1, 2, 3].map(() => stack.query<{ updateBillingAddress: { status: string; writeId: string } }>(UPDATE, vars, { token: stack.tokens.finance })));
      writeIds = answers.map((a) => a.body.data?.updateBillingAddress.writeId ?? '');
      expect(answers.map((a) => a.body.data?.updateBillingAddress.status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
    } finally {
      await stack.clearFaults();
    }
    expect(new Set(writeIds).size).toBe(1);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const o = await stack.query<{ financeWrite: { status: string } }>(OUTCOME, { id: writeIds[0] }, { token: stack.tokens.finance });
      if (o.body.data?.financeWrite.status === 'APPLIED') break;
      if (Date.now() > deadline) throw new Error('the queued write was not applied');
      await new Promise((r) => setTimeout(r, 100));
    }
    const read = await stack.query<{ customer: { financials: { billingAddress: { line1: string; country: string } } } }>(
      /* GraphQL */ `query F($id: ID!) { customer(id: $id) { financials(maxAgeSeconds: 0) { billingAddress { line1 country } } } }`,
      { id: 'C-000021' },
    );
    expect(read.body.data?.customer.financials.billingAddress).toEqual({ line1: '7 Quay St', country: 'GB' });
  });

  it('publishes invoice changes on the Redis stream and keeps the watermark in Redis across a restart', async () => {
    const invoice = stack.dataset.netsuite.transactions.find((t) => t.type === 'CustInvc' && t.status === 'A' && Number(t.foreignamountremaining) > 5);
    if (!invoice) throw new Error('no open invoice');
    await stack.stopSubgraph('finance');
    await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/actions/pay-invoice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceId: invoice.tranid, amount: '1.00' }),
    });
    // Past the test wiring's 2 s overlap: only the stored watermark finds this payment.
    await new Promise((r) => setTimeout(r, 2500));
    await stack.startSubgraph('finance');
    const mod = financeWiring.current;
    if (!mod?.feed) throw new Error('no feed');
    const events = mod.bus.subscribe<{ invoiceId: string }>('invoice.status', { after: '0-0' });
    await mod.feed.pollOnce();
    const seen: string[] = [];
    for (;;) {
      const next = await Promise.race([events.next(), new Promise<'idle'>((r) => setTimeout(() => r('idle'), 500))]);
      if (next === 'idle' || next.done) break;
      seen.push(next.value.payload.invoiceId);
    }
    await events.return?.();
    expect(seen.filter((id) => id === invoice.tranid)).toHaveLength(1);
  });
});

/**
 * Reads served from the gateway's caches leave their audit records: a hit of
 * the whole-response cache, or an answer assembled from subgraph-response
 * entries, writes the read records the subgraphs wrote when the data was
 * computed (customer, field groups), for the caller served now (subject,
 * roles, correlation id), marked `servedFrom: "gateway-cache"`. Through the
 * gateway, over HTTP subgraphs and in process (the embedded default).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { captureLogLines } from '../support/logs.js';
import { CUSTOMER_360, fetchesSoFar } from './support.js';

const lines = captureLogLines();

/** The same subgraph fetches under another operation: a miss of the whole-response cache, served from entity entries. */
const CUSTOMER_360_AGAIN = CUSTOMER_360.replace('query Customer360(', 'query AgentConsoleView(');

interface AuditLine {
  audit?: boolean;
  action?: string;
  customerId?: string;
  fieldGroups?: string[];
  subject?: string;
  roles?: string[];
  callerCustomerId?: string;
  correlationId?: string;
  servedFrom?: string;
}

/** The read records written for one request. */
function readRecords(correlationId: string): AuditLine[] {
  return lines
    .map((l) => JSON.parse(l) as AuditLine)
    .filter((r) => r.audit === true && r.action === 'read' && r.correlationId === correlationId);
}

/** What the records say was read: `customer/group`, each once, sorted. */
function readPairs(records: readonly AuditLine[]): string[] {
  return [...new Set(records.flatMap((r) => (r.fieldGroups ?? []).map((g) => `${r.customerId}/${g}`)))].sort();
}

for (const layout of ['subgraphs over HTTP', 'subgraphs in process'] as const) {
  describe(`audit of reads served from the gateway's caches (${layout})`, () => {
    let stack: Stack & StackCache;
    let secondAgent: string;
    beforeAll(async () => {
      stack = await startStack({ customers: 40, responseCache: true, inProcess: layout === 'subgraphs in process' });
      secondAgent = await stack.issuer.token({ sub: 'agent-second', roles: ['agent'] });
    }, 60_000);
    afterAll(async () => {
      await stack?.close();
    });

    /** One query: its answer, its read records and the subgraph fetches it cost. */
    async function run(query: string, id: string, token: string): Promise<{ data: unknown; errors: unknown; records: AuditLine[]; fetches: number }> {
      const before = await fetchesSoFar();
      const res = await stack.query(query, { id }, { token });
      const fetches = (await fetchesSoFar()) - before;
      return { data: res.body.data, errors: res.body.errors, records: readRecords(res.correlationId), fetches };
    }

    it('a warm repeat of a customer-360 from the whole-response cache audits the same reads, for the second caller', async () => {
      const cold = await run(CUSTOMER_360, 'C-000005', stack.tokens.agent);
      expect(cold.errors).toBeUndefined();
      expect(cold.records.every((r) => r.subject === 'agent-test' && r.servedFrom === undefined)).toBe(true);
      const groups = readPairs(cold.records);
      expect(groups).toEqual(expect.arrayContaining(['C-000005/identity', 'C-000005/contact', 'C-000005/loyalty', 'C-000005/financials', 'C-000005/orders', 'C-000005/cases']));

      const warm = await run(CUSTOMER_360, 'C-000005', secondAgent);
      expect(warm.fetches).toBe(0);
      expect(warm.data).toEqual(cold.data);
      expect(readPairs(warm.records)).toEqual(groups);
      // One record per customer, the second caller's, marked as served by the gateway.
      expect(warm.records).toHaveLength(1);
      expect(warm.records[0]).toMatchObject({ customerId: 'C-000005', subject: 'agent-second', roles: ['agent'], servedFrom: 'gateway-cache' });
    });

    it('an answer assembled from subgraph-response entries audits the same reads, for the caller served', async () => {
      const cold = await run(CUSTOMER_360, 'C-000006', stack.tokens.agent);
      expect(cold.errors).toBeUndefined();
      const other = await run(CUSTOMER_360_AGAIN, 'C-000006', secondAgent);
      expect(other.errors).toBeUndefined();
      expect(other.fetches).toBe(0);
      expect(other.data).toEqual(cold.data);
      expect(readPairs(other.records)).toEqual(readPairs(cold.records));
      expect(other.records).toHaveLength(1);
      expect(other.records[0]).toMatchObject({ customerId: 'C-000006', subject: 'agent-second', roles: ['agent'], servedFrom: 'gateway-cache' });
    });

    it("a customer's entity entry served under another root audits that customer's reads only", async () => {
      // A customer with an order: its balance, cached by the customer-360, is then reached through the order.
      let id = '';
      let orderId: string | undefined;
      for (let n = 7; n < 20 && orderId === undefined; n += 1) {
        id = `C-${String(n).padStart(6, '0')}`;
        const cold = await run(CUSTOMER_360, id, stack.tokens.agent);
        expect(cold.errors).toBeUndefined();
        orderId = (cold.data as { customer: { orders: { nodes: Array<{ id: string }> } } }).customer.orders.nodes[0]?.id;
      }
      expect(orderId).toBeDefined();
      const res = await stack.query(
        `query OrderBalance($o: ID!) { order(id: $o) { id customer { id financials { balance { amount currency } creditHold } } } }`,
        { o: orderId },
        { token: secondAgent },
      );
      expect(res.body.errors).toBeUndefined();
      expect(readRecords(res.correlationId)).toEqual([
        expect.objectContaining({ customerId: id, fieldGroups: ['financials'], subject: 'agent-second', servedFrom: 'gateway-cache' }),
      ]);
    });

    it('a storefront hit audits the storefront caller', async () => {
      const own = stack.tokens.storefront.customerId;
      const cold = await run(CUSTOMER_360, own, stack.tokens.storefront.token);
      expect(cold.errors).toBeUndefined();
      expect(cold.records.length).toBeGreaterThan(0);
      const warm = await run(CUSTOMER_360, own, stack.tokens.storefront.token);
      expect(warm.fetches).toBe(0);
      expect(readPairs(warm.records)).toEqual(readPairs(cold.records));
      expect(warm.records).toEqual([
        expect.objectContaining({ customerId: own, subject: own, roles: ['storefront'], callerCustomerId: own, servedFrom: 'gateway-cache' }),
      ]);
    });
  });
}

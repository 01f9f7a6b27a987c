/**
 * What the order end-to-end tests share: sandbox actions, counting write calls,
 * reading the ERP behind the graph's back, picking suitable data, and waiting.
 */
import { createNetSuiteClient, suiteqlString, type NetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { hasCustomerNumber, type LinkedNsCustomer, type NsItem } from '../../sandbox/dataset/model.js';
import type { CallStats, Stack, SystemName } from '../support/stack.js';

/** Performs a change inside a sandbox system, as its own users would. */
export async function action(stack: Stack, system: SystemName, name: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.sandboxUrls[system]}/__sandbox/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`sandbox ${system} action ${name}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Calls that change something: POST, PATCH, PUT and DELETE, except reads sent as POST (SuiteQL) and token requests. */
export function writeCalls(stats: CallStats): number {
  return Object.entries(stats.calls)
    .filter(([route]) => /^(POST|PATCH|PUT|DELETE) /.test(route) && !route.includes('/query/v1/suiteql') && !route.includes('oauth2/token'))
    .reduce((n, [, c]) => n + c, 0);
}

/** Write calls at every system for one correlation id. */
export async function writesEverywhere(stack: Stack, correlationId: string): Promise<Record<SystemName, number>> {
  const all = await stack.allStats(correlationId);
  return { salesforce: writeCalls(all.salesforce), netsuite: writeCalls(all.netsuite), zendesk: writeCalls(all.zendesk) };
}

/** A NetSuite client of the test's own, to count records behind the graph's back. */
export function erpClient(stack: Stack): NetSuiteClient {
  return createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${stack.sandboxUrls.netsuite}/services/rest` }), { policy: { retries: 0 } });
}

/** How many sales orders the ERP holds for a customer. */
export async function salesOrderCount(erp: NetSuiteClient, customerId: string): Promise<number> {
  const r = await erp.suiteql(
    `SELECT COUNT(*) AS n FROM transaction t JOIN customer c ON c.id = t.entity WHERE t.type = 'SalesOrd' AND c.externalid = ${suiteqlString(customerId)}`,
  );
  return Number(r.items[0]?.n ?? 0);
}

/** Customers whose orders the ERP accepts: off credit hold, explicitly or with no limit to exceed. */
export function orderableCustomers(stack: Stack): LinkedNsCustomer[] {
  return stack.dataset.netsuite.customers.filter(hasCustomerNumber).filter((c) => c.credithold === 'OFF' || (c.credithold === 'AUTO' && c.creditlimit === null));
}

export function activeItems(stack: Stack): NsItem[] {
  return stack.dataset.netsuite.items.filter((i) => i.isinactive === 'F');
}

/** Polls `check` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 8000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const PLACE_ORDER = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!, $key: String!) {
    placeOrder(input: $input, idempotencyKey: $key) {
      status
      writeId
      order { id status channel version customer { id } lines { lineNumber sku quantity quantityShipped } }
    }
  }
`;

export interface PlaceOrderResult {
  placeOrder: {
    status: string;
    writeId: string;
    order: { id: string; status: string; channel: string; version: string | null; customer: { id: string }; lines: Array<{ lineNumber: number; sku: string; quantity: number; quantityShipped: number }> } | null;
  };
}

export const ORDER_WRITE = /* GraphQL */ `
  query Outcome($id: ID!) {
    orderWrite(writeId: $id) { writeId status system attempts lastError { code message } createdAt updatedAt }
  }
`;

export interface OrderWriteResultOut {
  orderWrite: { writeId: string; status: string; system: string; attempts: number; lastError: { code: string; message: string } | null } | null;
}

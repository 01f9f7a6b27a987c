/**
 * The series an operator alerts on (docs/operations.md, "Metrics and alerts"),
 * after a customer-360 through the test stack: the gateway's operation and
 * subgraph-fetch histograms, every system of record's call histogram by route
 * template (never an id), the breakers, the write queues and the feeds. And
 * /metrics is not public: without METRICS_TOKEN it answers only this host, with
 * it only a scrape that carries it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { sample, samples, scrape } from '../support/metrics.js';
import { serveMetrics } from '../../lib/metrics.js';
import { routeTemplate } from '../../lib/http.js';
import { knownOperationNames } from '../../gateway/src/metrics.js';

const CUSTOMER_360 = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'operations', 'AgentCustomer360.graphql'), 'utf8');
const originOf = (url: string): string => new URL(url).origin;

describe('operator metrics after a customer-360', () => {
  let stack: Stack;
  let text: string;
  let before: string;

  beforeAll(async () => {
    stack = await startStack({ customers: 30 });
    before = (await scrape(originOf(stack.gatewayUrl))).text;
    const res = await stack.query(CUSTOMER_360, { id: 'C-000004' });
    expect(res.body.errors).toBeUndefined();
    // A client's own operation name, which no one listed.
    const odd = await stack.query('query Zz9TotallyNewName($id: ID!) { customer(id: $id) { id name } }', { id: 'C-000004' });
    expect(odd.body.errors).toBeUndefined();
    // The same operation asking for more orders than a page holds: BAD_USER_INPUT on that field.
    const refused = await stack.query(CUSTOMER_360, { id: 'C-000004', orders: 101 });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    text = (await scrape(originOf(stack.gatewayUrl))).text;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const count = (page: string, name: string, labels: Record<string, string>): number => sample(page, `${name}_count`, labels) ?? 0;

  it('times the operation under its known name and outcome, and a name nobody listed under `other`', () => {
    const labels = { operation: 'AgentCustomer360', type: 'query', outcome: 'ok' };
    expect(count(text, 'rsg_gateway_operation_duration_seconds', labels) - count(before, 'rsg_gateway_operation_duration_seconds', labels)).toBe(1);
    expect(sample(text, 'rsg_gateway_operation_duration_seconds_sum', labels)).toBeGreaterThan(0);
    expect(count(text, 'rsg_gateway_operation_duration_seconds', { operation: 'other', type: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('Zz9TotallyNewName');
    const refused = { operation: 'AgentCustomer360', type: 'query', outcome: 'BAD_USER_INPUT' };
    expect(count(text, 'rsg_gateway_operation_duration_seconds', refused) - count(before, 'rsg_gateway_operation_duration_seconds', refused)).toBe(1);
  });

  it('times the fetches from every subgraph the customer-360 reached', () => {
    for (const subgraph of ['customer', 'order', 'finance', 'service']) {
      expect(count(text, 'rsg_gateway_subgraph_fetch_duration_seconds', { subgraph, outcome: 'ok' }), subgraph).toBeGreaterThan(count(before, 'rsg_gateway_subgraph_fetch_duration_seconds', { subgraph, outcome: 'ok' }));
    }
  });

  it('times the calls to every system of record by route template, and counts their attempts by status, with no id in a route', () => {
    const calls = samples(text).filter((s) => s.name === 'rsg_upstream_call_duration_seconds_count');
    for (const system of ['SALESFORCE', 'ERP', 'SERVICE_DESK']) {
      const ok = calls.filter((s) => s.labels.system === system && s.labels.outcome === 'ok');
      expect(ok.reduce((n, s) => n + s.value, 0), system).toBeGreaterThan(0);
    }
    const routes = samples(text).filter((s) => s.name.startsWith('rsg_upstream_')).map((s) => s.labels.route as string);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of new Set(routes)) {
      expect(route).not.toMatch(/C-\d|\?|SO-\d|INV-\d|\bhttps?:/);
      // Digits only in a version segment (v1, v2, v62.0).
      expect(route.replace(/\/v\d+(\.\d+)?(?=\/|$)/g, '')).not.toMatch(/\d/);
    }
    expect(routes).toContain('POST /services/rest/query/v1/suiteql');
    const attempts = samples(text).filter((s) => s.name === 'rsg_upstream_attempts_total' && s.labels.system === 'ERP' && s.labels.status === '200');
    expect(attempts.reduce((n, s) => n + s.value, 0)).toBeGreaterThan(0);
  });

  it('reports each breaker closed, each write queue empty and each feed caught up', () => {
    for (const system of ['SALESFORCE', 'ERP', 'SERVICE_DESK']) expect(sample(text, 'rsg_breaker_state', { system }), system).toBe(0);
    for (const [subgraph, system] of [['customer', 'SALESFORCE'], ['order', 'ERP'], ['finance', 'ERP'], ['service', 'SERVICE_DESK']] as const) {
      expect(sample(text, 'rsg_write_queue_depth', { subgraph, system }), subgraph).toBe(0);
      expect(sample(text, 'rsg_write_dead_letters', { subgraph, system }), subgraph).toBe(0);
    }
    const lags = samples(text).filter((s) => s.name === 'rsg_feed_lag_seconds');
    expect(lags.map((s) => s.labels.feed)).toContain('order-status');
    for (const lag of lags) expect(lag.value, lag.labels.feed).toBeLessThan(60);
  });
});

describe('route templates', () => {
  it('are the method and the path as traces template it: ids, record numbers and external ids as {id}, no query', () => {
    expect(routeTemplate('GET', 'https://x.example/api/v2/tickets/123.json?include=users')).toBe('GET /api/v2/tickets/{id}.json');
    expect(routeTemplate('PUT', 'http://h/services/rest/record/v1/customer/eid:C-000042')).toBe('PUT /services/rest/record/v1/customer/{id}');
    expect(routeTemplate('PATCH', '/sobjects/Account/Customer_Number__c/C-000042')).toBe('PATCH /sobjects/Account/Customer_Number__c/{id}');
    expect(routeTemplate('GET', 'https://na1.example/services/data/v62.0/query?q=SELECT+Id')).toBe('GET /services/data/{version}/query');
  });
});

describe('known operation names', () => {
  it('are the example operations and METRICS_OPERATION_NAMES, and a named folder must exist', () => {
    const known = knownOperationNames({ METRICS_OPERATION_NAMES: 'MyStorefrontHome, CheckoutSummary' });
    expect([...known].sort()).toEqual(['AgentCustomer360', 'CheckoutSummary', 'LwcAccountCard', 'MyStorefrontHome', 'StorefrontMyOrders', 'StorefrontTrackOrder']);
    expect(() => knownOperationNames({ METRICS_OPERATIONS_DIR: 'no/such/folder' })).toThrow(/METRICS_OPERATIONS_DIR/);
    expect(() => knownOperationNames({ METRICS_OPERATION_NAMES: 'not a name' })).toThrow(/METRICS_OPERATION_NAMES/);
  });
});

describe('who may scrape /metrics', () => {
  const servers: Server[] = [];
  const listen = async (token: string | undefined, host: string): Promise<number> => {
    const app = express();
    serveMetrics(app, '/metrics', token);
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('with METRICS_TOKEN, refuses a scrape without it or with another, and serves one that carries it', async () => {
    const token = 'a-metrics-token-of-some-length';
    const port = await listen(token, '127.0.0.1');
    const origin = `http://127.0.0.1:${port}`;
    const anonymous = await fetch(`${origin}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toContain('rsg_');
    expect((await scrape(origin, '/metrics', 'a-metrics-token-of-some-lengtX')).status).toBe(401);
    const authorised = await scrape(origin, '/metrics', token);
    expect(authorised.status).toBe(200);
    expect(authorised.text).toContain('process_cpu_user_seconds_total');
  });

  it('without it, answers this host and refuses a request from another address', async (ctx) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    const port = await listen(undefined, '0.0.0.0');
    expect((await scrape(`http://127.0.0.1:${port}`)).status).toBe(200);
    if (!external) {
      ctx.skip();
      return;
    }
    // A connection to the machine's own non-loopback address comes from that address, as another host's would.
    const refused = await scrape(`http://${external}:${port}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/METRICS_TOKEN/);
    expect(refused.text).not.toContain('rsg_');
  });
});

/**
 * Prometheus metrics over HTTP (lib/metrics.ts): the gateway and every subgraph
 * serve the process's registry at /metrics to a scraper on the same host without credentials, and the counters
 * move as requests go through. The stack runs every service in this one process,
 * so each origin serves the same registry; values are compared before and after.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { ConfigError, loadMetricsConfig } from '../../lib/config.js';
import { serveMetrics } from '../../lib/metrics.js';
import { sample, scrape } from '../support/metrics.js';

const NAME_ONLY = /* GraphQL */ `
  query Name($id: ID!) {
    customer(id: $id) { id name }
  }
`;

const originOf = (url: string): string => new URL(url).origin;

describe('metrics through the stack', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    stack = await startStack({ customers: 30, cache: {} });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a subgraph serves the entity cache counters: a first read is a miss, its repeat a hit with no Salesforce call', async () => {
    const origin = originOf(stack.subgraphUrls.customer);
    const lookups = (text: string, result: string): number | undefined =>
      sample(text, 'rsg_cache_lookups_total', { kind: 'customer/Customer', result });

    const before = await scrape(origin);
    expect(before.status).toBe(200);
    expect(before.contentType).toBe(register.contentType);
    // Nothing has read a customer in this process yet.
    expect(lookups(before.text, 'miss')).toBeUndefined();
    expect(lookups(before.text, 'hit')).toBeUndefined();

    const first = await stack.query(NAME_ONLY, { id: 'C-000007' });
    expect(first.body.errors).toBeUndefined();
    expect((await stack.stats('salesforce', first.correlationId)).total).toBeGreaterThan(0);
    const afterFirst = (await scrape(origin)).text;
    expect(lookups(afterFirst, 'miss')).toBe(1);
    expect(lookups(afterFirst, 'hit')).toBeUndefined();

    const repeat = await stack.query(NAME_ONLY, { id: 'C-000007' });
    expect(repeat.body).toEqual(first.body);
    expect((await stack.stats('salesforce', repeat.correlationId)).total).toBe(0);
    const afterRepeat = (await scrape(origin)).text;
    expect(lookups(afterRepeat, 'miss')).toBe(1);
    expect(lookups(afterRepeat, 'hit')).toBe(1);
  });

  it('every subgraph serves it, without the signed caller header its /graphql requires', async () => {
    for (const url of Object.values(stack.subgraphUrls)) {
      const page = await scrape(originOf(url));
      expect(page.status).toBe(200);
      expect(page.text).toContain('# TYPE rsg_cache_lookups_total counter');
      const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(unsigned.status).toBe(401);
    }
  });

  it('the gateway serves its counter of subgraph fetches, without a token', async () => {
    const origin = originOf(stack.gatewayUrl);
    const fetches = (text: string, subgraph: string): number => sample(text, 'rsg_gateway_subgraph_fetches_total', { subgraph }) ?? 0;
    const before = await scrape(origin);
    expect(before.status).toBe(200);
    expect(before.contentType).toBe(register.contentType);

    const res = await stack.query(NAME_ONLY, { id: 'C-000008' });
    expect(res.body.errors).toBeUndefined();
    const after = (await scrape(origin)).text;
    // The name is the customer subgraph's alone: one fetch there, none elsewhere.
    expect(fetches(after, 'customer') - fetches(before.text, 'customer')).toBe(1);
    for (const other of ['order', 'finance', 'service']) expect(fetches(after, other)).toBe(fetches(before.text, other));
  });

  it('each subgraph counts the operations it executed, so fetches compare whichever gateway made them', async () => {
    const origin = originOf(stack.subgraphUrls.customer);
    const executed = (text: string, subgraph: string): number => sample(text, 'rsg_subgraph_requests_total', { subgraph }) ?? 0;
    const before = (await scrape(origin)).text;
    const res = await stack.query(NAME_ONLY, { id: 'C-000009' });
    expect(res.body.errors).toBeUndefined();
    const after = (await scrape(origin)).text;
    expect(executed(after, 'customer') - executed(before, 'customer')).toBe(1);
    for (const other of ['order', 'finance', 'service']) expect(executed(after, other)).toBe(executed(before, other));
    // A request refused before Apollo runs (no signed caller) executed nothing.
    await fetch(stack.subgraphUrls.customer, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(executed((await scrape(origin)).text, 'customer')).toBe(executed(after, 'customer'));
  });

  it('registers the process metrics once although five services share the process', async () => {
    const { text } = await scrape(originOf(stack.gatewayUrl));
    expect(text.match(/^# TYPE process_cpu_user_seconds_total counter$/gm)).toHaveLength(1);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'process_start_time_seconds')).toBeGreaterThan(1_600_000_000);
  });
});

describe('METRICS_PATH', () => {
  it('defaults to /metrics, takes another path, and `off` for none', () => {
    expect(loadMetricsConfig({})).toEqual({ path: '/metrics' });
    expect(loadMetricsConfig({ METRICS_PATH: '/internal/metrics' })).toEqual({ path: '/internal/metrics' });
    expect(loadMetricsConfig({ METRICS_PATH: 'off' })).toEqual({ path: false });
  });

  it('refuses a path under /graphql, the health check, an empty value and a relative path, naming the variable', () => {
    for (const bad of ['/graphql', '/graphql/metrics', '/health', '/health/ready', '/health/live', '', 'metrics', '/metrics/', '/a b', '/../metrics']) {
      expect(() => loadMetricsConfig({ METRICS_PATH: bad })).toThrow(ConfigError);
      expect(() => loadMetricsConfig({ METRICS_PATH: bad })).toThrow(/METRICS_PATH=/);
    }
    expect(() => loadMetricsConfig({ METRICS_PATH: '/graphql/metrics' })).toThrow(/must not be under \/graphql/);
  });

  describe('serveMetrics on an app', () => {
    const servers: Server[] = [];
    const listen = async (path: string | false): Promise<string> => {
      const app = express();
      serveMetrics(app, path);
      const server = createServer(app);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const addr = server.address();
      return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    };
    afterAll(async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    });

    it('serves the registry at the path it is given, and nothing when given false', async () => {
      const custom = await listen('/internal/metrics');
      expect((await scrape(custom, '/internal/metrics')).status).toBe(200);
      expect((await scrape(custom, '/metrics')).status).toBe(404);
      const off = await listen(false);
      expect((await scrape(off, '/metrics')).status).toBe(404);
    });

    it('refuses a path under /graphql given in code', () => {
      expect(() => serveMetrics(express(), '/graphql/metrics')).toThrow(ConfigError);
    });
  });
});

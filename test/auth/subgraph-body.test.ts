/**
 * What a subgraph answers to a request body it cannot read: a coded JSON
 * GraphQL error with the right status, never Express's HTML error page (which
 * names files on the server and, outside production, prints the stack). The
 * same holds on a route a subgraph mounts beside /graphql, such as a webhook.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningService, type SubgraphModule } from '../../lib/subgraph.js';
import { signedHeaders, TEST_TRUST } from '../support/auth.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])
type Customer @key(fields: "id") { id: ID! }
type Query { customer(id: ID!): Customer }
`;

let dir: string;
let service: RunningService;
let webhookCalls = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rsg-subgraph-body-'));
  const schemaFile = join(dir, 'schema.graphql');
  writeFileSync(schemaFile, SDL);
  const mod: SubgraphModule<Record<string, never>> = {
    name: 'customer',
    schemaFile,
    resolvers: { Query: { customer: (_p: unknown, args: { id: string }) => ({ id: args.id }) } },
    createContext: () => ({}),
    routes(app) {
      app.post('/webhooks/test', express.json({ limit: '1kb' }), (_req, res) => {
        webhookCalls += 1;
        res.status(204).end();
      });
    },
  };
  service = await serveSubgraph(mod, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST, production: false });
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const url = service.url.replace(/\/graphql$/, path);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
}

function expectCoded(r: { status: number; contentType: string; text: string }, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.contentType).toMatch(/application\/json/);
  expect(r.text).not.toMatch(/<html|<pre>|\bat .*\.(js|ts):\d+|\/work\/|node_modules/i);
  const body = JSON.parse(r.text) as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> };
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.extensions?.code).toBe(code);
  expect(Object.keys(body.errors?.[0]?.extensions ?? {})).not.toContain('stacktrace');
}

describe('a body a subgraph cannot read', () => {
  it('malformed JSON → 400 BAD_USER_INPUT', async () => {
    expectCoded(await post('/graphql', '{"query": '), 400, 'BAD_USER_INPUT');
  });

  it('more than 1 MB → 413 QUERY_TOO_COMPLEX (bodySize)', async () => {
    const r = await post('/graphql', JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` }));
    expectCoded(r, 413, 'QUERY_TOO_COMPLEX');
    expect(JSON.parse(r.text)).toMatchObject({ errors: [{ extensions: { limit: 'bodySize', max: '1mb' } }] });
  });

  it('a gzip body that does not inflate → 400 BAD_USER_INPUT', async () => {
    const broken = gzipSync(Buffer.from(JSON.stringify({ query: '{ __typename }' }))).subarray(0, 12);
    expectCoded(await post('/graphql', broken, { 'content-encoding': 'gzip' }), 400, 'BAD_USER_INPUT');
  });

  it('an unknown Content-Encoding → 415 BAD_USER_INPUT', async () => {
    expectCoded(await post('/graphql', '{}', { 'content-encoding': 'x-made-up' }), 415, 'BAD_USER_INPUT');
  });

  it('an unknown charset → 415 BAD_USER_INPUT', async () => {
    expectCoded(await post('/graphql', '{}', { 'content-type': 'application/json; charset=x-made-up' }), 415, 'BAD_USER_INPUT');
  });

  it('a well-formed gzip body is still served', async () => {
    const request = { query: '{ customer(id: "C-000001") { id } }' };
    const r = await post('/graphql', gzipSync(Buffer.from(JSON.stringify(request))), {
      'content-encoding': 'gzip',
      ...signedHeaders(`c-${randomUUID()}`, 'customer', request),
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ data: { customer: { id: 'C-000001' } } });
  });

  it('an answer carries no ETag and no cache-control (the gateway revalidates nothing and no schema gives hints)', async () => {
    const request = JSON.stringify({ query: '{ customer(id: "C-000001") { id } }' });
    const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(`c-${randomUUID()}`, 'customer', request) }, body: request });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('cache-control')).toBeNull();
    expect(await res.json()).toMatchObject({ data: { customer: { id: 'C-000001' } } });
  });

  it("on a route the subgraph mounts (a webhook), the same coded errors; the route's handler is not reached", async () => {
    expectCoded(await post('/webhooks/test', '{"ticket": '), 400, 'BAD_USER_INPUT');
    expectCoded(await post('/webhooks/test', JSON.stringify({ body: 'x'.repeat(2_000) })), 413, 'QUERY_TOO_COMPLEX');
    expect(webhookCalls).toBe(0);
    expect((await post('/webhooks/test', '{}')).status).toBe(204);
  });

  it('an unknown route → 404 in JSON', async () => {
    const r = await post('/nowhere', '{}');
    expectCoded(r, 404, 'NOT_FOUND');
  });
});

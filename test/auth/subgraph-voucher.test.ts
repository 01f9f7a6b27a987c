/**
 * A subgraph's in-process entry and the gateway's voucher (lib/auth/internal.ts,
 * `vouchCaller`): a request that carries one is served with no signature and no
 * nonce; one without a valid voucher is verified by its header, as over HTTP;
 * and the HTTP route never takes a voucher, whatever its request object carries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveSubgraph, type ServedSubgraph, type SubgraphModule } from '../../lib/subgraph.js';
import { makeCaller, memoryNonceStore, vouchCaller, type Caller, type CallerVoucher, type NonceStore } from '../../lib/auth/index.js';
import { signedHeaders, TEST_TRUST } from '../support/auth.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])
type Customer @key(fields: "id") { id: ID! }
type Query { me: String }
`;

const storefront = makeCaller({ subject: 'user-9', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
const QUERY = JSON.stringify({ query: '{ me }' });

let dir: string;
let service: ServedSubgraph;
/** Every nonce the subgraph claimed: the cost of a signed header that a voucher does not have. */
const claimed: string[] = [];
/** The caller each request's context was created with. */
const callers: Caller[] = [];
/** A voucher a middleware in front of /graphql attaches to an HTTP request, as if it could travel with one. */
let smuggled: CallerVoucher | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rsg-subgraph-voucher-'));
  const schemaFile = join(dir, 'schema.graphql');
  writeFileSync(schemaFile, SDL);
  const memory = memoryNonceStore();
  const nonces: NonceStore = {
    claim(nonce, expiresAtMs, nowMs) {
      claimed.push(nonce);
      return memory.claim(nonce, expiresAtMs, nowMs);
    },
  };
  const mod: SubgraphModule<{ caller: Caller }> = {
    name: 'customer',
    schemaFile,
    resolvers: { Query: { me: (_p: unknown, _a: unknown, ctx: { caller: Caller }) => ctx.caller.customerId ?? ctx.caller.subject } },
    createContext: ({ caller }) => {
      callers.push(caller);
      return { caller };
    },
    routes(app: express.Express) {
      app.use('/graphql', (req, _res, next) => {
        if (smuggled) Object.assign(req, { voucher: smuggled });
        next();
      });
    },
  };
  service = await serveSubgraph(mod, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST, production: false, nonces, metricsPath: false });
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  claimed.length = 0;
  callers.length = 0;
  smuggled = undefined;
});

const vouch = (correlationId: string, audience = 'customer', caller: Caller = storefront) => vouchCaller(caller, { trust: TEST_TRUST, correlationId, audience });
const local = (correlationId: string, voucher?: CallerVoucher, headers: Record<string, string> = {}) =>
  service.local.fetch({ headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...headers }, body: QUERY, voucher });
const dataOf = (body: string) => JSON.parse(body) as { data?: { me: string | null }; errors?: Array<{ extensions?: { code?: string } }> };

describe('the in-process entry with a voucher', () => {
  it('serves the vouched caller, with its customer scope, and claims no nonce', async () => {
    const answer = await local('cid-v1', vouch('cid-v1'));
    expect(answer.status).toBe(200);
    expect(dataOf(answer.body).data).toEqual({ me: 'C-000001' });
    expect(callers).toEqual([storefront]);
    expect(claimed).toEqual([]);
  });

  it('refuses the same voucher a second time', async () => {
    const voucher = vouch('cid-v2');
    expect((await local('cid-v2', voucher)).status).toBe(200);
    const replay = await local('cid-v2', voucher);
    expect(replay.status).toBe(401);
    expect(dataOf(replay.body).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(callers).toHaveLength(1);
  });

  it('refuses a voucher for another subgraph, for another request, or a lookalike', async () => {
    const wrong: unknown[] = [vouch('cid-v3', 'order'), vouch('cid-other'), { caller: storefront, audience: 'customer', correlationId: 'cid-v3' }];
    for (const voucher of wrong) expect((await local('cid-v3', voucher as CallerVoucher)).status).toBe(401);
    expect(callers).toEqual([]);
  });

  it('without a valid voucher, falls back to the signed header, nonce and all', async () => {
    const signed = signedHeaders('cid-v4', 'customer', QUERY);
    const viaHeader = await local('cid-v4', vouch('cid-v4', 'order'), signed);
    expect(viaHeader.status).toBe(200);
    expect(claimed).toHaveLength(1);
    // The header is spent like any other: neither it nor an invalid voucher gets a second request in.
    expect((await local('cid-v4', undefined, signed)).status).toBe(401);
    expect((await local('cid-v4')).status).toBe(401);
  });
});

describe('the HTTP route', () => {
  it('ignores a voucher, even one attached to its request object, and does not spend it', async () => {
    const voucher = vouch('cid-h1');
    smuggled = voucher;
    const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-correlation-id': 'cid-h1' }, body: QUERY });
    expect(res.status).toBe(401);
    expect(callers).toEqual([]);
    smuggled = undefined;
    // Still good in process: the HTTP route did not look at it.
    expect((await local('cid-h1', voucher)).status).toBe(200);
  });
});

/**
 * The subgraph bootstrap's side of identity: it hands the verified caller to
 * createContext, refuses what the gateway did not sign, and writes the audit
 * trail for reads of personal data and for every write, with identifiers only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

import { serveSubgraph, type RequestInfo, type RunningService, type SubgraphModule } from '../../lib/subgraph.js';
import { badInput } from '../../lib/errors.js';
import { makeCaller, type Caller } from '../../lib/auth/index.js';
import { signedHeaders, TEST_TRUST } from '../support/auth.js';
import { captureLogLines } from '../support/logs.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])
type Customer @key(fields: "id") { id: ID! name: String email: String segment: String }
type Query { customer(id: ID!): Customer whoami: String }
input EngagementInput { email: String }
type Mutation { updateCustomerEngagement(id: ID!, input: EngagementInput!): Customer cancelOrder(id: ID!, reason: String!): Boolean }
`;

interface Ctx {
  caller: Caller;
}

const lines: string[] = [];
let dir: string;
let service: RunningService;
const seen: RequestInfo[] = [];

beforeAll(async () => {
  captureLogLines(lines);
  dir = mkdtempSync(join(tmpdir(), 'rsg-subgraph-'));
  const schemaFile = join(dir, 'schema.graphql');
  writeFileSync(schemaFile, SDL);
  const mod: SubgraphModule<Ctx> = {
    name: 'customer',
    schemaFile,
    resolvers: {
      Query: {
        customer: (_p: unknown, args: { id: string }) => ({ id: args.id, name: 'Ada Lovelace', email: 'ada@example.com', segment: 'CONSUMER' }),
        whoami: (_p: unknown, _a: unknown, ctx: Ctx) => `${ctx.caller.subject}:${ctx.caller.roles.join(',')}:${ctx.caller.customerId ?? ''}`,
      },
      Mutation: {
        updateCustomerEngagement: (_p: unknown, args: { id: string; input: { email: string } }) => ({ id: args.id, name: 'Ada Lovelace', email: args.input.email }),
        cancelOrder: () => {
          throw badInput('expected a reason of at least 3 characters');
        },
      },
    },
    createContext(req) {
      seen.push(req);
      return { caller: req.caller };
    },
  };
  service = await serveSubgraph(mod, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function gql(query: string, headers: Record<string, string>) {
  const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> } };
}

const auditsFor = (cid: string) =>
  lines
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.audit === true && r.correlationId === cid);

describe('the subgraph bootstrap', () => {
  it('gives createContext the caller the gateway signed', async () => {
    const storefront = makeCaller({ subject: 'user-1', roles: ['storefront'], customerId: 'C-000007', via: 'token' });
    const res = await gql('{ whoami }', signedHeaders(`c-${randomUUID()}`, 'customer', { query: '{ whoami }' }, storefront));
    expect(res.body.data).toEqual({ whoami: 'user-1:storefront:C-000007' });
    expect(seen.at(-1)?.caller).toEqual(storefront);
  });

  it('refuses an unsigned request before creating a context', async () => {
    const before = seen.length;
    const res = await gql('{ whoami }', { 'x-correlation-id': 'c-unsigned' });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(seen.length).toBe(before);
  });

  it('audits a read of personal data once per customer, naming the field groups', async () => {
    const cid = `c-${randomUUID()}`;
    await gql('{ a: customer(id: "C-000001") { name email segment } b: customer(id: "C-000001") { name } c: customer(id: "C-000002") { id segment } }', signedHeaders(cid, 'customer', { query: '{ a: customer(id: "C-000001") { name email segment } b: customer(id: "C-000001") { name } c: customer(id: "C-000002") { id segment } }' }));
    const audits = auditsFor(cid);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'read', customerId: 'C-000001', fieldGroups: ['contact', 'identity'], subject: 'test-agent', roles: ['agent'] });
  });

  it('audits every write with its outcome, with ids and never the values written', async () => {
    const cid = `c-${randomUUID()}`;
    await gql('mutation { updateCustomerEngagement(id: "C-000003", input: { email: "new.address@example.com" }) { id } }', signedHeaders(cid, 'customer', { query: 'mutation { updateCustomerEngagement(id: "C-000003", input: { email: "new.address@example.com" }) { id } }' }));
    await gql('mutation { cancelOrder(id: "SO-100001", reason: "no") }', signedHeaders(cid, 'customer', { query: 'mutation { cancelOrder(id: "SO-100001", reason: "no") }' }));
    const writes = auditsFor(cid).filter((r) => r.action === 'write');
    expect(writes).toEqual([
      expect.objectContaining({ operation: 'updateCustomerEngagement', customerId: 'C-000003', target: { id: 'C-000003' }, outcome: 'succeeded', subject: 'test-agent' }),
      expect.objectContaining({ operation: 'cancelOrder', target: { id: 'SO-100001' }, outcome: 'failed', errorCode: 'BAD_USER_INPUT' }),
    ]);
    expect(writes[1]).not.toHaveProperty('customerId');
    const all = lines.join('');
    expect(all).not.toContain('new.address@example.com');
    expect(all).not.toContain('Ada Lovelace');
  });
});

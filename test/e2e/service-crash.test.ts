/**
 * kill -9 of the service subgraph, run as production runs it (its own main(),
 * in a child process, on the local write journal), against the Zendesk sandbox:
 * once after openCase answered QUEUED and before any replay, once while the
 * create is in flight at Zendesk, before it committed. After a restart on the
 * same journal, each case exists exactly once. (An in-flight create that Zendesk
 * did commit is recognised by its Idempotency-Key or external id; the lost
 * response tests in service-writes.test.ts show that path.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { hasCustomerNumber, type RetailDataset } from '../../sandbox/dataset/model.js';
import { createZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { TEST_AGENT, signedHeaders } from '../support/auth.js';

const REPO = join(import.meta.dirname, '..', '..');
const TRUST = { secrets: [randomBytes(32).toString('base64url')] };
const ZD_AUTH = `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}`;

let dataset: RetailDataset;
let zendesk: ZendeskSandbox;
let netsuite: NetSuiteSandbox;
let zdUrl: string;
let nsUrl: string;
let dir: string;
let port: number;
let child: ChildProcess | undefined;

/** Starts the subgraph's own main() with the sandbox's URLs, a journal in `dir`, and fast replays. */
async function startChild(): Promise<void> {
  // The embedded default: the local journal, whatever REDIS_URL the test run has.
  const { REDIS_URL: _redis, ...inherited } = process.env;
  child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'subgraphs', 'service', 'src', 'index.ts')], {
    cwd: REPO,
    env: {
      ...inherited,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      INTERNAL_AUTH_SECRET: TRUST.secrets[0],
      ZENDESK_BASE_URL: `${zdUrl}/api/v2`,
      NETSUITE_BASE_URL: `${nsUrl}/services/rest`,
      SERVICE_SUBGRAPH_HOST: '127.0.0.1',
      SERVICE_SUBGRAPH_PORT: String(port),
      WRITES_DIR: join(dir, 'writes'),
      WRITES_POLL_MS: '100',
      WRITES_BACKOFF_MS: '200',
      WRITES_MAX_BACKOFF_MS: '500',
      FEEDS_DIR: join(dir, 'feeds'),
      SERVICE_WEBHOOK_URL: 'off',
      SERVICE_FEED_POLL_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the service subgraph did not start:\n${output.slice(-2000)}`);
}

async function kill9(): Promise<void> {
  const c = child;
  child = undefined;
  if (!c || c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGKILL');
  await exited;
}

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }> {
  const cid = randomUUID();
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', { query, variables }, TEST_AGENT, TRUST) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

const OPEN = `mutation($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status writeId } }`;

async function faults(f: Record<string, unknown>): Promise<void> {
  await fetch(`${zdUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
}

async function ticketsWithSubject(subject: string): Promise<number> {
  const res = await fetch(`${zdUrl}/api/v2/search.json?query=${encodeURIComponent(`type:ticket subject:"${subject}"`)}`, { headers: { authorization: ZD_AUTH } });
  const body = (await res.json()) as { results: Array<{ subject: string }> };
  return body.results.filter((t) => t.subject === subject).length;
}

async function settled(writeId: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const r = await gql<{ serviceWrite: { status: string } | null }>(`query($id: ID!) { serviceWrite(writeId: $id) { status } }`, { id: writeId });
    const s = r.data?.serviceWrite?.status;
    if (s && s !== 'QUEUED') return s;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`write ${writeId} did not settle`);
}

const customer = (): string => {
  const c = dataset.netsuite.customers.filter(hasCustomerNumber).find((x) => dataset.zendesk.users.some((u) => u.external_id === x.externalid && u.role === 'end-user'));
  if (!c) throw new Error('no customer with a Zendesk end user');
  return c.externalid;
};

beforeAll(async () => {
  dataset = generateDataset({ seed: 7, customers: 60, asOf: new Date('2026-11-20T00:00:00Z') });
  zendesk = await createZendeskSandbox({ dataset });
  netsuite = await createNetSuiteSandbox({ dataset });
  zdUrl = await zendesk.listen(0);
  nsUrl = await netsuite.listen(0);
  dir = await mkdtemp(join(tmpdir(), 'rsg-service-crash-'));
  port = await freePort();
}, 30_000);

afterAll(async () => {
  await kill9();
  await zendesk?.close();
  await netsuite?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kill -9 of the service subgraph', () => {
  it('after openCase answered QUEUED: the restarted process applies it, once', async () => {
    await startChild();
    await faults({ down: true });
    const subject = `Crash queued ${randomUUID().slice(0, 8)}`;
    const r = await gql<{ openCase: { status: string; writeId: string } }>(OPEN, { input: { customerId: customer(), subject, description: 'x' }, key: randomUUID() });
    expect(r.errors).toBeUndefined();
    expect(r.data?.openCase.status).toBe('QUEUED');
    await kill9();
    await faults({});
    await startChild();
    expect(await settled(r.data?.openCase.writeId ?? '')).toBe('APPLIED');
    expect(await ticketsWithSubject(subject)).toBe(1);
  }, 60_000);

  it('while the create is in flight, before Zendesk committed it: applied once after the restart', async () => {
    await kill9();
    await startChild();
    await faults({ latencyMs: 1500 });
    const subject = `Crash in flight ${randomUUID().slice(0, 8)}`;
    const vars = { input: { customerId: customer(), subject, description: 'y' }, key: randomUUID() };
    const pending = gql(OPEN, vars).catch(() => undefined);
    await new Promise((res) => setTimeout(res, 500));
    await kill9();
    await pending;
    // The sandbox drops a request whose client went away during its latency: nothing was created.
    await new Promise((res) => setTimeout(res, 1500));
    await faults({});
    expect(await ticketsWithSubject(subject)).toBe(0);
    await startChild();
    // The journal held the write in flight; the restart replays it through Zendesk's own
    // deduplication. The client's retry with its key finds that same write.
    let status = 'QUEUED';
    let writeId = '';
    for (let i = 0; i < 100 && status === 'QUEUED'; i++) {
      const again = await gql<{ openCase: { status: string; writeId: string } }>(OPEN, vars);
      expect(again.errors).toBeUndefined();
      status = again.data?.openCase.status ?? '';
      writeId = again.data?.openCase.writeId ?? '';
      if (status === 'QUEUED') await new Promise((res) => setTimeout(res, 100));
    }
    expect(status).toBe('APPLIED');
    expect(await settled(writeId)).toBe('APPLIED');
    expect(await ticketsWithSubject(subject)).toBe(1);
  }, 60_000);
});

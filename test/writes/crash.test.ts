/**
 * kill -9 at the two moments that matter, with the write queue on the local
 * journal in a child process: after the mutation answered QUEUED (before any
 * replay), and while the call to the system is in flight (before and after the
 * system committed it). After a restart each write is applied exactly once,
 * counted by a tiny system that deduplicates by Idempotency-Key as Zendesk does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WriteOutcome } from '../../lib/writes/index.js';
import { tempDir } from './support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'fixtures', 'crash-child.ts');
const REPO = join(HERE, '..', '..');

/** The system of record: counts applications, dedupes by key, and can be down or hold calls open. */
class Counter {
  mode: 'up' | 'down' | 'hang-before-commit' | 'hang-after-commit' = 'up';
  total = 0;
  applications = 0;
  readonly requests: Array<{ key: string; resumed: string }> = [];
  private readonly byKey = new Map<string, { total: number }>();
  private readonly held: ServerResponse[] = [];
  private received: (() => void) | undefined;
  server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }

  /** Resolves when the next request arrives. */
  nextRequest(): Promise<void> {
    return new Promise((r) => (this.received = r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const key = String(req.headers['idempotency-key']);
    this.requests.push({ key, resumed: String(req.headers['x-resumed']) });
    this.received?.();
    if (this.mode === 'down') {
      res.writeHead(503).end();
      return;
    }
    if (this.mode === 'hang-before-commit') {
      this.held.push(res);
      return;
    }
    let result = this.byKey.get(key);
    if (!result) {
      this.total += (JSON.parse(body) as { amount: number }).amount;
      this.applications += 1;
      result = { total: this.total };
      this.byKey.set(key, result);
    }
    if (this.mode === 'hang-after-commit') {
      this.held.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  }

  async stop(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
  stderr: () => string;
}

function spawnChild(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: REPO,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return { proc, lines, stderr: () => err };
}

async function nextJson(child: Child, event: string): Promise<Record<string, unknown>> {
  for (;;) {
    const { value, done } = await child.lines.next();
    if (done) throw new Error(`child exited before printing '${event}': ${child.stderr()}`);
    const parsed = JSON.parse(value) as Record<string, unknown>;
    if (parsed.event === event) return parsed;
  }
}

async function kill9(child: Child): Promise<void> {
  const exited = once(child.proc, 'exit');
  child.proc.kill('SIGKILL');
  const [code, signal] = (await exited) as [number | null, string | null];
  expect(signal).toBe('SIGKILL');
  expect(code).toBeNull();
}

/** Restarts on the same journal, replays, and returns the settled outcomes. */
async function restartAndSettle(dir: string, counter: Counter, ids: string[], children: Child[]): Promise<WriteOutcome[]> {
  const worker = spawnChild({ MODE: 'worker', WRITES_DIR: dir, COUNTER_URL: counter.url, WAIT_FOR: ids.join(',') });
  children.push(worker);
  const settled = await nextJson(worker, 'settled');
  const [code] = (await once(worker.proc, 'exit')) as [number | null];
  expect(code).toBe(0);
  return settled.outcomes as WriteOutcome[];
}

describe('kill -9 of a process with the write queue on the local journal', () => {
  const counter = new Counter();
  const children: Child[] = [];
  const dirs: Array<{ dir: string; remove(): void }> = [];
  beforeAll(async () => {
    await counter.start();
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    for (const d of dirs.splice(0)) d.remove();
  });
  afterAll(async () => {
    await counter.stop();
  });

  const fresh = (): string => {
    const d = tempDir();
    dirs.push(d);
    counter.total = 0;
    counter.applications = 0;
    counter.requests.length = 0;
    return d.dir;
  };

  it('killed after answering QUEUED and before the replay: applied once after the restart', async () => {
    const dir = fresh();
    counter.mode = 'down';
    const child = spawnChild({ MODE: 'submit', WRITES_DIR: dir, COUNTER_URL: counter.url, KEY: 'k-queued' });
    children.push(child);
    const { outcome } = (await nextJson(child, 'outcome')) as { outcome: WriteOutcome };
    expect(outcome).toMatchObject({ status: 'QUEUED', attempts: 1, lastError: { code: 'UPSTREAM_UNAVAILABLE' } });
    await kill9(child);
    expect(counter.applications).toBe(0);

    counter.mode = 'up';
    const [after] = await restartAndSettle(dir, counter, [outcome.writeId], children);
    expect(after).toMatchObject({ writeId: outcome.writeId, status: 'APPLIED', attempts: 2, result: { total: 1 } });
    expect(counter.applications).toBe(1);
    expect(counter.total).toBe(1);
    expect(counter.requests).toEqual([
      { key: outcome.writeId, resumed: 'false' },
      { key: outcome.writeId, resumed: 'false' },
    ]);

    // The client retries its mutation on the restarted process: the original outcome, no new call.
    const again = spawnChild({ MODE: 'submit', WRITES_DIR: dir, COUNTER_URL: counter.url, KEY: 'k-queued' });
    children.push(again);
    const retried = (await nextJson(again, 'outcome')) as { outcome: WriteOutcome };
    expect(retried.outcome).toMatchObject({ writeId: outcome.writeId, status: 'APPLIED' });
    expect(counter.requests).toHaveLength(2);
  });

  for (const moment of ['hang-before-commit', 'hang-after-commit'] as const) {
    it(`killed while the call is in flight (${moment === 'hang-after-commit' ? 'the system had committed it' : 'the system had not committed it'}): applied once after the restart`, async () => {
      const dir = fresh();
      counter.mode = moment;
      const child = spawnChild({ MODE: 'submit', WRITES_DIR: dir, COUNTER_URL: counter.url, KEY: `k-${moment}` });
      children.push(child);
      await counter.nextRequest();
      await kill9(child);
      expect(counter.applications).toBe(moment === 'hang-after-commit' ? 1 : 0);
      const writeId = counter.requests[0]?.key as string;
      expect(writeId).toMatch(/^w_/);

      counter.mode = 'up';
      const [after] = await restartAndSettle(dir, counter, [writeId], children);
      expect(after).toMatchObject({ writeId, status: 'APPLIED', attempts: 2, result: { total: 1 } });
      expect(counter.applications).toBe(1);
      expect(counter.total).toBe(1);
      // The retry went through the system's dedupe under the same key, flagged as resumed.
      expect(counter.requests).toEqual([
        { key: writeId, resumed: 'false' },
        { key: writeId, resumed: 'true' },
      ]);
    });
  }
});

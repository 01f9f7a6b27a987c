/**
 * Three replicas for two minutes: what polling costs the systems of record when
 * several replicas of the polling subgraphs share one Redis. With the feed lease
 * (lib/feeds/lease.ts) one replica per feed polls, so the sandbox should count one
 * replica's worth of ERP polls (SuiteQL) and Zendesk incremental export reads,
 * however many replicas run.
 *
 *   REDIS_URL=redis://127.0.0.1:6379/0 npx tsx bench/replicas.ts
 *   REDIS_URL=… npx tsx bench/replicas.ts --replicas=3 --seconds=120 --subgraphs=order,finance,service
 *
 * The feeds run at their production intervals unless `--erp-interval-ms` and
 * `--export-interval-ms` say otherwise. The replicas run from the TypeScript
 * sources (tsx): this counts calls, it measures no speed. The sandbox runs in this
 * process; every key goes under a namespace of its own, deleted at the end.
 * Prints a JSON report, and writes it to bench/results/<date>-replicas.json with `--save`.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type RedisClientType } from 'redis';
import { generateDataset } from '../sandbox/dataset/generate.js';
import { createNetSuiteSandbox } from '../sandbox/netsuite/index.js';
import { createZendeskSandbox } from '../sandbox/zendesk/index.js';
import { freePort } from '../test/support/ports.js';
import { httpOk, root, stop, waitReady, watched, type Launched } from './processes.js';

const SUITEQL = 'POST /services/rest/query/v1/suiteql';
const EXPORT = 'GET /api/v2/incremental/tickets/cursor';
const POLLING = ['order', 'finance', 'service'] as const;
type Polling = (typeof POLLING)[number];

interface Counts {
  total: number;
  calls: Record<string, number>;
}

export interface ReplicasReport {
  /** When the counted window started, and the command line that ran it. */
  startedAt?: string;
  command?: string;
  replicas: number;
  seconds: number;
  subgraphs: Polling[];
  erpIntervalMs: number;
  exportIntervalMs: number;
  /** SuiteQL calls the ERP sandbox received in the window: the order and finance feeds' polls. */
  erpPolls: number;
  /** What one replica of each polling subgraph makes at most in the window (one poll per interval per ERP feed). */
  erpPollsOneReplica: number;
  /** Incremental export reads the Zendesk sandbox received. */
  exportReads: number;
  exportReadsOneReplica: number;
  /** Which replica led each feed at the end (from readiness). */
  leaders: Record<string, string | null>;
  netsuite: Counts;
  zendesk: Counts;
}

function options(argv: string[]): { replicas: number; seconds: number; subgraphs: Polling[]; erpIntervalMs: number; exportIntervalMs: number; save: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      replicas: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '120' },
      subgraphs: { type: 'string', default: POLLING.join(',') },
      'erp-interval-ms': { type: 'string', default: '5000' },
      'export-interval-ms': { type: 'string', default: '60000' },
      save: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected a whole number of at least ${min}, got '${v}'`);
    return n;
  };
  const subgraphs = values.subgraphs.split(',').map((s) => s.trim());
  for (const s of subgraphs) if (!(POLLING as readonly string[]).includes(s)) throw new Error(`--subgraphs: expected some of ${POLLING.join(', ')}, got '${s}'`);
  return {
    replicas: int('replicas', values.replicas, 1),
    seconds: int('seconds', values.seconds, 1),
    subgraphs: subgraphs as Polling[],
    erpIntervalMs: int('erp-interval-ms', values['erp-interval-ms'], 100),
    exportIntervalMs: int('export-interval-ms', values['export-interval-ms'], 1000),
    save: values.save,
  };
}

async function stats(url: string): Promise<Counts> {
  return (await (await fetch(`${url}/__sandbox/stats`)).json()) as Counts;
}

async function leaderOf(port: number, feed: string): Promise<{ role?: string; leader?: string | null } | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
  if (!res) return undefined;
  const body = (await res.json()) as { parts?: Array<{ name: string; details?: { role?: string; leader?: string | null } }> };
  return body.parts?.find((p) => p.name === `feed:${feed}`)?.details;
}

const FEED_OF: Record<Polling, string> = { order: 'order-status', finance: 'finance-invoices', service: 'service-cases' };

export async function runReplicas(argv: string[]): Promise<ReplicasReport> {
  const o = options(argv);
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('the replicas bench needs Redis: set REDIS_URL (replicas share their feeds through it)');
  const namespace = `rsg-bench-replicas-${randomUUID()}`;
  const dataset = generateDataset({ seed: 42, customers: 200, asOf: new Date() });
  const netsuite = await createNetSuiteSandbox({ dataset });
  const zendesk = await createZendeskSandbox({ dataset });
  const nsUrl = await netsuite.listen(0);
  const zdUrl = await zendesk.listen(0);
  const dir = await mkdtemp(join(tmpdir(), 'rsg-bench-replicas-'));
  const secret = randomBytes(32).toString('base64url');
  const parts: Array<Launched & { port: number; subgraph: Polling }> = [];
  const redis = createClient({ url: redisUrl }) as RedisClientType;
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    for (const subgraph of o.subgraphs) {
      for (let i = 0; i < o.replicas; i++) {
        const port = await freePort();
        const prefix = subgraph.toUpperCase();
        const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'subgraphs', subgraph, 'src', 'index.ts')], {
          cwd: root,
          env: {
            ...process.env,
            LOG_LEVEL: 'warn',
            RSG_NAMESPACE: namespace,
            INTERNAL_AUTH_SECRET: secret,
            NETSUITE_BASE_URL: `${nsUrl}/services/rest`,
            ZENDESK_BASE_URL: `${zdUrl}/api/v2`,
            [`${prefix}_SUBGRAPH_HOST`]: '127.0.0.1',
            [`${prefix}_SUBGRAPH_PORT`]: String(port),
            WRITES_DIR: join(dir, `${subgraph}-${i}`, 'writes'),
            FEEDS_DIR: join(dir, `${subgraph}-${i}`, 'feeds'),
            ORDER_FEED_INTERVAL_MS: String(o.erpIntervalMs),
            FINANCE_FEED_INTERVAL_MS: String(o.erpIntervalMs),
            SERVICE_FEED_POLL_MS: String(o.exportIntervalMs),
            // The sandbox cannot call back into this machine's replicas through a load balancer: the export alone.
            SERVICE_WEBHOOK_URL: 'off',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        parts.push({ ...watched(`${subgraph}-${i}`, proc), port, subgraph });
      }
    }
    await Promise.all(parts.map((p) => waitReady(p, () => httpOk(`http://127.0.0.1:${p.port}/health/ready`), 180_000)));
    // Counted from here: every replica is up and has campaigned for its leases.
    await fetch(`${nsUrl}/__sandbox/stats/reset`, { method: 'POST' });
    await fetch(`${zdUrl}/__sandbox/stats/reset`, { method: 'POST' });
    const startedAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const [ns, zd] = await Promise.all([stats(nsUrl), stats(zdUrl)]);
    const leaders: Record<string, string | null> = {};
    for (const s of o.subgraphs) {
      const details = await Promise.all(parts.filter((p) => p.subgraph === s).map((p) => leaderOf(p.port, FEED_OF[s])));
      leaders[FEED_OF[s]] = details.find((d) => d?.role === 'leader')?.leader ?? null;
    }
    const erpFeeds = o.subgraphs.filter((s) => s !== 'service').length;
    const window = o.seconds * 1000;
    return {
      startedAt,
      command: ['npx tsx bench/replicas.ts', ...argv].join(' '),
      replicas: o.replicas,
      seconds: o.seconds,
      subgraphs: o.subgraphs,
      erpIntervalMs: o.erpIntervalMs,
      exportIntervalMs: o.exportIntervalMs,
      erpPolls: ns.calls[SUITEQL] ?? 0,
      erpPollsOneReplica: erpFeeds * Math.ceil(window / o.erpIntervalMs),
      exportReads: zd.calls[EXPORT] ?? 0,
      exportReadsOneReplica: o.subgraphs.includes('service') ? Math.ceil(window / o.exportIntervalMs) : 0,
      leaders,
      netsuite: ns,
      zendesk: zd,
    };
  } finally {
    await Promise.all(parts.map((p) => stop(p)));
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${namespace}:*`, COUNT: 1000 })) keys.push(...batch);
    for await (const batch of redis.scanIterator({ MATCH: `keyv::${namespace}:*`, COUNT: 1000 })) keys.push(...batch);
    for (let i = 0; i < keys.length; i += 500) await redis.unlink(keys.slice(i, i + 500));
    await redis.quit();
    await netsuite.close();
    await zendesk.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  runReplicas(argv).then(
    async (report) => {
      const text = JSON.stringify(report, null, 2);
      console.log(text);
      if (argv.includes('--save')) {
        const out = join(root, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-replicas.json`);
        await mkdir(join(root, 'bench', 'results'), { recursive: true });
        await writeFile(out, `${text}\n`);
        console.error(`written to ${out}`);
      }
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

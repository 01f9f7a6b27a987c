/**
 * `npm start` runs the compiled JavaScript: the build (scripts/build.ts) emits a
 * tree that runs with plain node, away from the TypeScript sources. The build goes
 * into a project of its own in a temporary directory (dist/, package.json,
 * config/, supergraph.graphql, trusted-documents/, node_modules), whose launcher starts every part on
 * free ports; the gateway then answers a query, each part is a `node` process on
 * its compiled module, and the runtime data lands in that project's root.
 *
 * The build skips type checking (`--no-check`, the same output): `npm test`
 * checks the types already. With TEST_PRODUCTION_INSTALL=1
 * (`npm run test:production-install`), node_modules comes from
 * `npm ci --omit=dev --ignore-scripts` instead of this checkout's, which proves
 * that nothing the product runs is a devDependency; that takes a minute or more.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPHS, settingsPrefix } from '../../lib/manifest.js';
import { build } from '../../scripts/build.js';
import { launchPlan } from '../../scripts/plan.js';
import { freePort } from '../support/ports.js';

const root = join(import.meta.dirname, '..', '..');
const productionInstall = process.env.TEST_PRODUCTION_INSTALL === '1';

/** Every part's source entry, as config/subgraphs.json and plan.ts name them, one process per part. */
const entries = ['sandbox/main.ts', ...SUBGRAPHS.map((s) => s.entry), 'gateway/src/index.ts'];
/** The default layout's processes: the sandbox, and the subgraphs with the gateway (scripts/graph.ts). */
const defaultEntries = ['sandbox/main.ts', 'scripts/graph.ts'];
const compiledPath = (project: string, entry: string): string => join(project, 'dist', entry.replace(/\.ts$/, '.js'));

describe('the launch plan', () => {
  it('runs each part on plain node from its compiled module when compiled, and through tsx from its source otherwise', () => {
    for (const [env, expected] of [[{}, defaultEntries], [{ START_MODE: 'processes' }, entries]] as const) {
      const compiled = launchPlan(env, SUBGRAPHS, true).groups.flat();
      expect(compiled.map((p) => p.entry)).toEqual(expected);
      for (const part of compiled) expect(part.args).toEqual([join(root, part.entry.replace(/\.ts$/, '.js'))]);
      const source = launchPlan(env, SUBGRAPHS, false).groups.flat();
      for (const part of source) expect(part.args).toEqual(['--import', 'tsx', join(root, part.entry)]);
    }
  });
});

describe('the compiled product', () => {
  let project: string;
  let launcher: ChildProcess | undefined;
  let output = '';
  let gatewayUrl = '';

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'rsg-compiled-'));
    build({ outDir: join(project, 'dist'), noCheck: true });
    for (const f of ['package.json', 'package-lock.json', 'config', 'supergraph.graphql', 'trusted-documents']) cpSync(join(root, f), join(project, f), { recursive: true });
    if (productionInstall) {
      const ci = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, encoding: 'utf8' });
      if (ci.status !== 0) throw new Error(`npm ci failed:\n${ci.stdout}${ci.stderr}`);
    } else {
      symlinkSync(realpathSync(join(root, 'node_modules')), join(project, 'node_modules'));
    }

    const ports = {
      GATEWAY_PORT: await freePort(),
      SANDBOX_SALESFORCE_PORT: await freePort(),
      SANDBOX_NETSUITE_PORT: await freePort(),
      SANDBOX_ZENDESK_PORT: await freePort(),
      ...Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) => [`${settingsPrefix(s)}_PORT`, await freePort()] as const))),
    };
    gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
    // Nothing of this run's own loaders or stores: no tsx hook, no Redis (the journal and feed state go to files).
    const { NODE_OPTIONS: _loader, REDIS_URL: _redis, ...env } = process.env;
    launcher = spawn(process.execPath, [join(project, 'dist', 'scripts', 'start.js')], {
      cwd: tmpdir(),
      env: {
        ...env,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        SALESFORCE_LOGIN_URL: `http://127.0.0.1:${ports.SANDBOX_SALESFORCE_PORT}`,
        NETSUITE_BASE_URL: `http://127.0.0.1:${ports.SANDBOX_NETSUITE_PORT}/services/rest`,
        ZENDESK_BASE_URL: `http://127.0.0.1:${ports.SANDBOX_ZENDESK_PORT}/api/v2`,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    launcher.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const up = launcher;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not up within 60 s:\n${output}`)), 60_000);
      up.stdout?.on('data', () => {
        if (!output.includes('retail-supergraph is up.')) return;
        clearTimeout(timer);
        resolve();
      });
      up.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the launcher exited (${code}):\n${output}`));
      });
    });
  }, productionInstall ? 600_000 : 150_000);

  afterAll(async () => {
    const running = launcher;
    if (running && running.exitCode === null) {
      const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
      running.kill('SIGINT');
      expect(await exited, output).toBe(0);
    }
    rmSync(project, { recursive: true, force: true });
  }, 30_000);

  it('is JavaScript only, with each schema beside its module', () => {
    const files = readdirSync(join(project, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.[a-z]+$/.test(f));
    expect(files.filter((f) => !/\.(js|js\.map|graphql)$/.test(f))).toEqual([]);
    for (const s of SUBGRAPHS) expect(existsSync(join(project, 'dist', 'subgraphs', s.name, 'schema.graphql')), s.name).toBe(true);
  });

  it('runs the sandbox and the graph (subgraphs and gateway in one process) as plain node on their compiled modules', () => {
    const ps = spawnSync('ps', ['-A', '-o', 'ppid=,args='], { encoding: 'utf8' });
    const children = ps.stdout
      .split('\n')
      .map((l) => l.trim().match(/^(\d+)\s+(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null && Number(m[1]) === launcher?.pid)
      .map((m) => m[2]);
    expect(children.sort()).toEqual(defaultEntries.map((e) => `${process.execPath} ${compiledPath(project, e)}`).sort());
    expect(children.join('\n')).not.toContain('tsx');
  });

  it('answers a customer-360 at the gateway with a development token, and keeps its data in the project root', async () => {
    const tokens = JSON.parse(readFileSync(join(project, '.dev', 'tokens.json'), 'utf8')) as { agent: string };
    const query = '{ customer(id: "C-000042") { id name orders(first: 1) { edges { node { id } } } financials { balance { amount } } cases(first: 1) { totalCount } } }';
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.agent}` },
      body: JSON.stringify({ query }),
    });
    type Answer = { customer: { id: string; name: string; orders: { edges: Array<{ node: { id: string } }> }; financials: { balance: { amount: string } }; cases: { totalCount: number } } };
    const body = (await res.json()) as { data?: Answer; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer).toMatchObject({ id: 'C-000042', name: expect.stringMatching(/\S/), financials: { balance: { amount: expect.stringMatching(/^-?\d+\.\d{2}$/) } } });
    expect(body.data?.customer.orders.edges.map((e) => e.node.id)).toEqual([expect.stringMatching(/^SO-\d+$/)]);
    expect(body.data?.customer.cases.totalCount).toBeGreaterThanOrEqual(0);
    expect(output).toContain('one process for the gateway and the subgraphs');
    // On a gateway port other than 4000 this is a copy beside the default one: its data is its own.
    expect(readdirSync(join(project, '.data'))).toEqual([`port-${new URL(gatewayUrl).port}`]);
    expect(readdirSync(join(project, '.data', `port-${new URL(gatewayUrl).port}`)).sort()).toEqual(['feeds', 'writes']);
    expect(existsSync(join(project, 'dist', '.dev'))).toBe(false);
    expect(existsSync(join(project, 'dist', '.data'))).toBe(false);
  });
});

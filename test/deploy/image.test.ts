/**
 * The Dockerfile, its entrypoint and compose.yaml, checked against the code,
 * since Docker cannot run here: what the image copies exists and is not
 * ignored, the runtime stage is a production-only install run by a non-root
 * user, every part's entry exists in dist/ after a build, the ports are the
 * manifest's, every variable is documented, and the HEALTHCHECK asks a path the
 * part serves: the entrypoint itself runs a subgraph from a built tree, and its
 * healthcheck turns green once the subgraph is ready.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SUBGRAPHS, settingsPrefix } from '../../lib/manifest.js';
import { build } from '../../scripts/build.js';
import { freePort } from '../support/ports.js';
import { PORTS, envFileNames, root, undocumented } from './documented.js';

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions per stage, continuation lines joined. */
function dockerfileStages(): Map<string, Instruction[]> {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  for (const line of text.split('\n')) {
    const m = line.trim().match(/^([A-Z]+)\s+(.*)$/);
    if (!m || line.trim().startsWith('#')) continue;
    const [, op = '', args = ''] = m;
    if (op === 'FROM') {
      current = [{ op, args }];
      stages.set(args.split(/\s+AS\s+/i)[1] ?? args, current);
    } else current.push({ op, args });
  }
  return stages;
}

const args = (i: Instruction[], op: string): string[] => i.filter((x) => x.op === op).map((x) => x.args);
const execForm = (s: string): string[] => JSON.parse(s) as string[];

/** Would .dockerignore keep `path` out of the build context? (Its patterns here are plain paths.) */
function ignored(path: string): boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return patterns.some((p) => path === p || path.startsWith(`${p}/`));
}

describe('the Dockerfile', () => {
  const stages = dockerfileStages();
  const buildStage = stages.get('build') ?? [];
  const runtime = stages.get('runtime') ?? [];

  it('builds in one stage with every dependency and runs a production-only install in another', () => {
    expect([...stages.keys()]).toEqual(['build', 'runtime']);
    for (const stage of [buildStage, runtime]) expect(stage[0]?.args).toMatch(/^node:20/);
    expect(args(buildStage, 'RUN')).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']));
    expect(args(runtime, 'RUN').some((r) => /npm ci --omit=dev/.test(r))).toBe(true);
    expect(args(runtime, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
  });

  it('copies only what exists and the context keeps, and into the runtime what dist/ reads at run time', () => {
    for (const stage of [buildStage, runtime]) {
      for (const copy of args(stage, 'COPY').filter((c) => !c.startsWith('--from'))) {
        const sources = copy.split(/\s+/).slice(0, -1);
        for (const src of sources) {
          expect(existsSync(join(root, src)), src).toBe(true);
          expect(ignored(src), `${src} is in .dockerignore`).toBe(false);
        }
      }
    }
    const copied = args(runtime, 'COPY').flatMap((c) => c.split(/\s+/).slice(0, -1));
    // What test/build/compiled.test.ts gives a compiled tree beside node_modules.
    expect(copied).toEqual(expect.arrayContaining(['--from=build', '/app/dist', 'package.json', 'package-lock.json', 'config', 'supergraph.graphql']));
  });

  it('runs as a non-root user, exposes the manifest ports and checks readiness through the entrypoint', () => {
    const user = args(runtime, 'USER');
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(args(runtime, 'EXPOSE')[0]?.split(/\s+/).map(Number).sort()).toEqual(Object.values(PORTS).sort());
    const entrypoint = execForm(args(runtime, 'ENTRYPOINT')[0] ?? '[]');
    expect(entrypoint).toEqual(['/app/deploy/docker/entrypoint.sh']);
    expect(execForm(args(runtime, 'CMD')[0] ?? '[]')).toEqual(['gateway']);
    const healthcheck = args(runtime, 'HEALTHCHECK')[0] ?? '';
    expect(execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim())).toEqual([...entrypoint, 'healthcheck']);
  });

  it('sets only documented variables', () => {
    const names = args(runtime, 'ENV').flatMap((e) => [...e.matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1] ?? ''));
    expect(names.length).toBeGreaterThan(0);
    expect(undocumented(names)).toEqual([]);
  });
});

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string;
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
}

describe('compose.yaml', () => {
  const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it('runs Redis, the sandbox, every subgraph of the manifest and the gateway, each part from the one image by its name', () => {
    expect(Object.keys(services).sort()).toEqual(['dev-identity', 'gateway', 'redis', 'sandbox', ...SUBGRAPHS.map((s) => s.name)].sort());
    for (const name of ['gateway', 'sandbox', ...SUBGRAPHS.map((s) => s.name)]) expect(services[name]?.command, name).toEqual([name]);
  });

  it('listens on the manifest ports, routes the gateway to them, and publishes only the gateway and the sandbox', () => {
    for (const s of SUBGRAPHS) {
      expect(services[s.name]?.environment?.[`${settingsPrefix(s)}_PORT`], s.name).toBe(String(s.port));
      expect(services.gateway?.environment?.[`${settingsPrefix(s)}_URL`]).toBe(`http://${s.name}:${s.port}/graphql`);
      expect(services[s.name]?.ports, s.name).toBeUndefined();
      expect(services.gateway?.depends_on?.[s.name]?.condition).toBe('service_healthy');
    }
    expect(services.gateway?.environment?.GATEWAY_PORT).toBe(String(PORTS.gateway));
    expect(services.gateway?.ports).toEqual([`${PORTS.gateway}:${PORTS.gateway}`]);
  });

  it('shares Redis with every part of the graph and switches systems by its env file, whose every variable is documented', () => {
    for (const name of ['gateway', ...SUBGRAPHS.map((s) => s.name)]) {
      expect(services[name]?.environment?.REDIS_URL, name).toBe('redis://redis:6379/0');
      expect(services[name]?.env_file).toBe('${RSG_ENV_FILE:-deploy/compose/sandbox.env}');
    }
    const envFiles = ['deploy/compose/sandbox.env', 'deploy/compose/real.env.example'];
    const names = [...Object.values(services).flatMap((s) => Object.keys(s.environment ?? {})), ...envFiles.flatMap((f) => envFileNames(join(root, f)))];
    expect(undocumented(names)).toEqual([]);
    // The demo's connectors point at the sandbox service, on its ports.
    const sandbox = readFileSync(join(root, 'deploy/compose/sandbox.env'), 'utf8');
    expect(sandbox).toMatch(/^SALESFORCE_LOGIN_URL=http:\/\/sandbox:4101$/m);
    expect(sandbox).toMatch(/^NETSUITE_BASE_URL=http:\/\/sandbox:4102\/services\/rest$/m);
    expect(sandbox).toMatch(/^ZENDESK_BASE_URL=http:\/\/sandbox:4103\/api\/v2$/m);
    expect(sandbox).toContain(`SERVICE_WEBHOOK_URL=http://service:${PORTS.service}/webhooks/zendesk\n`);
  });
});

describe('the entrypoint, on a built tree', () => {
  let project: string;
  const children: ChildProcess[] = [];
  let output = '';

  const entrypoint = (argv: string[], env: Record<string, string> = {}) =>
    spawnSync('sh', [join(project, 'deploy', 'docker', 'entrypoint.sh'), ...argv], { encoding: 'utf8', env: { ...process.env, ...env } });

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'rsg-image-'));
    build({ outDir: join(project, 'dist'), noCheck: true });
    for (const f of ['package.json', 'config', 'supergraph.graphql', 'deploy/docker/entrypoint.sh']) cpSync(join(root, f), join(project, f), { recursive: true });
    symlinkSync(realpathSync(join(root, 'node_modules')), join(project, 'node_modules'));
  }, 120_000);

  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await exited;
    }
    if (project) rmSync(project, { recursive: true, force: true });
  }, 30_000);

  it('names an existing compiled module for the gateway, the sandbox and every subgraph, and refuses an unknown part', () => {
    for (const part of ['gateway', 'sandbox', ...SUBGRAPHS.map((s) => s.name)]) {
      const r = entrypoint(['entry', part]);
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(join(project, r.stdout.trim())), `${part}: ${r.stdout}`).toBe(true);
    }
    const unknown = entrypoint(['warehouse']);
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toMatch(/unknown part 'warehouse'/);
  });

  it('runs a subgraph whose healthcheck fails until it is ready and passes once it is', async () => {
    const ports = { sf: await freePort(), ns: await freePort(), zd: await freePort(), order: await freePort() };
    const { NODE_OPTIONS: _loader, REDIS_URL: _redis, ...inherited } = process.env;
    const start = (part: string, env: Record<string, string>): void => {
      const tmp = join(project, '.tmp', part);
      mkdirSync(tmp, { recursive: true });
      const child = spawn('sh', [join(project, 'deploy', 'docker', 'entrypoint.sh'), part], {
        cwd: tmpdir(),
        env: { ...inherited, TMPDIR: tmp, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
      children.push(child);
    };
    const healthcheck = (part: string) => entrypoint(['healthcheck'], { TMPDIR: join(project, '.tmp', part), ORDER_SUBGRAPH_PORT: String(ports.order) }).status;

    expect(healthcheck('order')).not.toBe(0);
    start('sandbox', { SANDBOX_SALESFORCE_PORT: String(ports.sf), SANDBOX_NETSUITE_PORT: String(ports.ns), SANDBOX_ZENDESK_PORT: String(ports.zd), SANDBOX_CUSTOMERS: '20' });
    start('order', {
      NODE_ENV: 'production',
      ORDER_SUBGRAPH_PORT: String(ports.order),
      // Long enough to see readiness draining while the process still serves.
      SHUTDOWN_DRAIN_DELAY_MS: '3000',
      INTERNAL_AUTH_SECRET: 'image-test-secret-0123456789abcdefghijkl',
      NETSUITE_BASE_URL: `http://127.0.0.1:${ports.ns}/services/rest`,
    });
    await expect.poll(() => healthcheck('order'), { timeout: 60_000, interval: 500 }).toBe(0);
    const ready = (await (await fetch(`http://127.0.0.1:${ports.order}/health/ready`)).json()) as { status: string; subgraph: string };
    expect(ready, output).toMatchObject({ status: 'ok', subgraph: 'order' });

    // SIGTERM, as Docker and Kubernetes stop a container: not ready at once, still alive, then a clean exit.
    const order = children.at(-1);
    const exited = new Promise<number | null>((resolve) => order?.once('exit', (code) => resolve(code)));
    order?.kill('SIGTERM');
    const probe = async (path: string): Promise<string> => {
      const res = await fetch(`http://127.0.0.1:${ports.order}${path}`).catch(() => undefined);
      return res ? `${res.status} ${((await res.json()) as { status: string }).status}` : 'refused';
    };
    await expect.poll(() => probe('/health/ready'), { timeout: 2_500, interval: 50 }).toBe('503 draining');
    expect(await probe('/health/live')).toBe('200 ok');
    expect(healthcheck('order')).not.toBe(0);
    expect(await exited, output).toBe(0);
  }, 90_000);

  it('writes the demo identity the compose gateway verifies tokens with', () => {
    const r = entrypoint(['dev-identity']);
    expect(r.status, r.stderr).toBe(0);
    const jwks = JSON.parse(readFileSync(join(project, '.dev', 'jwks.json'), 'utf8')) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
    const tokens = JSON.parse(readFileSync(join(project, '.dev', 'tokens.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(tokens).sort()).toEqual(['agent', 'finance', 'operator']);
    const sandboxEnv = readFileSync(join(root, 'deploy/compose/sandbox.env'), 'utf8');
    expect(sandboxEnv).toContain('AUTH_JWKS_FILE=/app/.dev/jwks.json');
  });
});

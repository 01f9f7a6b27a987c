/**
 * `npm start` (compiled: `node dist/scripts/start.js`) and `npm run dev` (the
 * TypeScript under tsx): everything on one machine over the embedded sandbox.
 * By default the sandbox systems of record run in one process and the subgraphs
 * of config/subgraphs.json with the gateway in another (scripts/graph.ts);
 * START_MODE=processes runs each part as its own process, as it is deployed
 * (see plan.ts). Every part runs on the same code as this launcher; this
 * supervisor starts them in order, waits for each to answer, prints the URLs and
 * the layout, and on SIGINT/SIGTERM stops them all and waits for them to exit.
 *
 * Before it starts anything it checks that every port of the plan is free, so
 * that a second copy on the same ports stops at once with the variable to change
 * instead of waiting for, and being answered by, the first copy's parts.
 *
 * Identity in development: a local signing key under .dev/ (kept across runs),
 * its JWKS for the gateway, a fresh gateway-subgraph secret per run, and
 * ready-made tokens for each role, printed and written to .dev/tokens.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadOrCreateDevIssuer, type DevIssuer } from '../lib/auth/dev.js';
import { defaultConsoleDir, startConsoleServer } from '../console/server.js';
import { projectRoot } from '../lib/paths.js';
import { ConfigError } from '../lib/config.js';
import { bannerLines, launchPlan, type LaunchPlan, type Part } from './plan.js';

let plan: LaunchPlan;
try {
  plan = launchPlan();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}

const children: Array<{ name: string; proc: ChildProcess }> = [];
let stopping = false;

function prefixLines(name: string, chunk: Buffer, out: NodeJS.WriteStream): void {
  for (const line of chunk.toString('utf8').split('\n')) {
    if (line.length > 0) out.write(`${name.padEnd(8)} | ${line}\n`);
  }
}

/** Settings every child gets on top of the environment (identity, see devIdentity). */
const childEnv: Record<string, string> = { ...plan.env };

function launch(part: Part): ChildProcess {
  const proc = spawn(process.execPath, part.args, {
    cwd: projectRoot,
    env: { ...process.env, ...childEnv, SERVICE_NAME: part.name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (c: Buffer) => prefixLines(part.name, c, process.stdout));
  proc.stderr?.on('data', (c: Buffer) => prefixLines(part.name, c, process.stderr));
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${part.name} exited (${signal ?? `code ${code}`}); stopping everything.`);
      void stopAll(1);
    }
  });
  children.push({ name: part.name, proc });
  return proc;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    if (stopping) throw new Error('stopping');
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
  await Promise.all(
    alive.map(
      (c) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            c.proc.kill('SIGKILL');
          }, 10_000);
          c.proc.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.proc.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

/** Whether nothing listens on the port (on loopback, where every part of the plan can be reached). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Refuses to start when a port of the plan is taken, naming its variable and PORT_BASE. */
async function checkPortsFree(): Promise<void> {
  const taken: string[] = [];
  for (const p of plan.ports) if (!(await portFree(p.port))) taken.push(`${p.port} (${p.variable})`);
  if (taken.length === 0) return;
  throw new Error(
    `Port${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already in use, perhaps by another copy of npm start. Set PORT_BASE (e.g. PORT_BASE=5000 puts the gateway on 5000, the subgraphs on 5001 and up, the sandbox on 5101 to 5103) or the variables named.`,
  );
}

/** Replaces a file whole, so that a second copy starting at the same moment never reads half of it. */
function writeWhole(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

const STOREFRONT_CUSTOMER = 'C-000001';

/** The local issuer, when development identity is on: the console's role picker gets its tokens from it. */
let devIssuer: DevIssuer | undefined;

/** The agent console (docs/console.md) on CONSOLE_PORT (4010, moved by PORT_BASE); the gateway lets its origin call from the browser. */
const consolePort = plan.consolePort;
childEnv.GATEWAY_CORS_ORIGINS = process.env.GATEWAY_CORS_ORIGINS ?? `http://localhost:${consolePort},http://127.0.0.1:${consolePort}`;

async function startConsole(): Promise<string> {
  const dir = defaultConsoleDir();
  if (!existsSync(join(dir, 'index.html'))) return `  Console    not built (npm run console:build -- --mode development, then start again)`;
  const issuer = devIssuer;
  const running = await startConsoleServer({
    gatewayUrl: plan.gatewayUrl,
    dir,
    port: consolePort,
    ...(process.env.CONSOLE_OIDC_ISSUER && process.env.CONSOLE_OIDC_CLIENT_ID
      ? {
          oidc: {
            issuer: process.env.CONSOLE_OIDC_ISSUER,
            clientId: process.env.CONSOLE_OIDC_CLIENT_ID,
            ...(process.env.CONSOLE_OIDC_SCOPE ? { scope: process.env.CONSOLE_OIDC_SCOPE } : {}),
            ...(process.env.CONSOLE_OIDC_RESOURCE ? { resource: process.env.CONSOLE_OIDC_RESOURCE } : {}),
          },
        }
      : {}),
    ...(issuer ? { devToken: (role) => issuer.token({ sub: `dev-${role}`, roles: [role] }) } : {}),
  });
  return `  Console    ${running.url}`;
}

/**
 * Prepares development identity and returns the text that tells a developer how
 * to authenticate. Settings already in the environment win: pointing AUTH_* at a
 * real identity provider turns the local issuer off.
 */
async function devIdentity(): Promise<string> {
  childEnv.INTERNAL_AUTH_SECRET = process.env.INTERNAL_AUTH_SECRET ?? randomBytes(32).toString('base64url');
  if (process.env.AUTH_JWKS_URL || process.env.AUTH_JWKS_FILE) {
    return 'Authentication: tokens from the identity provider configured in AUTH_JWKS_URL / AUTH_JWKS_FILE.';
  }
  const dir = join(projectRoot, '.dev');
  const issuer = await loadOrCreateDevIssuer(dir);
  devIssuer = issuer;
  Object.assign(childEnv, { AUTH_JWKS_FILE: issuer.jwksFile, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: issuer.audience });
  const tokens = {
    agent: await issuer.token({ sub: 'dev-agent', roles: ['agent'] }),
    finance: await issuer.token({ sub: 'dev-finance', roles: ['finance'] }),
    operator: await issuer.token({ sub: 'dev-operator', roles: ['operator'] }),
    storefront: { customerId: STOREFRONT_CUSTOMER, token: await issuer.token({ sub: STOREFRONT_CUSTOMER, roles: ['storefront'] }) },
  };
  writeWhole(join(dir, 'tokens.json'), `${JSON.stringify(tokens, null, 2)}\n`);
  const anonymous = process.env.GATEWAY_ALLOW_ANONYMOUS === 'true' || process.env.GATEWAY_ALLOW_ANONYMOUS === '1';
  return `Authentication (development tokens, valid 12 h; also in .dev/tokens.json):
  In Apollo Sandbox, open "Headers" and add   Authorization: Bearer <token>

  agent       ${tokens.agent}
  finance     ${tokens.finance}
  operator    ${tokens.operator}
  storefront  (${STOREFRONT_CUSTOMER}) ${tokens.storefront.token}

  curl: -H "authorization: Bearer $(node -p 'require("./.dev/tokens.json").agent')"
  ${anonymous ? 'Anonymous agent access is ON (GATEWAY_ALLOW_ANONYMOUS).' : 'Requests without a token get UNAUTHENTICATED (GATEWAY_ALLOW_ANONYMOUS=true npm start allows anonymous agent access).'}`;
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  await checkPortsFree();
  const identity = await devIdentity();
  for (const group of plan.groups) {
    for (const part of group) launch(part);
    await Promise.all(group.flatMap((p) => p.ready.map((u) => waitFor(u, 60_000))));
  }
  const consoleLine = await startConsole();
  console.log(`
retail-supergraph is up.

${bannerLines(plan).join('\n')}
${consoleLine}

${identity}

Open ${plan.gatewayUrl} in a browser, add the agent's Authorization header, and try the query in README.md.
Press Ctrl-C to stop.
`);
}

main().catch((e: unknown) => {
  if (!stopping) {
    console.error(e instanceof Error ? e.message : e);
    void stopAll(1);
  }
});

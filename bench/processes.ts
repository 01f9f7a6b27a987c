/**
 * Compiling, starting, pinning, watching and stopping the processes under test.
 * Each part runs compiled on plain node, as `npm start` runs it (`node
 * dist/<entry>.js`): the product from dist/ (`npm run build`), the peers from
 * bench/.dist/ (bench/tsconfig.peers.json), so no gateway pays for tsx and its
 * source maps and none of the bench's code enters the product's dist/. Each has its
 * ports in the environment, optionally under `taskset -c <cores>` so that the
 * gateway under test and the load generator never share a core.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../scripts/build.js';

export const root = join(import.meta.dirname, '..');

/** Where the peers are compiled to: beside the bench, git-ignored, never in the product's dist/. */
const BENCH_DIST = join('bench', '.dist');

/** The compiled module of a source entry: dist/<entry>.js for the product, bench/.dist/<entry>.js for the bench's own (peers). */
export function compiledModule(entry: string): string {
  const js = entry.replace(/\.ts$/, '.js');
  return entry.startsWith('bench/') ? join(root, BENCH_DIST, js) : join(root, 'dist', js);
}

/**
 * `npm run build` (the product into dist/, type-checked) and the peers into
 * bench/.dist/, before anything is started: every run measures the code as it
 * stands. Returns how long it took, ms.
 */
export function compileUnderTest(): number {
  const t0 = performance.now();
  build();
  // The product was type-checked just now; the peers only add bench/peers/, which `npm test` checks.
  build({ project: join(root, 'bench', 'tsconfig.peers.json'), noCheck: true });
  return performance.now() - t0;
}

export interface Launched {
  name: string;
  proc: ChildProcess;
  /** The last lines the process wrote, for the error message when it dies. */
  tail(): string;
}

let tasksetPath: string | null | undefined;
/** The taskset binary, or null when util-linux is not installed (then nothing is pinned). */
export function taskset(): string | null {
  if (tasksetPath === undefined) {
    tasksetPath = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p)) ?? null;
  }
  return tasksetPath;
}

/**
 * Starts `entry` compiled (compiledModule). `env` is laid over this process's
 * environment; a key set to undefined is removed from it (REDIS_URL for a
 * variant without Redis). `nodeFlags` go before the module (the CPU profiler's).
 */
export function launch(name: string, entry: string, env: Record<string, string | undefined>, cores?: string, nodeFlags: readonly string[] = []): Launched {
  const module = compiledModule(entry);
  if (!existsSync(module)) throw new Error(`${name}: ${module} does not exist; it is built from ${entry} (bench/processes.ts compileUnderTest)`);
  const node = [process.execPath, ...nodeFlags, module];
  const pin = cores !== undefined ? taskset() : null;
  // taskset execs the command, so the pid we hold is node's own and /proc/<pid> measures the gateway.
  const [cmd, ...args] = pin ? [pin, '-c', cores!, ...node] : node;
  const merged: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'warn', ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return watched(name, spawn(cmd!, args, { cwd: root, env: merged, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A started process as a part: its last 40 lines of output are kept for the message when it dies. */
export function watched(name: string, proc: ChildProcess): Launched {
  const lines: string[] = [];
  const keep = (c: Buffer): void => {
    lines.push(...c.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { name, proc, tail: () => lines.join('\n') };
}

/** Resolves once `check` succeeds; rejects when the process exits or the deadline passes. */
export async function waitReady(part: Launched, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (part.proc.exitCode !== null || part.proc.signalCode !== null) {
      throw new Error(`${part.name} exited (${part.proc.signalCode ?? `code ${part.proc.exitCode}`}) before it was ready:\n${part.tail()}`);
    }
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${part.name} was not ready within ${timeoutMs} ms:\n${part.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.status < 500;
}

/** A gateway is ready when it answers `{ __typename }` over POST, whatever framework serves it. */
export async function graphqlReady(url: string, headers: Record<string, string>): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(2000),
  });
  return res.status === 200 || res.status === 401;
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
export async function stop(part: Launched): Promise<void> {
  const { proc } = part;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcSample {
  /** User plus system CPU time since the process started, ms. */
  cpuMs: number;
  rssMb: number;
  /** Peak resident set since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** CPU and memory of a process from /proc (Linux); null elsewhere or once it has exited. */
export function sampleProcess(pid: number | undefined): ProcSample | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { cpuMs: (cpuTicks * 1000) / ticksPerSecond(), rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU time of several processes together since each started, ms; NaN when one of them could not be read. */
export function cpuOfAll(pids: ReadonlyArray<number | undefined>): number {
  let total = 0;
  for (const pid of pids) {
    const s = sampleProcess(pid);
    if (!s) return Number.NaN;
    total += s.cpuMs;
  }
  return total;
}

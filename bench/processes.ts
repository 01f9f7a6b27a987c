/**
 * Starting, pinning, watching and stopping the processes under test. Each part is
 * started the way scripts/start.ts starts it (node --import tsx <entry>), with its
 * ports in the environment, optionally under `taskset -c <cores>` so that the
 * gateway under test and the load generator never share a core.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

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

export function launch(name: string, entry: string, env: Record<string, string>, cores?: string): Launched {
  const node = [process.execPath, '--import', 'tsx', join(root, entry)];
  const pin = cores !== undefined ? taskset() : null;
  // taskset execs the command, so the pid we hold is node's own and /proc/<pid> measures the gateway.
  const [cmd, ...args] = pin ? [pin, '-c', cores!, ...node] : node;
  const proc = spawn(cmd!, args, { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/**
 * `npm run dev` (scripts/start.ts under tsx) as a child process of a test: the
 * launcher with its sandbox and graph processes, on the ports its environment
 * gives, its output kept for assertions and failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createServer } from 'node:net';

const root = join(import.meta.dirname, '..', '..');

/** The offsets from PORT_BASE that a stack of the default layout takes (lib/config.ts layoutPort). */
export const LAYOUT_OFFSETS = [0, 1, 2, 3, 4, 101, 102, 103];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * A PORT_BASE whose whole layout is free now, drawn at random from a range no
 * other test's ephemeral ports (the kernel's, from 32768) come from, and not `avoid`.
 */
export async function freePortBase(avoid: readonly number[] = []): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const base = 20_000 + Math.floor(Math.random() * 1_000) * 10;
    const clash = avoid.some((a) => LAYOUT_OFFSETS.some((o) => LAYOUT_OFFSETS.includes(base + o - a)));
    if (clash) continue;
    const free = await Promise.all(LAYOUT_OFFSETS.map((o) => portFree(base + o)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range found for a stack');
}

export interface Launcher {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the banner is printed; rejects with the output if the launcher exits first or `timeoutMs` passes. */
  up(timeoutMs: number): Promise<void>;
  /** Resolves with the exit code once the launcher exited (at once if it had). */
  exited(): Promise<number | null>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startLauncher(env: Record<string, string>): Launcher {
  // The embedded default: no Redis of the test run's, no tsx hook of vitest's.
  const { REDIS_URL: _redis, NODE_OPTIONS: _loader, ...inherited } = process.env;
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'start.ts')], {
    cwd: root,
    env: { ...inherited, NODE_ENV: 'development', LOG_LEVEL: 'warn', SANDBOX_CUSTOMERS: '300', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exit = once(proc, 'exit').then(([code]) => code as number | null);
  return {
    proc,
    output: () => out,
    up: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not up within ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const check = (): void => {
          if (!out.includes('retail-supergraph is up.')) return;
          clearTimeout(timer);
          resolve();
        };
        proc.stdout?.on('data', check);
        check();
        void exit.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the launcher exited (${code}) before it was up:\n${out}`));
        });
      }),
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exit;
    },
  };
}

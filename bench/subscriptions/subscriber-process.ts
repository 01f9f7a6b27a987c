/**
 * bench/subclients.ts run as a child process pinned to the client cores, with
 * every message it reports indexed by subscription and by record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root, taskset } from '../processes.js';
import type { ClientLine, ClientSpec } from '../subclients.js';
import { now } from './common.js';

type MsgLine = Extract<ClientLine, { type: 'msg' }>;
type ReadyLine = Extract<ClientLine, { type: 'ready' }>;
type ClosedLine = Extract<ClientLine, { type: 'closed' }>;
type ConnClosedLine = Extract<ClientLine, { type: 'conn-closed' }>;

/** bench/subclients.ts as a child process, with its messages indexed by subscription and by record. */
export class SubscriberProcess {
  readonly ready: Promise<ReadyLine>;
  readonly closes: ConnClosedLine[] = [];
  /** Subscriptions that errored or completed before the close. */
  subscriptionProblems = 0;
  private readonly bySub = new Map<string, MsgLine[]>();
  private readonly eventIds = new Map<string, Set<string>>();
  private readonly duplicates = new Map<string, number>();
  /** record id → subscriptions that received a message about it. */
  private readonly receivers = new Map<string, Set<string>>();
  private readonly errors = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly closed: Promise<ClosedLine>;
  private exited = false;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    let onReady!: (r: ReadyLine) => void;
    let onClosed!: (r: ClosedLine) => void;
    let fail!: (e: Error) => void;
    this.ready = new Promise<ReadyLine>((resolve, reject) => {
      onReady = resolve;
      fail = reject;
    });
    let failClosed!: (e: Error) => void;
    this.closed = new Promise<ClosedLine>((resolve, reject) => {
      onClosed = resolve;
      failClosed = reject;
    });
    // Both may never be awaited when a measurement fails early.
    this.ready.catch(() => undefined);
    this.closed.catch(() => undefined);
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-2000);
    });
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (text) => {
      if (!text.trim()) return;
      let line: ClientLine;
      try {
        line = JSON.parse(text) as ClientLine;
      } catch {
        this.errors.add(`client wrote a line that is not JSON: ${text.slice(0, 120)}`);
        return;
      }
      switch (line.type) {
        case 'ready':
          onReady(line);
          break;
        case 'msg':
          this.record(line);
          break;
        case 'sub-error':
          this.subscriptionProblems += 1;
          this.errors.add(`subscription error: ${line.message}`);
          break;
        case 'sub-complete':
          this.subscriptionProblems += 1;
          this.errors.add('a subscription completed before the run closed it');
          break;
        case 'conn-closed':
          this.closes.push(line);
          if (!line.requested) this.errors.add(`the gateway closed a connection: ${line.code} ${line.reason}`);
          break;
        case 'closed':
          onClosed(line);
          break;
        case 'fatal':
          this.errors.add(`client: ${line.message}`);
          break;
        default: {
          const unreachable: never = line;
          throw new Error(`unexpected client line ${JSON.stringify(unreachable)}`);
        }
      }
      this.wake();
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      const e = new Error(`the subscription client exited (${signal ?? `code ${code}`}): ${[...this.errors].join('; ')} ${this.stderr.slice(-500)}`.trim());
      fail(e);
      failClosed(e);
      this.wake();
    });
  }

  static start(spec: ClientSpec, cores: string | undefined): SubscriberProcess {
    const node = [process.execPath, '--import', 'tsx', join(root, 'bench', 'subclients.ts')];
    const pin = cores !== undefined ? taskset() : null;
    const [cmd, ...args] = pin ? [pin, '-c', cores!, ...node] : node;
    const child = spawn(cmd!, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.write(`${JSON.stringify(spec)}\n`);
    return new SubscriberProcess(child);
  }

  private record(m: MsgLine): void {
    let list = this.bySub.get(m.sub);
    if (!list) this.bySub.set(m.sub, (list = []));
    list.push(m);
    if (m.eventId !== null) {
      let seen = this.eventIds.get(m.sub);
      if (!seen) this.eventIds.set(m.sub, (seen = new Set()));
      if (seen.has(m.eventId)) this.duplicates.set(m.sub, (this.duplicates.get(m.sub) ?? 0) + 1);
      else seen.add(m.eventId);
    }
    if (m.key !== null) {
      let subs = this.receivers.get(m.key);
      if (!subs) this.receivers.set(m.key, (subs = new Set()));
      subs.add(m.sub);
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  messagesOf(sub: string): MsgLine[] {
    return this.bySub.get(sub) ?? [];
  }

  duplicatesOf(sub: string): number {
    return this.duplicates.get(sub) ?? 0;
  }

  /** Subscriptions that received a message about this record. */
  receiversOf(key: string): number {
    return this.receivers.get(key)?.size ?? 0;
  }

  /** The first message about `key` on `sub` received after `after`. */
  firstFor(sub: string, key: string, after: number): MsgLine | undefined {
    return this.bySub.get(sub)?.find((m) => m.key === key && m.t >= after);
  }

  problems(): string[] {
    return [...this.errors];
  }

  /** Resolves true once `done()` holds, false at the deadline (ms since the epoch) or when the client exits. */
  async until(done: () => boolean, deadline: number): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      const left = deadline - now();
      if (left <= 0 || this.exited) return false;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 250));
        this.waiters.add(wake);
      });
    }
  }

  /** Closes every connection and waits for the client to report their close codes and exit. */
  async close(): Promise<ClosedLine> {
    if (!this.exited) this.child.stdin?.end(`${JSON.stringify({ op: 'close' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    try {
      return await this.closed;
    } finally {
      clearTimeout(timer);
    }
  }
}

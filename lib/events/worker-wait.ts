/**
 * The waits of a background worker that drains a queue (the outbox publisher's
 * shape, and the webhook deliverers'): an idle wait that an append's nudge ends
 * early, a backoff that only a stop ends (so appends while the far side is down
 * do not hammer it), and callers waiting for the queue to be empty.
 */
export interface WorkerWait {
  /** Waits `ms`; a nudge ends it early only when `nudged`. A stop always does. */
  sleep(ms: number, nudged: boolean): Promise<void>;
  /** Ends a nudgeable wait now. */
  nudge(): void;
  /** Resolves at the worker's next `drained()` (or at stop). */
  idle(): Promise<void>;
  /** The worker found its queue empty: resolves every `idle()`. */
  drained(): void;
  /** Ends the current wait and resolves every `idle()`. */
  stop(): void;
}

/** The wait before attempt `attempts + 1`: base × 2^(attempts−1), capped, with equal jitter (between half and all of it). */
export function backoffDelay(attempts: number, base: number, max: number, random: () => number = Math.random): number {
  const step = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function workerWait(): WorkerWait {
  let wake: (() => void) | undefined;
  let stopNow: (() => void) | undefined;
  const idleWaiters: Array<() => void> = [];
  const drained = (): void => {
    for (const w of idleWaiters.splice(0)) w();
  };
  return {
    sleep: (ms, nudged) =>
      new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          stopNow = undefined;
          resolve();
        }
        if (nudged) wake = done;
        stopNow = done;
      }),
    nudge: () => wake?.(),
    idle: () =>
      new Promise((resolve) => {
        idleWaiters.push(resolve);
        wake?.();
      }),
    drained,
    stop() {
      stopNow?.();
      drained();
    },
  };
}

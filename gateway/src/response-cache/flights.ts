/**
 * One flight per key for the gateway's caches: while a request computes what
 * a key will hold (a whole answer, a subgraph fetch), an identical request,
 * which has the same key, so the same document, variables and caller scope,
 * waits for it and then looks the key up again instead of computing it too.
 * If the first one's answer could not be stored (errors, stale, a tag moved),
 * the waiter finds nothing and computes its own, as it would have alone.
 *
 * Waiting and looking up again, rather than handing over the first request's
 * answer, keeps every rule of a hit for the waiter: its caller's audit of the
 * reads, its age, and the storing rule that decided the answer was whole and
 * current.
 */

/** Longest wait for another request's flight; past it the waiter computes its own answer. */
export const FLIGHT_WAIT_MS = 15_000;

export class Flights {
  private readonly inFlight = new Map<string, Promise<void>>();

  /**
   * Waits for the flight of `key`, if one is under way (at most `FLIGHT_WAIT_MS`).
   * @returns true when there was one to wait for
   */
  async wait(key: string): Promise<boolean> {
    const flight = this.inFlight.get(key);
    if (!flight) return false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([flight, new Promise<void>((r) => (timer = setTimeout(r, FLIGHT_WAIT_MS)))]);
    clearTimeout(timer);
    return true;
  }

  /**
   * Starts the flight of `key`, unless one is under way.
   * @returns lands the flight (call it once the answer is stored or judged unstorable), or undefined when another has it
   */
  start(key: string): (() => void) | undefined {
    if (this.inFlight.has(key)) return undefined;
    let land!: () => void;
    const flight = new Promise<void>((r) => (land = r));
    this.inFlight.set(key, flight);
    // A request that never lands (its response never sent) must not keep the key for ever.
    const timer = setTimeout(() => done(), FLIGHT_WAIT_MS);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      land();
    };
    return done;
  }

  /** Flights under way, for tests. */
  get size(): number {
    return this.inFlight.size;
  }
}

/**
 * The event bus that carries domain events (an order's status changed, a case
 * was updated) from the change feeds to subscribers and cache invalidation.
 *
 * Delivery is at least once: a feed may see the same change twice (overlapping
 * polls, a webhook and the export that backs it up), so every event has a
 * stable `eventId` and the bus drops repeats at publish; subscribers drop
 * repeats too. Every event gets a `position` that orders it on its topic, so a
 * subscriber that was away can resume after the last position it saw.
 *
 * In process by default; with Redis, Redis Streams, so that an event seen by
 * one replica reaches subscribers on every replica, and a replica that was
 * briefly disconnected reads on from its last position instead of losing what
 * was published meanwhile (plain pub/sub would drop it).
 */
import { EventEmitter } from 'node:events';
import type { RedisClientType } from 'redis';
import { childLogger } from '../log.js';

const log = childLogger('events');

export interface DomainEvent<T = unknown> {
  /** Stable identity of the change, the same however often it is seen. */
  eventId: string;
  topic: string;
  /** When the change happened in the system of record (ISO-8601). */
  occurredAt: string;
  payload: T;
  /** Order of the event on its topic, assigned by the bus. */
  position: string;
}

export type NewEvent<T = unknown> = Omit<DomainEvent<T>, 'position'>;

export interface SubscribeOptions {
  /** Deliver retained events after this position first, then live ones. @default live only */
  after?: string;
  signal?: AbortSignal;
}

export interface EventBus {
  /** Publishes an event; resolves to its position, or null when it was a repeat. */
  publish<T>(event: NewEvent<T>): Promise<string | null>;
  subscribe<T = unknown>(topic: string, opts?: SubscribeOptions): AsyncIterableIterator<DomainEvent<T>>;
  close(): Promise<void>;
}

/** Positions compare as (milliseconds, sequence), like Redis stream ids. */
export function comparePositions(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** A bounded set of recently seen ids, oldest forgotten first. */
class RecentIds {
  private readonly set = new Set<string>();
  constructor(private readonly capacity: number) {}
  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    this.set.add(id);
    if (this.set.size > this.capacity) {
      const oldest = this.set.values().next().value;
      if (oldest !== undefined) this.set.delete(oldest);
    }
    return true;
  }
}

/** A pull iterator fed by pushes, ending on abort or return(). */
class Feed<T> implements AsyncIterableIterator<DomainEvent<T>> {
  private readonly queue: Array<DomainEvent<T>> = [];
  private waiting: ((r: IteratorResult<DomainEvent<T>>) => void) | undefined;
  private ended = false;
  private readonly seen = new RecentIds(10_000);

  constructor(
    private readonly onEnd: () => void,
    private readonly limit = 10_000,
  ) {}

  push(event: DomainEvent<T>): void {
    if (this.ended || !this.seen.add(event.eventId)) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: event, done: false });
      return;
    }
    // A consumer this far behind is not consuming: drop the oldest rather than grow without bound.
    if (this.queue.length >= this.limit) this.queue.shift();
    this.queue.push(event);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<DomainEvent<T>>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<DomainEvent<T>>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<DomainEvent<T>> {
    return this;
  }
}

export interface InProcessBusOptions {
  /** Events kept per topic for resuming subscribers. @default 10000 */
  retain?: number;
}

export function inProcessBus(opts: InProcessBusOptions = {}): EventBus {
  const retain = opts.retain ?? 10_000;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const history = new Map<string, Array<DomainEvent>>();
  const seen = new RecentIds(100_000);
  let lastMs = 0;
  let seq = 0;

  const nextPosition = (): string => {
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      seq = 0;
    } else {
      seq += 1;
    }
    return `${lastMs}-${seq}`;
  };

  return {
    async publish(event) {
      if (!seen.add(event.eventId)) return null;
      const full: DomainEvent = { ...event, position: nextPosition() };
      let list = history.get(event.topic);
      if (!list) history.set(event.topic, (list = []));
      list.push(full);
      if (list.length > retain) list.splice(0, list.length - retain);
      emitter.emit(event.topic, full);
      return full.position;
    },
    subscribe<T>(topic: string, o: SubscribeOptions = {}) {
      const listener = (e: DomainEvent<T>): void => feed.push(e);
      const feed: Feed<T> = new Feed<T>(() => emitter.off(topic, listener));
      if (o.after !== undefined) {
        for (const e of history.get(topic) ?? []) if (comparePositions(e.position, o.after) > 0) feed.push(e as DomainEvent<T>);
      }
      emitter.on(topic, listener);
      o.signal?.addEventListener('abort', () => feed.end(), { once: true });
      return feed;
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export interface RedisBusOptions {
  /** Key prefix (the product's namespace). */
  namespace: string;
  /** Approximate events kept per topic stream. @default 100000 */
  retain?: number;
  /** How long an eventId is remembered for de-duplication across replicas, in seconds. @default 7 days */
  dedupeSeconds?: number;
}

/**
 * Redis Streams bus. `client` serves publishes; a duplicate connection is made
 * for the blocking reads (a blocked connection can do nothing else).
 */
export async function redisBus(client: RedisClientType, opts: RedisBusOptions): Promise<EventBus> {
  const retain = opts.retain ?? 100_000;
  const dedupe = opts.dedupeSeconds ?? 7 * 24 * 3600;
  const streamKey = (topic: string): string => `${opts.namespace}:events:${topic}`;
  const reader = client.duplicate();
  reader.on('error', (err: unknown) => log.warn({ err: (err as Error).message }, 'event reader connection error'));
  await reader.connect();

  interface Reader {
    topic: string;
    last: string;
    feed: Feed<unknown>;
  }
  const readers = new Set<Reader>();
  let closed = false;
  let wake: (() => void) | undefined;

  // One blocking loop reads every topic any local subscriber follows, each from its own last id.
  const loop = async (): Promise<void> => {
    while (!closed) {
      if (readers.size === 0) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const byStream = new Map<string, string>();
      for (const r of readers) {
        const key = streamKey(r.topic);
        const current = byStream.get(key);
        if (current === undefined || comparePositions(r.last, current) < 0) byStream.set(key, r.last);
      }
      try {
        const res = (await reader.xRead(
          [...byStream.entries()].map(([key, id]) => ({ key, id })),
          // A short block so that a reader joining with an earlier position waits little for the next round.
          { BLOCK: 200, COUNT: 500 },
        )) as Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }> | null;
        for (const stream of res ?? []) {
          for (const m of stream.messages) {
            const event = { ...(JSON.parse(m.message.event ?? '{}') as NewEvent), position: m.id } as DomainEvent;
            for (const r of readers) {
              if (streamKey(r.topic) === stream.name && comparePositions(m.id, r.last) > 0) {
                r.last = m.id;
                r.feed.push(event);
              }
            }
          }
        }
      } catch (e) {
        if (closed) return;
        log.warn({ err: (e as Error).message }, 'reading events failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const running = loop();

  return {
    async publish(event) {
      const fresh = await client.set(`${opts.namespace}:events:seen:${event.eventId}`, '1', { NX: true, EX: dedupe });
      if (fresh === null) return null;
      return client.xAdd(streamKey(event.topic), '*', { event: JSON.stringify(event) }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: retain } });
    },
    subscribe<T>(topic: string, o: SubscribeOptions = {}) {
      const r: Reader = { topic, last: o.after ?? '$', feed: null as unknown as Feed<unknown> };
      r.feed = new Feed<unknown>(() => readers.delete(r));
      const start = async (): Promise<void> => {
        if (r.last === '$') {
          // '$' cannot be shared between readers; pin it to the stream's current last id.
          const info = (await client.xRevRange(streamKey(topic), '+', '-', { COUNT: 1 })) as Array<{ id: string }>;
          r.last = info[0]?.id ?? '0-0';
        }
        readers.add(r);
        wake?.();
      };
      void start();
      o.signal?.addEventListener('abort', () => r.feed.end(), { once: true });
      return r.feed as unknown as AsyncIterableIterator<DomainEvent<T>>;
    },
    async close() {
      closed = true;
      wake?.();
      for (const r of [...readers]) r.feed.end();
      await reader.quit().catch(() => undefined);
      await running.catch(() => undefined);
    },
  };
}

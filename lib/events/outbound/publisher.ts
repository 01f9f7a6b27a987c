/**
 * Moves canonical events from the outbox to the broker, oldest first, one at a
 * time so that order is kept per entity (and per subgraph). An event the broker
 * refuses or cannot take is tried again with a backoff, for as long as it takes;
 * the cursor moves only past what the broker acknowledged. The broker drops a
 * repeat of an event id inside its de-duplication window, so an event published
 * again after a crash between the broker's acknowledgement and ours is stored
 * once.
 */
import { childLogger } from '../../log.js';
import type { CloudEvent } from './canonical.js';
import type { Outbox } from './outbox.js';
import { backoffDelay, workerWait } from '../worker-wait.js';

const log = childLogger('events:outbound');

/** Where canonical events go: NATS JetStream (nats.ts), or a test's double. */
export interface Broker {
  /** Resolves once the broker has stored the event (or recognised it as a repeat). */
  publish(event: CloudEvent): Promise<void>;
  close(): Promise<void>;
}

export interface PublisherOptions {
  outbox: Outbox;
  broker: Broker;
  /**
   * Whether this replica publishes now: only the feed leader does, so replicas do
   * not race each other through one outbox. @default always
   */
  isLeader?: () => boolean;
  /** First wait after a failed publish; doubles up to maxBackoffMs. @default 200 */
  backoffMs?: number;
  /** @default 10000 */
  maxBackoffMs?: number;
  /** How often an idle publisher looks at the outbox, in case an append's nudge was missed (another replica's). @default 1000 */
  idleMs?: number;
}

export interface Publisher {
  /** Tells the publisher that something was appended, so it need not wait for its next look. */
  nudge(): void;
  /** Resolves once the outbox is empty (tests, and a drain at shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startPublisher(opts: PublisherOptions): Publisher {
  const backoff = opts.backoffMs ?? 200;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  const idleMs = opts.idleMs ?? 1000;
  let stopped = false;
  // An idle wait ends early on a nudge; a backoff only on stop, so appends while the broker is down do not hammer it.
  const wait = workerWait();
  const sleep = wait.sleep;

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopped) {
      if (opts.isLeader && !opts.isLeader()) {
        await sleep(idleMs, false);
        continue;
      }
      let batch;
      try {
        batch = await opts.outbox.pending(100);
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'could not read the outbox; trying again');
        await sleep(backoffDelay(++failures, backoff, maxBackoff), false);
        continue;
      }
      if (batch.length === 0) {
        wait.drained();
        await sleep(idleMs, true);
        continue;
      }
      for (const entry of batch) {
        if (stopped) return;
        try {
          await opts.broker.publish(entry.event);
          await opts.outbox.ack(entry.position);
          if (failures > 0) log.info({ eventId: entry.event.id, afterFailures: failures }, 'the broker takes events again');
          failures = 0;
        } catch (e) {
          if (failures === 0) log.warn({ err: (e as Error).message, eventId: entry.event.id }, 'could not publish; events wait in the outbox and are tried again');
          await sleep(backoffDelay(++failures, backoff, maxBackoff), false);
          break;
        }
      }
    }
  };
  const running = loop().catch((e: unknown) => log.error({ err: (e as Error).message }, 'the event publisher stopped'));

  return {
    nudge: wait.nudge,
    idle: wait.idle,
    async stop() {
      stopped = true;
      wait.stop();
      await running;
    },
  };
}

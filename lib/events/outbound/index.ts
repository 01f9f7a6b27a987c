/**
 * Canonical change events for other systems: the outbox, the publisher and the
 * NATS JetStream broker, wired into a subgraph's bus when EVENTS_NATS_URL is set
 * (lib/boot.ts). docs/events.md is the consumer's guide.
 */
import { z } from 'zod';
import type { RedisClientType } from 'redis';
import { parseSettings } from '../../config.js';
import type { EventBus } from '../bus.js';
import { canonicalEvent } from './canonical.js';
import { natsBroker } from './nats.js';
import { fileOutbox, redisOutbox, type Outbox } from './outbox.js';
import { startPublisher, type Broker, type Publisher } from './publisher.js';

export { canonicalEvent, CANONICAL_TYPES, OUTBOUND_TOPICS, type CloudEvent } from './canonical.js';
export { fileOutbox, redisOutbox, type Outbox } from './outbox.js';
export { startPublisher, type Broker, type Publisher } from './publisher.js';
export { natsBroker, subjectOf } from './nats.js';

export interface OutboundConfig {
  natsUrl: string;
  stream: string;
  subjectPrefix: string;
  duplicateWindowMs: number;
}

/** The outbound settings, or null when EVENTS_NATS_URL is unset (nothing is published outside). */
export function loadOutboundConfig(env: Record<string, string | undefined>): OutboundConfig | null {
  const c = parseSettings(
    'events',
    z.object({
      EVENTS_NATS_URL: z.string().regex(/^(nats|tls|wss?):\/\/\S+$/, 'expected nats://host:port').optional(),
      EVENTS_NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a stream name of letters, digits, - and _').default('RETAIL_EVENTS'),
      EVENTS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'expected dot-separated tokens such as retail.events').default('retail.events'),
      EVENTS_DUPLICATE_WINDOW_MS: z.coerce.number().int().min(60_000).default(3_600_000),
    }),
    env,
  );
  if (!c.EVENTS_NATS_URL) return null;
  return { natsUrl: c.EVENTS_NATS_URL, stream: c.EVENTS_NATS_STREAM, subjectPrefix: c.EVENTS_SUBJECT_PREFIX, duplicateWindowMs: c.EVENTS_DUPLICATE_WINDOW_MS };
}

/**
 * The bus a subgraph publishes through: each event other systems hear of is
 * appended to the outbox before it goes on the bus. A feed saves its watermark
 * only after the bus took its events, so once the change counts as seen its
 * canonical event is on disk (or in Redis); a repeat appended again is stored
 * once by the broker's de-duplication.
 */
export function withOutbox(bus: EventBus, outbox: Outbox, appended: () => void): EventBus {
  return {
    async publish(event) {
      const canonical = canonicalEvent(event);
      if (canonical) {
        await outbox.append([canonical]);
        appended();
      }
      return bus.publish(event);
    },
    subscribe: (topic, opts) => bus.subscribe(topic, opts),
    close: () => bus.close(),
  };
}

export interface Outbound {
  bus: EventBus;
  outbox: Outbox;
  publisher: Publisher;
  close(): Promise<void>;
}

/** Starts publishing a subgraph's canonical events: its outbox (Redis or file), the broker, the publisher. */
export async function openOutbound(
  config: OutboundConfig,
  deps: { name: string; namespace: string; bus: EventBus; redis?: RedisClientType; dir: string; broker?: Broker; isLeader?: () => boolean },
): Promise<Outbound> {
  const outbox = deps.redis ? redisOutbox(deps.redis, deps.namespace, deps.name) : await fileOutbox(deps.dir, deps.name);
  const broker = deps.broker ?? natsBroker({ url: config.natsUrl, stream: config.stream, subjectPrefix: config.subjectPrefix, duplicateWindowMs: config.duplicateWindowMs });
  const publisher = startPublisher({ outbox, broker, ...(deps.isLeader ? { isLeader: deps.isLeader } : {}) });
  return {
    bus: withOutbox(deps.bus, outbox, () => publisher.nudge()),
    outbox,
    publisher,
    async close() {
      await publisher.stop();
      await broker.close();
      await outbox.close();
    },
  };
}

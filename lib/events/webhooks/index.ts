/**
 * Outbound webhooks for consumers without a broker: each consumer in
 * EVENTS_WEBHOOKS_FILE gets the canonical events of the types it chose, signed
 * as Standard Webhooks says, from its own queue (lib/boot.ts wires this into a
 * subgraph's bus). docs/events.md is the consumer's and the operator's guide;
 * scripts/webhooks.ts lists and replays dead letters and ranges.
 */
import { join } from 'node:path';
import type { RedisClientType } from 'redis';
import type { HealthCheck } from '../../health.js';
import type { EventBus } from '../bus.js';
import { canonicalEvent } from '../outbound/canonical.js';
import type { WebhookConsumer, WebhooksConfig } from './config.js';
import { startDeliverer, webhookAgent, type Deliverer } from './deliver.js';
import { fileWebhookQueue, redisWebhookQueue, type WebhookQueue } from './queue.js';

export { loadWebhooksConfig, type WebhookConsumer, type WebhooksConfig } from './config.js';
export { backoffDelay } from '../worker-wait.js';
export { deliverOnce, startDeliverer, webhookAgent, DeliveryError, type Deliverer } from './deliver.js';
export { fileWebhookQueue, redisWebhookQueue, type DeadLetter, type QueuedEvent, type WebhookQueue } from './queue.js';
export { signWebhook, verifyWebhook, type VerifyResult } from './sign.js';
export { addressProblem, checkWebhookUrl, guardedLookup, type WebhookMode } from './ssrf.js';

/** Where the file queues live: beside the feeds' state. */
export const webhooksDir = (feedsDir: string): string => join(feedsDir, 'webhooks');

/** A consumer's queue in the store the subgraph uses (Redis when it has it). */
export function webhookQueue(
  config: Pick<WebhooksConfig, 'retentionMs'>,
  consumer: string,
  deps: { name: string; namespace: string; redis?: RedisClientType; dir: string },
): WebhookQueue {
  return deps.redis
    ? redisWebhookQueue(deps.redis, deps.namespace, deps.name, consumer, { retentionMs: config.retentionMs })
    : fileWebhookQueue(webhooksDir(deps.dir), deps.name, consumer, { retentionMs: config.retentionMs });
}

/**
 * The bus a subgraph publishes through: each canonical event is appended to
 * the queue of every consumer of its type before the bus takes it, so once its
 * feed counts the change as seen, the deliveries are stored.
 */
export function withWebhooks(bus: EventBus, queues: ReadonlyArray<{ consumer: WebhookConsumer; queue: WebhookQueue; deliverer?: Deliverer }>): EventBus {
  return {
    async publish(event) {
      const canonical = canonicalEvent(event);
      if (canonical) {
        const takers = queues.filter((q) => q.consumer.types.includes(canonical.type));
        await Promise.all(takers.map((q) => q.queue.append([canonical])));
        for (const q of takers) q.deliverer?.nudge();
      }
      return bus.publish(event);
    },
    subscribe: (topic, opts) => bus.subscribe(topic, opts),
    close: () => bus.close(),
  };
}

export interface Webhooks {
  bus: EventBus;
  consumers: ReadonlyArray<{ consumer: WebhookConsumer; queue: WebhookQueue; deliverer: Deliverer }>;
  /** Readiness: one part per consumer, `webhooks:<name>`, degraded while it has dead letters. */
  checks(): HealthCheck[];
  close(): Promise<void>;
}

/** Starts a subgraph's webhook deliveries: one queue and deliverer per consumer, one guarded agent. */
export function openWebhooks(
  config: WebhooksConfig,
  deps: { name: string; namespace: string; bus: EventBus; redis?: RedisClientType; dir: string; isLeader?: () => boolean; idleMs?: number },
): Webhooks {
  const agent = webhookAgent(config.mode, config.timeoutMs);
  const consumers = config.consumers.map((consumer) => {
    const queue = webhookQueue(config, consumer.name, deps);
    const deliverer = startDeliverer(consumer, queue, config, {
      agent,
      ...(deps.isLeader ? { isLeader: deps.isLeader } : {}),
      ...(deps.idleMs !== undefined ? { idleMs: deps.idleMs } : {}),
    });
    return { consumer, queue, deliverer };
  });
  return {
    bus: withWebhooks(deps.bus, consumers),
    consumers,
    checks: () =>
      consumers.map(({ consumer, queue }) => ({
        name: `webhooks:${consumer.name}`,
        async check() {
          const deadLettered = await queue.deadLetterCount();
          const reasons = deadLettered > 0 ? [`${deadLettered} events for ${consumer.name} are dead-lettered: replay them once it works (docs/events.md#operating-webhooks)`] : [];
          return { name: `webhooks:${consumer.name}`, status: deadLettered > 0 ? 'degraded' : 'ok', reasons, details: { deadLettered } };
        },
      })),
    async close() {
      await Promise.all(consumers.map((c) => c.deliverer.stop()));
      await agent.close();
    },
  };
}

/**
 * Delivers one consumer's queue: oldest first, one at a time, so that an
 * entity's events arrive in the order they happened. Each delivery is an HTTP
 * POST of the CloudEvent, signed as Standard Webhooks says, through an undici
 * agent whose lookup refuses internal addresses (ssrf.ts) and which follows no
 * redirect. A 2xx delivers; anything else (or no answer within the timeout) is
 * tried again after an exponential backoff with jitter, or after the consumer's
 * Retry-After when longer, up to `maxAttempts`, and is then dead-lettered with
 * its last error.
 *
 * An entity's later events do not overtake a dead-lettered one: they join it in
 * the dead-letter list, marked as held behind it, and a replay sends them again
 * in their order. Other entities' events go on.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { childLogger } from '../../log.js';
import { backoffDelay, workerWait } from '../worker-wait.js';
import type { CloudEvent } from '../outbound/canonical.js';
import type { WebhookConsumer, WebhooksConfig } from './config.js';
import type { QueuedEvent, WebhookQueue } from './queue.js';
import { signWebhook } from './sign.js';
import { guardedLookup, type WebhookMode } from './ssrf.js';

const log = childLogger('events:webhooks');

/** The agent every delivery of a process goes through: guarded lookups, no keep-alive surprises past the timeout. */
export function webhookAgent(mode: WebhookMode, timeoutMs: number): Agent {
  return new Agent({ connect: { lookup: guardedLookup(mode), timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** The consumer's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const retryAfter = (value: string | string[] | undefined): number | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

/** POSTs one event to a consumer; resolves on a 2xx, throws a DeliveryError otherwise. */
export async function deliverOnce(consumer: WebhookConsumer, event: CloudEvent, agent: Agent, timeoutMs: number): Promise<void> {
  const body = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  let res;
  try {
    res = await request(consumer.url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'retail-supergraph-webhooks',
        // The event id: the same on every retry and replay, so the consumer de-duplicates by it.
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(consumer.secret, event.id, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    throw new DeliveryError(`no answer: ${err.cause?.message ?? err.message}`);
  }
  // The answer's body means nothing to us; read it away so the connection is reused.
  await res.body.dump().catch(() => undefined);
  if (res.statusCode >= 200 && res.statusCode < 300) return;
  if (res.statusCode >= 300 && res.statusCode < 400)
    throw new DeliveryError(`HTTP ${res.statusCode}: redirects are not followed (to ${String(res.headers.location ?? 'nowhere')}); configure the final URL`);
  throw new DeliveryError(`HTTP ${res.statusCode}`, retryAfter(res.headers['retry-after']));
}

export interface Deliverer {
  nudge(): void;
  /** Resolves once the queue has nothing waiting (tests, a drain). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startDeliverer(
  consumer: WebhookConsumer,
  queue: WebhookQueue,
  config: Pick<WebhooksConfig, 'maxAttempts' | 'backoffMs' | 'maxBackoffMs' | 'timeoutMs'>,
  deps: { agent: Agent; isLeader?: () => boolean; idleMs?: number },
): Deliverer {
  const idleMs = deps.idleMs ?? 1000;
  let stopped = false;
  const wait = workerWait();
  const sleep = wait.sleep;
  const entityOf = (e: CloudEvent): string => `${e.type}:${e.subject}`;
  // One replica delivers a shared queue at a time; the lease outlasts an attempt, and is renewed before each.
  const owner = randomUUID();
  const leaseMs = 2 * config.timeoutMs + 5_000;

  const attempt = async (entry: QueuedEvent): Promise<number> => {
    const blocker = (await queue.deadLetters()).find((d) => entityOf(d.event) === entityOf(entry.event));
    if (blocker) {
      await queue.deadLetter(entry.position, `held behind the dead-lettered event ${blocker.event.id} of the same ${entry.event.type.split('.')[0]}, to keep its order`);
      return 0;
    }
    try {
      await deliverOnce(consumer, entry.event, deps.agent, config.timeoutMs);
    } catch (e) {
      const error = e instanceof DeliveryError ? e : new DeliveryError((e as Error).message);
      const attempts = await queue.failed(entry.position, error.message);
      if (attempts >= config.maxAttempts) {
        await queue.deadLetter(entry.position, error.message);
        log.warn({ consumer: consumer.name, eventId: entry.event.id, attempts, err: error.message }, 'webhook dead-lettered');
        return 0;
      }
      if (attempts === 1) log.warn({ consumer: consumer.name, eventId: entry.event.id, err: error.message }, 'webhook delivery failed; retrying with backoff');
      return Math.max(backoffDelay(attempts, config.backoffMs, config.maxBackoffMs), Math.min(error.retryAfterMs ?? 0, config.maxBackoffMs));
    }
    // Outside the try: a store that fails here is not the consumer's failure (the loop retries; the event may go twice).
    await queue.delivered(entry.position);
    if (entry.attempts > 0) log.info({ consumer: consumer.name, eventId: entry.event.id, afterFailures: entry.attempts }, 'webhook delivered after failures');
    return 0;
  };

  const loop = async (): Promise<void> => {
    let storeFailures = 0;
    while (!stopped) {
      if (deps.isLeader && !deps.isLeader()) {
        await sleep(idleMs, false);
        continue;
      }
      try {
        if (!(await queue.lease(owner, leaseMs))) {
          await sleep(idleMs, false);
          continue;
        }
        const entry = await queue.next();
        storeFailures = 0;
        if (!entry) {
          wait.drained();
          await sleep(idleMs, true);
          continue;
        }
        const backoff = await attempt(entry);
        if (backoff > 0) await sleep(backoff, false);
      } catch (e) {
        // The queue's store failed (Redis away, a full disk): nothing moved, so try again later.
        log.warn({ consumer: consumer.name, err: (e as Error).message }, 'could not read or update the webhook queue; trying again');
        await sleep(backoffDelay(++storeFailures, config.backoffMs, config.maxBackoffMs), false);
      }
    }
  };
  const running = loop().catch((e: unknown) => log.error({ consumer: consumer.name, err: (e as Error).message }, 'the webhook deliverer stopped'));
  return {
    nudge: wait.nudge,
    idle: wait.idle,
    async stop() {
      stopped = true;
      wait.stop();
      await running;
      wait.drained();
    },
  };
}

/**
 * The broker for canonical events: NATS JetStream. Each event is one message on
 * `<prefix>.<type>.v<version>` (e.g. `retail.events.order.statusChanged.v1`),
 * in CloudEvents structured mode, with `Nats-Msg-Id` set to the event id: the
 * stream stores a repeat of an id inside its duplicate window once.
 *
 * The stream is created when missing, with a duplicate window of at least the
 * configured one; an existing stream with a shorter window is widened, since a
 * shorter window would let a retried event be stored twice.
 */
import { connect, headers, nanos, type JetStreamClient, type NatsConnection } from 'nats';
import { childLogger } from '../../log.js';
import { EVENTS_SCHEMA_VERSION } from './canonical.js';
import type { Broker } from './publisher.js';

const log = childLogger('events:nats');

export interface NatsBrokerOptions {
  /** e.g. nats://127.0.0.1:4222 */
  url: string;
  /** @default RETAIL_EVENTS */
  stream: string;
  /** @default retail.events */
  subjectPrefix: string;
  /** JetStream's duplicate window: at least the longest an event can wait between a publish the broker stored and its retry. */
  duplicateWindowMs: number;
  /** One publish's wait for the broker's acknowledgement. @default 5000 */
  timeoutMs?: number;
}

/** The subject of an event of `type`. */
export const subjectOf = (prefix: string, type: string): string => `${prefix}.${type}.v${EVENTS_SCHEMA_VERSION}`;

/**
 * Publishes to JetStream, reconnecting in the background after a connection drops.
 */
export function natsBroker(opts: NatsBrokerOptions): Broker {
  let conn: Promise<{ nc: NatsConnection; js: JetStreamClient }> | undefined;
  let ready: Promise<void> | undefined;
  let closed = false;
  // Connected on first use, so that a broker that is down at boot stops nothing: events wait in
  // the outbox, and a failed connection is tried again at the next publish.
  const connection = (): Promise<{ nc: NatsConnection; js: JetStreamClient }> =>
    (conn ??= (async () => {
      const nc = await connect({ servers: opts.url, name: 'retail-supergraph', reconnect: true, maxReconnectAttempts: -1, timeout: opts.timeoutMs ?? 5000 });
      void (async () => {
        for await (const s of nc.status()) if (s.type === 'disconnect' || s.type === 'reconnect') log.info({ status: s.type }, `NATS ${s.type}`);
      })().catch(() => undefined);
      return { nc, js: nc.jetstream() };
    })().catch((e: unknown) => {
      conn = undefined;
      throw e;
    }));
  const ensureStream = async (nc: NatsConnection): Promise<void> => {
    const jsm = await nc.jetstreamManager();
    const window = nanos(opts.duplicateWindowMs);
    const subjects = [`${opts.subjectPrefix}.>`];
    try {
      const info = await jsm.streams.info(opts.stream);
      const have = info.config.subjects ?? [];
      const missing = subjects.filter((s) => !have.includes(s));
      if ((info.config.duplicate_window ?? 0) < window || missing.length > 0) {
        await jsm.streams.update(opts.stream, { ...info.config, duplicate_window: Math.max(info.config.duplicate_window ?? 0, window), subjects: [...have, ...missing] });
      }
    } catch (e) {
      if (!/stream not found/i.test((e as Error).message)) throw e;
      await jsm.streams.add({ name: opts.stream, subjects, duplicate_window: window });
    }
  };
  return {
    async publish(event) {
      if (closed) throw new Error('the NATS broker is closed');
      const { nc, js } = await connection();
      // Made once the broker is reachable; made again after a failure (a stream deleted by an operator).
      ready ??= ensureStream(nc).catch((e: unknown) => {
        ready = undefined;
        throw e;
      });
      await ready;
      const h = headers();
      h.set('content-type', 'application/cloudevents+json');
      h.set('ce-type', event.type);
      h.set('ce-id', event.id);
      await js.publish(subjectOf(opts.subjectPrefix, event.type), new TextEncoder().encode(JSON.stringify(event)), {
        msgID: event.id,
        headers: h,
        timeout: opts.timeoutMs ?? 5000,
      });
    },
    async close() {
      closed = true;
      const c = await conn?.catch(() => undefined);
      await c?.nc.close();
    },
  };
}

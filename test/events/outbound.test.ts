/**
 * Canonical change events for other systems: their schemas, the outbox that
 * keeps them through a crash or a broker outage, and the publisher that moves
 * them in order.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { CANONICAL_TYPES, canonicalEvent, dataschemaOf, type CloudEvent } from '../../lib/events/outbound/canonical.js';
import { createClient, type RedisClientType } from 'redis';
import { fileOutbox, redisOutbox } from '../../lib/events/outbound/outbox.js';
import { startPublisher, type Broker } from '../../lib/events/outbound/publisher.js';
import { SAMPLES } from './samples.js';

// ajv-formats is CommonJS with its plugin as module.exports and as .default; under NodeNext the import is the module object.
const addFormats = formats as unknown as typeof formats.default;

const root = join(import.meta.dirname, '..', '..');
const schemaDir = join(root, 'docs', 'events');

const event = (n: number): CloudEvent => ({ ...(canonicalEvent(SAMPLES[0]!) as CloudEvent), id: `e-${n}`, subject: `SO-${n}` });

describe('the event schemas', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const schemas = Object.fromEntries(
    readdirSync(schemaDir)
      .filter((f) => f.endsWith('.schema.json'))
      .map((f) => [f, JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as { $id: string }]),
  );

  it('are committed for every type, one per version, named by the dataschema the events declare', () => {
    expect(Object.keys(schemas).sort()).toEqual(CANONICAL_TYPES.map((t) => `${t}.v1.schema.json`).sort());
    for (const t of CANONICAL_TYPES) expect(schemas[`${t}.v1.schema.json`]?.$id).toBe(dataschemaOf(t));
  });

  it('accept what the product publishes for each topic, and carry no personal data', () => {
    for (const sample of SAMPLES) {
      const e = canonicalEvent(sample);
      expect(e, sample.topic).not.toBeNull();
      const validate = ajv.compile(schemas[`${e!.type}.v1.schema.json`]!);
      expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
      expect(e!.id).toBe(sample.eventId);
      expect(JSON.stringify(e)).not.toMatch(/jane@example\.com|Main St/);
    }
    expect(canonicalEvent(SAMPLES[3]!)!.data).toEqual({
      customerNumber: 'C-000042',
      entity: 'Account',
      changeType: 'UPDATE',
      changedFields: ['Loyalty_Tier__c', 'PersonEmail'],
      changedAt: '2026-11-20T13:00:00.000Z',
    });
  });

  it('refuse an event missing what its type requires; internal topics stay internal', () => {
    const e = canonicalEvent(SAMPLES[0]!)!;
    const validate = ajv.compile(schemas['order.statusChanged.v1.schema.json']!);
    expect(validate({ ...e, data: { ...e.data, status: 'LOST' } })).toBe(false);
    expect(canonicalEvent({ ...SAMPLES[0]!, payload: { orderId: 'SO-1' } })).toBeNull();
    expect(canonicalEvent({ ...SAMPLES[0]!, topic: 'order.returns' })).toBeNull();
  });
});

describe('the file outbox', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'rsg-outbox-'));
    dirs.push(d);
    return d;
  };

  it('keeps what was appended and not acknowledged across a restart, and forgets what was', async () => {
    const d = dir();
    const a = await fileOutbox(d, 'order');
    await a.append([event(1), event(2), event(3)]);
    const [first] = await a.pending(1);
    await a.ack(first!.position);
    await a.close();
    // A crash in the middle of an append leaves half a line; it was never acknowledged to anyone.
    appendFileSync(join(d, 'order.outbox.jsonl'), '{"seq":4,"event":{"id":"e-4"');
    const b = await fileOutbox(d, 'order');
    expect((await b.pending(10)).map((p) => p.event.id)).toEqual(['e-2', 'e-3']);
    expect(await b.depth()).toBe(2);
    await b.append([event(5)]);
    const all = await b.pending(10);
    expect(all.map((p) => p.event.id)).toEqual(['e-2', 'e-3', 'e-5']);
    // Positions keep growing after a restart, so an acknowledgement never covers a newer entry.
    expect(Number(all[2]!.position)).toBeGreaterThan(Number(all[1]!.position));
    await b.ack(all[2]!.position);
    expect(await b.depth()).toBe(0);
    await b.close();
    expect(await (await fileOutbox(d, 'order')).pending(10)).toEqual([]);
  });
});

describe('the publisher', () => {
  it('keeps events in the outbox while the broker is down, then delivers each once, in order', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rsg-outbox-'));
    try {
      const outbox = await fileOutbox(d, 'order');
      let down = true;
      const stored: string[] = [];
      let attempts = 0;
      const broker: Broker = {
        async publish(e) {
          attempts += 1;
          if (down) throw new Error('connection refused');
          stored.push(e.id);
        },
        async close() {},
      };
      const publisher = startPublisher({ outbox, broker, backoffMs: 5, maxBackoffMs: 20, idleMs: 10 });
      await outbox.append([event(1), event(2)]);
      publisher.nudge();
      await new Promise((r) => setTimeout(r, 100));
      await outbox.append([event(3)]);
      expect(stored).toEqual([]);
      expect(attempts).toBeGreaterThan(1);
      expect(await outbox.depth()).toBe(3);
      down = false;
      await publisher.idle();
      expect(stored).toEqual(['e-1', 'e-2', 'e-3']);
      expect(await outbox.depth()).toBe(0);
      await publisher.stop();
      await outbox.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!process.env.REDIS_URL)('the Redis outbox (skipped: REDIS_URL is not set)', () => {
  it('is one outbox for every replica of a subgraph, read from its cursor and trimmed as it is acknowledged', async () => {
    const redis = createClient({ url: process.env.REDIS_URL }) as RedisClientType;
    await redis.connect();
    const namespace = `test-outbox-${randomUUID()}`;
    try {
      const a = redisOutbox(redis, namespace, 'service');
      const b = redisOutbox(redis, namespace, 'service');
      await a.append([event(1)]);
      await b.append([event(2), event(3)]);
      const pending = await a.pending(10);
      expect(pending.map((p) => p.event.id)).toEqual(['e-1', 'e-2', 'e-3']);
      await b.ack(pending[1]!.position);
      expect((await a.pending(10)).map((p) => p.event.id)).toEqual(['e-3']);
      expect(await a.depth()).toBe(1);
      expect(await redis.xLen(`${namespace}:outbox:service`)).toBe(2);
    } finally {
      // Outbox keys hold what is not delivered yet, so they have no TTL: the test removes its own.
      await redis.del([`${namespace}:outbox:service`, `${namespace}:outbox:service:cursor`]);
      await redis.quit();
    }
  });
});

/**
 * Rejected identity candidates (docs/identity.md#rejecting-a-candidate) survive a restart:
 * the embedded store in a file, and Redis when REDIS_URL is set. A rejection is kept once,
 * per customer, and concurrent rejections in one process all land.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { RedisClientType } from 'redis';
import { fileRejections, redisRejections, type IdentityRejections } from '../../lib/identity-rejections.js';
import { connectOnce } from '../support/redis-keys.js';

async function behaves(open: () => IdentityRejections): Promise<void> {
  const first = open();
  await Promise.all([
    first.reject('C-000001', 'ZENDESK_ORGANIZATION:11', 'agent-1'),
    first.reject('C-000001', 'ZENDESK_ORGANIZATION:12', 'agent-1'),
    first.reject('C-000002', 'NETSUITE_CUSTOMER:7', 'agent-2'),
  ]);
  await first.reject('C-000001', 'ZENDESK_ORGANIZATION:11', 'agent-3');
  // A second instance is a restarted process: it sees what the first remembered.
  const second = open();
  expect([...(await second.rejected('C-000001'))].sort()).toEqual(['ZENDESK_ORGANIZATION:11', 'ZENDESK_ORGANIZATION:12']);
  expect([...(await second.rejected('C-000002'))]).toEqual(['NETSUITE_CUSTOMER:7']);
  expect((await second.rejected('C-000003')).size).toBe(0);
}

describe('rejected candidates in the embedded store', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('are remembered across instances, once each, keeping the first rejection', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rsg-rejections-'));
    await behaves(() => fileRejections(dir));
    const stored = JSON.parse(await readFile(join(dir, 'identity-rejections.json'), 'utf8')) as Record<string, Record<string, { by: string }>>;
    expect(stored['C-000001']?.['ZENDESK_ORGANIZATION:11']?.by).toBe('agent-1');
  });
});

const redisUrl = process.env.REDIS_URL;
describe.skipIf(!redisUrl)('rejected candidates in Redis', () => {
  const namespace = `rsg-test-rejections-${randomUUID()}`;
  let redis: RedisClientType | undefined;
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(keys);
    await redis.quit();
  });

  it('are remembered across instances, once each, keeping the first rejection', async () => {
    redis = await connectOnce(redisUrl as string);
    const client = redis;
    await behaves(() => redisRejections(client, namespace));
    const first = await client.hGet(`${namespace}:identity:rejected:C-000001`, 'ZENDESK_ORGANIZATION:11');
    expect(JSON.parse(first ?? '{}')).toMatchObject({ by: 'agent-1' });
  });
});
if (!redisUrl) console.log('rejected candidates in Redis: skipped, REDIS_URL is not set');

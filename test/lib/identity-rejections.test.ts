/**
 * Rejected identity candidates (docs/identity.md#rejecting-a-candidate) survive a restart:
 * the embedded store in a file, and Redis when REDIS_URL is set. A rejection is kept once,
 * per customer, and concurrent rejections in one process all land.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
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
    const stored = JSON.parse(await readFile(join(dir, 'identity-rejections-zendesk.json'), 'utf8')) as Record<string, Record<string, { by: string }>>;
    expect(stored['C-000001']?.['ZENDESK_ORGANIZATION:11']?.by).toBe('agent-1');
  });

  it('loses none when the finance and service subgraphs reject at once from separate processes', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'rsg-rejections-'));
    try {
      // Each import of a fresh module graph is what a separate process holds: no write queue in common.
      const open = async (): Promise<IdentityRejections> => {
        vi.resetModules();
        return (await import('../../lib/identity-rejections.js')).fileRejections(shared);
      };
      const finance = await open();
      const service = await open();
      await Promise.all([
        finance.reject('C-000001', 'NETSUITE_CUSTOMER:7', 'agent-1'),
        service.reject('C-000001', 'ZENDESK_ORGANIZATION:11', 'agent-2'),
        finance.reject('C-000002', 'NETSUITE_CUSTOMER:8', 'agent-1'),
        service.reject('C-000002', 'ZENDESK_USER:12', 'agent-2'),
      ]);
      const after = await open();
      expect([...(await after.rejected('C-000001'))].sort()).toEqual(['NETSUITE_CUSTOMER:7', 'ZENDESK_ORGANIZATION:11']);
      expect([...(await after.rejected('C-000002'))].sort()).toEqual(['NETSUITE_CUSTOMER:8', 'ZENDESK_USER:12']);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it('still honours rejections kept in the one file every system shared before', async () => {
    const earlier = await mkdtemp(join(tmpdir(), 'rsg-rejections-'));
    try {
      const at = '2026-12-01T00:00:00.000Z';
      await writeFile(join(earlier, 'identity-rejections.json'), JSON.stringify({ 'C-000001': { 'ZENDESK_ORGANIZATION:11': { at, by: 'agent-0' } } }));
      const store = fileRejections(earlier);
      expect([...(await store.rejected('C-000001'))]).toEqual(['ZENDESK_ORGANIZATION:11']);
      await store.reject('C-000001', 'ZENDESK_ORGANIZATION:11', 'agent-9');
      await store.reject('C-000001', 'NETSUITE_CUSTOMER:7', 'agent-9');
      expect([...(await store.rejected('C-000001'))].sort()).toEqual(['NETSUITE_CUSTOMER:7', 'ZENDESK_ORGANIZATION:11']);
      // The first rejection's author stays; nothing was copied into the new files.
      await expect(readFile(join(earlier, 'identity-rejections-zendesk.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(earlier, { recursive: true, force: true });
    }
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

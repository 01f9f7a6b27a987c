/** The writes configuration: defaults, and a clear error naming a bad variable. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config.js';
import { coordinatorOptions, loadWritesConfig, openWriteStore } from '../../lib/writes/index.js';
import { tempDir } from './support.js';

describe('writes configuration', () => {
  it('defaults to the journal under .data/ in the repository', () => {
    const c = loadWritesConfig({});
    // The project root, whatever the working directory.
    expect(c.dir).toBe(join(import.meta.dirname, '..', '..', '.data', 'writes'));
    expect(coordinatorOptions(c)).toEqual({ maxAttempts: 10, maxAgeMs: 86_400_000, backoffMs: 1_000, maxBackoffMs: 300_000, pollMs: 1_000, leaseMs: 60_000, turnWaitMs: 10_000, duplicateWaitMs: 10_000 });
  });

  it('reads every setting', () => {
    const c = loadWritesConfig({ WRITES_DIR: '/var/lib/rsg/writes', WRITES_MAX_ATTEMPTS: '4', WRITES_BACKOFF_MS: '50', WRITES_MAX_BACKOFF_MS: '500' });
    expect(c).toMatchObject({ dir: '/var/lib/rsg/writes', maxAttempts: 4, backoffMs: 50, maxBackoffMs: 500 });
  });

  it('gives each subgraph its own journal directory, and refuses a bad name', async () => {
    const d = tempDir();
    try {
      const c = { ...loadWritesConfig({}), dir: d.dir };
      const order = await openWriteStore(c, { name: 'order', namespace: 'rsg' });
      const service = await openWriteStore(c, { name: 'service', namespace: 'rsg' });
      expect([order.engine, service.engine]).toEqual(['journal', 'journal']);
      expect(existsSync(join(d.dir, 'order', 'writes.jsonl'))).toBe(true);
      expect(existsSync(join(d.dir, 'service', 'writes.jsonl'))).toBe(true);
      await Promise.all([order.close(), service.close()]);
      await expect(openWriteStore(c, { name: '../x', namespace: 'rsg' })).rejects.toThrow(/expected a write store name such as 'order'/);
    } finally {
      d.remove();
    }
  });

  it('names the bad variable and what it expected', () => {
    expect(() => loadWritesConfig({ WRITES_MAX_ATTEMPTS: 'lots' })).toThrow(ConfigError);
    expect(() => loadWritesConfig({ WRITES_MAX_ATTEMPTS: 'lots' })).toThrow(/WRITES_MAX_ATTEMPTS="lots": Expected number/);
    expect(() => loadWritesConfig({ WRITES_BACKOFF_MS: '1000', WRITES_MAX_BACKOFF_MS: '10' })).toThrow(/WRITES_MAX_BACKOFF_MS=10 must be at least WRITES_BACKOFF_MS=1000/);
  });
});

import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { scopeSlot } from '../../lib/scope.js';

// This file imports none of the modules that claim these slots, so it may claim them itself.
const request = scopeSlot<string>('request');
const work = scopeSlot<{ n: number }>('work');
const report = scopeSlot<string>('cacheReport');
const fetching = scopeSlot<string>('entityFetch');

describe('scope slots', () => {
  it('are unset outside a run, and again after it', async () => {
    expect(request.get()).toBeUndefined();
    expect(work.get()).toBeUndefined();
    await request.run('r1', async () => {
      await delay(1);
      expect(request.get()).toBe('r1');
      expect(work.get()).toBeUndefined();
    });
    expect(request.get()).toBeUndefined();
  });

  it('see an outer run inside a nested one, of the same slot or another, across awaits', async () => {
    const outer = { n: 1 };
    await work.run(outer, async () => {
      await request.run('r1', async () => {
        await delay(1);
        expect(work.get()).toBe(outer);
        expect(request.get()).toBe('r1');
        await report.run('c1', async () => {
          await Promise.resolve();
          expect([request.get(), work.get(), report.get(), fetching.get()]).toEqual(['r1', outer, 'c1', undefined]);
          await fetching.run('f1', async () => {
            await delay(1);
            expect([request.get(), work.get(), report.get(), fetching.get()]).toEqual(['r1', outer, 'c1', 'f1']);
          });
          expect(fetching.get()).toBeUndefined();
        });
        // A nested run of the same slot hides the outer value, and leaving it restores it.
        await request.run('r2', async () => {
          await delay(1);
          expect(request.get()).toBe('r2');
          expect(work.get()).toBe(outer);
        });
        expect(request.get()).toBe('r1');
        expect(report.get()).toBeUndefined();
      });
      expect(request.get()).toBeUndefined();
      expect(work.get()).toBe(outer);
    });
    expect(work.get()).toBeUndefined();
  });

  it('restore the outer value when the run throws, and return what fn returns', () => {
    request.run('outer', () => {
      expect(() =>
        request.run('inner', () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(request.get()).toBe('outer');
      expect(report.run('c', () => `${request.get()}+${report.get()}`)).toBe('outer+c');
      expect(report.get()).toBeUndefined();
    });
  });

  it('keep concurrent sibling runs apart, across timers and awaits', async () => {
    const seen: string[] = [];
    const one = async (id: string, wait: number): Promise<void> =>
      request.run(id, async () => {
        await delay(wait);
        await report.run(`${id}-report`, async () => {
          await new Promise<void>((resolve) => setTimeout(resolve, wait));
          seen.push(`${request.get()}/${report.get()}`);
        });
        // A timer set inside the run fires with the run's values, after the run has returned.
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            seen.push(`${request.get()}/${report.get()} timer`);
            resolve();
          }, wait),
        );
      });
    await work.run({ n: 7 }, () => Promise.all([one('a', 15), one('b', 1), one('c', 8)]));
    expect(seen.sort()).toEqual(['a/a-report', 'a/undefined timer', 'b/b-report', 'b/undefined timer', 'c/c-report', 'c/undefined timer']);
    expect(request.get()).toBeUndefined();
  });

  it('carry into callbacks scheduled inside a run after it has returned', async () => {
    let later!: Promise<string | undefined>;
    request.run('sync', () => {
      later = new Promise((resolve) => setImmediate(() => resolve(request.get())));
    });
    expect(request.get()).toBeUndefined();
    await expect(later).resolves.toBe('sync');
  });

  it('refuse a second claim of a slot', () => {
    expect(() => scopeSlot<string>('request')).toThrow(/claimed already/);
  });
});

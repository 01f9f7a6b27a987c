import { describe, expect, it } from 'vitest';
import { median, percentile, seededRandom, shuffled, spread, throughputAtTarget, zipfSampler } from '../stats.js';
import { customerIds, zipfBodies, CUSTOMER_360 } from '../workloads.js';

describe('percentile (nearest rank)', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  it('returns a value a client really saw', () => {
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('median and spread over runs', () => {
  it('takes the middle run and the range, ignoring runs without a figure', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([10, Number.NaN, 30, 20])).toEqual({ median: 20, min: 10, max: 30, n: 3 });
  });
});

describe('Zipf(1.1) sampler', () => {
  it('is repeatable from its seed and favours low ranks as Zipf predicts', () => {
    const draw = (seed: number): number[] => {
      const next = zipfSampler(2000, 1.1, seededRandom(seed));
      return Array.from({ length: 20_000 }, () => next());
    };
    const a = draw(5);
    expect(draw(5)).toEqual(a);
    const counts = new Map<number, number>();
    for (const k of a) counts.set(k, (counts.get(k) ?? 0) + 1);
    // P(rank 0) / P(rank 1) = 2^1.1 ≈ 2.14 for Zipf(1.1); 20,000 draws land near it.
    const r = (counts.get(0) ?? 0) / (counts.get(1) ?? 1);
    expect(r).toBeGreaterThan(1.8);
    expect(r).toBeLessThan(2.5);
    expect(Math.min(...a)).toBe(0);
    expect(Math.max(...a)).toBeLessThan(2000);
  });

  it('rejects a population or exponent it cannot sample', () => {
    expect(() => zipfSampler(0, 1.1, Math.random)).toThrow(/population of at least 1/);
    expect(() => zipfSampler(10, 0, Math.random)).toThrow(/exponent above 0/);
  });

  it('gives every gateway the same request sequence, with a seeded hot set', () => {
    const ids = customerIds(1000);
    const a = zipfBodies(CUSTOMER_360, ids, 'id', 500, 9);
    expect(zipfBodies(CUSTOMER_360, ids, 'id', 500, 9)).toEqual(a);
    expect(new Set(a.map((b) => b.variables?.id)).size).toBeLessThan(500);
    expect(shuffled(ids, seededRandom(1))).not.toEqual(ids);
  });
});

describe('throughput at a p95 target', () => {
  it('is the highest achieved rate that met the target, kept up and did not fail', () => {
    const steps = [
      { offeredRps: 10, achievedRps: 10, p95Ms: 20, errorRate: 0 },
      { offeredRps: 20, achievedRps: 19.5, p95Ms: 40, errorRate: 0 },
      { offeredRps: 40, achievedRps: 39, p95Ms: 90, errorRate: 0.05 },
      { offeredRps: 80, achievedRps: 50, p95Ms: 60, errorRate: 0 },
      { offeredRps: 160, achievedRps: 150, p95Ms: 400, errorRate: 0 },
    ];
    expect(throughputAtTarget(steps, 100)).toBe(19.5);
    expect(throughputAtTarget(steps, 10)).toBe(0);
  });
});

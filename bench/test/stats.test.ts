import { describe, expect, it } from 'vitest';
import { busyTime, idleParts, median, nextKneeRate, percentile, seededRandom, shuffled, spread, throughputAtTarget, zipfSampler } from '../stats.js';
import { customerIds, mutationBodies, zipfBodies, CUSTOMER_360, MUTATION_MIX } from '../workloads.js';
import { fetchesBetween, hitRatio, layersBetween, parsePrometheus, type MetricsSnapshot } from '../metrics.js';

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

describe('time spent waiting on systems of record', () => {
  it('counts overlapping calls once, sequential ones in full, and only inside the request', () => {
    // Two parallel calls (10-30, 20-40), a gap, then one call (50-60); the request ran 0-70.
    const calls = [[10, 30], [20, 40], [50, 60]] as const;
    expect(busyTime(calls, 0, 70)).toBe(40);
    // A call that started before the request (another request's) counts only from the request's start.
    expect(busyTime([[-20, 10], [50, 60]], 0, 70)).toBe(20);
    expect(busyTime([], 0, 70)).toBe(0);
  });

  it('splits the time without a call in flight into before the first call, between calls and after the last', () => {
    const calls = [[10, 30], [20, 40], [50, 60]] as const;
    expect(idleParts(calls, 0, 70)).toEqual({ leadMs: 10, betweenMs: 10, tailMs: 10 });
    // Clipped to the request, as busyTime: another request's call counts from this one's start.
    expect(idleParts([[-20, 10], [50, 60]], 0, 70)).toEqual({ leadMs: 0, betweenMs: 40, tailMs: 10 });
    expect(idleParts([], 0, 70)).toEqual({ leadMs: 70, betweenMs: 0, tailMs: 0 });
  });
});

describe('cache hit ratios from /metrics', () => {
  const text = (response: Record<string, number>, entity: Record<string, number>): string =>
    [
      '# HELP rsg_response_cache_lookups_total Gateway response cache lookups by result',
      '# TYPE rsg_response_cache_lookups_total counter',
      ...Object.entries(response).map(([r, v]) => `rsg_response_cache_lookups_total{result="${r}"} ${v}`),
      ...Object.entries(entity).map(([r, v]) => `rsg_cache_lookups_total{kind="order/Order",result="${r}"} ${v}`),
      'process_cpu_user_seconds_total 1.5',
    ].join('\n');

  it('parses samples with their labels', () => {
    expect(parsePrometheus('a_total{kind="x/\\"y\\"",result="hit"} 3\n# comment\nb 2.5')).toEqual([
      { name: 'a_total', labels: { kind: 'x/"y"', result: 'hit' }, value: 3 },
      { name: 'b', labels: {}, value: 2.5 },
    ]);
  });

  it('takes what each layer did between two snapshots, leaving out lookups that could not hit', () => {
    const snap = (r: Record<string, number>, e: Record<string, number>): MetricsSnapshot => ({ gateway: parsePrometheus(text(r, {})), subgraphs: { order: parsePrometheus(text({}, e)), customer: null } });
    const layers = layersBetween(snap({ hit: 10, miss: 5 }, { hit: 1, miss: 1 }), snap({ hit: 40, miss: 15, uncacheable: 7 }, { hit: 31, miss: 11, bypass: 4 }));
    expect(layers.responseCache).toEqual({ hit: 30, miss: 10, uncacheable: 7 });
    expect(layers.entityCache).toEqual({ order: { hit: 30, miss: 10, bypass: 4 } });
    expect(hitRatio(layers.responseCache)).toBe(0.75);
    expect(hitRatio(layers.entityCache.order)).toBe(0.75);
    expect(hitRatio({})).toBeNull();
  });

  it('reports no response-cache layer for a gateway that serves no such metric', () => {
    const peer: MetricsSnapshot = { gateway: null, subgraphs: {} };
    expect(layersBetween(peer, peer).responseCache).toBeNull();
  });
});

describe('the mutation mix', () => {
  const pools = { customers: ['C-000011', 'C-000012'], skus: ['SKU-10001'], openCases: ['146'] };

  it('writes in the mix\'s proportions with idempotency keys unique to the run, the same for the same seed', () => {
    const bodies = mutationBodies(pools, 2000, 3, 'bench-ours');
    expect(mutationBodies(pools, 2000, 3, 'bench-ours')).toEqual(bodies);
    const share = (op: string): number => bodies.filter((b) => b.operationName === op).length / bodies.length;
    expect(share('BenchUpdateEngagement')).toBeCloseTo(0.35, 1);
    expect(share('BenchPlaceOrder')).toBeCloseTo(0.25, 1);
    expect(share('BenchOpenCase')).toBeCloseTo(0.2, 1);
    expect(share('BenchCommentCase')).toBeCloseTo(0.2, 1);
    expect(new Set(bodies.map((b) => b.variables?.key)).size).toBe(2000);
    expect(bodies.every((b) => b.query === MUTATION_MIX && String(b.variables?.key).startsWith('bench-ours-3-'))).toBe(true);
    for (const b of bodies.filter((x) => x.operationName === 'BenchUpdateEngagement')) {
      expect(String(b.variables?.phone).replace(/\D/g, '').length).toBeLessThanOrEqual(15);
    }
  });

  it('refuses to run without something to write to', () => {
    expect(() => mutationBodies({ ...pools, openCases: [] }, 10, 1, 'k')).toThrow(/no openCases/);
  });
});

describe('nextKneeRate: finer steps around the knee', () => {
  const step = (offeredRps: number, p95Ms: number, achievedRps = offeredRps, errorRate = 0) => ({ offeredRps, achievedRps, p95Ms, errorRate });
  const target = 150;

  it('halves the bracket between the highest rate that met the p95 target and the lowest above it that did not', () => {
    const ramp = [step(5, 20), step(10, 30), step(20, 60), step(40, 400)];
    expect(nextKneeRate(ramp, target)).toBe(30);
    // Measuring 30/s and finding it passed moves the bracket up; failing moves it down.
    expect(nextKneeRate([...ramp, step(30, 100)], target)).toBe(35);
    expect(nextKneeRate([...ramp, step(30, 200)], target)).toBe(25);
  });

  it('counts a step that fell behind its offered rate or failed requests as past the knee, as throughput at target does', () => {
    expect(nextKneeRate([step(10, 30), step(20, 40, 15)], target)).toBe(15);
    expect(nextKneeRate([step(10, 30), step(20, 40, 20, 0.05)], target)).toBe(15);
  });

  it('stops once the bracket is within a request a second or 5% of the passing rate, and gives nothing without a bracket', () => {
    expect(nextKneeRate([step(100, 30), step(104, 400)], target)).toBeNull();
    expect(nextKneeRate([step(10, 30), step(11, 400)], target)).toBeNull();
    expect(nextKneeRate([step(5, 400), step(10, 500)], target)).toBeNull();
    expect(nextKneeRate([step(5, 20), step(10, 30)], target)).toBeNull();
  });

  it('keeps fractional rates where the bracket is narrower than whole requests', () => {
    expect(nextKneeRate([step(2, 300), step(4, 2000)], 1500, 0.5)).toBe(3);
    expect(nextKneeRate([step(2, 300), step(3, 2000)], 1500, 0.1)).toBe(2.5);
  });

  it('makes throughput at target fine-grained: the refined step is what it reports', () => {
    const ramp = [step(10, 30), step(20, 60), step(40, 400), step(30, 100), step(35, 200)];
    expect(throughputAtTarget(ramp, target)).toBe(30);
  });
});

describe('subgraph fetches from the subgraphs\' own counter', () => {
  const counter = (subgraph: string, v: number): string => `rsg_subgraph_requests_total{subgraph="${subgraph}"} ${v}`;
  const snap = (gateway: string | null, subgraphs: Record<string, string | null>): MetricsSnapshot => ({
    gateway: gateway === null ? null : parsePrometheus(gateway),
    subgraphs: Object.fromEntries(Object.entries(subgraphs).map(([k, v]) => [k, v === null ? null : parsePrometheus(v)])),
  });

  it('adds up what each subgraph process counted between two snapshots', () => {
    const before = snap('', { customer: counter('customer', 10), order: counter('order', 4) });
    const after = snap('', { customer: counter('customer', 25), order: counter('order', 9) });
    expect(fetchesBetween(before, after)).toEqual({ customer: 15, order: 5 });
  });

  it('reads the gateway\'s own registry when the subgraphs run inside it (embedded), so in-process calls count the same', () => {
    const before = snap(`${counter('customer', 1)}\n${counter('finance', 2)}`, {});
    const after = snap(`${counter('customer', 11)}\n${counter('finance', 12)}`, {});
    expect(fetchesBetween(before, after)).toEqual({ customer: 10, finance: 10 });
  });

  it('says nothing (null) when no process counted, rather than zero fetches', () => {
    expect(fetchesBetween(snap(null, { customer: 'up 1' }), snap(null, { customer: 'up 1' }))).toBeNull();
  });
});

/**
 * The arithmetic of the benchmark: percentiles, medians and spread over runs, and
 * the seeded samplers that decide which customer each request asks for. Pure
 * functions, so the tests can pin them down exactly.
 */

/**
 * Nearest-rank percentile (p in 0..100) of values sorted ascending. Nearest rank
 * rather than interpolation: every reported latency is one a client really saw.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[sorted.length - 1]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

/** Median of any values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** The median of several runs with their range, which is what BENCHMARKS.md prints. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Number of runs the figure summarises. */
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/**
 * mulberry32: a 32-bit seeded generator. Math.random cannot be seeded, and a
 * benchmark whose request mix changes between runs cannot be compared with itself.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Zipf(s) sampler over ranks 0..n-1 (rank 0 the most popular) by inverting the
 * cumulative distribution with a binary search. n is a few thousand customers, so
 * the table is small and exact; no approximation is needed.
 */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a population of at least 1, got ${n}`);
  if (!(s > 0)) throw new Error(`expected a Zipf exponent above 0, got ${s}`);
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Fisher-Yates with a seeded generator: which customers are the popular ones. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One offered-load step of a ramp, as measured (medians over runs). */
export interface StepSummary {
  offeredRps: number;
  achievedRps: number;
  p95Ms: number;
  errorRate: number;
}

/**
 * Throughput at a p95 target: the highest achieved rate among the steps that met
 * the target with fewer than `maxErrorRate` failed requests and kept up with the
 * offered rate (an open-model generator that falls behind is not "meeting" it).
 * 0 when no step met it.
 */
export function throughputAtTarget(steps: readonly StepSummary[], p95TargetMs: number, maxErrorRate = 0.01): number {
  let best = 0;
  for (const s of steps) if (meetsTarget(s, p95TargetMs, maxErrorRate)) best = Math.max(best, s.achievedRps);
  return best;
}

/** Whether a step counts towards throughput at the p95 target (see throughputAtTarget). */
export function meetsTarget(s: StepSummary, p95TargetMs: number, maxErrorRate = 0.01): boolean {
  return s.p95Ms <= p95TargetMs && s.errorRate < maxErrorRate && s.achievedRps >= 0.9 * s.offeredRps;
}

/**
 * The next offered rate to measure around a gateway's knee: halfway between the
 * highest rate that met the p95 target and the lowest rate above it that did
 * not, so that a ramp of doubling rates ends with "views/s at p95 target" known
 * to a fraction of a step, not within a factor of 2. Null when no step met the
 * target, none above it failed, or the two are within `minGapRps` (or 5% of the
 * passing rate) of each other: a finer step would measure noise.
 */
export function nextKneeRate(steps: readonly StepSummary[], p95TargetMs: number, minGapRps = 1, maxErrorRate = 0.01): number | null {
  let pass = -Infinity;
  for (const s of steps) if (meetsTarget(s, p95TargetMs, maxErrorRate)) pass = Math.max(pass, s.offeredRps);
  if (pass === -Infinity) return null;
  let fail = Infinity;
  for (const s of steps) if (s.offeredRps > pass && !meetsTarget(s, p95TargetMs, maxErrorRate)) fail = Math.min(fail, s.offeredRps);
  if (fail === Infinity || fail - pass <= Math.max(minGapRps, 0.05 * pass)) return null;
  // Whole requests per second where the bracket allows, so the report's rates stay readable.
  const mid = (pass + fail) / 2;
  const rounded = Math.round(mid);
  return rounded > pass && rounded < fail ? rounded : mid;
}

/** A span of time, [start, end], in ms on one clock. */
export type Interval = readonly [number, number];

/**
 * How long at least one of `intervals` was running within [from, to]: the time
 * a request spent waiting on systems of record, however its calls overlapped.
 */
/**
 * Where a request's time without a call in flight falls: before its first call
 * (`leadMs`: the gateway's intake and every step up to that call), between calls
 * (`betweenMs`: what runs after one answer and before the next call leaves), and
 * after its last call (`tailMs`: the rest of the answer). The three add up to the
 * request's time minus busyTime; without calls, it is all lead.
 */
export function idleParts(intervals: readonly Interval[], from: number, to: number): { leadMs: number; betweenMs: number; tailMs: number } {
  const clipped = intervals.map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const).filter(([a, b]) => b > a);
  if (clipped.length === 0) return { leadMs: to - from, betweenMs: 0, tailMs: 0 };
  const first = Math.min(...clipped.map(([a]) => a));
  const last = Math.max(...clipped.map(([, b]) => b));
  return { leadMs: first - from, betweenMs: last - first - busyTime(clipped), tailMs: to - last };
}

export function busyTime(intervals: readonly Interval[], from = -Infinity, to = Infinity): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const [a, b] of clipped) {
    if (Number.isNaN(curStart) || a > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else curEnd = Math.max(curEnd, b);
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

/**
 * What both measurements share: the clock the runner and the client process both
 * read, a sample (one action and when it was sent), and the summary of latencies.
 */
import { percentile } from '../stats.js';
import type { LatencySummary } from './model.js';

/** A subscriber is listening once the gateway has its subscribe; this covers the hop to the owning subgraph too. */
export const SETTLE_MS = 1000;

export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface Sample {
  key: string;
  sentAt: number;
  warmup: boolean;
  /** Set when the sandbox refused the action. */
  error?: string;
  /** query-poll only: when the new value was first seen. */
  seenAt?: number;
}

export function summarise(values: number[]): LatencySummary {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, p50: null, p99: null, max: null, mean: null };
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

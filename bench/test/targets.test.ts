/**
 * Issue 19's targets table: judged only from figures of one run, "met" or
 * "missed by" in the figure's unit, and no row for what the run did not measure.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResults, GatewayOutcome, Measurement } from '../run.js';
import { PRODUCT_CPU_REPEAT, PRODUCT_CPU_ZIPF, targetRows } from '../targets.js';

const spread = (median: number) => ({ median, min: median, max: median, n: 1 });

/** A ramp whose top step (5/s, or `topRps`) missed the p95 target unless `metAtTop`: its knee was found. */
function measurement(
  gateway: string,
  workload: string,
  latencyProfile: string,
  over: Partial<Measurement> & { cpu?: number; p50?: number; metAtTop?: boolean; topRps?: number } = {},
): Measurement {
  const { cpu, p50, metAtTop, topRps, ...rest } = over;
  const first = { offeredRps: 5, achievedRps: spread(5), errorRate: spread(0), p95Ms: spread(100), p50Ms: spread(p50 ?? 10), ...(cpu !== undefined ? { productCpuMsPerRequest: spread(cpu) } : {}) };
  const top = { ...first, offeredRps: topRps ?? 10, achievedRps: spread(topRps ?? 10), p95Ms: spread(metAtTop ? 100 : 900) };
  return {
    gateway,
    workload,
    latencyProfile,
    throughputAtP95Target: null,
    p95TargetMs: 150,
    steps: [first, top],
    ...rest,
  } as unknown as Measurement;
}

function results(plan: 'full' | 'quick', gateways: Array<Partial<GatewayOutcome> & { id: string }>, measurements: Measurement[], redis = true): BenchResults {
  return {
    plan,
    settings: { redis },
    gateways: gateways.map((g) => ({ status: 'ok', title: g.id, ...g })),
    measurements,
  } as unknown as BenchResults;
}

const overhead = (p50: number) => ({ samples: 20, latencyP50Ms: 0, sorBusyP50Ms: 0, overheadP50Ms: p50, overheadP95Ms: 0 });

describe('targetRows', () => {
  it('judges throughput ratios against each peer, per profile, for each of our variants', () => {
    const r = results(
      'full',
      [{ id: 'ours', layout: 'separate', redis: true }, { id: 'ours-embedded-memory', layout: 'embedded', redis: false }, { id: 'apollo-plain' }, { id: 'hive-router' }],
      [
        measurement('ours', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 300 }),
        measurement('ours-embedded-memory', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 100 }),
        measurement('apollo-plain', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 50 }),
        measurement('hive-router', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 200 }),
      ],
    );
    expect(targetRows(r).map((t) => [t.subject, t.target.split(', ').pop(), t.measured, t.goal, t.verdict])).toEqual([
      ['ours (separate processes, Redis)', 'ours ÷ plain @apollo/gateway', '6.00×', '≥ 5.00×', 'met'],
      ['ours (separate processes, Redis)', 'ours ÷ Hive router-runtime', '1.50×', '≥ 2.00×', 'missed by 0.50×'],
      ['ours-embedded-memory (one process, no Redis)', 'ours ÷ plain @apollo/gateway', '2.00×', '≥ 5.00×', 'missed by 3.00×'],
      ['ours-embedded-memory (one process, no Redis)', 'ours ÷ Hive router-runtime', '0.50×', '≥ 2.00×', 'missed by 1.50×'],
    ]);
  });

  it('leaves out a ratio over a peer that met the target at its top rate, and one of ours that did unless it meets the goal', () => {
    const r = results(
      'full',
      [{ id: 'ours-embedded', layout: 'embedded', redis: true }, { id: 'apollo-plain' }, { id: 'hive-router' }, { id: 'hive-response-cache' }],
      [
        measurement('ours-embedded', 'customer360-warm-zipf', 'realistic', { throughputAtP95Target: 60, metAtTop: true, topRps: 64 }),
        measurement('apollo-plain', 'customer360-warm-zipf', 'realistic', { throughputAtP95Target: 60, metAtTop: true, topRps: 64 }),
        measurement('hive-router', 'customer360-warm-zipf', 'realistic', { throughputAtP95Target: 40 }),
        measurement('hive-response-cache', 'customer360-warm-zipf', 'realistic', { throughputAtP95Target: 20 }),
      ],
    );
    // Over plain: unknown (plain's knee not reached). Over Hive: 1.5× is only a lower bound, so no verdict; 3× is met whatever the bound.
    expect(targetRows(r).map((t) => [t.target.split(', ').pop(), t.measured, t.verdict])).toEqual([['ours ÷ Hive router-runtime + response cache', '3.00×', 'met']]);
  });

  it('gives no throughput rows for the quick plan, whose one rate finds no capacity, but judges CPU at equal load there', () => {
    const r = results(
      'quick',
      [{ id: 'ours', layout: 'separate' }, { id: 'apollo-plain' }],
      [
        measurement('ours', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 300, cpu: 3 }),
        measurement('apollo-plain', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 50, cpu: 4 }),
      ],
    );
    const rows = targetRows(r);
    expect(rows.map((t) => [t.target, t.measured, t.verdict])).toEqual([
      [`${PRODUCT_CPU_ZIPF}, ours ÷ plain @apollo/gateway`, '0.75×', 'missed by 0.25×'],
    ]);
    // The run-wide Redis setting names the subject when the gateway's own is not recorded (older runs).
    expect(rows[0]!.subject).toBe('ours (separate processes, Redis)');
  });

  it('judges CPU per warm request on the repeated views too, where every view is warm, beside the Zipf ramp\'s first rate', () => {
    const r = results(
      'full',
      [{ id: 'ours', layout: 'separate' }, { id: 'ours-embedded-memory', layout: 'embedded', redis: false }, { id: 'apollo-plain' }],
      [
        measurement('ours', 'customer360-warm-zipf', '5ms', { cpu: 38 }),
        measurement('apollo-plain', 'customer360-warm-zipf', '5ms', { cpu: 40 }),
        measurement('ours', 'customer360-repeat', '5ms', { cpu: 0.6 }),
        measurement('ours-embedded-memory', 'customer360-repeat', '5ms', { cpu: 0.5, p50: 3 }),
        measurement('apollo-plain', 'customer360-repeat', '5ms', { cpu: 10 }),
      ],
    );
    expect(targetRows(r).map((t) => [t.subject, t.target, t.measured, t.verdict])).toEqual([
      ['ours (separate processes, Redis)', `${PRODUCT_CPU_ZIPF}, ours ÷ plain @apollo/gateway`, '0.95×', 'missed by 0.45×'],
      ['ours (separate processes, Redis)', `${PRODUCT_CPU_REPEAT}, ours ÷ plain @apollo/gateway`, '0.06×', 'met'],
      ['ours-embedded-memory (one process, no Redis)', `${PRODUCT_CPU_REPEAT}, ours ÷ plain @apollo/gateway`, '0.05×', 'met'],
      ['ours-embedded-memory (one process, no Redis)', 'embedded default: repeated customer-360, 8 clients at a time, p50', '3.0 ms', 'met'],
    ]);
  });

  it('judges nothing from a --profile run, whose every process ran under the profiler', () => {
    const measured = [
      measurement('ours', 'customer360-warm-zipf', '5ms', { cpu: 3 }),
      measurement('apollo-plain', 'customer360-warm-zipf', '5ms', { cpu: 4 }),
    ];
    const plainRun = results('quick', [{ id: 'ours', layout: 'separate' }, { id: 'apollo-plain' }], measured);
    expect(targetRows(plainRun)).toHaveLength(1);
    expect(targetRows({ ...plainRun, profiles: [] })).toEqual([]);
  });

  it('judges cold overhead in ms above SoR time in process, and as a share of plain\'s across processes, at 5 ms only', () => {
    const r = results(
      'quick',
      [{ id: 'ours', layout: 'separate' }, { id: 'ours-embedded', layout: 'embedded' }, { id: 'apollo-plain' }],
      [
        measurement('ours', 'customer360-cold', '5ms', { overhead: overhead(30) }),
        measurement('ours-embedded', 'customer360-cold', '5ms', { overhead: overhead(8) }),
        measurement('apollo-plain', 'customer360-cold', '5ms', { overhead: overhead(69) }),
        measurement('ours-embedded', 'customer360-cold', 'realistic', { overhead: overhead(80) }),
      ],
      false,
    );
    expect(targetRows(r).map((t) => [t.subject, t.measured, t.goal, t.verdict])).toEqual([
      ['ours (separate processes, no Redis)', '0.43×', '≤ 0.50×', 'met'],
      ['ours-embedded (one process, no Redis)', '8.0 ms', '≤ 10.0 ms', 'met'],
    ]);
  });

  it('judges the repeated views only on the embedded default: one process without Redis', () => {
    const r = results(
      'quick',
      [{ id: 'ours', layout: 'separate', redis: false }, { id: 'ours-embedded', layout: 'embedded', redis: true }, { id: 'ours-embedded-memory', layout: 'embedded', redis: false }],
      [
        measurement('ours', 'customer360-repeat', '5ms', { p50: 5 }),
        measurement('ours-embedded', 'customer360-repeat', '5ms', { p50: 6 }),
        measurement('ours-embedded-memory', 'customer360-repeat', '5ms', { p50: 116 }),
      ],
    );
    expect(targetRows(r).map((t) => [t.subject, t.measured, t.goal, t.verdict])).toEqual([
      ['ours-embedded-memory (one process, no Redis)', '116.0 ms', '< 15.0 ms', 'missed by 101.0 ms'],
    ]);
  });

  it('leaves out variants that did not run and peers the run lacks', () => {
    const r = results(
      'full',
      [{ id: 'ours-embedded', layout: 'embedded', status: 'unavailable' }, { id: 'ours', layout: 'separate' }],
      [measurement('ours', 'customer360-warm-zipf', '5ms', { throughputAtP95Target: 300, cpu: 2 })],
    );
    expect(targetRows(r)).toEqual([]);
  });
});

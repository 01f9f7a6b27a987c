/**
 * bench/report.ts `rampNotes`: what the report says under a warm ramp's table,
 * so that its throughput and CPU figures can be read against the whole ramp.
 */
import { describe, expect, it } from 'vitest';
import { rampNotes } from '../report.js';
import type { Measurement } from '../run.js';

const spread = (median: number) => ({ median, min: median, max: median, n: 1 });

function ramp(gateway: string, steps: Array<{ rps: number; p95: number; cpu: number; sf?: number }>): Measurement {
  return {
    gateway,
    workload: 'customer360-warm-zipf',
    latencyProfile: '5ms',
    throughputAtP95Target: null,
    p95TargetMs: 150,
    steps: steps.map((s) => ({
      offeredRps: s.rps,
      achievedRps: spread(s.rps),
      p95Ms: spread(s.p95),
      errorRate: spread(0),
      productCpuMsPerRequest: spread(s.cpu),
      ...(s.sf !== undefined ? { sorCallsPerRequest: { salesforce: s.sf, netsuite: 0, zendesk: 0, total: s.sf } } : {}),
    })),
  } as unknown as Measurement;
}

const titles = new Map([
  ['ours', 'ours'],
  ['apollo-plain', 'plain'],
]);

describe('rampNotes', () => {
  it('gives CPU ratios at each rate both ran and, from the first rate\'s Salesforce calls, how many of its views were cold', () => {
    const notes = rampNotes(
      [
        ramp('ours', [{ rps: 5, p95: 100, cpu: 38, sf: 0.63 }, { rps: 10, p95: 120, cpu: 20, sf: 0.4 }]),
        ramp('apollo-plain', [{ rps: 5, p95: 90, cpu: 40, sf: 0.63 }, { rps: 10, p95: 95, cpu: 35, sf: 0.4 }]),
      ],
      titles,
      150,
    ).join('\n');
    expect(notes).toContain('Product CPU per request, ours ÷ plain @apollo/gateway, at each rate both ran: 5/s 0.95×, 10/s 0.57×.');
    expect(notes).toContain('Views at the first rate whose customer no cache held (one Salesforce call each): ours 63%; plain 63%.');
  });

  it('says nothing of cold views for a run that did not count calls per step', () => {
    const notes = rampNotes([ramp('ours', [{ rps: 5, p95: 100, cpu: 3 }])], titles, 150).join('\n');
    expect(notes).not.toContain('no cache held');
  });
});

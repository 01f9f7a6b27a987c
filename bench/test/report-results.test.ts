/**
 * Which runs the report shows: a run limited to part of a plan (one profile, one
 * gateway) must sit beside the plan's last whole run, not hide it or be hidden.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestResults, timelineTable, whereTimeGoes } from '../report.js';
import type { BenchResults, Measurement } from '../run.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(file: string, plan: string, startedAt: string, cells: Array<[gateway: string, profile: string, workload: string]>, cpuModel = 'AMD EPYC'): [string, object] {
  return [file, { plan, startedAt, machine: { cpuModel }, gateways: [], measurements: cells.map(([gateway, latencyProfile, workload]) => ({ gateway, latencyProfile, workload })) }];
}

function dirWith(...runs: Array<[string, object]>): string {
  const d = mkdtempSync(join(tmpdir(), 'bench-results-'));
  dirs.push(d);
  for (const [f, body] of runs) writeFileSync(join(d, f), JSON.stringify(body));
  writeFileSync(join(d, 'latency-x.svg'), '<svg/>');
  return d;
}

describe('latestResults', () => {
  it('keeps an older whole run beside a newer run of other profiles, and drops a run a newer one fully repeats', () => {
    const dir = dirWith(
      run('2026-12-01-full.json', 'full', '2026-12-01T10:00:00Z', [['ours', '5ms', 'w'], ['plain', '5ms', 'w']]),
      run('2026-12-05-full.json', 'full', '2026-12-05T10:00:00Z', [['ours', '5ms', 'w'], ['plain', '5ms', 'w']]),
      run('2026-12-05-full-0ms+realistic.json', 'full', '2026-12-05T12:00:00Z', [['ours', '0ms', 'w'], ['plain', 'realistic', 'w']]),
      run('2026-12-05-quick.json', 'quick', '2026-12-05T09:00:00Z', [['ours', '5ms', 'w']]),
    );
    expect(latestResults(dir).map((r) => `${r.plan} ${r.startedAt}`)).toEqual([
      'full 2026-12-05T10:00:00Z',
      'full 2026-12-05T12:00:00Z',
      'quick 2026-12-05T09:00:00Z',
    ]);
  });

  it('lets a newer partial run replace what it repeats while the rest of the older run stays', () => {
    const dir = dirWith(
      run('2026-12-05-quick.json', 'quick', '2026-12-05T09:00:00Z', [['ours', '5ms', 'a'], ['ours', '5ms', 'b']]),
      run('2026-12-05-quick-ours-a.json', 'quick', '2026-12-05T11:00:00Z', [['ours', '5ms', 'a']]),
      run('2026-12-05-quick-ours-a+b.json', 'quick', '2026-12-05T12:00:00Z', [['ours', '5ms', 'a'], ['ours', '5ms', 'b']]),
    );
    expect(latestResults(dir).map((r) => r.startedAt)).toEqual(['2026-12-05T12:00:00Z']);
  });

  it('keeps the newest run of each kind of machine: a run on another CPU repeats nothing', () => {
    const cells: Array<[string, string, string]> = [['ours', '5ms', 'w'], ['plain', '5ms', 'w']];
    const dir = dirWith(
      run('2026-12-07-full-a.json', 'full', '2026-12-07T17:00:00Z', cells, 'AMD EPYC'),
      run('2026-12-07-full-b.json', 'full', '2026-12-07T19:00:00Z', cells, 'AMD EPYC'),
      run('2026-12-07-full-c.json', 'full', '2026-12-07T22:00:00Z', cells, 'Intel(R) Xeon(R) Processor'),
    );
    expect(latestResults(dir).map((r) => `${r.startedAt} ${r.machine.cpuModel}`)).toEqual([
      '2026-12-07T19:00:00Z AMD EPYC',
      '2026-12-07T22:00:00Z Intel(R) Xeon(R) Processor',
    ]);
  });
});

describe('whereTimeGoes', () => {
  const profiled = (startedAt: string, workload: string, fn: string): BenchResults =>
    ({
      plan: 'quick',
      startedAt,
      command: `npm run bench -- --profile --workloads=${workload}`,
      gateways: [{ id: 'ours-embedded-memory', title: 'ours, embedded default' }],
      measurements: [{ gateway: 'ours-embedded-memory', latencyProfile: '5ms', workload }],
      profiles: [{ gateway: 'ours-embedded-memory', process: 'gateway', busySamples: 100, durationMs: 1000, busyPct: 50, top: [{ function: fn, location: 'x.js:1', selfPct: 10 }] }],
    }) as unknown as BenchResults;

  it('shows the newest profile of each workload profiled, each under its own heading', () => {
    const md = whereTimeGoes([
      profiled('2026-12-01T10:00:00Z', 'customer360-warm-zipf', 'olderWarm'),
      profiled('2026-12-05T10:00:00Z', 'customer360-warm-zipf', 'newerWarm'),
      profiled('2026-12-06T10:00:00Z', 'customer360-cold', 'cold'),
    ]).join('\n');
    expect(md).toContain('### After: customer-360, warm, Zipf(1.1) over customers');
    expect(md).toContain('### After: customer-360, cold');
    expect(md).toContain('`newerWarm`');
    expect(md).toContain('`cold`');
    expect(md).not.toContain('`olderWarm`');
  });

  it('keeps the newest profile of each layout beside the others, for the same workload', () => {
    const separate = profiled('2026-12-07T10:00:00Z', 'customer360-cold', 'separateCold');
    separate.profiles = [{ gateway: 'ours', process: 'order', busySamples: 100, durationMs: 1000, busyPct: 50, top: [{ function: 'separateCold', location: 'x.js:1', selfPct: 10 }] }];
    const md = whereTimeGoes([profiled('2026-12-06T10:00:00Z', 'customer360-cold', 'embeddedCold'), separate]).join('\n');
    expect(md).toContain('`embeddedCold`');
    expect(md).toContain('`separateCold`');
  });
});

describe('timelineTable', () => {
  it('lists the calls of a typical cold request per gateway, in the order they left, with a dash where a gateway made no such call', () => {
    const m = (gateway: string, timeline: Array<[string, number, number]>): Measurement =>
      ({ gateway, overhead: { samples: 10, timeline: timeline.map(([call, startP50Ms, endP50Ms]) => ({ call, startP50Ms, endP50Ms, requests: 10 })) } }) as unknown as Measurement;
    const rows = timelineTable(
      [m('ours', [['salesforce GET /q', 5, 13], ['zendesk GET /search', 34.7, 44.1]]), m('plain', [['netsuite POST /suiteql', 20, 28], ['salesforce GET /q', 9, 17]])],
      new Map([['ours', 'Ours'], ['plain', 'Plain']]),
    );
    expect(rows.slice(3)).toEqual([
      '| call | Ours | Plain |',
      '|---|---|---|',
      '| `salesforce GET /q` | 5.0 → 13.0 | 9.0 → 17.0 |',
      '| `netsuite POST /suiteql` | – | 20.0 → 28.0 |',
      '| `zendesk GET /search` | 34.7 → 44.1 | – |',
    ]);
    expect(timelineTable([m('ours', [])], new Map())).toEqual([]);
  });
});

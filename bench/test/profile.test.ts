/**
 * `--profile`: a V8 .cpuprofile reduced to the functions with the most self time,
 * with locations short enough to read and the same on every machine.
 */
import { describe, expect, it } from 'vitest';
import { partOf, shortLocation, summariseProfile, type CpuProfile } from '../profile.js';

const ROOT = '/work/project';

describe('shortLocation', () => {
  it('names a dependency by its package path, the innermost node_modules winning', () => {
    expect(shortLocation('file:///work/project/node_modules/@apollo/gateway/dist/executeQueryPlan.js', 41, ROOT)).toBe('@apollo/gateway/dist/executeQueryPlan.js:42');
    expect(shortLocation('file:///work/project/node_modules/a/node_modules/minipass-fetch/lib/index.js', 0, ROOT)).toBe('minipass-fetch/lib/index.js:1');
  });

  it('names our code by its path in the project, and leaves Node\'s own and native frames readable', () => {
    expect(shortLocation('file:///work/project/dist/gateway/src/plugins/cache.js', 9, ROOT)).toBe('dist/gateway/src/plugins/cache.js:10');
    expect(shortLocation('node:internal/stream_base_commons', 120, ROOT)).toBe('node:internal/stream_base_commons:121');
    expect(shortLocation('', -1, ROOT)).toBe('(native)');
    expect(shortLocation('file:///elsewhere/x.js', 0, ROOT)).toBe('/elsewhere/x.js:1');
  });
});

describe('summariseProfile', () => {
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    startTime: 1_000_000,
    endTime: 3_000_000,
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('writev', 'node:internal/stream_base_commons', 10) },
      { id: 4, callFrame: frame('executeQueryPlan', 'file:///work/project/node_modules/@apollo/gateway/dist/executeQueryPlan.js', 5) },
      // The same function reached by two call paths is one entry.
      { id: 5, callFrame: frame('executeQueryPlan', 'file:///work/project/node_modules/@apollo/gateway/dist/executeQueryPlan.js', 5) },
      { id: 6, callFrame: frame('', 'file:///work/project/dist/lib/log.js', 2) },
      { id: 7, callFrame: frame('(garbage collector)', '') },
    ],
    // 10 idle samples, 10 busy ones.
    samples: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 6, 7, 7],
  };

  it('ranks functions by self time as a share of the busy samples, idle left out', () => {
    const s = summariseProfile(profile, ROOT);
    expect(s.busySamples).toBe(10);
    expect(s.busyPct).toBe(50);
    expect(s.durationMs).toBe(2000);
    expect(s.top).toEqual([
      { function: 'writev', location: 'node:internal/stream_base_commons:11', selfPct: 40 },
      { function: 'executeQueryPlan', location: '@apollo/gateway/dist/executeQueryPlan.js:6', selfPct: 30 },
      { function: '(garbage collector)', location: '', selfPct: 20 },
      { function: '(anonymous)', location: 'dist/lib/log.js:3', selfPct: 10 },
    ]);
  });

  it('keeps the top N, and falls back on hit counts when the profile has no sample list', () => {
    expect(summariseProfile(profile, ROOT, 2).top.map((e) => e.function)).toEqual(['writev', 'executeQueryPlan']);
    const counted: CpuProfile = {
      startTime: 0,
      endTime: 1000,
      nodes: [
        { id: 1, callFrame: frame('a', 'node:a'), hitCount: 1 },
        { id: 2, callFrame: frame('b', 'node:b'), hitCount: 3 },
      ],
    };
    expect(summariseProfile(counted, ROOT).top).toEqual([
      { function: 'b', location: 'node:b:1', selfPct: 75 },
      { function: 'a', location: 'node:a:1', selfPct: 25 },
    ]);
  });

  it('counts only the samples within the measured window, leaving start-up out', () => {
    const timed: CpuProfile = {
      startTime: 1000,
      endTime: 1600,
      nodes: [
        { id: 1, callFrame: frame('compileSourceTextModule', 'node:internal/modules/esm/utils') },
        { id: 2, callFrame: frame('executeQueryPlan', 'file:///work/project/node_modules/@apollo/gateway/dist/executeQueryPlan.js') },
      ],
      // Start-up until 1300 µs, then the workload.
      samples: [1, 1, 1, 2, 2, 2],
      timeDeltas: [100, 100, 100, 100, 100, 100],
    };
    const s = summariseProfile(timed, ROOT, undefined, { fromUs: 1350, toUs: 2000 });
    expect(s.top).toEqual([{ function: 'executeQueryPlan', location: '@apollo/gateway/dist/executeQueryPlan.js:1', selfPct: 100 }]);
    expect(s.busySamples).toBe(3);
    expect(s.durationMs).toBeCloseTo(0.25);
  });

  it("adds self time by part, Node's own and native frames counted to the part that called them", () => {
    const tree: CpuProfile = {
      startTime: 0,
      endTime: 1000,
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 6, 7] },
        { id: 2, callFrame: frame('execute', 'file:///work/project/node_modules/graphql/execution/execute.js'), children: [3] },
        { id: 3, callFrame: frame('resolve', 'file:///work/project/dist/lib/cache/entity-cache.js'), children: [4] },
        { id: 4, callFrame: frame('hash', 'node:internal/crypto/hash'), children: [5] },
        { id: 5, callFrame: frame('digest', '') },
        { id: 6, callFrame: frame('processTicksAndRejections', 'node:internal/process/task_queues') },
        { id: 7, callFrame: frame('(garbage collector)', '') },
      ],
      // graphql 2, lib/cache 1 + its hashing 2 + native digest 1, Node's own tick queue 1, GC 3.
      samples: [2, 2, 3, 4, 4, 5, 6, 7, 7, 7],
    };
    expect(summariseProfile(tree, ROOT).parts).toEqual([
      { part: 'lib/cache', selfPct: 40 },
      { part: 'GC', selfPct: 30 },
      { part: 'graphql', selfPct: 20 },
      { part: 'node', selfPct: 10 },
    ]);
  });
});

describe('partOf', () => {
  it('names a package, or the first folders of our code whether compiled or not', () => {
    expect(partOf('@apollo/gateway/dist/executeQueryPlan.js:6')).toBe('@apollo/gateway');
    expect(partOf('graphql/execution/execute.js:10')).toBe('graphql');
    expect(partOf('dist/lib/http.js:3')).toBe('lib/http');
    expect(partOf('lib/cache/store.ts:3')).toBe('lib/cache');
    expect(partOf('dist/gateway/src/response-cache/plugin.js:9')).toBe('gateway/response-cache');
    expect(partOf('gateway/src/datasource.ts:1')).toBe('gateway/datasource');
    expect(partOf('dist/subgraphs/order/src/netsuite.js:1')).toBe('subgraphs/order');
    expect(partOf('node:internal/stream_base_commons:11')).toBeUndefined();
    expect(partOf('(native)')).toBeUndefined();
  });
});

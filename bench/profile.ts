/**
 * `npm run bench -- --profile`: where each product process spends its CPU under
 * the warm workload. Each process runs under V8's sampling profiler (`node
 * --cpu-prof`), which writes a .cpuprofile when it exits; this file reduces one
 * to the functions with the most self time, which is what the report's "Where
 * the time goes" shows. Pure, so the tests can pin it down.
 */
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayId } from './config.js';

/** The parts of V8's .cpuprofile (the DevTools protocol's Profiler.Profile) that the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    hitCount?: number;
    /** The ids of the functions this one called (the call tree's edges). */
    children?: number[];
  }>;
  /** The node sampled at each tick; when absent, each node's hitCount stands in. */
  samples?: number[];
  /** Microseconds from the previous sample (the first: from startTime) to each sample. */
  timeDeltas?: number[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC, as process.hrtime in any process of the machine). */
  startTime: number;
  endTime: number;
}

/** A span of the monotonic clock in microseconds, as `process.hrtime.bigint() / 1000n` reads it. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/** The monotonic clock now, in microseconds: what a profile's timestamps are compared with. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface ProfileEntry {
  /** The function's name, `(anonymous)` for one without, or V8's own: `(garbage collector)`, `(program)`. */
  function: string;
  /** Where it is: `package/path:line` for a dependency, the project path for ours, `node:…` for Node's own. */
  location: string;
  /** Share of the busy samples (idle excluded) spent in this function itself, 0..100. */
  selfPct: number;
}

export interface ProcessProfile {
  gateway: GatewayId;
  /** `gateway` (the one process of an embedded gateway), or a subgraph's name. */
  process: string;
  /** Samples taken while the process was busy (not idle). */
  busySamples: number;
  /** How long the profile ran (within the measured window, when given), ms. */
  durationMs: number;
  /** Share of the samples the process was busy, 0..100. */
  busyPct: number;
  top: ProfileEntry[];
  /**
   * Self time by part (a package, or a part of our code), Node's own functions and native
   * code counted to the part that called them: where a flat profile's time goes by layer.
   */
  parts?: PartEntry[];
}

export interface PartEntry {
  /** A package (`graphql`, `@apollo/server`), a part of our code (`lib/cache`, `gateway/response-cache`, `subgraphs/order`), `GC`, or `node` for Node's own work that no part of ours or a package called. */
  part: string;
  /** Share of the busy samples, 0..100. */
  selfPct: number;
}

/** Entries the report shows per process. */
export const TOP_ENTRIES = 12;

/**
 * A script URL made short and stable across machines: the package and its path
 * for anything under node_modules (the innermost one), the path from the project
 * root for our own code, Node's `node:` URLs as they are; with a 1-based line.
 */
export function shortLocation(url: string, lineNumber: number, projectRoot: string): string {
  if (url === '') return '(native)';
  const line = lineNumber >= 0 ? `:${lineNumber + 1}` : '';
  let path = url;
  if (url.startsWith('file://')) path = fileURLToPath(url);
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return `${path.slice(nm + 'node_modules/'.length)}${line}`;
  if (isAbsolute(path)) {
    const rel = relative(projectRoot, path);
    return `${rel.startsWith('..') ? path : rel}${line}`;
  }
  return `${path}${line}`;
}

/**
 * The part a short location belongs to: the package for a dependency, the first
 * folders of our own code (`dist/` left out, so compiled and source runs agree),
 * or undefined for Node's own functions and native code, which count to their caller.
 */
export function partOf(location: string): string | undefined {
  if (location === '' || location === '(native)' || location.startsWith('node:')) return undefined;
  const path = location.replace(/:\d+$/, '');
  if (isAbsolute(path)) return path;
  const segments = path.split('/');
  const first = segments[0] ?? path;
  if (first.startsWith('@')) return segments.slice(0, 2).join('/');
  const ours = first === 'dist' ? segments.slice(1) : segments;
  const [top, second, third] = ours;
  const stem = (name: string | undefined): string => (name ?? '').replace(/\.(js|ts|mjs|cjs)$/, '');
  if (top === 'lib' || top === 'subgraphs' || top === 'sandbox' || top === 'scripts' || top === 'bench') return second ? `${top}/${stem(second)}` : top;
  if (top === 'gateway') return second === 'src' && third ? `gateway/${stem(third)}` : 'gateway';
  // A dependency: `name/…` (our own top folders are handled above).
  return first;
}

/**
 * The top `topN` functions by self time, and how busy the process was. With a
 * `window`, only the samples taken within it count: a profile runs from the
 * process's start, and its start-up (loading modules, building schemas) is not
 * the warm workload.
 */
export function summariseProfile(profile: CpuProfile, projectRoot: string, topN = TOP_ENTRIES, window?: ProfileWindow): Omit<ProcessProfile, 'gateway' | 'process'> {
  const hits = new Map<number, number>();
  const deltas = profile.timeDeltas;
  if (profile.samples && profile.samples.length > 0) {
    let t = profile.startTime;
    for (const [i, id] of profile.samples.entries()) {
      t += deltas?.[i] ?? 0;
      if (window && deltas && (t < window.fromUs || t > window.toUs)) continue;
      hits.set(id, (hits.get(id) ?? 0) + 1);
    }
  } else for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  const byFunction = new Map<string, { fn: string; location: string; samples: number }>();
  let busy = 0;
  let all = 0;
  for (const n of profile.nodes) {
    const count = hits.get(n.id) ?? 0;
    if (count === 0) continue;
    all += count;
    const fn = n.callFrame.functionName || '(anonymous)';
    if (fn === '(idle)') continue;
    busy += count;
    const location = fn.startsWith('(') && n.callFrame.url === '' ? '' : shortLocation(n.callFrame.url, n.callFrame.lineNumber, projectRoot);
    const key = `${fn}\u0000${location}`;
    const entry = byFunction.get(key) ?? { fn, location, samples: 0 };
    entry.samples += count;
    byFunction.set(key, entry);
  }
  // Self time by part: each busy sample goes to the innermost frame of its stack that has a part.
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const partCache = new Map<number, string>();
  const partOfNode = (id: number): string => {
    const known = partCache.get(id);
    if (known !== undefined) return known;
    const n = nodeById.get(id);
    let part: string;
    if (!n) part = 'node';
    else if (n.callFrame.functionName === '(garbage collector)') part = 'GC';
    else if (n.callFrame.functionName === '(program)') part = 'V8 (program)';
    else {
      const own = partOf(n.callFrame.url === '' ? '' : shortLocation(n.callFrame.url, n.callFrame.lineNumber, projectRoot));
      const parent = parentOf.get(id);
      part = own ?? (parent === undefined ? 'node' : partOfNode(parent));
    }
    partCache.set(id, part);
    return part;
  };
  const byPart = new Map<string, number>();
  for (const n of profile.nodes) {
    const count = hits.get(n.id) ?? 0;
    if (count === 0 || n.callFrame.functionName === '(idle)') continue;
    const part = partOfNode(n.id);
    byPart.set(part, (byPart.get(part) ?? 0) + count);
  }
  const parts = [...byPart.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, topN)
    .map(([part, samples]) => ({ part, selfPct: busy > 0 ? (100 * samples) / busy : 0 }));
  const top = [...byFunction.values()]
    .sort((a, b) => b.samples - a.samples || (a.fn < b.fn ? -1 : 1))
    .slice(0, topN)
    .map((e) => ({ function: e.fn, location: e.location, selfPct: busy > 0 ? (100 * e.samples) / busy : 0 }));
  const spanUs = window && deltas ? Math.min(window.toUs, profile.endTime) - Math.max(window.fromUs, profile.startTime) : profile.endTime - profile.startTime;
  return { busySamples: busy, durationMs: Math.max(0, spanUs) / 1000, busyPct: all > 0 ? (100 * busy) / all : 0, top, parts };
}

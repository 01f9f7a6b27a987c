/**
 * Cache hit ratios per layer, read from the Prometheus text each of our
 * processes serves on GET /metrics: the gateway's response cache
 * (`rsg_response_cache_lookups_total{result}`) and each subgraph's entity cache
 * (`rsg_cache_lookups_total{kind,result}`). A measurement takes a snapshot
 * before and after its runs; the difference is what its requests did.
 */

/** One sample line: `name{label="value",…} 12`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (comments and blank lines skipped). */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of a metric's samples by the value of one label. */
export function sumBy(samples: readonly Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name) continue;
    const k = s.labels[label] ?? '';
    out[k] = (out[k] ?? 0) + s.value;
  }
  return out;
}

/** Lookups by result (`hit`, `miss`, …) of one cache layer during a measurement. */
export type LayerCounts = Record<string, number>;

export interface CacheLayers {
  /** The gateway's response cache; null when the gateway serves no such metric (peers, or ours with it off). */
  responseCache: LayerCounts | null;
  /** Each subgraph's entity cache; a subgraph missing here served no metrics. */
  entityCache: Record<string, LayerCounts>;
}

export interface MetricsSnapshot {
  gateway: Sample[] | null;
  subgraphs: Record<string, Sample[] | null>;
}

async function scrape(url: string): Promise<Sample[] | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return null;
    return parsePrometheus(await res.text());
  } catch {
    return null;
  }
}

/** Reads /metrics from the gateway and every subgraph (origins such as http://127.0.0.1:5001). */
export async function snapshot(gatewayOrigin: string, subgraphOrigins: Record<string, string>): Promise<MetricsSnapshot> {
  const names = Object.keys(subgraphOrigins);
  const [gateway, ...subs] = await Promise.all([scrape(`${gatewayOrigin}/metrics`), ...names.map((n) => scrape(`${subgraphOrigins[n]}/metrics`))]);
  return { gateway: gateway ?? null, subgraphs: Object.fromEntries(names.map((n, i) => [n, subs[i] ?? null])) };
}

const RESPONSE = 'rsg_response_cache_lookups_total';
const ENTITY = 'rsg_cache_lookups_total';
const FETCHES = 'rsg_subgraph_requests_total';
/** The key of the entity cache of subgraphs that run inside the gateway's process (an embedded gateway). */
export const IN_PROCESS = 'in process';

function delta(before: Record<string, number>, after: Record<string, number>): LayerCounts {
  const out: LayerCounts = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/** What each layer did between two snapshots. */
export function layersBetween(before: MetricsSnapshot, after: MetricsSnapshot): CacheLayers {
  const hasResponse = after.gateway?.some((s) => s.name === RESPONSE) ?? false;
  const entityCache: Record<string, LayerCounts> = {};
  for (const [name, samples] of Object.entries(after.subgraphs)) {
    if (!samples) continue;
    entityCache[name] = delta(sumBy(before.subgraphs[name] ?? [], ENTITY, 'result'), sumBy(samples, ENTITY, 'result'));
  }
  // Subgraphs in the gateway's own process count their lookups on its registry.
  if (after.gateway?.some((s) => s.name === ENTITY)) {
    entityCache[IN_PROCESS] = delta(sumBy(before.gateway ?? [], ENTITY, 'result'), sumBy(after.gateway, ENTITY, 'result'));
  }
  return {
    responseCache: hasResponse && after.gateway ? delta(sumBy(before.gateway ?? [], RESPONSE, 'result'), sumBy(after.gateway, RESPONSE, 'result')) : null,
    entityCache,
  };
}

/**
 * Hits over lookups that could have hit. For the response cache, `uncacheable`
 * lookups (mutations) are left out; for the entity cache, `bypass` (a caller
 * asking for a fresh read) is. `coalesced` (joined a fetch in flight) counts as
 * a lookup that did not hit: it waited on the system of record.
 */
export function hitRatio(counts: LayerCounts | null | undefined): number | null {
  if (!counts) return null;
  const hits = counts.hit ?? 0;
  let lookups = 0;
  for (const [k, v] of Object.entries(counts)) if (k !== 'uncacheable' && k !== 'bypass') lookups += v;
  return lookups > 0 ? hits / lookups : null;
}

/** The entity cache over every subgraph, summed. */
export function entityTotals(layers: CacheLayers): LayerCounts {
  const out: LayerCounts = {};
  for (const counts of Object.values(layers.entityCache)) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Operations each subgraph executed between two snapshots
 * (`rsg_subgraph_requests_total{subgraph}`, counted by the subgraphs themselves,
 * so it is the same measure whichever gateway fetched), from every process
 * scraped: the subgraph processes, and the gateway's own when the subgraphs run
 * inside it. Null when no process served the counter (a build before it existed).
 */
export function fetchesBetween(before: MetricsSnapshot, after: MetricsSnapshot): Record<string, number> | null {
  const sources = (snap: MetricsSnapshot): Array<Sample[] | null> => [snap.gateway, ...Object.values(snap.subgraphs)];
  const total = (snap: MetricsSnapshot): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const samples of sources(snap)) for (const [k, v] of Object.entries(sumBy(samples ?? [], FETCHES, 'subgraph'))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  if (!sources(after).some((samples) => samples?.some((s) => s.name === FETCHES))) return null;
  const b = total(before);
  return Object.fromEntries(Object.entries(total(after)).map(([k, v]) => [k, v - (b[k] ?? 0)]));
}

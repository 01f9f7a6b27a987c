/**
 * Generates BENCHMARKS.md and the latency-against-load charts from the results
 * files in bench/results/ (the newest of each plan). Never edit BENCHMARKS.md by
 * hand: run the bench, or `npx tsx bench/report.ts` to regenerate from the committed results.
 * Every ratio compares figures measured in the same run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchResults, Measurement } from './run.js';

const root = join(import.meta.dirname, '..');
const resultsDir = join(root, 'bench', 'results');
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** The newest results file of each plan, by the date in its name. */
export function latestResults(dir = resultsDir): BenchResults[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}-(quick|full)\.json$/.test(f)).sort();
  const byPlan = new Map<string, BenchResults>();
  for (const f of files) {
    const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as BenchResults;
    byPlan.set(r.plan, r);
  }
  return ['full', 'quick'].map((p) => byPlan.get(p)).filter((r): r is BenchResults => r !== undefined);
}

const fmt = (n: number | null | undefined, digits = 1): string => (n == null || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;

function lastOkStep(m: Measurement): Measurement['steps'][number] | undefined {
  return m.steps[0];
}

function section(r: BenchResults): string {
  const out: string[] = [];
  const gatewayTitle = new Map(r.gateways.map((g) => [g.id, g.title]));
  out.push(`## ${r.plan === 'quick' ? 'Quick profile (ratios at equal load)' : 'Full profile'}`, '');
  out.push(`Command: \`${r.command}\`  `);
  out.push(`Run: ${r.startedAt} to ${r.finishedAt}  `);
  out.push(
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.os}. ` +
      (r.pinning.taskset
        ? `Gateway under test pinned to core ${r.pinning.gatewayCores}; load generator, subgraphs and sandbox to ${r.pinning.othersCores} (taskset).`
        : 'Processes not pinned.'),
  );
  out.push(`Dataset: ${r.settings.customers} customers, seed ${r.settings.seed}, as of ${r.settings.asOf}. One worker process per gateway. Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  out.push('| gateway | status | peak RSS (MB) |', '|---|---|---|');
  for (const g of r.gateways) out.push(`| ${g.title} | ${g.status}${g.error ? `: ${g.error.split('\n')[0]}` : ''} | ${fmt(g.peakRssMb, 0)} |`);
  out.push('');
  const profiles = [...new Set(r.measurements.map((m) => m.latencyProfile))];
  const workloads = [...new Set(r.measurements.map((m) => m.workload))];
  for (const p of profiles) {
    for (const w of workloads) {
      const ms = r.measurements.filter((m) => m.latencyProfile === p && m.workload === w);
      if (ms.length === 0) continue;
      const ours = ms.find((m) => m.gateway === 'ours');
      out.push(`### ${w}, latency profile ${p}`, '');
      const ramp = ms.some((m) => m.throughputAtP95Target !== null) && r.plan === 'full';
      out.push(
        `| gateway | offered/s | p50 ms | p95 ms (range) | p99 ms | errors | gateway CPU ms/req | SoR calls/req (SF / NS / ZD) | response-cache hits |${ramp ? ` rps at p95 ≤ ${ms[0]!.p95TargetMs} ms | ours ÷ peer |` : ' ours ÷ peer (CPU/req) |'}`,
        `|---|---|---|---|---|---|---|---|---|---|${ramp ? '---|' : ''}`,
      );
      for (const m of ms) {
        const s = lastOkStep(m);
        if (!s) continue;
        const c = m.sorCallsPerRequest;
        const o = ours ? lastOkStep(ours) : undefined;
        const vs = ramp
          ? ratio(ours?.throughputAtP95Target, m.throughputAtP95Target)
          : ratio(o?.gatewayCpuMsPerRequest.median, s.gatewayCpuMsPerRequest.median);
        out.push(
          `| ${gatewayTitle.get(m.gateway) ?? m.gateway} | ${s.offeredRps} | ${fmt(s.p50Ms.median)} | ${fmt(s.p95Ms.median)} (${fmt(s.p95Ms.min)}–${fmt(s.p95Ms.max)}) | ${fmt(s.p99Ms.median)} | ${fmt(s.errorRate.median * 100)}% | ${fmt(s.gatewayCpuMsPerRequest.median, 2)} | ${fmt(c.total, 2)} (${fmt(c.salesforce, 2)} / ${fmt(c.netsuite, 2)} / ${fmt(c.zendesk, 2)}) | ${s.cacheHitRatio === null ? 'n/a' : `${fmt(s.cacheHitRatio * 100)}%`} |${ramp ? ` ${fmt(m.throughputAtP95Target)} |` : ''} ${vs} |`,
        );
      }
      const sfWarm = ms.filter((m) => m.workload === 'customer360-warm-zipf').map((m) => `${gatewayTitle.get(m.gateway) ?? m.gateway}: ${fmt(m.sorCallsPerRequest.salesforce * 1000, 0)}`);
      if (sfWarm.length) out.push('', `Projected Salesforce calls per 1,000 agent views: ${sfWarm.join('; ')}.`);
      const errs = ms.flatMap((m) => m.steps.flatMap((st) => st.runs.flatMap((run) => run.sampleErrors.map((e) => `${m.gateway}: ${e}`))));
      if (errs.length) out.push('', `Errors seen: ${[...new Set(errs)].slice(0, 4).map((e) => `\`${e.replace(/\|/g, '/')}\``).join('; ')}.`);
      out.push('');
    }
  }
  if (r.pending.length) {
    out.push('### Pending workloads', '');
    for (const p of r.pending) out.push(`- ${p.title}: ${p.reason}.`);
    out.push('');
  }
  return out.join('\n');
}

/** An SVG line chart of p95 latency against offered load, one line per gateway. */
export function latencyChart(r: BenchResults, workload: string, profile: string): string | null {
  const ms = r.measurements.filter((m) => m.workload === workload && m.latencyProfile === profile && m.steps.length > 1);
  if (ms.length === 0) return null;
  const W = 640;
  const H = 360;
  const pad = { l: 60, r: 200, t: 30, b: 40 };
  const xs = ms.flatMap((m) => m.steps.map((s) => s.offeredRps));
  const ys = ms.flatMap((m) => m.steps.map((s) => s.p95Ms.median)).filter(Number.isFinite);
  const xMax = Math.max(...xs);
  const yMax = Math.max(...ys, 1);
  // Offered rates double per step, so a log2 x axis spaces them evenly.
  const xMin = Math.min(...xs);
  const x = (v: number): number => pad.l + ((Math.log2(v) - Math.log2(xMin)) / Math.max(1e-9, Math.log2(xMax) - Math.log2(xMin))) * (W - pad.l - pad.r);
  const y = (v: number): number => H - pad.b - (v / yMax) * (H - pad.t - pad.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${pad.l}" y="18" font-size="13">p95 latency against offered load: ${workload}, ${profile}</text>`,
    `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#333"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="#333"/>`,
    `<text x="${(W - pad.r + pad.l) / 2}" y="${H - 8}" text-anchor="middle">offered requests/s (log scale)</text>`,
    `<text x="14" y="${(H - pad.b + pad.t) / 2}" transform="rotate(-90 14 ${(H - pad.b + pad.t) / 2})" text-anchor="middle">p95 ms</text>`,
  ];
  for (const v of [...new Set(xs)].sort((a, b) => a - b)) parts.push(`<text x="${x(v)}" y="${H - pad.b + 14}" text-anchor="middle">${v}</text>`);
  for (let i = 0; i <= 4; i++) parts.push(`<text x="${pad.l - 6}" y="${y((yMax * i) / 4) + 4}" text-anchor="end">${Math.round((yMax * i) / 4)}</text>`);
  ms.forEach((m, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = m.steps.filter((s) => Number.isFinite(s.p95Ms.median)).map((s) => `${x(s.offeredRps).toFixed(1)},${y(s.p95Ms.median).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    parts.push(`<text x="${W - pad.r + 10}" y="${pad.t + 14 * (i + 1)}" fill="${color}">${m.gateway}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function writeReport(): string[] {
  const all = latestResults();
  const written: string[] = [];
  const md: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/report.ts from bench/results/*.json. Do not edit by hand; run `npm run bench` (or `npx tsx bench/report.ts` to regenerate from committed results). -->',
    '',
    'Customer-360 workloads through our gateway and its peers, side by side in one run, against the sandbox systems of record. Load is open-model (a fixed arrival rate that does not wait for replies) from a separate process; latencies are measured from each request\'s intended send time. Figures are medians over runs, with the range in brackets. "SoR calls/req" counts the calls each system of record received for the measurement\'s requests (through `/__sandbox/stats?correlationId=`). Ratios compare gateways measured in the same run; ratios marked "CPU/req" are gateway CPU per request (ours ÷ peer, lower is better for ours), "ours ÷ peer" under a throughput column is throughput (higher is better for ours).',
    '',
    'How to read the state of things: see [Where we stand](#where-we-stand) at the end.',
    '',
  ];
  if (all.length === 0) md.push('No results yet: run `npm run bench -- --quick`.', '');
  for (const r of all) {
    md.push(section(r));
    if (r.plan === 'full') {
      const profiles = [...new Set(r.measurements.map((m) => m.latencyProfile))];
      const workloads = [...new Set(r.measurements.map((m) => m.workload))];
      for (const p of profiles)
        for (const w of workloads) {
          const svg = latencyChart(r, w, p);
          if (!svg) continue;
          const name = `latency-${w}-${p}.svg`;
          writeFileSync(join(resultsDir, name), svg);
          written.push(join('bench', 'results', name));
          md.push(`![p95 against offered load, ${w}, ${p}](bench/results/${name})`, '');
        }
    }
  }
  md.push('## Where we stand', '', ...standing(all), '');
  md.push(
    '## Notes',
    '',
    '- Hive Gateway 2.x runs on Node 20 here, although npm warns that some of its dependencies (`@whatwg-node/fetch` 0.12, `@whatwg-node/node-fetch` 0.9, `@whatwg-node/promise-helpers` 2, `@whatwg-node/disposablestack` 0.1, `cookie` 2, `listr2` 10, `sync-fetch` 0.7) declare Node ≥ 22 in `engines`. The router runtime\'s native query planner (`@graphql-hive/router-query-planner`) loads on linux-x64.',
    '- The Hive response cache runs in memory with the TTLs in `bench/config.ts` (`CACHE_TTLS_MS`), scoped per Authorization header; our cross-request cache gets the same TTLs once it lands.',
    '- Gateway CPU comes from /proc in clock ticks (10 ms each), so per-request CPU from the quick profile\'s 2-second runs is coarse; compare the full profile\'s figures where they differ.',
    '- Our gateway needs the settings of its identity layer (issue 8) to start; the bench passes its whole environment on, so run it as `AUTH_ISSUER=… AUTH_AUDIENCE=… BENCH_TOKEN=<agent JWT> npm run bench`. Peers sign a fixed agent caller for the subgraphs with the same internal secret, since the subgraphs answer only signed callers.',
    '- Subgraphs are restarted for every gateway, so no gateway inherits subgraph caches warmed by another; cold requests use customers no gateway in the run has asked for.',
    '- The machine has 2 cores shared with other work; the gateway under test has a core to itself, but the subgraphs, sandbox and load generator share the other, so at high rates the limit may be that core rather than the gateway: the "gateway CPU" columns show how busy the gateway was.',
    '',
  );
  writeFileSync(join(root, 'BENCHMARKS.md'), md.join('\n'));
  written.unshift('BENCHMARKS.md');
  return written;
}

function standing(all: readonly BenchResults[]): string[] {
  const lines: string[] = [];
  for (const r of all) {
    const ours = r.gateways.find((g) => g.id === 'ours');
    const oursMs = r.measurements.filter((m) => m.gateway === 'ours');
    const failing = oursMs.filter((m) => (m.steps[0]?.errorRate.median ?? 1) > 0.01);
    if (ours?.status === 'failed') lines.push(`- ${r.plan}: our gateway did not run: ${ours.error?.split('\n')[0] ?? 'unknown error'}.`);
    else if (failing.length > 0)
      lines.push(
        `- ${r.plan}: our gateway answered with errors in ${failing.map((m) => m.workload).join(', ')} (see "Errors seen"), so its throughput, latency and call counts there do not count as results. This is the first thing to fix.`,
      );
    const plain = r.measurements.filter((m) => m.gateway === 'apollo-plain' && m.workload === 'customer360-warm-zipf');
    for (const p of plain) {
      const o = oursMs.find((m) => m.workload === p.workload && m.latencyProfile === p.latencyProfile);
      if (!o) continue;
      const target = r.plan === 'full' ? `throughput ${ratio(o.throughputAtP95Target, p.throughputAtP95Target)} of plain @apollo/gateway` : `CPU per request ${ratio(o.steps[0]?.gatewayCpuMsPerRequest.median, p.steps[0]?.gatewayCpuMsPerRequest.median)} of plain @apollo/gateway`;
      lines.push(`- ${r.plan}, warm Zipf customer-360, ${p.latencyProfile}: ours at ${target} (target: at least 5× throughput). Our gateway has no cross-request cache yet (issue 4), so it cannot beat an uncached peer by 5×; the figure is expected to move when the cache lands.`);
    }
  }
  lines.push(
    '- Cold, one call per system per plan step: read the "SoR calls/req" column of the cold and list workloads; per-route counts are in the results JSON (`sorCalls.byRoute`).',
    '- Not measured yet: the mutation mix (needs issue 5), subscription fan-out (needs issue 6), cache hit ratios of our own layers (needs issue 4), and gateway overhead above the slowest system-of-record path.',
  );
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`wrote ${writeReport().join(', ')}`);
}

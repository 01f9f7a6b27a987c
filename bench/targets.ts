/**
 * Issue 19's targets, judged from one run's results: each compares figures
 * measured side by side in that run, and nothing is typed in. A target a run did
 * not measure (the peer or the workload was not in it) gives no row. Pure, so the
 * tests can pin it down; report.ts renders the rows.
 */
import type { BenchResults, GatewayOutcome, Measurement } from './run.js';
import { GATEWAYS } from './config.js';
import { meetsTarget } from './stats.js';

export interface TargetRow {
  /** What the issue asks, in its words. */
  target: string;
  /** Which of our variants (and on what) the row is about. */
  subject: string;
  /** That variant's gateway id, and the workload whose measurement the row judges. */
  gateway: string;
  workload: string;
  profile: string;
  /** The measured figure, formatted with its unit. */
  measured: string;
  /** The bound, formatted the same way. */
  goal: string;
  met: boolean;
  /** "met", or "missed by …" in the figure's unit. */
  verdict: string;
}

/** How a target is judged: at least or at most `goal`, in a unit. */
interface Bound {
  kind: 'atLeast' | 'atMost' | 'below';
  goal: number;
  unit: '×' | 'ms';
}

const format = (v: number, unit: Bound['unit']): string => (unit === '×' ? `${v.toFixed(2)}×` : `${v.toFixed(1)} ms`);

function judge(value: number, bound: Bound): Pick<TargetRow, 'measured' | 'goal' | 'met' | 'verdict'> {
  const met = bound.kind === 'atLeast' ? value >= bound.goal : bound.kind === 'atMost' ? value <= bound.goal : value < bound.goal;
  const sign = bound.kind === 'atLeast' ? '≥' : bound.kind === 'atMost' ? '≤' : '<';
  return {
    measured: format(value, bound.unit),
    goal: `${sign} ${format(bound.goal, bound.unit)}`,
    met,
    verdict: met ? 'met' : `missed by ${format(Math.abs(value - bound.goal), bound.unit)}`,
  };
}

/** "ours, embedded, no Redis": what an outcome ran as. */
function subjectOf(g: GatewayOutcome, runRedis: boolean | undefined): string {
  const redis = g.redis ?? runRedis;
  return `${g.id} (${g.layout === 'embedded' ? 'one process' : 'separate processes'}${redis === undefined ? '' : redis ? ', Redis' : ', no Redis'})`;
}

const WARM = 'customer360-warm-zipf';

/** The product-CPU rows: on the warm Zipf ramp's first step (equal offered rate, views warm and cold), and on repeated views (every view warm). */
export const PRODUCT_CPU_ZIPF = 'product CPU per request at the warm Zipf ramp\'s first rate (gateway + subgraphs)';
export const PRODUCT_CPU_REPEAT = 'product CPU per warm request, every view a repeat (gateway + subgraphs)';

/** Whether a ramp met its p95 target at its highest offered rate: no knee was found, so its throughput is a lower bound. */
export function metAtTop(m: Measurement): boolean {
  const top = [...m.steps].sort((a, b) => b.offeredRps - a.offeredRps)[0];
  if (!top) return false;
  return meetsTarget({ offeredRps: top.offeredRps, achievedRps: top.achievedRps.median, p95Ms: top.p95Ms.median, errorRate: top.errorRate.median }, m.p95TargetMs);
}

/** Every issue 19 target `r` measured, for each of our variants that ran. */
export function targetRows(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  // A --profile run is measured under V8's profiler, which slows every process: it judges nothing.
  if (r.profiles) return rows;
  const find = (gateway: string, workload: string, profile: string): Measurement | undefined =>
    r.measurements.find((m) => m.gateway === gateway && m.workload === workload && m.latencyProfile === profile);
  // The targets are the product's as shipped: a traced variant is compared with its untraced one instead (report.ts).
  const ours = r.gateways.filter((g) => g.id.startsWith('ours') && g.status === 'ok' && !GATEWAYS[g.id]?.tracedFrom);
  const profiles = [...new Set(r.measurements.map((m) => m.latencyProfile))];
  const add = (target: string, g: GatewayOutcome, profile: string, value: number | null | undefined, bound: Bound, workload = WARM): void => {
    if (value == null || !Number.isFinite(value)) return;
    rows.push({ target, subject: subjectOf(g, r.settings.redis), gateway: g.id, workload, profile, ...judge(value, bound) });
  };
  for (const g of ours) {
    for (const p of profiles) {
      // Throughput at the p95 target needs a ramp: the full plan.
      const warm = find(g.id, WARM, p);
      if (warm && r.plan === 'full' && (p === '5ms' || p === 'realistic')) {
        // A gateway that met the target at its ramp's top rate has no knee in the run: its figure is only a
        // lower bound. A ratio over such a peer is not known; ours being one only proves a ratio that meets the goal.
        const vs = (peer: string, goal: number): number | null => {
          const their = find(peer, WARM, p);
          const theirs = their?.throughputAtP95Target;
          if (warm.throughputAtP95Target == null || !theirs || !their || metAtTop(their)) return null;
          const ratio = warm.throughputAtP95Target / theirs;
          return metAtTop(warm) && ratio < goal ? null : ratio;
        };
        add('warm Zipf customer-360: views/s at p95 target, ours ÷ plain @apollo/gateway', g, p, vs('apollo-plain', 5), { kind: 'atLeast', goal: 5, unit: '×' });
        add('warm Zipf customer-360: views/s at p95 target, ours ÷ Hive router-runtime', g, p, vs('hive-router', 2), { kind: 'atLeast', goal: 2, unit: '×' });
        add('warm Zipf customer-360: views/s at p95 target, ours ÷ Hive router-runtime + response cache', g, p, vs('hive-response-cache', 2), { kind: 'atLeast', goal: 2, unit: '×' });
      }
      // CPU at equal load: the Zipf ramp's first step, which every gateway was offered. At that rate the caches
      // hold only what its warm-up viewed, so many of its views are cold (the report says how many).
      const plainWarm = find('apollo-plain', WARM, p);
      const cpu = (m: Measurement | undefined): number | undefined => m?.steps[0]?.productCpuMsPerRequest?.median;
      const oursCpu = cpu(warm);
      const plainCpu = cpu(plainWarm);
      if (oursCpu !== undefined && plainCpu) add(`${PRODUCT_CPU_ZIPF}, ours ÷ plain @apollo/gateway`, g, p, oursCpu / plainCpu, { kind: 'atMost', goal: 0.5, unit: '×' });
      // CPU per warm request proper: the repeated views, each a customer viewed before, so every view is warm.
      const oursRepeat = cpu(find(g.id, 'customer360-repeat', p));
      const plainRepeat = cpu(find('apollo-plain', 'customer360-repeat', p));
      if (oursRepeat !== undefined && plainRepeat) add(`${PRODUCT_CPU_REPEAT}, ours ÷ plain @apollo/gateway`, g, p, oursRepeat / plainRepeat, { kind: 'atMost', goal: 0.5, unit: '×' }, 'customer360-repeat');
      if (p === '5ms') {
        const cold = find(g.id, 'customer360-cold', p)?.overhead;
        if (cold && cold.samples > 0) {
          if (g.layout === 'embedded') add('cold customer-360 overhead p50 above SoR time, in process', g, p, cold.overheadP50Ms, { kind: 'atMost', goal: 10, unit: 'ms' }, 'customer360-cold');
          const plainCold = find('apollo-plain', 'customer360-cold', p)?.overhead;
          if (g.layout !== 'embedded' && plainCold && plainCold.samples > 0) {
            add('cold customer-360 overhead p50, multi-process, ours ÷ plain @apollo/gateway', g, p, cold.overheadP50Ms / plainCold.overheadP50Ms, { kind: 'atMost', goal: 0.5, unit: '×' }, 'customer360-cold');
          }
        }
      }
      // The embedded default: one process, no Redis.
      const repeat = find(g.id, 'customer360-repeat', p)?.steps[0];
      if (repeat && g.layout === 'embedded' && (g.redis ?? r.settings.redis) === false) {
        add('embedded default: repeated customer-360, 8 clients at a time, p50', g, p, repeat.p50Ms.median, { kind: 'below', goal: 15, unit: 'ms' }, 'customer360-repeat');
      }
    }
  }
  return rows;
}

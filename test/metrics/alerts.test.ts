/**
 * The example alert rules and scrape config under deploy/prometheus, checked
 * against the code (Prometheus cannot run here): every rsg_ series an alert reads
 * is one the code registers, of the right type for its suffix, and every label an
 * alert groups or filters by is one that series has; the scrape config loads the
 * rules, reads the path the pods announce and sends METRICS_TOKEN.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadMetricsConfig } from '../../lib/config.js';
// Imported for the series they register, as the gateway and the subgraphs do.
import '../../lib/http.js';
import '../../lib/metrics.js';
import '../../lib/cache/metrics.js';
import '../../gateway/src/metrics.js';

const PROMETHEUS = join(import.meta.dirname, '..', '..', 'deploy', 'prometheus');
const K8S = join(import.meta.dirname, '..', '..', 'deploy', 'kubernetes', 'base');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (parse(readFileSync(join(PROMETHEUS, 'alerts.yaml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/** What a series was registered as: its type and label names. */
function registered(name: string): { type: string; labelNames: readonly string[] } | undefined {
  const metric = register.getSingleMetric(name) as unknown as { type?: string; labelNames?: readonly string[] } | undefined;
  return metric ? { type: String(metric.type), labelNames: metric.labelNames ?? [] } : undefined;
}

/** The registered series a name in an expression reads: a histogram's _bucket, _count and _sum are its own. */
function seriesOf(name: string): { base: string; suffix: string | undefined } {
  const m = /^(.*)_(bucket|count|sum)$/.exec(name);
  return m && registered(m[1] as string)?.type === 'histogram' ? { base: m[1] as string, suffix: m[2] } : { base: name, suffix: undefined };
}

describe('the alert rules', () => {
  it('each have a name, an expression, a duration, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const r of rules) {
      expect(r.alert, JSON.stringify(r)).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['page', 'ticket'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
    }
  });

  it('read only series the code registers, with labels those series have', () => {
    const read = new Set<string>();
    for (const r of rules) {
      const names = [...r.expr.matchAll(/\b(rsg_\w+)(\{[^}]*\})?/g)];
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const [, name, matchers] of names) {
        const { base, suffix } = seriesOf(name as string);
        const metric = registered(base);
        expect(metric, `${r.alert}: ${name as string} is registered by no code`).toBeDefined();
        read.add(base);
        // A histogram is read through its suffixes only; _bucket carries `le`.
        if (metric?.type === 'histogram') expect(suffix, `${r.alert}: ${name as string}`).toBeDefined();
        const labels = [...(matchers ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] as string);
        for (const label of labels) expect(metric?.labelNames, `${r.alert}: ${base} has no label ${label}`).toContain(label);
      }
      for (const [, by] of r.expr.matchAll(/\bby \(([^)]*)\)/g)) {
        const bases = names.map(([, n]) => seriesOf(n as string).base);
        for (const label of (by as string).split(',').map((s) => s.trim())) {
          if (label === 'le') continue;
          for (const base of bases) expect(registered(base)?.labelNames, `${r.alert}: ${base} has no label ${label}`).toContain(label);
        }
      }
    }
    // Every operator series of docs/operations.md has an alert.
    for (const name of ['rsg_gateway_operation_duration_seconds', 'rsg_gateway_subgraph_fetch_duration_seconds', 'rsg_upstream_call_duration_seconds', 'rsg_upstream_attempts_total', 'rsg_breaker_state', 'rsg_write_queue_depth', 'rsg_write_dead_letters', 'rsg_feed_lag_seconds']) {
      expect([...read], name).toContain(name);
    }
  });

  it('are loaded by the scrape config, which reads the path the pods announce and sends METRICS_TOKEN', () => {
    const config = parse(readFileSync(join(PROMETHEUS, 'prometheus.yaml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; authorization?: { type: string; credentials_file: string } }>;
    };
    expect(config.rule_files).toContain('alerts.yaml');
    const k8s = config.scrape_configs.find((c) => c.job_name === 'retail-supergraph');
    expect(k8s?.authorization).toEqual({ type: 'Bearer', credentials_file: expect.stringMatching(/\/METRICS_TOKEN$/) });
    const path = loadMetricsConfig({}).path;
    for (const part of ['gateway', 'customer', 'order', 'finance', 'service']) {
      const deployment = parseAllDocuments(readFileSync(join(K8S, `${part}.yaml`), 'utf8'))
        .map((d) => d.toJS() as { kind: string; spec: { template: { metadata: { annotations?: Record<string, string> } } } })
        .find((d) => d.kind === 'Deployment');
      expect(deployment?.spec.template.metadata.annotations, part).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': path });
    }
  });
});

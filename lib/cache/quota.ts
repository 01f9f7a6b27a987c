/**
 * Quota awareness: when Salesforce reports that most of the day's API budget is
 * spent, engagement entries stay fresh longer instead of spending the rest.
 * Usage comes from the `Sforce-Limit-Info` header of the last response
 * (SalesforceClient#apiUsage), so reading it costs no call.
 */
import { Gauge, register } from 'prom-client';

export interface QuotaSource {
  apiUsage(): { used: number; limit: number } | undefined;
}

function usageGauge(): Gauge {
  const name = 'rsg_salesforce_api_usage_ratio';
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Gauge;
  return new Gauge({ name, help: 'Share of the Salesforce daily API budget used, as last reported by Sforce-Limit-Info' });
}

/**
 * A function giving the TTL factor for engagement reads now: 1 below `threshold`
 * (a share of the daily limit, 0..1), `factor` at or past it. It also reports
 * the usage as the `rsg_salesforce_api_usage_ratio` gauge.
 */
export function quotaTtlFactor(source: QuotaSource, threshold: number, factor: number): () => number {
  const gauge = usageGauge();
  return () => {
    const u = source.apiUsage();
    if (!u || u.limit <= 0) return 1;
    const ratio = u.used / u.limit;
    gauge.set(ratio);
    return ratio >= threshold ? factor : 1;
  };
}

/**
 * The org's daily API request budget, which every API call is charged
 * against, and the `/limits` call that reports it.
 */
import type { FastifyInstance } from 'fastify';
import type { RestContext } from './index.js';
import { API_BASE } from './request.js';

/** The daily API request budget: charged per API call, reset at UTC midnight. */
export class ApiBudget {
  used = 0;
  private day = utcDay();
  constructor(public max: number) {}
  private roll(): void {
    const d = utcDay();
    if (d !== this.day) {
      this.day = d;
      this.used = 0;
    }
  }
  /** Charges one call; false when the budget is spent. */
  charge(): boolean {
    this.roll();
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }
  remaining(): number {
    this.roll();
    return Math.max(0, this.max - this.used);
  }
}

const utcDay = (): string => new Date().toISOString().slice(0, 10);

/** The `/limits` route, which the API gate lets through uncharged: Salesforce does not charge it against the limits it reports. */
export const LIMITS_ROUTE = `${API_BASE}/limits`;

export function registerLimits(api: FastifyInstance, ctx: RestContext): void {
  api.get(LIMITS_ROUTE, async () => ({
    DailyApiRequests: { Max: ctx.budget.max, Remaining: ctx.budget.remaining() },
    DailyStreamingApiEvents: { Max: 1_000_000, Remaining: 1_000_000 },
    ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
  }));
}

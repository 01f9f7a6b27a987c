/**
 * The API's versions (`/services/data`, public and not charged) and what one
 * version offers (`/services/data/vXX.X`).
 */
import type { FastifyInstance } from 'fastify';
import type { RestContext } from './index.js';
import { API_BASE } from './request.js';

export function registerVersionList(app: FastifyInstance, ctx: RestContext): void {
  app.get('/services/data', async () => {
    const out = [];
    for (let v = ctx.minVersion; v <= ctx.maxVersion; v++) out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
    return out;
  });
}

export function registerResources(api: FastifyInstance): void {
  api.get(API_BASE, async (req) => {
    const p = `/services/data/${req.sfVersion as string}`;
    return {
      tooling: `${p}/tooling`,
      query: `${p}/query`,
      queryAll: `${p}/queryAll`,
      sobjects: `${p}/sobjects`,
      composite: `${p}/composite`,
      limits: `${p}/limits`,
    };
  });
}

function releaseLabel(v: number): string {
  const i = v - 20;
  return `${['Winter', 'Spring', 'Summer'][((i % 3) + 3) % 3] as string} '${String(11 + Math.floor(i / 3)).padStart(2, '0')}`;
}

/**
 * The CometD (Bayeux) endpoint that Change Data Capture streams over; the
 * protocol itself is in `../streaming.ts`.
 */
import type { FastifyInstance } from 'fastify';
import type { RestContext } from './index.js';

export function registerCometd(app: FastifyInstance, ctx: RestContext): void {
  app.post('/cometd/:version', async (req, reply) => {
    const { version } = req.params as { version: string };
    const m = /^(\d+)\.0$/.exec(version);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= 37 && v <= ctx.maxVersion)) {
      return reply.code(400).send([
        { channel: '/meta/handshake', successful: false, error: `400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/${ctx.maxVersion}.0'` },
      ]);
    }
    const replies = await ctx.changes.process(req.body, req.raw);
    return reply.header('cache-control', 'no-cache, no-store').send(replies);
  });
}

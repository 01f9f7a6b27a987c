/**
 * Login and identity: the OAuth token endpoint (every grant the session store
 * knows) and the identity URL the token response names as `id`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAuthError } from '../auth.js';
import { notFound } from '../errors.js';
import { ADMIN_USERNAME } from '../store.js';
import type { RestContext } from './index.js';

export function registerIdentity(app: FastifyInstance, ctx: RestContext): void {
  app.post('/services/oauth2/token', async (req, reply) => {
    let basic: { id: string; secret: string } | undefined;
    const h = req.headers.authorization;
    if (typeof h === 'string' && /^Basic\s+/i.test(h)) {
      const decoded = Buffer.from(h.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) basic = { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
    }
    const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    try {
      return await ctx.sessions.token(form, basic, ctx.baseUrl(req));
    } catch (e) {
      if (e instanceof OAuthError) return reply.code(e.status).send(e.body());
      throw e;
    }
  });

  // The identity URL returned as `id`; jsforce's conn.identity() reads it.
  app.get('/id/:orgId/:userId', async (req, reply) => {
    const session = ctx.sessions.lookup(bearer(req));
    if (!session) return reply.code(403).send('Bad_OAuth_Token');
    const { orgId, userId } = req.params as { orgId: string; userId: string };
    if (orgId !== ctx.sessions.orgId || userId !== session.userId) return reply.code(404).send(notFound().body());
    const base = ctx.baseUrl(req);
    return {
      id: `${base}/id/${ctx.sessions.orgId}/${session.userId}`,
      asserted_user: true,
      user_id: session.userId,
      organization_id: ctx.sessions.orgId,
      username: session.username,
      nick_name: 'admin',
      display_name: 'Sandbox Admin',
      email: ADMIN_USERNAME,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: { rest: `${base}/services/data/v{version}/`, query: `${base}/services/data/v{version}/query/`, sobjects: `${base}/services/data/v{version}/sobjects/` },
    };
  });
}

/** The access token of `Authorization: Bearer …` or `Authorization: OAuth …`. */
export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  return /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h)?.[1];
}

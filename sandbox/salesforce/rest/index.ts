/**
 * The REST API under /services/data, the OAuth token endpoint and the CometD
 * endpoint, registered on the sandbox frame's Fastify instance.
 *
 * This file holds what every API call goes through (the version in the path,
 * the session, the daily budget, `Sforce-Limit-Info`, the error shape); each
 * group of routes is in its own file beside it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from '../auth.js';
import { invalidSession, notFound, requestLimitExceeded, SfError, SfErrors } from '../errors.js';
import type { SalesforceStore } from '../store.js';
import type { ChangeStream } from '../streaming.js';
import { registerCollections } from './collections.js';
import { registerCometd } from './cometd.js';
import { registerDescribe } from './describe.js';
import { bearer, registerIdentity } from './identity.js';
import { LIMITS_ROUTE, registerLimits, type ApiBudget } from './limits.js';
import { registerQuery } from './query.js';
import { registerSObjects } from './sobjects.js';
import { registerResources, registerVersionList } from './versions.js';

export { ApiBudget } from './limits.js';

export interface RestContext {
  store: SalesforceStore;
  sessions: SessionStore;
  changes: ChangeStream;
  budget: ApiBudget;
  minVersion: number;
  maxVersion: number;
  /** The base URL advertised as instance_url and login URL. */
  baseUrl(req: FastifyRequest): string;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof SfError) return reply.code(err.status).send(err.body());
  if (err instanceof SfErrors) return reply.code(err.status).send(err.items);
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.code(415).send([{ message: 'Content type not supported', errorCode: 'UNSUPPORTED_MEDIA_TYPE' }]);
  }
  if (e.statusCode === 400 && typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP')) {
    return reply.code(400).send([{ message: `Unexpected character: ${e.message ?? ''} at [line:1, column:1]`, errorCode: 'JSON_PARSER_ERROR' }]);
  }
  if (e.statusCode === 413) {
    return reply.code(413).send([{ message: 'Request entity too large', errorCode: 'REQUEST_ENTITY_TOO_LARGE' }]);
  }
  return reply.code(500).send([{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 0-0 (0)', errorCode: 'UNKNOWN_EXCEPTION' }]);
}

export function registerRest(app: FastifyInstance, ctx: RestContext): void {
  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(notFound().body()));

  // Outside the API proper: no version in the path, no charge against the budget.
  registerIdentity(app, ctx);
  registerVersionList(app, ctx);
  registerCometd(app, ctx);

  void app.register(async (api) => {
    api.setErrorHandler((err, _req, reply) => sendError(reply, err));

    api.addHook('preHandler', async (req, reply) => {
      const { version } = req.params as { version?: string };
      const m = /^v(\d+)\.0$/.exec(version ?? '');
      const v = m ? Number(m[1]) : NaN;
      if (!(v >= ctx.minVersion && v <= ctx.maxVersion)) return reply.code(404).send(notFound().body());
      req.sfVersion = `v${v}.0`;
      const session = ctx.sessions.lookup(bearer(req));
      if (!session) return reply.code(401).header('www-authenticate', 'Token').send(invalidSession().body());
      req.sfSession = session;
      // Salesforce does not charge /limits against the limits it reports.
      if (req.routeOptions.url === LIMITS_ROUTE) return undefined;
      if (!ctx.budget.charge()) return reply.code(403).send(requestLimitExceeded().body());
      return undefined;
    });

    api.addHook('onSend', async (_req, reply, payload) => {
      // A call without a session is not an API call of the org's, so it reports no usage.
      if (reply.statusCode !== 401) reply.header('sforce-limit-info', `api-usage=${ctx.budget.used}/${ctx.budget.max}`);
      return payload;
    });

    registerResources(api);
    registerLimits(api, ctx);
    registerQuery(api, ctx);
    registerDescribe(api);
    registerSObjects(api, ctx);
    registerCollections(api, ctx);
  });
}

/**
 * The response cache as an Apollo Server plugin.
 *
 * It answers in `responseForOperation`, which Apollo runs after the document is
 * resolved (from its document store: a repeated query is neither parsed nor
 * validated again) and before execution: a hit therefore skips query planning
 * and every subgraph fetch. A miss runs as usual; `willSendResponse` then
 * stores the answer if the engine judges it whole and current, and for any
 * operation, bumps the tags the subgraphs said they invalidated (a mutation's
 * writes) before the client hears back, when the versions are this process's own.
 *
 * Whatever either cache served, it audits: the personal-data reads the
 * subgraphs audited when the data was computed are written again, through the
 * same audit logger, for this request's caller and correlation id, marked
 * `servedFrom: "gateway-cache"`, once per customer and field group.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { auditServedReads, mergeAuditedReads, scopeOf } from '../../../lib/auth/index.js';
import type { AuditedRead } from '../../../lib/cache/index.js';
import type { GatewayContext } from '../context.js';
import { attachRequestCacheState, type RequestCacheState } from './collector.js';
import { judgeAnswer, responseKey, type ResponseCacheEngine } from './engine.js';
import { Flights } from './flights.js';
import { countResponseLookup } from './metrics.js';

/** Where one request stands with the cache. */
type RequestPhase =
  /** Not looked up yet (Apollo failed before resolving an operation, or this is not one). */
  | { phase: 'pending' }
  /** Mutations and subscriptions: never served from or stored in the cache. */
  | { phase: 'uncacheable' }
  /** `reads`: what the stored answer's subgraphs audited. */
  | { phase: 'hit'; reads: AuditedRead[] }
  /** `land`: ends this request's flight of the key, when it started one (flights.ts). */
  | { phase: 'miss'; key: string; land: (() => void) | undefined };

export function ResponseCachePlugin(engine: ResponseCacheEngine, namespace: string, now: () => number = Date.now): ApolloServerPlugin<GatewayContext> {
  // Identical misses (same key, so same caller scope) in this process compute the answer once.
  const flights = new Flights();
  return {
    async requestDidStart({ contextValue }) {
      const state = attachRequestCacheState(contextValue);
      const startedAt = now();
      let current: RequestPhase = { phase: 'pending' };
      return {
        async responseForOperation(rc) {
          if (rc.operation.operation !== 'query') {
            countResponseLookup('uncacheable');
            current = { phase: 'uncacheable' };
            return null;
          }
          const key = responseKey(namespace, {
            document: rc.document,
            operationName: rc.operationName,
            variables: rc.request.variables,
            scope: scopeOf(rc.contextValue.caller),
          });
          let found = await engine.lookup(key);
          // The same answer is being computed for an identical request: wait for it and look again.
          if (found.phase === 'miss' && (await flights.wait(key))) found = await engine.lookup(key);
          if (found.phase === 'miss') {
            current = { phase: 'miss', key, land: flights.start(key) };
            return null;
          }
          current = { phase: 'hit', reads: found.reads };
          rc.response.http.headers.set('age', String(found.ageSeconds));
          return { http: rc.response.http, body: { kind: 'single', singleResult: found.body } };
        },

        async willSendResponse(rc) {
          try {
            await answered(rc);
          } finally {
            // Identical requests waiting on this one look the key up again now: the answer is stored, or will not be.
            if (current.phase === 'miss') current.land?.();
          }
        },
      };

      async function answered({ response, contextValue }: GraphQLRequestContextWillSendResponse<GatewayContext>): Promise<void> {
        const { caller, scope } = contextValue;
        auditServedReads(caller, scope.correlationId, current.phase === 'hit' ? mergeAuditedReads(current.reads) : servedReadsNotAudited(state));
        const invalidated = [...new Set(state.reports.flatMap((r) => r.report?.invalidated ?? []))];
        // Shared versions already moved: the subgraph's entity cache wrote them before it answered.
        if (invalidated.length > 0 && engine.versions.phase === 'local') await engine.bump(invalidated);
        // The subgraph-response entries this request is still storing land before its answer leaves,
        // alongside the answer's own store.
        await Promise.all([...state.storing, storeAnswer(response)]);
      }

      async function storeAnswer(response: GraphQLRequestContextWillSendResponse<GatewayContext>['response']): Promise<void> {
        switch (current.phase) {
          case 'pending':
          case 'uncacheable':
          case 'hit':
            return;
          case 'miss': {
            if (response.body.kind !== 'single') {
              await engine.store(current.key, {}, { phase: 'skip', reason: 'incremental' }, startedAt);
              return;
            }
            const result = response.body.singleResult;
            const verdict = judgeAnswer(result, state, engine.settings, now());
            await engine.store(current.key, { data: result.data }, verdict, startedAt);
            return;
          }
          default: {
            const never: never = current;
            throw new Error(`unexpected response cache phase ${JSON.stringify(never)}`);
          }
        }
      }
    },
  };
}

/**
 * The reads of fetches the subgraph-response cache answered that no fetch sent
 * for this request audited already (a subgraph audits what it resolves, for
 * this caller and correlation id): each customer and field group once.
 */
function servedReadsNotAudited(state: RequestCacheState): ReturnType<typeof mergeAuditedReads> {
  const served = mergeAuditedReads(state.reports.flatMap((r) => (r.served ? (r.report?.reads ?? []) : [])));
  if (served.size === 0) return served;
  const audited = mergeAuditedReads(state.reports.flatMap((r) => (r.served ? [] : (r.report?.reads ?? []))));
  for (const [customerId, groups] of served) {
    for (const g of audited.get(customerId) ?? []) groups.delete(g);
  }
  return served;
}

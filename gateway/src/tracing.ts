/**
 * The gateway's part of a trace (lib/tracing.ts): the root span of each client
 * request, continued from the caller's traceparent, and the plugin that names
 * it after the operation and records how it ended. Apollo Gateway's own spans
 * (gateway.request, gateway.plan, gateway.execute, gateway.fetch) and the
 * subgraph fetch spans (datasource.ts) open beneath it. With tracing off,
 * `traceRequest` only runs the rest of the request and the plugin has no hooks.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context as otelContext } from '@opentelemetry/api';
import type { RequestScope } from '../../lib/context.js';
import { SpanKind, SpanStatusCode, activeTraceparent, contextFromHeaders, startSpan, tracingOn, type Span } from '../../lib/tracing.js';
import type { GatewayContext } from './context.js';

/** Each request's root span, by its scope (which the Apollo context carries). */
const rootSpans = new WeakMap<RequestScope, Span>();

/**
 * Runs the rest of a request (`next`) inside its root span, a SERVER span that
 * ends when the response is sent. The request scope's traceparent becomes that
 * span's, so what is forwarded downstream names it.
 */
export function traceRequest(req: IncomingMessage, res: ServerResponse, scope: RequestScope, next: () => void): void {
  const started = tracingOn()
    ? startSpan('graphql request', {
        kind: SpanKind.SERVER,
        parent: contextFromHeaders(req.headers),
        attributes: { 'http.request.method': req.method ?? 'POST', 'url.path': '/graphql', 'rsg.correlation_id': scope.correlationId },
      })
    : undefined;
  if (!started) {
    next();
    return;
  }
  const { span, context } = started;
  rootSpans.set(scope, span);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  otelContext.with(context, () => {
    scope.traceparent = activeTraceparent() ?? scope.traceparent;
    next();
  });
}

/** Names the request's root span after its operation (`query AgentCustomer360`) and records its outcome. */
export function TracingPlugin(): ApolloServerPlugin<GatewayContext> {
  if (!tracingOn()) return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName, contextValue }) {
          const span = rootSpans.get(contextValue.scope);
          if (!span) return;
          const type = operation?.operation ?? 'query';
          span.updateName(operationName ? `${type} ${operationName}` : type);
          span.setAttributes({ 'graphql.operation.type': type, ...(operationName ? { 'graphql.operation.name': operationName } : {}) });
        },
        async willSendResponse({ response, contextValue }) {
          const span = rootSpans.get(contextValue.scope);
          if (!span) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          // What the client receives: a response cache hit or a refusal by the limits included.
          const all = body?.errors ?? [];
          const codes = [...new Set(all.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          const outcome = all.length === 0 ? 'ok' : body?.data ? 'partial' : 'error';
          span.setAttributes({ 'rsg.outcome': outcome, ...(codes.length > 0 ? { 'rsg.error_codes': codes } : {}) });
          if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
        },
      };
    },
  };
}

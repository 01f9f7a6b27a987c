/**
 * The trace span of one system-of-record call (lib/tracing.ts), kept beside the
 * call policy (lib/http.ts) rather than in it: a CLIENT span named after the
 * call's method and route template, and what the policy did, which it notes as
 * it goes: the attempts, the wait for a limiter permit, each failed attempt as
 * an event, and the circuit's phase when it refused the call without trying.
 */
import { currentScope } from './context.js';
import { UpstreamError, type SystemOfRecord } from './errors.js';
import type { BreakerPhase } from './http.js';
import { SpanKind, inSpan, routeTemplate, tracingOn, type Span } from './tracing.js';

/** What one call's span learns while the policy runs it. */
export interface CallNote {
  span: Span;
  /** Attempts started, the first included. */
  attempts: number;
  /** Time spent waiting for the limiter's permits, over every attempt. */
  permitWaitMs: number;
  /** The circuit's phase when it refused the call without trying. */
  refusedBy?: BreakerPhase;
}

/** The route of a call, or undefined (computed only while tracing is on). */
export type CallRoute = { method: string; template: string; server?: URL } | undefined;

export function describeRequest(req: { method: string; url: string }): CallRoute {
  if (!tracingOn()) return undefined;
  const url = new URL(req.url);
  return { method: req.method, template: routeTemplate(url.pathname), server: url };
}

/** `GET /services/data/{version}/query` as a route; undefined when none was given. */
export function describeRoute(route: string | undefined): CallRoute {
  if (!route || !tracingOn()) return undefined;
  const space = route.indexOf(' ');
  return space > 0 ? { method: route.slice(0, space), template: route.slice(space + 1) } : { method: 'GET', template: route };
}

/** Runs one call (`run`, given its note) inside its span; without tracing, runs it alone. */
export function traceCall<T>(system: SystemOfRecord, route: CallRoute, run: (note: CallNote | undefined) => Promise<T>): Promise<T> {
  if (!tracingOn()) return run(undefined);
  const name = route ? `${route.method} ${route.template}` : `${system} call`;
  const correlationId = currentScope()?.correlationId;
  const attributes = {
    'rsg.system': system,
    ...(correlationId ? { 'rsg.correlation_id': correlationId } : {}),
    ...(route ? { 'http.request.method': route.method, 'url.template': route.template } : {}),
    ...(route?.server ? { 'server.address': route.server.hostname, ...(route.server.port ? { 'server.port': Number(route.server.port) } : {}) } : {}),
  };
  return inSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    // No span: tracing stopped (the process is shutting down) since the check above.
    if (!span) return run(undefined);
    const note: CallNote = { span, attempts: 0, permitWaitMs: 0 };
    try {
      return await run(note);
    } catch (e) {
      if (e instanceof UpstreamError) {
        span.setAttribute('error.type', e.failure);
        if (e.details.status !== undefined) span.setAttribute('http.response.status_code', e.details.status);
      }
      throw e;
    } finally {
      span.setAttributes({ 'rsg.attempts': note.attempts, 'http.request.resend_count': Math.max(0, note.attempts - 1), 'rsg.limiter.wait_ms': Math.round(note.permitWaitMs) });
      if (note.refusedBy) span.setAttribute('rsg.breaker.state', note.refusedBy);
    }
  });
}

/** A failed attempt, as an event on the call's span: why, and the wait before the next one, if there is one. */
export function noteFailedAttempt(note: CallNote, attempt: number, err: UpstreamError, retryInMs: number | undefined): void {
  note.span.addEvent('attempt failed', {
    'rsg.attempt': attempt,
    'error.type': err.failure,
    ...(err.details.status !== undefined ? { 'http.response.status_code': err.details.status } : {}),
    ...(err.details.retryAfterSeconds !== undefined ? { 'rsg.retry_after_ms': err.details.retryAfterSeconds * 1000 } : {}),
    ...(retryInMs !== undefined ? { 'rsg.retry_in_ms': Math.round(retryInMs) } : {}),
  });
}

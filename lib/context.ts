/**
 * Per-request context that must reach the HTTP layer without being threaded
 * through every connector call: the correlation id and the W3C trace context.
 * Carried in a slot of the async scope (lib/scope.ts) so that batch functions
 * running on a later tick still forward them.
 */
import { randomUUID } from 'node:crypto';
import { randomHex } from './random.js';
import { scopeSlot } from './scope.js';
import { activeTraceparent } from './tracing.js';

export interface RequestScope {
  correlationId: string;
  /** W3C traceparent to forward downstream (a child span of the caller's, or a new trace). */
  traceparent: string;
}

const storage = scopeSlot<RequestScope>('request');

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.get();
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Accepts a caller's correlation id if it is sane, else makes one. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && CORRELATION_ID.test(v) ? v : randomUUID();
}

/** Continues the caller's trace with a new span id, or starts a trace. */
export function childTraceparent(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  const m = v ? TRACEPARENT.exec(v) : null;
  const traceId = m?.[1] && !/^0+$/.test(m[1]) ? m[1] : randomHex(16);
  const flags = m?.[3] ?? '01';
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}

/**
 * Headers every outbound call to a system of record or subgraph carries. With
 * tracing on, the traceparent names the active span (the call's own), so the
 * system's side of the call joins the trace; otherwise a child of the scope's,
 * and none outside a request.
 */
export function propagationHeaders(): Record<string, string> {
  const s = currentScope();
  const traced = activeTraceparent();
  // Background work (a feed's poll, a replayed write) has no request scope, but may have a span.
  if (!s) return traced ? { traceparent: traced } : {};
  return { 'x-correlation-id': s.correlationId, traceparent: traced ?? childTraceparent(s.traceparent) };
}

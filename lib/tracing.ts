/**
 * OpenTelemetry traces: off unless the standard OTEL_* variables ask for them,
 * and then one trace per client request, from the gateway through every
 * subgraph down to each system-of-record call (docs/operations.md, "Tracing").
 *
 * Off is coded here, not left to the SDK: without configuration the SDK would
 * export to localhost:4318. While off, no SDK module is loaded (startTracing
 * imports it on demand) and every helper below returns after one boolean test,
 * so a process that does not trace pays nothing per request.
 *
 * The spans are made by hand around our own fetches rather than by the HTTP
 * instrumentations, which patch require() and do not see undici's fetch in an
 * ESM process. Apollo Gateway makes its own (gateway.request, gateway.plan,
 * gateway.fetch…) through the same global API, so they join the same trace.
 */
import { context, propagation, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type Link, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { NodeSDK, tracing as sdkTracing } from '@opentelemetry/sdk-node';

/** Whether a process traces, from its environment; `reason` says why, for its boot log line. */
export type TracingConfig = { phase: 'off'; reason: string } | { phase: 'on'; serviceName: string; exporters: string[] };

/**
 * Tracing is on when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or OTEL_TRACES_EXPORTER names an exporter
 * other than `none`; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turns it
 * off whatever else is set. OTEL_SERVICE_NAME names the process, else `defaultServiceName`.
 */
export function tracingConfig(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingConfig {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { phase: 'off', reason: 'OTEL_SDK_DISABLED=true' };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && s !== 'null');
  if (exporters.includes('none')) return { phase: 'off', reason: 'OTEL_TRACES_EXPORTER=none' };
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (exporters.length === 0 && !endpoint) return { phase: 'off', reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER is set' };
  return { phase: 'on', serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultServiceName, exporters: exporters.length > 0 ? exporters : ['otlp'] };
}

/** A running SDK; shutdown() exports what is still buffered. */
export interface Tracing {
  readonly serviceName: string;
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** The process's service.name when OTEL_SERVICE_NAME is unset: `gateway`, `subgraph-<name>`, `retail-supergraph` (one process). */
  serviceName: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Where spans go instead of the exporters the environment names, and tracing is
   * then on whatever the environment says; for tests (the SDK's InMemorySpanExporter).
   * @default from OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_*
   */
  spanProcessors?: sdkTracing.SpanProcessor[];
}

let tracer: Tracer | undefined;
let running: Tracing | undefined;

/**
 * Starts the SDK when the environment asks for traces (or `spanProcessors` are
 * given), once per process; resolves undefined when tracing is off. The SDK
 * reads the rest of the standard variables itself: the exporter's protocol,
 * headers and timeouts, the sampler (OTEL_TRACES_SAMPLER), resource attributes,
 * batch sizes. Metrics stay Prometheus and logs stay pino's, so it exports traces only.
 */
export async function startTracing(opts: StartTracingOptions): Promise<Tracing | undefined> {
  if (running) return running;
  const config = opts.spanProcessors ? { phase: 'on' as const, serviceName: opts.serviceName } : tracingConfig(opts.env ?? process.env, opts.serviceName);
  if (config.phase === 'off') return undefined;
  const { NodeSDK: Sdk } = await import('@opentelemetry/sdk-node');
  const sdk: NodeSDK = new Sdk({
    serviceName: config.serviceName,
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : {}),
  });
  sdk.start();
  tracer = trace.getTracer('retail-supergraph');
  running = {
    serviceName: config.serviceName,
    async shutdown() {
      tracer = undefined;
      running = undefined;
      await sdk.shutdown();
    },
  };
  return running;
}

/**
 * `service`, whose close() then ends with the tracing SDK's shutdown, so the spans
 * of its last requests are exported before the process exits.
 */
export function closingTracing<S extends { close(): Promise<void> }>(service: S, tracing: Tracing | undefined): S {
  if (!tracing) return service;
  return {
    ...service,
    async close() {
      try {
        await service.close();
      } finally {
        await tracing.shutdown().catch(() => undefined);
      }
    },
  };
}

/** Whether this process records spans. */
export const tracingOn = (): boolean => tracer !== undefined;

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** The parent, e.g. extracted from a request's traceparent. @default the active context */
  parent?: Context;
  /** Spans of other traces this one works for (one call serving several requests). @default none */
  links?: Link[];
}

/**
 * Runs `fn` inside a new span, active for everything it calls, and ends the span
 * when `fn` settles: with status ERROR and the exception recorded when it throws.
 * While tracing is off, `fn` runs alone and gets no span.
 */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!tracer) return fn(undefined);
  const parent = opts.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: opts.kind, ...(opts.attributes ? { attributes: opts.attributes } : {}), ...(opts.links ? { links: opts.links } : {}) }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (e) {
    failSpan(span, e);
    throw e;
  } finally {
    span.end();
  }
}

/** Starts a span whose end the caller owns (a request that ends on the response's finish), and the context it is active in. */
export function startSpan(name: string, opts: SpanOptions): { span: Span; context: Context } | undefined {
  if (!tracer) return undefined;
  const parent = opts.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: opts.kind, ...(opts.attributes ? { attributes: opts.attributes } : {}) }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Marks a span failed with what was thrown, without ending it. */
export function failSpan(span: Span, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/** The W3C trace context of incoming headers (traceparent, tracestate), as the parent of a server span. */
export function contextFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Context {
  return propagation.extract(context.active(), headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => carrier[key.toLowerCase()],
  });
}

/**
 * The traceparent of the active span, to send downstream, or undefined while
 * tracing is off or no span is active (callers then forward the request scope's).
 */
export function activeTraceparent(): string | undefined {
  if (!tracer) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Attributes on the active span (a cache's verdict on the request or fetch it serves). */
export function noteOnSpan(attributes: Attributes): void {
  if (!tracer) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

const counts = new WeakMap<Span, Map<string, number>>();

/** Adds one to a counting attribute of the active span: one attribute per outcome, however many keys were looked up. */
export function countOnSpan(attribute: string): void {
  if (!tracer) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  let seen = counts.get(span);
  if (!seen) counts.set(span, (seen = new Map()));
  const n = (seen.get(attribute) ?? 0) + 1;
  seen.set(attribute, n);
  span.setAttribute(attribute, n);
}

/** The active span's identity, to link to from a span of another trace, or nothing while tracing is off. */
export function activeSpanContext(): SpanContext | undefined {
  if (!tracer) return undefined;
  return trace.getActiveSpan()?.spanContext();
}

/** trace_id and span_id of the active span for a log line, or nothing while tracing is off. */
export function logTraceFields(): { trace_id: string; span_id: string } | undefined {
  if (!tracer) return undefined;
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : undefined;
}

/**
 * A URL's path as a route template (`url.template`): each segment that carries
 * an id (a digit, an `eid:` external id) becomes `{id}`, API versions
 * become `{version}`, and the query string is dropped, so no customer number,
 * record id or SOQL text reaches a span. `/services/data/v60.0/sobjects/Account/001…`
 * becomes `/services/data/{version}/sobjects/Account/{id}`.
 */
export function routeTemplate(urlOrPath: string): string {
  const path = urlOrPath.startsWith('/') ? urlOrPath.split('?')[0]! : new URL(urlOrPath).pathname;
  return path
    .split('/')
    .map((segment, i, all) => {
      if (segment === '') return segment;
      // REST API versions: Salesforce's v60.0 (a data path's version), NetSuite's record/v1, Zendesk's api/v2.
      if (/^v\d+\.\d+$/.test(segment)) return '{version}';
      if (/^v\d+$/.test(segment)) return segment;
      const dot = segment.lastIndexOf('.');
      const [stem, ext] = dot > 0 && i === all.length - 1 && /^\.[a-z]+$/.test(segment.slice(dot)) ? [segment.slice(0, dot), segment.slice(dot)] : [segment, ''];
      return /\d|^eid:/i.test(stem) ? `{id}${ext}` : segment;
    })
    .join('/');
}

export { SpanKind, SpanStatusCode, type Span, type SpanContext };

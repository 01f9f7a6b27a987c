/**
 * One list of error codes for the whole graph. Every GraphQL error a client sees
 * carries `extensions.code` from this list, and `extensions.system` when a system
 * of record caused it. docs/errors.md documents each code.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  /** A system of record answered in a way the connector did not expect (a bug or an org mismatch). */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  CREDIT_HOLD: 'CREDIT_HOLD',
  RETURN_WINDOW_EXPIRED: 'RETURN_WINDOW_EXPIRED',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
  /** Personal data the caller's role may not see (lib/auth/pii.ts); the field is null, the rest of the answer stands. */
  PII_HIDDEN: 'PII_HIDDEN',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** One subscription event's enrichment took longer or fetched more than the gateway allows; the subscription goes on. */
  ENRICHMENT_LIMIT_EXCEEDED: 'ENRICHMENT_LIMIT_EXCEEDED',
  /** The caller sent more operations per minute than the gateway allows it (not a system of record's limit). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The caller's role may run only documents from a manifest, and the request sent another (an ad-hoc query, an APQ registration). */
  TRUSTED_DOCUMENT_REQUIRED: 'TRUSTED_DOCUMENT_REQUIRED',
  /** A documentId (or APQ hash, from a caller held to trusted documents) names no document in the gateway's manifests. */
  TRUSTED_DOCUMENT_NOT_FOUND: 'TRUSTED_DOCUMENT_NOT_FOUND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The systems of record, as the schema's `SystemOfRecord` enum names them. */
export type SystemOfRecord = 'SALESFORCE' | 'ERP' | 'SERVICE_DESK';

/** Failure modes of a call to a system of record. Connectors throw these; resolvers never see HTTP. */
export type UpstreamFailure = 'unavailable' | 'timeout' | 'rate_limited' | 'error';

/**
 * A system of record could not answer. Thrown by the HTTP policy and the connectors;
 * turned into a GraphQL error with the right code and `system` by `toGraphQLError`.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly system: SystemOfRecord,
    readonly failure: UpstreamFailure,
    message: string,
    readonly details: {
      status?: number;
      /** Seconds the system asked us to wait (Retry-After). */
      retryAfterSeconds?: number;
      /** The system's own error code, e.g. MALFORMED_QUERY or INVALID_LOGIN. */
      upstreamCode?: string;
      /** Refused at once by the system's open circuit (lib/http.ts): the call never reached the system. */
      circuitOpen?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message);
  }

  /** Transient failures are worth a retry later (and a queued write); an `error` is not. */
  get transient(): boolean {
    return this.failure !== 'error';
  }

  get code(): ErrorCode {
    switch (this.failure) {
      case 'unavailable':
        return ErrorCode.UPSTREAM_UNAVAILABLE;
      case 'timeout':
        return ErrorCode.UPSTREAM_TIMEOUT;
      case 'rate_limited':
        return ErrorCode.UPSTREAM_RATE_LIMITED;
      case 'error':
        return ErrorCode.UPSTREAM_ERROR;
      default:
        return unreachable(this.failure);
    }
  }
}

/** A refusal with a client-facing code: bad input, a business rule, a missing record. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function badInput(message: string, extensions: Record<string, unknown> = {}): DomainError {
  return new DomainError(ErrorCode.BAD_USER_INPUT, message, extensions);
}

export function notFound(message: string, extensions: Record<string, unknown> = {}): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, message, extensions);
}

/** The `extensions` a client sees for one of our coded errors. */
function codedExtensions(err: UpstreamError | DomainError): Record<string, unknown> {
  if (err instanceof DomainError) return { ...err.extensions, code: err.code };
  const ext: Record<string, unknown> = { code: err.code, system: err.system };
  if (err.details.retryAfterSeconds !== undefined) ext.retryAfterSeconds = err.details.retryAfterSeconds;
  if (err.details.upstreamCode !== undefined) ext.upstreamCode = err.details.upstreamCode;
  return ext;
}

/** Maps any thrown value to the GraphQLError a client should see. */
export function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (err instanceof UpstreamError || err instanceof DomainError) {
    return new GraphQLError(err.message, { extensions: codedExtensions(err), originalError: err });
  }
  return new GraphQLError('Internal server error', {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    originalError: err instanceof Error ? err : new Error(String(err)),
  });
}

/**
 * A resolver's error with the code of the domain or upstream error it wraps, at
 * the same path: what `formatError` does for HTTP answers, for transports that
 * send GraphQLErrors as they are (a subgraph's graphql-ws events).
 */
export function withCode(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  if (!(original instanceof UpstreamError || original instanceof DomainError)) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: original, extensions: codedExtensions(original) });
}

/** Exhaustiveness check for switches over unions. */
export function unreachable(value: never): never {
  throw new Error(`unreachable case: ${JSON.stringify(value)}`);
}

/**
 * Formats errors for clients: codes from the one list, `system` on upstream
 * failures, and no internals in production.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    // The message and extensions toGraphQLError would give, without building an error (whose
    // constructor reads the original's stack) for each one a response carries.
    if (original instanceof UpstreamError || original instanceof DomainError) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: codedExtensions(original) };
    }
    const code = formatted.extensions?.code;
    // Errors that already carry a code keep it: Apollo's parse and validation errors,
    // and, at the gateway, the errors the subgraphs formatted.
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      if (!production) return formatted;
      const { stacktrace: _stack, exception: _exception, ...rest } = formatted.extensions ?? {};
      return { ...formatted, extensions: rest };
    }
    const ext: Record<string, unknown> = { code: ErrorCode.INTERNAL_SERVER_ERROR };
    if (!production && original instanceof Error) {
      ext.detail = original.message;
      ext.stacktrace = original.stack?.split('\n');
    }
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: ext };
  };
}

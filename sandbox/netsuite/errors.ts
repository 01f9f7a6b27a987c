/**
 * NetSuite REST web services error bodies. Every failure carries the same
 * envelope: `{type, title, status, "o:errorDetails": [{detail, "o:errorCode", ...}]}`,
 * served as `application/vnd.oracle.resource+json; type=error`.
 */
import type { FastifyReply } from 'fastify';

const RFC2616 = 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html';

const TYPES: Record<number, { type: string; title: string }> = {
  400: { type: `${RFC2616}#sec10.4.1`, title: 'Bad Request' },
  401: { type: `${RFC2616}#sec10.4.2`, title: 'Unauthorized' },
  403: { type: `${RFC2616}#sec10.4.4`, title: 'Forbidden' },
  404: { type: `${RFC2616}#sec10.4.5`, title: 'Not Found' },
  405: { type: `${RFC2616}#sec10.4.6`, title: 'Method Not Allowed' },
  415: { type: `${RFC2616}#sec10.4.16`, title: 'Unsupported Media Type' },
  // 429 is not in RFC 2616; NetSuite points at the RFC that defines it.
  429: { type: 'https://tools.ietf.org/html/rfc6585#section-4', title: 'Too Many Requests' },
  500: { type: `${RFC2616}#sec10.5.1`, title: 'Internal Server Error' },
  503: { type: `${RFC2616}#sec10.5.4`, title: 'Service Unavailable' },
};

export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error';

/** Optional pointers NetSuite adds to an error detail. */
export interface ErrorPointers {
  'o:errorPath'?: string;
  'o:urlPath'?: string;
  'o:errorHeader'?: string;
  'o:errorQueryParam'?: string;
}

export interface NsErrorBody {
  type: string;
  title: string;
  status: number;
  'o:errorDetails': ({ detail: string; 'o:errorCode': string } & ErrorPointers)[];
}

export function errorBody(status: number, code: string, detail: string, pointers: ErrorPointers = {}, title?: string): NsErrorBody {
  const t = TYPES[status] ?? { type: RFC2616, title: 'Error' };
  return { type: t.type, title: title ?? t.title, status, 'o:errorDetails': [{ detail, 'o:errorCode': code, ...pointers }] };
}

/** A failure raised inside a handler and turned into NetSuite's error response by the route wrapper. */
export class NsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly pointers: ErrorPointers = {},
    readonly title?: string,
  ) {
    super(detail);
  }
}

export function sendError(reply: FastifyReply, e: NsError): FastifyReply {
  return reply.code(e.status).header('content-type', ERROR_CONTENT_TYPE).send(errorBody(e.status, e.code, e.detail, e.pointers, e.title));
}

export const INVALID_LOGIN_DETAIL =
  'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.';

/** The one 401 answer: NetSuite never says which part of the credentials was wrong. */
export function invalidLogin(): NsError {
  return new NsError(401, 'INVALID_LOGIN', INVALID_LOGIN_DETAIL);
}

export const SUITEQL_PREFIX = 'Invalid search query. Detailed unprocessed description follows. Search error occurred: ';

export function suiteQlError(reason: string): NsError {
  return new NsError(400, 'INVALID_PARAMETER', SUITEQL_PREFIX + reason, { 'o:errorQueryParam': 'q' });
}

export function recordNotFound(): NsError {
  return new NsError(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.', {}, 'Record Not Found');
}

export function userError(detail: string, pointers: ErrorPointers = {}): NsError {
  return new NsError(400, 'USER_ERROR', detail, pointers);
}

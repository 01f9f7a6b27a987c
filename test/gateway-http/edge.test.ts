/**
 * The gateway's HTTP edge, as a client sees it: every client mistake gets a
 * coded GraphQL error in JSON (never a 500, a stack trace or Express's HTML
 * page), with the status the GraphQL-over-HTTP spec asks for the media type the
 * client accepts (docs/errors.md, "HTTP status codes"), and a 401 challenge as
 * RFC 6750 §3 writes it. None of these refusals reaches a system of record.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface Answer {
  status: number;
  contentType: string | null;
  headers: Headers;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  correlationId: string;
}

/** A raw POST to the gateway; `accept` undefined sends none (a legacy client). */
async function post(
  body: string | Uint8Array,
  o: { accept?: string; token?: string | null; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const correlationId = `edge-${randomUUID()}`;
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': o.contentType ?? JSON_TYPE,
      'x-correlation-id': correlationId,
      ...(o.accept ? { accept: o.accept } : {}),
      ...(o.token === null ? {} : { authorization: `Bearer ${o.token ?? stack.tokens.agent}` }),
      ...o.headers,
    },
    // A copy on a plain ArrayBuffer, which fetch's BodyInit type takes.
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    // Left empty: the assertions below say what was expected instead.
  }
  return { status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, text, body: parsed, correlationId };
}

const gql = (query: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ query, ...extra });

/** No stack frames, file paths or HTML: what a client must never see. */
function expectNoInternals(a: Answer): void {
  expect(a.text).not.toMatch(/<html|<pre>|stacktrace|\bat .+[.](?:ts|js|mjs|cjs):\d+|node_modules|\/work\/|[A-Z]:\\/i);
}

async function expectNoCalls(correlationId: string): Promise<void> {
  const stats = await stack.allStats(correlationId);
  for (const [system, s] of Object.entries(stats)) expect(s.total, system).toBe(0);
}

/**
 * A request error (the request was well formed; the operation cannot run): 200
 * for application/json and for a client that states no Accept, 400 for
 * application/graphql-response+json; never a `data` entry; one coded error.
 */
async function expectRequestError(body: string, code: string, message?: RegExp): Promise<void> {
  for (const [accept, status, type] of [
    [undefined, 200, JSON_TYPE],
    [JSON_TYPE, 200, JSON_TYPE],
    ['*/*', 200, JSON_TYPE],
    [GRAPHQL_RESPONSE, 400, GRAPHQL_RESPONSE],
    [`${GRAPHQL_RESPONSE}, ${JSON_TYPE};q=0.9`, 400, GRAPHQL_RESPONSE],
  ] as const) {
    const a = await post(body, accept ? { accept } : {});
    expect({ accept, status: a.status }).toEqual({ accept, status });
    expect(a.contentType).toContain(type);
    expect(a.body).not.toHaveProperty('data');
    expect(a.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    if (message) expect(a.body.errors?.[0]?.message).toMatch(message);
    expectNoInternals(a);
    await expectNoCalls(a.correlationId);
  }
}

describe('operations the gateway cannot run over HTTP are client errors, not 500s', () => {
  it('a subscription sent over HTTP POST is BAD_REQUEST, pointing at graphql-ws', async () => {
    await expectRequestError(
      gql('subscription { orderStatusChanged(customerId: "C-000003") { status } }'),
      'BAD_REQUEST',
      /subscriptions are served over WebSocket \(graphql-ws, subprotocol graphql-transport-ws\) on this same URL/,
    );
  });

  it('two operations and no operationName is OPERATION_RESOLUTION_FAILURE naming both', async () => {
    await expectRequestError(
      gql('query A { __typename } query B { customer(id: "C-000003") { id } }'),
      'OPERATION_RESOLUTION_FAILURE',
      /expected an operationName naming one of the document's 2 operations \(A, B\), got none/,
    );
  });

  it('an unknown operationName is OPERATION_RESOLUTION_FAILURE, saying which names exist', async () => {
    await expectRequestError(
      gql('query A { __typename }', { operationName: 'B' }),
      'OPERATION_RESOLUTION_FAILURE',
      /expected an operationName naming one of the document's operations \(A\), got "B"/,
    );
  });

  it('a document with fragments but no operation is GRAPHQL_VALIDATION_FAILED', async () => {
    await expectRequestError(gql('fragment F on Query { __typename }'), 'GRAPHQL_VALIDATION_FAILED');
  });

  it('the named operation of a multi-operation document still runs', async () => {
    const a = await post(gql('query A { __typename } query B { customer(id: "C-000003") { id } }', { operationName: 'B' }), { accept: GRAPHQL_RESPONSE });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ data: { customer: { id: 'C-000003' } } });
  });

  it('in production the same refusals carry no internals either', async () => {
    const prod = await startStack({ production: true, customers: 20 });
    try {
      for (const body of [
        gql('subscription { caseUpdated { status } }'),
        gql('query A { __typename } query B { __typename }'),
        gql('query A { __typename }', { operationName: 'B' }),
      ]) {
        const res = await fetch(prod.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': JSON_TYPE, authorization: `Bearer ${prod.tokens.agent}` },
          body,
        });
        const text = await res.text();
        expect(res.status).toBe(200);
        expect((JSON.parse(text) as Answer['body']).errors?.[0]?.extensions?.code).toMatch(/^(BAD_REQUEST|OPERATION_RESOLUTION_FAILURE)$/);
        expect(text).not.toMatch(/stacktrace|detail|\bat .+[.](?:ts|js):\d+/);
      }
    } finally {
      await prod.close();
    }
  });
});

describe('GraphQL over HTTP: request errors are 200 for application/json, 4xx for application/graphql-response+json', () => {
  it('a document that does not parse: GRAPHQL_PARSE_FAILED', async () => {
    await expectRequestError(gql('{ customer(id: "C-000003") { id }'), 'GRAPHQL_PARSE_FAILED');
  });

  it('a document that does not validate: GRAPHQL_VALIDATION_FAILED', async () => {
    await expectRequestError(gql('{ customer(id: "C-000003") { noSuchField } }'), 'GRAPHQL_VALIDATION_FAILED', /noSuchField/);
  });

  it('variables that do not coerce: BAD_USER_INPUT', async () => {
    await expectRequestError(gql('query($id: ID!) { customer(id: $id) { id } }', { variables: { id: null } }), 'BAD_USER_INPUT');
  });

  it('an operation over the abuse limits: QUERY_TOO_COMPLEX', async () => {
    const roots = Array.from({ length: 11 }, (_, i) => `r${i}: customer(id: "C-00000${(i % 9) + 1}") { id }`).join(' ');
    await expectRequestError(gql(`{ ${roots} }`), 'QUERY_TOO_COMPLEX');
  });

  it('a field error keeps 200 and its data under both media types', async () => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const a = await post(gql('{ order(id: "abc") { id } }'), { accept });
      expect(a.status).toBe(200);
      expect(a.body).toHaveProperty('data');
      expect(a.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('a request that is not a GraphQL request stays 400 under both', async () => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const a = await post(JSON.stringify({ qeury: '{ __typename }' }), { accept });
      expect(a.status).toBe(400);
      expect(a.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
  });

  it('authentication keeps 401 under both', async () => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE, undefined]) {
      const a = await post(gql('{ __typename }'), { token: null, ...(accept ? { accept } : {}) });
      expect(a.status).toBe(401);
      expect(a.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a mutation over GET stays 405 (the spec requires it under both)', async () => {
    const url = new URL(stack.gatewayUrl);
    url.searchParams.set('query', 'mutation { __typename }');
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const res = await fetch(url, { headers: { accept, authorization: `Bearer ${stack.tokens.agent}`, 'apollo-require-preflight': 'true' } });
      expect(res.status).toBe(405);
    }
  });
});

describe('what the spec fixes whatever the media type', () => {
  it('an Accept naming nothing the gateway serves: 406, in JSON', async () => {
    const a = await post(gql('{ __typename }'), { accept: 'text/csv' });
    expect(a.status).toBe(406);
    expect(a.contentType).toContain(JSON_TYPE);
    expect(a.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('caching headers', () => {
  it('an answer, over POST and GET, is no-store and carries no ETag; a persisted-query miss keeps its own cache-control', async () => {
    const posted = await post(gql('{ customer(id: "C-000003") { id } }'));
    expect(posted.body.errors).toBeUndefined();
    const url = new URL(stack.gatewayUrl);
    url.searchParams.set('query', '{ customer(id: "C-000003") { id } }');
    const got = await fetch(url, { headers: { accept: JSON_TYPE, authorization: `Bearer ${stack.tokens.agent}`, 'apollo-require-preflight': 'true' } });
    expect(got.status).toBe(200);
    for (const headers of [posted.headers, got.headers]) {
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('etag')).toBeNull();
    }
    const missing = await post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }));
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(missing.headers.get('cache-control')).toBe('private, no-cache, must-revalidate');
  });
});

describe('the 401 challenge (RFC 6750 §3)', () => {
  it('no credentials: a bare Bearer challenge with the realm, no error code', async () => {
    const a = await post(gql('{ __typename }'), { token: null });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toBe('Bearer realm="retail-supergraph"');
    expect(a.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('another scheme is no Bearer credential: the same bare challenge', async () => {
    const a = await post(gql('{ __typename }'), { token: null, headers: { authorization: 'Basic YWdlbnQ6c2VjcmV0' } });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toBe('Bearer realm="retail-supergraph"');
  });

  it('an expired token: invalid_token with a description', async () => {
    const token = await stack.issuer.token({ sub: 'a', roles: ['agent'] }, { expiresIn: '-5m' });
    const a = await post(gql('{ __typename }'), { token });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toBe('Bearer realm="retail-supergraph", error="invalid_token", error_description="the token has expired"');
  });

  it('a token that does not verify: invalid_token', async () => {
    const a = await post(gql('{ __typename }'), { token: 'not-a-jwt' });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toMatch(/^Bearer realm="retail-supergraph", error="invalid_token", error_description="[^"\\]+"$/);
  });

  it('a valid token without a known role: 403 insufficient_scope', async () => {
    const a = await post(gql('{ __typename }'), { token: await stack.issuer.token({ sub: 'x', roles: ['admin'] }) });
    expect(a.status).toBe(403);
    expect(a.headers.get('www-authenticate')).toMatch(/^Bearer realm="retail-supergraph", error="insufficient_scope", error_description="[^"\\]+"$/);
  });
});

describe('request bodies the gateway cannot read: coded JSON, never an HTML page', () => {
  const expectBodyError = (a: Answer, status: number, code: string, message: RegExp): void => {
    expect(a.status).toBe(status);
    expect(a.contentType).toContain('json');
    expect(a.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(a.body.errors?.[0]?.message).toMatch(message);
    expectNoInternals(a);
  };

  it('malformed JSON: 400 BAD_USER_INPUT', async () => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE]) {
      const a = await post('{"query": ', { accept });
      expectBodyError(a, 400, 'BAD_USER_INPUT', /the request body is not valid JSON/);
      await expectNoCalls(a.correlationId);
    }
  });

  it('a body that is not gzip despite Content-Encoding: gzip: 400 BAD_USER_INPUT', async () => {
    const a = await post('{"query": "{ __typename }"}', { headers: { 'content-encoding': 'gzip' } });
    expectBodyError(a, 400, 'BAD_USER_INPUT', /could not be decompressed as gzip/);
  });

  it('a truncated gzip body: 400 BAD_USER_INPUT', async () => {
    const whole = gzipSync(gql('{ __typename }'));
    const a = await post(whole.subarray(0, whole.length - 6), { headers: { 'content-encoding': 'gzip' } });
    expectBodyError(a, 400, 'BAD_USER_INPUT', /could not be decompressed as gzip/);
  });

  it('a well-formed gzip body is served', async () => {
    const a = await post(gzipSync(gql('{ __typename }')), { headers: { 'content-encoding': 'gzip' } });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('a gzip body that inflates past the limit: 413 QUERY_TOO_COMPLEX', async () => {
    const big = gzipSync(gql(`{ __typename } # ${'x'.repeat(300_000)}`));
    expect(big.length).toBeLessThan(10_000);
    const a = await post(big, { headers: { 'content-encoding': 'gzip' } });
    expectBodyError(a, 413, 'QUERY_TOO_COMPLEX', /request body of more than 100kb/);
    expect(a.body.errors?.[0]?.extensions).toMatchObject({ limit: 'bodySize', max: '100kb' });
  });

  it('an oversize body: 413 QUERY_TOO_COMPLEX', async () => {
    const a = await post(gql(`{ __typename } # ${'x'.repeat(120_000)}`));
    expectBodyError(a, 413, 'QUERY_TOO_COMPLEX', /request body of more than 100kb/);
  });

  it('a content encoding the gateway does not speak: 415 BAD_USER_INPUT naming it', async () => {
    const a = await post(gql('{ __typename }'), { headers: { 'content-encoding': 'compress' } });
    expectBodyError(a, 415, 'BAD_USER_INPUT', /expected Content-Encoding identity, gzip, deflate(, br)? or (br|zstd), got "compress"/);
  });

  it('a charset the gateway does not read: 415 BAD_USER_INPUT naming it', async () => {
    const a = await post(gql('{ __typename }'), { contentType: 'application/json; charset=koi8-r' });
    expectBodyError(a, 415, 'BAD_USER_INPUT', /expected a UTF-8 JSON body, got charset "koi8-r"/);
  });
});

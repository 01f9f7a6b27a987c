/**
 * Identity and abuse limits at the gateway, through the full stack over the
 * sandbox: every refusal here happens before any subgraph or system of record
 * is called, which the sandboxes' per-correlation-id stats prove.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { startStack, type GraphQLResponse, type Stack, type StackIdentity } from '../support/stack.js';
import { signedHeaders, TEST_AGENT } from '../support/auth.js';
import { CALLER_HEADER, signCaller } from '../../lib/auth/index.js';
import { SubgraphDataSource } from '../../gateway/src/datasource.js';

let stack: Stack & StackIdentity;

beforeAll(async () => {
  stack = await startStack();
  // Sign in to Salesforce once so that the measured requests show only their own calls.
  await stack.query('{ customer(id: "C-000010") { name } }');
});

afterAll(async () => {
  await stack?.close();
});

async function expectNoCalls(correlationId: string): Promise<void> {
  const stats = await stack.allStats(correlationId);
  for (const [system, s] of Object.entries(stats)) expect(s.total, system).toBe(0);
}

const CUSTOMER = '{ customer(id: "C-000003") { id name orders(first: 5) { nodes { id } } cases(first: 5) { nodes { id } } } }';

describe('authentication', () => {
  it('an agent token is served, and costs calls', async () => {
    const res = await stack.query<{ customer: { id: string; name: string | null } }>(CUSTOMER);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customer?.name).toBeTruthy();
    expect((await stack.allStats(res.correlationId)).salesforce.total).toBeGreaterThan(0);
  });

  it('finance, operator and storefront tokens authenticate', async () => {
    for (const token of [stack.tokens.finance, stack.tokens.operator, stack.tokens.storefront.token]) {
      const res = await stack.query('{ __typename }', undefined, { token });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
    }
  });

  const badTokens: Array<[string, () => Promise<string | null>]> = [
    ['missing', async () => null],
    ['forged (another key, same kid)', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT({ roles: ['agent'] })
        .setProtectedHeader({ alg: 'ES256', kid: stack.issuer.jwks.keys[0]?.kid ?? '' })
        .setSubject('mallory').setIssuer(stack.issuer.issuer).setAudience(stack.issuer.audience).setExpirationTime('5m')
        .sign(privateKey);
    }],
    ['expired', () => stack.issuer.token({ sub: 'a', roles: ['agent'] }, { expiresIn: '-5m' })],
    ['wrong audience', () => stack.issuer.token({ sub: 'a', roles: ['agent'] }, { audience: 'another-api' })],
    ['wrong issuer', () => stack.issuer.token({ sub: 'a', roles: ['agent'] }, { issuer: 'https://elsewhere.example' })],
    ['alg none', async () =>
      new UnsecuredJWT({ roles: ['agent'] }).setSubject('a').setIssuer(stack.issuer.issuer).setAudience(stack.issuer.audience).setExpirationTime('5m').encode()],
    ['garbage', async () => 'not-a-jwt'],
  ];

  it.each(badTokens)('%s → 401 UNAUTHENTICATED, zero calls', async (_name, make) => {
    const token = await make();
    const res = await stack.query(CUSTOMER, undefined, { token });
    expect(res.status).toBe(401);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|at .*\.ts:/);
    await expectNoCalls(res.correlationId);
  });

  it('answers 401 with a Bearer challenge: bare without a token (RFC 6750 §3.1), invalid_token with a bad one', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="retail-supergraph"');
    const bad = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-jwt' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="retail-supergraph", error="invalid_token", error_description="[^"]+"$/);
  });

  it('a valid token without a known role → 403 FORBIDDEN', async () => {
    const res = await stack.query(CUSTOMER, undefined, { token: await stack.issuer.token({ sub: 'x', roles: ['admin'] }) });
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await expectNoCalls(res.correlationId);
  });
});

describe('subgraphs answer only the gateway', () => {
  const direct = async (name: keyof Stack['subgraphUrls'], headers: Record<string, string>, query = '{ _service { sdl } }', body = JSON.stringify({ query })) => {
    const correlationId = headers['x-correlation-id'] ?? `direct-${randomUUID()}`;
    const res = await fetch(stack.subgraphUrls[name], {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...headers },
      body,
    });
    return { status: res.status, correlationId, body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
  };

  it.each(['customer', 'order', 'finance', 'service'] as const)('%s refuses a request without the signed caller, introspection included', async (name) => {
    for (const query of ['{ _service { sdl } }', '{ __schema { queryType { name } } }']) {
      const res = await direct(name, {}, query);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.data).toBeUndefined();
    }
  });

  it('refuses a bearer token sent straight to a subgraph, a forged signature, and a header lifted from another request', async () => {
    const q = '{ customer(id: "C-000003") { id name } }';
    const bearer = await direct('customer', { authorization: `Bearer ${stack.tokens.agent}` }, q);
    expect(bearer.status).toBe(401);
    const bind = { audience: 'customer', operation: { query: q } };
    const forged = await direct('customer', { [CALLER_HEADER]: signCaller(TEST_AGENT, { trust: { secrets: ['f'.repeat(40)] }, correlationId: 'c-forged', bind }), 'x-correlation-id': 'c-forged' }, q);
    expect(forged.status).toBe(401);
    const lifted = signedHeaders('c-original', 'customer', { query: q });
    const replayed = await direct('customer', { [CALLER_HEADER]: lifted[CALLER_HEADER] ?? '', 'x-correlation-id': 'c-other' }, q);
    expect(replayed.status).toBe(401);
    for (const r of [bearer, forged, replayed]) await expectNoCalls(r.correlationId);
  });

  it('accepts the gateway signature (the same request, signed)', async () => {
    const correlationId = `direct-${randomUUID()}`;
    const q = '{ customer(id: "C-000003") { id } }';
    const res = await direct('customer', signedHeaders(correlationId, 'customer', { query: q }), q);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ customer: { id: 'C-000003' } });
  });

  it("refuses a header captured from the gateway's own traffic: replayed as is, to another subgraph, or with another body", async () => {
    // What an observer of the gateway → subgraph traffic sees: the header and the body of a real fetch, as they go out.
    const seen: Array<{ header: string; correlationId: string; body: string }> = [];
    const signFetch = SubgraphDataSource.prototype.signFetch;
    vi.spyOn(SubgraphDataSource.prototype, 'signFetch').mockImplementation(function (this: SubgraphDataSource, init) {
      const sent = signFetch.call(this, init);
      const headers = sent.headers as Record<string, string>;
      seen.push({ header: headers[CALLER_HEADER] ?? '', correlationId: headers['x-correlation-id'] ?? '', body: String(sent.body) });
      return sent;
    });
    let original: Awaited<ReturnType<typeof stack.query>>;
    try {
      original = await stack.query('{ customer(id: "C-000003") { id name email } }');
    } finally {
      vi.restoreAllMocks();
    }
    expect(original.body.errors).toBeUndefined();
    const captured = seen.find((s) => s.correlationId === original.correlationId && s.body.includes('customer(id'));
    expect(captured?.header).toMatch(/^v2\./);
    const before = await stack.allStats(original.correlationId);
    expect(before.salesforce.total).toBeGreaterThan(0);

    const lifted = { [CALLER_HEADER]: captured?.header ?? '', 'x-correlation-id': original.correlationId };
    // (a) the same request, to the same subgraph, within the header's life
    const same = await direct('customer', lifted, '', captured?.body);
    // (b) the same request to another subgraph
    const other = await direct('order', lifted, '', captured?.body);
    // (c) another body: a mutation
    const mutation = await direct('customer', lifted, 'mutation { updateCustomerEngagement(id: "C-000003", input: { email: "mallory@example.com" }) { status } }');
    // (d) another body for the same operation: the header binds the bytes, not what they parse to
    const respaced = await direct('customer', lifted, '', ` ${captured?.body ?? ''}`);
    for (const r of [same, other, mutation, respaced]) {
      expect(r.status).toBe(401);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    // Nothing reached a system of record beyond what the original request cost.
    expect(await stack.allStats(original.correlationId)).toEqual(before);
  });
});

describe('abuse limits: refused before any subgraph is called', () => {
  // A refusal is a request error: 200 for application/json (stack.query states no Accept),
  // 400 for application/graphql-response+json, as GraphQL over HTTP asks.
  const refused = async (query: string, limit: string, variables?: Record<string, unknown>) => {
    const res = await stack.query(query, variables);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
    await expectNoCalls(res.correlationId);
    const correlationId = `strict-${randomUUID()}`;
    const strict = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-correlation-id': correlationId,
        authorization: `Bearer ${stack.tokens.agent}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    expect(strict.status).toBe(400);
    const body = (await strict.json()) as GraphQLResponse['body'];
    expect(body.data).toBeUndefined();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    await expectNoCalls(correlationId);
    return res.body.errors?.[0];
  };

  it('depth', async () => {
    const deep = '{ customer(id: "C-000003") { orders(first: 1) { nodes { customer { orders(first: 1) { nodes { customer { orders(first: 1) { nodes { customer { orders(first: 1) { nodes { id } } } } } } } } } } } } }';
    const e = await refused(deep, 'depth');
    expect(e?.extensions).toMatchObject({ found: 13, max: 10 });
  });

  it('aliases', async () => {
    const many = Array.from({ length: 16 }, (_, i) => `c${i}: name`).join(' ');
    await refused(`{ customer(id: "C-000003") { ${many} } }`, 'aliases');
  });

  it('root fields', async () => {
    const roots = Array.from({ length: 11 }, (_, i) => `r${i}: customer(id: "C-00000${i % 9 + 1}") { id }`).join(' ');
    await refused(`{ ${roots} }`, 'rootFields');
  });

  it('cost, from first as a literal and as a variable', async () => {
    const e = await refused('{ customers(first: 100) { nodes { orders(first: 100) { nodes { id lines { sku } } } } } }', 'cost');
    expect(e?.message).toMatch(/estimated cost of \d+; the limit is 25000/);
    await refused('query($n: Int) { customers(first: 100) { nodes { orders(first: $n) { nodes { id } } } } }', 'cost', { n: 100 });
  });

  it('the same shape with small pages passes', async () => {
    const res = await stack.query('query($n: Int) { customers(first: 5) { nodes { orders(first: $n) { nodes { id } } } } }', { n: 5 });
    expect(res.body.errors).toBeUndefined();
  });

  it('body size: 413 with QUERY_TOO_COMPLEX', async () => {
    const correlationId = `size-${randomUUID()}`;
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, authorization: `Bearer ${stack.tokens.agent}` },
      body: JSON.stringify({ query: `{ customer(id: "C-000003") { id } } # ${'x'.repeat(120_000)}` }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'bodySize', max: '100kb' });
    await expectNoCalls(correlationId);
  });
});

describe('request hygiene', () => {
  it('CSRF prevention: a simple (form-like) request is refused', async () => {
    const res = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { authorization: `Bearer ${stack.tokens.agent}` } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/);
  });

  it('malformed JSON gets a GraphQL error, not an HTML page with a stack', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(text).not.toMatch(/<html|at .*\.js:\d+/i);
  });

  it('outside production, Apollo Sandbox is served to a browser', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('CORS allows no foreign origin by default', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

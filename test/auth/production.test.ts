/**
 * Production mode at the gateway: introspection refused, no landing page, no
 * stack traces or internal details in any error a client can provoke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';

let stack: Stack & StackIdentity;

beforeAll(async () => {
  stack = await startStack({ production: true, customers: 50, rateLimit: { perMinute: 20 } });
});

afterAll(async () => {
  await stack?.close();
});

const noInternals = (body: unknown): void => {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace|"detail"|exception|node_modules|\.ts:\d+|\.js:\d+/);
};

describe('production mode', () => {
  it('refuses introspection, even for an agent', async () => {
    for (const q of ['{ __schema { types { name } } }', '{ __type(name: "Customer") { fields { name } } }']) {
      // A validation error: 200 for application/json, 400 for application/graphql-response+json (GraphQL over HTTP).
      const res = await stack.query(q);
      expect(res.status).toBe(200);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
      noInternals(res.body);
      const strict = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${stack.tokens.agent}` },
        body: JSON.stringify({ query: q }),
      });
      expect(strict.status).toBe(400);
      const body = (await strict.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('serves no Sandbox landing page', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await res.text()).not.toMatch(/<html|embeddable-sandbox/i);
  });

  it('still answers queries', async () => {
    const res = await stack.query<{ customer: { id: string } }>('{ customer(id: "C-000003") { id name } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customer.id).toBe('C-000003');
  });

  it('sends no stack traces: bad token, validation error, bad input, a failing system, malformed JSON', async () => {
    const bad = await stack.query('{ __typename }', undefined, { token: 'nope' });
    expect(bad.status).toBe(401);
    noInternals(bad.body);
    const invalid = await stack.query('{ customer(id: "C-000003") { noSuchField } }');
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    noInternals(invalid.body);
    const input = await stack.query('{ customer(id: "bad id") { id } }');
    expect(input.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    noInternals(input.body);
    await stack.faults('salesforce', { down: true });
    try {
      const down = await stack.query('{ customer(id: "C-000004") { id name } }');
      expect(down.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' });
      noInternals(down.body);
    } finally {
      await stack.clearFaults();
    }
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    const text = await res.text();
    expect(res.status).toBe(400);
    noInternals(JSON.parse(text));
  });

  it('limits each caller\'s operations per minute: 429 RATE_LIMITED with Retry-After, before any system is called', async () => {
    const token = await stack.issuer.token({ sub: 'burst-client', roles: ['agent'] });
    // Two windows hold at most 2 × 20 operations, so 41 requests must meet the limit whatever the clock.
    let limited: Awaited<ReturnType<typeof stack.query>> | undefined;
    for (let i = 0; i < 41 && !limited; i += 1) {
      const res = await stack.query('{ customer(id: "C-000005") { id } }', undefined, { token });
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    const stats = await stack.allStats(limited?.correlationId ?? '');
    for (const s of Object.values(stats)) expect(s.total).toBe(0);
    // Other callers are not affected.
    expect((await stack.query('{ customer(id: "C-000005") { id } }')).status).toBe(200);
  });

  it('has no anonymous access', async () => {
    await expect(startStack({ production: true, allowAnonymous: true, customers: 10 })).rejects.toThrow(/development only/);
  });
});

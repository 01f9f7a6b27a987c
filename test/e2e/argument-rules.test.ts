/**
 * Arguments are checked before any call: through the gateway, a malformed
 * idempotency key, an oversize string or a customer search by something that
 * is not an e-mail address gets BAD_USER_INPUT naming the argument, and no
 * system of record hears of the request (the sandboxes' per-correlation-id
 * stats stay at zero).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';

let stack: Stack & StackIdentity;

beforeAll(async () => {
  stack = await startStack({ customers: 40 });
  // Sign in to Salesforce once so that the measured requests show only their own calls.
  await stack.query('{ customer(id: "C-000010") { name } }');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

type Answer = Awaited<ReturnType<typeof stack.query>>;

async function expectRefusedBeforeAnyCall(res: Answer, argumentName: string, message: RegExp): Promise<void> {
  const errors = (res.body.errors ?? []) as Array<{ message: string; extensions?: Record<string, unknown> }>;
  expect(errors.length, JSON.stringify(res.body)).toBeGreaterThan(0);
  expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
  expect(errors[0]?.message).toMatch(message);
  const stats = await stack.allStats(res.correlationId);
  for (const [system, s] of Object.entries(stats)) expect(s.total, `${system}: ${JSON.stringify(s.calls)}`).toBe(0);
}

const BAD_KEY = 'not a key';

describe('a malformed idempotency key is refused before any read', () => {
  it('placeOrder', async () => {
    const res = await stack.query(
      'mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { status } }',
      { input: { customerId: 'C-000003', lines: [{ sku: 'SKU-10001', quantity: 1 }] }, key: BAD_KEY },
    );
    await expectRefusedBeforeAnyCall(res, 'idempotencyKey', /expected an idempotencyKey of 1 to 255 printable ASCII characters without spaces.*got 'not a key'/);
  });

  it('openCase', async () => {
    const res = await stack.query(
      'mutation($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status } }',
      { input: { customerId: 'C-000003', subject: 'Where is my parcel?', description: 'It has not arrived.' }, key: BAD_KEY },
    );
    await expectRefusedBeforeAnyCall(res, 'idempotencyKey', /idempotencyKey/);
  });

  it('requestReturn', async () => {
    const res = await stack.query(
      'mutation($input: ReturnRequestInput!, $key: String!) { requestReturn(input: $input, idempotencyKey: $key) { status } }',
      { input: { orderId: 'SO-100001', lines: [{ lineNumber: 1, quantity: 1 }], reason: 'Too small' }, key: BAD_KEY },
    );
    await expectRefusedBeforeAnyCall(res, 'idempotencyKey', /idempotencyKey/);
  });

  it('updateBillingAddress', async () => {
    const res = await stack.query(
      'mutation($a: AddressInput!, $key: String) { updateBillingAddress(customerId: "C-000003", address: $a, idempotencyKey: $key) { status } }',
      { a: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' }, key: 'x'.repeat(256) },
      { token: stack.tokens.finance },
    );
    await expectRefusedBeforeAnyCall(res, 'idempotencyKey', /idempotencyKey/);
  });
});

describe('string limits and formats', () => {
  it('a 10 KB filter value never reaches Salesforce', async () => {
    const res = await stack.query('query($f: CustomerFilter) { customers(filter: $f, first: 5) { nodes { id } } }', { f: { namePrefix: 'a'.repeat(10_000) } });
    await expectRefusedBeforeAnyCall(res, 'filter.namePrefix', /expected filter.namePrefix of at most 255 characters, got 10000/);
  });

  it('any string argument has a limit (1,000 characters by default), inline literals too', async () => {
    const res = await stack.query(`mutation { cancelOrder(id: "SO-100001", reason: "${'r'.repeat(1_001)}") { status } }`);
    await expectRefusedBeforeAnyCall(res, 'reason', /at most 1000 characters, got 1001/);
  });

  it('a customer search by an e-mail that is not an e-mail address', async () => {
    const res = await stack.query('{ customers(filter: { email: "not-an-email" }) { nodes { id } } }');
    await expectRefusedBeforeAnyCall(res, 'filter.email', /expected an e-mail address like "name@example.com" for filter.email, got 'not-an-email'/);
  });

  it('a customer search by a phone that is not a phone number', async () => {
    const res = await stack.query('{ customers(filter: { phone: "call me" }) { nodes { id } } }');
    await expectRefusedBeforeAnyCall(res, 'filter.phone', /expected a phone number/);
  });

  it('well-formed values pass: a search by e-mail reaches Salesforce, and a case description may be longer than the default', async () => {
    const email = await stack.query<{ customers: { nodes: Array<{ id: string }> } }>('{ customers(filter: { email: "nobody@example.com" }) { nodes { id } } }');
    expect(email.body.errors).toBeUndefined();
    expect((await stack.allStats(email.correlationId)).salesforce.total).toBeGreaterThan(0);
    const longText = await stack.query(
      'mutation($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status } }',
      { input: { customerId: 'C-000003', subject: 'A long story', description: 'd'.repeat(5_000) }, key: `arg-rules-${Date.now()}` },
    );
    const codes = ((longText.body.errors ?? []) as Array<{ extensions?: { code?: string } }>).map((e) => e.extensions?.code);
    expect(codes).not.toContain('BAD_USER_INPUT');
  });
});

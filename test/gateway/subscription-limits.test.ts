/**
 * Subscriptions obey every limit that guards a query, at the protocol level: a
 * subscribe past the document size, depth, alias or cost limit gets one `error`
 * message with QUERY_TOO_COMPLEX before anything is subscribed upstream, and the
 * connection goes on; an event whose enrichment takes too long or fetches too
 * much is answered with ENRICHMENT_LIMIT_EXCEEDED, its fetches are abandoned, and
 * later events still flow; the union of selections that subscribers share is
 * held to the cost limit of one query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocket, startFixture, waitFor, type Fixture } from './fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture<{ scope: string }>({
    security: {
      authenticate: (params) => {
        if (params?.authorization !== 'Bearer good') throw new Error('bad token');
        return { scope: 'agent' };
      },
      authorize: () => undefined,
      dataSourceContext: () => ({}),
      upstreamExtensions: () => ({}),
      expiredCloseCode: 4401,
    },
    bodyLimit: '8kb',
    limits: { enrichTimeoutMs: 500, enrichMaxBytes: 1024 * 1024 },
  });
});

afterAll(async () => {
  await fx?.close();
});

/** An abusive shape: each level multiplies the orders fetched by 100. */
const NESTED = `subscription { orderStatusChanged { eventId order { customer { orders(first: 100) { customer { orders(first: 100) { customer { orders(first: 100) { id } } } } } } } } }`;
const WITH_NAME = 'subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId status order { id customer { id name } } } }';

type Message = { id?: string; type: string; payload?: unknown };
const errorsOf = (m: Message) => m.payload as Array<{ message: string; extensions?: Record<string, unknown> }>;

describe('abuse limits at subscribe time', () => {
  it('refuses a subscription past the cost limit with the error a query gets, subscribing nothing upstream, and keeps the connection', async () => {
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    const subscribesBefore = fx.orderSubscribes();
    sock.send({ id: 'nested', type: 'subscribe', payload: { query: NESTED } });
    const refused = await sock.next('error', 'nested');
    expect(errorsOf(refused)).toHaveLength(1);
    expect(errorsOf(refused)[0]?.message).toMatch(/^the operation has an estimated cost of \d+; the limit is 25000$/);
    expect(errorsOf(refused)[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', found: expect.any(Number), max: 25_000 });
    expect(fx.subs.hub.stats()).toEqual({ subscribers: 0, upstreams: 0 });
    expect(fx.orderSubscribes()).toBe(subscribesBefore);

    // The same connection still serves a subscription within the limits.
    sock.send({ id: 'ok', type: 'subscribe', payload: { query: WITH_NAME, variables: { c: 'C-100' } } });
    await waitFor(() => fx.subs.hub.stats().upstreams === 1);
    await new Promise((r) => setTimeout(r, 100));
    fx.emit({ eventId: 'L1', status: 'SHIPPED', customerId: 'C-100' });
    const next = await sock.next('next', 'ok');
    expect(next.payload).toEqual({ data: { orderStatusChanged: { eventId: 'L1', status: 'SHIPPED', order: { id: 'SO-L1', customer: { id: 'C-100', name: 'Name of C-100' } } } } });
    sock.ws.close(1000);
    await waitFor(() => fx.subs.hub.stats().upstreams === 0);
  });

  it('starts another shared subscription for a selection that would take the union past the cost limit', async () => {
    // Each costs about 20,000 alone, within the limit of 25,000; their union would cost about 40,000.
    const costly = (inner: number): string =>
      `subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId order { customer { orders(first: 100) { customer { orders(first: ${inner}) { id } } } } } } }`;
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    sock.send({ id: 'a', type: 'subscribe', payload: { query: costly(100), variables: { c: 'C-300' } } });
    await waitFor(() => fx.subs.hub.stats().upstreams === 1);
    sock.send({ id: 'b', type: 'subscribe', payload: { query: costly(99), variables: { c: 'C-300' } } });
    await waitFor(() => fx.subs.hub.stats().subscribers === 2);
    expect(fx.subs.hub.stats().upstreams).toBe(2);
    // A third that the first union already covers joins it.
    sock.send({ id: 'c', type: 'subscribe', payload: { query: costly(100).replace('eventId', 'e: eventId'), variables: { c: 'C-300' } } });
    await waitFor(() => fx.subs.hub.stats().subscribers === 3);
    expect(fx.subs.hub.stats().upstreams).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    fx.emit({ eventId: 'U1', status: 'SHIPPED', customerId: 'C-300' });
    const lengths = async (id: string): Promise<number[]> => {
      const m = await sock.next('next', id);
      const orders = (m.payload as { data: { orderStatusChanged: { order: { customer: { orders: Array<{ customer: { orders: unknown[] } }> } } } } }).data.orderStatusChanged.order.customer.orders;
      return [orders.length, orders[0]!.customer.orders.length];
    };
    expect(await lengths('a')).toEqual([100, 100]);
    expect(await lengths('b')).toEqual([100, 99]);
    expect(await lengths('c')).toEqual([100, 100]);
    sock.ws.close(1000);
    await waitFor(() => fx.subs.hub.stats().upstreams === 0);
  });

  it('refuses a subscription nested deeper than the depth limit', async () => {
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    // orderStatusChanged 1, order 2, customer 3 … id 11.
    const deep = 'subscription { orderStatusChanged { order { customer { orders(first: 1) { customer { orders(first: 1) { customer { orders(first: 1) { customer { orders(first: 1) { id } } } } } } } } } } }';
    sock.send({ id: 'deep', type: 'subscribe', payload: { query: deep } });
    const refused = await sock.next('error', 'deep');
    expect(errorsOf(refused)).toEqual([{ message: 'the operation nests fields 11 deep; the limit is 10', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', found: 11, max: 10 } }]);
    expect(fx.subs.hub.stats().upstreams).toBe(0);
    sock.ws.close(1000);
  });

  it('counts aliases of __typename against the alias limit', async () => {
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    // Free fields are priced at nothing, but 200 of them still make 200 keys per event.
    const aliases = Array.from({ length: 200 }, (_, i) => `t${i}: __typename`).join(' ');
    sock.send({ id: 'aliases', type: 'subscribe', payload: { query: `subscription { orderStatusChanged { ${aliases} eventId } }` } });
    const refused = await sock.next('error', 'aliases');
    expect(errorsOf(refused)[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', found: 200, max: 15 });
    expect(fx.subs.hub.stats().upstreams).toBe(0);
    sock.ws.close(1000);
  });

  it('refuses a subscribe message larger than the body limit before parsing it', async () => {
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    const padded = `# ${'x'.repeat(10_000)}\nsubscription { orderStatusChanged { eventId } }`;
    sock.send({ id: 'big', type: 'subscribe', payload: { query: padded } });
    const refused = await sock.next('error', 'big');
    expect(errorsOf(refused)[0]).toEqual({
      message: expect.stringMatching(/^the operation has a request body of \d+ bytes; the limit is 8kb$/),
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'bodySize', found: expect.stringMatching(/^\d+ bytes$/), max: '8kb' },
    });
    expect(fx.subs.hub.stats().upstreams).toBe(0);
    sock.ws.close(1000);
  });
});

describe('bounded enrichment', () => {
  it('answers an event whose enrichment passes the deadline with ENRICHMENT_LIMIT_EXCEEDED, abandons its fetches, and delivers the next event', async () => {
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    sock.send({ id: 's', type: 'subscribe', payload: { query: WITH_NAME, variables: { c: 'C-200' } } });
    await waitFor(() => fx.subs.hub.stats().upstreams === 1);
    await new Promise((r) => setTimeout(r, 100));
    fx.customer.delayMs = 5_000;
    const abandonedBefore = fx.customerRequests.abandoned;
    const started = Date.now();
    try {
      fx.emit({ eventId: 'T1', status: 'SHIPPED', customerId: 'C-200' });
      const limited = await sock.next('next', 's');
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(limited.payload).toEqual({
        data: null,
        errors: [
          {
            message: 'enriching this event took longer than the limit of 500 ms; the event was not delivered',
            extensions: { code: 'ENRICHMENT_LIMIT_EXCEEDED', limit: 'enrichTimeoutMs', max: 500 },
          },
        ],
      });
      // The in-flight fetch was aborted, not left to run on.
      await waitFor(() => fx.customerRequests.abandoned > abandonedBefore, 2_000);
    } finally {
      fx.customer.delayMs = 0;
    }
    sock.messages.length = 0;
    fx.emit({ eventId: 'T2', status: 'INVOICED', customerId: 'C-200' });
    const whole = await sock.next('next', 's');
    expect(whole.payload).toEqual({ data: { orderStatusChanged: { eventId: 'T2', status: 'INVOICED', order: { id: 'SO-T2', customer: { id: 'C-200', name: 'Name of C-200' } } } } });
    expect(sock.messages.filter((m) => m.type === 'error' || m.type === 'complete')).toEqual([]);
    sock.ws.close(1000);
    await waitFor(() => fx.subs.hub.stats().upstreams === 0);
  });

  it('answers an event whose enrichment fetches more than the byte limit with ENRICHMENT_LIMIT_EXCEEDED, and delivers the next event', async () => {
    const sock = await rawSocket(fx.wsUrl, { authorization: 'Bearer good' });
    await sock.next('connection_ack');
    sock.send({ id: 's', type: 'subscribe', payload: { query: WITH_NAME, variables: { c: 'C-300' } } });
    await waitFor(() => fx.subs.hub.stats().upstreams === 1);
    await new Promise((r) => setTimeout(r, 100));
    fx.customer.nameLength = 3 * 1024 * 1024;
    try {
      fx.emit({ eventId: 'B1', status: 'SHIPPED', customerId: 'C-300' });
      const limited = await sock.next('next', 's');
      expect(limited.payload).toEqual({
        data: null,
        errors: [
          {
            message: 'enriching this event fetched more than the limit of 1048576 bytes from the subgraphs; the event was not delivered',
            extensions: { code: 'ENRICHMENT_LIMIT_EXCEEDED', limit: 'enrichMaxBytes', max: 1_048_576 },
          },
        ],
      });
    } finally {
      fx.customer.nameLength = 0;
    }
    sock.messages.length = 0;
    fx.emit({ eventId: 'B2', status: 'INVOICED', customerId: 'C-300' });
    const whole = await sock.next('next', 's');
    expect(whole.payload).toEqual({ data: { orderStatusChanged: { eventId: 'B2', status: 'INVOICED', order: { id: 'SO-B2', customer: { id: 'C-300', name: 'Name of C-300' } } } } });
    sock.ws.close(1000);
    await waitFor(() => fx.subs.hub.stats().upstreams === 0);
  });
});

/** gateway/src/datasource.ts: an in-process subgraph's answer as the fetch Response Apollo's data source reads. */
import { describe, expect, it } from 'vitest';
import { localResponse } from '../../gateway/src/datasource.js';

const answer = { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'x-correlation-id': 'c-1' }, body: '{"data":{"a":1}}' };

describe('an in-process answer as a Response', () => {
  it('reads like new Response(body, init): status, ok, headers whatever their case, JSON body', async () => {
    const res = localResponse(answer);
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.statusText).toBe('');
    expect(res.url).toBe('');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('X-Correlation-Id')).toBe('c-1');
    expect(res.headers.get('cache-control')).toBeNull();
    expect([...res.headers]).toEqual([...new Headers(answer.headers)]);
    expect(await res.json()).toEqual({ data: { a: 1 } });
  });

  it('gives its body once, as a Response does, and a clone taken before gives it again', async () => {
    const res = localResponse(answer);
    const copy = res.clone();
    expect(await res.text()).toBe(answer.body);
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(() => res.clone()).toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe(answer.body);
  });

  it('is not ok outside 2xx, and a body that is not JSON fails json() as Response.json does', async () => {
    const refused = localResponse({ status: 401, headers: {}, body: 'nope' });
    expect(refused.ok).toBe(false);
    await expect(refused.json()).rejects.toThrow(SyntaxError);
  });
});

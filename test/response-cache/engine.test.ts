/**
 * The rules that decide what the response cache may store and under which key,
 * one reason at a time.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { canonicalJson, judgeAnswer, responseKey } from '../../gateway/src/response-cache/engine.js';
import type { CacheReport } from '../../lib/cache/index.js';
import type { RequestCacheState } from '../../gateway/src/response-cache/collector.js';

const NOW = 1_000_000;
const settings = { maxTtlMs: 300_000, minTtlMs: 1000 };
const report = (r: Partial<CacheReport> = {}): CacheReport => ({ tags: ['Customer:C-1'], maxAgeMs: 30_000, stale: false, incomplete: false, invalidated: [], reads: [], ...r });
const state = (...reports: Array<CacheReport | undefined>): RequestCacheState => ({ fetches: reports.length, reports: reports.map((r) => ({ report: r, receivedAt: NOW })), storing: [] });
const ok = { data: { customer: { id: 'C-1', freshness: { stale: false } } } };

describe('judgeAnswer', () => {
  it('stores a whole answer for the least remaining freshness of its parts, with every tag', () => {
    const v = judgeAnswer(ok, state(report({ maxAgeMs: 30_000 }), report({ tags: ['Customer:C-1:orders'], maxAgeMs: 10_000 })), settings, NOW + 2000);
    expect(v).toEqual({ phase: 'store', tags: ['Customer:C-1', 'Customer:C-1:orders'], ttlMs: 8000, reads: [] });
  });

  it('keeps the reads its subgraphs audited, one per customer with every field group', () => {
    const v = judgeAnswer(
      ok,
      state(
        report({ reads: [{ customerId: 'C-1', fieldGroups: ['identity', 'loyalty'] }] }),
        report({ reads: [{ customerId: 'C-1', fieldGroups: ['orders'] }, { customerId: 'C-2', fieldGroups: ['cases'] }] }),
      ),
      settings,
      NOW,
    );
    expect(v).toMatchObject({
      phase: 'store',
      reads: [
        { customerId: 'C-1', fieldGroups: ['identity', 'loyalty', 'orders'] },
        { customerId: 'C-2', fieldGroups: ['cases'] },
      ],
    });
  });

  it('caps the life of an answer at maxTtl', () => {
    expect(judgeAnswer(ok, state(report({ maxAgeMs: 3_600_000 })), settings, NOW)).toMatchObject({ phase: 'store', ttlMs: 300_000 });
  });

  it.each([
    ['errors', { ...ok, errors: [{ message: 'x' }] }, state(report())],
    ['errors', { data: null }, state(report())],
    ['unreported', ok, state()],
    ['unreported', ok, state(report(), undefined)],
    ['unreported', ok, { fetches: 2, reports: [{ report: report(), receivedAt: NOW }] }],
    ['stale', ok, state(report({ stale: true }))],
    ['stale', { data: { customer: { orders: { nodes: [{ freshness: { stale: true } }] } } } }, state(report())],
    ['incomplete', ok, state(report({ incomplete: true }))],
    ['unbounded', ok, state(report({ maxAgeMs: null }))],
    ['expiring', ok, state(report({ maxAgeMs: 500 }))],
  ] as const)('does not store (%s)', (reason, result, s) => {
    expect(judgeAnswer(result, s as RequestCacheState, settings, NOW)).toEqual({ phase: 'skip', reason });
  });
});

describe('responseKey', () => {
  const doc = parse('query Q($id: ID!) { customer(id: $id) { id } }');
  const base = { document: doc, operationName: 'Q', variables: { id: 'C-1', first: 5 }, scope: 'staff' };

  it('is the same for the same operation, printed alike, with variables in any order', () => {
    const again = parse('query Q($id: ID!) {\n  customer(id: $id) {\n    id # the key\n  }\n}');
    expect(responseKey('ns', { ...base, document: again, variables: { first: 5, id: 'C-1' } })).toBe(responseKey('ns', base));
  });

  it.each([
    ['scope', { scope: 'customer:C-1' }],
    ['variables', { variables: { id: 'C-2', first: 5 } }],
    ['operation name', { operationName: 'Other' }],
  ])('differs by %s', (_what, change) => {
    expect(responseKey('ns', { ...base, ...change })).not.toBe(responseKey('ns', base));
  });

  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined, e: null })).toBe('{"b":[{"c":2,"d":1}],"e":null}');
  });
});

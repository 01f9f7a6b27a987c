/**
 * The cache report as the gateway reads it off a subgraph's answer
 * (lib/cache/tags-report.ts parseCacheReport): a well-formed report comes back
 * with its known fields only, and anything malformed is no report at all, so
 * the answer it came with is never stored.
 */
import { describe, expect, it } from 'vitest';
import { parseCacheReport } from '../../lib/cache/index.js';

const good = {
  tags: ['Order:SO-1', 'Customer:C-1:orders'],
  maxAgeMs: 29_000,
  stale: false,
  incomplete: false,
  invalidated: [],
  reads: [{ customerId: 'C-1', fieldGroups: ['contact', 'identity'] }],
};

describe('parseCacheReport', () => {
  it('reads a well-formed report, without fields it does not know', () => {
    expect(parseCacheReport({ ...good, extra: 1, reads: [{ ...good.reads[0], extra: true }] })).toEqual(good);
    expect(parseCacheReport({ ...good, maxAgeMs: null })).toEqual({ ...good, maxAgeMs: null });
  });

  it('takes a report without reads (from a subgraph that predates them) as one that audited nothing', () => {
    const { reads: _reads, ...older } = good;
    expect(parseCacheReport(older)).toEqual({ ...good, reads: [] });
  });

  it('copies what it returns: a later change to the wire object does not reach it', () => {
    const wire = structuredClone(good);
    const report = parseCacheReport(wire);
    wire.tags.push('Order:SO-2');
    wire.reads[0]!.fieldGroups.push('loyalty');
    expect(report).toEqual(good);
  });

  it.each([
    ['not an object', 'report'],
    ['null', null],
    ['an array', [good]],
    ['tags not strings', { ...good, tags: ['Order:SO-1', 2] }],
    ['tags missing', { ...good, tags: undefined }],
    ['maxAgeMs missing', { ...good, maxAgeMs: undefined }],
    ['maxAgeMs a string', { ...good, maxAgeMs: '29000' }],
    ['maxAgeMs NaN', { ...good, maxAgeMs: Number.NaN }],
    ['stale not a boolean', { ...good, stale: 'false' }],
    ['incomplete missing', { ...good, incomplete: undefined }],
    ['invalidated not an array', { ...good, invalidated: 'Order:SO-1' }],
    ['reads not an array', { ...good, reads: {} }],
    ['reads null', { ...good, reads: null }],
    ['a read without its customer', { ...good, reads: [{ fieldGroups: ['contact'] }] }],
    ['a read with field groups not strings', { ...good, reads: [{ customerId: 'C-1', fieldGroups: [1] }] }],
    ['a read that is not an object', { ...good, reads: ['C-1'] }],
  ])('refuses a report with %s', (_what, value) => {
    expect(parseCacheReport(value)).toBeUndefined();
  });
});

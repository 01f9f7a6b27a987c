/**
 * lib/erp: the credit-hold rule both ERP subgraphs apply (the order subgraph's
 * CREDIT_HOLD refusal and finance's CustomerFinancials.creditHold), and the
 * SuiteQL IN list they both build.
 */
import { describe, expect, it } from 'vitest';
import { creditHold } from '../../lib/erp/credit.js';
import { inList } from '../../lib/erp/suiteql.js';

describe('credit hold', () => {
  it('holds whoever the override puts ON, even with no balance or no limit', () => {
    expect(creditHold('ON', 0n, 100_00n)).toBe(true);
    expect(creditHold('ON', 0n, undefined)).toBe(true);
  });

  it('releases whoever the override puts OFF, even far above the limit', () => {
    expect(creditHold('OFF', 1_000_000_00n, 100_00n)).toBe(false);
  });

  it('on AUTO holds only a balance above the limit', () => {
    expect(creditHold('AUTO', 100_01n, 100_00n)).toBe(true);
    expect(creditHold('AUTO', 100_00n, 100_00n)).toBe(false);
    expect(creditHold('AUTO', 99_99n, 100_00n)).toBe(false);
    expect(creditHold('AUTO', -50_00n, 0n)).toBe(false);
    expect(creditHold('AUTO', 1n, 0n)).toBe(true);
  });

  it('on AUTO never holds a customer without a credit limit', () => {
    expect(creditHold('AUTO', 1_000_000_00n, undefined)).toBe(false);
  });

  it('reads an absent, lower-case or unknown override as AUTO', () => {
    expect(creditHold(undefined, 200n, 100n)).toBe(true);
    expect(creditHold(undefined, 100n, 100n)).toBe(false);
    expect(creditHold('on', 0n, undefined)).toBe(true);
    expect(creditHold('off', 200n, 100n)).toBe(false);
    expect(creditHold('auto', 200n, 100n)).toBe(true);
    expect(creditHold('SOMETIMES', 200n, 100n)).toBe(true);
    expect(creditHold('SOMETIMES', 0n, 100n)).toBe(false);
  });
});

describe('SuiteQL IN list', () => {
  it('quotes every key as a literal, so a hostile key stays a value', () => {
    expect(inList(['SO-1', 'SO-2'])).toBe("'SO-1', 'SO-2'");
    expect(inList(["C-1') OR 1=1 --"])).toBe("'C-1'') OR 1=1 --'");
    expect(inList([])).toBe('');
  });
});

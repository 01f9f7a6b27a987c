/**
 * lib/money.ts: what the order and finance subgraphs show as a Money amount for
 * the decimal text NetSuite sends. Amounts must be exact to the cent and read the
 * same whichever subgraph shows them.
 */
import { describe, expect, it } from 'vitest';
import { formatCents, money, moneyOf, toCents } from '../../lib/money.js';

describe('money from ERP decimal text', () => {
  it('gives two fraction digits whatever SuiteQL sent', () => {
    expect(moneyOf('129.90', 'USD')).toEqual({ amount: '129.90', currency: 'USD' });
    expect(moneyOf('129.9', 'USD')).toEqual({ amount: '129.90', currency: 'USD' });
    expect(moneyOf('1200', 'USD')).toEqual({ amount: '1200.00', currency: 'USD' });
    expect(moneyOf('.5', 'USD')).toEqual({ amount: '0.50', currency: 'USD' });
    expect(moneyOf('7.', 'USD')).toEqual({ amount: '7.00', currency: 'USD' });
    expect(moneyOf(' 42.1 ', 'USD')).toEqual({ amount: '42.10', currency: 'USD' });
  });

  it('adds exactly, where floats would drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(formatCents(toCents('0.1')! + toCents('0.2')!)).toBe('0.30');
    const lines = Array.from({ length: 10 }, () => toCents('19.99')!);
    expect(formatCents(lines.reduce((a, b) => a + b, 0n))).toBe('199.90');
  });

  it('keeps the sign of negative amounts (credits, refunds) and drops it for a zero', () => {
    expect(moneyOf('-5', 'USD').amount).toBe('-5.00');
    expect(moneyOf('-129.9', 'USD').amount).toBe('-129.90');
    expect(moneyOf('-.05', 'USD').amount).toBe('-0.05');
    expect(moneyOf('+5', 'USD').amount).toBe('5.00');
    expect(moneyOf('-0.001', 'USD').amount).toBe('0.00');
    expect(formatCents(-1n)).toBe('-0.01');
    expect(formatCents(0n)).toBe('0.00');
  });

  it('rounds half away from zero beyond the cent, on the digits', () => {
    expect(toCents('0.005')).toBe(1n);
    expect(toCents('0.004')).toBe(0n);
    expect(toCents('-0.005')).toBe(-1n);
    expect(toCents('2.675')).toBe(268n); // 2.675 as a float is 2.67499…, so Math.round would say 267
    expect(toCents('1.999')).toBe(200n);
    expect(toCents('12345678901234567890.12')).toBe(1234567890123456789012n);
  });

  it('reads exponent notation, which only shows up far below a cent', () => {
    expect(toCents('1e-7')).toBe(0n);
    expect(toCents('-4E-9')).toBe(0n);
    expect(toCents('1.5e2')).toBe(15000n);
  });

  it('reads exponent notation of huge amounts without recursing forever (toFixed keeps the exponent from 1e21 up)', () => {
    expect(toCents('1e21')).toBe(100000000000000000000000n);
    expect(toCents('-2.5E22')).toBe(-2500000000000000000000000n);
  });

  it('leaves unreadable text unread, and shows it as zero only where the caller asks', () => {
    for (const text of ['abc', '', '   ', '-', '+', '.', '1.2.3', '12,50', '$5', 'NaN', 'Infinity']) expect(toCents(text), text).toBeUndefined();
    expect(toCents(undefined)).toBeUndefined();
    expect(toCents(null)).toBeUndefined();
    // SuiteQL omits a null sum: an order with no lines has no total column.
    expect(moneyOf(undefined, 'EUR')).toEqual({ amount: '0.00', currency: 'EUR' });
    expect(moneyOf('abc', 'EUR')).toEqual({ amount: '0.00', currency: 'EUR' });
  });

  it('carries the currency it is given, untouched', () => {
    expect(money(12990n, 'EUR')).toEqual({ amount: '129.90', currency: 'EUR' });
    expect(money(-50n, 'GBP')).toEqual({ amount: '-0.50', currency: 'GBP' });
    // Zero-decimal currencies still show two places: the graph's amount format is fixed.
    expect(moneyOf('1500', 'JPY')).toEqual({ amount: '1500.00', currency: 'JPY' });
  });
});

/**
 * The workloads that put the gateway's layers to work: views with varying
 * selections, and the same customers viewed again and again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../lib/supergraph.js';
import { projectRoot } from '../../lib/paths.js';
import { customerIds, repeatBodies, variantBodies, CUSTOMER_360, REPEAT_CUSTOMERS, VIEW_VARIANTS, WORKLOADS } from '../workloads.js';

describe('customer views with varying selections', () => {
  it('are distinct queries the graph accepts, every one of them', () => {
    const api = apiSchemaOf(readFileSync(join(projectRoot, 'supergraph.graphql'), 'utf8'));
    expect(VIEW_VARIANTS.length).toBeGreaterThanOrEqual(8);
    expect(VIEW_VARIANTS.length).toBeLessThanOrEqual(16);
    expect(new Set(VIEW_VARIANTS).size).toBe(VIEW_VARIANTS.length);
    for (const q of VIEW_VARIANTS) expect(validate(api, parse(q)).map((e) => e.message)).toEqual([]);
  });

  it('rotate the selections over Zipf customers, the same sequence for the same seed', () => {
    const keys = customerIds(100);
    const bodies = variantBodies(VIEW_VARIANTS, keys, 30, 3);
    expect(bodies.map((b) => b.query)).toEqual(Array.from({ length: 30 }, (_, i) => VIEW_VARIANTS[i % VIEW_VARIANTS.length]));
    expect(bodies.every((b) => keys.includes(b.variables?.id as string))).toBe(true);
    expect(variantBodies(VIEW_VARIANTS, keys, 30, 3)).toEqual(bodies);
    expect(() => variantBodies([], keys, 1, 1)).toThrow(/at least one selection variant/);
  });
});

describe('repeated customer-360', () => {
  it('views each of its customers once per round, so every view after the first round is a repeat', () => {
    const customers = customerIds(REPEAT_CUSTOMERS);
    const bodies = repeatBodies(customers, REPEAT_CUSTOMERS * 2 + 10, 1);
    expect(bodies).toHaveLength(REPEAT_CUSTOMERS * 2 + 10);
    expect(bodies.every((b) => b.query === CUSTOMER_360)).toBe(true);
    const ids = bodies.map((b) => b.variables?.id as string);
    expect(new Set(ids.slice(0, REPEAT_CUSTOMERS))).toEqual(new Set(customers));
    expect(new Set(ids.slice(REPEAT_CUSTOMERS, 2 * REPEAT_CUSTOMERS))).toEqual(new Set(customers));
    expect(new Set(ids)).toEqual(new Set(customers));
  });

  it('is a closed-loop workload, beside the ones it replaces none of', () => {
    const ids = WORKLOADS.map((w) => w.id);
    expect(ids).toEqual(expect.arrayContaining(['customer360-cold', 'customer360-warm-zipf', 'customers-list', 'storefront-my-orders', 'mutation-mix', 'subscription-fanout']));
    expect(WORKLOADS.find((w) => w.id === 'customer360-repeat')).toMatchObject({ mode: 'closed' });
  });
});

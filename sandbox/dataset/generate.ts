/**
 * The seeded retail world behind the sandbox servers.
 *
 * Everything is derived from the seed and `asOf`; the wall clock is never read
 * (except for the default `asOf` in {@link datasetOptionsFromEnv}). Each customer
 * draws from its own pseudo-random streams, so customer C-000042 looks the same
 * whether the dataset holds 300 customers or 20,000; only the global numbering
 * of transactions and tickets (which follows time) depends on the size.
 *
 * Money is handled as integer cents from start to end and formatted once, so
 * totals add up exactly.
 *
 * This file runs the generation; each system's records are drawn in its own
 * file: `customers.ts` (the customer every system shares, and the guaranteed
 * fixtures tests rely on), `salesforce.ts`, `netsuite.ts` with
 * `netsuite-orders.ts` and `netsuite-numbering.ts`, and `zendesk.ts`; `crosswalk.ts`
 * adds records whose links across the systems are missing, doubled or wrong.
 */
import { STREAM, streamSeed } from './common.js';
import { addCrosswalkFixtures } from './crosswalk.js';
import { drawCustomer, MAX_CUSTOMERS, NameBook } from './customers.js';
import type { DatasetOptions, RetailDataset } from './model.js';
import { NetSuiteRecords } from './netsuite.js';
import type { ErpCustomer } from './netsuite-orders.js';
import { createRandom } from './random.js';
import { SalesforceRecords } from './salesforce.js';
import { ZendeskRecords } from './zendesk.js';

export { customerNumber, MAX_CUSTOMERS } from './customers.js';
export { CROSSWALK_FIXTURES } from './crosswalk.js';

export const DEFAULT_SEED = 42;
export const DEFAULT_CUSTOMERS = 2000;

/**
 * Reads the dataset settings from the environment.
 * - `SANDBOX_SEED`: an integer. @default 42
 * - `SANDBOX_CUSTOMERS`: 1..979999 (C-980000 and up are kept for the crosswalk fixtures). @default 2000
 * - `SANDBOX_AS_OF`: a UTC date `YYYY-MM-DD`. @default today's UTC date
 */
export function datasetOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatasetOptions {
  const seedText = env.SANDBOX_SEED?.trim();
  const customersText = env.SANDBOX_CUSTOMERS?.trim();
  const asOfText = env.SANDBOX_AS_OF?.trim();

  let seed = DEFAULT_SEED;
  if (seedText) {
    seed = Number(seedText);
    if (!/^-?\d+$/.test(seedText) || !Number.isSafeInteger(seed)) {
      throw new Error(`SANDBOX_SEED: expected an integer, got '${seedText}'`);
    }
  }

  let customers = DEFAULT_CUSTOMERS;
  if (customersText) {
    customers = Number(customersText);
    if (!/^\d+$/.test(customersText) || customers < 1 || customers > MAX_CUSTOMERS) {
      throw new Error(`SANDBOX_CUSTOMERS: expected a whole number from 1 to ${MAX_CUSTOMERS}, got '${customersText}'`);
    }
  }

  let asOf: Date;
  if (asOfText) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(asOfText) ? new Date(`${asOfText}T00:00:00.000Z`) : null;
    // Date accepts 2025-02-31 by rolling over; the round trip catches it.
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== asOfText) {
      throw new Error(`SANDBOX_AS_OF: expected a date like 2026-11-20 (YYYY-MM-DD, UTC), got '${asOfText}'`);
    }
    asOf = parsed;
  } else {
    asOf = todayUtc();
  }
  return { seed, customers, asOf };
}

/** Generates the whole dataset. Same seed and asOf give a deep-equal result. */
export function generateDataset(options: Partial<DatasetOptions> = {}): RetailDataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const customers = options.customers ?? DEFAULT_CUSTOMERS;
  const asOf = options.asOf ?? todayUtc();
  if (!Number.isSafeInteger(seed)) throw new Error(`dataset seed: expected an integer, got ${seed}`);
  if (!Number.isInteger(customers) || customers < 1 || customers > MAX_CUSTOMERS) {
    throw new Error(`dataset customers: expected a whole number from 1 to ${MAX_CUSTOMERS}, got ${customers}`);
  }
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
    throw new Error(`dataset asOf: expected a valid Date, got ${String(asOf)}`);
  }
  return generate(seed, customers, asOf.getTime());
}

function todayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function generate(seed: number, count: number, asOfMs: number): RetailDataset {
  const names = new NameBook(count);
  const salesforce = new SalesforceRecords(asOfMs);
  const netsuite = new NetSuiteRecords(seed, asOfMs);
  const zendesk = new ZendeskRecords(seed, count, asOfMs);
  const customers: ErpCustomer[] = [];
  for (let n = 1; n <= count; n += 1) {
    // One stream per customer, which the shared part and then each system draw from in turn:
    // calling them in another order would change every customer's records.
    const rng = createRandom(streamSeed(seed, STREAM.customer, n));
    const customer = drawCustomer(rng, n, names, asOfMs);
    const endUser = salesforce.addCustomer(rng, customer, names);
    customers.push(netsuite.addCustomer(rng, customer));
    zendesk.addCustomer(rng, customer, endUser);
  }
  // After every customer, from a stream of their own: the customers' records stay as they were.
  addCrosswalkFixtures(seed, asOfMs, salesforce, netsuite, zendesk);
  for (const customer of customers) netsuite.addOrders(customer);
  // Before the tickets: numbering the transactions gives the orders the tranids that tickets quote.
  const netsuiteData = netsuite.data();
  return {
    options: { seed, customers: count, asOf: new Date(asOfMs) },
    salesforce: salesforce.data(),
    netsuite: netsuiteData,
    zendesk: zendesk.data(customers),
  };
}

/**
 * NetSuite REST web services transport: token-based authentication (OAuth 1.0a,
 * HMAC-SHA256), SuiteQL with paging, and the record API, all through the shared
 * call policy with the account's concurrency limit. Domain connectors
 * (subgraphs/order/src/netsuite.ts, subgraphs/finance/src/netsuite.ts) build on it;
 * nothing above them sees SuiteQL or HTTP.
 *
 * INTERFACE DRAFT: the implementation is being written; code against this interface.
 */
import type { NetSuiteConfig } from '../config.js';
import type { Limiter } from '../limits.js';

/** A SuiteQL row: lowercase column names; values as NetSuite returns them (strings), absent when null. */
export type SuiteQLRow = Record<string, string | undefined>;

export interface SuiteQLResult<Row extends SuiteQLRow = SuiteQLRow> {
  items: Row[];
  /** All matching rows, as NetSuite counted them. */
  totalResults: number;
  /** True when rows remain beyond maxRows. */
  truncated: boolean;
}

export interface NetSuiteClient {
  /**
   * Runs one SuiteQL query, following `hasMore` pages (1000 rows each by default)
   * until `maxRows` rows are read or the result ends. Costs ceil(rows / pageSize) calls.
   */
  suiteql<Row extends SuiteQLRow = SuiteQLRow>(query: string, opts?: { maxRows?: number }): Promise<SuiteQLResult<Row>>;
  /** GET /record/v1/{type}/{id}; `id` may be `eid:EXTERNAL`. Null when NetSuite says it does not exist. */
  getRecord<T = Record<string, unknown>>(type: string, id: string, opts?: { expandSubResources?: boolean }): Promise<T | null>;
  /** POST /record/v1/{type}; returns the new internal id from the Location header. */
  createRecord(type: string, body: Record<string, unknown>): Promise<{ id: string }>;
  /** PATCH /record/v1/{type}/{id}. */
  updateRecord(type: string, id: string, body: Record<string, unknown>): Promise<void>;
  /** PUT /record/v1/{type}/eid:{externalId}: create or update by external id. */
  upsertByExternalId(type: string, externalId: string, body: Record<string, unknown>): Promise<{ id: string }>;
  /** POST /record/v1/{fromType}/{id}/!transform/{toType}. */
  transform(fromType: string, id: string, toType: string, body: Record<string, unknown>): Promise<{ id: string }>;
}

export interface NetSuiteClientDeps {
  /** The account's shared concurrency limiter; one is made in process when absent. */
  limiter?: Limiter;
}

/** Quotes a value as a SuiteQL string literal ('' doubling), so hostile input stays a literal. */
export function suiteqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export declare function createNetSuiteClient(config: NetSuiteConfig, deps?: NetSuiteClientDeps): NetSuiteClient;

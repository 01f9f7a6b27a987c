/**
 * The one ERP read the service subgraph makes: which customer an order belongs
 * to, so that a case opened "about order SO-…" is refused when the order is
 * another customer's. A read for validation only; the service subgraph never
 * writes to the ERP. One SuiteQL query per 100 order numbers.
 */
import { suiteqlString, type NetSuiteClient } from '../../../lib/clients/netsuite.js';

export interface OrderOwners {
  /** The customer number of each order, in order; null for an order the ERP does not have. */
  customersOfOrders(orderNumbers: readonly string[]): Promise<Array<string | null>>;
}

const PER_QUERY = 100;

export function createOrderOwners(netsuite: NetSuiteClient): OrderOwners {
  return {
    async customersOfOrders(orderNumbers) {
      const found = new Map<string, string>();
      const unique = [...new Set(orderNumbers.map((o) => o.toUpperCase()))];
      for (let i = 0; i < unique.length; i += PER_QUERY) {
        const list = unique.slice(i, i + PER_QUERY).map(suiteqlString).join(', ');
        const res = await netsuite.suiteql<{ ordernumber?: string; customernumber?: string }>(
          `SELECT t.tranid AS ordernumber, c.externalid AS customernumber FROM transaction t JOIN customer c ON c.id = t.entity WHERE t.type = 'SalesOrd' AND t.tranid IN (${list})`,
        );
        for (const row of res.items) if (row.ordernumber && row.customernumber) found.set(row.ordernumber.toUpperCase(), row.customernumber);
      }
      return orderNumbers.map((o) => found.get(o.toUpperCase()) ?? null);
    },
  };
}

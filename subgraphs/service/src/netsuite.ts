/**
 * The service subgraph's one read of the ERP, order ownership (order-ownership.ts
 * says why it exists), from NetSuite: one SuiteQL query per 100 order numbers.
 */
import type { NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { chunks } from '../../../lib/chunks.js';
import { inList } from '../../../lib/erp/suiteql.js';
import type { OrderOwnership } from './order-ownership.js';

const PER_QUERY = 100;

export function createNetSuiteOrderOwnership(netsuite: NetSuiteClient): OrderOwnership {
  return {
    async customersOfOrders(orderNumbers) {
      // Joins the same lookup of other requests while it waits for a slot (NetSuiteClient.batched).
      const found = await netsuite.batched('service/customersOfOrders', orderNumbers.map((o) => o.toUpperCase()), async (keys) => {
        const owners = new Map<string, string>();
        for (const chunk of chunks(keys, PER_QUERY)) {
          const res = await netsuite.suiteql<{ ordernumber?: string; customernumber?: string }>(
            `SELECT t.tranid AS ordernumber, c.externalid AS customernumber FROM transaction t JOIN customer c ON c.id = t.entity WHERE t.type = 'SalesOrd' AND t.tranid IN (${inList(chunk)})`,
          );
          for (const row of res.items) if (row.ordernumber && row.customernumber) owners.set(row.ordernumber.toUpperCase(), row.customernumber);
        }
        return owners;
      });
      return orderNumbers.map((o) => found.get(o.toUpperCase()) ?? null);
    },
  };
}

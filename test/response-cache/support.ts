/**
 * What the response cache tests share: the agent's customer-360 view, and the
 * gateway's count of subgraph requests sent (a fetch a cache answers is not).
 */
import { subgraphFetches } from '../../gateway/src/response-cache/index.js';

export const CUSTOMER_360 = /* GraphQL */ `
  query Customer360($id: ID!) {
    customer(id: $id) {
      id
      name
      email
      loyalty { tier points }
      financials { balance { amount currency } creditHold }
      orders(first: 10) { totalCount nodes { id status total { amount } } }
      cases(first: 5) { nodes { id subject status } }
    }
  }
`;

/** Subgraph requests the gateway has sent so far, all subgraphs together. */
export async function fetchesSoFar(): Promise<number> {
  const m = await subgraphFetches.get();
  return m.values.reduce((n, v) => n + v.value, 0);
}

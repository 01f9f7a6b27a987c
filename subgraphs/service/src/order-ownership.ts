/**
 * Whose an order is, as the service subgraph needs to know it: `openCase` takes an
 * optional `orderId`, and a case about another customer's order must be refused
 * before anything is written to the service desk.
 *
 * Why the service subgraph reads order data at all: orders belong to the ERP and
 * the order subgraph, and a subgraph otherwise talks only to its own system. But
 * the check has to run inside the mutation, before the write, and federation gives
 * a mutation no way to ask another subgraph: the gateway plans entity fetches for
 * the fields a client selects, not for what a resolver needs to decide. So the
 * service subgraph asks the ERP this one question itself. It is a read for
 * validation only (the service subgraph never writes to the ERP), it is cached
 * under the `directory` TTL (an order never changes hands), and it lives behind
 * this interface so that nothing else in the subgraph knows where the answer
 * comes from (docs/service.md, "Validation before any write call").
 */
export interface OrderOwnership {
  /** The customer number of each order, in order; null for an order the ERP does not have. */
  customersOfOrders(orderNumbers: readonly string[]): Promise<Array<string | null>>;
}

/**
 * The names index.ts and the test wiring import order ownership by; the interface
 * is OrderOwnership (order-ownership.ts), its NetSuite implementation netsuite.ts.
 */
export type { OrderOwnership as OrderOwners } from './order-ownership.js';
export { createNetSuiteOrderOwnership as createOrderOwners } from './netsuite.js';

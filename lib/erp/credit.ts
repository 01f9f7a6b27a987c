/**
 * The ERP's credit-hold rule, in one place so that the order subgraph's
 * CREDIT_HOLD refusal and finance's `CustomerFinancials.creditHold` never disagree.
 */

/**
 * Whether the ERP holds a customer's new orders. NetSuite's credit hold override
 * decides: ON and OFF are explicit; AUTO (also when absent, and for any other
 * value) holds a customer whose open balance exceeds the credit limit, and never
 * one with no limit. A balance equal to the limit is not held.
 *
 * @param override the customer's `creditholdoverride` as SuiteQL returns it (any case)
 * @param balanceCents the open balance, in integer cents
 * @param limitCents the credit limit in integer cents; undefined when the customer has none
 */
export function creditHold(override: string | undefined, balanceCents: bigint, limitCents: bigint | undefined): boolean {
  switch ((override ?? 'AUTO').toUpperCase()) {
    case 'ON':
      return true;
    case 'OFF':
      return false;
    default:
      return limitCents !== undefined && balanceCents > limitCents;
  }
}

/**
 * SuiteQL fragments the ERP connectors share. Values are always quoted as
 * literals, so a hostile key can never change a query.
 */
import { suiteqlString } from '../clients/netsuite.js';

/** Oracle, behind SuiteQL, refuses IN lists longer than this. */
export const IN_LIST_LIMIT = 1000;

/** The body of an IN list: each value as a quoted SuiteQL string literal, comma-separated. */
export function inList(values: readonly string[]): string {
  return values.map(suiteqlString).join(', ');
}

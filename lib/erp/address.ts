/**
 * A postal address as the graph's address inputs give it (finance's AddressInput,
 * order's ShipToInput) and the ERP's address subrecords take it. Each subgraph
 * checks it against the ERP's field lengths before any call.
 */
export interface PostalAddress {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

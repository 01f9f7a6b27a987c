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

/**
 * NetSuite's address field lengths (the Addresses table of its records browser:
 * addressee and address lines 150, city 50, state 50, zip 36). A longer value is
 * refused by the ERP, so the subgraphs refuse it before any call.
 */
export const ERP_ADDRESS_MAX_LENGTH = { addressee: 150, line1: 150, line2: 150, city: 50, region: 50, postalCode: 36 } as const;

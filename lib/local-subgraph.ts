/**
 * A subgraph served in the gateway's own process (the embedded default,
 * scripts/graph.ts): what the gateway would POST to its /graphql, handed over as
 * a call instead of through a socket, and what HTTP would have answered.
 * lib/subgraph.ts serves it, through the same steps as the HTTP route (caller
 * verification, by an in-process voucher rather than the signed header; audit,
 * cache report, Apollo Server's pipeline); the gateway takes it by name
 * (gateway/src/gateway.ts, `localSubgraphs`) and needs no subgraph code to do so.
 */
import type { CallerVoucher } from './auth/internal.js';

/** A request as the gateway would send it over HTTP, and the caller vouched for in place of the signed header. */
export interface LocalRequest {
  /** Header names in lower case, as HTTP delivers them. */
  headers: Readonly<Record<string, string>>;
  /** The JSON body, exactly as it would go on the wire. */
  body: string;
  /**
   * The caller, vouched for by the gateway for this one request to this subgraph
   * (lib/auth/internal.ts, `vouchCaller`): accepted instead of the signed caller
   * header, at no crypto cost. An object, so no HTTP request can carry one.
   * Without it (or if it is refused), the caller header is verified as over HTTP.
   */
  voucher?: CallerVoucher;
}

/** The answer HTTP would carry. */
export interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One subgraph's in-process entry. */
export interface LocalSubgraph {
  /** Its name in config/subgraphs.json. */
  readonly name: string;
  /** Runs one POST to /graphql. */
  fetch(request: LocalRequest): Promise<LocalResponse>;
}

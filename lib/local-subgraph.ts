/**
 * A subgraph served in the gateway's own process (the embedded default,
 * scripts/graph.ts): what the gateway would POST to its /graphql, handed over as
 * a call instead of through a socket, and what HTTP would have answered.
 * lib/subgraph.ts serves it, through the same steps as the HTTP route (caller
 * verification, audit, cache report, Apollo Server's pipeline); the gateway
 * takes it by name (gateway/src/gateway.ts, `localSubgraphs`) and needs no
 * subgraph code to do so.
 */

/** A request as the gateway would send it over HTTP. */
export interface LocalRequest {
  /** Header names in lower case, as HTTP delivers them. */
  headers: Readonly<Record<string, string>>;
  /** The JSON body, exactly as it would go on the wire (the caller header is signed over it). */
  body: string;
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

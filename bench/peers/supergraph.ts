/**
 * The committed supergraph with each subgraph's URL replaced by the one the bench
 * started it on (<NAME>_SUBGRAPH_URL, the same variables our gateway reads), so
 * every gateway under test plans over the same SDL and fetches from the same
 * subgraph processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CALLER_HEADER, loadTrustOptions, signCaller, type Caller, type SignedOperation } from '../../lib/auth/index.js';
import { settingsPrefix } from '../../lib/manifest.js';
// The project root whether this runs from source or compiled into bench/.dist/.
import { projectRoot as root } from '../../lib/paths.js';

export function benchSupergraphSdl(env: NodeJS.ProcessEnv = process.env): string {
  const sdl = readFileSync(env.GATEWAY_SUPERGRAPH ?? join(root, 'supergraph.graphql'), 'utf8');
  return sdl.replace(/@join__graph\(name: "([a-z]+)", url: "([^"]+)"\)/g, (whole: string, name: string) => {
    const override = env[`${settingsPrefix({ name })}_URL`];
    return override ? `@join__graph(name: "${name}", url: "${override}")` : whole;
  });
}

/** GATEWAY_PORT, as our gateway reads it; peers listen on 127.0.0.1 only. */
export function benchPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GATEWAY_PORT;
  const n = Number(raw);
  if (!raw || !Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`GATEWAY_PORT must be a port number, got '${raw ?? ''}'`);
  return n;
}

/**
 * The subgraphs answer only a caller signed with INTERNAL_AUTH_SECRET (issue 8).
 * Peers have no identity layer of their own, so they sign a fixed agent caller
 * for each subgraph fetch: the same HMAC our gateway computes, bound as ours is
 * to the subgraph and the fetch's operation, so neither side is charged for work
 * the other skips (our gateway also verifies the client's JWT).
 */

const BENCH_AGENT: Caller = { subject: 'bench-agent', roles: ['agent'], via: 'token' };
let trust: ReturnType<typeof loadTrustOptions> | undefined;

/** Headers for one subgraph fetch: the correlation id (the client's, or a new one) and the caller, signed for that subgraph and operation. */
export function subgraphHeaders(clientCorrelationId: string | null | undefined, subgraph: string, operation: SignedOperation): Record<string, string> {
  trust ??= loadTrustOptions();
  const correlationId = clientCorrelationId || randomUUID();
  return { 'x-correlation-id': correlationId, [CALLER_HEADER]: signCaller(BENCH_AGENT, { trust, correlationId, bind: { audience: subgraph, operation } }) };
}

/** The subgraph a URL of the bench supergraph belongs to, by the name the supergraph gives it. */
export function subgraphNameOf(url: string, env: NodeJS.ProcessEnv = process.env): string {
  for (const m of benchSupergraphSdl(env).matchAll(/@join__graph\(name: "([a-z]+)", url: "([^"]+)"\)/g)) {
    if (m[2] === url) return m[1] ?? url;
  }
  return url;
}

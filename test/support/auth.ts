/**
 * Identity for tests: a development issuer (a fresh ES256 key per process), the
 * gateway-subgraph shared secret, and the signed caller header for tests that
 * call a subgraph directly, as the gateway would.
 */
import { randomBytes } from 'node:crypto';
import { CALLER_HEADER, makeCaller, signCaller, type Caller, type SignedOperation, type TrustOptions } from '../../lib/auth/index.js';

/** The secret the test stack's gateway and subgraphs share (one per test process). */
export const TEST_TRUST: TrustOptions = { secrets: [randomBytes(32).toString('base64url')] };

export const TEST_AGENT: Caller = makeCaller({ subject: 'test-agent', roles: ['agent'], via: 'token' });

/**
 * Headers that make one direct subgraph request look as the gateway sends it: the
 * correlation id and the caller, signed for that subgraph and that body: the
 * string given, or `JSON.stringify(request)`, which is then the body to send.
 * Good for one request only.
 */
export function signedHeaders(
  correlationId: string,
  subgraph: string,
  request: SignedOperation | string,
  caller: Caller = TEST_AGENT,
  trust: TrustOptions = TEST_TRUST,
): Record<string, string> {
  const body = typeof request === 'string' ? request : JSON.stringify(request);
  return { 'x-correlation-id': correlationId, [CALLER_HEADER]: signCaller(caller, { trust, correlationId, bind: { audience: subgraph, body } }) };
}

/**
 * Random identifiers on the request path (traceparent span ids, the caller
 * header's jti, OAuth nonces), drawn from a pool of bytes the CSPRNG fills a few
 * kilobytes at a time, as Node's own randomUUID does. crypto.randomBytes makes
 * a buffer and a call into OpenSSL for each of them; a customer view takes a
 * few dozen. Every byte is handed out once, so the values are as random as
 * randomBytes' and never repeat a slice of the pool.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

function take(bytes: number): Buffer {
  if (bytes > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time, not ${bytes}`);
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return slice;
}

/** `bytes` random bytes as lower-case hex (2 characters a byte). */
export function randomHex(bytes: number): string {
  return take(bytes).toString('hex');
}

/** `bytes` random bytes as unpadded base64url. */
export function randomBase64url(bytes: number): string {
  return take(bytes).toString('base64url');
}

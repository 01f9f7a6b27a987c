/**
 * How cached values are written as text. JSON, except that Dates survive the
 * round trip: connector records carry `fetchedAt` as a Date, and a cached copy
 * must hand the resolvers the same type the connector did.
 */
const DATE_TAG = '$rsgDate';

export function encodeValue(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // `v` is already the result of Date#toJSON; the holder still has the Date.
    const original = this[key];
    return original instanceof Date ? { [DATE_TAG]: original.getTime() } : v;
  });
}

export function decodeValue<V>(text: string): V {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const t = o[DATE_TAG];
      if (typeof t === 'number' && Object.keys(o).length === 1) return new Date(t);
    }
    return v;
  }) as V;
}

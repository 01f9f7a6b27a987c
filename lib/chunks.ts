/**
 * Splitting a batch of keys into the slices a system of record accepts in one
 * call (an IN list, a show_many, a search): every system caps them differently.
 */

/**
 * The items in order, in consecutive slices of at most `size` (the last one may
 * be shorter); no slice for no items.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`expected a chunk size of 1 or more, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

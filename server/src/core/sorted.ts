/**
 * Binary search over sorted arrays, shared by the vocabularies, the key index and the catalog
 * reader's entry offsets.
 */

/** The first index from `from` on whose item is not `below` the value searched for (items sorted so that `below` holds for a prefix). */
export function lowerBound<T>(sorted: readonly T[], below: (item: T) => boolean, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(sorted[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

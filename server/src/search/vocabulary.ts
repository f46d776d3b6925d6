/**
 * The words of the short fields (keys, titles, authors…), for prefix and typo lookups: a sorted
 * array walked like a trie. MiniSearch's radix tree did this before, at 100,000 papers with
 * 185,000 Map nodes for 108,000 words: 54 MB of the server's heap (a fifth of it) and that many
 * more objects for every garbage collection to visit. A sorted array of the same strings is 1 MB.
 *
 * - Words that come after the last merge wait in `recent`, a short sorted list searched the same
 *   way, and are merged in once there are many (linear): a bulk load never re-sorts everything.
 * - A typo lookup computes Levenshtein rows along the sorted words, reusing the rows of the prefix
 *   a word shares with the one before, and skips every word under a prefix whose row already
 *   exceeds the distance: the same pruning a trie walk does.
 */
import { lowerBound } from '../core/sorted';
import { allSteps } from '../core/steps';

/**
 * Prefix lengths up to which `sorted` has, per word, the index of the first word after it with
 * another prefix: skipping a short prefix (thousands of words under "co") is one step then.
 */
const SKIP_DEPTHS = 3;
/** Words added since the last merge, at most (inserting into a sorted list this long costs a microsecond). */
const MAX_RECENT = 4096;

export class Vocabulary {
  private sorted: string[] = [];
  /**
   * `skips[d - 1][i]`: the first index after i whose word does not start with the first d letters
   * of `sorted[i]`. Made at the first typo lookup after a merge: a bulk load merges dozens of times
   * and looks nothing up meanwhile.
   */
  private skips: Int32Array[] | undefined;
  private recent: string[] = [];
  /** The skips of `recent`, made again when it changed. */
  private recentSkips: Int32Array[] | undefined;
  /** Deleted words still in `sorted` or `recent`, dropped at the next merge. */
  private readonly deleted = new Set<string>();
  /** Levenshtein rows by prefix length, one after the other, reused between lookups. */
  private matrix = new Int32Array(0);

  /** Whether a typo lookup now would make the skips first (a small vocabulary makes them in no time). */
  get prepared(): boolean {
    return this.skips !== undefined || this.sorted.length < SKIPPED_PER_STEP;
  }

  /** A new word (one the vocabulary does not hold). */
  add(word: string): void {
    if (this.deleted.delete(word)) return; // still in the lists
    this.recent.splice(lowerBound(this.recent, (other) => other < word), 0, word);
    this.recentSkips = undefined;
    if (this.recent.length > MAX_RECENT) this.merge();
  }

  delete(word: string): void {
    this.deleted.add(word);
    if (this.deleted.size > MAX_RECENT) this.merge();
  }

  /** Every word starting with `prefix` (in no particular order). */
  *withPrefix(prefix: string): Generator<string> {
    for (const sorted of [this.sorted, this.recent]) {
      for (let i = lowerBound(sorted, (word) => word < prefix); i < sorted.length && sorted[i].startsWith(prefix); i++) {
        if (!this.deleted.has(sorted[i])) yield sorted[i];
      }
    }
  }

  /** Calls `found` with every word at most `maxDistance` edits (Levenshtein) from `query`, and the distance. */
  fuzzy(query: string, maxDistance: number, found: (word: string, distance: number) => void): void {
    const report = (word: string, distance: number) => {
      if (!this.deleted.has(word)) found(word, distance);
    };
    this.skips ??= skipsOf(this.sorted);
    this.walkSorted(this.sorted, this.skips, query, maxDistance, report);
    this.recentSkips ??= skipsOf(this.recent);
    this.walkSorted(this.recent, this.recentSkips, query, maxDistance, report);
  }

  private walkSorted(sorted: readonly string[], skips: readonly Int32Array[], query: string, maxDistance: number, found: (word: string, distance: number) => void): void {
    const width = query.length + 1;
    let matrix = this.matrixFor(width);
    const tooFar = maxDistance + 1;
    const codes = Int32Array.from({ length: query.length }, (_, j) => query.charCodeAt(j));
    // Row d (at d * width) holds the distances of `current.slice(0, d)` for d ≤ depth.
    let current = '';
    let depth = 0;
    let i = 0;
    while (i < sorted.length) {
      const word = sorted[i];
      let shared = 0;
      const limit = Math.min(depth, word.length);
      while (shared < limit && current.charCodeAt(shared) === word.charCodeAt(shared)) shared++;
      let dead = -1;
      for (let d = shared + 1; d <= word.length; d++) {
        if ((d + 1) * width > matrix.length) matrix = this.growMatrix(d + 1, width);
        const previous = (d - 1) * width;
        const row = d * width;
        const c = word.charCodeAt(d - 1);
        matrix[row] = d;
        // Only the band |d - j| ≤ maxDistance can end within the distance; the cells just outside it
        // stand for "too far" (the next row reads them).
        const lo = Math.max(1, d - maxDistance);
        const hi = Math.min(width - 1, d + maxDistance);
        if (lo > 1) matrix[row + lo - 1] = tooFar;
        if (hi + 1 < width) matrix[row + hi + 1] = tooFar;
        let smallest = d <= maxDistance ? d : tooFar;
        let left = matrix[row + lo - 1];
        for (let j = lo; j <= hi; j++) {
          let value = matrix[previous + j - 1] + (codes[j - 1] === c ? 0 : 1);
          const up = matrix[previous + j] + 1;
          if (up < value) value = up;
          if (left + 1 < value) value = left + 1;
          matrix[row + j] = value;
          left = value;
          if (value < smallest) smallest = value;
        }
        if (smallest > maxDistance) {
          dead = d;
          break;
        }
      }
      current = word;
      if (dead >= 0) {
        // No word starting with these `dead` letters can come within the distance: skip them all.
        depth = dead - 1;
        i = dead <= skips.length ? skips[dead - 1][i] : endOfPrefix(sorted, word, dead, i);
        continue;
      }
      depth = word.length;
      // Outside the band the last cell was not computed, and the word is too far anyway.
      if (Math.abs(word.length - query.length) <= maxDistance) {
        const distance = matrix[word.length * width + width - 1];
        if (distance <= maxDistance) found(word, distance);
      }
      i++;
    }
  }

  /**
   * The skips made ahead, a step at a time, which the first typo lookup after a merge made at once
   * (20–40 ms at 100,000 words, on the first keystroke of four letters after a start). Not kept if
   * words were merged in meanwhile.
   */
  *prepareSteps(): Generator<void, void, void> {
    if (this.prepared) return;
    const sorted = this.sorted;
    const skips = yield* skipsInSteps(sorted);
    if (this.sorted === sorted) this.skips ??= skips;
  }

  /** The matrix for a query of `width - 1` letters, its first row filled in. */
  private matrixFor(width: number): Int32Array {
    if (this.matrix.length < 32 * width) this.matrix = new Int32Array(32 * width);
    for (let j = 0; j < width; j++) this.matrix[j] = j;
    return this.matrix;
  }

  private growMatrix(rows: number, width: number): Int32Array {
    const grown = new Int32Array(2 * rows * width);
    grown.set(this.matrix);
    return (this.matrix = grown);
  }

  private merge(): void {
    const deleted = this.deleted;
    const keep = (word: string) => deleted.size === 0 || !deleted.has(word);
    const sorted = this.sorted;
    const recent = this.recent;
    const merged = new Array<string>(sorted.length + recent.length);
    let n = 0;
    let r = 0;
    for (let i = 0; i < sorted.length; i++) {
      const word = sorted[i];
      while (r < recent.length && recent[r] < word) if (keep(recent[r++])) merged[n++] = recent[r - 1];
      if (keep(word)) merged[n++] = word;
    }
    while (r < recent.length) if (keep(recent[r++])) merged[n++] = recent[r - 1];
    merged.length = n;
    this.sorted = merged;
    this.skips = undefined;
    this.recent = [];
    this.recentSkips = undefined;
    this.deleted.clear();
  }
}

/** Words whose skips are made between two yields of `skipsInSteps`. */
const SKIPPED_PER_STEP = 16_384;

/** Per depth d and word: the first index after it whose word does not start with its first d letters. One pass for all depths. */
function skipsOf(sorted: readonly string[]): Int32Array[] {
  return allSteps(skipsInSteps(sorted));
}

function* skipsInSteps(sorted: readonly string[]): Generator<void, Int32Array[], void> {
  const skips = Array.from({ length: SKIP_DEPTHS }, () => new Int32Array(sorted.length));
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (i % SKIPPED_PER_STEP === 0 && i > 0) yield;
    const word = sorted[i];
    const next = i + 1 < sorted.length ? sorted[i + 1] : '';
    // Letters the next word shares with this one, up to SKIP_DEPTHS (both words have them).
    const most = Math.min(SKIP_DEPTHS, word.length, next.length);
    let shared = 0;
    while (shared < most && word.charCodeAt(shared) === next.charCodeAt(shared)) shared++;
    for (let d = 0; d < SKIP_DEPTHS; d++) skips[d][i] = d < shared ? skips[d][i + 1] : i + 1;
  }
  return skips;
}

/** The first index after `from` whose word does not start with the first `length` letters of `word` (`sorted[from]`). */
function endOfPrefix(sorted: readonly string[], word: string, length: number, from: number): number {
  // Galloping: most prefixes skipped hold a few words, and this runs once per prefix skipped.
  let last = from;
  let step = 1;
  while (last + step < sorted.length && sharesPrefix(sorted[last + step], word, length)) {
    last += step;
    step *= 2;
  }
  // Words up to `last` share the prefix; the one at last + step (or the end) does not.
  let lo = last + 1;
  let hi = Math.min(sorted.length, last + step);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sharesPrefix(sorted[mid], word, length)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sharesPrefix(candidate: string, word: string, length: number): boolean {
  if (candidate.length < length) return false;
  for (let k = length - 1; k >= 0; k--) if (candidate.charCodeAt(k) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * The words of the short fields (keys, titles, authors…), for prefix and typo lookups: a sorted
 * array for prefixes. MiniSearch's radix tree did this before, at 100,000 papers with 185,000 Map
 * nodes for 108,000 words: 54 MB of the server's heap (a fifth of it) and that many more objects
 * for every garbage collection to visit. A sorted array of the same strings is 1 MB.
 *
 * - Words that come after the last merge wait in `recent`, a short sorted list searched the same
 *   way, and are merged in once there are many (linear): a bulk load never re-sorts everything.
 * - A typo lookup reads only the words of a length within the distance, and computes the distance
 *   (Levenshtein) only for those whose letters could be within it: each letter one word has and
 *   the other lacks costs an edit. That leaves a few dozen of 100,000 words: walking the sorted
 *   words as a trie (rows shared along common prefixes) took 0.3 ms per lookup at 100k papers,
 *   every keystroke of a word of four letters or more.
 */
import { lowerBound } from '../core/sorted';
import { allSteps } from '../core/steps';

/** Words added since the last merge, at most (inserting into a sorted list this long costs a microsecond). */
const MAX_RECENT = 4096;

/** Words of one length and, per word, the letters it holds as bits (`letterBits`). */
interface SameLength {
  words: string[];
  letters: Int32Array;
}

export class Vocabulary {
  private sorted: string[] = [];
  /** `sorted` by length, made at the first typo lookup after a merge: a bulk load merges dozens of times and looks nothing up meanwhile. */
  private byLength: (SameLength | undefined)[] | undefined;
  private recent: string[] = [];
  /** `recent` by length, made again when it changed. */
  private recentByLength: (SameLength | undefined)[] | undefined;
  /** Deleted words still in `sorted` or `recent`, dropped at the next merge. */
  private readonly deleted = new Set<string>();
  /** Two rows of the distance table, reused between lookups. */
  private previousRow = new Int32Array(64);
  private row = new Int32Array(64);

  /** Whether a typo lookup now would group the words by length first (a small vocabulary does it in no time). */
  get prepared(): boolean {
    return this.byLength !== undefined || this.sorted.length < GROUPED_PER_STEP;
  }

  /** A new word (one the vocabulary does not hold). */
  add(word: string): void {
    if (this.deleted.delete(word)) return; // still in the lists
    this.recent.splice(lowerBound(this.recent, (other) => other < word), 0, word);
    this.recentByLength = undefined;
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
    this.byLength ??= allSteps(byLengthInSteps(this.sorted));
    this.lookUpTypos(this.byLength, query, maxDistance, report);
    this.recentByLength ??= allSteps(byLengthInSteps(this.recent));
    this.lookUpTypos(this.recentByLength, query, maxDistance, report);
  }

  private lookUpTypos(byLength: readonly (SameLength | undefined)[], query: string, maxDistance: number, found: (word: string, distance: number) => void): void {
    const letters = letterBits(query);
    const longest = Math.min(byLength.length - 1, query.length + maxDistance);
    for (let length = Math.max(0, query.length - maxDistance); length <= longest; length++) {
      const group = byLength[length];
      if (!group) continue;
      for (let i = 0; i < group.words.length; i++) {
        const other = group.letters[i];
        // Each letter (bit) one word has and the other lacks takes an edit at least.
        if (bitCount(letters & ~other) > maxDistance || bitCount(other & ~letters) > maxDistance) continue;
        const distance = this.distance(group.words[i], query, maxDistance);
        if (distance <= maxDistance) found(group.words[i], distance);
      }
    }
  }

  /** The Levenshtein distance of `word` and `query`, or more than `maxDistance` as soon as it must be. */
  private distance(word: string, query: string, maxDistance: number): number {
    const width = query.length + 1;
    if (this.row.length < width) {
      this.row = new Int32Array(2 * width);
      this.previousRow = new Int32Array(2 * width);
    }
    let previous = this.previousRow;
    let row = this.row;
    for (let j = 0; j < width; j++) previous[j] = j;
    for (let i = 1; i <= word.length; i++) {
      const c = word.charCodeAt(i - 1);
      row[0] = i;
      let smallest = i;
      for (let j = 1; j < width; j++) {
        let value = previous[j - 1] + (query.charCodeAt(j - 1) === c ? 0 : 1);
        if (previous[j] + 1 < value) value = previous[j] + 1;
        if (row[j - 1] + 1 < value) value = row[j - 1] + 1;
        row[j] = value;
        if (value < smallest) smallest = value;
      }
      if (smallest > maxDistance) return maxDistance + 1;
      const swap = previous;
      previous = row;
      row = swap;
    }
    return previous[width - 1];
  }

  /**
   * The words by length made ahead, a step at a time, which the first typo lookup after a merge
   * made at once (the first keystroke of four letters after a start). Not kept if words were
   * merged in meanwhile.
   */
  *prepareSteps(): Generator<void, void, void> {
    if (this.prepared) return;
    const sorted = this.sorted;
    const byLength = yield* byLengthInSteps(sorted);
    if (this.sorted === sorted) this.byLength ??= byLength;
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
    this.byLength = undefined;
    this.recent = [];
    this.recentByLength = undefined;
    this.deleted.clear();
  }
}

/** Words grouped between two yields of `byLengthInSteps`. */
const GROUPED_PER_STEP = 16_384;

function* byLengthInSteps(words: readonly string[]): Generator<void, (SameLength | undefined)[], void> {
  const grouped: string[][] = [];
  const letters: number[][] = [];
  for (let i = 0; i < words.length; i++) {
    if (i % GROUPED_PER_STEP === 0 && i > 0) yield;
    const word = words[i];
    while (grouped.length <= word.length) {
      grouped.push([]);
      letters.push([]);
    }
    grouped[word.length].push(word);
    letters[word.length].push(letterBits(word));
  }
  return grouped.map((group, length) => (group.length === 0 ? undefined : { words: group, letters: Int32Array.from(letters[length]) }));
}

/**
 * The letters of a word as bits: a–z one each, digits five bits (two each), everything else the
 * last bit. Characters sharing a bit only make the filter let more words through, never fewer.
 */
function letterBits(word: string): number {
  let bits = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    bits |= c >= 97 && c <= 122 ? 1 << (c - 97) : c >= 48 && c <= 57 ? 1 << (26 + (c % 5)) : 1 << 31;
  }
  return bits;
}

function bitCount(bits: number): number {
  let v = (bits >>> 0) - ((bits >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

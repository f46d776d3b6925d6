/**
 * "Did you mean": the catalog keys spelled closest to an unknown citation key, for the quick fix.
 * Distance is Damerau–Levenshtein (optimal string alignment: a swap of two neighbours is one
 * edit), case-insensitive, and bounded so 100,000 keys are checked in a few milliseconds: a key
 * whose length alone differs too much is skipped, and a comparison stops once it cannot succeed.
 */

/** Edits allowed: about one per four characters, at least one, at most three (more suggests unrelated keys). */
export function maxEdits(key: string): number {
  return Math.min(3, Math.max(1, Math.floor(key.length / 4)));
}

/** Up to `limit` keys within `maxEdits(unknown)` edits, closest first, ties by key; never `unknown` itself. */
export function closestKeys(unknown: string, keys: readonly string[], limit: number): string[] {
  if (limit <= 0 || unknown === '') return [];
  const bound = maxEdits(unknown);
  const { lengths, masks } = signaturesOf(keys);
  const mask = letterMask(unknown);
  const letters = new LetterCounts(unknown);
  const found: { key: string; distance: number }[] = [];
  for (let i = 0; i < keys.length; i++) {
    // Cheap lower bounds first, on precomputed numbers: length, then which letters occur
    // (an edit changes at most two of those bits), then how many of each letter.
    if (Math.abs(lengths[i] - unknown.length) > bound || popCount(masks[i] ^ mask) > 2 * bound) continue;
    const key = keys[i];
    if (key === unknown || letters.differenceFrom(key) > bound) continue;
    const distance = boundedDistance(unknown, key, bound);
    if (distance <= bound) found.push({ key, distance });
  }
  // A key differing only in case has distance 0: the likeliest fix comes first.
  found.sort((a, b) => a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return found.slice(0, limit).map((f) => f.key);
}

interface KeySignatures {
  lengths: Int32Array;
  masks: Int32Array;
}
/** Per keys array (the caller keeps one per catalog version), computed on first use. */
const signatureCache = new WeakMap<readonly string[], KeySignatures>();

function signaturesOf(keys: readonly string[]): KeySignatures {
  let signatures = signatureCache.get(keys);
  if (!signatures) {
    signatures = { lengths: new Int32Array(keys.length), masks: new Int32Array(keys.length) };
    for (let i = 0; i < keys.length; i++) {
      signatures.lengths[i] = keys[i].length;
      signatures.masks[i] = letterMask(keys[i]);
    }
    signatureCache.set(keys, signatures);
  }
  return signatures;
}

/** One bit per letter a–z, digits share bits 26–30, anything else bit 31; case-insensitive. */
function letterMask(key: string): number {
  let mask = 0;
  for (let i = 0; i < key.length; i++) {
    const code = lowerCode(key, i);
    if (code >= 97 && code <= 122) mask |= 1 << (code - 97);
    else if (code >= 48 && code <= 57) mask |= 1 << (26 + ((code - 48) >> 1));
    else mask |= 1 << 31;
  }
  return mask;
}

function popCount(bits: number): number {
  let v = bits - ((bits >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * Letter counts of the unknown key. For another word, the larger of "letters it has in excess"
 * and "letters it lacks" never exceeds the edit distance (an edit changes each by at most one,
 * a swap neither), so it rules words out without the quadratic comparison.
 */
class LetterCounts {
  private readonly counts = new Int32Array(128);
  private readonly scratch = new Int32Array(128);

  constructor(private readonly word: string) {
    for (let i = 0; i < word.length; i++) this.counts[lowerCode(word, i) & 127]++;
  }

  differenceFrom(other: string): number {
    const scratch = this.scratch;
    scratch.set(this.counts);
    for (let i = 0; i < other.length; i++) scratch[lowerCode(other, i) & 127]--;
    let lacking = 0;
    let excess = 0;
    // Only the buckets either word touched can be non-zero; reset them on the way.
    for (const word of [this.word, other]) {
      for (let i = 0; i < word.length; i++) {
        const bucket = lowerCode(word, i) & 127;
        const value = scratch[bucket];
        if (value > 0) lacking += value;
        else if (value < 0) excess -= value;
        scratch[bucket] = 0;
      }
    }
    return Math.max(lacking, excess);
  }
}

/**
 * Case-insensitive Damerau–Levenshtein (OSA) distance of a and b, or `bound + 1` as soon as it
 * must exceed `bound`. Only the band of cells within `bound` of the diagonal is computed.
 */
export function boundedDistance(a: string, b: string, bound: number): number {
  const n = a.length;
  const m = b.length;
  const over = bound + 1;
  if (Math.abs(n - m) > bound) return over;
  if (rows[0].length < m + 1) rows = [0, 1, 2].map(() => new Int32Array(2 * (m + 1)));
  // Three rows of the dynamic programme: two back (for swaps), previous, current.
  let [before, previous, current] = rows;
  for (let j = 0; j <= m; j++) previous[j] = j <= bound ? j : over;
  let previousMin = 0;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - bound);
    const to = Math.min(m, i + bound);
    current[from - 1] = from === 1 && i <= bound ? i : over;
    let rowMin = current[from - 1];
    const ai = lowerCode(a, i - 1);
    for (let j = from; j <= to; j++) {
      const bj = lowerCode(b, j - 1);
      let value = previous[j - 1] + (ai === bj ? 0 : 1);
      if (previous[j] + 1 < value) value = previous[j] + 1;
      if (current[j - 1] + 1 < value) value = current[j - 1] + 1;
      if (i > 1 && j > 1 && ai === lowerCode(b, j - 2) && lowerCode(a, i - 2) === bj && before[j - 2] + 1 < value) {
        value = before[j - 2] + 1;
      }
      current[j] = value > over ? over : value;
      if (value < rowMin) rowMin = value;
    }
    if (to < m) current[to + 1] = over;
    // A later cell comes from this row, or through a swap from the row before plus one edit.
    if (rowMin > bound && previousMin + 1 > bound) return over;
    previousMin = rowMin;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[m], over);
}
let rows = [0, 1, 2].map(() => new Int32Array(64));

/** The lower-case UTF-16 code at `i`, without allocating a lower-cased copy of every key. */
function lowerCode(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 65 && code <= 90) return code + 32;
  if (code < 128) return code;
  return text[i].toLowerCase().charCodeAt(0);
}

/**
 * Lower-case ASCII spellings, found by a hash of their characters computed while the text is
 * scanned and compared in place: a word seen before costs no string. Shared by the topic model's
 * word table (topicTerms.ts) and the index's short fields (shortFieldWords.ts), which keep what they
 * need per spelling in arrays indexed by the number `add` gives (0, 1, 2… in the order added).
 */

/** FNV-1a over lower-cased character codes: start with ASCII_HASH_START, then `asciiHashStep` per character. */
export const ASCII_HASH_START = 0x811c9dc5 | 0;

export function asciiHashStep(hash: number, code: number): number {
  return Math.imul(hash ^ lowerAscii(code), 0x01000193);
}

/** A character code in lower case (ASCII letters only). */
export function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

export class AsciiSpellings {
  /** Open addressing (spelling + 1, 0 free); spelling s's characters are `chars[starts[s]..starts[s] + lengths[s]]`. */
  private slots = new Int32Array(1 << 14);
  private hashes = new Int32Array(1 << 12);
  private starts = new Int32Array(1 << 12);
  private lengths = new Int32Array(1 << 12);
  private chars = new Uint8Array(1 << 15);
  private count = 0;
  private used = 0;

  /** The spelling `text[start..end)` lower-cased, whose characters hash to `hash`, or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const spelling = this.slots[slot] - 1;
      if (spelling < 0) return -1;
      if (this.hashes[spelling] !== hash || this.lengths[spelling] !== length) continue;
      const at = this.starts[spelling];
      let same = true;
      for (let i = 0; i < length && same; i++) same = this.chars[at + i] === lowerAscii(text.charCodeAt(start + i));
      if (same) return spelling;
    }
  }

  /** `find` for `bytes[start..end)`, ASCII bytes of a UTF-8 text. */
  findBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const spelling = this.slots[slot] - 1;
      if (spelling < 0) return -1;
      if (this.hashes[spelling] !== hash || this.lengths[spelling] !== length) continue;
      const at = this.starts[spelling];
      let same = true;
      for (let i = 0; i < length && same; i++) same = this.chars[at + i] === lowerAscii(bytes[start + i]);
      if (same) return spelling;
    }
  }

  /** Adds a lower-case ASCII spelling not found before, whose characters hash to `hash`; its number. */
  add(spelling: string, hash: number): number {
    const added = this.count++;
    if (this.count * 2 > this.slots.length) this.rehash();
    if (added === this.hashes.length) {
      this.hashes = grown(this.hashes);
      this.starts = grown(this.starts);
      this.lengths = grown(this.lengths);
    }
    if (this.used + spelling.length > this.chars.length) this.chars = grown(this.chars, this.used + spelling.length);
    this.hashes[added] = hash;
    this.starts[added] = this.used;
    this.lengths[added] = spelling.length;
    for (let i = 0; i < spelling.length; i++) this.chars[this.used++] = spelling.charCodeAt(i);
    this.place(added);
    return added;
  }

  private place(spelling: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[spelling] & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = spelling + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let spelling = 0; spelling < this.count - 1; spelling++) this.place(spelling);
  }
}

function grown<T extends Int32Array | Uint8Array>(from: T, atLeast = 0): T {
  const bigger = new (from.constructor as new (length: number) => T)(Math.max(from.length * 2, atLeast));
  bigger.set(from);
  return bigger;
}

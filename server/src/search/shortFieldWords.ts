/**
 * The words of a paper's key, title, authors, keywords, venue and year, as the index takes them:
 * folded, camel-case parts too, stop words out, singular (except the key's).
 *
 * Why a class: these words were most of the main thread's work of indexing a big catalog (at 100k
 * papers 2.5 million words, 1.9 s, and a new string for each that the index's maps hashed again).
 * ASCII text (most titles and names) is scanned once here and each word found by a hash of its
 * lower-case characters computed while scanning: a word seen before costs no string, and the index
 * gets the same string for it every time, whose hash the maps keep. Other text takes the Unicode
 * way (tokenize.ts), with the same words.
 */
import type { Paper, Person } from '../catalog/paper';
import { ASCII_HASH_START, AsciiSpellings, asciiHashStep } from './asciiSpellings';
import { foldAccents, foldedCamelParts, isAscii, isStopWord, isWordCodePoint, plainWords, singular, umlautSpelling } from './tokenize';

export class ShortFieldWords {
  /** Entry e: its folded word, that word singular, and whether it is a stop word. */
  private readonly words: string[] = [];
  private readonly singulars: string[] = [];
  private readonly stops: boolean[] = [];
  /** ASCII words, and the entry of each (by the spelling's number). */
  private readonly asciiSpellings = new AsciiSpellings();
  private readonly entryOfSpelling: number[] = [];
  /** Entries of folded words that are not ASCII. */
  private readonly otherWords = new Map<string, number>();
  /** The last scan's entries, in order (a camel-case word's parts right after it). */
  private scanned = new Int32Array(256);
  private scannedCount = 0;
  /** The last scan's German spellings without umlauts ("Müller" → mueller). */
  private readonly germanSpellings: string[] = [];

  /** key, title, authors, keywords, venue, year. */
  of(paper: Paper): string[][] {
    const authors: string[] = [];
    for (const person of paper.authors) this.personWords(person, authors);
    const keywords: string[] = [];
    for (const keyword of paper.keywords) this.contentWords(keyword, keywords);
    return [this.keyWords(paper.key), this.contentWords(paper.title, []), authors, keywords, this.contentWords(paper.venue, []), paper.year ? plainWords(paper.year) : []];
  }

  /** The text's words but stop words, singular, added to `out`. */
  private contentWords(text: string | undefined, out: string[]): string[] {
    if (!text) return out;
    this.scan(text, false);
    for (let k = 0; k < this.scannedCount; k++) {
      const entry = this.scanned[k];
      if (!this.stops[entry]) out.push(this.singulars[entry]);
    }
    return out;
  }

  /** Names as folded words, singular, plus the German spelling without umlauts, so "mueller" finds "Müller"; added to `out`. */
  private personWords(person: Person, out: string[]): void {
    for (const part of [person.family, person.given, person.particle, person.literal]) {
      if (!part) continue;
      this.scan(part, true);
      for (let k = 0; k < this.scannedCount; k++) out.push(this.singulars[this.scanned[k]]);
      for (const german of this.germanSpellings) out.push(singular(german));
    }
  }

  /** "doe2020quantum" → doe2020quantum, doe, 2020, quantum; "SeerAttention" → seerattention, seer, attention. */
  private keyWords(key: string): string[] {
    this.scan(key, false);
    const words = new Set<string>();
    for (let k = 0; k < this.scannedCount; k++) words.add(this.words[this.scanned[k]]);
    for (const word of [...words]) {
      if (isAscii(word)) {
        // Folded ASCII: letters and digits only, cut where one kind follows the other.
        if (!/[0-9]/.test(word) || !/[a-z]/.test(word)) continue;
        let from = 0;
        for (let i = 1; i <= word.length; i++) {
          if (i < word.length && isDigit(word.charCodeAt(i)) === isDigit(word.charCodeAt(i - 1))) continue;
          if (i - from >= 2) words.add(word.slice(from, i));
          from = i;
        }
      } else {
        for (const part of word.split(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u)) if (part.length >= 2) words.add(part);
      }
    }
    return [...words];
  }

  /**
   * The entries of a text's words, in order, into `scanned`: each word (as `rawWords` cuts them),
   * then its camel-case parts. An ASCII word is found by the hash of its lower-case characters;
   * another word the Unicode way. With `umlauts`, the German spellings of its words go in `germanSpellings`.
   */
  private scan(text: string, umlauts: boolean): void {
    this.scannedCount = 0;
    if (umlauts) this.germanSpellings.length = 0;
    let start = -1;
    let hash = 0;
    let ascii = true;
    let capitalInside = false;
    const length = text.length;
    for (let i = 0; i <= length; ) {
      let code = i < length ? text.charCodeAt(i) : 32;
      let size = 1;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          size = 2;
        }
      }
      const upper = code >= 65 && code <= 90;
      if (code < 128 ? upper || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) : isWordCodePoint(code)) {
        if (start < 0) {
          start = i;
          hash = ASCII_HASH_START;
          ascii = true;
          capitalInside = false;
        } else if (upper) {
          capitalInside = true;
        }
        if (code < 128) hash = asciiHashStep(hash, code);
        else ascii = false;
      } else if (start >= 0) {
        if (ascii) {
          this.push(this.entryOf(text, start, i, hash));
          if (capitalInside) this.camelParts(text, start, i);
        } else {
          const raw = text.slice(start, i);
          this.push(this.entryOfFolded(foldAccents(raw)));
          for (const part of foldedCamelParts(raw) ?? []) this.push(this.entryOfFolded(part));
          const german = umlauts ? umlautSpelling(raw) : undefined;
          if (german) this.germanSpellings.push(german);
        }
        start = -1;
      }
      i += size;
    }
  }

  /**
   * The parts of the ASCII word text[start..end) split where tokenize's CAMEL_BOUNDARY splits it
   * (a capital after a small letter or digit, or the last capital of a run before a small letter):
   * nothing when it has one part.
   */
  private camelParts(text: string, start: number, end: number): void {
    let from = start;
    for (let i = start + 1; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code < 65 || code > 90) continue;
      const before = text.charCodeAt(i - 1);
      const after = i + 1 < end ? text.charCodeAt(i + 1) : 0;
      const lowerOrDigitBefore = (before >= 97 && before <= 122) || isDigit(before);
      const upperBeforeLowerAfter = before >= 65 && before <= 90 && after >= 97 && after <= 122;
      if (!lowerOrDigitBefore && !upperBeforeLowerAfter) continue;
      this.push(this.entryOf(text, from, i, this.hashOf(text, from, i)));
      from = i;
    }
    if (from !== start) this.push(this.entryOf(text, from, end, this.hashOf(text, from, end)));
  }

  private hashOf(text: string, start: number, end: number): number {
    let hash = ASCII_HASH_START;
    for (let i = start; i < end; i++) hash = asciiHashStep(hash, text.charCodeAt(i));
    return hash;
  }

  private push(entry: number): void {
    if (this.scannedCount === this.scanned.length) {
      const bigger = new Int32Array(this.scanned.length * 2);
      bigger.set(this.scanned);
      this.scanned = bigger;
    }
    this.scanned[this.scannedCount++] = entry;
  }

  /** The entry of the ASCII word text[start..end), whose lower-case characters hash to `hash`; made if new. */
  private entryOf(text: string, start: number, end: number, hash: number): number {
    const spelling = this.asciiSpellings.find(text, start, end, hash);
    if (spelling >= 0) return this.entryOfSpelling[spelling];
    const word = text.slice(start, end).toLowerCase();
    const entry = this.add(word);
    this.entryOfSpelling[this.asciiSpellings.add(word, hash)] = entry;
    return entry;
  }

  /** The entry of a folded word, ASCII or not. */
  private entryOfFolded(folded: string): number {
    if (isAscii(folded)) return this.entryOf(folded, 0, folded.length, this.hashOf(folded, 0, folded.length));
    let entry = this.otherWords.get(folded);
    if (entry === undefined) this.otherWords.set(folded, (entry = this.add(folded)));
    return entry;
  }

  private add(word: string): number {
    this.stops.push(isStopWord(word));
    this.singulars.push(singular(word));
    return this.words.push(word) - 1;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

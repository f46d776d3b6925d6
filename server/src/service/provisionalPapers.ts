/**
 * Papers known before their catalog is indexed: a quick skim of the file (keys and titles) or the
 * on-disk cache of the last start. They answer completion and hover while the real read is parsed
 * and indexed, and go away as soon as it is: they never replace reading the catalog.
 *
 * They arrive in pieces of a few hundred rows, each with its search text made off this thread (by
 * the catalog worker, or stored in the cache): per row a tab, the key in lower case, \u0001, the
 * key, then the folded words of key, title and authors, each after a space. Adding a piece is one
 * string; a search is `indexOf` over those strings (13 MB at 100,000 papers, a few milliseconds);
 * only a piece holding a hit is decoded into rows. Each row's key is noted as its piece comes (a
 * slice of the text and where it is, well under a millisecond a piece), so finding a paper by its key
 * costs nothing: `[@` looks up the recently cited keys, hover the key under the mouse. Making 100,000 paper objects and word strings
 * up front took 900 ms of a warm start, on the thread that answers the user.
 */
import { skimmedPaper } from '../catalog/bibtexSkim';
import type { Paper } from '../catalog/paper';
import type { SearchHit } from '../search/paperIndex';
import { foldAccents, plainWords } from '../search/tokenize';

/** One provisional paper as sent and cached: key, title, authors' family names, year. */
export type ProvisionalRow = [key: string, title: string, families: string[], year: string];

/** A piece of provisional papers: its search text, and its k-th row, decoded when asked for. */
export interface ProvisionalPiece {
  text: string;
  row(k: number): unknown;
}

const ROW = '\t';
const ROW_CODE = 9;
/** A typed word of this many characters or more is looked for in one pass (a shorter one is everywhere in the text). */
const ONE_SCAN_MIN = 3;
const KEY = '\u0001';
/** What a key may not hold in the search text (it would break a row apart); replaced by \u0002. */
const UNSAFE_IN_KEY = /[\s\u0000-\u001f]/g;
const HAS_UNSAFE = /[\s\u0000-\u001f]/;
const SAFE = '\u0002';
/** After folding, catalog text is nearly all ASCII: a plain class is several times faster than \p{L}. */
const NOT_WORD = /[^a-z0-9\u00c0-\uffff]+/g;
/** Papers found by the last searches, for the hover and the completion items that follow them. */
const REMEMBERED = 1000;

export function provisionalRow(paper: Paper): ProvisionalRow {
  return [paper.key, paper.title ?? '', paper.authors.map((a) => a.family ?? a.literal ?? '').filter(Boolean), paper.year ?? ''];
}

export function isProvisionalRow(row: unknown): row is ProvisionalRow {
  if (!Array.isArray(row) || row.length !== 4) return false;
  const [key, title, families, year] = row as unknown[];
  return typeof key === 'string' && key !== '' && typeof title === 'string' && typeof year === 'string' && Array.isArray(families) && families.every((f) => typeof f === 'string');
}

export function paperOfRow(row: ProvisionalRow, uri: string): Paper {
  const [key, title, families, year] = row;
  const paper = skimmedPaper(key, 'misc', uri);
  if (title) paper.title = title;
  if (year) paper.year = year;
  paper.authors = families.map((family) => ({ family }));
  return paper;
}

/** The search text of a piece of rows (see the top of this file); a non-row keeps its place, empty. */
export function searchTextOf(rows: readonly unknown[]): string {
  let text = '';
  for (const row of rows) {
    if (!isProvisionalRow(row)) {
      text += ROW + KEY + SAFE + ' ';
      continue;
    }
    const [key, title, families] = row;
    const safeKey = key.replace(UNSAFE_IN_KEY, SAFE);
    const words = foldAccents(` ${key} ${title} ${families.join(' ')}`).replace(NOT_WORD, ' ');
    text += ROW + safeKey.toLowerCase() + KEY + safeKey + (words.startsWith(' ') ? words : ' ' + words);
  }
  return text;
}

/** A row whose key starts with what was typed. */
interface KeyHit {
  key: string;
  exact: boolean;
  piece: Piece;
  at: number;
}

interface Piece extends ProvisionalPiece {
  uri: string;
  /** Where each row starts in `text`. */
  starts: number[];
}

/** Where a key's row is: its piece and the row's start in the piece's text. */
interface RowPlace {
  piece: Piece;
  at: number;
}

export class ProvisionalPapers {
  private readonly byUri = new Map<string, Piece[]>();
  private count = 0;
  private readonly remembered = new Map<string, Paper>();
  /** Key → its first row; keys the text holds altered (unsafe characters) are not here. */
  private places = new Map<string, RowPlace>();

  get size(): number {
    return this.count;
  }

  addPiece(uri: string, piece: ProvisionalPiece): void {
    const starts: number[] = [];
    for (let at = piece.text.indexOf(ROW); at >= 0; at = piece.text.indexOf(ROW, at + 1)) starts.push(at);
    const decoded: Piece = { uri, text: piece.text, starts, row: (k) => piece.row(k) };
    let list = this.byUri.get(uri);
    if (!list) this.byUri.set(uri, (list = []));
    list.push(decoded);
    this.count += starts.length;
    for (const at of starts) {
      const key = keyAt(piece.text, at);
      if (key !== undefined && !this.places.has(key)) this.places.set(key, { piece: decoded, at });
    }
  }

  /** Papers as a piece (tests and the in-thread path). */
  add(uri: string, papers: readonly Paper[]): void {
    const rows = papers.map(provisionalRow);
    this.addPiece(uri, { text: searchTextOf(rows), row: (k) => rows[k] });
  }

  clear(uri: string): void {
    const list = this.byUri.get(uri);
    if (!list) return;
    this.byUri.delete(uri);
    for (const piece of list) this.count -= piece.starts.length;
    this.remembered.clear();
    if (this.byUri.size === 0) {
      this.places = new Map();
      return;
    }
    for (const [key, place] of this.places) if (place.piece.uri === uri) this.places.delete(key);
    // A key the cleared catalog shared with another one: the other's row.
    for (const piece of this.pieces()) {
      for (const at of piece.starts) {
        const key = keyAt(piece.text, at);
        if (key !== undefined && !this.places.has(key)) this.places.set(key, { piece, at });
      }
    }
  }

  /** Every provisional key, in the order of the catalogs' rows (a key in two catalogs once). */
  *keys(): Generator<string> {
    const seen = new Set<string>();
    for (const piece of this.pieces()) {
      for (const at of piece.starts) {
        const key = keyAt(piece.text, at) ?? this.paperAt(piece, at)?.key;
        if (key === undefined || seen.has(key)) continue;
        seen.add(key);
        yield key;
      }
    }
  }

  /** The first provisional paper with this key. */
  paper(key: string): Paper | undefined {
    const known = this.remembered.get(key);
    if (known) return known;
    const place = this.places.get(key);
    if (place) {
      const paper = this.paperAt(place.piece, place.at);
      return paper ? this.remember(paper) : undefined;
    }
    if (!HAS_UNSAFE.test(key)) return undefined;
    // Keys with spaces or control characters are in the text altered: look for them row by row.
    const needle = KEY + key.replace(UNSAFE_IN_KEY, SAFE) + ' ';
    for (const piece of this.pieces()) {
      for (let at = piece.text.indexOf(needle); at >= 0; at = piece.text.indexOf(needle, at + 1)) {
        const paper = this.paperAt(piece, at);
        if (paper?.key === key) return this.remember(paper);
      }
    }
    return undefined;
  }

  /** Exact key, then key prefix (by key), then other matches in catalog order; `skip` drops keys found elsewhere. */
  search(query: string, limit: number, skip: (key: string) => boolean): SearchHit[] {
    const words = plainWords(query);
    if (words.length === 0 || limit <= 0) return [];
    const lower = query.trim().toLowerCase();
    if (words.length === 1 && words[0] === lower && lower.length >= ONE_SCAN_MIN && !HAS_UNSAFE.test(lower)) return this.searchOneWord(lower, limit, skip);
    const seen = new Set<string>();
    // Keys are read from the text: a prefix like "a" matches thousands of rows, only those shown are decoded.
    const keyHits: KeyHit[] = [];
    if (!HAS_UNSAFE.test(lower)) {
      const needle = ROW + lower;
      for (const piece of this.pieces()) {
        for (let at = piece.text.indexOf(needle); at >= 0; at = piece.text.indexOf(needle, at + 1)) {
          const key = keyAt(piece.text, at) ?? this.paperAt(piece, at)?.key;
          if (key === undefined || seen.has(key) || skip(key)) continue;
          seen.add(key);
          keyHits.push({ key, exact: key.toLowerCase() === lower, piece, at });
        }
      }
    }
    const hits = this.keyTier(keyHits, limit);

    // Every typed word must start a word of the row; the longest is looked for, the others checked in
    // the row. It is looked for without the blank before it (checked after): V8 looks for a short
    // needle by its first character, and a blank is every seventh one (a scan of 100,000 rows took
    // 20 ms instead of 3).
    const needles = words.map((w) => ' ' + w);
    const rarest = words.reduce((a, b) => (b.length > a.length ? b : a));
    for (const piece of this.pieces()) {
      const text = piece.text;
      for (let at = text.indexOf(rarest); at >= 0 && hits.length < limit; at = text.indexOf(rarest, at + 1)) {
        if (text.charCodeAt(at - 1) !== 32) continue; // inside a word
        const start = text.lastIndexOf(ROW, at);
        let end = text.indexOf(ROW, at);
        if (end < 0) end = text.length;
        const row = text.slice(text.indexOf(KEY, start), end);
        at = end - 1;
        if (!needles.every((needle) => row.includes(needle))) continue;
        const key = keyAt(text, start) ?? this.paperAt(piece, start)?.key;
        if (key === undefined || seen.has(key) || skip(key)) continue;
        seen.add(key);
        const paper = this.paperAt(piece, start);
        if (paper) hits.push({ key: this.remember(paper).key, score: 1 });
      }
      if (hits.length >= limit) break;
    }
    return hits;
  }

  /**
   * `search` for one word: the rows whose key starts with it and those with a word that does, in
   * one pass over the text (a key is at its row's start, after a tab; a word after a blank), until
   * `limit` rows with the word are found; then the rest for keys only. The two passes before read
   * the 17 MB of 100,000 rows twice for a word few rows have (at 100k: 6–7 ms for none, 24 ms for 5).
   */
  private searchOneWord(word: string, limit: number, skip: (key: string) => boolean): SearchHit[] {
    const seen = new Set<string>();
    const keyHits: KeyHit[] = [];
    const wordRows: { piece: Piece; start: number }[] = [];
    const keyNeedle = ROW + word;
    // The word itself while rows with it are wanted; then its tab-led form, the keys.
    let needle = word;
    const keyHit = (piece: Piece, row: number) => {
      const key = keyAt(piece.text, row) ?? this.paperAt(piece, row)?.key;
      if (key === undefined || seen.has(key) || skip(key)) return;
      seen.add(key);
      keyHits.push({ key, exact: key.toLowerCase() === word, piece, at: row });
    };
    for (const piece of this.pieces()) {
      const text = piece.text;
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        if (needle === keyNeedle) {
          keyHit(piece, at);
          continue;
        }
        const before = text.charCodeAt(at - 1);
        if (before === ROW_CODE) {
          keyHit(piece, at - 1);
        } else if (before === 32) {
          // A row's key comes before its words: a row found here as a key is in `seen` already.
          const start = text.lastIndexOf(ROW, at);
          const end = text.indexOf(ROW, at);
          at = (end < 0 ? text.length : end) - 1;
          const key = keyAt(text, start) ?? this.paperAt(piece, start)?.key;
          if (key === undefined || seen.has(key) || skip(key)) continue;
          seen.add(key);
          wordRows.push({ piece, start });
          if (wordRows.length >= limit) needle = keyNeedle;
        }
      }
    }
    const hits = this.keyTier(keyHits, limit);
    for (const { piece, start } of wordRows) {
      if (hits.length >= limit) break;
      const paper = this.paperAt(piece, start);
      if (paper) hits.push({ key: this.remember(paper).key, score: 1 });
    }
    return hits;
  }

  /** Key hits as search hits: the exact key first, then by key; only those shown are decoded. */
  private keyTier(keyHits: KeyHit[], limit: number): SearchHit[] {
    keyHits.sort((a, b) => Number(b.exact) - Number(a.exact) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const hits: SearchHit[] = [];
    for (const { exact, piece, at } of keyHits.slice(0, limit)) {
      const paper = this.paperAt(piece, at);
      if (paper) hits.push({ key: this.remember(paper).key, score: exact ? 3 : 2 });
    }
    return hits;
  }

  private *pieces(): Iterable<Piece> {
    for (const list of this.byUri.values()) yield* list;
  }

  /** The paper of the row that holds position `at` of the piece's text. */
  private paperAt(piece: Piece, at: number): Paper | undefined {
    const starts = piece.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    const row = piece.row(lo);
    return isProvisionalRow(row) ? paperOfRow(row, piece.uri) : undefined;
  }

  private remember(paper: Paper): Paper {
    if (this.remembered.size >= REMEMBERED) this.remembered.clear();
    if (!this.remembered.has(paper.key)) this.remembered.set(paper.key, paper);
    return this.remembered.get(paper.key)!;
  }
}

/** The key of the row starting at `start`, or undefined when the text holds it altered (unsafe characters). */
function keyAt(text: string, start: number): string | undefined {
  const from = text.indexOf(KEY, start) + 1;
  const key = text.slice(from, text.indexOf(' ', from));
  return key.includes(SAFE) || key === '' ? undefined : key;
}

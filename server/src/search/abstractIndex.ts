/**
 * The exact-word index of abstracts, the bulk of a catalog's text (100,000 abstracts ≈ 20 million
 * words). Tuned for that volume, because a plain term → array-of-postings map spent most of its
 * time in cache misses and garbage collection:
 * - words are hashed while the text is scanned and looked up without cutting them out of the text:
 *   no string per word, no garbage; a spelling maps straight to its term id (or to "stop word"),
 *   so stop-word test, plural folding and vocabulary lookup happen once per distinct spelling;
 * - that counting is its own class: the catalog worker counts a big read's abstracts on its thread,
 *   and the index maps the worker's term numbers to its own once per term;
 * - postings are appended to a log (in chunks, never copied) and sorted by term into flat typed
 *   arrays (compressed sparse rows) in linear time, in bounded steps for a bulk load; a short log
 *   (an edited entry) is searched as it is, so an edit never re-sorts 20 million postings; a bulk
 *   load counted by the worker skips the log: its counts are sorted into the rows as they are;
 * - a typed prefix completes to at most 32 words, whose postings are visited up to a budget;
 * - removed papers are skipped while searching and dropped at the next rebuild.
 */
import { foldAccents, isStopWord, isWordChar, singular } from './tokenize';
import { Vocabulary } from './vocabulary';
import { allSteps } from '../core/steps';
import { detached } from '../core/strings';

const STOP = -1;
/** Postings per chunk of the log: growing the log adds a chunk and never copies. */
const LOG_CHUNK_BITS = 16;
const LOG_CHUNK = 1 << LOG_CHUNK_BITS;
const LOG_MASK = LOG_CHUNK - 1;
/** After a batch of adds, sort postings in once this share of them is waiting in the log. */
const EAGER_REBUILD_SHARE = 0.25;
/** A log up to this long is scanned by searches instead of being sorted into the rows first. */
const SCANNED_LOG = 1 << 14;
/**
 * Postings of abstract words completing a typed prefix visited per search, at most (the first
 * completion is always visited). "magn" completes to words in 100,000 abstracts at 100k papers,
 * which took 25 ms; the abstract is the weakest signal, and one more letter narrows it anyway.
 */
const MAX_COMPLETION_POSTINGS = 20_000;
/** Postings moved per step of a sliced rebuild: placing them writes all over the new rows (cache misses, first-touch page faults), up to 100 ms for 512k postings, 43–75 ms for 128k at 100k papers on a busy machine. */
const POSTINGS_PER_STEP = 1 << 15;
/** Entries of new rows first touched per step of a rebuild (4 MB of documents, 1 MB of counts). */
const TOUCHED_PER_STEP = 1 << 20;

/** An abstract's words as an `AbstractWordCounter` wrote them: `counts` from `at` on, numbered in `vocabulary`. */
export interface CountedAbstract {
  vocabulary: readonly string[];
  counts: ArrayLike<number>;
  at: number;
}

/**
 * Counts the words of abstracts one at a time: folded, stop words and one-letter words dropped,
 * plurals folded to a term, each term numbered in `vocabulary` the first time it comes. The index
 * counts a text with its own counter; the catalog worker counts a big read's abstracts with another
 * while the main thread indexes titles, and the index takes those counts as they are.
 */
export class AbstractWordCounter {
  /** Term number → term. */
  readonly vocabulary: string[] = [];
  /**
   * Words as written, each numbered once ("Sparse" and "sparse" are two spellings of one term).
   * Accents and case are folded per new spelling, not over each whole abstract: that was a quarter
   * of the counting time at 100,000 abstracts.
   */
  private readonly spellings = new Spellings((spelling) => {
    this.termOfSpelling.push(this.termOf(foldAccents(spelling)));
  });
  /** Spelling number → term number, or STOP. */
  private readonly termOfSpelling: number[] = [];
  private readonly termNumbers = new Map<string, number>();
  /** Per term: its count in the abstract being counted. */
  private counts = new Int32Array(1024);
  private readonly used: number[] = [];

  /**
   * Appends the counts of one abstract to `out`: its length in words, the number n of its distinct
   * terms, then per term, in the order they first appear, term number × 256 + count (at most 255,
   * as the index keeps them): one number each, half the bytes sent from the worker.
   */
  count(abstract: string | undefined, out: number[]): void {
    const at = out.length;
    out.push(0, 0);
    if (!abstract) return;
    const used = this.used;
    used.length = 0;
    let length = 0;
    this.spellings.forEachWord(abstract, (spelling) => {
      const term = this.termOfSpelling[spelling];
      if (term === STOP) return;
      length++;
      if (this.counts[term]++ === 0) used.push(term);
    });
    out[at] = length;
    out[at + 1] = used.length;
    for (const term of used) {
      out.push(term * 256 + Math.min(255, this.counts[term]));
      this.counts[term] = 0;
    }
  }

  /** A spelling seen for the first time: its term number, or STOP. */
  private termOf(spelling: string): number {
    if (spelling.length < 2 || isStopWord(spelling)) return STOP;
    const form = singular(spelling);
    let term = this.termNumbers.get(form);
    if (term === undefined) {
      term = this.vocabulary.length;
      this.vocabulary.push(form);
      this.termNumbers.set(form, term);
      if (term >= this.counts.length) this.counts = grow(this.counts, term + 1, 0);
    }
    return term;
  }
}

export class AbstractIndex {
  private readonly counter = new AbstractWordCounter();
  private readonly counted: number[] = [];
  /** Per counter vocabulary (this index's own, the worker's): term number → term id here, or -1 when not looked up yet. */
  private readonly idsOfVocabulary = new WeakMap<readonly string[], { ids: Int32Array }>();
  /** Term → term id, and back. */
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];

  /** Postings not yet in the rows: term, document, count. */
  private log = new PostingLog();
  /**
   * Abstracts added in bulk as counted elsewhere (the catalog worker), not yet in the rows: they go
   * from their counts into the rows at the next rebuild. Logged, the 13 million postings of 100,000
   * abstracts took 117 MB, which outlived the rebuild as garbage for many seconds.
   */
  private pending: { id: number; words: CountedAbstract }[] = [];

  /** Postings sorted by term: those of term t are at offsets[t] ≤ i < offsets[t + 1]. */
  private offsets = new Int32Array(1);
  private rowDocument = new Int32Array(0);
  private rowCount = new Uint8Array(0);

  /** Words per abstract by document id; 0 for no abstract or removed. */
  private readonly lengths: number[] = [];
  private totalLength = 0;
  private documents = 0;
  private removedSinceRebuild = 0;
  /**
   * The terms, for prefix lookups. Kept sorted as terms arrive (vocabulary.ts): sorting them all on
   * the first prefix lookup after new terms took 50–100 ms at 37,000 real papers, in the first
   * keystrokes a user typed after a start or an edit that brought a new word.
   */
  private readonly vocabulary = new Vocabulary();

  add(id: number, abstract: string | undefined): void {
    const counted = this.counted;
    counted.length = 0;
    this.counter.count(abstract, counted);
    this.addCounted(id, { vocabulary: this.counter.vocabulary, counts: counted, at: 0 });
  }

  /** An abstract counted by an `AbstractWordCounter` (this index's or another's), as `count` wrote it. */
  addCounted(id: number, words: CountedAbstract): void {
    const { counts, at } = words;
    const known = this.knownTerms(words.vocabulary);
    for (let i = at + 2; i < at + 2 + counts[at + 1]; i++) this.log.append(this.termOf(known, words.vocabulary, counts[i] >>> 8), id, counts[i] & 255);
    this.addLength(id, counts[at]);
  }

  /**
   * `addCounted` for a bulk load: searches do not see the abstract until the next `settle` (or
   * `settleSteps`), which sorts it in straight from `words`, kept until then.
   */
  addCountedInBulk(id: number, words: CountedAbstract): void {
    if (words.counts[words.at + 1] > 0) this.pending.push({ id, words });
    this.addLength(id, words.counts[words.at]);
  }

  private addLength(id: number, length: number): void {
    this.lengths[id] = length;
    if (length === 0) return;
    this.totalLength += length;
    this.documents++;
  }

  private knownTerms(vocabulary: readonly string[]): { ids: Int32Array } {
    let known = this.idsOfVocabulary.get(vocabulary);
    if (!known) this.idsOfVocabulary.set(vocabulary, (known = { ids: new Int32Array(1024).fill(-1) }));
    return known;
  }

  /** Gives every term of a counted abstract an id here; its number of terms. */
  private mapTerms({ vocabulary, counts, at }: CountedAbstract): number {
    const known = this.knownTerms(vocabulary);
    for (let i = at + 2; i < at + 2 + counts[at + 1]; i++) this.termOf(known, vocabulary, counts[i] >>> 8);
    return counts[at + 1];
  }

  /** The term id here of a counter's term `number`. */
  private termOf(known: { ids: Int32Array }, vocabulary: readonly string[], number: number): number {
    if (number >= known.ids.length) known.ids = grow(known.ids, number + 1, -1);
    let term = known.ids[number];
    if (term < 0) {
      const form = vocabulary[number];
      term = known.ids[number] = this.termIds.get(form) ?? this.newTerm(form);
    }
    return term;
  }

  /** Sorts waiting postings in now if they are many (after a batch of adds), so the log stays small. */
  settle(): void {
    if (this.needsRebuild()) this.rebuild();
  }

  /**
   * `settle` in bounded steps: the caller may yield (and search) between them. `forSearch`: also
   * what a search would sort in first (`prepare`), so that the first search after indexing does
   * not: a workspace of many catalog files leaves up to a quarter of the postings in the log, and
   * sorting them in took the first keystroke 90 ms at 37,000 real papers in 168 files.
   */
  *settleSteps(forSearch = false): Generator<void, void, void> {
    if (forSearch ? this.searchWouldRebuild : this.needsRebuild()) yield* this.rebuildSteps();
  }

  /** Whether a search now would first sort the log into the rows, at once. */
  get searchWouldRebuild(): boolean {
    const stale = this.removedSinceRebuild > Math.max(1024, this.documents);
    return this.log.length > SCANNED_LOG || this.pending.length > 0 || stale;
  }

  /** Whether abstracts added in bulk wait for a rebuild: a search now would do it at once, whole. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  private needsRebuild(): boolean {
    return this.pending.length > 0 || (this.log.length > EAGER_REBUILD_SHARE * this.rowDocument.length && this.log.length > SCANNED_LOG);
  }

  remove(id: number): void {
    const length = this.lengths[id] ?? 0;
    if (length === 0) return;
    this.lengths[id] = 0;
    this.totalLength -= length;
    this.documents--;
    this.removedSinceRebuild++;
  }

  /**
   * Adds the BM25 score (k1 = 1.2, b = 0.75) times `boost` of every abstract holding the word, or
   * for a prefix a word starting with it, into `scores`; the best matching word counts. With `only`,
   * of the abstracts of papers marked there alone.
   */
  score(word: string, prefix: boolean, boost: number, scores: Float64Array, touched: number[], only?: Uint8Array): void {
    if (this.documents === 0 || isStopWord(word)) return;
    this.prepare();
    const average = this.totalLength / this.documents;
    const expansions = this.expansions(word, prefix);
    // Postings still in the log count as if they were in the rows: the same scores either way.
    const logged = this.log.length > 0 ? this.logFrequencies(expansions) : undefined;
    const add = (id: number, count: number, weight: number) => {
      if (only !== undefined && only[id] === 0) return;
      const length = this.lengths[id];
      if (!length) return;
      const value = (weight * count) / (count + 1.2 * (0.25 + (0.75 * length) / average));
      if (value > scores[id]) {
        if (scores[id] === 0) touched.push(id);
        scores[id] = value;
      }
    };
    const weights = new Map<number, number>();
    let visited = 0;
    for (const [term, quality] of expansions) {
      const inRows = term + 1 < this.offsets.length;
      const start = inRows ? this.offsets[term] : 0;
      const end = inRows ? this.offsets[term + 1] : 0;
      // The word itself always counts; its completions (shortest first) until the budget is spent.
      if (quality < 1 && visited > 0 && visited + end - start > MAX_COMPLETION_POSTINGS) continue;
      visited += end - start;
      const frequency = end - start + (logged?.get(term) ?? 0);
      const idf = Math.log(1 + (this.documents - frequency + 0.5) / (frequency + 0.5));
      const weight = boost * quality * idf * 2.2;
      weights.set(term, weight);
      for (let i = start; i < end; i++) add(this.rowDocument[i], this.rowCount[i], weight);
    }
    if (logged) {
      const log = this.log;
      for (let i = 0; i < log.length; i++) {
        const weight = weights.get(log.term(i));
        if (weight !== undefined) add(log.document(i), log.count(i), weight);
      }
    }
  }

  /** How many postings of each expanded term wait in the log. */
  private logFrequencies(expansions: Map<number, number>): Map<number, number> {
    const counts = new Map<number, number>();
    for (let i = 0; i < this.log.length; i++) {
      const term = this.log.term(i);
      if (expansions.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    return counts;
  }

  /** Term ids for a query word with their match quality: the word (1), longer words when it is a prefix. */
  private expansions(word: string, prefix: boolean): Map<number, number> {
    const found = new Map<number, number>();
    const exact = this.termIds.get(singular(word));
    if (exact !== undefined) found.set(exact, 1);
    // Short prefixes would pull in half the vocabulary: abstracts only complete from 4 letters on.
    if (!prefix || word.length < 4) return found;
    const longer = [...this.vocabulary.withPrefix(word)];
    longer.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const term of longer.slice(0, 32)) {
      const id = this.termIds.get(term) as number;
      if (!found.has(id)) found.set(id, 0.5 + (0.3 * word.length) / term.length);
    }
    return found;
  }

  private newTerm(form: string): number {
    const id = this.terms.length;
    this.terms.push(form);
    this.termIds.set(form, id);
    this.vocabulary.add(form);
    return id;
  }

  /** Sorts a long log into the rows before a search (a short one is scanned as it is). */
  private prepare(): void {
    if (this.searchWouldRebuild) this.rebuild();
  }

  private rebuild(): void {
    allSteps(this.rebuildSteps());
  }

  /**
   * Merges the rows and the log into new rows, by counting sort on the term: linear in the number
   * of postings. Documents stay in id order within a term. Postings of removed papers are dropped.
   * Yields after every POSTINGS_PER_STEP postings; the index stays searchable meanwhile (the old
   * rows and the log are untouched until the last step swaps the new rows in).
   */
  private *rebuildSteps(): Generator<void, void, void> {
    // Abstracts added in bulk get their term ids first: the counting sort needs them all. In steps;
    // those added meanwhile (or left by another rebuild that finished meanwhile) then at once.
    let budget = POSTINGS_PER_STEP;
    const mapping = this.pending;
    const mapped = mapping.length;
    for (let k = 0; k < mapped; k++) {
      budget -= this.mapTerms(mapping[k].words);
      if (budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    const pending = this.pending;
    const pendingEnd = pending.length;
    for (let k = pending === mapping ? mapped : 0; k < pendingEnd; k++) this.mapTerms(pending[k].words);

    const termCount = this.terms.length;
    const log = this.log;
    const logEnd = log.length;
    const rowOffsets = this.offsets;
    const rowDocuments = this.rowDocument;
    const rowCounts = this.rowCount;
    const live = (id: number) => this.lengths[id] > 0;
    const sizes = new Int32Array(termCount + 1);
    for (let t = 0; t + 1 < rowOffsets.length; t++) {
      for (let i = rowOffsets[t]; i < rowOffsets[t + 1]; i++) if (live(rowDocuments[i])) sizes[t + 1]++;
      budget -= rowOffsets[t + 1] - rowOffsets[t];
      if (budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    for (let i = 0; i < logEnd; i++) {
      if (live(log.document(i))) sizes[log.term(i) + 1]++;
      if (--budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    for (let k = 0; k < pendingEnd; k++) {
      const { id, words } = pending[k];
      if (!live(id)) continue;
      const { ids } = this.knownTerms(words.vocabulary);
      const { counts, at } = words;
      for (let i = at + 2; i < at + 2 + counts[at + 1]; i++) sizes[ids[counts[i] >>> 8] + 1]++;
      budget -= counts[at + 1];
      if (budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    for (let t = 0; t < termCount; t++) sizes[t + 1] += sizes[t];

    const offsets = sizes;
    const next = offsets.slice(0, termCount);
    const rowDocument = new Int32Array(offsets[termCount]);
    const rowCount = new Uint8Array(offsets[termCount]);
    // Touched in order first, a few MB a step: the postings are then written all over the new rows,
    // and their first writes page-faulted 100 ms into one step at 100k papers (13 million postings).
    for (let from = 0; from < rowDocument.length; from += TOUCHED_PER_STEP) {
      rowDocument.fill(0, from, from + TOUCHED_PER_STEP);
      rowCount.fill(0, from, from + TOUCHED_PER_STEP);
      yield;
    }
    for (let t = 0; t + 1 < rowOffsets.length; t++) {
      for (let i = rowOffsets[t]; i < rowOffsets[t + 1]; i++) {
        const id = rowDocuments[i];
        if (!live(id)) continue;
        rowDocument[next[t]] = id;
        rowCount[next[t]++] = rowCounts[i];
      }
      budget -= rowOffsets[t + 1] - rowOffsets[t];
      if (budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    for (let i = 0; i < logEnd; i++) {
      const id = log.document(i);
      if (live(id)) {
        const t = log.term(i);
        rowDocument[next[t]] = id;
        rowCount[next[t]++] = log.count(i);
      }
      if (--budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    for (let k = 0; k < pendingEnd; k++) {
      const { id, words } = pending[k];
      if (!live(id)) continue;
      const { ids } = this.knownTerms(words.vocabulary);
      const { counts, at } = words;
      for (let i = at + 2; i < at + 2 + counts[at + 1]; i++) {
        const t = ids[counts[i] >>> 8];
        rowDocument[next[t]] = id;
        rowCount[next[t]++] = counts[i] & 255;
      }
      budget -= counts[at + 1];
      if (budget <= 0) {
        budget = POSTINGS_PER_STEP;
        yield;
      }
    }
    if (rowOffsets !== this.offsets) {
      // Another rebuild finished while this one yielded: its result already holds these postings.
      return;
    }
    // A paper removed while this rebuild yielded still has postings here: they are skipped while
    // searching (length 0) and dropped at the next rebuild, as for any removal.
    this.offsets = offsets;
    this.rowDocument = rowDocument;
    this.rowCount = rowCount;
    // Postings logged while this rebuild yielded stay; the chunks of those sorted in are dropped.
    this.log = log.without(logEnd);
    this.pending = pending.slice(pendingEnd);
    this.removedSinceRebuild = 0;
  }
}

function grow<T extends Int32Array | Uint8Array>(array: T, atLeast: number, fill: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(atLeast, array.length * 2));
  bigger.set(array);
  if (fill !== 0) bigger.fill(fill, array.length);
  return bigger;
}

/**
 * Postings not yet sorted into rows (term, document, count), appended in chunks of LOG_CHUNK:
 * a bulk load logs 10 million postings, and a log that grew by doubling one array copied them
 * in steps of 150 ms, and reserving them at once cost a step of 85 ms.
 */
class PostingLog {
  private readonly terms: Int32Array[] = [];
  private readonly documents: Int32Array[] = [];
  private readonly counts: Uint8Array[] = [];
  length = 0;

  append(term: number, document: number, count: number): void {
    const slot = this.length++;
    const chunk = slot >>> LOG_CHUNK_BITS;
    if (chunk === this.terms.length) {
      this.terms.push(new Int32Array(LOG_CHUNK));
      this.documents.push(new Int32Array(LOG_CHUNK));
      this.counts.push(new Uint8Array(LOG_CHUNK));
    }
    this.terms[chunk][slot & LOG_MASK] = term;
    this.documents[chunk][slot & LOG_MASK] = document;
    this.counts[chunk][slot & LOG_MASK] = count;
  }

  term(slot: number): number {
    return this.terms[slot >>> LOG_CHUNK_BITS][slot & LOG_MASK];
  }

  document(slot: number): number {
    return this.documents[slot >>> LOG_CHUNK_BITS][slot & LOG_MASK];
  }

  count(slot: number): number {
    return this.counts[slot >>> LOG_CHUNK_BITS][slot & LOG_MASK];
  }

  /** A log of the postings from `start` on (those logged while a rebuild yielded: few). */
  without(start: number): PostingLog {
    const rest = new PostingLog();
    for (let i = start; i < this.length; i++) rest.append(this.term(i), this.document(i), this.count(i));
    return rest;
  }
}

/**
 * Numbers the distinct words of texts: an open-addressing hash table (FNV-1a) whose entries are
 * compared against the text in place, so a word already seen costs no allocation.
 */
class Spellings {
  private readonly words: string[] = [];
  private hashes = new Int32Array(0);
  /** Slot → word number + 1; 0 is empty. */
  private table = new Int32Array(1 << 12);

  constructor(private readonly onNew: (spelling: string) => void) {}

  /** Calls `visit` with the number of each word of `text`, as written. */
  forEachWord(text: string, visit: (spelling: number) => void): void {
    let start = -1;
    let hash = 0;
    for (let i = 0; i <= text.length; i++) {
      const code = i < text.length ? text.charCodeAt(i) : 32;
      if (isWordChar(code)) {
        if (start < 0) {
          start = i;
          hash = 0x811c9dc5;
        }
        hash = Math.imul(hash ^ code, 0x01000193);
      } else if (start >= 0) {
        visit(this.numberOf(text, start, i, hash));
        start = -1;
      }
    }
  }

  private numberOf(text: string, start: number, end: number, hash: number): number {
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot];
      // A copy: an abstract is often a slice of the catalog's text, which a kept slice held alive (RSS 584 → 919 MB at 100k).
      if (entry === 0) return this.insert(detached(text.slice(start, end)), hash, slot);
      const n = entry - 1;
      if (this.hashes[n] === hash && sameWord(this.words[n], text, start, end)) return n;
    }
  }

  private insert(word: string, hash: number, slot: number): number {
    const n = this.words.length;
    this.words.push(word);
    if (n >= this.hashes.length) {
      const hashes = new Int32Array(Math.max(1024, n * 2));
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[n] = hash;
    this.table[slot] = n + 1;
    if (this.words.length * 2 > this.table.length) this.rehash();
    this.onNew(word);
    return n;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    const mask = this.table.length - 1;
    for (let n = 0; n < this.words.length; n++) {
      let slot = this.hashes[n] & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = n + 1;
    }
  }
}

function sameWord(word: string, text: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

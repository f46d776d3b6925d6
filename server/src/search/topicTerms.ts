/**
 * The terms the topic model sees, and each paper as a weighted vector of them.
 *
 * - A term is a content word or a phrase of two or three content words that follow each other
 *   inside a title, an abstract or a keyword ("few shot learning"): never across punctuation, a
 *   number or a stop word. Words are accent-folded, lower case, lightly stemmed ("networks",
 *   "learned", "learning" → "network", "learn", "learn"); labels go back to the papers' own spelling.
 * - The vocabulary is the terms in at least `minDf` papers and at most `MAX_DF_SHARE` of them,
 *   the most common ones first up to `MAX_TERMS`, counted on a sample of at most `VOCABULARY_SAMPLE`
 *   papers (chosen by a hash of the key, so the same papers whatever the input order).
 * - A paper's vector: TF-IDF with sublinear term frequency (1 + ln tf), the title counting
 *   `TITLE_WEIGHT` times and keywords `KEYWORD_WEIGHT` times an abstract's word, its
 *   `MAX_TERMS_PER_PAPER` heaviest terms, L2-normalized. All papers in one compressed sparse row
 *   matrix of typed arrays: 100,000 papers take about 40 MB.
 *
 * Pure and deterministic: the same documents (in any order, once sorted by the caller) give the
 * same vocabulary and vectors.
 */
import { ASCII_HASH_START, AsciiSpellings, asciiHashStep } from './asciiSpellings';
import { foldAccents, isWordChar, singular, STOP_WORDS } from './tokenize';
import type { TopicDocument } from './topicResult';

export const TITLE_WEIGHT = 3;
export const KEYWORD_WEIGHT = 2;
const MAX_DF_SHARE = 0.5;
const MAX_TERMS = 60000;
export const MAX_TERMS_PER_PAPER = 64;
export const VOCABULARY_SAMPLE = 20000;

/**
 * Words of every paper's prose that never make a term and end a phrase: the way papers talk about
 * themselves ("we propose a novel method"), not what they are about.
 */
const PROSE_WORDS = new Set(
  (
    'abstract paper propose proposed proposes proposing present presents presented introduce introduces introduced ' +
    'show shows showed shown demonstrate demonstrates demonstrated novel new approach approaches method methods ' +
    'result results based using use used uses existing recent recently significant significantly achieve achieves ' +
    'achieved achieving outperform outperforms outperforming experiment experiments experimental extensive ' +
    'state art also well often many much several various however moreover furthermore therefore although ' +
    'thereby hence since still even way ways able allow allows enable enables provide provides provided ' +
    'specifically particular particularly respectively including include includes e g eg ie i.e etc ' +
    'first second third two three four five six given make makes made take takes consider considered ' +
    'study studies studied investigate investigates work works paper\'s whose finally key main important ' +
    'could would among able called known well-known need needs needed lead leads leading code available ' +
    'github com http https www org ' +
    // "(cid:123)": glyph codes left in abstracts extracted from PDFs.
    'cid'
  ).split(' '),
);

/** Every topic-model stop word: English function words (but "few", as in few-shot) and paper prose. */
const TOPIC_STOP_WORDS = new Set([...STOP_WORDS, ...PROSE_WORDS]);
TOPIC_STOP_WORDS.delete('few');

/**
 * A light stemmer, enough to merge the forms a topic uses: plurals ("networks"), -ing and -ed
 * ("pruning", "pruned" → "prun"; "embedding", "embedded" → "embed"). Only on long words, so
 * "speed" and "need" stay; labels use the papers' spelling, never the stem.
 */
export function stemWord(folded: string): string {
  let word = singular(folded);
  for (const suffix of ['ing', 'ed']) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) {
      word = word.slice(0, -suffix.length);
      const n = word.length;
      // "modelling" → "model", "embedd" → "embed"; not "pass" or "fill"-like double s/l words.
      if (word.charCodeAt(n - 1) === word.charCodeAt(n - 2) && !/[sl]$/.test(word)) word = word.slice(0, -1);
      break;
    }
  }
  return word;
}

/** Whether a folded word is a term's word (not a stop word, not a number, at least two characters). */
export function isContentWord(folded: string): boolean {
  if (folded.length < 2 || TOPIC_STOP_WORDS.has(folded)) return false;
  const first = folded.charCodeAt(0);
  if (first >= 48 && first <= 57 && /^\d+$/.test(folded)) return false;
  return !TOPIC_STOP_WORDS.has(singular(folded));
}

/** Space, tab, line breaks and hyphens keep a phrase going ("Few-Shot Learning"); anything else ends it. */
export function isPhraseGap(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 45 || code === 0x2010 || code === 0x2011 || code === 0x2013;
}

/**
 * Word ids by stem, shared by every paper of one run. An ASCII word is found by a hash of its
 * lower-case characters computed while scanning, compared in place: no string per word read
 * (the text of 100,000 papers is 50 million words).
 */
export class WordTable {
  readonly stems: string[] = [];
  private readonly byStem = new Map<string, number>();
  /** Folded spelling → word id, or -1 for a stop word or number. */
  private readonly bySpelling = new Map<string, number>();
  /** ASCII spellings, and the word id of each (-1: no content word). */
  private readonly asciiSpellings = new AsciiSpellings();
  private ids = new Int32Array(1 << 12);

  /** The word id of a folded spelling, -1 when it is no content word. */
  idOf(folded: string): number {
    const known = this.bySpelling.get(folded);
    if (known !== undefined) return known;
    let id = -1;
    if (isContentWord(folded)) {
      const stem = stemWord(folded);
      id = this.byStem.get(stem) ?? -1;
      if (id < 0) {
        id = this.stems.length;
        this.stems.push(stem);
        this.byStem.set(stem, id);
      }
    }
    this.bySpelling.set(folded, id);
    return id;
  }

  /**
   * The word id of `text[start..end)`, an ASCII word whose lower-case characters hash to `hash`
   * (asciiHash), -1 when it is no content word.
   */
  idOfAscii(text: string, start: number, end: number, hash: number): number {
    const known = this.asciiSpellings.find(text, start, end, hash);
    return known >= 0 ? this.ids[known] : this.rememberAscii(text.slice(start, end).toLowerCase(), hash);
  }

  /** idOfAscii for `bytes[start..end)`, ASCII bytes of a UTF-8 text. */
  idOfAsciiBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const known = this.asciiSpellings.findBytes(bytes, start, end, hash);
    return known >= 0 ? this.ids[known] : this.rememberAscii(String.fromCharCode(...bytes.subarray(start, end)).toLowerCase(), hash);
  }

  private rememberAscii(folded: string, hash: number): number {
    const id = this.idOf(folded);
    const spelling = this.asciiSpellings.add(folded, hash);
    if (spelling === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    this.ids[spelling] = id;
    return id;
  }
}

/** Whether an ASCII character code is a letter or digit. */
function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** A field's word ids in order with -1 at each phrase break; a growable Int32Array. */
export class TokenBuffer {
  ids = new Int32Array(256);
  /** The field weight of each token: the title's words count more than the abstract's. */
  weights = new Uint8Array(256);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(id: number, weight: number): void {
    if (id < 0 && (this.length === 0 || this.ids[this.length - 1] < 0)) return; // one break is enough
    if (this.length === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const weights = new Uint8Array(this.weights.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.ids[this.length] = id;
    this.weights[this.length] = weight;
    this.length++;
  }
}

/** Appends the word ids of a text to `out`, -1 at each phrase break (and at its end). */
export function tokenizeInto(text: string, weight: number, words: WordTable, out: TokenBuffer): void {
  let start = -1;
  let ascii = true;
  let hash = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code < 128 ? isAsciiWordChar(code) : isWordChar(code)) {
      if (start < 0) {
        start = i;
        ascii = true;
        hash = ASCII_HASH_START;
      }
      if (code < 128) hash = asciiHashStep(hash, code);
      else ascii = false;
      continue;
    }
    if (start >= 0) {
      // A word with accents or other letters folds the slow way (NFD): few of them.
      out.push(ascii ? words.idOfAscii(text, start, i, hash) : words.idOf(foldAccents(text.slice(start, i))), weight);
      start = -1;
    }
    if (!isPhraseGap(code)) out.push(-1, weight);
  }
  out.push(-1, weight);
}

const utf8 = new TextDecoder();

/**
 * tokenizeInto for a text as UTF-8 bytes (valid UTF-8, as TextEncoder writes it): the same ids and
 * breaks as the decoded text gives, without decoding it. A character outside the BMP is two UTF-16
 * units in the text, both word characters (isWordChar), so it is one here too.
 */
export function tokenizeUtf8Into(bytes: Uint8Array, weight: number, words: WordTable, out: TokenBuffer): void {
  let start = -1;
  let ascii = true;
  let hash = 0;
  const length = bytes.length;
  for (let i = 0; i <= length; ) {
    const byte = i < length ? bytes[i] : 46;
    let code = byte;
    let size = 1;
    if (byte >= 0x80) {
      if (byte < 0xe0) {
        code = ((byte & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
        size = 2;
      } else if (byte < 0xf0) {
        code = ((byte & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
        size = 3;
      } else {
        code = 0x10000;
        size = 4;
      }
    }
    if (code < 128 ? isAsciiWordChar(code) : code >= 0x10000 || isWordChar(code)) {
      if (start < 0) {
        start = i;
        ascii = true;
        hash = ASCII_HASH_START;
      }
      if (code < 128) hash = asciiHashStep(hash, code);
      else ascii = false;
      i += size;
      continue;
    }
    if (start >= 0) {
      out.push(ascii ? words.idOfAsciiBytes(bytes, start, i, hash) : words.idOf(foldAccents(utf8.decode(bytes.subarray(start, i)))), weight);
      start = -1;
    }
    if (!isPhraseGap(code)) out.push(-1, weight);
    i += size;
  }
  out.push(-1, weight);
}

/**
 * All fields of a document: title, keywords (each its own phrase run), abstract. The abstract is
 * read as the topic worker keeps it, UTF-8 bytes (node/compactDocument.ts), not decoded.
 */
export function tokenizeDocument(doc: TopicDocument, words: WordTable, out: TokenBuffer): void {
  out.clear();
  if (doc.title) tokenizeInto(doc.title, TITLE_WEIGHT, words, out);
  for (const keyword of doc.keywords ?? []) tokenizeInto(keyword, KEYWORD_WEIGHT, words, out);
  const bytes = doc.abstractUtf8;
  if (bytes) {
    if (bytes.length > 0) tokenizeUtf8Into(bytes, 1, words, out);
  } else if (doc.abstract) tokenizeInto(doc.abstract, 1, words, out);
}

/** Word ids of many documents' fields in one pair of arrays: document i is `ids[offsets[i]..offsets[i + 1]]`. */
export interface TokenRuns {
  ids: Int32Array;
  weights: Uint8Array;
  offsets: Uint32Array;
}

/** Tokenizes documents into one set of runs (the vocabulary's sample: read twice, tokenized once). */
export function tokenizeAll(docs: readonly TopicDocument[], words: WordTable): TokenRuns {
  const tokens = new TokenBuffer();
  const offsets = new Uint32Array(docs.length + 1);
  let ids = new Int32Array(docs.length * 64 + 16);
  let weights = new Uint8Array(ids.length);
  let length = 0;
  docs.forEach((doc, i) => {
    tokenizeDocument(doc, words, tokens);
    if (length + tokens.length > ids.length) {
      const size = Math.max(ids.length * 2, length + tokens.length);
      ids = grow(ids, new Int32Array(size));
      weights = grow(weights, new Uint8Array(size));
    }
    ids.set(tokens.ids.subarray(0, tokens.length), length);
    weights.set(tokens.weights.subarray(0, tokens.length), length);
    length += tokens.length;
    offsets[i + 1] = length;
  });
  return { ids: ids.slice(0, length), weights: weights.slice(0, length), offsets };
}

/**
 * Phrases of two or three words by their word ids (the third -1 for two): open addressing over
 * typed arrays, no string or boxed number per phrase.
 */
export class PhraseTable {
  private keys: Int32Array;
  private mask: number;
  size = 0;
  /** Per slot: the phrase's index (insertion order), -1 for free. */
  private slots: Int32Array;

  constructor(capacity = 1 << 16) {
    let slots = 1;
    while (slots < capacity * 2) slots <<= 1;
    this.slots = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    this.keys = new Int32Array(capacity * 3);
  }

  /** The phrase's index, -1 when absent. */
  get(a: number, b: number, c: number): number {
    for (let slot = hash3(a, b, c) & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = this.slots[slot];
      if (at < 0) return -1;
      if (this.keys[at * 3] === a && this.keys[at * 3 + 1] === b && this.keys[at * 3 + 2] === c) return at;
    }
  }

  /** The phrase's index, added when absent. */
  add(a: number, b: number, c: number): number {
    if ((this.size + 1) * 2 > this.slots.length) this.rehash();
    let slot = hash3(a, b, c) & this.mask;
    for (; ; slot = (slot + 1) & this.mask) {
      const at = this.slots[slot];
      if (at < 0) break;
      if (this.keys[at * 3] === a && this.keys[at * 3 + 1] === b && this.keys[at * 3 + 2] === c) return at;
    }
    const at = this.size++;
    if (at * 3 + 3 > this.keys.length) this.keys = grow(this.keys, new Int32Array(this.keys.length * 2));
    this.keys[at * 3] = a;
    this.keys[at * 3 + 1] = b;
    this.keys[at * 3 + 2] = c;
    this.slots[slot] = at;
    return at;
  }

  /** Word ids of phrase `at`. */
  words(at: number): number[] {
    const c = this.keys[at * 3 + 2];
    return c < 0 ? [this.keys[at * 3], this.keys[at * 3 + 1]] : [this.keys[at * 3], this.keys[at * 3 + 1], c];
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let at = 0; at < this.size; at++) {
      let slot = hash3(this.keys[at * 3], this.keys[at * 3 + 1], this.keys[at * 3 + 2]) & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = at;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The vocabulary: terms with their document frequency and IDF. */
export interface Vocabulary {
  /** Stems joined by spaces: "few shot learn"; in alphabetical order, so a term id compares as its text. */
  terms: string[];
  /** Number of words of each term (1–3). */
  lengths: Uint8Array;
  idf: Float32Array;
  /** Document frequency on the counted sample. */
  df: Int32Array;
  sampleSize: number;
  /** Per word id: its term id as a one-word term, or -1. */
  wordTerm: Int32Array;
  /** Phrases (by word ids) → their index in `phraseTerm`. */
  phrases: PhraseTable;
  /** Per word id: 1 when a kept phrase starts with it (most words start none: no lookup then). */
  phraseStart: Uint8Array;
  phraseTerm: Int32Array;
  idOf(term: string): number;
}

/**
 * Counts document frequencies on the sample and keeps the middle band: in at least `minDf`
 * papers (phrases only of words that pass), at most half of them.
 */
export function buildVocabulary(sample: TokenRuns, words: WordTable, minDf: number): Vocabulary {
  const docs = sample.offsets.length - 1;
  const { ids, offsets } = sample;
  const wordCount = words.stems.length;
  const wordDf = new Int32Array(wordCount);
  const wordSeen = new Int32Array(wordCount).fill(-1);
  for (let d = 0; d < docs; d++) {
    for (let i = offsets[d]; i < offsets[d + 1]; i++) {
      const w = ids[i];
      if (w >= 0 && wordSeen[w] !== d) {
        wordSeen[w] = d;
        wordDf[w]++;
      }
    }
  }
  // Phrases of frequent words only: rare words cannot make a phrase in `minDf` papers, and skipping them keeps the count small.
  const frequent = (w: number) => w >= 0 && wordDf[w] >= minDf;
  const phrases = new PhraseTable();
  let phraseDf = new Int32Array(1 << 16);
  let phraseSeen = new Int32Array(1 << 16).fill(-1);
  const count = (a: number, b: number, c: number, d: number) => {
    const at = phrases.add(a, b, c);
    if (at >= phraseDf.length) {
      phraseDf = grow(phraseDf, new Int32Array(phraseDf.length * 2));
      const seen = new Int32Array(phraseSeen.length * 2).fill(-1);
      seen.set(phraseSeen);
      phraseSeen = seen;
    }
    if (phraseSeen[at] !== d) {
      phraseSeen[at] = d;
      phraseDf[at]++;
    }
  };
  for (let d = 0; d < docs; d++) {
    for (let i = offsets[d]; i + 1 < offsets[d + 1]; i++) if (frequent(ids[i]) && frequent(ids[i + 1])) count(ids[i], ids[i + 1], -1, d);
  }
  // A three-word phrase needs both its two-word phrases in `minDf` papers.
  const frequentPair = (a: number, b: number) => {
    const at = phrases.get(a, b, -1);
    return at >= 0 && phraseDf[at] >= minDf;
  };
  for (let d = 0; d < docs; d++) {
    for (let i = offsets[d]; i + 2 < offsets[d + 1]; i++) {
      if (frequent(ids[i]) && frequent(ids[i + 1]) && frequent(ids[i + 2]) && frequentPair(ids[i], ids[i + 1]) && frequentPair(ids[i + 1], ids[i + 2])) {
        count(ids[i], ids[i + 1], ids[i + 2], d);
      }
    }
  }

  const maxDf = Math.max(minDf, Math.floor(docs * MAX_DF_SHARE));
  interface Kept {
    word: number;
    phrase: number;
    df: number;
    text: string;
    length: number;
  }
  const kept: Kept[] = [];
  for (let w = 0; w < wordCount; w++) {
    if (wordDf[w] >= minDf && wordDf[w] <= maxDf) kept.push({ word: w, phrase: -1, df: wordDf[w], text: words.stems[w], length: 1 });
  }
  for (let at = 0; at < phrases.size; at++) {
    if (phraseDf[at] < minDf || phraseDf[at] > maxDf) continue;
    const phraseWords = phrases.words(at);
    kept.push({ word: -1, phrase: at, df: phraseDf[at], text: phraseWords.map((w) => words.stems[w]).join(' '), length: phraseWords.length });
  }
  // The most common terms when there are too many; ties by the term itself, for determinism.
  const byText = (a: Kept, b: Kept) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  kept.sort((a, b) => b.df - a.df || byText(a, b));
  if (kept.length > MAX_TERMS) kept.length = MAX_TERMS;
  kept.sort(byText);

  // The kept phrases in a table of their own (a few thousand, not every phrase counted): looked up
  // at every word of every paper. A three-word phrase's first two words are there too (term -1 when
  // not kept themselves), so a miss on two words ends the lookup.
  const wordTerm = new Int32Array(wordCount).fill(-1);
  const kept3 = new PhraseTable(Math.max(16, kept.length));
  let phraseTerm = new Int32Array(Math.max(16, kept.length)).fill(-1);
  const phraseStart = new Uint8Array(wordCount);
  const setPhrase = (words3: number[], term: number) => {
    phraseStart[words3[0]] = 1;
    const at = kept3.add(words3[0], words3[1], words3.length === 3 ? words3[2] : -1);
    if (at >= phraseTerm.length) {
      const bigger = new Int32Array(phraseTerm.length * 2).fill(-1);
      bigger.set(phraseTerm);
      phraseTerm = bigger;
    }
    if (term >= 0) phraseTerm[at] = term;
  };
  const termOfText = new Map<string, number>();
  const terms: string[] = [];
  const lengths = new Uint8Array(kept.length);
  const idf = new Float32Array(kept.length);
  const df = new Int32Array(kept.length);
  kept.forEach((term, i) => {
    if (term.word >= 0) wordTerm[term.word] = i;
    else {
      const phraseWords = phrases.words(term.phrase);
      setPhrase(phraseWords, i);
      if (phraseWords.length === 3) setPhrase(phraseWords.slice(0, 2), -1);
    }
    termOfText.set(term.text, i);
    terms.push(term.text);
    lengths[i] = term.length;
    df[i] = term.df;
    // Smoothed IDF, as scikit-learn's: never zero, so a common word still counts a little.
    idf[i] = Math.log((1 + docs) / (1 + term.df)) + 1;
  });
  return { terms, lengths, idf, df, sampleSize: docs, wordTerm, phrases: kept3, phraseStart, phraseTerm, idOf: (term) => termOfText.get(term) ?? -1 };
}

/**
 * Papers as rows of a sparse matrix: row r's terms are `terms[offsets[r]..offsets[r + 1]]` (in
 * the order the paper first uses them), with L2-normalized weights. `inTitle` marks a term its title or keywords have.
 */
export interface PaperVectors {
  offsets: Uint32Array;
  terms: Int32Array;
  weights: Float32Array;
  inTitle: Uint8Array;
  rows: number;
}

/**
 * The vectors of the documents (in the given order); with `only`, of those it marks (the others
 * get no terms). `sample.indexOf[r]` gives the stored tokens of a document the vocabulary already
 * tokenized, as its index in `sample.runs`.
 */
export function vectorize(
  docs: readonly TopicDocument[],
  words: WordTable,
  vocabulary: Vocabulary,
  sample?: { runs: TokenRuns; indexOf: Int32Array },
  only?: Uint8Array,
): PaperVectors {
  const tokens = new TokenBuffer();
  const dims = vocabulary.terms.length;
  const tf = new Float32Array(dims);
  const titled = new Uint8Array(dims);
  const touched: number[] = [];
  const offsets = new Uint32Array(docs.length + 1);
  let terms = new Int32Array((only ? 64 : docs.length * 24) + 16);
  let weights = new Float32Array(terms.length);
  let inTitle = new Uint8Array(terms.length);
  let nnz = 0;
  const { wordTerm, phrases, phraseStart, phraseTerm, idf } = vocabulary;
  let heaviness = new Float64Array(256);
  let selectScratch = new Float64Array(256);
  for (let r = 0; r < docs.length; r++) {
    if (only && !only[r]) {
      offsets[r + 1] = nnz;
      continue;
    }
    let ids: Int32Array;
    let fieldWeights: Uint8Array;
    let start: number;
    let end: number;
    const at = sample ? sample.indexOf[r] : -1;
    if (sample && at >= 0) {
      ({ ids, weights: fieldWeights } = sample.runs);
      start = sample.runs.offsets[at];
      end = sample.runs.offsets[at + 1];
    } else {
      tokenizeDocument(docs[r], words, tokens);
      ids = tokens.ids;
      fieldWeights = tokens.weights;
      start = 0;
      end = tokens.length;
    }
    touched.length = 0;
    for (let i = start; i < end; i++) {
      const a = ids[i];
      if (a < 0) continue;
      const weight = fieldWeights[i];
      let term = wordTerm[a];
      if (term >= 0) {
        if (tf[term] === 0) touched.push(term);
        tf[term] += weight;
        if (weight > 1) titled[term] = 1;
      }
      const b = ids[i + 1];
      if (i + 1 >= end || b < 0 || a >= phraseStart.length || !phraseStart[a]) continue;
      const pair = phrases.get(a, b, -1);
      if (pair < 0) continue;
      term = phraseTerm[pair];
      if (term >= 0) {
        if (tf[term] === 0) touched.push(term);
        tf[term] += weight;
        if (weight > 1) titled[term] = 1;
      }
      const c = ids[i + 2];
      if (i + 2 >= end || c < 0) continue;
      const triple = phrases.get(a, b, c);
      term = triple >= 0 ? phraseTerm[triple] : -1;
      if (term >= 0) {
        if (tf[term] === 0) touched.push(term);
        tf[term] += weight;
        if (weight > 1) titled[term] = 1;
      }
    }
    for (const term of touched) {
      const count = tf[term];
      tf[term] = (1 + (count < LOGS.length ? LOGS[count] : Math.log(count))) * idf[term];
    }
    // The heaviest terms; those weighing exactly the cut are kept in the order first met while there is room.
    let cut = -1;
    let room = touched.length;
    if (touched.length > MAX_TERMS_PER_PAPER) {
      if (heaviness.length < touched.length) {
        heaviness = new Float64Array(touched.length * 2);
        selectScratch = new Float64Array(touched.length * 2);
      }
      for (let i = 0; i < touched.length; i++) heaviness[i] = tf[touched[i]];
      cut = kthLargest(heaviness, touched.length, MAX_TERMS_PER_PAPER, selectScratch);
      room = MAX_TERMS_PER_PAPER;
      for (const term of touched) if (tf[term] > cut) room--;
    }
    let norm = 0;
    for (const term of touched) {
      let keep = cut < 0 || tf[term] > cut;
      if (!keep && tf[term] === cut && room > 0) {
        keep = true;
        room--;
      }
      if (keep) norm += tf[term] * tf[term];
      else tf[term] = -1; // dropped
    }
    norm = Math.sqrt(norm) || 1;
    const kept = Math.min(touched.length, MAX_TERMS_PER_PAPER);
    if (nnz + kept > terms.length) {
      const size = Math.max(terms.length * 2, nnz + kept);
      terms = grow(terms, new Int32Array(size));
      weights = grow(weights, new Float32Array(size));
      inTitle = grow(inTitle, new Uint8Array(size));
    }
    for (const term of touched) {
      if (tf[term] >= 0) {
        terms[nnz] = term;
        weights[nnz] = tf[term] / norm;
        inTitle[nnz] = titled[term];
        nnz++;
      }
      tf[term] = 0;
      titled[term] = 0;
    }
    offsets[r + 1] = nnz;
  }
  return { offsets, terms: terms.slice(0, nnz), weights: weights.slice(0, nnz), inTitle: inTitle.slice(0, nnz), rows: docs.length };
}

/** Math.log of the small whole numbers a term frequency is (field weights summed), looked up: 15 million a run at 100,000 papers. */
const LOGS = Float64Array.from({ length: 1024 }, (_, n) => Math.log(n));

/** `to`, a bigger array of the same kind, holding `from` at its start: growing a typed array with its caller's chosen size. */
export function grow<T extends Int32Array | Float32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** A word of a text as written, for labels: where it is, its stem, whether it follows the previous word inside a phrase. */
export interface WrittenWord {
  start: number;
  end: number;
  /** Undefined for a stop word or number. */
  stem?: string;
  /** Only spaces or hyphens since the previous word. */
  joined: boolean;
}

/**
 * The words of a text with their positions (titles and abstracts of one topic, read once for its
 * labels); `stems` remembers each spelling's stem across calls.
 */
export function writtenWords(text: string, stems?: Map<string, string | undefined>): WrittenWord[] {
  const out: WrittenWord[] = [];
  let start = -1;
  let joined = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code < 128 ? isAsciiWordChar(code) : isWordChar(code)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      const written = text.slice(start, i);
      let stem = stems?.get(written);
      if (stem === undefined && !stems?.has(written)) {
        const folded = foldAccents(written);
        stem = isContentWord(folded) ? stemWord(folded) : undefined;
        stems?.set(written, stem);
      }
      out.push({ start, end: i, stem, joined });
      start = -1;
      joined = true;
    }
    if (!isPhraseGap(code)) joined = false;
  }
  return out;
}

/**
 * The k-th largest of `values[from..from + count)` (k from 1), by quickselect on `scratch` (at
 * least `count` long; its contents are lost): linear, where a typed array's sort costs
 * microseconds a call.
 */
export function kthLargest(values: ArrayLike<number>, count: number, k: number, scratch: Float64Array, from = 0): number {
  for (let i = 0; i < count; i++) scratch[i] = values[from + i];
  const target = count - k;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i] < pivot) i++;
      while (scratch[j] > pivot) j--;
      if (i <= j) {
        const t = scratch[i];
        scratch[i++] = scratch[j];
        scratch[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return scratch[target];
  }
  return scratch[target];
}

/**
 * A paper's text as the topic worker keeps it between runs: the abstract as UTF-8 bytes, which the
 * model's terms are read from (topicTerms.ts tokenizeUtf8Into); made text again only when read as
 * text (each read decodes: a top-level topic's labels read a few abstracts; nothing keeps one).
 *
 * The model reads whole abstracts (up to 300 words, service/topicDocuments.ts), and the worker
 * holds every paper's. As strings, one character outside Latin-1 (a dash, a curly quote, a Greek
 * letter: 78 % of the generated 100k catalog's abstracts, 21 % of ML conference papers') makes V8
 * store the whole abstract at two bytes a character: 100,000 whole abstracts took 610 MB of heap
 * (the first 100 words 301 MB). As UTF-8 they take about one byte a character.
 */
import { topicTextHash } from '../search/topicModel';
import type { TopicDocument } from '../search/topicResult';
import { firstWords, isSpace } from '../service/topicDocuments';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class CompactDocument implements TopicDocument {
  readonly key: string;
  readonly title?: string;
  readonly keywords?: readonly string[];
  /** `documentHash` of the text it came as: the worker's fingerprint of all papers sums these at each run. */
  readonly hash: number;
  readonly textHash: string;
  readonly abstractUtf8?: Uint8Array;

  constructor(doc: TopicDocument, cutAtWords?: number) {
    let abstract = doc.abstract;
    if (doc.textHash !== undefined || doc instanceof CompactDocument) {
      if (abstract !== undefined && cutAtWords !== undefined) doc = { ...doc, abstract: (abstract = firstWords(abstract, cutAtWords)) };
      this.hash = documentHash(doc);
      this.textHash = doc.textHash ?? topicTextHash(doc);
    } else {
      let end: number;
      ({ hash: this.hash, textHash: this.textHash, end } = bothHashes(doc, cutAtWords));
      if (abstract !== undefined && end < abstract.length) abstract = abstract.slice(0, end);
    }
    this.key = doc.key;
    if (doc.title !== undefined) this.title = doc.title;
    if (doc.keywords !== undefined) this.keywords = doc.keywords;
    if (abstract !== undefined) this.abstractUtf8 = encoder.encode(abstract);
  }

  get abstract(): string | undefined {
    return this.abstractUtf8 && decoder.decode(this.abstractUtf8);
  }
}

export function compactDocument(doc: TopicDocument): TopicDocument {
  return new CompactDocument(doc);
}

/** `compactDocument` of the document with its abstract up to `words` words (service/topicDocuments.ts firstWords), cut as it is hashed. */
export function compactCutDocument(doc: TopicDocument, words: number): TopicDocument {
  return new CompactDocument(doc, words);
}

/**
 * A hash of what the model reads of a paper. Kept by a compact document: hashing every paper's text
 * at every run decoded and walked all abstracts again (1.5–2 s of the worker at 100,000 papers,
 * before the model could start).
 */
export function documentHash(doc: TopicDocument): number {
  if (doc instanceof CompactDocument) return doc.hash;
  // The hash of the fields joined by U+0000, without joining them (a 100,000-paper read joined 150 MB of text).
  let h = fnv1a(doc.key, 0x811c9dc5);
  h = fnv1a(doc.title ?? '', Math.imul(h, 0x01000193)); // each separator: `h ^= 0` then a multiply
  h = fnv1a(doc.abstract ?? '', Math.imul(h, 0x01000193));
  for (const keyword of doc.keywords ?? []) h = fnv1a(keyword, Math.imul(h, 0x01000193));
  return h >>> 0;
}

/**
 * `documentHash` and search/topicModel.ts `topicTextHash` at once, reading the abstract once for
 * both, and with `cutAtWords`, for the abstract cut there (`end`: where the cut abstract ends):
 * the topic worker reads every paper it is handed (100,000 at a start) before the model can run,
 * and each pass over 144 million characters took it 0.4–0.7 s. The same numbers and cut as each
 * function alone (each hash is FNV-1a over its fields in its own order).
 */
export function bothHashes(doc: TopicDocument, cutAtWords?: number): { hash: number; textHash: string; end: number } {
  const title = doc.title ?? '';
  const keywords = doc.keywords ?? [];
  let own = fnv1a(title, Math.imul(fnv1a(doc.key, 0x811c9dc5), 0x01000193));
  own = Math.imul(own, 0x01000193);
  let text = fnv1a(title, 0x811c9dc5);
  for (const keyword of keywords) text = fnv1a(keyword, Math.imul(text ^ 1, 0x01000193));
  text = Math.imul(text ^ 2, 0x01000193);
  const abstract = doc.abstract ?? '';
  const words = cutAtWords ?? Infinity;
  let end = abstract.length;
  let count = 0;
  let inWord = false;
  for (let i = 0; i < abstract.length; i++) {
    const code = abstract.charCodeAt(i);
    // As firstWords: the abstract ends before the white space after its `words`-th word.
    const space = code > 32 && code < 127 ? false : isSpace(code);
    if (space && inWord && ++count === words) {
      end = i;
      break;
    }
    inWord = !space;
    own = Math.imul(own ^ code, 0x01000193);
    text = Math.imul(text ^ code, 0x01000193);
  }
  for (const keyword of keywords) own = fnv1a(keyword, Math.imul(own, 0x01000193));
  return { hash: own >>> 0, textHash: (text >>> 0).toString(36), end };
}

function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

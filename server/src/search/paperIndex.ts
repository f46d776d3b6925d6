/**
 * The full-text index of the catalog: what citation completion, the Papers filter and workspace
 * symbols search in. A typed title word, author surname or key finds its paper first.
 *
 * Built for 100,000 papers with abstracts (goal: ≤ 8 s, p99 ≤ 15 ms, ≤ 500 MB). MiniSearch itself
 * took 3.3 s for the titles alone of 100k papers (30 s and 1.2 GB with abstracts), so the postings
 * are our own flat arrays, and prefix and typo lookups walk a sorted vocabulary (vocabulary.ts:
 * MiniSearch's radix tree took 54 MB of the heap). Two vocabularies: the short fields (key, title, authors, keywords,
 * venue, year) with prefixes and typos, and the abstracts, which hold almost all words, with exact
 * words (and long prefixes) only, so typo search never walks the abstract vocabulary.
 * No paper is stored: a hit is a key.
 */
import { abstractOf, type Paper } from '../catalog/paper';
import { AbstractIndex, type CountedAbstract } from './abstractIndex';
import { ShortFieldWords } from './shortFieldWords';
import { isStopWord, plainWords, singular } from './tokenize';
import { Vocabulary } from './vocabulary';
import { lowerBound } from '../core/sorted';

export interface SearchHit {
  key: string;
  /** Higher is better; only the order means something. */
  score: number;
}

/** How much a match in each short field counts: key and title ≫ authors > keywords, venue, year. */
const SHORT_FIELD_BOOST = [6, 5, 3, 1.5, 1, 1]; // key, title, authors, keywords, venue, year
/** A word only in the abstract counts far less than the same word in the title. */
const ABSTRACT_BOOST = 0.4;

/** At most this many vocabulary words are tried for one typed prefix ("retriev" → retrieval, retrievers...). */
const MAX_PREFIX_EXPANSIONS = 32;
/** Query words whose expansions are kept (a few queries' worth). */
const EXPANSIONS_CACHED = 64;
/** Ranking tiers: an exact key beats a key prefix beats everything else. */
const TIER_EXACT_KEY = 2;
const TIER_KEY_PREFIX = 1;
/** Keys added since the last merge into the sorted keys, at most (a scan of them stays well under a millisecond). */
const MAX_RECENT_KEYS = 4096;
/** Query words beyond this many are ignored (each one takes a bit of a 32-bit mask). */
const MAX_QUERY_TERMS = 24;

interface QueryTerm {
  text: string;
  /** The last word while the user is still typing it. */
  prefix: boolean;
  /** A one-letter prefix no key starts with: it completes words too. */
  completeLetter?: boolean;
}

export class PaperIndex {
  /** Document id → key; undefined once removed. Ids are never reused, so stale postings are harmless. */
  private keyOfId: (string | undefined)[] = [];
  private idOfKey = new Map<string, number>();
  private shortFields = new ShortFieldIndex();
  private abstracts = new AbstractIndex();
  private removedSinceCompaction = 0;
  /**
   * Lower-cased keys sorted, for exact and prefix key matches. Kept sorted as papers come (a sorted
   * batch merged in, linear), never re-sorted whole: sorting 100,000 keys after every edit costs more
   * than the edit. Entries of removed or replaced papers stay until they outnumber the live ones.
   */
  private sortedKeys: { lower: string; id: number }[] = [];
  /** Keys added since the last merge, unsorted, searched by a scan: merging each slice of a bulk load costs as much as the load. */
  private recentKeys: { lower: string; id: number }[] = [];
  private staleSortedKeys = 0;
  /** Papers added by `addShortFields` whose abstracts are not added yet. */
  private abstractsBehind = 0;
  private settling = false;
  private scratch = new Scratch(0);
  private shortFieldWords = new ShortFieldWords();

  /** Number of papers in the index. */
  get size(): number {
    return this.idOfKey.size;
  }

  /** Adds papers; a paper whose key is already indexed replaces the old one. */
  add(papers: readonly Paper[]): void {
    this.addShortFields(papers);
    this.addAbstracts(papers);
    this.abstracts.settle();
  }

  /**
   * The first half of `add`, for indexing a big catalog in slices: keys, titles, authors... are
   * searchable at once; abstracts are not searched until `addAbstracts` caught up with every paper
   * added here (a search in between would sort a half-filled abstract log into rows).
   */
  addShortFields(papers: readonly Paper[]): void {
    const added: { lower: string; id: number }[] = [];
    for (const paper of papers) {
      this.removeKey(paper.key);
      const id = this.keyOfId.length;
      this.keyOfId.push(paper.key);
      this.idOfKey.set(paper.key, id);
      this.shortFields.add(id, this.shortFieldWords.of(paper));
      added.push({ lower: paper.key.toLowerCase(), id });
    }
    this.abstractsBehind += papers.length;
    this.insertSortedKeys(added);
  }

  /**
   * The abstracts of papers given to `addShortFields` before (a paper replaced since then is skipped),
   * as `counted` has them already counted (by the catalog worker), else from their text.
   */
  addAbstracts(papers: readonly Paper[], counted?: (paper: Paper) => CountedAbstract | undefined): void {
    for (const paper of papers) {
      const id = this.idOfKey.get(paper.key);
      if (id === undefined) continue;
      const words = counted?.(paper);
      if (words) this.abstracts.addCountedInBulk(id, words);
      else this.abstracts.add(id, abstractOf(paper));
    }
    this.abstractsBehind = Math.max(0, this.abstractsBehind - papers.length);
  }

  /** Whether the next search would first do work that `settleAbstracts(true)` does in steps. */
  get needsSettling(): boolean {
    return this.abstracts.searchWouldRebuild || !this.shortFields.lookupsPrepared;
  }

  /**
   * Sorts the abstracts added in bulk into the search rows, a bounded piece of work per step
   * (the caller yields between steps); until it is done, searches skip abstracts. `forSearch`:
   * everything the next search would do first, when indexing ends; searches keep the abstracts
   * meanwhile (one that comes then does the rest at once, as it would have).
   */
  *settleAbstracts(forSearch = false): Generator<void, void, void> {
    this.settling = !forSearch;
    try {
      yield* this.abstracts.settleSteps(forSearch);
    } finally {
      this.settling = false;
    }
    yield* this.shortFields.prepareLookups();
  }

  /**
   * Whether searches include abstracts: false while a bulk load has not added or sorted them all
   * (a search between the two would sort 13 million postings in one go at 100k papers).
   */
  get abstractsSearchable(): boolean {
    return this.abstractsBehind === 0 && !this.settling && !this.abstracts.hasPending;
  }

  remove(keys: readonly string[]): void {
    for (const key of keys) this.removeKey(key);
    // Postings of removed papers are skipped while searching and dropped once they dominate.
    if (this.removedSinceCompaction > Math.max(1024, this.idOfKey.size)) {
      const live = (id: number) => this.keyOfId[id] !== undefined;
      this.shortFields.compact(live);
      this.removedSinceCompaction = 0;
    }
  }

  /** Starts over with these papers: faster than removing everything and adding again. */
  replaceAll(papers: readonly Paper[]): void {
    this.keyOfId = [];
    this.idOfKey = new Map();
    this.shortFields = new ShortFieldIndex();
    this.shortFieldWords = new ShortFieldWords();
    this.abstracts = new AbstractIndex();
    this.removedSinceCompaction = 0;
    this.sortedKeys = [];
    this.recentKeys = [];
    this.staleSortedKeys = 0;
    this.abstractsBehind = 0;
    this.add(papers);
  }

  /**
   * The best `limit` papers for what the user typed, best first, ties by key. The last word is a
   * prefix unless the query ends with a space. Words are AND-ed; when no paper has them all, papers
   * with the most of them come first. An empty query finds nothing: the caller lists papers itself.
   */
  search(query: string, limit: number): SearchHit[] {
    if (limit <= 0) return [];
    const terms = queryTerms(query).slice(0, MAX_QUERY_TERMS);
    if (terms.length === 0) return [];
    const scratch = this.scratchFor(this.keyOfId.length);

    const withAbstracts = this.abstractsSearchable;
    const tiers = this.keyTiers(query.trim());
    if (tiers.size === 0) for (const term of terms) term.completeLetter = term.prefix && term.text.length === 1;
    const all = (1 << terms.length) - 1;
    const { tierOf } = scratch;
    // Every word in the key, title, authors... outranks any paper with a word only in its abstract
    // (rankOf): once `limit` papers have them all there (or match the key), no other paper can
    // enter the list, and the abstracts are only read for those papers' scores.
    if (terms.length === 1) {
      // One word: the papers having it in their short fields (all of them alive: a removed paper's
      // fields have no length) are those papers, collected as they are found.
      const [term] = terms;
      this.shortFields.score(term, scratch.shortScore, scratch.shortTouched);
      scratch.collectShortScoresAsFound(0);
      for (const [id, tier] of tiers) {
        scratch.addCandidate(id);
        tierOf[id] = tier;
      }
      const onlyBest = scratch.candidates.length >= limit;
      if (withAbstracts) this.abstracts.score(term.text, term.prefix, ABSTRACT_BOOST, scratch.abstractScore, scratch.abstractTouched, onlyBest ? scratch.isCandidate : undefined);
      scratch.collectAbstractScores(0);
    } else {
      terms.forEach((term, t) => {
        this.shortFields.score(term, scratch.shortScore, scratch.shortTouched);
        scratch.keepShortScores(t);
      });
      const onlyBest = this.markEnoughWithAllInShortFields(scratch, all, tiers, limit);
      terms.forEach((term, t) => {
        scratch.collectShortScores(t, onlyBest);
        if (withAbstracts) this.abstracts.score(term.text, term.prefix, ABSTRACT_BOOST, scratch.abstractScore, scratch.abstractTouched, onlyBest ? scratch.marked : undefined);
        scratch.collectAbstractScores(t);
      });
      for (const [id, tier] of tiers) {
        scratch.addCandidate(id);
        tierOf[id] = tier;
      }
    }

    // Ranked candidates go into the scratch's typed arrays: a search allocates nothing in proportion
    // to its candidates (tens of thousands for a short prefix), so it leaves the collector little to do.
    const { rankedIds, ranks } = scratch;
    let ranked = 0;
    const add = (id: number, rank: number) => {
      if (this.keyOfId[id] === undefined) return;
      rankedIds[ranked] = id;
      ranks[ranked++] = rank;
    };
    for (const id of scratch.candidates) {
      if (scratch.matched[id] === all || tierOf[id] !== 0) add(id, rankOf(tierOf[id], 0, popCount(scratch.inShortFields[id]), scratch.total[id]));
    }
    if (ranked === 0 && terms.length > 1) {
      // Nothing has every word: rank by how many words a paper has, then by score.
      for (const id of scratch.candidates) add(id, rankOf(0, popCount(scratch.matched[id]), popCount(scratch.inShortFields[id]), scratch.total[id]));
    }
    scratch.reset();
    return this.best(scratch, ranked, limit);
  }

  /**
   * Marks the papers with every query word (`all`) in their short fields and those whose key matches,
   * if they are `limit` or more: then the best `limit` are among them. Else marks nothing.
   */
  private markEnoughWithAllInShortFields(scratch: Scratch, all: number, tiers: ReadonlyMap<number, number>, limit: number): boolean {
    const live = (id: number) => this.keyOfId[id] !== undefined;
    let count = 0;
    for (const id of scratch.shortIdsOfRarestTerm()) if (scratch.inShortFields[id] === all && live(id) && scratch.mark(id)) count++;
    for (const id of tiers.keys()) if (live(id) && scratch.mark(id)) count++;
    if (count >= limit) return true;
    scratch.unmarkAll();
    return false;
  }

  /** The `limit` best of the first `count` ranked candidates, ties by key (only `limit` of the tied are ever sorted). */
  private best(scratch: Scratch, count: number, limit: number): SearchHit[] {
    const { rankedIds, ranks } = scratch;
    let threshold = -Infinity;
    if (count > limit) {
      const selection = scratch.selection.subarray(0, count);
      selection.set(ranks.subarray(0, count));
      threshold = kthLargest(selection, limit);
    }
    const hits: SearchHit[] = [];
    const tied: string[] = [];
    for (let i = 0; i < count; i++) {
      if (ranks[i] > threshold) hits.push({ key: this.keyOfId[rankedIds[i]] as string, score: ranks[i] });
      else if (ranks[i] === threshold) insertBounded(tied, this.keyOfId[rankedIds[i]] as string, limit);
    }
    for (const key of tied) hits.push({ key, score: threshold });
    hits.sort((a, b) => b.score - a.score || compareStrings(a.key, b.key));
    return hits.slice(0, limit);
  }

  private removeKey(key: string): void {
    const id = this.idOfKey.get(key);
    if (id === undefined) return;
    this.idOfKey.delete(key);
    this.keyOfId[id] = undefined;
    this.shortFields.remove(id);
    this.abstracts.remove(id);
    this.removedSinceCompaction++;
    this.staleSortedKeys++;
  }

  /** Papers whose key is the query (tier 2) or starts with it (tier 1), case-insensitive. */
  private keyTiers(query: string): Map<number, number> {
    const tiers = new Map<number, number>();
    if (query === '' || /\s/.test(query)) return tiers;
    const lower = query.toLowerCase();
    const sorted = this.keysSorted();
    for (let i = lowerBound(sorted, (key) => key.lower < lower); i < sorted.length && sorted[i].lower.startsWith(lower); i++) {
      if (this.keyOfId[sorted[i].id] === undefined) continue;
      tiers.set(sorted[i].id, sorted[i].lower === lower ? TIER_EXACT_KEY : TIER_KEY_PREFIX);
    }
    for (const entry of this.recentKeys) {
      if (this.keyOfId[entry.id] === undefined || !entry.lower.startsWith(lower)) continue;
      tiers.set(entry.id, entry.lower === lower ? TIER_EXACT_KEY : TIER_KEY_PREFIX);
    }
    return tiers;
  }

  private keysSorted(): { lower: string; id: number }[] {
    if (this.staleSortedKeys > Math.max(1024, this.idOfKey.size)) {
      this.sortedKeys = this.sortedKeys.filter((entry) => this.keyOfId[entry.id] !== undefined);
      this.staleSortedKeys = 0;
    }
    return this.sortedKeys;
  }

  private insertSortedKeys(added: { lower: string; id: number }[]): void {
    for (const entry of added) this.recentKeys.push(entry);
    if (this.recentKeys.length < MAX_RECENT_KEYS) return;
    const batch = this.recentKeys.sort(byLowerThenId);
    this.recentKeys = [];
    const old = this.sortedKeys;
    const merged: { lower: string; id: number }[] = new Array(old.length + batch.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < batch.length) merged[k++] = byLowerThenId(old[i], batch[j]) <= 0 ? old[i++] : batch[j++];
    while (i < old.length) merged[k++] = old[i++];
    while (j < batch.length) merged[k++] = batch[j++];
    this.sortedKeys = merged;
  }

  private scratchFor(ids: number): Scratch {
    if (this.scratch.capacity < ids) this.scratch = new Scratch(Math.max(ids, this.scratch.capacity * 2, 1024));
    return this.scratch;
  }
}

/**
 * Tier, then the number of query words found, then how many of them are in the key, title or
 * authors, then the score, in one number. A paper whose title has every word the user typed beats
 * one that has a rare word twice in key and title and the others only in its abstract: people
 * type what they remember of a title (recall at 100k papers: 96% → 99% in the top 5).
 */
function rankOf(tier: number, wordsFound: number, wordsInShortFields: number, score: number): number {
  return tier * 1e12 + wordsFound * 1e10 + wordsInShortFields * 1e8 + Math.min(score, 99_999_999);
}

/**
 * Per-query work arrays indexed by document id, reused between searches: a typed array beats a
 * Map when a common word hits tens of thousands of papers. Everything touched is reset after use.
 */
class Scratch {
  /** One query word's score per paper in the short fields and in the abstract (the best matching word each). */
  readonly shortScore: Float64Array;
  readonly abstractScore: Float64Array;
  readonly shortTouched: number[] = [];
  readonly abstractTouched: number[] = [];
  /**
   * Every query word's short-field scores, kept until the abstracts are read: word t's papers and
   * scores are at termStart[t] ≤ i < termStart[t + 1].
   */
  private shortIds = new Int32Array(1024);
  private shortValues = new Float64Array(1024);
  private readonly termStart: number[] = [0];
  /** Sum over the query words so far. */
  readonly total: Float64Array;
  /** Bit t set: query word t was found in the paper. */
  readonly matched: Uint32Array;
  /** The paper's key tier (exact key, key prefix), 0 for none. */
  readonly tierOf: Uint8Array;
  /** Bit t set: query word t was found in the key, title, authors, keywords, venue or year. */
  readonly inShortFields: Uint32Array;
  readonly isCandidate: Uint8Array;
  readonly candidates: number[] = [];
  /** The papers that can be among the best, when they are known before the abstracts are read. */
  readonly marked: Uint8Array;
  private readonly markedIds: number[] = [];
  /** The ranked candidates of a search: ids and ranks, and a copy of the ranks to select in. */
  readonly rankedIds: Int32Array;
  readonly ranks: Float64Array;
  readonly selection: Float64Array;

  constructor(readonly capacity: number) {
    this.rankedIds = new Int32Array(capacity);
    this.ranks = new Float64Array(capacity);
    this.selection = new Float64Array(capacity);
    this.shortScore = new Float64Array(capacity);
    this.abstractScore = new Float64Array(capacity);
    this.total = new Float64Array(capacity);
    this.matched = new Uint32Array(capacity);
    this.tierOf = new Uint8Array(capacity);
    this.inShortFields = new Uint32Array(capacity);
    this.isCandidate = new Uint8Array(capacity);
    this.marked = new Uint8Array(capacity);
  }

  /** Keeps the short-field scores of query word `t` (the words come in order) and notes where it was found. */
  keepShortScores(t: number): void {
    const bit = 1 << t;
    const touched = this.shortTouched;
    let n = this.termStart[t];
    if (n + touched.length > this.shortIds.length) this.growKept(n + touched.length);
    const { shortIds, shortValues, shortScore, inShortFields } = this;
    for (const id of touched) {
      shortIds[n] = id;
      shortValues[n++] = shortScore[id];
      inShortFields[id] |= bit;
      shortScore[id] = 0;
    }
    touched.length = 0;
    this.termStart[t + 1] = n;
  }

  private growKept(atLeast: number): void {
    const length = Math.max(atLeast, this.shortIds.length * 2);
    const ids = new Int32Array(length);
    const values = new Float64Array(length);
    ids.set(this.shortIds);
    values.set(this.shortValues);
    this.shortIds = ids;
    this.shortValues = values;
  }

  /** The papers of the query word found in the fewest papers' short fields. */
  shortIdsOfRarestTerm(): Int32Array {
    let best = 0;
    for (let t = 1; t + 1 < this.termStart.length; t++) {
      if (this.termStart[t + 1] - this.termStart[t] < this.termStart[best + 1] - this.termStart[best]) best = t;
    }
    return this.shortIds.subarray(this.termStart[best], this.termStart[best + 1]);
  }

  /** Moves the short-field scores of query word `t` into the totals as they are found, not kept. */
  collectShortScoresAsFound(t: number): void {
    const bit = 1 << t;
    const { shortScore, inShortFields, total, matched } = this;
    for (const id of this.shortTouched) {
      inShortFields[id] |= bit;
      this.addCandidate(id);
      total[id] += shortScore[id];
      matched[id] |= bit;
      shortScore[id] = 0;
    }
    this.shortTouched.length = 0;
  }

  /**
   * Moves the kept short-field scores of query word `t` into the totals (only the marked papers'
   * with `onlyMarked`). Before its abstract scores: a sum in the same order is the same number.
   */
  collectShortScores(t: number, onlyMarked: boolean): void {
    const bit = 1 << t;
    const { shortIds, shortValues, marked, total, matched } = this;
    for (let i = this.termStart[t]; i < this.termStart[t + 1]; i++) {
      const id = shortIds[i];
      if (onlyMarked && marked[id] === 0) continue;
      this.addCandidate(id);
      total[id] += shortValues[i];
      matched[id] |= bit;
    }
  }

  /** Moves the abstract scores of query word `t` into the totals: a word in title and abstract counts in both. */
  collectAbstractScores(t: number): void {
    const bit = 1 << t;
    const { abstractScore, total, matched } = this;
    for (const id of this.abstractTouched) {
      this.addCandidate(id);
      total[id] += abstractScore[id];
      matched[id] |= bit;
      abstractScore[id] = 0;
    }
    this.abstractTouched.length = 0;
  }

  addCandidate(id: number): void {
    if (this.isCandidate[id]) return;
    this.isCandidate[id] = 1;
    this.candidates.push(id);
  }

  /** Marks a paper; false if it was marked already. */
  mark(id: number): boolean {
    if (this.marked[id]) return false;
    this.marked[id] = 1;
    this.markedIds.push(id);
    return true;
  }

  unmarkAll(): void {
    for (const id of this.markedIds) this.marked[id] = 0;
    this.markedIds.length = 0;
  }

  reset(): void {
    for (const id of this.candidates) {
      this.total[id] = 0;
      this.matched[id] = 0;
      this.tierOf[id] = 0;
      this.inShortFields[id] = 0;
      this.isCandidate[id] = 0;
    }
    this.candidates.length = 0;
    const kept = this.termStart[this.termStart.length - 1];
    for (let i = 0; i < kept; i++) this.inShortFields[this.shortIds[i]] = 0;
    this.termStart.length = 1;
    this.unmarkAll();
  }
}

/**
 * Words of the short fields → postings. A posting packs a document id, a field and how often the
 * word is there: `id * 256 + field * 32 + count`; the postings of one document are adjacent
 * because documents are added one at a time. A word with one posting keeps it as a number: most
 * words are (108,000 words at 100k papers), and an array of one took 184 bytes of heap.
 */
class ShortFieldIndex {
  private readonly postings = new Map<string, number | number[]>();
  /** Their words, for prefix and typo lookups. */
  private readonly vocabulary = new Vocabulary();
  /** Words per field, by document id; 0 once removed. */
  private readonly lengths: number[][];
  private readonly totalLength: number[];
  private readonly documentsWithField: number[];
  private documents = 0;
  private readonly boosts = SHORT_FIELD_BOOST;
  /**
   * The expansions of the last query words. Typing "gaussian splat" looks "gaussian" up again at
   * every letter of "splat", typo walks included; they only change when a word comes or goes.
   */
  private readonly expansionCache = new Map<string, Map<string, number>>();

  constructor() {
    this.lengths = this.boosts.map(() => []);
    this.totalLength = this.boosts.map(() => 0);
    this.documentsWithField = this.boosts.map(() => 0);
  }

  /** The vocabulary's lookups made ahead, after a bulk load, in steps. */
  *prepareLookups(): Generator<void, void, void> {
    yield* this.vocabulary.prepareSteps();
  }

  get lookupsPrepared(): boolean {
    return this.vocabulary.prepared;
  }

  add(id: number, fields: readonly (readonly string[])[]): void {
    let any = false;
    fields.forEach((words, field) => {
      this.lengths[field][id] = words.length;
      if (words.length === 0) return;
      any = true;
      this.totalLength[field] += words.length;
      this.documentsWithField[field]++;
      const first = id * 256 + field * 32;
      for (const word of words) {
        const entry = this.postings.get(word);
        if (entry === undefined) {
          this.postings.set(word, first + 1);
          this.vocabulary.add(word);
          this.expansionCache.clear();
          continue;
        }
        if (typeof entry === 'number') {
          if (entry - first < 0 || entry - first >= 32) this.postings.set(word, [entry, first + 1]);
          else if (entry - first < 31) this.postings.set(word, entry + 1);
          continue;
        }
        const list = entry;
        const last = list.length - 1;
        if (last >= 0 && list[last] - first >= 0 && list[last] - first < 32) {
          if (list[last] - first < 31) list[last]++;
        } else {
          list.push(first + 1);
        }
      }
    });
    if (any) this.documents++;
  }

  remove(id: number): void {
    let any = false;
    this.lengths.forEach((lengths, field) => {
      const length = lengths[id] ?? 0;
      if (length === 0) return;
      any = true;
      lengths[id] = 0;
      this.totalLength[field] -= length;
      this.documentsWithField[field]--;
    });
    if (any) this.documents--;
  }

  /** Drops the postings of documents that are gone. */
  compact(live: (id: number) => boolean): void {
    for (const [word, entry] of this.postings) {
      const list = postingList(entry);
      const kept = list.filter((posting) => live(Math.floor(posting / 256)));
      if (kept.length === 0) {
        this.postings.delete(word);
        this.vocabulary.delete(word);
        this.expansionCache.clear();
      } else if (kept.length < list.length) {
        this.postings.set(word, kept.length === 1 ? kept[0] : kept);
      }
    }
  }

  /**
   * Scores every document having the query word (BM25 per field, k1 = 1.2, b = 0.75, times the
   * field's boost) into `scores`; for several matching vocabulary words the best one counts.
   */
  score(term: QueryTerm, scores: Float64Array, touched: number[]): void {
    if (this.documents === 0) return;
    const averages = this.totalLength.map((total, field) => total / Math.max(1, this.documentsWithField[field]));
    const { lengths, boosts } = this;
    for (const [word, quality] of this.expansions(term)) {
      const entry = this.postings.get(word);
      if (entry === undefined) continue;
      const list = postingList(entry);
      // Postings of removed papers stay until compaction: cap the count so idf never turns negative.
      const frequency = Math.min(list.length, this.documents);
      const idf = Math.log(1 + (this.documents - frequency + 0.5) / (frequency + 0.5));
      let i = 0;
      while (i < list.length) {
        const id = Math.floor(list[i] / 256);
        const first = id * 256;
        let sum = 0;
        for (; i < list.length && list[i] - first < 256; i++) {
          const low = list[i] - first;
          const field = low >> 5;
          const count = low & 31;
          const length = lengths[field][id];
          if (length === 0) continue;
          const norm = 1.2 * (0.25 + (0.75 * length) / averages[field]);
          sum += (boosts[field] * count * 2.2) / (count + norm);
        }
        const value = quality * idf * sum;
        if (value > scores[id]) {
          if (scores[id] === 0) touched.push(id);
          scores[id] = value;
        }
      }
    }
  }

  /** Vocabulary words standing for the query word, with how good a match each is (1 = the word itself). */
  private expansions(term: QueryTerm): ReadonlyMap<string, number> {
    const key = `${term.prefix ? 'p' : 'w'}${term.completeLetter ? 'l' : ''} ${term.text}`;
    let found = this.expansionCache.get(key);
    if (!found) {
      found = this.expand(term);
      if (this.expansionCache.size >= EXPANSIONS_CACHED) this.expansionCache.delete(this.expansionCache.keys().next().value!);
      this.expansionCache.set(key, found);
    }
    return found;
  }

  private expand(term: QueryTerm): Map<string, number> {
    const { text } = term;
    const found = new Map<string, number>();
    for (const exact of new Set([text, singular(text)])) if (this.postings.has(exact)) found.set(exact, 1);

    // A one-letter prefix would expand to a good part of the vocabulary: keys complete it
    // (keyTiers), and words only when no key starts with it. Else "[@g" emptied the demo's list
    // while the user typed "gauss", and an editor may not ask again.
    if (term.prefix && (text.length >= 2 || term.completeLetter)) {
      // The closest completions (shortest first) when a short prefix matches thousands of words:
      // kept sorted as they come, never sorting them all.
      const shortest: string[] = [];
      for (const word of this.vocabulary.withPrefix(text)) if (!found.has(word)) insertBounded(shortest, word, MAX_PREFIX_EXPANSIONS, byLengthThenText);
      for (const word of shortest) found.set(word, 0.5 + (0.3 * text.length) / word.length);
    }

    const distance = typosAllowed(text);
    if (distance > 0) {
      const typo = (word: string, edits: number) => {
        const quality = (0.45 * text.length) / (text.length + edits);
        if (quality > (found.get(word) ?? 0)) found.set(word, quality);
      };
      // The singular too: the vocabulary is singular, and "mekals" is one typo from "metal(s)", two from "metal".
      for (const form of new Set([text, singular(text)])) {
        this.vocabulary.fuzzy(form, distance, typo);
        // Two neighbours swapped ("sampel") is one typo to a person, two edits to Levenshtein.
        for (let i = 0; i + 1 < form.length; i++) {
          if (form[i] === form[i + 1]) continue;
          const swapped = form.slice(0, i) + form[i + 1] + form[i] + form.slice(i + 2);
          if (this.postings.has(swapped)) typo(swapped, 1);
        }
      }
    }
    return found;
  }
}

function postingList(entry: number | number[]): readonly number[] {
  return typeof entry === 'number' ? [entry] : entry;
}

/** Typos allowed in a word: none in short words, where one edit already makes another word. */
function typosAllowed(word: string): number {
  if (word.length < 4 || /^\d+$/.test(word)) return 0;
  return word.length < 8 ? 1 : 2;
}

/** The query as words to look up: stop words dropped, unless one is all there is or is still being typed. */
function queryTerms(query: string): QueryTerm[] {
  const words = plainWords(query);
  const typing = !/\s$/.test(query);
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  words.forEach((text, i) => {
    const prefix = typing && i === words.length - 1;
    if (seen.has(text) || (isStopWord(text) && !prefix)) return;
    seen.add(text);
    terms.push({ text, prefix });
  });
  if (terms.length === 0 && words.length > 0) return [{ text: words[words.length - 1], prefix: typing }];
  return terms;
}

function popCount(bits: number): number {
  let count = 0;
  for (let b = bits >>> 0; b !== 0; b &= b - 1) count++;
  return count;
}

/** The k-th largest value (k ≥ 1), in linear time on average (quickselect; reorders `values`). */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target];
}

/** Inserts `item` into `list`, sorted by `compare`, if it is among the `max` first; the list never grows past `max`. */
function insertBounded(list: string[], item: string, max: number, compare: (a: string, b: string) => number = compareStrings): void {
  if (list.length === max && compare(item, list[max - 1]) >= 0) return;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid], item) < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
  if (list.length > max) list.pop();
}

function byLengthThenText(a: string, b: string): number {
  return a.length - b.length || compareStrings(a, b);
}

function byLowerThenId(a: { lower: string; id: number }, b: { lower: string; id: number }): number {
  return compareStrings(a.lower, b.lower) || a.id - b.id;
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

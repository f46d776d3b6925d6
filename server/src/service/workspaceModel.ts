/**
 * The workspace model every feature reads. Pure and in memory: the glue feeds it notes' texts and
 * catalog updates (made by service/catalogIntake.ts from what was read: the open editor buffer wins
 * over the disk copy, the glue decides which) and it keeps, in sync and incrementally, the papers by
 * key (all definitions), the full-text index, duplicate-key problems and the notes' citations.
 *
 * A big catalog is brought into the indexes in slices (`work`), so the glue can answer requests
 * between them: definitions first, then keys/titles/authors, then abstracts. Until a catalog's
 * short fields are indexed, its provisional papers (a skim or the cache) answer completion.
 */
import type { CatalogFileResult } from '../catalog/catalogFile';
import { abstractOf, type Paper } from '../catalog/paper';
import { isZoteroCatalog } from '../catalog/zotero';
import type { Problem } from '../core/types';
import type { CountedAbstract } from '../search/abstractIndex';
import { PaperIndex, type SearchHit } from '../search/paperIndex';
import { RELATED_PER_PAPER } from '../search/topicIndex';
import { basenameUri } from './uri';
import { deltaUpdate, removalUpdate, textUpdate, wholeReadUpdate, type CatalogDelta, type CatalogFile, type CatalogUpdate, type IntakeOutcome } from './catalogIntake';
import { moveLines, sourceUriOf } from '../catalog/paperColumns';
import { PaperChanges } from './paperChanges';
import { PaperTopics } from './paperTopics';
import type { NoteLayout } from '../notes/noCitationRanges';
import { NoteIndex, type CitationPlace, type Note } from './noteIndex';
import { ProvisionalPapers, type ProvisionalPiece } from './provisionalPapers';
import { RecentPapers, type RecentNote } from './recentPapers';
import { adaptiveSteps } from './adaptiveSteps';
import { allSteps } from '../core/steps';

/**
 * Papers handled between two checks of the clock while indexing in slices. Small: a step can cost
 * 150 µs a paper (the first abstracts bring new words at every turn), and the check is cheap.
 */
const SLICE = 32;
/** Abstracts counted on this thread per step while the worker counts the others (about 1 ms). */
const COUNTED_HERE_PER_STEP = 32;
/** An update of up to this many papers (an edit) is indexed in one step. */
const SMALL_UPDATE = 256;
/** Duplicate keys marked one by one in a file; the rest are counted in one more diagnostic. */
export const DUPLICATES_MARKED_PER_FILE = 100;
/** Keys looked at per step while duplicate keys are found in steps: this code runs once per start, so cold (5-10 ms a step of 4,096 keys). */
const DUPLICATES_PER_STEP = 1024;

export class WorkspaceModel {
  /** Catalog files as their last update left them (service/catalogIntake.ts makes the updates). */
  private readonly catalogs = new Map<string, CatalogFile>();
  private readonly notes = new NoteIndex();
  private readonly index = new PaperIndex();
  /** key → every definition, by catalog URI then position; the first is the one features show. */
  private readonly definitionsByKey = new Map<string, Paper[]>();
  /** key → the paper in the full-text index, to re-index only entries whose content changed. */
  private readonly indexed = new Map<string, Paper>();
  private readonly provisional = new ProvisionalPapers();
  private readonly recent = new RecentPapers();
  /** The topic model's last result and the papers it has not seen yet (the glue runs the model). */
  readonly topics = new PaperTopics();
  /** Citation key → the newest `dateModified` of the paper's Zotero annotations, as last read (the tree's "new annotations"). */
  readonly annotationDates = new Map<string, string>();
  /** Catalog updates not yet (fully) in the indexes, oldest first; the first one is in progress. */
  private readonly pending: Generator<void, void, void>[] = [];
  /** Abstracts the catalog worker counted, for the updates in progress; dropped when they are done. */
  private abstractWords = new WeakMap<Paper, CountedAbstract>();
  /** Catalogs whose abstracts the worker is counting now (see addAbstractsAsCounted). */
  private readonly countsComing = new Set<string>();
  private folders: string[] = [];
  /** What changed for the Papers view since the client was last told. */
  readonly changes = new PaperChanges();

  /** Bumped on every change of papers; caches of derived data compare it. */
  private catalogVersion = 0;
  private noteVersion = 0;
  private cachedKeys: { version: number; keys: string[] } | undefined;
  private cachedUnsortedKeys: { version: number; keys: string[] } | undefined;
  private cachedDuplicates: { version: number; byUri: Map<string, Problem[]> } | undefined;
  /** `settleDuplicates` is under way. */
  private settlingDuplicates = false;

  /** Changes to papers since the model was created: what is derived from papers alone compares it. */
  get papersVersion(): number {
    return this.catalogVersion;
  }

  /** Changes to papers and notes since the model was created; the glue throttles notifications on it. */
  get version(): number {
    return this.catalogVersion + this.noteVersion;
  }

  // ---- feeding -------------------------------------------------------------------------------

  setWorkspaceFolders(uris: readonly string[]): void {
    this.folders = uris.map((u) => u.replace(/\/+$/, ''));
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /**
   * A catalog update from the intake (service/catalogIntake.ts): the file as it is now, its papers
   * indexed by later `work` steps. The intake has applied the last-good rule already.
   */
  applyCatalogUpdate(update: CatalogUpdate): void {
    if (update.file) {
      this.catalogs.set(update.uri, update.file);
    } else {
      this.catalogs.delete(update.uri);
      this.provisional.clear(update.uri);
    }
    if (update.moved) {
      // The moved papers are the objects every index holds: their new place is set in place.
      const papers = update.file!.papers;
      if (update.moved.lines !== 0) for (let i = update.moved.from; i < papers.length; i++) moveLines(papers[i], update.moved.lines);
      this.catalogVersion++; // papers moved: ranges changed even when no content did
    }
    this.enqueue(update);
  }

  /** What the intake made of a reading of `uri`: its update applied; after a failed read, the provisional papers dropped (nothing will replace them). */
  applyIntakeOutcome(uri: string, outcome: IntakeOutcome): void {
    if (outcome.kind === 'updated') this.applyCatalogUpdate(outcome.update);
    else if (outcome.kind === 'failed') this.clearProvisionalPapers(uri);
  }

  clearProvisionalPapers(uri: string): void {
    this.provisional.clear(uri);
  }

  // The intake and the model in one call, in this thread: for tests and callers without a feeder.

  /** Reads a catalog file's new text and indexes it now; undefined when it is the version already read. */
  setCatalog(uri: string, text: string): CatalogUpdate | undefined {
    const update = textUpdate(this.catalogs.get(uri), uri, text);
    if (update) this.applyCatalogUpdate(update);
    this.finishWork();
    return update;
  }

  /** A catalog read elsewhere; indexed by later `work` steps. */
  setCatalogRead(result: CatalogFileResult, blank: boolean): CatalogUpdate {
    const update = wholeReadUpdate(this.catalogs.get(result.uri), result, blank);
    this.applyCatalogUpdate(update);
    return update;
  }

  /** An edited stretch of a catalog; undefined when it cannot apply (read the whole file then). */
  applyCatalogDelta(uri: string, delta: CatalogDelta): CatalogUpdate | undefined {
    const update = deltaUpdate(this.catalogs.get(uri), delta);
    if (update) this.applyCatalogUpdate(update);
    return update;
  }

  removeCatalog(uri: string): CatalogUpdate | undefined {
    const update = removalUpdate(this.catalogs.get(uri));
    if (update) this.applyCatalogUpdate(update);
    else this.provisional.clear(uri);
    this.finishWork();
    return update;
  }

  /** Papers known before `uri` is read (keys and titles): they answer completion until it is indexed. */
  addProvisionalPiece(uri: string, piece: ProvisionalPiece): void {
    if (this.catalogs.has(uri)) return; // the real read came first
    this.provisional.addPiece(uri, piece);
  }

  /** `addProvisionalPiece` for papers at hand. */
  addProvisionalPapers(uri: string, papers: readonly Paper[]): void {
    if (this.catalogs.has(uri)) return;
    this.provisional.add(uri, papers);
  }

  /**
   * A paper's abstract counted by the catalog worker, indexed as it is when its update gets there.
   * Counts can come before the read's update is queued (they are sent right after it), so they are
   * kept until the updates in progress are done, or until the last count of a read when none is.
   */
  addAbstractWords(paper: Paper, words: CountedAbstract): void {
    this.abstractWords.set(paper, words);
  }

  /** The worker counts the abstracts of the read of `uri` just taken; they come with `addAbstractWords`. */
  abstractWordsComing(uri: string): void {
    this.countsComing.add(uri);
  }

  /** The last count of a read has come: with no update waiting, nothing will use the counts kept. */
  abstractWordsEnded(uri?: string): void {
    if (uri !== undefined) this.countsComing.delete(uri);
    if (this.pending.length === 0) this.abstractWords = new WeakMap();
  }

  /** Whether catalog updates wait to be indexed. */
  get hasPendingWork(): boolean {
    return this.pending.length > 0;
  }

  /** Indexes pending catalog updates until done (true) or `shouldYield` says to stop (false). */
  work(shouldYield: () => boolean): boolean {
    while (this.pending.length > 0) {
      if (this.pending[0].next().done) {
        this.pending.shift();
        if (this.pending.length === 0) {
          this.abstractWords = new WeakMap(); // counts no update will use
          // What the first search would do at once, done now in steps (many catalog files leave postings in the log).
          if (this.index.needsSettling) this.pending.push(this.index.settleAbstracts(true));
        }
      }
      if (this.pending.length > 0 && shouldYield()) return false;
    }
    return true;
  }

  /** Every pending update indexed now, in one go. */
  finishWork(): void {
    this.work(() => false);
  }

  /**
   * Parses a note's new text; false when it is the version already indexed. `editedAt` is when the
   * text was written (the file's modification time, now for an editor's edit; later than every
   * note before when not given): the papers of the notes edited last come first in `[@`.
   */
  setNote(uri: string, text: string, editedAt?: number): boolean {
    const changed = this.notes.set(uri, text, (keys) => {
      this.changes.note(uri);
      for (const key of keys) this.changes.paper(key);
    });
    if (changed) {
      this.noteVersion++;
      this.recent.noteEdited(uri, editedAt);
    }
    return changed;
  }

  removeNote(uri: string): boolean {
    for (const citation of this.notes.get(uri)?.citations ?? []) this.changes.paper(citation.key);
    const changed = this.notes.remove(uri);
    if (changed) {
      this.changes.note(uri);
      this.noteVersion++;
      this.recent.noteRemoved(uri);
    }
    return changed;
  }

  /** The user opened a paper (its literature note, a command on it) at `at` (now when not given). */
  paperOpened(key: string, at?: number): void {
    this.recent.paperOpened(key, at);
  }

  // ---- catalogs ------------------------------------------------------------------------------

  /** True once at least one catalog file is loaded (even an empty one). */
  hasCatalogs(): boolean {
    return this.catalogs.size > 0;
  }

  isCatalog(uri: string): boolean {
    return this.catalogs.has(uri);
  }

  /** Catalog URIs, sorted so every list built from them is deterministic. */
  catalogUris(): string[] {
    return [...this.catalogs.keys()].sort();
  }

  catalog(uri: string): CatalogFile | undefined {
    return this.catalogs.get(uri);
  }

  /** The paper features show for `key` (its first definition). */
  paper(key: string): Paper | undefined {
    return this.definitionsByKey.get(key)?.[0];
  }

  /** As `paper`, or a provisional paper while the catalogs are read (completion and hover show those). */
  paperOrProvisional(key: string): Paper | undefined {
    return this.definitionsByKey.get(key)?.[0] ?? this.provisional.paper(key);
  }

  /** Every definition of `key`: more than one when catalogs disagree. */
  definitions(key: string): readonly Paper[] {
    return this.definitionsByKey.get(key) ?? [];
  }

  /**
   * Every known key in no particular order, for scans whose result does not depend on it ("did you
   * mean" over every key): sorting 100,000 keys costs 100 ms that the first diagnostics after a load paid.
   */
  keysInAnyOrder(): readonly string[] {
    if (this.cachedKeys?.version === this.catalogVersion) return this.cachedKeys.keys;
    if (this.cachedUnsortedKeys?.version !== this.catalogVersion) {
      this.cachedUnsortedKeys = { version: this.catalogVersion, keys: [...this.definitionsByKey.keys()] };
    }
    return this.cachedUnsortedKeys.keys;
  }

  /** Every known key, sorted. */
  keys(): readonly string[] {
    if (this.cachedKeys?.version !== this.catalogVersion) {
      this.cachedKeys = { version: this.catalogVersion, keys: [...this.definitionsByKey.keys()].sort() };
    }
    return this.cachedKeys.keys;
  }

  /**
   * Every key in the order its catalogs list it, indexed papers first, then provisional ones not
   * indexed yet: an order that costs nothing to keep, read as far as needed.
   */
  *keysInCatalogOrder(): Generator<string> {
    yield* this.definitionsByKey.keys();
    if (this.provisional.size === 0) return;
    for (const key of this.provisional.keys()) if (!this.definitionsByKey.has(key)) yield key;
  }

  /** Notes, the most recently edited first. */
  notesByRecentEdit(): Iterable<RecentNote> {
    return this.recent.notes();
  }

  /** Papers opened lately (keys, whether or not they are still in the catalogs), the most recent first. */
  recentlyOpenedPapers(): { key: string; openedAt: number }[] {
    return this.recent.openedPapers();
  }

  /** One paper per key (its first definition), in key order. */
  papers(): Paper[] {
    return this.keys().map((key) => this.definitionsByKey.get(key)![0]);
  }

  get paperCount(): number {
    return this.definitionsByKey.size;
  }

  /** Ranked keys for what the user typed; while catalogs are read, provisional papers come after the indexed ones. */
  search(query: string, limit: number): SearchHit[] {
    const hits = this.index.search(query, limit);
    if (this.provisional.size === 0 || hits.length >= limit) return hits;
    const found = new Set(hits.map((hit) => hit.key));
    return [...hits, ...this.provisional.search(query, limit - hits.length, (key) => found.has(key))];
  }

  /** Problems of a catalog file: the reader's, plus (unless told not to) keys it shares with other catalog files. */
  catalogProblems(uri: string, withDuplicates = true): Problem[] {
    const file = this.catalogs.get(uri);
    if (!file) return [];
    return withDuplicates ? [...file.problems, ...(this.duplicates().get(uri) ?? [])] : file.problems;
  }

  /**
   * How many problems `catalogProblems(uri)` lists. While catalogs are indexed, or duplicate keys
   * are found in steps, with the duplicates found last: the status is sent every 300 ms then, and
   * finding them again for each (the definitions change every few papers) cost up to 30 ms a time
   * at 100k.
   */
  catalogProblemCount(uri: string): number {
    const file = this.catalogs.get(uri);
    if (!file) return 0;
    const duplicates = this.hasPendingWork || this.settlingDuplicates ? this.cachedDuplicates?.byUri : this.duplicates();
    return file.problems.length + (duplicates?.get(uri)?.length ?? 0);
  }

  /** The papers the topic model found most like `key`'s, those still in the catalogs, most related first. */
  relatedPapers(key: string, limit = RELATED_PER_PAPER): Paper[] {
    const related = this.topics.current?.placement(key)?.related ?? [];
    const papers: Paper[] = [];
    for (const other of related) {
      const paper = other === key ? undefined : this.paper(other);
      if (paper && papers.length < limit) papers.push(paper);
    }
    return papers;
  }

  // ---- notes ---------------------------------------------------------------------------------

  note(uri: string): Note | undefined {
    return this.notes.get(uri);
  }

  noteUris(): string[] {
    return this.notes.uris();
  }

  /** The block layout parsed for this version of the note, when the index still keeps it. */
  noteLayout(uri: string, text: string): NoteLayout | undefined {
    return this.notes.layout(uri, text);
  }

  get noteCount(): number {
    return this.notes.size;
  }

  /** Every citation of `key` in every note, by note URI then position. */
  citationsOf(key: string): CitationPlace[] {
    return this.notes.citationsOf(key);
  }

  notesCiting(key: string): string[] {
    return this.notes.notesCiting(key);
  }

  /** Notes citing any of `keys`, looked up from the smaller side: the keys given or the keys cited. */
  notesCitingAny(keys: readonly string[]): Set<string> {
    const notes = new Set<string>();
    const cited = this.citedKeys();
    if (keys.length <= cited.size) {
      for (const key of keys) if (cited.has(key)) for (const note of this.notesCiting(key)) notes.add(note);
    } else {
      const given = new Set(keys);
      for (const key of cited.keys()) if (given.has(key)) for (const note of this.notesCiting(key)) notes.add(note);
    }
    return notes;
  }

  citingCount(key: string): number {
    return this.notes.citingCount(key);
  }

  citedKeys(): Map<string, number> {
    return this.notes.citedKeys();
  }

  // ---- keeping the indexes in sync -----------------------------------------------------------

  private enqueue(update: CatalogUpdate): void {
    this.pending.push(this.indexUpdate(update));
  }

  /** Brings one catalog update into the definitions and the index, yielding between slices. */
  private *indexUpdate(update: CatalogUpdate): Generator<void, void, void> {
    this.catalogVersion++;
    // Nothing is changed until the definitions loop: yielding while these are built is safe.
    const affected = new Set<string>();
    let done = 0;
    for (const paper of update.before) {
      affected.add(paper.key);
      if (++done % (4 * SLICE) === 0) yield;
    }
    const newOfKey = new Map<string, Paper[]>();
    for (const paper of update.after) {
      affected.add(paper.key);
      const list = newOfKey.get(paper.key);
      if (list) list.push(paper);
      else newOfKey.set(paper.key, [paper]);
      if (++done % (4 * SLICE) === 0) yield;
    }
    yield;

    const toRemove: string[] = [];
    const toAdd: Paper[] = [];
    done = 0;
    for (const key of affected) {
      const others = (this.definitionsByKey.get(key) ?? []).filter((p) => p.source.uri !== update.uri);
      const all = [...others, ...(newOfKey.get(key) ?? [])].sort(byPlace);
      if (all.length === 0) this.definitionsByKey.delete(key);
      else this.definitionsByKey.set(key, all);

      // Editing one entry moves every entry after it: compare content, not positions.
      const primary = all[0];
      const indexed = this.indexed.get(key);
      if (primary && indexed && sameContent(primary, indexed)) {
        this.indexed.set(key, primary);
      } else if (primary) {
        toAdd.push(primary);
        this.indexed.set(key, primary);
        this.topics.paperChanged(key);
        this.changes.paper(key);
      } else if (indexed) {
        toRemove.push(key);
        this.indexed.delete(key);
        this.topics.paperChanged(key);
        this.changes.paper(key);
      }
      if (++done % (4 * SLICE) === 0) {
        this.catalogVersion++;
        yield;
      }
    }
    this.catalogVersion++;
    if (toRemove.length > 0) this.index.remove(toRemove);
    if (toAdd.length <= SMALL_UPDATE) {
      if (toAdd.length > 0) this.index.add(toAdd);
    } else {
      // Keys, titles and authors of every paper first, so completion finds them all early.
      yield* adaptiveSteps(toAdd, (papers) => this.index.addShortFields(papers));
      this.provisional.clear(update.uri);
      yield* this.addAbstractsAsCounted(update.uri, toAdd);
      yield* this.index.settleAbstracts();
    }
    this.provisional.clear(update.uri);
    this.catalogVersion++;
  }

  /**
   * The abstracts of `papers` into the index. While the worker counts the catalog's abstracts (in
   * the papers' order), those it has counted go in from the front; when it has not got to the next
   * one, this thread counts a few from the back. The two meet, and no abstract is counted twice:
   * counting from the front as well, this thread did again what the niced worker was doing (at
   * 100k papers most of the abstracts, on a busy machine), on the thread that answers requests.
   */
  private *addAbstractsAsCounted(uri: string, papers: readonly Paper[]): Generator<void, void, void> {
    const counted = (paper: Paper) => {
      const words = this.abstractWords.get(paper);
      this.abstractWords.delete(paper); // the counts go as soon as they are in the index
      return words;
    };
    const add = (step: readonly Paper[]) => this.index.addAbstracts(step, counted);
    let from = 0;
    let to = papers.length;
    while (from < to) {
      if (!this.countsComing.has(uri)) {
        yield* adaptiveSteps(from === 0 && to === papers.length ? papers : papers.slice(from, to), add);
        return;
      }
      let end = from;
      while (end < to && this.abstractWords.has(papers[end])) end++;
      if (end > from) {
        yield* adaptiveSteps(papers.slice(from, end), add);
        from = end;
      } else {
        const start = Math.max(from, to - COUNTED_HERE_PER_STEP);
        add(papers.slice(start, to));
        to = start;
        yield;
      }
    }
  }

  /**
   * Cross-file duplicate keys; in-file duplicates are the reader's to report. A file sharing more
   * than DUPLICATES_MARKED_PER_FILE keys with others (the same library exported twice: a .bib and a
   * CSL-JSON) has those marked and one more diagnostic counting the rest: 100,000 warnings help
   * nobody, and building and sending them kept a 100k-paper server deaf for seconds.
   */
  private duplicates(): Map<string, Problem[]> {
    if (this.cachedDuplicates?.version === this.catalogVersion) return this.cachedDuplicates.byUri;
    return allSteps(this.duplicatesInSteps());
  }

  /**
   * Finds the duplicate keys of the catalogs as they are now, in steps, for `catalogProblems` to
   * use: at 100k papers in two catalogs with the same keys, at once, it was a 30–60 ms block.
   * Done at once (by `catalogProblems`) if the catalogs change meanwhile.
   */
  *settleDuplicates(): Generator<void, void, void> {
    if (this.cachedDuplicates?.version === this.catalogVersion) return;
    this.settlingDuplicates = true;
    try {
      yield* this.duplicatesInSteps();
    } finally {
      this.settlingDuplicates = false;
    }
  }

  private *duplicatesInSteps(): Generator<void, Map<string, Problem[]>, void> {
    const version = this.catalogVersion;
    // One pass over the definitions (no lookups, no ranges built): per file, how many of its papers
    // share their key with another file, with which files, and the papers while there are few.
    const shared = new Map<string, { count: number; papers: Paper[]; with: Set<string> }>();
    let done = 0;
    for (const all of this.definitionsByKey.values()) {
      if (++done % DUPLICATES_PER_STEP === 0) {
        yield;
        // Changed meanwhile: the rest found at once from the definitions as they are now.
        if (this.catalogVersion !== version) return this.duplicates();
      }
      if (all.length < 2) continue;
      for (const paper of all) {
        const uri = sourceUriOf(paper);
        const file = shared.get(uri) ?? { count: 0, papers: [], with: new Set<string>() };
        if (!sharedWithOthers(uri, all, file.with)) continue;
        shared.set(uri, file);
        if (++file.count <= DUPLICATES_MARKED_PER_FILE + 1) file.papers.push(paper);
      }
    }
    const byUri = new Map<string, Problem[]>();
    for (const [uri, { count, papers, with: files }] of shared) {
      // Too many to mark (the same library exported twice): the first ones in the file's order.
      const marked = count <= DUPLICATES_MARKED_PER_FILE ? papers : this.firstShared(uri, DUPLICATES_MARKED_PER_FILE + 1);
      const problems = marked.slice(0, DUPLICATES_MARKED_PER_FILE).map((paper) => duplicateKeyProblem(paper, this.definitionsByKey.get(paper.key)!, uri));
      problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
      if (count > DUPLICATES_MARKED_PER_FILE) {
        problems.push({
          code: 'catalog.duplicate-key',
          message: `${withThousands(count - DUPLICATES_MARKED_PER_FILE)} more keys of this file are defined in other catalogs too (only the first ${DUPLICATES_MARKED_PER_FILE} are marked; this file shares keys with ${[...files].map(basenameUri).sort().join(', ')}).`,
          range: marked[DUPLICATES_MARKED_PER_FILE].source.keyRange,
        });
      }
      byUri.set(uri, problems);
    }
    this.cachedDuplicates = { version: this.catalogVersion, byUri };
    return byUri;
  }

  /** The first `limit` papers of `uri`, in its order, whose keys other files define too. */
  private firstShared(uri: string, limit: number): Paper[] {
    const found: Paper[] = [];
    for (const paper of this.catalogs.get(uri)?.papers ?? []) {
      const all = this.definitionsByKey.get(paper.key);
      if (all && all.length > 1 && all.includes(paper) && sharedWithOthers(uri, all) && found.push(paper) === limit) break;
    }
    return found;
  }
}

/**
 * Whether another file defines a key that `uri` defines too, adding those files to `files`. Not for
 * a file exported from the Zotero library: it holds the library's papers.
 */
function sharedWithOthers(uri: string, all: readonly Paper[], files?: Set<string>): boolean {
  if (isZoteroCatalog(uri)) return false;
  let shared = false;
  for (const paper of all) {
    const other = sourceUriOf(paper);
    if (other === uri || isZoteroCatalog(other)) continue;
    shared = true;
    files?.add(other);
  }
  return shared;
}

/** 99900 as "99,900": `toLocaleString` loads the locale data on its first call, 10 ms of a start. */
function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The duplicate-key warning on `paper` of `uri`, pointing at the definitions in other files. */
function duplicateKeyProblem(paper: Paper, all: readonly Paper[], uri: string): Problem {
  const key = paper.key;
  const elsewhere = all.filter((d) => sourceUriOf(d) !== uri && !isZoteroCatalog(sourceUriOf(d)));
  return {
    code: 'catalog.duplicate-key',
    message: `Duplicate citation key '${key}': also defined in ${[...new Set(elsewhere.map((d) => basenameUri(sourceUriOf(d))))].join(', ')}.`,
    range: paper.source.keyRange,
    related: elsewhere.map((d) => ({ location: { uri: sourceUriOf(d), range: d.source.keyRange }, message: `'${key}' is also defined here.` })),
  };
}

function byPlace(a: Paper, b: Paper): number {
  if (a.source.uri !== b.source.uri) return a.source.uri < b.source.uri ? -1 : 1;
  return a.source.range.start.line - b.source.range.start.line || a.source.range.start.character - b.source.range.start.character;
}

/**
 * Whether two papers say the same, wherever they are: every field but `source` compared by value,
 * the abstract as text (one paper may have it stored as bytes, the other as a string). Fields are
 * read by name: a paper from the catalog worker is a view whose fields are accessors.
 */
function sameContent(a: Paper, b: Paper): boolean {
  if (a === b) return true;
  for (const name of COMPARED_FIELDS) if (!sameValue(a[name], b[name])) return false;
  return abstractOf(a) === abstractOf(b);
}

const COMPARED_FIELDS = ['key', 'type', 'title', 'year', 'date', 'venue', 'publisher', 'volume', 'issue', 'pages', 'doi', 'url', 'arxiv', 'note', 'zoteroKey', 'authors', 'editors', 'keywords', 'files'] as const satisfies readonly Exclude<keyof Paper, 'source' | 'abstract' | 'storedAbstract'>[];

type UncomparedField = Exclude<keyof Paper, 'source' | 'abstract' | 'storedAbstract' | (typeof COMPARED_FIELDS)[number]>;
/** A field added to Paper must be compared here too: this fails to type-check until it is. */
const everyFieldCompared: [UncomparedField] extends [never] ? true : UncomparedField = true;
void everyFieldCompared;

/** Deep equality for the plain values a Paper holds: strings, arrays, Person objects (an absent name and an undefined one are the same). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (Array.isArray(b)) return false;
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of names) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

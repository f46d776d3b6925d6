/**
 * The workspace model every feature reads. Pure and in memory: the glue feeds it file texts (the open
 * editor buffer wins over the disk copy; the glue decides which to feed) and it keeps, in sync and
 * incrementally, the papers by key (all definitions), the full-text index, duplicate-key problems and
 * the notes' citations.
 */
import type { Paper } from '../catalog/paper';
import type { Problem } from '../core/types';
import { PaperIndex, type SearchHit } from '../search/paperIndex';
import { deriveTopics } from '../search/topics';
import { basenameUri } from './uri';
import { CatalogStore, type CatalogFile, type CatalogUpdate } from './catalogStore';
import { NoteIndex, type CitationPlace, type Note } from './noteIndex';

export type DerivedTopics = ReturnType<typeof deriveTopics>;

export class WorkspaceModel {
  private readonly catalogs = new CatalogStore();
  private readonly notes = new NoteIndex();
  private readonly index = new PaperIndex();
  /** key → every definition, by catalog URI then position; the first is the one features show. */
  private readonly definitionsByKey = new Map<string, Paper[]>();
  /** key → fingerprint of the paper in the full-text index, to re-index only changed entries. */
  private readonly indexed = new Map<string, string>();
  private folders: string[] = [];

  /** Bumped on every change of papers; caches of derived data compare it. */
  private catalogVersion = 0;
  private noteVersion = 0;
  private cachedKeys: { version: number; keys: string[] } | undefined;
  private cachedDuplicates: { version: number; byUri: Map<string, Problem[]> } | undefined;
  private cachedTopics: { version: number; topics: DerivedTopics } | undefined;

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

  /** Reads a catalog file's new text; undefined when it is the version already read. */
  setCatalog(uri: string, text: string): CatalogUpdate | undefined {
    const update = this.catalogs.set(uri, text);
    if (update) this.applyCatalogUpdate(update);
    return update;
  }

  removeCatalog(uri: string): CatalogUpdate | undefined {
    const update = this.catalogs.remove(uri);
    if (update) this.applyCatalogUpdate(update);
    return update;
  }

  /** Parses a note's new text; false when it is the version already indexed. */
  setNote(uri: string, text: string): boolean {
    const changed = this.notes.set(uri, text);
    if (changed) this.noteVersion++;
    return changed;
  }

  removeNote(uri: string): boolean {
    const changed = this.notes.remove(uri);
    if (changed) this.noteVersion++;
    return changed;
  }

  // ---- catalogs ------------------------------------------------------------------------------

  /** True once at least one catalog file is loaded (even an empty one). */
  hasCatalogs(): boolean {
    return this.catalogs.size > 0;
  }

  isCatalog(uri: string): boolean {
    return this.catalogs.has(uri);
  }

  catalogUris(): string[] {
    return this.catalogs.uris();
  }

  catalog(uri: string): CatalogFile | undefined {
    return this.catalogs.get(uri);
  }

  /** The paper features show for `key` (its first definition). */
  paper(key: string): Paper | undefined {
    return this.definitionsByKey.get(key)?.[0];
  }

  /** Every definition of `key`: more than one when catalogs disagree. */
  definitions(key: string): readonly Paper[] {
    return this.definitionsByKey.get(key) ?? [];
  }

  /** Every known key, sorted. */
  keys(): readonly string[] {
    if (this.cachedKeys?.version !== this.catalogVersion) {
      this.cachedKeys = { version: this.catalogVersion, keys: [...this.definitionsByKey.keys()].sort() };
    }
    return this.cachedKeys.keys;
  }

  /** One paper per key (its first definition), in key order. */
  papers(): Paper[] {
    return this.keys().map((key) => this.definitionsByKey.get(key)![0]);
  }

  get paperCount(): number {
    return this.definitionsByKey.size;
  }

  search(query: string, limit: number): SearchHit[] {
    return this.index.search(query, limit);
  }

  /** Problems of a catalog file: the reader's, plus keys it shares with other catalog files. */
  catalogProblems(uri: string): Problem[] {
    const file = this.catalogs.get(uri);
    if (!file) return [];
    return [...file.problems, ...(this.duplicates().get(uri) ?? [])];
  }

  /** Topics derived from titles and abstracts, recomputed lazily when papers changed. */
  derivedTopics(): DerivedTopics {
    if (this.cachedTopics?.version !== this.catalogVersion) {
      this.cachedTopics = { version: this.catalogVersion, topics: deriveTopics(this.papers()) };
    }
    return this.cachedTopics.topics;
  }

  // ---- notes ---------------------------------------------------------------------------------

  note(uri: string): Note | undefined {
    return this.notes.get(uri);
  }

  noteUris(): string[] {
    return this.notes.uris();
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

  citingCount(key: string): number {
    return this.notes.citingCount(key);
  }

  citedKeys(): Map<string, number> {
    return this.notes.citedKeys();
  }

  // ---- keeping the indexes in sync -----------------------------------------------------------

  private applyCatalogUpdate(update: CatalogUpdate): void {
    this.catalogVersion++;
    const affected = new Set<string>();
    for (const paper of update.before) affected.add(paper.key);
    for (const paper of update.after) affected.add(paper.key);

    const newOfKey = new Map<string, Paper[]>();
    for (const paper of update.after) {
      const list = newOfKey.get(paper.key);
      if (list) list.push(paper);
      else newOfKey.set(paper.key, [paper]);
    }

    const toRemove: string[] = [];
    const toAdd: Paper[] = [];
    for (const key of affected) {
      const others = (this.definitionsByKey.get(key) ?? []).filter((p) => p.source.uri !== update.uri);
      const all = [...others, ...(newOfKey.get(key) ?? [])].sort(byPlace);
      if (all.length === 0) this.definitionsByKey.delete(key);
      else this.definitionsByKey.set(key, all);

      // Editing one entry moves every entry after it: compare content, not positions.
      const primary = all[0];
      const fingerprint = primary ? paperFingerprint(primary) : undefined;
      if (fingerprint === this.indexed.get(key)) continue;
      if (primary) {
        toAdd.push(primary);
        this.indexed.set(key, fingerprint!);
      } else {
        toRemove.push(key);
        this.indexed.delete(key);
      }
    }
    if (toRemove.length > 0) this.index.remove(toRemove);
    if (toAdd.length > 0) this.index.add(toAdd);
  }

  /** Cross-file duplicate keys; in-file duplicates are the reader's to report. */
  private duplicates(): Map<string, Problem[]> {
    if (this.cachedDuplicates?.version === this.catalogVersion) return this.cachedDuplicates.byUri;
    const byUri = new Map<string, Problem[]>();
    for (const [key, definitions] of this.definitionsByKey) {
      if (definitions.length < 2) continue;
      if (new Set(definitions.map((d) => d.source.uri)).size < 2) continue;
      for (const paper of definitions) {
        const elsewhere = definitions.filter((d) => d.source.uri !== paper.source.uri);
        if (elsewhere.length === 0) continue;
        const files = [...new Set(elsewhere.map((d) => basenameUri(d.source.uri)))].join(', ');
        const problem: Problem = {
          code: 'catalog.duplicate-key',
          message: `Duplicate citation key '${key}': also defined in ${files}.`,
          range: paper.source.keyRange,
          related: elsewhere.map((d) => ({
            location: { uri: d.source.uri, range: d.source.keyRange },
            message: `'${key}' is also defined here.`,
          })),
        };
        const list = byUri.get(paper.source.uri);
        if (list) list.push(problem);
        else byUri.set(paper.source.uri, [problem]);
      }
    }
    for (const list of byUri.values()) list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    this.cachedDuplicates = { version: this.catalogVersion, byUri };
    return byUri;
  }
}

function byPlace(a: Paper, b: Paper): number {
  if (a.source.uri !== b.source.uri) return a.source.uri < b.source.uri ? -1 : 1;
  return a.source.range.start.line - b.source.range.start.line || a.source.range.start.character - b.source.range.start.character;
}

/** Everything searchable about a paper, without its position in the file. */
function paperFingerprint(paper: Paper): string {
  const { source: _source, ...content } = paper;
  return JSON.stringify(content);
}

/**
 * The catalog files of the workspace, each parsed once per version, with the **last good version**
 * rule: Zotero's auto-export rewrites a `.bib` in place, so a read can catch it half-written. When a
 * read has parse errors, entries that still parse are updated and entries that went missing are
 * kept until a clean read of the file (which honours deletions).
 */
import type { CatalogFileResult } from '../catalog/catalogFile';
import { readCatalog } from '../catalog/readCatalog';
import type { Paper } from '../catalog/paper';
import { moveLines } from '../catalog/paperColumns';
import type { Problem } from '../core/types';

export interface CatalogFile {
  uri: string;
  /** The text read last, when it was read here (a worker keeps its own copy). */
  text?: string;
  /** The papers the workspace uses from this file: the last read plus entries kept from the last good version. */
  papers: Paper[];
  /** Problems of the last read (and the notice when an empty read was ignored). */
  problems: Problem[];
  /** Entries kept from the last good version because the last read was broken. */
  kept: string[];
}

/**
 * One edited stretch of a catalog read again alone (by catalog/bibtexSlice.ts): papers `from`..`to`
 * (exclusive) of the file's list become `papers`, the papers after them move `lineShift` lines.
 * Only made for a file whose last read was clean, when the stretch reads cleanly too.
 */
export interface CatalogDelta {
  from: number;
  to: number;
  papers: Paper[];
  lineShift: number;
}

/** What one `set` did, for the log and for keeping the other indexes in sync. */
export interface CatalogUpdate {
  uri: string;
  before: readonly Paper[];
  after: readonly Paper[];
  /** Entries the reader returned this time. */
  entriesRead: number;
  problems: number;
  /** A sentence for the log when the last good version was kept, once per transition. */
  notice?: string;
}

export class CatalogStore {
  private readonly files = new Map<string, CatalogFile>();

  get(uri: string): CatalogFile | undefined {
    return this.files.get(uri);
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  /** Catalog URIs, sorted so every list built from them is deterministic. */
  uris(): string[] {
    return [...this.files.keys()].sort();
  }

  get size(): number {
    return this.files.size;
  }

  /** Reads a new version of a catalog file; undefined when the text is the version already read. */
  set(uri: string, text: string): CatalogUpdate | undefined {
    const previous = this.files.get(uri);
    if (previous && previous.text === text) return undefined;
    return this.setRead(readCatalog(text, uri), text.trim() === '', text);
  }

  /** A catalog read elsewhere (the reader's result); `blank` when the text was only white space. */
  setRead(result: CatalogFileResult, blank: boolean, text?: string): CatalogUpdate {
    const uri = result.uri;
    const previous = this.files.get(uri);
    const before = previous?.papers ?? [];
    const wasKeeping = (previous?.kept.length ?? 0) > 0;

    let file: CatalogFile;
    let notice: string | undefined;
    if (blank && result.problems.length === 0 && before.length > 0) {
      // An empty rewrite of a file that had papers is an export in progress, not a deletion of all.
      const message = `Catalog is empty: keeping the ${before.length} papers of the last good version.`;
      file = { uri, text, papers: before, problems: [{ code: 'catalog.empty', message, range: zeroRange }], kept: before.map((p) => p.key) };
      if (!wasKeeping) notice = message;
    } else if (isBroken(result.problems) && before.length > 0) {
      const readKeys = new Set(result.papers.map((p) => p.key));
      const keptPapers = before.filter((p) => !readKeys.has(p.key));
      file = { uri, text, papers: [...result.papers, ...keptPapers], problems: result.problems, kept: keptPapers.map((p) => p.key) };
      if (keptPapers.length > 0 && !wasKeeping) {
        notice = `Catalog has parse errors: keeping ${keptPapers.length} entries of the last good version until it reads cleanly (${preview(file.kept)}).`;
      }
    } else {
      file = { uri, text, papers: result.papers, problems: result.problems, kept: [] };
    }
    this.files.set(uri, file);
    return { uri, before, after: file.papers, entriesRead: result.papers.length, problems: result.problems.length, notice };
  }

  /**
   * Applies an edited stretch to a file whose last read was clean. The update lists only the papers
   * of the stretch (before and after): the others did not change, though they may have moved.
   * Undefined when the file is not in that state: the caller reads the whole file instead.
   */
  applyDelta(uri: string, delta: CatalogDelta): CatalogUpdate | undefined {
    const file = this.files.get(uri);
    if (!file || file.kept.length > 0 || file.problems.length > 0 || delta.from > delta.to || delta.to > file.papers.length) return undefined;
    const removed = file.papers.slice(delta.from, delta.to);
    const moved = file.papers.slice(delta.to);
    // The moved papers are the objects every index holds: their new place is set in place.
    if (delta.lineShift !== 0) for (const paper of moved) moveLines(paper, delta.lineShift);
    file.papers = [...file.papers.slice(0, delta.from), ...delta.papers, ...moved];
    file.text = undefined;
    return { uri, before: removed, after: delta.papers, entriesRead: file.papers.length, problems: 0 };
  }

  remove(uri: string): CatalogUpdate | undefined {
    const previous = this.files.get(uri);
    if (!previous) return undefined;
    this.files.delete(uri);
    return { uri, before: previous.papers, after: [], entriesRead: 0, problems: 0 };
  }
}

const zeroRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A read is broken when the reader could not parse part of the file (not for warnings such as duplicates). */
function isBroken(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.code.startsWith('catalog.parse'));
}

function preview(keys: readonly string[]): string {
  return keys.length <= 5 ? keys.join(', ') : `${keys.slice(0, 5).join(', ')}, …`;
}

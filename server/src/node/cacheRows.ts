/**
 * The cache rows (node/catalogCache.ts) of each catalog as of its last read, for writing its cache
 * again after an edit. At 100,000 papers they are 40 MB of the worker's heap, needed a second after
 * each edit only: once a cache is written its rows are dropped, and the cache file stands for them,
 * with the deltas read since; the next write reads them back from it, a piece at a time.
 */
import { decodePiece, encodedRow, readCachePieces, type CatalogStat } from './catalogCache';
import { isProvisionalRow } from '../service/provisionalPapers';

interface RowEdit {
  from: number;
  to: number;
  rows: string[];
}

export class CacheRows {
  private readonly inMemory = new Map<string, string[]>();
  /** Catalogs whose rows are their cache file (written for `stat`) plus `edits`, in order. */
  private readonly inCache = new Map<string, { catalogPath: string; stat: CatalogStat; edits: RowEdit[] }>();
  /** Per catalog: how many reads changed its rows, to tell whether rows still are those of a given read. */
  private readonly reads = new Map<string, number>();

  constructor(private readonly server: () => string) {}

  /** A whole read: these are the rows now. */
  replace(uri: string, rows: string[]): void {
    this.inMemory.set(uri, rows);
    this.inCache.delete(uri);
    this.changed(uri);
  }

  /** A delta: rows `from` to `to` (exclusive) became `rows`. */
  edit(uri: string, edit: RowEdit): void {
    const rows = this.inMemory.get(uri);
    if (rows) rows.splice(edit.from, edit.to - edit.from, ...edit.rows);
    else this.inCache.get(uri)?.edits.push(edit);
    this.changed(uri);
  }

  /** Changes with every read that changed the rows. */
  version(uri: string): number {
    return this.reads.get(uri) ?? 0;
  }

  /**
   * The rows as of the last read, in steps (reading them back from the cache); undefined when they
   * are lost (the cache file was changed or deleted meanwhile). The caller stops stepping when the
   * version changes: nothing is changed here before the last step.
   */
  *current(uri: string, cacheDir: string): Generator<void, string[] | undefined, void> {
    const rows = this.inMemory.get(uri);
    if (rows) return rows;
    const cached = this.inCache.get(uri);
    if (!cached) return undefined;
    const pieces = readCachePieces(cacheDir, cached.catalogPath, this.server(), cached.stat);
    const written: string[] = [];
    for (const piece of pieces?.pieces ?? []) {
      const decoded = decodePiece(piece.rows);
      if (!decoded.every(isProvisionalRow)) break;
      for (const row of decoded) written.push(encodedRow(row));
      yield;
    }
    this.inCache.delete(uri);
    if (!pieces || written.length !== pieces.papers) return undefined;
    for (const edit of cached.edits) written.splice(edit.from, edit.to - edit.from, ...edit.rows);
    this.inMemory.set(uri, written);
    return written;
  }

  /** The cache of `uri` now holds `current(uri)`, for the file as it was at `stat`: the rows can go. */
  cacheWritten(uri: string, catalogPath: string, stat: CatalogStat): void {
    this.inMemory.delete(uri);
    this.inCache.set(uri, { catalogPath, stat, edits: [] });
  }

  forget(uri: string): void {
    this.inMemory.delete(uri);
    this.inCache.delete(uri);
    this.reads.delete(uri);
  }

  private changed(uri: string): void {
    this.reads.set(uri, this.version(uri) + 1);
  }
}

/**
 * The on-disk cache of catalogs' keys, titles, authors and years, so the next start has completion
 * at once, before the catalog is read again. It never replaces reading the file: its papers are
 * provisional and go away when the fresh read is indexed.
 *
 * One file per catalog in the cache folder (the client's storage folder, else
 * `$XDG_CACHE_HOME/litnotes` or `~/.cache/litnotes`), named by a hash of the catalog's path, in lines:
 *   { format: CACHE_FORMAT, server, catalog, size, mtimeMs, papers, pieces }
 *   [[key, title, [family…], year], …]      one line per piece of ROWS_PER_PIECE papers
 * Pieces are lines so the worker sends them to the main thread as the bytes they are, unparsed
 * (parsing 100,000 rows in the worker and encoding them again cost 250 ms of a warm start); the
 * main thread parses one piece per indexing slice and drops whatever is not a row.
 * It is used only when format, server version, catalog path, size and mtime all equal the file's
 * now and every piece is there; a broken or foreign file is ignored. Its text is catalog text like
 * any other (escaped where shown), never a path: the file name is computed, not read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { skimmedPaper } from '../catalog/bibtexSkim';
import type { Paper } from '../catalog/paper';

export const CACHE_FORMAT = 'litnotes-catalog-cache/2';
/** Rows per line: one line is parsed in a few milliseconds. */
const ROWS_PER_PIECE = 500;

/** One paper as cached: key, title, authors' family names, year. */
export type CacheRow = [string, string, string[], string];

export interface CatalogStat {
  size: number;
  mtimeMs: number;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'litnotes');
}

export function cacheFileOf(cacheDir: string, catalogPath: string): string {
  return path.join(cacheDir, `catalog-${createHash('sha256').update(catalogPath).digest('hex').slice(0, 24)}.json`);
}

export function cacheRow(paper: Paper): CacheRow {
  return [paper.key, paper.title ?? '', paper.authors.map((a) => a.family ?? a.literal ?? '').filter(Boolean), paper.year ?? ''];
}

/**
 * A row as the JSON it is written as. The worker keeps rows this way: a row's strings are slices of
 * the catalog's text, and one slice kept keeps the whole text (176 MB at 100k papers) alive.
 */
export function encodedRow(row: CacheRow): string {
  return JSON.stringify(row);
}

/** Writes the cache of `catalogPath` as it is now (`stat`): `rows` as `encodedRow` made them. */
export function writeCache(cacheDir: string, catalogPath: string, stat: CatalogStat, server: string, rows: readonly string[]): void {
  mkdirSync(cacheDir, { recursive: true });
  const file = cacheFileOf(cacheDir, catalogPath);
  const temporary = `${file}.${process.pid}.tmp`;
  const pieces = Math.ceil(rows.length / ROWS_PER_PIECE);
  const lines = [JSON.stringify({ format: CACHE_FORMAT, server, catalog: catalogPath, size: stat.size, mtimeMs: stat.mtimeMs, papers: rows.length, pieces })];
  for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) lines.push(`[${rows.slice(i, i + ROWS_PER_PIECE).join(',')}]`);
  writeFileSync(temporary, lines.join('\n') + '\n');
  renameSync(temporary, file); // never a half-written cache file
}

/**
 * The cached pieces of `catalogPath` as bytes (each a JSON list of rows, not parsed here) and the
 * number of papers, or undefined when there is no valid cache for the file as it is now.
 */
export function readCachePieces(cacheDir: string, catalogPath: string, server: string): { pieces: Uint8Array[]; papers: number } | undefined {
  let bytes: Buffer;
  let stat: CatalogStat;
  let header: unknown;
  try {
    stat = statSync(catalogPath);
    bytes = readFileSync(cacheFileOf(cacheDir, catalogPath));
    const headerEnd = bytes.indexOf(10);
    header = JSON.parse(bytes.toString('utf8', 0, headerEnd < 0 ? bytes.length : headerEnd));
  } catch {
    return undefined;
  }
  if (!isRecord(header) || header.format !== CACHE_FORMAT || header.server !== server || header.catalog !== catalogPath) return undefined;
  if (header.size !== stat.size || header.mtimeMs !== stat.mtimeMs || typeof header.papers !== 'number' || typeof header.pieces !== 'number') return undefined;
  const pieces: Uint8Array[] = [];
  for (let start = bytes.indexOf(10) + 1; start < bytes.length; ) {
    const end = bytes.indexOf(10, start);
    if (end < 0) return undefined; // cut short
    pieces.push(new Uint8Array(bytes.subarray(start, end))); // a copy of its own, to be transferred
    start = end + 1;
  }
  return pieces.length === header.pieces ? { pieces, papers: header.papers } : undefined;
}

/** The items of one JSON list the worker sent (cached or skimmed rows, papers); anything else gives none. */
export function decodePiece(piece: Uint8Array): unknown[] {
  try {
    // Buffer's decoder is several times faster than TextDecoder here.
    const value: unknown = JSON.parse(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8'));
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** Every cached row of `catalogPath`, checked, or undefined when there is no valid cache (tests and tools; the worker sends pieces). */
export function readCache(cacheDir: string, catalogPath: string, server: string): CacheRow[] | undefined {
  const cached = readCachePieces(cacheDir, catalogPath, server);
  if (!cached) return undefined;
  const rows = cached.pieces.flatMap(decodePiece);
  return rows.length === cached.papers && rows.every(isCacheRow) ? rows : undefined;
}

export function isCacheRow(row: unknown): row is CacheRow {
  if (!Array.isArray(row) || row.length !== 4) return false;
  const [key, title, families, year] = row as unknown[];
  return typeof key === 'string' && key !== '' && typeof title === 'string' && typeof year === 'string' && Array.isArray(families) && families.every((f) => typeof f === 'string');
}

/** Cache rows (or a skim's) as provisional papers of `uri`; rows that are not rows are dropped. */
export function provisionalPapers(rows: readonly unknown[], uri: string): Paper[] {
  const papers: Paper[] = [];
  for (const row of rows) {
    if (!isCacheRow(row)) continue;
    const [key, title, families, year] = row;
    const paper = skimmedPaper(key, 'misc', uri);
    if (title) paper.title = title;
    if (year) paper.year = year;
    paper.authors = families.map((family) => ({ family }));
    papers.push(paper);
  }
  return papers;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

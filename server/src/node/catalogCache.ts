/**
 * The on-disk cache of catalogs' keys, titles, authors and years, so the next start has completion
 * at once, before the catalog is read again. It never replaces reading the file: its papers are
 * provisional and go away when the fresh read is indexed.
 *
 * One JSON file per catalog in the cache folder (the client's storage folder, else
 * `$XDG_CACHE_HOME/litnotes` or `~/.cache/litnotes`), named by a hash of the catalog's path:
 *   { format: CACHE_FORMAT, server, catalog, size, mtimeMs, papers: [[key, title, [family…], year], …] }
 * It is used only when format, server version, catalog path, size and mtime all equal the file's
 * now; a broken or foreign file is ignored. Its text is catalog text like any other (escaped where
 * shown), never a path: the file name is computed, not read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { skimmedPaper } from '../catalog/bibtexSkim';
import type { Paper } from '../catalog/paper';

export const CACHE_FORMAT = 'litnotes-catalog-cache/1';

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

export function writeCache(cacheDir: string, catalogPath: string, stat: CatalogStat, server: string, rows: readonly CacheRow[]): void {
  mkdirSync(cacheDir, { recursive: true });
  const file = cacheFileOf(cacheDir, catalogPath);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ format: CACHE_FORMAT, server, catalog: catalogPath, size: stat.size, mtimeMs: stat.mtimeMs, papers: rows }));
  renameSync(temporary, file); // never a half-written cache file
}

/** The cached rows of `catalogPath`, or undefined when there is no valid cache for the file as it is now. */
export function readCache(cacheDir: string, catalogPath: string, server: string): CacheRow[] | undefined {
  let data: unknown;
  let stat: CatalogStat;
  try {
    stat = statSync(catalogPath);
    data = JSON.parse(readFileSync(cacheFileOf(cacheDir, catalogPath), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.format !== CACHE_FORMAT || data.server !== server || data.catalog !== catalogPath) return undefined;
  if (data.size !== stat.size || data.mtimeMs !== stat.mtimeMs || !Array.isArray(data.papers)) return undefined;
  return data.papers.every(isCacheRow) ? (data.papers as CacheRow[]) : undefined;
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

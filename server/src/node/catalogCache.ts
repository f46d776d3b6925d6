/**
 * The on-disk cache of catalogs' keys, titles, authors and years, so the next start has completion
 * at once, before the catalog is read again. It never replaces reading the file: its papers are
 * provisional and go away when the fresh read is indexed.
 *
 * One file per catalog of 1 MB or more (a smaller one is read faster than its cache), in the cache
 * folder (the client's storage folder, else `$XDG_CACHE_HOME/litnotes` or `~/.cache/litnotes`),
 * named by a hash of the catalog's path, in lines:
 *   { format: CACHE_FORMAT, server, catalog, size, mtimeMs, papers, pieces }
 *   then per piece of ROWS_PER_PIECE papers two lines:
 *   [[key, title, [family…], year], …]      the rows
 *   \tkey\u0001Key words…\tkey…             their search text (`searchTextOf`)
 * Pieces are lines so the worker sends them to the main thread as the bytes they are, unparsed
 * (parsing 100,000 rows in the worker and encoding them again cost 250 ms of a warm start). The
 * search text is stored so the main thread searches at once: it parses a piece's rows only when a
 * search finds one of them, and drops whatever is not a row.
 * It is used only when format, server version, catalog path, size and mtime all equal the file's
 * now and every piece is there; a broken or foreign file is ignored. Its text is catalog text like
 * any other (escaped where shown), never a path: the file name is computed, not read.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { isProvisionalRow, searchTextOf, type ProvisionalRow } from '../service/provisionalPapers';

export const CACHE_FORMAT = 'litnotes-catalog-cache/4';
/** Rows per line: one line is parsed in a few milliseconds. */
const ROWS_PER_PIECE = 500;


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

/**
 * A row as the JSON it is written as. The worker keeps rows this way: a row's strings are slices of
 * the catalog's text, and one slice kept keeps the whole text (176 MB at 100k papers) alive.
 */
export function encodedRow(row: ProvisionalRow): string {
  return JSON.stringify(row);
}

/** Writes the cache of `catalogPath` as it is now (`stat`): `rows` as `encodedRow` made them. */
export function writeCache(cacheDir: string, catalogPath: string, stat: CatalogStat, server: string, rows: readonly string[]): void {
  for (const _step of writeCacheSteps(cacheDir, catalogPath, stat, server, rows)) {
    // all at once
  }
}

/** `writeCache` a piece at a time (the search text of 100,000 rows takes 300 ms): the worker reads an edit between steps. */
export function* writeCacheSteps(cacheDir: string, catalogPath: string, stat: CatalogStat, server: string, rows: readonly string[]): Generator<void, void, void> {
  const pieces = Math.ceil(rows.length / ROWS_PER_PIECE);
  mkdirSync(cacheDir, { recursive: true });
  const file = cacheFileOf(cacheDir, catalogPath);
  const temporary = `${file}.${process.pid}.tmp`;
  // Written a piece at a time: the whole file as one string (and its UTF-8) was 200 MB of the
  // worker's heap at 100,000 papers, right when the main thread finishes indexing.
  const fd = openSync(temporary, 'w');
  let done = false;
  try {
    const write = (line: string) => writeAll(fd, Buffer.from(`${line}\n`, 'utf8'));
    write(JSON.stringify({ format: CACHE_FORMAT, server, catalog: catalogPath, size: stat.size, mtimeMs: stat.mtimeMs, papers: rows.length, pieces }));
    for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) {
      const piece = `[${rows.slice(i, i + ROWS_PER_PIECE).join(',')}]`;
      write(piece);
      write(searchTextOf(JSON.parse(piece) as unknown[]));
      yield;
    }
    done = true;
  } finally {
    closeSync(fd);
    if (done) renameSync(temporary, file); // never a half-written cache file
    else rmSync(temporary, { force: true });
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
}

/**
 * A piece as the worker sends it: rows (a JSON list) and their search text, as UTF-8 bytes, and
 * where each row starts in `rows` (`rowStarts[n]` is one past the list's end): row k is the bytes
 * from `rowStarts[k]` to `rowStarts[k + 1] - 1`. The main thread decodes only the rows it shows.
 */
export interface PieceBytes {
  rows: Uint8Array;
  text: Uint8Array;
  rowStarts: Uint32Array;
}

/**
 * The cached pieces of `catalogPath` as bytes (not parsed here) and the number of papers, or
 * undefined when there is no valid cache for the file as it is now (or as it was: `written`).
 */
export function readCachePieces(cacheDir: string, catalogPath: string, server: string, written?: CatalogStat): { pieces: PieceBytes[]; papers: number } | undefined {
  const pieces: PieceBytes[] = [];
  const read = forEachCachePiece(cacheDir, catalogPath, server, written, (piece) => pieces.push(piece));
  return read?.complete ? { pieces, papers: read.papers } : undefined;
}

/** Bytes read from a cache file at a time: the first piece goes out before the rest is read. */
const CACHE_READ_CHUNK = 1 << 20;

/**
 * `readCachePieces` a piece at a time, as the file is read: `visit` has each piece as soon as its two
 * lines are in (at 100k papers the whole 31 MB file took 80–190 ms to read before the first piece
 * went out). Undefined when the header says the cache is not for the file as it is (no piece given);
 * `complete` false when the file ends early or a piece is broken (the pieces before it were given).
 */
export function forEachCachePiece(cacheDir: string, catalogPath: string, server: string, written: CatalogStat | undefined, visit: (piece: PieceBytes) => void): { papers: number; complete: boolean } | undefined {
  let handle: number;
  let stat: CatalogStat;
  try {
    stat = written ?? statSync(catalogPath);
    handle = openSync(cacheFileOf(cacheDir, catalogPath), 'r');
  } catch {
    return undefined;
  }
  let header: { papers: number; pieces: number } | undefined;
  try {
    const chunk = Buffer.allocUnsafe(CACHE_READ_CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let rows: Uint8Array | undefined;
    let pieces = 0;
    for (let position = 0; ; ) {
      const count = readSync(handle, chunk, 0, chunk.length, position);
      position += count;
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, count)]) : chunk.subarray(0, count);
      let start = 0;
      for (let end = bytes.indexOf(10); end >= 0; start = end + 1, end = bytes.indexOf(10, start)) {
        if (!header) {
          header = cacheHeader(bytes.toString('utf8', start, end), catalogPath, server, stat);
          if (!header) return undefined;
          continue;
        }
        const line = new Uint8Array(bytes.subarray(start, end)); // a copy of its own, to be transferred
        if (!rows) {
          rows = line;
          continue;
        }
        const rowStarts = listItemStarts(rows);
        if (!rowStarts) return { papers: header.papers, complete: false };
        visit({ rows, text: line, rowStarts });
        rows = undefined;
        pieces++;
      }
      if (count === 0) {
        // A header without a line end is a file cut short, as is a piece without its text.
        if (!header) return undefined;
        return { papers: header.papers, complete: start === bytes.length && rows === undefined && pieces === header.pieces };
      }
      carry = Buffer.from(bytes.subarray(start)); // a copy: `chunk` is read into again
    }
  } catch {
    return header ? { papers: header.papers, complete: false } : undefined;
  } finally {
    closeSync(handle);
  }
}

/** The header line's papers and pieces, when it is a cache of this format, server and catalog as it is. */
function cacheHeader(line: string, catalogPath: string, server: string, stat: CatalogStat): { papers: number; pieces: number } | undefined {
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(header) || header.format !== CACHE_FORMAT || header.server !== server || header.catalog !== catalogPath) return undefined;
  if (header.size !== stat.size || header.mtimeMs !== stat.mtimeMs || typeof header.papers !== 'number' || typeof header.pieces !== 'number') return undefined;
  return { papers: header.papers, pieces: header.pieces };
}

/** Rows and their search text as bytes to transfer: the worker's skim sends these. */
export function pieceBytes(rows: readonly ProvisionalRow[]): PieceBytes {
  const encoded = rows.map((row) => JSON.stringify(row));
  const rowStarts = new Uint32Array(rows.length + 1);
  rowStarts[0] = 1; // after the list's [
  encoded.forEach((row, k) => (rowStarts[k + 1] = rowStarts[k] + Buffer.byteLength(row) + 1)); // and its , or ]
  return { rows: ownBytes(`[${encoded.join(',')}]`), text: ownBytes(searchTextOf(rows)), rowStarts };
}

/**
 * Where each item of a JSON list (UTF-8) starts, and one past its closing bracket, as `rowStarts`;
 * undefined when the bytes are not one list. Strings are skipped whole: brackets and commas in a
 * title are text (a byte under 0x80 is always its own character in UTF-8).
 */
export function listItemStarts(bytes: Uint8Array): Uint32Array | undefined {
  let i = 0;
  while (i < bytes.length && bytes[i] <= 32) i++;
  if (bytes[i] !== 0x5b /* [ */) return undefined;
  const starts = [i + 1];
  let depth = 0;
  for (i++; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22 /* " */) {
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c /* \ */) i++;
    } else if (b === 0x5b || b === 0x7b /* { */) {
      depth++;
    } else if (b === 0x5d /* ] */ || b === 0x7d /* } */) {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (b !== 0x5d) return undefined;
      let empty = starts.length === 1;
      for (let j = starts[0]; j < i && empty; j++) empty = bytes[j] <= 32;
      return Uint32Array.from(empty ? [i + 1] : [...starts, i + 1]);
    } else if (b === 0x2c /* , */ && depth === 0) {
      starts.push(i + 1);
    }
  }
  return undefined; // no closing bracket
}

/** The buffers a piece moves to the main thread with. */
export function pieceTransfer(piece: PieceBytes): ArrayBuffer[] {
  return [piece.rows.buffer as ArrayBuffer, piece.text.buffer as ArrayBuffer, piece.rowStarts.buffer as ArrayBuffer];
}

/**
 * One row of a piece, decoded when asked for: a search during a start shows papers from many
 * pieces, and decoding each whole piece (500 rows) for the few shown took the first `[@` after the
 * notes were read 58 of its 65 ms at 100,000 papers (46 pieces). Undefined for a row that is not
 * there or does not parse.
 */
export function pieceRow(piece: PieceBytes): (k: number) => unknown {
  const { rows, rowStarts } = piece;
  return (k) => {
    if (!(k >= 0 && k + 1 < rowStarts.length)) return undefined;
    const start = rowStarts[k];
    const end = rowStarts[k + 1] - 1;
    if (!(start <= end && end <= rows.length)) return undefined;
    try {
      return JSON.parse(decodeText(rows.subarray(start, end)));
    } catch {
      return undefined;
    }
  };
}

const utf8 = new TextEncoder();

/**
 * UTF-8 bytes in an ArrayBuffer of their own (a transfer needs its own; a Buffer may share a pooled
 * one). TextEncoder, not Buffer.from: 2–5× faster on the batches a 100k catalog is sent in, whose
 * JSON is two-byte text (42 MB: 112–451 → 50–78 ms, measured in one process).
 */
export function ownBytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/** Bytes the worker sent as a string. */
export function decodeText(bytes: Uint8Array): string {
  // Buffer's decoder is several times faster than TextDecoder here.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The items of one JSON list the worker sent (cached or skimmed rows, papers); anything else gives none. */
export function decodePiece(piece: Uint8Array): unknown[] {
  try {
    const value: unknown = JSON.parse(decodeText(piece));
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** Every cached row of `catalogPath`, checked, or undefined when there is no valid cache (the worker sends pieces; `written`: see `readCachePieces`). */
export function readCache(cacheDir: string, catalogPath: string, server: string, written?: CatalogStat): ProvisionalRow[] | undefined {
  const cached = readCachePieces(cacheDir, catalogPath, server, written);
  if (!cached) return undefined;
  const rows = cached.pieces.flatMap((piece) => decodePiece(piece.rows));
  return rows.length === cached.papers && rows.every(isProvisionalRow) ? rows : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

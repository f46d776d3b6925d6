/**
 * The last Zotero library read, on disk: the next start has every paper at once, with Zotero
 * running or not, and asks Zotero only for what changed since (versions, `dateModified`).
 *
 * One file per Zotero URL in the cache folder (`zotero-<hash of the URL>.json`), in lines:
 *   { format, server, url, version, watermark, complete, written, items }
 *   then lines of up to ENTRIES_PER_LINE entries: [itemKey, version, dateModified, keySource, paper | null, baseKey | null]
 *   then, appended after edits, journal lines: { journal: 1, state, upsert: [entries…], remove: [itemKeys…] }
 * An edit appends a line of the entries it changed (rewriting 20,000 papers cost 160–320 ms of CPU
 * per edit); the whole file is written again after a whole read and when the journal grows long.
 * A journal line cut short (the process killed while appending) ends the journal there.
 * A paper is stored without its `source` (it is the library's). Lines are parsed one per turn of the
 * event loop (20,000 papers with abstracts are 30 MB of JSON). A file of another format, server
 * version or URL is ignored; an entry that is not what this file writes is dropped. The file is
 * written to a temporary name and renamed: never half-written.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Paper, Person } from '../../catalog/paper';
import { isZoteroItemKey, ZOTERO_CATALOG_URI, type ZoteroKeySource } from '../../catalog/zotero';
import type { ZoteroEntry } from '../../service/zoteroLibrary';

export const ZOTERO_CACHE_FORMAT = 'litnotes-zotero-cache/1';
/** A line is decoded and parsed in one turn: a few milliseconds with abstracts. */
const ENTRIES_PER_LINE = 200;
const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const KEY_SOURCES: readonly ZoteroKeySource[] = ['better-bibtex', 'citation-key-field', 'extra', 'generated'];

export interface ZoteroCacheState {
  version: number;
  watermark: string;
  complete: boolean;
  /** When the library was last read from Zotero (ISO time). */
  written: string;
}

export function zoteroCacheFile(cacheDir: string, url: string): string {
  return path.join(cacheDir, `zotero-${createHash('sha256').update(url).digest('hex').slice(0, 24)}.json`);
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function writeZoteroCache(cacheDir: string, url: string, server: string, state: ZoteroCacheState, entries: readonly ZoteroEntry[]): Promise<void> {
  const lines = [JSON.stringify({ format: ZOTERO_CACHE_FORMAT, server, url, ...state, items: entries.length })];
  for (let i = 0; i < entries.length; i += ENTRIES_PER_LINE) {
    lines.push(JSON.stringify(entries.slice(i, i + ENTRIES_PER_LINE).map(entryRow)));
    await yieldTurn();
  }
  await mkdir(cacheDir, { recursive: true });
  const file = zoteroCacheFile(cacheDir, url);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, lines.join('\n') + '\n');
  await rename(temporary, file);
}

/** Appends the entries changed since the file was written (and the new sync state) to the cache of `url`. */
export async function appendZoteroCache(cacheDir: string, url: string, state: ZoteroCacheState, entries: readonly ZoteroEntry[], removed: readonly string[]): Promise<void> {
  await appendFile(zoteroCacheFile(cacheDir, url), JSON.stringify({ journal: 1, state, upsert: entries.map(entryRow), remove: removed }) + '\n');
}

/** The cached library of `url`, or undefined when there is none usable. */
export async function readZoteroCache(cacheDir: string, url: string, server: string): Promise<{ state: ZoteroCacheState; entries: ZoteroEntry[] } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(zoteroCacheFile(cacheDir, url));
  } catch {
    return undefined;
  }
  // Decoded a line at a time: the whole file as one string took 150 ms of one turn at 20,000 papers.
  const ends: number[] = [];
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) ends.push(at);
  if (ends.length === 0) return undefined;
  // Bytes after the last line break are a line cut short: left out (the checks below judge what is left).
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, ends[0])) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!header || header.format !== ZOTERO_CACHE_FORMAT || header.server !== server || header.url !== url) return undefined;
  const entries = new Map<string, ZoteroEntry>();
  let base = 0;
  let dropped = 0;
  let state = stateOf(header);
  for (let i = 1; i < ends.length; i++) {
    const line = bytes.toString('utf8', ends[i - 1] + 1, ends[i]);
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (base === header.items) break; // a journal line cut short: the journal ends before it
      return undefined; // the snapshot cut short: the next read from Zotero makes a whole one
    }
    if (Array.isArray(parsed)) {
      for (const row of parsed) {
        const entry = rowEntry(row);
        if (entry) entries.set(entry.record.itemKey, entry);
        else dropped++;
        base++;
      }
    } else if (parsed && typeof parsed === 'object' && (parsed as { journal?: unknown }).journal === 1) {
      const journal = parsed as { state?: unknown; upsert?: unknown; remove?: unknown };
      for (const row of Array.isArray(journal.upsert) ? journal.upsert : []) {
        const entry = rowEntry(row);
        if (entry) entries.set(entry.record.itemKey, entry);
      }
      for (const itemKey of Array.isArray(journal.remove) ? journal.remove : []) if (typeof itemKey === 'string') entries.delete(itemKey);
      if (journal.state && typeof journal.state === 'object') state = { ...stateOf(journal.state as Record<string, unknown>), complete: state.complete && (journal.state as { complete?: unknown }).complete === true };
    } else return undefined;
    await yieldTurn();
  }
  if (base !== header.items) return undefined; // the snapshot cut short: the next read from Zotero makes a whole one
  // Rows dropped from the snapshot (not what this file writes): their items are read again.
  return { state: { ...state, complete: state.complete && dropped === 0 }, entries: [...entries.values()] };
}

function stateOf(record: Record<string, unknown>): ZoteroCacheState {
  return {
    version: typeof record.version === 'number' ? record.version : 0,
    watermark: typeof record.watermark === 'string' ? record.watermark : '',
    complete: record.complete === true,
    written: typeof record.written === 'string' ? record.written : '',
  };
}

function entryRow(entry: ZoteroEntry): unknown[] {
  let paper: Record<string, unknown> | null = null;
  if (entry.paper) {
    const { source: _source, storedAbstract: _stored, ...rest } = entry.paper;
    paper = rest;
  }
  return [entry.record.itemKey, entry.record.version, entry.record.dateModified, entry.keySource ?? null, paper, entry.baseKey ?? null];
}

function rowEntry(row: unknown): ZoteroEntry | undefined {
  if (!Array.isArray(row) || row.length < 5) return undefined;
  const [itemKey, version, dateModified, keySource, paper, baseKey] = row as unknown[];
  if (!isZoteroItemKey(itemKey) || typeof version !== 'number' || typeof dateModified !== 'string') return undefined;
  const entry: ZoteroEntry = { record: { itemKey, version, dateModified } };
  if (paper !== null) {
    const checked = checkedPaper(paper, itemKey);
    if (!checked || !KEY_SOURCES.includes(keySource as ZoteroKeySource)) return undefined;
    entry.paper = checked;
    entry.keySource = keySource as ZoteroKeySource;
    if (typeof baseKey === 'string') entry.baseKey = baseKey;
  }
  return entry;
}

const TEXT_FIELDS = ['title', 'year', 'date', 'venue', 'publisher', 'volume', 'issue', 'pages', 'abstract', 'doi', 'url', 'arxiv', 'note'] as const;

/** A paper as this file writes it, checked field by field: anything else is not used. */
function checkedPaper(value: unknown, itemKey: string): Paper | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.key !== 'string' || raw.key === '' || typeof raw.type !== 'string') return undefined;
  const persons = (list: unknown) => (Array.isArray(list) && list.every(isPerson) ? (list as Person[]) : undefined);
  const strings = (list: unknown) => (Array.isArray(list) && list.every((s) => typeof s === 'string') ? (list as string[]) : undefined);
  const authors = persons(raw.authors);
  const keywords = strings(raw.keywords);
  if (!authors || !keywords) return undefined;
  const paper: Paper = { key: raw.key, type: raw.type, authors, keywords, files: strings(raw.files) ?? [], zoteroKey: itemKey, source: { uri: ZOTERO_CATALOG_URI, range: NOWHERE, keyRange: NOWHERE } };
  for (const field of TEXT_FIELDS) {
    const text = raw[field];
    if (typeof text === 'string') paper[field] = text;
  }
  const editors = persons(raw.editors);
  if (editors && editors.length > 0) paper.editors = editors;
  return paper;
}

function isPerson(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(([k, v]) => ['family', 'given', 'particle', 'suffix', 'literal'].includes(k) && typeof v === 'string');
}

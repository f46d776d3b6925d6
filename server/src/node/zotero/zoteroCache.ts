/**
 * The last Zotero library read, on disk: the next start has every paper at once, with Zotero
 * running or not, and asks Zotero only for what changed since (versions, `dateModified`).
 *
 * One file per Zotero URL in the cache folder (`zotero-<hash of the URL>.json`), in lines:
 *   { format, server, url, version, watermark, complete, written, items }
 *   then lines of up to ENTRIES_PER_LINE entries: [itemKey, version, dateModified, keySource, paper | null]
 * A paper is stored without its `source` (it is the library's). Lines are parsed one per turn of the
 * event loop (20,000 papers with abstracts are 30 MB of JSON). A file of another format, server
 * version or URL is ignored; an entry that is not what this file writes is dropped. The file is
 * written to a temporary name and renamed: never half-written.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
  if (ends.length === 0 || ends[ends.length - 1] !== bytes.length - 1) return undefined; // cut short
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, ends[0])) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!header || header.format !== ZOTERO_CACHE_FORMAT || header.server !== server || header.url !== url) return undefined;
  const entries: ZoteroEntry[] = [];
  for (let i = 1; i < ends.length; i++) {
    const line = bytes.toString('utf8', ends[i - 1] + 1, ends[i]);
    if (line.trim() === '') continue;
    let rows: unknown;
    try {
      rows = JSON.parse(line);
    } catch {
      return undefined; // cut short: the next read from Zotero makes a whole one
    }
    if (!Array.isArray(rows)) return undefined;
    for (const row of rows) {
      const entry = rowEntry(row);
      if (entry) entries.push(entry);
    }
    await yieldTurn();
  }
  const state: ZoteroCacheState = {
    version: typeof header.version === 'number' ? header.version : 0,
    watermark: typeof header.watermark === 'string' ? header.watermark : '',
    complete: header.complete === true && entries.length === header.items,
    written: typeof header.written === 'string' ? header.written : '',
  };
  return { state, entries };
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

/**
 * Zotero 7's local API (`/api/users/0/…`, the web API v3 served by the running Zotero): the items
 * of the user's library in pages, the key → version list that tells what changed, items by key,
 * the most recently modified items, and an item's children (notes, attachments, annotations).
 *
 * What the sources say and this client relies on (chrome/content/zotero/xpcom/server/server_localAPI.js):
 * - `start`/`limit` page a list; `Total-Results` counts the whole list. The local API has no maximum
 *   page size, the web API caps at 100: pages advance by what came, until `Total-Results`.
 * - `Last-Modified-Version` is the library's version; `If-Modified-Since-Version: V` gives 304 when
 *   it is not above V (never for V = 0). `since=V` keeps objects with a version above V.
 * - Versions are those of sync: in Zotero 7 an edit made without syncing keeps its version (Zotero
 *   8+ tracks local ones). `dateModified` changes with every edit, synced or not.
 * - 403 "Local API is not enabled" when the user has not turned it on; trashed items are left out.
 */
import { itemData, isZoteroItemKey } from '../../catalog/zotero';
import { parseJson, urlOf, ZoteroError, zoteroRequest, type ZoteroAnswer } from './http';

export interface LocalApiOptions {
  /** Deadline of one request. */
  timeoutMs?: number;
  /** Items asked for per page: the web API's maximum, which the local API also accepts. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ItemsPage {
  /** The items of the page as Zotero sent them (`format=json`: `{ key, version, meta, data }`). */
  items: unknown[];
  /** `Total-Results`: the whole list's length. */
  total: number;
  /** `Last-Modified-Version`, when sent. */
  libraryVersion: number | undefined;
}

export interface LibraryVersions {
  /** Item key → version, for every top-level item of the library. */
  versions: Map<string, number>;
  libraryVersion: number | undefined;
}

/** What one cheap request says about the library, to tell whether anything changed. */
export interface LibraryFingerprint {
  total: number;
  libraryVersion: number | undefined;
  /** The most recently modified item: its key and `dateModified`. */
  newestKey?: string;
  newestModified?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** `itemKey=` lists at most this many keys (the web API's limit). */
const KEYS_PER_REQUEST = 50;
/** A list that claims more pages than this is not believed (a library of 5 million items). */
const MAX_PAGES = 50_000;

export const LOCAL_API_OFF_HELP = 'Turn it on in Zotero: Settings → Advanced → “Allow other applications on this computer to communicate with Zotero”.';

export class LocalApiClient {
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  /** `/items/top` (top-level items: no attachments, notes or annotations); `/items` where Zotero has no `/top`. */
  private itemsPath = '/api/users/0/items/top';
  /** Whether the server takes `format=versions` and `sort` (Zotero does; a server that refuses one is read without it). */
  private versionsFormat = true;
  private sorting = true;

  constructor(
    private readonly base: URL,
    private readonly options: LocalApiOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pageSize = options.pageSize ?? 100;
  }

  /** One page of items, oldest added first (edits do not move items between pages while they are read). */
  async page(start: number, limit = this.pageSize): Promise<ItemsPage> {
    const answer = await this.items({ format: 'json', sort: 'dateAdded', direction: 'asc', start: String(start), limit: String(limit) });
    const items = parseJson(answer, 'Zotero (items)');
    if (!Array.isArray(items)) throw new ZoteroError('malformed', `Zotero sent ${describe(items)} where a list of items belongs (${this.itemsPath}).`);
    // Without `Total-Results`, a full page means there may be more.
    return { items, total: totalOf(answer, start + items.length + (items.length >= limit ? 1 : 0)), libraryVersion: versionOf(answer) };
  }

  /** Every page of the library in order; `onPage` gets each as it comes (a 50,000-item library is 500 pages). */
  async readAll(onPage: (page: ItemsPage, done: number) => void | Promise<void>): Promise<{ total: number; libraryVersion: number | undefined }> {
    let start = 0;
    let first: ItemsPage | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.page(start);
      first ??= page;
      start += page.items.length;
      await onPage(page, start);
      if (page.items.length === 0 || start >= page.total) return { total: page.total, libraryVersion: first.libraryVersion };
    }
    throw new ZoteroError('malformed', `Zotero's list of items did not end after ${MAX_PAGES} pages.`);
  }

  /**
   * Item key → version of every top-level item (`format=versions`), the list changes are told from;
   * with `since`, only of the items whose version is above it. With `ifChangedSince`, undefined when
   * the library's version is not above it (HTTP 304).
   */
  async versions(options: { ifChangedSince?: number; since?: number } = {}): Promise<LibraryVersions | undefined> {
    const { ifChangedSince, since } = options;
    const versions = new Map<string, number>();
    let libraryVersion: number | undefined;
    let start = 0;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const headers = ifChangedSince && start === 0 ? { 'If-Modified-Since-Version': String(ifChangedSince) } : undefined;
      const query = { format: this.versionsFormat ? 'versions' : 'json', ...(since ? { since: String(since) } : {}), ...(start > 0 ? { start: String(start) } : {}) };
      let answer: ZoteroAnswer;
      try {
        answer = await this.items(query, headers);
      } catch (e) {
        // No `format=versions` there: whole items carry their keys and versions too.
        if (!(e instanceof ZoteroError && e.status === 400 && this.versionsFormat)) throw e;
        this.versionsFormat = false;
        answer = await this.items({ ...query, format: 'json' }, headers);
      }
      if (answer.status === 304) return undefined;
      libraryVersion ??= versionOf(answer);
      const body = parseJson(answer, 'Zotero (item versions)');
      let received = 0;
      if (Array.isArray(body)) {
        // An answer with whole items where versions were asked for: their keys and versions are in them.
        for (const item of body) {
          const data = itemData(item);
          const key = (item as { key?: unknown })?.key ?? data?.key;
          if (isZoteroItemKey(key)) versions.set(key, Number((item as { version?: unknown }).version ?? data?.version) || 0);
          received++;
        }
      } else if (body && typeof body === 'object') {
        for (const [key, version] of Object.entries(body)) {
          if (isZoteroItemKey(key)) versions.set(key, typeof version === 'number' ? version : Number(version) || 0);
          received++;
        }
      } else throw new ZoteroError('malformed', `Zotero sent ${describe(body)} where item versions belong.`);
      start += received;
      const total = totalOf(answer, start);
      if (received === 0 || start >= total) return { versions, libraryVersion };
    }
    throw new ZoteroError('malformed', `Zotero's list of item versions did not end after ${MAX_PAGES} pages.`);
  }

  /** The items with these keys (`itemKey=`, 50 per request); keys Zotero does not have are left out. */
  async itemsByKey(keys: readonly string[]): Promise<unknown[]> {
    const items: unknown[] = [];
    const valid = keys.filter(isZoteroItemKey);
    for (let i = 0; i < valid.length; i += KEYS_PER_REQUEST) {
      const batch = valid.slice(i, i + KEYS_PER_REQUEST);
      const answer = await this.items({ format: 'json', itemKey: batch.join(','), limit: String(batch.length) });
      const body = parseJson(answer, 'Zotero (items by key)');
      if (!Array.isArray(body)) throw new ZoteroError('malformed', `Zotero sent ${describe(body)} where a list of items belongs.`);
      const wanted = new Set(batch);
      // A server that ignores `itemKey` sends other items: only the ones asked for count.
      for (const item of body) {
        const key = (item as { key?: unknown })?.key ?? itemData(item)?.key;
        if (typeof key === 'string' && wanted.has(key)) items.push(item);
      }
    }
    return items;
  }

  /**
   * Items modified at or after `since` (a `dateModified`), newest first: the edits made without a
   * sync, which leave versions as they were. Reads pages until an item older than `since`.
   */
  async modifiedSince(since: string): Promise<unknown[]> {
    const items: unknown[] = [];
    // An edit or two is the usual case: a small first page, bigger ones after.
    for (let start = 0, pages = 0, limit = 10; pages < MAX_PAGES; pages++, limit = 50) {
      const answer = await this.items({ format: 'json', sort: 'dateModified', direction: 'desc', start: String(start), limit: String(limit) });
      const body = parseJson(answer, 'Zotero (recently modified items)');
      if (!Array.isArray(body)) throw new ZoteroError('malformed', `Zotero sent ${describe(body)} where a list of items belongs.`);
      for (const item of body) {
        const modified = String(itemData(item)?.dateModified ?? '');
        if (modified < since) return items;
        items.push(item);
      }
      start += body.length;
      if (body.length === 0 || start >= totalOf(answer, start + (body.length >= limit ? 1 : 0))) return items;
    }
    return items;
  }

  /** The library's version, size and most recently modified item, in one small request. */
  async fingerprint(): Promise<LibraryFingerprint> {
    const answer = await this.items({ format: 'json', sort: 'dateModified', direction: 'desc', limit: '1' });
    const body = parseJson(answer, 'Zotero (newest item)');
    if (!Array.isArray(body)) throw new ZoteroError('malformed', `Zotero sent ${describe(body)} where a list of items belongs.`);
    const newest = itemData(body[0]);
    return {
      total: totalOf(answer, body.length),
      libraryVersion: versionOf(answer),
      newestKey: typeof newest?.key === 'string' ? newest.key : undefined,
      newestModified: typeof newest?.dateModified === 'string' ? newest.dateModified : undefined,
    };
  }

  /**
   * The children of an item: its notes (`data.note`, HTML), attachments (`data.path`, `data.contentType`,
   * `links.enclosure`) and, from Zotero 8 on, their annotations. For reading notes and PDFs of a paper.
   */
  async children(itemKey: string): Promise<unknown[]> {
    if (!isZoteroItemKey(itemKey)) throw new ZoteroError('malformed', `'${itemKey}' is not a Zotero item key.`);
    const items: unknown[] = [];
    let start = 0;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const answer = await this.get(`/api/users/0/items/${itemKey}/children`, { format: 'json', ...(start > 0 ? { start: String(start) } : {}) });
      const body = parseJson(answer, 'Zotero (child items)');
      if (!Array.isArray(body)) throw new ZoteroError('malformed', `Zotero sent ${describe(body)} where a list of child items belongs.`);
      items.push(...body);
      start += body.length;
      if (body.length === 0 || start >= totalOf(answer, start)) return items;
    }
    return items;
  }

  /**
   * A GET of the top-level items list; falls back to `/items` once where `/items/top` is not
   * served, and to no `sort` where sorting is refused (the order then is the server's).
   */
  private async items(query: Record<string, string>, headers?: Record<string, string>): Promise<ZoteroAnswer> {
    const asked = this.sorting ? query : withoutSort(query);
    try {
      return await this.get(this.itemsPath, asked, headers);
    } catch (e) {
      if (e instanceof ZoteroError && e.status === 404 && this.itemsPath.endsWith('/top')) {
        this.itemsPath = '/api/users/0/items';
        return this.items(query, headers);
      }
      if (e instanceof ZoteroError && e.status === 400 && this.sorting && 'sort' in query && /sort|direction/i.test(e.message)) {
        this.sorting = false;
        return this.items(query, headers);
      }
      throw e;
    }
  }

  /** A GET whose answer is 2xx or 304; any other status is a ZoteroError that says what to do. */
  private async get(path: string, query: Record<string, string>, headers?: Record<string, string>): Promise<ZoteroAnswer> {
    const search = new URLSearchParams(query).toString();
    const url = urlOf(this.base, search ? `${path}?${search}` : path);
    const answer = await zoteroRequest(url, { headers: { 'Zotero-API-Version': '3', Accept: 'application/json', ...headers }, timeoutMs: this.timeoutMs, signal: this.options.signal });
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 304) return answer;
    const said = answer.body.trim().slice(0, 200);
    if (answer.status === 403) throw new ZoteroError('http', `Zotero's local API is off (${said || 'HTTP 403'}). ${LOCAL_API_OFF_HELP}`, 403);
    if (answer.status === 404) throw new ZoteroError('http', `Zotero has no ${path} (HTTP 404${said ? `: ${said}` : ''}): the local API needs Zotero 7 or later.`, 404);
    throw new ZoteroError('http', `Zotero answered ${path} with HTTP ${answer.status}${said ? `: ${said}` : ''}.`, answer.status);
  }
}

function withoutSort(query: Record<string, string>): Record<string, string> {
  const { sort: _sort, direction: _direction, ...rest } = query;
  return rest;
}

function totalOf(answer: ZoteroAnswer, fallback: number): number {
  const total = Number(answer.headers['total-results']);
  return Number.isInteger(total) && total >= 0 ? total : fallback;
}

function versionOf(answer: ZoteroAnswer): number | undefined {
  const version = Number(answer.headers['last-modified-version']);
  return Number.isInteger(version) && version >= 0 ? version : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

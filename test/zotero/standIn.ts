/**
 * A stand-in for a running Zotero 7 with Better BibTeX, for tests and the bench: the HTTP server
 * Zotero runs on 127.0.0.1 (here on port 0), with the endpoints LitNotes uses, answering as the
 * sources do (zotero/zotero chrome/content/zotero/xpcom/server/server.js and server_localAPI.js,
 * retorquere/zotero-better-bibtex content/json-rpc.ts, cayw.ts, the pull export):
 *
 * - HTTP/1.0 answers without a length, the connection closed after each; `X-Zotero-Version`.
 * - Local API `/api/users/0/items`, `/items/top`, `/items/:key`, `/items/:key/children`,
 *   `/items/:key/file/view/url` (a file attachment's `file://` URL): `format`
 *   json | keys | versions | csljson, `include`, `start`/`limit`, `sort`/`direction` (default
 *   dateModified, newest first), `since`, `itemKey`, `itemType` (with `-` and `||`), `q`;
 *   `Total-Results`, `Link`, `Last-Modified-Version`; 304 for `If-Modified-Since-Version` when the
 *   library's version is not above it (never for 0); 403 "Local API is not enabled" when it is off.
 * - Versions as in Zotero: `tracked` bumps the library's version on every change (a synced library,
 *   or Zotero 8+); `unsynced` keeps them (Zotero 7 without sync: only `dateModified` moves).
 * - Better BibTeX JSON-RPC: api.ready, item.search, item.citationkey, item.export (the text, or the
 *   older `[200, 'text/plain', text]`), item.attachments, item.notes, user.groups; errors in HTTP 200
 *   answers with `id: null`; every call waits while Better BibTeX is starting.
 * - Pull export `/better-bibtex/export/library?/1/library.<json|bibtex|biblatex>`.
 * - CAYW `?probe=true` (ready / starting) and a picker that answers when the test "picks".
 *
 * Controls for tests: add, edit and delete items; turn the local API and Better BibTeX off; faults
 * (HTTP errors, malformed JSON, JSON-RPC errors, delays, hangs, resets); stop and start again on
 * the same port; a generated library of any size.
 */
import * as net from 'node:net';

export type Versioning = 'tracked' | 'unsynced';
export type BetterBibtexState = 'ready' | 'starting' | 'absent';

export interface ItemSpec {
  key?: string;
  itemType?: string;
  title?: string;
  creators?: { creatorType?: string; firstName?: string; lastName?: string; name?: string }[];
  date?: string;
  abstractNote?: string;
  publicationTitle?: string;
  DOI?: string;
  url?: string;
  extra?: string;
  tags?: string[];
  /** Better BibTeX's key for the item; generated like its default pattern when absent. */
  citekey?: string;
  /** Zotero's own Citation Key field (Zotero 8, or where Better BibTeX fills it). */
  citationKeyField?: string;
  /** Any other field of Zotero's item JSON. */
  fields?: Record<string, unknown>;
}

interface StoredItem {
  key: string;
  version: number;
  deleted: boolean;
  parentKey?: string;
  data: Record<string, unknown>;
  citekey?: string;
}

export interface StandInOptions {
  items?: ItemSpec[];
  /** A generated library of this many items (after `items`). */
  generate?: number;
  versioning?: Versioning;
  betterBibtex?: BetterBibtexState;
  /** `item.export`'s result: the text (current Better BibTeX) or `[200, 'text/plain', text]` (older). */
  exportShape?: 'string' | 'array';
  localApi?: boolean;
  /** Caps `limit` like the web API (100); the local API has no cap. */
  maxLimit?: number;
  port?: number;
  /** Fill Zotero's Citation Key field with Better BibTeX's key (Zotero 8 does). */
  citationKeyField?: boolean;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'malformed' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'rpc-error'; code: number; message: string };

export interface FaultRule {
  /** Matched against the path with its query (`/api/users/0/items/top?format=json…`). */
  path: RegExp;
  /** Only JSON-RPC calls of this method. */
  rpcMethod?: string;
  fault: Fault;
  /** How many requests it hits; all when absent. */
  times?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  bytes: number;
  rpcMethod?: string;
}

const KEY_ALPHABET = '23456789ABCDEFGHIJKLMNPQRSTUVWXYZ';
const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 304: 'Not Modified', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable' };
const TRANSLATORS: Record<string, string> = {
  'better bibtex': 'bibtex',
  'ca65189f-8815-4afe-8c8b-8c7c15f0edca': 'bibtex',
  'better biblatex': 'biblatex',
  'f895aa0d-f28e-47fe-b247-2ea77c6ed583': 'biblatex',
  'better csl json': 'json',
  'f4b52ab0-f878-4556-85a0-c7aeedd09dfc': 'json',
  'betterbibtex json': 'bbtjson',
  '36a3b0b5-bad0-4a04-b79b-441c7cef77db': 'bbtjson',
};
const ZOTERO_VERSION = '7.0.15';
const BBT_VERSION = '7.0.29';

export class ZoteroStandIn {
  readonly requests: RequestRecord[] = [];
  private readonly items = new Map<string, StoredItem>();
  /** Better BibTeX's keys → item key, and item key → its children: lookups at 50,000 items. */
  private readonly citekeys = new Map<string, string>();
  private readonly children = new Map<string, string[]>();
  private readonly faults: FaultRule[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly picks: { brackets: boolean; answer: (text: string) => void }[] = [];
  private readonly pickWaiters: (() => void)[] = [];
  private readonly bbtWaiters: (() => void)[] = [];
  private server: net.Server | undefined;
  private keyCounter = 0;
  private clock = Date.UTC(2024, 0, 1);
  private sortedCache: { version: number; sort: string; items: StoredItem[] } | undefined;
  private changes = 0;
  libraryVersion = 0;
  versioning: Versioning;
  betterBibtex: BetterBibtexState;
  exportShape: 'string' | 'array';
  localApi: boolean;
  maxLimit: number | undefined;
  port = 0;

  private constructor(options: StandInOptions) {
    this.versioning = options.versioning ?? 'tracked';
    this.betterBibtex = options.betterBibtex ?? 'ready';
    this.exportShape = options.exportShape ?? 'string';
    this.localApi = options.localApi ?? true;
    this.maxLimit = options.maxLimit;
    for (const spec of options.items ?? []) this.add(spec, options.citationKeyField);
    if (options.generate) this.generate(options.generate, options.citationKeyField);
  }

  static async start(options: StandInOptions = {}): Promise<ZoteroStandIn> {
    const standIn = new ZoteroStandIn(options);
    await standIn.listen(options.port ?? 0);
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Top-level items that are not in the trash. */
  get itemCount(): number {
    let n = 0;
    for (const item of this.items.values()) if (!item.deleted && !item.parentKey) n++;
    return n;
  }

  // ---- the library -------------------------------------------------------------------------

  /** Adds an item (like saving one in Zotero); its key. */
  add(spec: ItemSpec, citationKeyField = false): string {
    const key = spec.key ?? this.nextKey();
    const now = this.tick();
    const data: Record<string, unknown> = {
      key,
      version: 0,
      itemType: spec.itemType ?? 'journalArticle',
      title: spec.title ?? '',
      creators: (spec.creators ?? []).map((c) => ({ creatorType: c.creatorType ?? 'author', ...(c.name !== undefined ? { name: c.name } : { firstName: c.firstName ?? '', lastName: c.lastName ?? '' }) })),
      abstractNote: spec.abstractNote ?? '',
      publicationTitle: spec.publicationTitle ?? '',
      date: spec.date ?? '',
      DOI: spec.DOI ?? '',
      url: spec.url ?? '',
      extra: spec.extra ?? '',
      tags: (spec.tags ?? []).map((tag) => ({ tag })),
      collections: [],
      relations: {},
      dateAdded: now,
      dateModified: now,
      ...spec.fields,
    };
    const item: StoredItem = { key, version: 0, deleted: false, data, citekey: spec.citekey };
    item.citekey ??= this.uniqueCitekey(defaultCitekey(data), key);
    this.citekeys.set(item.citekey, key);
    if (spec.citationKeyField !== undefined) data.citationKey = spec.citationKeyField;
    else if (citationKeyField) data.citationKey = item.citekey;
    this.items.set(key, item);
    this.changed(item);
    return key;
  }

  /** A note, attachment or annotation under `parentKey`. */
  addChild(parentKey: string, itemType: 'note' | 'attachment' | 'annotation', fields: Record<string, unknown>): string {
    const key = this.nextKey();
    const now = this.tick();
    const item: StoredItem = { key, version: 0, deleted: false, parentKey, data: { key, version: 0, itemType, parentItem: parentKey, ...fields, tags: [], relations: {}, dateAdded: now, dateModified: now } };
    this.items.set(key, item);
    const siblings = this.children.get(parentKey);
    if (siblings) siblings.push(key);
    else this.children.set(parentKey, [key]);
    this.changed(item);
    return key;
  }

  /** Changes fields of an item (like editing it in Zotero): `dateModified` moves, the version as the versioning says. */
  edit(key: string, fields: Partial<ItemSpec> & Record<string, unknown>): void {
    const item = this.items.get(key);
    if (!item) throw new Error(`no item ${key}`);
    const { citekey, tags, creators, fields: extra, ...rest } = fields;
    Object.assign(item.data, rest, extra);
    if (tags) item.data.tags = (tags as string[]).map((tag) => ({ tag }));
    if (creators) item.data.creators = creators;
    if (citekey !== undefined) {
      if (item.citekey) this.citekeys.delete(item.citekey);
      item.citekey = citekey as string;
      this.citekeys.set(item.citekey, key);
    }
    item.data.dateModified = this.tick();
    this.changed(item);
  }

  /** Moves an item to the trash: it leaves the lists. */
  remove(key: string): void {
    const item = this.items.get(key);
    if (!item) throw new Error(`no item ${key}`);
    item.deleted = true;
    item.data.deleted = 1;
    if (item.citekey) this.citekeys.delete(item.citekey);
    item.data.dateModified = this.tick();
    this.changed(item);
  }

  /** Better BibTeX's key of an item. */
  citekeyOf(key: string): string | undefined {
    return this.items.get(key)?.citekey;
  }

  keys(): string[] {
    return [...this.items.values()].filter((i) => !i.deleted && !i.parentKey).map((i) => i.key);
  }

  /** `n` generated items, deterministic: titles, authors, years, abstracts and tags of a research library. */
  generate(n: number, citationKeyField = false): string[] {
    const random = mulberry32(1701 + this.items.size);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const titleWords = Array.from({ length: 4 + Math.floor(random() * 6) }, () => pick(WORDS));
      const title = titleWords.map((w, k) => (k === 0 ? w[0].toUpperCase() + w.slice(1) : w)).join(' ');
      const authors = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({ creatorType: 'author', firstName: pick(GIVEN), lastName: pick(FAMILY) }));
      const abstract = Array.from({ length: 40 + Math.floor(random() * 80) }, () => pick(WORDS)).join(' ') + '.';
      keys.push(
        this.add(
          {
            title,
            creators: authors,
            date: String(1990 + Math.floor(random() * 35)),
            abstractNote: abstract,
            publicationTitle: pick(VENUES),
            itemType: pick(['journalArticle', 'journalArticle', 'conferencePaper', 'preprint', 'book', 'bookSection', 'thesis', 'report']),
            DOI: random() < 0.5 ? `10.${1000 + Math.floor(random() * 9000)}/${(i + 1).toString(36)}` : '',
            tags: random() < 0.4 ? [pick(WORDS), pick(WORDS)] : [],
          },
          citationKeyField,
        ),
      );
    }
    return keys;
  }

  // ---- controls ----------------------------------------------------------------------------

  setLocalApi(on: boolean): void {
    this.localApi = on;
  }

  setBetterBibtex(state: BetterBibtexState): void {
    this.betterBibtex = state;
    if (state !== 'starting') for (const resolve of this.bbtWaiters.splice(0)) resolve();
  }

  /** A fault for the requests it matches; the function takes it back. */
  fault(rule: FaultRule): () => void {
    this.faults.push(rule);
    return () => {
      const i = this.faults.indexOf(rule);
      if (i >= 0) this.faults.splice(i, 1);
    };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Resolves when a picker is open (a CAYW request waits for the user). */
  waitForPicker(): Promise<void> {
    if (this.picks.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.pickWaiters.push(resolve));
  }

  /** The user picks these papers (by citation key) in the open picker; none: they cancel. */
  pick(citekeys: string[], options: { prefix?: string; locator?: string } = {}): void {
    const open = this.picks.shift();
    if (!open) throw new Error('no picker is open');
    const cites = citekeys.map((key, i) => `${i === 0 && options.prefix ? `${options.prefix} ` : ''}@${key}${i === 0 && options.locator ? `, p. ${options.locator}` : ''}`);
    const text = cites.length === 0 ? '' : `${open.brackets ? '[' : ''}${cites.join('; ')}${open.brackets ? ']' : ''}`;
    open.answer(text);
  }

  /** Requests of a path (regex over path and query) since the start, or since `from`. */
  requestsTo(path: RegExp, from = 0): RequestRecord[] {
    return this.requests.slice(from).filter((r) => path.test(r.path));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Zotero started again, on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen(this.port);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private listen(port: number): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    let handled = false;
    socket.on('data', (chunk: Buffer) => {
      if (handled) return;
      buffer = Buffer.concat([buffer, chunk]);
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = buffer.subarray(0, headerEnd).toString('latin1').split('\r\n');
      const [method, target] = head[0].split(' ');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffer.length - headerEnd - 4 < length) return;
      handled = true;
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      void this.handle(socket, method, target, headers, body);
    });
  }

  private async handle(socket: net.Socket, method: string, target: string, headers: Record<string, string>, body: string): Promise<void> {
    const record: RequestRecord = { method, path: target, headers, status: 0, bytes: 0 };
    this.requests.push(record);
    const qIndex = target.indexOf('?');
    const pathname = qIndex < 0 ? target : target.slice(0, qIndex);
    const query = qIndex < 0 ? '' : target.slice(qIndex + 1);
    let rpcMethod: string | undefined;
    if (pathname === '/better-bibtex/json-rpc') {
      try {
        rpcMethod = (JSON.parse(body) as { method?: string }).method;
        record.rpcMethod = rpcMethod;
      } catch {
        // judged below
      }
    }
    const rule = this.faults.find((f) => f.path.test(target) && (!f.rpcMethod || f.rpcMethod === rpcMethod) && (f.times === undefined || f.times > 0));
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      const fault = rule.fault;
      if (fault.kind === 'hang') return; // the socket stays open until stop()
      if (fault.kind === 'reset') {
        socket.destroy();
        return;
      }
      if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault.kind === 'status') return this.send(socket, record, fault.status, { 'Content-Type': 'text/plain' }, fault.body ?? `${REASONS[fault.status] ?? 'Error'}\n`);
      if (fault.kind === 'malformed') return this.send(socket, record, 200, { 'Content-Type': 'application/json' }, '[{"key": "ABCD2345", "version": 3, "data": {"title": "Cut sh');
      if (fault.kind === 'rpc-error') return this.send(socket, record, 200, { 'Content-Type': 'application/json' }, JSON.stringify({ jsonrpc: '2.0', error: { code: fault.code, message: fault.message }, id: null }));
    }
    try {
      const [status, answerHeaders, answer] = await this.route(method, pathname, query, headers, body);
      this.send(socket, record, status, answerHeaders, answer);
    } catch (e) {
      this.send(socket, record, 500, { 'Content-Type': 'text/plain' }, `An error occurred\n${String(e)}`);
    }
  }

  private send(socket: net.Socket, record: RequestRecord, status: number, headers: Record<string, string>, body: string): void {
    record.status = status;
    const bytes = Buffer.from(body, 'utf8');
    record.bytes = bytes.length;
    let head = `HTTP/1.0 ${status} ${REASONS[status] ?? 'Unknown'}\r\nX-Zotero-Version: ${ZOTERO_VERSION}\r\nX-Zotero-Connector-API-Version: 3\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (bytes.length === 0) head += 'Content-Length: 0\r\n';
    if (socket.destroyed) return;
    socket.end(Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), bytes]));
  }

  private async route(method: string, pathname: string, query: string, headers: Record<string, string>, body: string): Promise<[number, Record<string, string>, string]> {
    if (pathname === '/connector/ping') return [200, { 'Content-Type': 'text/html' }, '<!DOCTYPE html><html><body>Zotero is running</body></html>'];
    if (pathname.startsWith('/api/')) {
      if (method !== 'GET') return [400, { 'Content-Type': 'text/plain' }, 'Endpoint does not support method\n'];
      return this.localApiRoute(pathname, new URLSearchParams(query), headers);
    }
    if (pathname.startsWith('/better-bibtex/')) {
      if (this.betterBibtex === 'absent') return [404, { 'Content-Type': 'text/plain' }, 'No endpoint found\n'];
      if (pathname === '/better-bibtex/cayw') return this.cayw(new URLSearchParams(query));
      if (pathname === '/better-bibtex/json-rpc') {
        if (method !== 'POST') return [400, { 'Content-Type': 'text/plain' }, 'Endpoint does not support method\n'];
        if ((headers['content-type'] ?? '').split(';')[0].trim() !== 'application/json') return [400, { 'Content-Type': 'text/plain' }, 'Endpoint does not support content-type\n'];
        let request: unknown;
        try {
          request = JSON.parse(body);
        } catch {
          return [400, { 'Content-Type': 'text/plain' }, 'Invalid JSON provided\n'];
        }
        if (this.betterBibtex === 'starting') await new Promise<void>((resolve) => this.bbtWaiters.push(resolve));
        const response = Array.isArray(request) ? request.map((r) => this.rpc(r)) : this.rpc(request);
        return [200, { 'Content-Type': 'application/json' }, JSON.stringify(response)];
      }
      if (pathname === '/better-bibtex/export/library') return this.pullExport(query);
    }
    return [404, { 'Content-Type': 'text/plain' }, 'No endpoint found\n'];
  }

  // ---- local API ----------------------------------------------------------------------------

  private localApiRoute(pathname: string, params: URLSearchParams, headers: Record<string, string>): [number, Record<string, string>, string] {
    const plain = (status: number, text: string): [number, Record<string, string>, string] => [status, { 'Content-Type': 'text/plain', 'Zotero-API-Version': '3', 'Zotero-Schema-Version': '29' }, text];
    if (!this.localApi) return plain(403, 'Local API is not enabled');
    const apiVersion = Number(headers['zotero-api-version'] ?? params.get('v') ?? 3);
    if (apiVersion !== 3 && pathname !== '/api/') return plain(501, `API version not implemented: ${apiVersion}`);
    if (pathname === '/api/') return plain(200, 'Nothing to see here.');
    const file = /^\/api\/users\/0\/items\/([A-Z0-9]+)\/file\/view\/url$/.exec(pathname);
    if (file) {
      const attachment = this.items.get(file[1]);
      if (!attachment) return plain(404, 'Not found');
      if (attachment.data.itemType !== 'attachment' || !attachment.data.path) return plain(400, `Not a file attachment: ${file[1]}`);
      return plain(200, `file://${String(attachment.data.path).split('/').map(encodeURIComponent).join('/')}`);
    }
    const match = /^\/api\/users\/(\d+)\/items(?:\/(top)|\/([A-Z0-9]+)(\/children)?)?$/.exec(pathname);
    if (!match) return plain(404, 'No endpoint found\n');
    if (match[1] !== '0') return plain(400, 'Only data for the logged-in user is available locally -- use userID 0');

    let list: StoredItem[];
    if (match[3] && !match[4]) {
      const item = this.items.get(match[3]);
      if (!item) return plain(404, 'Not found');
      return this.dataResponse([item], params, headers, false, item.version);
    } else if (match[4]) {
      if (!this.items.has(match[3])) return plain(404, 'Not found');
      list = this.childrenOf(match[3]);
    } else {
      list = this.sorted(params.get('sort') ?? 'dateModified', params.get('direction')).filter((i) => !i.deleted && (match[2] !== 'top' || !i.parentKey));
    }
    if (params.has('itemKey')) {
      const keys = new Set(params.get('itemKey')!.split(','));
      list = list.filter((i) => keys.has(i.key));
    }
    for (const condition of params.getAll('itemType')) {
      const negate = condition.startsWith('-');
      const types = new Set((negate ? condition.slice(1) : condition).split('||').map((t) => t.trim()));
      list = list.filter((i) => types.has(String(i.data.itemType)) !== negate);
    }
    const q = params.get('q');
    if (q) {
      const needle = q.toLowerCase();
      list = list.filter((i) => `${String(i.data.title)} ${creatorsText(i.data)} ${String(i.data.date)}`.toLowerCase().includes(needle));
    }
    return this.dataResponse(list, params, headers, true, this.libraryVersion);
  }

  private dataResponse(list: StoredItem[], params: URLSearchParams, headers: Record<string, string>, isList: boolean, lastModifiedVersion: number): [number, Record<string, string>, string] {
    if (isList && params.has('since')) {
      const since = Number.parseInt(params.get('since')!, 10);
      if (Number.isNaN(since)) return [400, { 'Content-Type': 'text/plain' }, `Invalid 'since' value '${params.get('since')}'`];
      if (since !== 0) list = list.filter((i) => i.version > since);
    }
    const total = list.length;
    let start = Number.parseInt(params.get('start') ?? '', 10) || 0;
    if (start < 0) start = 0;
    if (start > total) start = total;
    let limit = Number.parseInt(params.get('limit') ?? '', 10) || total - start;
    if (limit < 0) limit = 0;
    if (this.maxLimit !== undefined) limit = Math.min(limit, this.maxLimit);
    const page = isList ? list.slice(start, start + limit) : list;
    const answerHeaders: Record<string, string> = {
      'Zotero-API-Version': '3',
      'Zotero-Schema-Version': '29',
      'Total-Results': String(isList ? total : 1),
      'Last-Modified-Version': String(lastModifiedVersion),
    };
    const links: string[] = [];
    if (isList && limit > 0 && start + limit < total) {
      const next = new URLSearchParams(params);
      next.set('start', String(start + limit));
      links.push(`<http://localhost:${this.port}/api/users/0/items?${next}>; rel="next"`);
    }
    if (links.length) answerHeaders.Link = links.join(', ');
    const ifModifiedSince = Number.parseInt(headers['if-modified-since-version'] ?? '', 10);
    if (Number.isInteger(ifModifiedSince) && ifModifiedSince !== 0 && lastModifiedVersion <= ifModifiedSince) return [304, answerHeaders, ''];
    const format = params.get('format') ?? 'json';
    if (format === 'keys') return [200, { ...answerHeaders, 'Content-Type': 'text/plain' }, page.map((i) => i.key).join('\n')];
    if (format === 'versions') return [200, { ...answerHeaders, 'Content-Type': 'application/json' }, JSON.stringify(Object.fromEntries(page.map((i) => [i.key, i.version])), null, 4)];
    if (format === 'csljson') return [200, { ...answerHeaders, 'Content-Type': 'text/plain' }, JSON.stringify(page.filter((i) => isRegular(i)).map((i) => this.csl(i, false)), null, '\t')];
    if (format !== 'json') return [400, { 'Content-Type': 'text/plain' }, `Invalid 'format' value '${format}'`];
    const include = (params.get('include') ?? 'data').split(',');
    const json = page.map((i) => this.responseJson(i, include));
    return [200, { ...answerHeaders, 'Content-Type': 'application/json' }, JSON.stringify(isList ? json : json[0], null, 4)];
  }

  private responseJson(item: StoredItem, include: string[]): Record<string, unknown> {
    const children = this.childrenOf(item.key).length;
    const json: Record<string, unknown> = {
      key: item.key,
      version: item.version,
      library: { type: 'user', id: 0, name: 'My Library', links: {} },
      links: { self: { href: `http://localhost:${this.port}/api/users/0/items/${item.key}`, type: 'application/json' } },
      meta: { creatorSummary: creatorSummary(item.data), parsedDate: parsedDate(String(item.data.date ?? '')), numChildren: children },
    };
    if (!json.meta || !(json.meta as Record<string, unknown>).parsedDate) delete (json.meta as Record<string, unknown>).parsedDate;
    if (include.includes('data')) json.data = { ...item.data, version: item.version };
    if (include.includes('citation')) json.citation = `<span>(${creatorSummary(item.data)}, ${parsedDate(String(item.data.date ?? '')).slice(0, 4)})</span>`;
    return json;
  }

  // ---- Better BibTeX -------------------------------------------------------------------------

  private rpc(request: unknown): Record<string, unknown> {
    const fail = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });
    if (!request || typeof request !== 'object') return fail(-32600, 'Invalid Request');
    const { jsonrpc, method, params, id } = request as { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
    if (jsonrpc !== '2.0' || typeof method !== 'string') return fail(-32600, 'Invalid Request');
    const signatures: Record<string, string[]> = {
      'api.ready': [],
      'item.search': ['terms', 'library'],
      'item.citationkey': ['item_keys'],
      'item.export': ['citekeys', 'translator', 'libraryID'],
      'item.attachments': ['citekey', 'library'],
      'item.notes': ['citekeys'],
      'user.groups': ['includeCollections'],
    };
    const parameters = signatures[method];
    if (!parameters) return fail(-32601, `Method not found: ${method}`);
    let args: unknown[] = [];
    if (Array.isArray(params)) {
      if (params.length > parameters.length) return fail(-32602, `${method}: expected (max) ${parameters.length} arguments, got ${params.length}`);
      args = params;
    } else if (params && typeof params === 'object') {
      const unknown = Object.keys(params).find((p) => !parameters.includes(p));
      if (unknown) return fail(-32602, `${method}: unexpected argument ${unknown}`);
      args = parameters.map((p) => (params as Record<string, unknown>)[p]);
    }
    try {
      return { jsonrpc: '2.0', result: this.rpcMethod(method, args), id: id ?? null };
    } catch (e) {
      const error = e as { code?: number; message?: string };
      return fail(error.code ?? -32603, error.code ? String(error.message) : `Error: ${String(error.message ?? e)}`);
    }
  }

  private rpcMethod(method: string, args: unknown[]): unknown {
    const regular = () => [...this.items.values()].filter((i) => !i.deleted && isRegular(i));
    const byCitekey = (citekey: string): StoredItem[] => {
      const item = this.items.get(this.citekeys.get(citekey.replace(/^@/, '')) ?? '');
      return item && !item.deleted ? [item] : [];
    };
    switch (method) {
      case 'api.ready':
        return { zotero: ZOTERO_VERSION, betterbibtex: BBT_VERSION };
      case 'item.citationkey': {
        const keys = args[0];
        if (!Array.isArray(keys)) throw { code: -32602, message: 'item.citationkey: item_keys must be an array' };
        const result: Record<string, string | null> = {};
        for (const key of keys) {
          const itemKey = String(key).includes(':') ? String(key).split(':')[1] : String(key);
          const item = this.items.get(itemKey);
          result[String(key)] = item && !item.deleted && isRegular(item) ? (item.citekey ?? null) : null;
        }
        return result;
      }
      case 'item.search': {
        const terms = args[0];
        let found = regular();
        if (typeof terms === 'string' && terms !== '') {
          const needle = terms.toLowerCase();
          found = found.filter((i) => `${String(i.data.title)} ${creatorsText(i.data)} ${String(i.data.date)} ${i.citekey}`.toLowerCase().includes(needle));
        } else if (Array.isArray(terms)) {
          for (const term of terms) {
            if (Array.isArray(term) && term[0] === 'dateModified' && term[1] === 'isAfter') {
              const after = String(term[2]).replace(' ', 'T') + 'Z';
              found = found.filter((i) => String(i.data.dateModified) > after);
            }
          }
        } else if (terms !== '' && terms !== undefined) throw { code: -32602, message: 'item.search: terms must be a string or an array' };
        return found.map((i) => ({ ...this.csl(i, false), library: 'My Library', citekey: i.citekey }));
      }
      case 'item.export': {
        const [citekeys, translator] = args as [unknown, unknown];
        if (!Array.isArray(citekeys) || typeof translator !== 'string') throw { code: -32602, message: 'item.export: citekeys must be an array, translator a string' };
        const format = TRANSLATORS[translator.toLowerCase()];
        if (!format) throw new Error(`No translator ${translator}`);
        const missing = citekeys.filter((k) => byCitekey(String(k)).length === 0);
        if (missing.length) throw { code: -32602, message: `not found: ${missing.join(', ')}` };
        const items = citekeys.flatMap((k) => byCitekey(String(k)));
        const text = this.exportText(items, format);
        return this.exportShape === 'array' ? [200, 'text/plain', text] : text;
      }
      case 'item.attachments': {
        const citekey = String(args[0] ?? '');
        const item = byCitekey(citekey)[0];
        if (!item) throw { code: -32602, message: `${citekey} not found` };
        return this.childrenOf(item.key)
          .filter((a) => a.data.itemType === 'attachment')
          .map((a) => {
            const annotations = this.childrenOf(a.key).filter((n) => n.data.itemType === 'annotation').map((n) => ({ key: n.key, ...n.data }));
            return { open: `zotero://open-pdf/library/items/${a.key}`, path: a.data.path ?? '', ...(annotations.length ? { annotations } : {}) };
          });
      }
      case 'item.notes': {
        const citekeys = args[0];
        if (!Array.isArray(citekeys)) throw { code: -32602, message: 'item.notes: citekeys must be an array' };
        const found = citekeys.flatMap((k) => byCitekey(String(k)));
        if (found.length === 0) throw { code: -32602, message: `zero matches for ${citekeys.join(',')}` };
        const notes: Record<string, string[]> = {};
        for (const item of found) notes[item.citekey!] = this.childrenOf(item.key).filter((n) => n.data.itemType === 'note').map((n) => String(n.data.note ?? ''));
        return notes;
      }
      case 'user.groups':
        return [{ id: 1, name: 'My Library' }];
    }
    throw { code: -32601, message: `Method not found: ${method}` };
  }

  private pullExport(query: string): [number, Record<string, string>, string] {
    const match = /^\/(\d+)\/library\.([a-z]+)$/.exec(decodeURIComponent(query.split('&')[0]));
    if (!match) return [400, { 'Content-Type': 'text/plain' }, 'Could not export bibliography: no format specified\n'];
    if (match[1] !== '1') return [404, { 'Content-Type': 'text/plain' }, `Could not export bibliography: library ${match[1]} does not exist\n`];
    const format = { json: 'json', bibtex: 'bibtex', biblatex: 'biblatex' }[match[2]];
    if (!format) return [404, { 'Content-Type': 'text/plain' }, `Could not export bibliography: no translator for ${match[2]}\n`];
    const items = [...this.items.values()].filter((i) => !i.deleted && isRegular(i));
    return [200, { 'Content-Type': 'text/plain; charset=utf-8' }, this.exportText(items, format)];
  }

  private exportText(items: StoredItem[], format: string): string {
    if (format === 'json') return JSON.stringify(items.map((i) => this.csl(i, true)), null, 2);
    if (format === 'bbtjson') return JSON.stringify({ config: {}, items: items.map((i) => ({ ...i.data, citationKey: i.citekey, itemKey: i.key })) });
    return items
      .map((i) => {
        const type = i.data.itemType === 'book' ? 'book' : i.data.itemType === 'conferencePaper' ? 'inproceedings' : 'article';
        const fields = [
          ['title', `{${String(i.data.title)}}`],
          ['author', ((i.data.creators as { lastName?: string; firstName?: string; name?: string }[]) ?? []).map((c) => c.name ?? `${c.lastName}, ${c.firstName}`).join(' and ')],
          [format === 'biblatex' ? 'date' : 'year', parsedDate(String(i.data.date ?? '')).slice(0, format === 'biblatex' ? 10 : 4)],
          [format === 'biblatex' ? 'journaltitle' : 'journal', String(i.data.publicationTitle ?? '')],
          ['abstract', String(i.data.abstractNote ?? '')],
          ['doi', String(i.data.DOI ?? '')],
        ].filter(([, v]) => v);
        return `@${type}{${i.citekey},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}\n`;
      })
      .join('\n');
  }

  private csl(item: StoredItem, idIsCitekey: boolean): Record<string, unknown> {
    const data = item.data;
    const creators = (data.creators as { creatorType: string; firstName?: string; lastName?: string; name?: string }[]) ?? [];
    const person = (c: (typeof creators)[number]) => (c.name !== undefined ? { literal: c.name } : { family: c.lastName, given: c.firstName });
    const date = parsedDate(String(data.date ?? ''));
    const csl: Record<string, unknown> = {
      id: idIsCitekey ? item.citekey : `http://zotero.org/users/local/abcdEFGH/items/${item.key}`,
      type: { journalArticle: 'article-journal', conferencePaper: 'paper-conference', book: 'book', bookSection: 'chapter', thesis: 'thesis', report: 'report', preprint: 'article' }[String(data.itemType)] ?? 'document',
      title: data.title,
      author: creators.filter((c) => c.creatorType === 'author').map(person),
      'container-title': data.publicationTitle || undefined,
      abstract: data.abstractNote || undefined,
      DOI: data.DOI || undefined,
      URL: data.url || undefined,
      keyword: ((data.tags as { tag: string }[]) ?? []).map((t) => t.tag).join(', ') || undefined,
      issued: date ? { 'date-parts': [date.split('-').map(Number)] } : undefined,
    };
    if (idIsCitekey) csl['citation-key'] = item.citekey;
    for (const key of Object.keys(csl)) if (csl[key] === undefined) delete csl[key];
    return csl;
  }

  private cayw(params: URLSearchParams): Promise<[number, Record<string, string>, string]> | [number, Record<string, string>, string] {
    if (params.has('probe')) return [200, { 'Content-Type': 'text/plain' }, this.betterBibtex === 'starting' ? 'starting' : 'ready'];
    const format = params.get('format') ?? 'latex';
    if (format !== 'pandoc') return [500, { 'Content-Type': 'application/text' }, `CAYW failed: the stand-in formats pandoc only, not ${format}\n`];
    const brackets = ['1', 'true', 'yes'].includes(params.get('brackets') ?? '');
    return new Promise((resolve) => {
      this.picks.push({ brackets, answer: (text) => resolve([200, { 'Content-Type': 'text/html; charset=utf-8' }, text]) });
      for (const waiter of this.pickWaiters.splice(0)) waiter();
    });
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  private changed(item: StoredItem): void {
    this.changes++;
    this.sortedCache = undefined;
    if (this.versioning === 'tracked') {
      this.libraryVersion++;
      item.version = this.libraryVersion;
      item.data.version = item.version;
    }
  }

  private sorted(sort: string, direction: string | null): StoredItem[] {
    const key = `${sort}:${direction}`;
    if (this.sortedCache?.version === this.changes && this.sortedCache.sort === key) return this.sortedCache.items;
    const field = sort === 'creator' ? 'creatorSummary' : sort;
    const dir = direction === 'asc' ? 1 : direction === 'desc' ? -1 : sort.startsWith('date') ? -1 : 1;
    const value = (i: StoredItem) => (field === 'creatorSummary' ? creatorSummary(i.data) : String(i.data[field] ?? ''));
    // Ties keep insertion order, as a stable sort does.
    const items = [...this.items.values()].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return x < y ? -dir : x > y ? dir : 0;
    });
    this.sortedCache = { version: this.changes, sort: key, items };
    return items;
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private nextKey(): string {
    for (;;) {
      let n = ++this.keyCounter * 7919 + 104729;
      let key = '';
      for (let i = 0; i < 8; i++) {
        key += KEY_ALPHABET[n % KEY_ALPHABET.length];
        n = Math.floor(n / KEY_ALPHABET.length) + i * 31;
      }
      if (!this.items.has(key)) return key;
    }
  }

  private uniqueCitekey(base: string, itemKey: string): string {
    const taken = (key: string) => this.citekeys.has(key) && this.citekeys.get(key) !== itemKey;
    if (!taken(base)) return base;
    for (let i = 0; ; i++) {
      const candidate = base + String.fromCharCode(97 + (i % 26)).repeat(1 + Math.floor(i / 26));
      if (!taken(candidate)) return candidate;
    }
  }

  private childrenOf(key: string): StoredItem[] {
    return (this.children.get(key) ?? []).map((k) => this.items.get(k)!).filter((i) => !i.deleted);
  }
}

function isRegular(item: StoredItem): boolean {
  return !['note', 'attachment', 'annotation'].includes(String(item.data.itemType));
}

function creatorsText(data: Record<string, unknown>): string {
  return ((data.creators as { lastName?: string; firstName?: string; name?: string }[]) ?? []).map((c) => c.name ?? `${c.firstName} ${c.lastName}`).join(' ');
}

function creatorSummary(data: Record<string, unknown>): string {
  const names = ((data.creators as { lastName?: string; name?: string }[]) ?? []).map((c) => c.lastName ?? c.name ?? '');
  if (names.length === 0) return '';
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]} et al.`;
}

/** Zotero's `parsedDate`: `2017`, `2017-06`, `2017-06-12` from what the user typed. */
function parsedDate(date: string): string {
  const iso = /(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date);
  if (!iso) return '';
  return [iso[1], iso[2], iso[3]].filter(Boolean).join('-');
}

/** Better BibTeX's default key: `[auth:lower][shorttitle3_3][year]`. */
function defaultCitekey(data: Record<string, unknown>): string {
  const creators = (data.creators as { lastName?: string; name?: string }[]) ?? [];
  const auth = (creators[0]?.lastName ?? creators[0]?.name ?? '').normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  // Part of Better BibTeX's skip words (the English ones).
  const stop = new Set(['a', 'about', 'above', 'across', 'after', 'against', 'along', 'among', 'an', 'and', 'around', 'as', 'at', 'before', 'behind', 'below', 'between', 'but', 'by', 'for', 'from', 'in', 'inside', 'into', 'is', 'like', 'near', 'nor', 'of', 'off', 'on', 'onto', 'or', 'over', 'per', 'since', 'so', 'some', 'than', 'the', 'through', 'to', 'toward', 'under', 'until', 'up', 'upon', 'versus', 'via', 'while', 'with', 'within', 'without', 'yet']);
  const words = String(data.title ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !stop.has(w.toLowerCase()))
    .slice(0, 3)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return `${auth}${words}${parsedDate(String(data.date ?? '')).slice(0, 4)}` || 'noKey';
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'attention transformer sparse retrieval graph neural network language model diffusion gaussian splatting rendering reinforcement learning policy gradient contrastive representation vision benchmark dataset scaling memory efficient inference quantization pruning distillation alignment reasoning chain thought agent planning robotics manipulation grasping navigation mapping localization semantic segmentation detection tracking optical flow depth estimation stereo reconstruction mesh point cloud implicit field radiance volume sampling uncertainty bayesian variational inference causal discovery fairness privacy federated optimization convex stochastic descent momentum adaptive regularization generalization robustness adversarial perturbation certification verification protein folding molecule chemistry genomics single cell clinical imaging segmentation speech recognition synthesis audio music translation summarization question answering dialogue knowledge graph embedding hashing index compression caching scheduling distributed systems consensus database query'.split(' ');
const FAMILY = 'Vaswani Shazeer Parmar Uszkoreit Jones Gomez Kaiser Polosukhin Kerbl Kopanas Leimkühler Drettakis Mildenhall Srinivasan Tancik Barron Ramamoorthi Ng Ho Jain Abbeel Song Ermon Kingma Welling Rezende Mohamed Goodfellow Bengio LeCun Hinton Sutskever Krizhevsky Silver Schrittwieser Lillicrap Mnih Hassabis Dean Ghemawat Lamport Chandy Stonebraker Codd Müller García Nuñez Østergaard Ødegård Çelik Öztürk Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou'.split(' ');
const GIVEN = 'Ashish Noam Niki Jakob Llion Aidan Łukasz Illia Bernhard Georgios Thomas George Ben Pratul Matthew Jonathan Ravi Ren Jonathan Ajay Pieter Yang Stefano Diederik Max Danilo Shakir Ian Yoshua Yann Geoffrey Ilya Alex David Julian Timothy Volodymyr Demis Jeff Sanjay Leslie Mani Michael Edgar Ana José Søren Zeynep Wei Lei Jing Xin Hao Yu'.split(' ');
const VENUES = ['NeurIPS', 'ICML', 'ICLR', 'CVPR', 'ICCV', 'ECCV', 'ACL', 'EMNLP', 'SIGGRAPH', 'Nature', 'Science', 'JMLR', 'TPAMI', 'arXiv', 'VLDB', 'SOSP', 'OSDI'];

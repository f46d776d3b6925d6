/**
 * Better BibTeX's JSON-RPC endpoint (`POST /better-bibtex/json-rpc`): the citation keys of items,
 * search, export, a paper's attachments (PDF paths and their annotations) and notes.
 *
 * What its sources say and this client relies on (content/json-rpc.ts):
 * - JSON-RPC 2.0; `params` an array (positional) or an object (named, checked against the method's
 *   parameter names); errors come in an HTTP 200 answer as `{ error: { code, message }, id: null }`.
 * - Every call waits for Better BibTeX to be ready: while Zotero starts, an answer can take long.
 * - `item.export` returns the exported text; older versions returned `[200, 'text/plain', text]`.
 * - `item.citationkey(item_keys)` → `{ itemKey: citekey | null }`; `item.attachments(citekey)` →
 *   `[{ open, path, annotations? }]`; `item.notes(citekeys)` → `{ citekey: [html] }`.
 * - Without Better BibTeX, Zotero answers 404 ("No endpoint found").
 */
import { isZoteroItemKey, usableCitationKey } from '../../catalog/zotero';
import { parseJson, urlOf, ZoteroError, zoteroRequest } from './http';

export interface BetterBibtexOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface BetterBibtexVersion {
  betterbibtex: string;
  zotero: string;
}

/** One attachment of a paper as Better BibTeX lists it. */
export interface Attachment {
  /** `zotero://open-pdf/library/items/KEY`: opens it in Zotero's reader. */
  open?: string;
  /** The file on disk, as Zotero has it (absolute; may not exist on this computer). */
  path?: string;
  /** The attachment's annotations (Zotero's annotation JSON: `annotationType`, `annotationText`, `annotationComment`, `annotationPageLabel`, …). */
  annotations: Record<string, unknown>[];
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Item keys per `item.citationkey` call: one answer for a whole page of the library. */
const KEYS_PER_CALL = 1000;

export class BetterBibtexClient {
  private nextId = 1;
  private readonly timeoutMs: number;

  constructor(
    private readonly base: URL,
    private readonly options: BetterBibtexOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** One JSON-RPC call; its `result`, or a ZoteroError (`rpc` for an error object in an HTTP 200 answer). */
  async call(method: string, params: unknown[] | Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<unknown> {
    const id = this.nextId++;
    const answer = await zoteroRequest(urlOf(this.base, '/better-bibtex/json-rpc'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id }),
      timeoutMs,
      signal: this.options.signal,
    });
    if (answer.status === 404) throw new ZoteroError('http', 'Better BibTeX is not installed in Zotero (no /better-bibtex/json-rpc).', 404);
    if (answer.status !== 200) throw new ZoteroError('http', `Better BibTeX answered ${method} with HTTP ${answer.status}: ${answer.body.trim().slice(0, 200)}`, answer.status);
    const body = parseJson(answer, `Better BibTeX (${method})`) as { jsonrpc?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ZoteroError('malformed', `Better BibTeX answered ${method} with something that is not a JSON-RPC response.`);
    if (body.error !== undefined && body.error !== null) {
      const code = typeof body.error.code === 'number' ? body.error.code : undefined;
      const message = typeof body.error.message === 'string' ? body.error.message : JSON.stringify(body.error);
      throw new ZoteroError('rpc', `Better BibTeX could not do ${method}: ${message}${code !== undefined ? ` (JSON-RPC error ${code})` : ''}`, 200, code);
    }
    if (!('result' in body)) throw new ZoteroError('malformed', `Better BibTeX answered ${method} with neither a result nor an error.`);
    return body.result;
  }

  /** Zotero's and Better BibTeX's versions: Better BibTeX is there and ready. */
  async ready(timeoutMs?: number): Promise<BetterBibtexVersion> {
    const result = await this.call('api.ready', [], timeoutMs);
    const record = result as Partial<BetterBibtexVersion> | null;
    if (!record || typeof record !== 'object') throw new ZoteroError('malformed', 'Better BibTeX answered api.ready without its version.');
    return { betterbibtex: String(record.betterbibtex ?? '?'), zotero: String(record.zotero ?? '?') };
  }

  /** Item key → citation key, for the items Better BibTeX has a key for (others are left out). */
  async citationKeys(itemKeys: readonly string[]): Promise<Map<string, string>> {
    const keys = new Map<string, string>();
    const valid = itemKeys.filter(isZoteroItemKey);
    for (let i = 0; i < valid.length; i += KEYS_PER_CALL) {
      const result = await this.call('item.citationkey', [valid.slice(i, i + KEYS_PER_CALL)]);
      if (!result || typeof result !== 'object' || Array.isArray(result)) throw new ZoteroError('malformed', 'Better BibTeX answered item.citationkey with something that is not a map of keys.');
      for (const [itemKey, citekey] of Object.entries(result)) {
        const key = usableCitationKey(citekey);
        if (key && isZoteroItemKey(itemKey)) keys.set(itemKey, key);
      }
    }
    return keys;
  }

  /** Items matching `terms` (a quick search string, or Zotero search conditions): CSL-JSON with `citekey`. */
  async search(terms: string | unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.call('item.search', [terms]);
    if (!Array.isArray(result)) throw new ZoteroError('malformed', 'Better BibTeX answered item.search with something that is not a list.');
    return result.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object' && !Array.isArray(item));
  }

  /**
   * The items of `citekeys` exported with a Better BibTeX translator (name or id: `Better BibTeX`,
   * `Better BibLaTeX`, `Better CSL JSON`, …). Both shapes of the result: the text, or `[200, type, text]`.
   */
  async export(citekeys: readonly string[], translator: string, libraryId?: number): Promise<string> {
    const result = await this.call('item.export', libraryId === undefined ? [citekeys, translator] : [citekeys, translator, libraryId]);
    if (typeof result === 'string') return result;
    if (Array.isArray(result) && result.length === 3 && typeof result[2] === 'string') {
      if (result[0] !== 200) throw new ZoteroError('rpc', `Better BibTeX could not export: HTTP ${String(result[0])} ${result[2].slice(0, 200)}`);
      return result[2];
    }
    throw new ZoteroError('malformed', 'Better BibTeX answered item.export with something that is not exported text.');
  }

  /** The attachments of the paper cited as `citekey`: their files (PDF paths) and annotations. */
  async attachments(citekey: string): Promise<Attachment[]> {
    const result = await this.call('item.attachments', [citekey]);
    if (!Array.isArray(result)) throw new ZoteroError('malformed', 'Better BibTeX answered item.attachments with something that is not a list.');
    return result
      .filter((a): a is Record<string, unknown> => !!a && typeof a === 'object' && !Array.isArray(a))
      .map((a) => ({
        open: typeof a.open === 'string' ? a.open : undefined,
        path: typeof a.path === 'string' && a.path !== '' ? a.path : undefined,
        annotations: Array.isArray(a.annotations) ? a.annotations.filter((n): n is Record<string, unknown> => !!n && typeof n === 'object' && !Array.isArray(n)) : [],
      }));
  }

  /** The notes (Zotero's HTML) of the papers cited as `citekeys`, by citation key. */
  async notes(citekeys: readonly string[]): Promise<Map<string, string[]>> {
    const result = await this.call('item.notes', [citekeys]);
    if (!result || typeof result !== 'object' || Array.isArray(result)) throw new ZoteroError('malformed', 'Better BibTeX answered item.notes with something that is not a map of notes.');
    const notes = new Map<string, string[]>();
    for (const [citekey, list] of Object.entries(result)) {
      if (Array.isArray(list)) notes.set(citekey, list.filter((note): note is string => typeof note === 'string'));
    }
    return notes;
  }
}

/**
 * The Zotero library as a catalog of the workspace, kept live: the last read from the cache at
 * once, then from the running Zotero — the whole library in pages the first time, afterwards only
 * what changed — and polled every few seconds.
 *
 * A poll costs one request answered 304 when nothing changed (`If-Modified-Since-Version`), plus,
 * now and then (every poll when Zotero has no versions: Zotero 7 without sync), one request for
 * the library's size and newest edit. A change costs the key → version list (one request) and the
 * items that changed. Citation keys come from Better BibTeX when it answers, else from the items.
 *
 * Zotero closed, its local API off, an error, a timeout: the papers stay as they were, the status
 * says why and what to do, polls go on with a growing pause. Nothing is removed but by a complete
 * list from Zotero without the item.
 */
import type { ZoteroStatus } from '../../../../common/protocol';
import type { Paper } from '../../catalog/paper';
import { isCitableItem, ownCitationKey, zoteroItemToPaper, zoteroRecord } from '../../catalog/zotero';
import { ZoteroLibrary, type LibraryUpdate, type ReadItem, type SourceEdit } from '../../service/zoteroLibrary';
import { BetterBibtexClient } from './betterBibtex';
import { caywPick, caywProbe } from './cayw';
import { zoteroBaseUrl, ZoteroError, zoteroRequest, urlOf } from './http';
import { LocalApiClient, LOCAL_API_OFF_HELP, type LibraryFingerprint, type LibraryVersions } from './localApi';
import { appendZoteroCache, readZoteroCache, writeZoteroCache } from './zoteroCache';

export interface ZoteroSourceHost {
  log(message: string): void;
  /** Brings the library's catalog in the model along; resolves once it is indexed. */
  apply(edits: readonly SourceEdit[], changedKeys: readonly string[], papers: () => Paper[]): Promise<void>;
  /** The source was turned off: its catalog leaves the model. */
  remove(): void;
  /** Papers (from the cache) that answer completion until the library's catalog is indexed. */
  provisional(papers: readonly Paper[]): void;
  status(status: ZoteroStatus): void;
}

export interface ZoteroSourceOptions {
  cacheDir: string | undefined;
  server: string;
  /** Between two polls while Zotero answers. */
  pollMs?: number;
  /** The longest pause between two tries while Zotero does not answer. */
  maxRetryMs?: number;
  timeoutMs?: number;
  /** With versions, the size and newest edit are checked every this many polls (edits not synced yet). */
  fingerprintEvery?: number;
}

const CACHE_WRITE_DELAY_MS = 2000;
/** Entries appended to the cache before it is written whole again (a whole write is 160–320 ms of CPU at 20,000). */
const MAX_JOURNAL_ENTRIES = 2000;
/** Cached papers handed over as provisional ones per turn of the event loop. */
const PROVISIONAL_PIECE = 2000;

export class ZoteroSource {
  private readonly pollMs: number;
  private readonly maxRetryMs: number;
  private readonly timeoutMs: number;
  private readonly fingerprintEvery: number;
  private settings = { enabled: false, url: '' };
  /** Bumped on every (re)configuration: a loop of an older run stops at its next step. */
  private run = 0;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private library = new ZoteroLibrary();
  private current: ZoteroStatus = { state: 'off', papers: 0, message: 'The Zotero library is not used (litnotes.zotero.enabled is off).' };
  private connected = false;
  private betterBibtex: string | undefined;
  private fingerprint: LibraryFingerprint | undefined;
  private polls = 0;
  private retryMs: number;
  private lastProblem = '';
  private lastSync = '';
  private cacheTimer: NodeJS.Timeout | undefined;
  private cacheDirty = false;
  /** The cache file holds the library as of the last write (a whole one written, or the one it was restored from). */
  private cacheOnDisk = false;
  /** Entries appended to the cache file since it was last written whole. */
  private journalEntries = 0;
  private cacheWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ZoteroSourceHost,
    private readonly options: ZoteroSourceOptions,
  ) {
    this.pollMs = options.pollMs ?? 5000;
    this.maxRetryMs = options.maxRetryMs ?? 20_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fingerprintEvery = options.fingerprintEvery ?? 6;
    this.retryMs = this.pollMs;
  }

  get status(): ZoteroStatus {
    return this.current;
  }

  /** New settings: starts, stops or restarts the source (nothing when they did not change). */
  configure(settings: { enabled: boolean; url: string }): void {
    if (settings.enabled === this.settings.enabled && settings.url === this.settings.url) return;
    const urlChanged = settings.url !== this.settings.url;
    this.stop();
    this.settings = { ...settings };
    if (!settings.enabled || urlChanged) {
      if (this.library.paperCount > 0 || !settings.enabled) this.host.remove();
      this.library = new ZoteroLibrary();
      this.lastSync = '';
      this.cacheOnDisk = false;
    }
    if (!settings.enabled) {
      this.setStatus({ state: 'off', papers: 0, message: 'The Zotero library is not used (litnotes.zotero.enabled is off).' });
      return;
    }
    void this.start(this.run);
  }

  /**
   * With the source off: whether Zotero answers at the URL (any HTTP answer; only on this computer),
   * for the welcome view's offer to turn it on.
   */
  async probeAvailable(): Promise<boolean> {
    if (this.settings.enabled) return false;
    const base = zoteroBaseUrl(this.settings.url || 'http://127.0.0.1:23119');
    if ('error' in base || !base.loopback) return false;
    let available = false;
    try {
      await zoteroRequest(urlOf(base.url, '/api/'), { timeoutMs: 2000, headers: { 'Zotero-API-Version': '3' } });
      available = true;
    } catch {
      available = false;
    }
    if (!this.settings.enabled && this.current.state === 'off' && this.current.available !== available) this.setStatus({ ...this.current, available });
    return available;
  }

  /** Opens Better BibTeX's picker in Zotero and waits for the user (probe first: no wait for a Zotero that is not there). */
  async cite(signal?: AbortSignal): Promise<string> {
    const base = zoteroBaseUrl(this.settings.url || 'http://127.0.0.1:23119');
    if ('error' in base) throw new ZoteroError('malformed', base.error);
    let state;
    try {
      state = await caywProbe(base.url, { signal });
    } catch (e) {
      if (e instanceof ZoteroError && e.kind === 'unreachable') throw new ZoteroError('unreachable', `Zotero is not running (nothing answers at ${base.url.origin}): start Zotero, with Better BibTeX installed, and try again.`);
      throw e;
    }
    if (state === 'starting') throw new ZoteroError('http', 'Better BibTeX is still starting in Zotero: try again in a moment.');
    return caywPick(base.url, { signal });
  }

  /** Writes the cache now if the library changed since it was last written (before the server exits). */
  async flush(): Promise<void> {
    clearTimeout(this.cacheTimer);
    if (this.cacheDirty) await this.writeCache();
    await this.cacheWrite;
  }

  dispose(): void {
    this.stop();
    clearTimeout(this.cacheTimer);
  }

  // ---- the loop ------------------------------------------------------------------------------

  private stop(): void {
    this.run++;
    this.controller?.abort();
    this.controller = undefined;
    clearTimeout(this.timer);
    this.connected = false;
    this.fingerprint = undefined;
    this.betterBibtex = undefined;
    this.lastProblem = '';
    this.retryMs = this.pollMs;
  }

  private async start(run: number): Promise<void> {
    const base = zoteroBaseUrl(this.settings.url);
    if ('error' in base) {
      this.host.log(`Zotero: ${base.error}`);
      this.setStatus({ state: 'error', papers: 0, message: base.error });
      return;
    }
    if (!base.loopback) this.host.log(`Zotero: reading the library at ${base.url.origin}, not on this computer, because litnotes.zotero.url says so.`);
    this.controller = new AbortController();
    const api = new LocalApiClient(base.url, { timeoutMs: this.timeoutMs, signal: this.controller.signal });
    const bbt = new BetterBibtexClient(base.url, { timeoutMs: this.timeoutMs, signal: this.controller.signal });
    this.setStatus({ state: 'connecting', papers: this.library.paperCount, message: `Connecting to Zotero at ${base.url.origin}…` });
    if (this.library.size === 0) await this.loadCache(run);
    if (run !== this.run) return;
    const loop = async () => {
      if (run !== this.run) return;
      const ok = await this.sync(run, api, bbt);
      if (run !== this.run) return;
      this.retryMs = ok ? this.pollMs : Math.min(this.maxRetryMs, this.retryMs * 2);
      this.timer = setTimeout(() => void loop(), ok ? this.pollMs : this.retryMs);
      this.timer.unref?.();
    };
    await loop();
  }

  /** One step: connect (and read) or poll. False when Zotero could not be read. */
  private async sync(run: number, api: LocalApiClient, bbt: BetterBibtexClient): Promise<boolean> {
    try {
      if (!this.connected) {
        await this.connect(run, api, bbt);
        this.connected = true;
        if (this.lastProblem) this.host.log(`Zotero: answering again; the library is up to date.`);
        this.lastProblem = '';
        this.setLive();
      } else {
        await this.poll(run, api, bbt);
      }
      return true;
    } catch (e) {
      if (run !== this.run) return false;
      this.failed(e);
      return false;
    }
  }

  private async connect(run: number, api: LocalApiClient, bbt: BetterBibtexClient): Promise<void> {
    // The local API first: it says whether Zotero runs and lets LitNotes in.
    const fingerprint = await api.fingerprint();
    this.check(run);
    this.betterBibtex = await this.betterBibtexVersion(bbt);
    this.check(run);
    if (!this.library.complete) {
      await this.readAll(run, api, bbt, fingerprint.total);
    } else {
      await this.reconcile(run, api, bbt);
      if (this.betterBibtex) await this.rekeyFromBetterBibtex(run, bbt);
    }
  }

  /** The whole library, a page at a time, each indexed as it comes; then what moved while it was read. */
  private async readAll(run: number, api: LocalApiClient, bbt: BetterBibtexClient, total: number): Promise<void> {
    const started = Date.now();
    this.setStatus({ state: 'reading', papers: this.library.paperCount, message: `Reading your Zotero library: 0 of ${total} items…` });
    const { libraryVersion } = await api.readAll(async (page, done) => {
      this.check(run);
      const items = await this.readItems(page.items, bbt);
      this.check(run);
      await this.apply(this.library.update(items));
      this.setStatus({ state: 'reading', papers: this.library.paperCount, message: `Reading your Zotero library: ${Math.min(done, page.total)} of ${page.total} items…` });
    });
    this.library.complete = true;
    this.library.version = libraryVersion ?? 0;
    this.host.log(`Zotero: read ${this.library.paperCount} papers (${this.library.size} items) in ${Date.now() - started} ms${this.betterBibtex ? `, keys from Better BibTeX ${this.betterBibtex}` : ', keys from the items (Better BibTeX does not answer)'}.`);
    // Edits during the read (pages move) and items gone since a cache: the versions say.
    await this.reconcile(run, api, bbt);
  }

  /** What changed since the library was last read: new and changed versions, recent edits, items gone. */
  private async reconcile(run: number, api: LocalApiClient, bbt: BetterBibtexClient, known?: LibraryVersions): Promise<void> {
    const started = Date.now();
    const versions = known ?? (await api.versions());
    this.check(run);
    if (!versions) return;
    const recent = this.library.watermark ? await api.modifiedSince(this.library.watermark) : [];
    this.check(run);
    const recentKeys = new Set(recent.map((item) => zoteroRecord(item)?.itemKey));
    const before = this.library.versions();
    const toFetch = [...versions.versions].filter(([key, version]) => !recentKeys.has(key) && before.get(key) !== version).map(([key]) => key);
    const removed = [...before.keys()].filter((key) => !versions.versions.has(key));
    const fetched = await api.itemsByKey(toFetch);
    this.check(run);
    const items = await this.readItems([...recent, ...fetched], bbt);
    this.check(run);
    const update = this.library.update(items, removed);
    this.library.version = versions.libraryVersion ?? 0;
    await this.apply(update);
    this.fingerprint = await api.fingerprint();
    this.logChanges(update, toFetch.length + recent.length, removed.length, started);
  }

  private async poll(run: number, api: LocalApiClient, bbt: BetterBibtexClient): Promise<void> {
    this.polls++;
    if (this.library.version > 0) {
      const changed = await api.versions({ ifChangedSince: this.library.version, since: this.library.version });
      this.check(run);
      if (changed) return this.readChanges(run, api, bbt, changed);
    }
    if (this.library.version === 0 || this.polls % this.fingerprintEvery === 0) {
      const fingerprint = await api.fingerprint();
      this.check(run);
      if (!sameFingerprint(fingerprint, this.fingerprint)) return this.readRecentEdits(run, api, bbt, fingerprint);
    }
    if (!this.betterBibtex && this.polls % (2 * this.fingerprintEvery) === 0) {
      this.betterBibtex = await this.betterBibtexVersion(bbt);
      if (this.betterBibtex) {
        await this.rekeyFromBetterBibtex(run, bbt);
        this.setLive();
      }
    }
  }

  /**
   * The library's version moved: the items above the version last read. Items that went (trashed,
   * deleted) are in no such list: when the library's size says some did, the whole list.
   */
  private async readChanges(run: number, api: LocalApiClient, bbt: BetterBibtexClient, changed: LibraryVersions): Promise<void> {
    const started = Date.now();
    const fingerprint = await api.fingerprint();
    this.check(run);
    const known = this.library.versions();
    const added = [...changed.versions.keys()].filter((key) => !known.has(key)).length;
    if (fingerprint.total !== known.size + added) return this.reconcile(run, api, bbt);
    const toFetch = [...changed.versions].filter(([key, version]) => known.get(key) !== version).map(([key]) => key);
    const items = await this.readItems(await api.itemsByKey(toFetch), bbt);
    this.check(run);
    const update = this.library.update(items);
    this.library.version = changed.libraryVersion ?? this.library.version;
    this.fingerprint = fingerprint;
    await this.apply(update);
    this.logChanges(update, toFetch.length, 0, started);
  }

  /**
   * The size or the newest edit changed while the version did not (Zotero 7 edits without a sync):
   * the items modified since the last one read; the whole list when the size changed.
   */
  private async readRecentEdits(run: number, api: LocalApiClient, bbt: BetterBibtexClient, fingerprint: LibraryFingerprint): Promise<void> {
    // A version where there was none (a first sync): the whole list says what happened.
    if (!this.library.watermark || (fingerprint.libraryVersion ?? 0) !== this.library.version) return this.reconcile(run, api, bbt);
    const started = Date.now();
    const recent = await api.modifiedSince(this.library.watermark);
    this.check(run);
    // Items that went are in no list of recent edits: when the size is not the old one and the new
    // items, the whole list says which went.
    const added = new Set(recent.map((item) => zoteroRecord(item)?.itemKey).filter((key) => key && !this.library.entry(key))).size;
    if (fingerprint.total !== this.library.size + added) return this.reconcile(run, api, bbt);
    const update = this.library.update(await this.readItems(recent, bbt));
    this.check(run);
    this.fingerprint = fingerprint;
    await this.apply(update);
    this.logChanges(update, recent.length, 0, started);
  }

  private logChanges(update: LibraryUpdate, read: number, gone: number, started: number): void {
    if (update.changedItems > 0) this.host.log(`Zotero: ${update.changedItems} ${update.changedItems === 1 ? 'paper' : 'papers'} changed (${read} items read, ${gone} gone) in ${Date.now() - started} ms.`);
  }

  /** Better BibTeX's version when it answers (it may be starting, or not installed: then undefined). */
  private async betterBibtexVersion(bbt: BetterBibtexClient): Promise<string | undefined> {
    try {
      return (await bbt.ready(5000)).betterbibtex;
    } catch (e) {
      if (e instanceof ZoteroError && e.kind === 'unreachable') throw e;
      if (e instanceof ZoteroError && e.kind === 'cancelled') throw e;
      return undefined;
    }
  }

  /** Better BibTeX answered after papers got keys elsewhere: its keys from now on. */
  private async rekeyFromBetterBibtex(run: number, bbt: BetterBibtexClient): Promise<void> {
    const pending = this.library.itemKeys().filter((key) => {
      const entry = this.library.entry(key);
      return entry?.paper && entry.keySource !== 'better-bibtex';
    });
    if (pending.length === 0) return;
    let keys: Map<string, string>;
    try {
      keys = await bbt.citationKeys(pending);
    } catch (e) {
      if (e instanceof ZoteroError && (e.kind === 'unreachable' || e.kind === 'cancelled')) throw e;
      this.host.log(`Zotero: ${e instanceof Error ? e.message : String(e)}; keys from the items until Better BibTeX answers again.`);
      this.betterBibtex = undefined;
      return;
    }
    this.check(run);
    const update = this.library.rekey(new Map([...keys].map(([itemKey, key]) => [itemKey, { key, source: 'better-bibtex' as const }])));
    await this.apply(update);
    if (update.changedItems > 0) this.host.log(`Zotero: ${update.changedItems} papers have Better BibTeX's citation keys now.`);
  }

  /** Items as Zotero sent them → what the library reads: records, papers, and their keys. */
  private async readItems(raw: readonly unknown[], bbt: BetterBibtexClient): Promise<ReadItem[]> {
    const seen = new Set<string>();
    const items: { raw: unknown; record: NonNullable<ReturnType<typeof zoteroRecord>> }[] = [];
    for (const item of raw) {
      const record = zoteroRecord(item);
      if (!record || seen.has(record.itemKey)) continue;
      seen.add(record.itemKey);
      items.push({ raw: item, record });
    }
    let keys = new Map<string, string>();
    if (this.betterBibtex) {
      const citable = items.filter((i) => isCitableItem(i.raw)).map((i) => i.record.itemKey);
      try {
        keys = citable.length > 0 ? await bbt.citationKeys(citable) : keys;
      } catch (e) {
        if (e instanceof ZoteroError && (e.kind === 'unreachable' || e.kind === 'cancelled')) throw e;
        this.host.log(`Zotero: ${e instanceof Error ? e.message : String(e)}; keys from the items until Better BibTeX answers again.`);
        this.betterBibtex = undefined;
      }
    }
    return items.map(({ raw: item, record }) => {
      const bbtKey = keys.get(record.itemKey);
      return {
        record,
        paper: zoteroItemToPaper(item, '') ?? undefined,
        key: bbtKey ? { key: bbtKey, source: 'better-bibtex' as const } : ownCitationKey(item),
      };
    });
  }

  private async apply(update: LibraryUpdate): Promise<void> {
    this.lastSync = new Date().toISOString();
    if (update.edits.length === 0) return;
    await this.host.apply(update.edits, update.changedKeys, () => this.library.papers());
    this.scheduleCacheWrite();
  }

  private check(run: number): void {
    if (run !== this.run) throw new ZoteroError('cancelled', 'Cancelled.');
  }

  // ---- status --------------------------------------------------------------------------------

  private setLive(): void {
    const keys = this.betterBibtex
      ? `citation keys from Better BibTeX ${this.betterBibtex}`
      : 'citation keys from Zotero’s Citation Key field (or Extra), else made like Better BibTeX’s default; install Better BibTeX for its keys';
    this.setStatus({ state: 'live', papers: this.library.paperCount, message: `${this.library.paperCount} papers from your Zotero library, live (${keys}).`, betterBibtex: this.betterBibtex });
  }

  private failed(e: unknown): void {
    this.connected = false;
    const error = e instanceof ZoteroError ? e : new ZoteroError('malformed', `Reading Zotero failed: ${e instanceof Error ? e.message : String(e)}`);
    const kept = this.library.paperCount > 0 ? `papers from the last sync${this.lastSync ? ` (${this.lastSync.slice(0, 16).replace('T', ' ')} UTC)` : ''}` : 'no papers from it yet';
    let status: ZoteroStatus;
    if (error.kind === 'unreachable') {
      status = {
        state: 'unreachable',
        papers: this.library.paperCount,
        message: `Zotero not reachable — ${kept}. ${error.message} Start Zotero (7 or later) with its local API on: Settings → Advanced → “Allow other applications on this computer to communicate with Zotero”.`,
      };
    } else if (error.status === 403) {
      status = { state: 'localApiOff', papers: this.library.paperCount, message: `Zotero's local API is off — ${kept}. ${LOCAL_API_OFF_HELP}` };
    } else {
      status = { state: 'error', papers: this.library.paperCount, message: `${error.message} — ${kept}.` };
    }
    if (status.message !== this.lastProblem) this.host.log(`Zotero: ${status.message}`);
    this.lastProblem = status.message;
    this.setStatus(status);
  }

  private setStatus(status: ZoteroStatus): void {
    this.current = { ...status, ...(this.lastSync ? { lastSync: this.lastSync } : {}) };
    this.host.status(this.current);
  }

  // ---- cache ---------------------------------------------------------------------------------

  private async loadCache(run: number): Promise<void> {
    if (!this.options.cacheDir) return;
    const started = Date.now();
    const cached = await readZoteroCache(this.options.cacheDir, this.settings.url, this.options.server);
    if (!cached || run !== this.run || cached.entries.length === 0) return;
    this.library.restore(cached.entries, cached.state);
    this.lastSync = cached.state.written;
    this.cacheOnDisk = true;
    this.journalEntries = 0;
    // Completion from the cache at once, a piece per turn, while the papers are indexed in slices.
    const papers = this.library.papers();
    for (let i = 0; i < papers.length; i += PROVISIONAL_PIECE) {
      this.host.provisional(papers.slice(i, i + PROVISIONAL_PIECE));
      await new Promise((resolve) => setImmediate(resolve));
      if (run !== this.run) return;
    }
    await this.host.apply([{ kind: 'replace', papers: this.library.papers() }], this.library.papers().map((p) => p.key), () => this.library.papers());
    this.host.log(`Zotero: ${this.library.paperCount} papers from the last sync${cached.state.written ? ` (${cached.state.written})` : ''}, in ${Date.now() - started} ms.`);
    this.setStatus({ ...this.current, papers: this.library.paperCount });
  }

  private scheduleCacheWrite(): void {
    this.cacheDirty = true;
    clearTimeout(this.cacheTimer);
    this.cacheTimer = setTimeout(() => void this.writeCache(), CACHE_WRITE_DELAY_MS);
    this.cacheTimer.unref?.();
  }

  /** The entries changed since the last write, appended; the whole library when the file has none of it or a long journal. */
  private async writeCache(): Promise<void> {
    const cacheDir = this.options.cacheDir;
    if (!cacheDir || !this.cacheDirty || !this.settings.enabled) return;
    this.cacheDirty = false;
    const library = this.library;
    const url = this.settings.url;
    const state = { version: library.version, watermark: library.watermark, complete: library.complete, written: this.lastSync };
    const changed = library.takeChanged();
    const count = changed.entries.length + changed.removed.length;
    const whole = !this.cacheOnDisk || this.journalEntries + count > MAX_JOURNAL_ENTRIES;
    this.cacheWrite = this.cacheWrite
      .then(async () => {
        if (whole) await writeZoteroCache(cacheDir, url, this.options.server, state, library.snapshot());
        else await appendZoteroCache(cacheDir, url, state, changed.entries, changed.removed);
        if (library !== this.library) return;
        this.cacheOnDisk = true;
        this.journalEntries = whole ? 0 : this.journalEntries + count;
      })
      .catch((e) => {
        this.cacheOnDisk = false; // the next write is a whole one
        this.host.log(`Zotero: could not write the cache of the library: ${e instanceof Error ? e.message : String(e)}`);
      });
    await this.cacheWrite;
  }
}

function sameFingerprint(a: LibraryFingerprint, b: LibraryFingerprint | undefined): boolean {
  return !!b && a.total === b.total && a.libraryVersion === b.libraryVersion && a.newestKey === b.newestKey && a.newestModified === b.newestModified;
}

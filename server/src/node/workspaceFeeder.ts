/**
 * Feeds the workspace model from the disk: the initial indexing of the workspace folders, re-reading
 * files the watcher reports (debounced: Zotero rewrites a catalog in several writes), and the
 * catalogs that notes name in their front matter. An open editor buffer always wins over the disk
 * copy: a file open in the editor is never read from disk.
 *
 * A catalog change goes one way: its file or editor text is read (by the catalog worker, through
 * node/catalogReader.ts), the reading is handed to the intake (service/catalogIntake.ts: the
 * last-good rule → a CatalogUpdate), the update to the model, which indexes it in slices of a few
 * milliseconds (WorkspaceModel.work) run here, so requests are answered while a big catalog comes in.
 */
import * as path from 'node:path';
import { catalogFormatOf } from '../catalog/catalogFile';
import type { Paper } from '../catalog/paper';
import { isZoteroCatalog } from '../catalog/zotero';
import { looksLikeCslCatalog } from '../service/catalogSniff';
import type { Settings } from '../service/settings';
import type { WorkspaceModel } from '../service/workspaceModel';
import { CatalogIntake, keysComeOrGone, type CatalogReading, type CatalogUpdate, type IntakeOutcome } from '../service/catalogIntake';
import type { SourceEdit } from '../service/zoteroLibrary';
import { CatalogReader, type CatalogReadResult } from './catalogReader';
import { findWorkspaceFiles, yieldToEventLoop } from './discovery';
import { isFile, pathToUri, readHead, readTextAndTime, uriToPath } from './files';
import { globMatcher, hasGlobSyntax } from './glob';

export interface FeederHost {
  log(message: string): void;
  error(message: string): void;
  /** The open editor buffer of `uri`, which wins over the disk copy. */
  openText(uri: string): string | undefined;
  /**
   * Called after a catalog's papers or problems may have changed; `changedKeys()` lists the keys
   * that came or went. A function: a first read changes 100,000 keys, which nobody needs while
   * the workspace is being indexed, and comparing them took 44 ms at the end of the read.
   */
  catalogChanged(uri: string, changedKeys: () => readonly string[]): void;
  /** Called after a note was (re-)indexed or removed. */
  noteChanged(uri: string): void;
  /**
   * How many chunks of input the connection has received so far. With it, indexing pauses only
   * when messages came in since its last slice; without it, after every slice.
   */
  messagesReceived?(): number;
}

export interface IndexingProgress {
  report(done: number, total: number): void;
  isCancelled(): boolean;
}

/** Folders nobody wants indexed, whatever the settings say. */
const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/.git/**'];
const REREAD_DELAY_MS = 100;
/** Notes read at the same time while indexing: one at a time, a read waited for four trips through the thread pool. */
const NOTE_READS_AT_ONCE = 32;
/** Indexing work per turn of the event loop: requests wait at most about this long. */
const WORK_SLICE_MS = 4;
/**
 * The pause after a slice when messages came in. The LSP connection handles one message per turn
 * of the event loop, so without a pause a request would queue up behind the slices (and a
 * didChange then a completion behind two). With nothing coming in, slices follow each other at once.
 */
const WORK_PAUSE_MS = 4;

export class WorkspaceFeeder {
  private settings: Settings;
  private filesExclude: string[] = [];
  private isExcluded: (relativePath: string) => boolean = () => false;
  private readonly pendingRereads = new Map<string, NodeJS.Timeout>();
  /** `host.messagesReceived()` when the last slice looked. */
  private messagesSeen = 0;
  /** Catalogs named by notes' front matter, outside what discovery finds. */
  private readonly frontMatterCatalogs = new Set<string>();
  private reader: CatalogReader | undefined;
  /** Takes readings in: each catalog file's last good version (the worker reads; this side takes). */
  private readonly intake = new CatalogIntake();
  private workScheduled = false;
  private readonly indexedWaiters: (() => void)[] = [];
  /** What the catalog worker sent, decoded in the indexing slices before the model's own work. */
  private readonly tasks: (() => void)[] = [];

  constructor(
    private readonly model: WorkspaceModel,
    private readonly host: FeederHost,
    settings: Settings,
  ) {
    this.settings = settings;
    this.updateExcludes();
  }

  /** From now on catalogs are read by the worker (until then, and in tests, in this thread at once). */
  useCatalogReader(options: { cacheDir: string | undefined; server: string }): void {
    this.reader?.dispose();
    this.reader = new CatalogReader(
      {
        provisional: (uri, piece) => this.model.addProvisionalPiece(uri, piece),
        abstractWords: (_uri, paper, words) => this.model.addAbstractWords(paper, words),
        abstractWordsComing: (uri) => this.model.abstractWordsComing(uri),
        abstractWordsEnded: (uri) => this.model.abstractWordsEnded(uri),
        log: (message) => this.host.log(message),
        schedule: (task) => {
          this.tasks.push(task);
          this.scheduleWork();
        },
      },
      options,
    );
  }

  configure(settings: Settings, filesExclude: string[]): void {
    this.settings = settings;
    this.filesExclude = filesExclude;
    this.updateExcludes();
  }

  /** Reads every catalog, then every note, of the workspace folders; removes what is gone since the last run. */
  async indexWorkspace(progress: IndexingProgress): Promise<void> {
    const started = Date.now();
    const catalogs: string[] = [];
    const notes: string[] = [];
    // Catalogs named by a plain path need no walk: their reading starts now, while the folders are walked.
    const early = new Map<string, Promise<void>>();
    for (const folderUri of this.model.workspaceFolders) {
      const root = uriToPath(folderUri);
      for (const entry of root ? this.settings.catalogs : []) {
        const full = path.resolve(root!, entry);
        if (hasGlobSyntax(entry) || !catalogFormatOf(full) || !(await isFile(full))) continue;
        const uri = pathToUri(full);
        if (!early.has(uri)) early.set(uri, this.readCatalog(uri));
      }
    }
    for (const folderUri of this.model.workspaceFolders) {
      const root = uriToPath(folderUri);
      if (!root) continue;
      const found = await findWorkspaceFiles(root, {
        isExcluded: (relative) => this.isExcluded(relative),
        isCancelled: () => progress.isCancelled(),
      });
      catalogs.push(...(await this.selectCatalogs(root, found.bibtex, found.cslCandidates)));
      notes.push(...found.notes);
    }
    if (progress.isCancelled()) return;

    const catalogUris = new Set(catalogs.map(pathToUri));
    // 10,000 notes' URIs took 40 ms in one turn: made a slice at a time.
    const noteUris = new Set<string>();
    let sliceStarted = performance.now();
    for (const note of notes) {
      noteUris.add(pathToUri(note));
      if (performance.now() - sliceStarted > WORK_SLICE_MS) {
        await yieldToEventLoop();
        sliceStarted = performance.now();
      }
    }
    for (const uri of this.model.catalogUris()) {
      // The Zotero library is no file: its source keeps it.
      if (!catalogUris.has(uri) && !this.frontMatterCatalogs.has(uri) && this.host.openText(uri) === undefined && !isZoteroCatalog(uri)) this.removeCatalog(uri);
    }
    for (const uri of this.model.noteUris()) {
      if (!noteUris.has(uri) && this.host.openText(uri) === undefined) this.removeNote(uri);
    }

    const total = catalogUris.size + noteUris.size;
    let done = 0;
    // Notes are read while the worker reads the catalogs: a note's citations do not depend on them
    // (diagnostics wait for the end of indexing), and 10,000 notes after a 100k catalog took 4 s more.
    const catalogsRead = (async () => {
      for (const uri of catalogUris) {
        if (progress.isCancelled()) return;
        await (early.get(uri) ?? this.readCatalog(uri));
        progress.report(++done, total);
        await yieldToEventLoop();
      }
    })();
    const notesStarted = Date.now();
    const noteList = [...noteUris];
    for (let i = 0; i < noteList.length && !progress.isCancelled(); i += NOTE_READS_AT_ONCE) {
      const batch = noteList.slice(i, i + NOTE_READS_AT_ONCE);
      // The batch's reads finish together, in one turn of the event loop: parsed all at once they
      // held the event loop 80–120 ms (the 10k bench's 1,000 notes). Parsed in slices, a request waits one.
      const reads = await Promise.all(batch.map((uri) => this.readNoteFile(uri)));
      let sliceStarted = performance.now();
      for (let j = 0; j < batch.length; j++) {
        this.feedNoteRead(batch[j], reads[j]);
        if (performance.now() - sliceStarted > WORK_SLICE_MS) {
          await yieldToEventLoop();
          sliceStarted = performance.now();
        }
      }
      done += batch.length;
      progress.report(done, total);
      await yieldToEventLoop();
    }
    if (noteUris.size > 0) this.host.log(`Read ${noteUris.size} notes in ${Date.now() - notesStarted} ms.`);
    await catalogsRead;
    if (progress.isCancelled()) return;
    progress.report(total, total);
    this.host.log(`Indexed ${this.model.paperCount} papers from ${catalogUris.size} catalogs and ${noteUris.size} notes in ${Date.now() - started} ms.`);
  }

  /** A catalog's text from the editor (or a re-read): parsed, logged, reported. */
  async feedCatalog(uri: string, text: string): Promise<void> {
    const reader = this.reader;
    if (!reader) {
      // No worker (tests): read in this thread and indexed at once.
      const started = Date.now();
      const taken = this.intake.takeText(uri, text);
      this.model.applyIntakeOutcome(uri, taken);
      this.model.finishWork();
      if (taken.kind === 'updated') this.reportUpdate(uri, taken.update, taken.what, started);
      return;
    }
    await this.applyRead(uri, (full) => reader.readText(uri, text, full));
  }

  /**
   * A catalog that is no file (the Zotero library), as its source changes it: edited stretches, or
   * its whole list (also when a stretch does not apply). Indexed in slices like a file's read.
   */
  async applySourceEdits(uri: string, edits: readonly SourceEdit[], changedKeys: readonly string[], papers: () => Paper[]): Promise<void> {
    const whole = (list: Paper[]): CatalogReading => ({ kind: 'full', result: { uri, papers: list, problems: [] }, blank: false });
    if (!this.intake.has(uri)) this.take(uri, whole([]));
    for (const edit of edits) {
      if (edit.kind === 'delta' && this.take(uri, { kind: 'delta', delta: edit.delta }).kind === 'updated') continue;
      this.take(uri, whole(edit.kind === 'replace' ? edit.papers : papers()));
      if (edit.kind === 'delta') break; // the whole list has the later edits too
    }
    await this.whenIndexed();
    this.host.catalogChanged(uri, () => changedKeys);
  }

  /** Papers of a source that is no file, known before its catalog is indexed (its cache): they answer completion meanwhile. */
  addSourceProvisional(uri: string, papers: readonly Paper[]): void {
    this.model.addProvisionalPapers(uri, papers);
  }

  /** A source that is no file was turned off: its catalog leaves the model. */
  removeSourceCatalog(uri: string): void {
    if (this.model.isCatalog(uri)) this.removeCatalog(uri);
  }

  /** Reads `uri` (an edited stretch the intake cannot take is read again whole), hands the reading to the intake, its update to the model. */
  private async applyRead(uri: string, read: (full: boolean) => Promise<CatalogReadResult>): Promise<void> {
    const started = Date.now();
    let taken = this.take(uri, await read(false));
    if (taken.kind === 'readWhole') taken = this.take(uri, await read(true));
    if (taken.kind === 'unchanged') return;
    if (taken.kind !== 'updated') {
      this.host.error(`Cannot read ${this.display(uri)}: ${taken.kind === 'failed' ? taken.message : 'unexpected answer of the catalog worker'}`);
      return;
    }
    await this.whenIndexed();
    this.reportUpdate(uri, taken.update, taken.what, started);
  }

  /** A reading through the intake, and what it gave to the model (an update is indexed in the slices). */
  private take(uri: string, reading: CatalogReadResult): IntakeOutcome {
    const taken = this.intake.take(uri, reading);
    this.model.applyIntakeOutcome(uri, taken);
    return taken;
  }

  private reportUpdate(uri: string, update: CatalogUpdate, what: string, started: number): void {
    this.host.log(`${this.display(uri)}: ${what} in ${Date.now() - started} ms.`);
    if (update.notice) this.host.log(`${this.display(uri)}: ${update.notice}`);
    this.host.catalogChanged(uri, () => keysComeOrGone(update));
  }

  /** Resolves once every catalog update is in the indexes; indexing runs in slices meanwhile. */
  whenIndexed(): Promise<void> {
    if (!this.model.hasPendingWork && this.tasks.length === 0) return Promise.resolve();
    this.scheduleWork();
    return new Promise((resolve) => this.indexedWaiters.push(resolve));
  }

  private scheduleWork(pause = 0): void {
    if (this.workScheduled) return;
    this.workScheduled = true;
    const messages = this.host.messagesReceived;
    if (messages && pause > 0) pause = 0; // the slice itself looks for messages
    const slice = () => {
      if (messages && messages() !== this.messagesSeen) {
        this.messagesSeen = messages();
        setTimeout(slice, WORK_PAUSE_MS);
        return;
      }
      this.workScheduled = false;
      const started = performance.now();
      const shouldYield = () => performance.now() - started > WORK_SLICE_MS;
      while (this.tasks.length > 0) {
        this.tasks.shift()!();
        if (shouldYield()) return this.scheduleWork(WORK_PAUSE_MS);
      }
      if (this.model.work(shouldYield) && this.tasks.length === 0) {
        for (const resolve of this.indexedWaiters.splice(0)) resolve();
      } else {
        this.scheduleWork(WORK_PAUSE_MS);
      }
    };
    if (pause > 0) setTimeout(slice, pause);
    else setImmediate(slice);
  }

  /** A note's text, written at `editedAt` (now for the editor's buffer, the file's time from disk). */
  feedNote(uri: string, text: string, editedAt?: number): void {
    if (!this.model.setNote(uri, text, editedAt)) return;
    this.host.noteChanged(uri);
    void this.loadFrontMatterCatalogs(uri);
  }

  /** A file changed on disk (watcher): re-read after a short pause, unless the editor has it open. */
  fileChanged(uri: string, deleted: boolean): void {
    clearTimeout(this.pendingRereads.get(uri));
    this.pendingRereads.set(
      uri,
      setTimeout(() => {
        this.pendingRereads.delete(uri);
        this.reread(uri, deleted).catch((e) => this.host.error(`Re-reading ${this.display(uri)} failed: ${String(e)}`));
      }, REREAD_DELAY_MS),
    );
  }

  /** An editor closed the file: the disk copy is the truth again (or the file leaves the model). */
  async documentClosed(uri: string): Promise<void> {
    const filePath = uriToPath(uri);
    const known = this.isInWorkspace(uri) || this.frontMatterCatalogs.has(uri);
    if (filePath && known && (await isFile(filePath))) {
      await this.reread(uri, false);
    } else if (this.model.isCatalog(uri)) {
      this.removeCatalog(uri);
    } else if (this.model.note(uri)) {
      this.removeNote(uri);
    }
  }

  /** Catalog files to watch with `fs.watch` when the client cannot watch for us. */
  catalogPaths(): string[] {
    return this.model.catalogUris().map(uriToPath).filter((p): p is string => !!p);
  }

  /** Whether a file that appeared (or was opened) should be read as a catalog. */
  async isCatalogFile(uri: string, text?: string): Promise<boolean> {
    if (this.model.isCatalog(uri) || this.frontMatterCatalogs.has(uri)) return true;
    const filePath = uriToPath(uri);
    const format = catalogFormatOf(uri);
    if (!format) return false;
    const folder = this.model.workspaceFolders.find((f) => uri.startsWith(f + '/'));
    if (!folder || !filePath) return false;
    const root = uriToPath(folder)!;
    const relative = path.relative(root, filePath).split(path.sep).join('/');
    if (this.isExcluded(relative)) return false;
    if (this.settings.catalogs.length > 0) return this.settings.catalogs.some((c) => globMatcher([c])(relative) || path.resolve(root, c) === filePath);
    if (format === 'bibtex') return true;
    try {
      return looksLikeCslCatalog(text ?? (await readHead(filePath)), format);
    } catch {
      return false;
    }
  }

  isExcludedUri(uri: string): boolean {
    const folder = this.model.workspaceFolders.find((f) => uri.startsWith(f + '/'));
    const filePath = uriToPath(uri);
    if (!folder || !filePath) return false;
    return this.isExcluded(path.relative(uriToPath(folder)!, filePath).split(path.sep).join('/'));
  }

  /** Writes the catalog caches still waiting: the next start gets the catalogs as they are now. */
  async flushCaches(): Promise<void> {
    await this.reader?.flush();
  }

  dispose(): void {
    for (const timer of this.pendingRereads.values()) clearTimeout(timer);
    this.pendingRereads.clear();
    this.reader?.dispose();
  }

  private async reread(uri: string, deleted: boolean): Promise<void> {
    if (this.host.openText(uri) !== undefined) return;
    const filePath = uriToPath(uri);
    if (deleted || !filePath || !(await isFile(filePath))) {
      if (this.model.isCatalog(uri)) this.removeCatalog(uri);
      if (this.model.note(uri)) this.removeNote(uri);
      return;
    }
    if (/\.(?:md|markdown)$/i.test(uri)) {
      if (this.isExcludedUri(uri)) return;
      await this.readNote(uri);
    } else if (await this.isCatalogFile(uri)) {
      await this.readCatalog(uri);
    }
  }

  private async readCatalog(uri: string): Promise<void> {
    const open = this.host.openText(uri);
    const filePath = uriToPath(uri);
    const reader = this.reader;
    if (open !== undefined || !reader || !filePath) {
      const text = open ?? (await this.readFile(uri));
      if (text !== undefined) await this.feedCatalog(uri, text);
      return;
    }
    await this.applyRead(uri, (full) => reader.readFile(uri, filePath, full));
  }

  private async readNote(uri: string): Promise<void> {
    this.feedNoteRead(uri, await this.readNoteFile(uri));
  }

  /** A note's file, unless the editor has it open. */
  private async readNoteFile(uri: string): Promise<{ text: string; modifiedAt: number } | undefined> {
    return this.host.openText(uri) === undefined ? this.readFileAndTime(uri) : undefined;
  }

  /** The editor's buffer wins, also when the note was opened while its file was read. */
  private feedNoteRead(uri: string, read: { text: string; modifiedAt: number } | undefined): void {
    const open = this.host.openText(uri);
    if (open !== undefined) this.feedNote(uri, open, Date.now());
    else if (read) this.feedNote(uri, read.text, read.modifiedAt);
  }

  private async readFile(uri: string): Promise<string | undefined> {
    return (await this.readFileAndTime(uri))?.text;
  }

  private async readFileAndTime(uri: string): Promise<{ text: string; modifiedAt: number } | undefined> {
    const filePath = uriToPath(uri);
    if (!filePath) return undefined;
    try {
      return await readTextAndTime(filePath);
    } catch (e) {
      this.host.error(`Cannot read ${this.display(uri)}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Pandoc's `bibliography:` paths, relative to the note's folder (or a workspace folder). */
  private async loadFrontMatterCatalogs(noteUri: string): Promise<void> {
    const bibliography = this.model.note(noteUri)?.frontMatter?.bibliography ?? [];
    const notePath = uriToPath(noteUri);
    if (!notePath || bibliography.length === 0) return;
    for (const entry of bibliography) {
      if (!catalogFormatOf(entry)) continue;
      const candidates = path.isAbsolute(entry)
        ? [entry]
        : [path.resolve(path.dirname(notePath), entry), ...this.model.workspaceFolders.map((f) => path.resolve(uriToPath(f) ?? '', entry))];
      for (const candidate of candidates) {
        const uri = pathToUri(candidate);
        if (this.model.isCatalog(uri)) break;
        if (!(await isFile(candidate))) continue;
        this.frontMatterCatalogs.add(uri);
        await this.readCatalog(uri);
        break;
      }
    }
  }

  private async selectCatalogs(root: string, bibtex: string[], cslCandidates: string[]): Promise<string[]> {
    const relative = (p: string) => path.relative(root, p).split(path.sep).join('/');
    if (this.settings.catalogs.length > 0) {
      const matches = globMatcher(this.settings.catalogs);
      const selected = [...bibtex, ...cslCandidates].filter((p) => matches(relative(p)));
      // A plain path may point outside the folder's walk (`../shared/library.bib`): the user named it.
      for (const entry of this.settings.catalogs) {
        if (hasGlobSyntax(entry)) continue;
        const full = path.resolve(root, entry);
        if (!selected.includes(full) && catalogFormatOf(full) && (await isFile(full))) selected.push(full);
      }
      return selected;
    }
    const csl: string[] = [];
    for (const candidate of cslCandidates) {
      const format = catalogFormatOf(candidate);
      try {
        if (format && looksLikeCslCatalog(await readHead(candidate), format)) csl.push(candidate);
      } catch {
        // Unreadable: not a catalog we can use.
      }
    }
    return [...bibtex, ...csl];
  }

  private removeCatalog(uri: string): void {
    this.reader?.forget(uri);
    const update = this.intake.remove(uri);
    if (update) this.model.applyCatalogUpdate(update); // its provisional papers go with it
    else this.model.clearProvisionalPapers(uri); // a skim of a file never read
    this.model.finishWork();
    if (!update) return;
    this.host.log(`${this.display(uri)}: removed.`);
    this.host.catalogChanged(uri, () => keysComeOrGone(update));
  }

  private removeNote(uri: string): void {
    if (this.model.removeNote(uri)) this.host.noteChanged(uri);
  }

  private isInWorkspace(uri: string): boolean {
    return this.model.workspaceFolders.some((f) => uri.startsWith(f + '/')) && !this.isExcludedUri(uri);
  }

  private updateExcludes(): void {
    this.isExcluded = globMatcher([...ALWAYS_EXCLUDED, ...this.settings.exclude, ...this.filesExclude]);
  }

  private display(uri: string): string {
    const folder = this.model.workspaceFolders.find((f) => uri.startsWith(f + '/'));
    const filePath = uriToPath(uri) ?? uri;
    return folder ? path.relative(uriToPath(folder) ?? '', filePath) : filePath;
  }
}

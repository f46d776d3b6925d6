/**
 * Keeps the workspace's topics up to date without blocking the main thread: after catalogs change
 * (debounced), the texts of the papers that changed (`model.topics.takeChanges`) are collected in
 * slices of a few milliseconds and handed to the topic worker (node/topicWorker.ts), which runs the
 * model; its result comes back as pieces, parsed a piece per slice, and is shown (`model.topics`).
 * At start the worker sends the topics cached by the last session, shown until the new result.
 * The worker stops two minutes after its last result, its cache written (at 100,000 papers it held
 * 600 MB of the server's memory); the next change starts one that reads its last result from the
 * cache and gets every paper's text again. Not sooner: a restart costs most of a whole run (every
 * paper's text collected and vectorized again), which a catalog being edited would pay per edit.
 * When the bundle is missing (tests through tsx) the worker's logic runs in this thread.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TopicIndexBuilder, type TopicIndex } from '../search/topicIndex';
import type { TopicDocument } from '../search/topicResult';
import { uncutDocument } from '../service/topicDocuments';
import type { WorkspaceModel } from '../service/workspaceModel';
import { decodeText } from './catalogCache';
import { TopicWorkerCore, type TopicWorkerEvent, type TopicWorkerRequest } from './topicWorker';

export interface TopicUpdaterHost {
  log(message: string): void;
  /** The topics shown changed, or stopped computing: the tree refreshes. */
  topicsChanged(): void;
  /** Catalogs are still being read: topics wait for all of them. */
  indexing(): boolean;
  /** The `litnotes.topics.count` setting: 0 lets the model choose. */
  topicCount?(): number;
  /**
   * The tree's grouping of the papers, made a step at a time before the tree asks for it: for the
   * topics shown, or for a result of the model before it is shown (resolves once it is made).
   */
  prepareTree?(result?: TopicIndex): Promise<void> | void;
}

export interface TopicUpdaterOptions {
  cacheDir: string | undefined;
  server: string;
  /** What names the cache: the workspace folders. */
  workspace: string;
  workerPath?: string;
  /** Pause after a catalog change before the model runs: edits and exports come in bursts. */
  delayMs?: number;
  /** How long a worker without work waits before it writes its cache and stops. */
  retireAfterMs?: number;
  /** The model the in-process fallback runs (tests pass one that records its calls). */
  model?: ConstructorParameters<typeof TopicWorkerCore>[1];
}

/** A worker without work for this long writes its cache and stops (a burst of edits keeps it). */
const DEFAULT_RETIRE_AFTER_MS = 120_000;
/**
 * Work per turn of the event loop. A request waits for a few turns (vscode-jsonrpc reads it in one
 * and writes the answer in the next): at 8 ms, parsing a result at 100,000 papers kept hover
 * waiting 42–57 ms.
 */
const SLICE_MS = 4;
/** Papers per message to the worker: a message of 1,000 (1 MB to clone) took up to 45 ms of a slice on a loaded machine. */
const DOCUMENTS_PER_MESSAGE = 250;
const DEFAULT_DELAY_MS = 300;

export class TopicUpdater {
  private readonly workerPath: string | undefined;
  private readonly configure: TopicWorkerRequest;
  /** The running worker; none after a quiet spell. */
  private worker: Worker | undefined;
  /** The worker has every paper's text: it gets changes only (a new one gets them all). */
  private workerHasPapers = false;
  private retireTimer: NodeJS.Timeout | undefined;
  /** A worker writing its cache before it stops. */
  private retiring: Worker | undefined;
  private readonly inProcess: TopicWorkerCore | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A collection of changed papers is under way (it spans slices). */
  private collecting = false;
  private nextId = 1;
  /** Results (and the cache) to parse, in the order they came, and the tree's grouping to prepare: one piece or step per call. */
  private readonly parsing: (() => boolean)[] = [];
  private parseScheduled = false;
  /** A result of the model has been shown: the cache, if it comes late, is older. */
  private computedShown = false;
  /** Results parsed so far: one grouped for the tree while a newer one was parsed is not shown. */
  private resultsParsed = 0;
  /**
   * The tree's grouping being made after papers changed: the collection waits for it. Both take
   * turns with requests, and a request waits a few turns: at 100,000 papers, the two at once made
   * turns of 20–30 ms right after the index was ready.
   */
  private treeGrouping: Promise<void> | undefined;
  private updateAfterGrouping = false;
  private readonly flushed: (() => void)[] = [];
  private readonly delayMs: number;
  private readonly retireAfterMs: number;
  private disposed = false;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly host: TopicUpdaterHost,
    options: TopicUpdaterOptions,
  ) {
    this.delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
    this.retireAfterMs = options.retireAfterMs ?? DEFAULT_RETIRE_AFTER_MS;
    const workerPath = options.workerPath ?? path.join(__dirname, 'topicWorker.js');
    this.configure = { type: 'configure', cacheDir: options.cacheDir, server: options.server, workspace: options.workspace };
    if (existsSync(workerPath)) {
      this.workerPath = workerPath;
      this.startWorker(); // now: it sends the cached topics at once
    } else {
      // Correct but it blocks: the model then runs on this thread.
      host.log(`No topic worker at ${workerPath}: topics are computed on the server's main thread.`);
      this.inProcess = new TopicWorkerCore((event) => setImmediate(() => this.receive(event)), options.model);
      this.send(this.configure);
      this.workerHasPapers = true; // the in-process core stays: changes are enough
    }
  }

  private startWorker(): void {
    const worker = new Worker(this.workerPath!);
    worker.on('message', (event: TopicWorkerEvent) => this.receive(event));
    worker.on('error', (e) => this.failed(e));
    worker.unref();
    worker.postMessage(this.configure);
    this.worker = worker;
    this.workerHasPapers = false;
  }

  /** Once nothing is left to do, the worker writes its cache and stops. */
  private retireSoon(): void {
    if (!this.worker) return;
    clearTimeout(this.retireTimer);
    this.retireTimer = setTimeout(() => {
      const worker = this.worker;
      if (!worker || this.disposed) return;
      if (this.collecting || this.model.topics.computing || this.parsing.length > 0) return this.retireSoon();
      this.worker = undefined;
      this.workerHasPapers = false;
      this.retiring = worker;
      worker.removeAllListeners();
      const terminate = () => {
        clearTimeout(stop);
        void worker.terminate().finally(() => {
          if (this.retiring === worker) this.retiring = undefined;
        });
      };
      const stop = setTimeout(terminate, 5000);
      worker.on('message', (event: TopicWorkerEvent) => {
        if (event.type === 'flushed') terminate();
      });
      worker.on('error', () => undefined);
      worker.postMessage({ type: 'flush' } satisfies TopicWorkerRequest);
    }, this.retireAfterMs);
    this.retireTimer.unref?.();
  }

  /** Whether a worker thread is running now, or writing its cache as it stops (it stops between changes). */
  get workerRunning(): boolean {
    return this.worker !== undefined || this.retiring !== undefined;
  }

  /** Papers may have changed, or the number of topics asked for: the model runs after a pause (once catalogs are all read). */
  catalogChanged(): void {
    if (this.disposed) return;
    if (!this.host.indexing() && !this.model.hasPendingWork) this.prepareTree();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), this.delayMs);
    this.timer.unref?.();
  }

  /** Has the worker write the cache still waiting for its pause; gives up after `timeoutMs`. */
  flush(timeoutMs = 2000): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.worker) {
      this.inProcess?.flush(); // a stopped worker wrote its cache as it stopped
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.flushed.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ type: 'flush' });
    });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.retireTimer);
    for (const resolve of this.flushed.splice(0)) resolve();
    this.inProcess?.dispose();
    void this.worker?.terminate();
    void this.retiring?.terminate();
  }

  /** Hands the changed papers to the worker, a slice at a time, then asks it to compute. */
  private update(): void {
    if (this.disposed) return;
    if (this.host.indexing() || this.model.hasPendingWork) return this.catalogChanged();
    if (this.collecting) return this.catalogChanged(); // this one's changes go with the next
    if (this.treeGrouping) {
      if (!this.updateAfterGrouping) {
        this.updateAfterGrouping = true;
        void this.treeGrouping.then(() => {
          this.updateAfterGrouping = false;
          this.update();
        });
      }
      return;
    }
    clearTimeout(this.retireTimer);
    if (this.workerPath && !this.worker) this.startWorker();
    const changed = this.model.topics.takeChanges();
    // A new worker knows no paper: it gets them all (and its last result from the cache).
    const keys = this.workerHasPapers ? changed : [...this.model.keysInAnyOrder()];
    this.workerHasPapers = true;
    this.collecting = true;
    let at = 0;
    let documents: TopicDocument[] = [];
    let removed: string[] = [];
    const sendBatch = () => {
      this.send({ type: 'documents', documents, removed });
      documents = [];
      removed = [];
    };
    const step = () => {
      if (this.disposed) return;
      const started = performance.now();
      while (at < keys.length && performance.now() - started < SLICE_MS) {
        const key = keys[at++];
        const paper = this.model.paper(key);
        if (paper) documents.push(uncutDocument(paper)); // the worker cuts the abstract
        else removed.push(key);
        if (documents.length + removed.length >= DOCUMENTS_PER_MESSAGE) sendBatch();
      }
      if (at < keys.length) return void setImmediate(step);
      if (documents.length + removed.length > 0) sendBatch();
      this.collecting = false;
      const count = this.host.topicCount?.() ?? 0;
      this.send({ type: 'compute', id: this.nextId++, topicCount: count > 0 ? count : undefined });
    };
    step();
  }

  private send(request: TopicWorkerRequest): void {
    if (this.worker) this.worker.postMessage(request);
    else setImmediate(() => this.inProcess?.handle(request));
  }

  private receive(event: TopicWorkerEvent): void {
    if (this.disposed) return;
    switch (event.type) {
      case 'log':
        return this.host.log(event.message);
      case 'flushed':
        for (const resolve of this.flushed.splice(0)) resolve();
        return;
      case 'cached':
        return this.parse(event.head, event.rows, (index) => {
          if (!index || this.computedShown) return;
          this.model.topics.show(index);
          this.prepareTree();
          this.host.log(`Topics of the last session: ${index.topics.length} topics of ${index.size} papers, until they are computed again.`);
          this.host.topicsChanged();
        });
      case 'result':
        if (!event.head || !event.rows) {
          // Nothing new: what is shown is right (queued behind results still being parsed, the cache
          // among them: it must still be shown, so `computedShown` is set once this one's turn comes).
          return this.parse(undefined, [], () => {
            this.computedShown = true;
            this.model.topics.computed(undefined);
            this.prepareTree();
            this.host.topicsChanged();
            this.retireSoon();
          });
        }
        return this.parse(event.head, event.rows, (index) => {
          this.computedShown = true; // a cache parsed after this (a new worker's) is older
          const shown = ++this.resultsParsed;
          const show = () => {
            if (this.disposed) return;
            // A newer result parsed while this one was grouped is shown instead: this one only ends its computation.
            this.model.topics.computed(shown === this.resultsParsed ? index : undefined);
            this.prepareTree();
            this.retireSoon();
            if (index) {
              this.host.log(`Topics: ${event.topics} topics of ${event.papers} papers in ${Math.round(event.ms)} ms (topic worker).`);
            } else {
              this.host.log('The topic worker sent a result that does not read: the last topics stay.');
            }
            this.host.topicsChanged();
          };
          // Grouped for the tree first (in turns): the tree's request after it is answered at once.
          if (index && this.host.prepareTree) void Promise.resolve(this.host.prepareTree(index)).then(show, show);
          else show();
        });
    }
  }

  /** The tree's grouping for the papers and topics as they are now, made between requests (the tree asks for it next). */
  private prepareTree(): void {
    const grouping = Promise.resolve(this.host.prepareTree?.()).catch(() => undefined);
    this.treeGrouping = grouping;
    void grouping.then(() => {
      if (this.treeGrouping === grouping) this.treeGrouping = undefined;
    });
  }

  /** Parses a result a piece per step, after those queued before it; `done` gets the index (undefined when broken). */
  private parse(head: Uint8Array | undefined, rows: readonly Uint8Array[], done: (index: TopicIndex | undefined) => void): void {
    let builder: TopicIndexBuilder | undefined;
    let next = 0;
    this.parsing.push(() => {
      if (head && !builder) {
        builder = new TopicIndexBuilder(parseJson(head));
        return false;
      }
      if (builder && next < rows.length) {
        builder.add(parseJson(rows[next++]));
        return false;
      }
      done(builder?.finish());
      return true;
    });
    this.scheduleParsing();
  }

  private scheduleParsing(): void {
    if (this.parseScheduled) return;
    this.parseScheduled = true;
    setImmediate(() => {
      this.parseScheduled = false;
      if (this.disposed) return;
      const started = performance.now();
      while (this.parsing.length > 0 && performance.now() - started < SLICE_MS) {
        if (this.parsing[0]()) this.parsing.shift();
      }
      if (this.parsing.length > 0) this.scheduleParsing();
    });
  }

  private failed(e: Error): void {
    this.host.log(`The topic worker failed: ${e.message}. The last topics stay until the server restarts.`);
    // Nothing will answer: stop saying topics are being computed.
    this.disposed = true;
    this.model.topics.abandon();
    this.host.topicsChanged();
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decodeText(bytes));
  } catch {
    return undefined;
  }
}

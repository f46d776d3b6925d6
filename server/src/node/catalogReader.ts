/**
 * The main thread's side of the catalog workers. One reads files and editor texts and sends back,
 * in order, papers in batches, the outcome of each read and then its abstracts' word counts. The
 * other, started for a catalog of 1 MB or more, sends provisional papers (the cache or a skim) while
 * the first parses. Both run in-process, as one, when the bundle is missing (tests through tsx).
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CatalogFileResult } from '../catalog/catalogFile';
import { AbstractBlock, type Paper } from '../catalog/paper';
import { isEncodedPaperColumns, PaperColumns } from '../catalog/paperColumns';
import type { CatalogDelta } from '../service/catalogIntake';
import type { CountedAbstract } from '../search/abstractIndex';
import type { ProvisionalPiece } from '../service/provisionalPapers';
import { removeSpill, SpillReader } from './abstractSpill';
import { decodeText, pieceRow } from './catalogCache';
import { utf8InTurns } from './utf8InTurns';
import { CatalogWorkerCore, PROVISIONAL_MIN_BYTES, type ReadOutcome, type WorkerEvent, type WorkerRequest } from './catalogWorker';

export type CatalogReadResult =
  | { kind: 'unchanged' }
  | { kind: 'full'; result: CatalogFileResult; blank: boolean }
  | { kind: 'delta'; delta: CatalogDelta }
  | { kind: 'error'; message: string };

export interface CatalogReaderHost {
  provisional(uri: string, piece: ProvisionalPiece, source: 'cache' | 'skim'): void;
  /** The counted words of a paper's abstract, from a whole read of `uri` (after its result). */
  abstractWords(uri: string, paper: Paper, words: CountedAbstract): void;
  /** A whole read of `uri` is done and the worker counts its abstracts: they come next. */
  abstractWordsComing(uri: string): void;
  /** The last counts of a read have come. */
  abstractWordsEnded(uri: string): void;
  log(message: string): void;
  /** Runs `task` in the next indexing slice: decoding papers is work like indexing them. */
  schedule(task: () => void): void;
}

/** The longest a read waits for the other worker's provisional papers (a worker that failed to start). */
const PROVISIONAL_WAIT_MS = 2000;
/** Provisional pieces taken per turn of the event loop, at most about this long (takeProvisional). */
const PROVISIONAL_TURN_MS = 4;
/** The provisional papers' worker stops after this long without work (its heap is 50 MB). */
const SKIMMER_IDLE_MS = 500;

async function fileSize(filePath: string): Promise<number> {
  try {
    return (await stat(filePath)).size;
  } catch {
    return 0; // the read reports it
  }
}

interface Pending {
  uri: string;
  papers: Paper[];
  resolve(result: CatalogReadResult): void;
}

export class CatalogReader {
  /** Reads and parses; `skimmer` meanwhile gives completion from the cache or a skim, on the other core. */
  private readonly worker: Worker | undefined;
  /** Started for provisional papers and stopped after a while without any to send (its heap is 50 MB). */
  private skimmer: Worker | undefined;
  /** The last request still waiting for the ones before it to go out (see `send`). */
  private outbox: Promise<void> | undefined;
  private skimsInProgress = 0;
  private skimmerIdle: NodeJS.Timeout | undefined;
  private readonly workerPath: string | undefined;
  private readonly options: { cacheDir: string | undefined; server: string; spillMinBytes?: number; chunkBytes?: number; chunkedMinBytes?: number };
  /** Per spill file the worker wrote abstracts to (see abstractSpill.ts): its reader. Deleted on dispose. */
  private readonly spillReaders = new Map<string, SpillReader>();
  private readonly flushed: (() => void)[] = [];
  private readonly inProcess: CatalogWorkerCore | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Whole reads whose abstract counts are still coming: read id → its URI and papers. */
  private readonly counting = new Map<number, { uri: string; papers: Paper[] }>();
  /** The worker's vocabulary of abstract words, as its messages extend it. */
  private readonly vocabulary: string[] = [];
  /** Catalogs whose provisional papers were asked for: once per file. */
  private readonly skimmed = new Set<string>();
  private readonly provisionalWaiters = new Map<string, () => void>();
  /** What the skimming worker sent, in order, not yet taken (takeProvisional). */
  private readonly provisionalQueue: (() => void)[] = [];
  private provisionalTurn: NodeJS.Immediate | undefined;
  private nextId = 1;

  constructor(
    private readonly host: CatalogReaderHost,
    /** `chunkBytes`, `chunkedMinBytes`: see catalogWorker.ts (tests make them small). */
    options: { cacheDir: string | undefined; server: string; workerPath?: string; spillMinBytes?: number; chunkBytes?: number; chunkedMinBytes?: number },
  ) {
    const workerPath = options.workerPath ?? path.join(__dirname, 'catalogWorker.js');
    this.options = { cacheDir: options.cacheDir, server: options.server, spillMinBytes: options.spillMinBytes, chunkBytes: options.chunkBytes, chunkedMinBytes: options.chunkedMinBytes };
    if (existsSync(workerPath)) {
      this.workerPath = workerPath;
      this.worker = this.startWorker(workerPath);
    } else {
      // Correct but slow for big catalogs: reading and parsing then block this thread.
      host.log(`No catalog worker at ${workerPath}: catalogs are read on the server's main thread.`);
      this.inProcess = new CatalogWorkerCore((event) => setImmediate(() => this.receive(event)));
      this.send({ type: 'configure', ...this.options }); // a worker gets it as it starts
    }
  }

  private startWorker(workerPath: string, onError = (e: Error) => this.failAll(`the catalog worker failed: ${e.message}`)): Worker {
    const worker = new Worker(workerPath);
    worker.on('message', (event: WorkerEvent) => this.receive(event));
    worker.on('error', onError);
    worker.unref();
    worker.postMessage({ type: 'configure', ...this.options } satisfies WorkerRequest);
    return worker;
  }

  async readFile(uri: string, filePath: string, full = false): Promise<CatalogReadResult> {
    if (!this.skimmed.has(uri) && (await fileSize(filePath)) >= PROVISIONAL_MIN_BYTES) {
      this.skimmed.add(uri);
      const request: WorkerRequest = { type: 'provisional', uri, path: filePath };
      if (this.workerPath) {
        const started = new Promise<void>((resolve) => this.provisionalWaiters.set(uri, resolve));
        const idle = this.skimsInProgress === 0;
        this.skimmer ??= this.startWorker(this.workerPath, (e) => this.skimmerFailed(e));
        clearTimeout(this.skimmerIdle);
        this.skimsInProgress++;
        this.skimmer.postMessage(request);
        // The parse waits for the cache (or the skim's first piece) to be out: sharing two cores with
        // it made the first completion from the cache 100 ms later. Not behind another file's skim.
        if (idle) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([started, new Promise((resolve) => (timer = setTimeout(resolve, PROVISIONAL_WAIT_MS)))]);
          clearTimeout(timer);
        }
        this.provisionalWaiters.delete(uri);
      } else {
        this.send(request);
      }
    }
    return this.request(uri, (id) => ({ type: 'readFile', id, uri, path: filePath, full }));
  }

  /** Provisional papers are a head start, not a read: without them completion waits for the read. */
  private skimmerFailed(e: Error): void {
    this.host.log(`The worker for early completion failed: ${e.message}`);
    this.skimmer = undefined;
    this.skimsInProgress = 0;
    for (const resolve of this.provisionalWaiters.values()) resolve();
  }

  readText(uri: string, text: string, full = false): Promise<CatalogReadResult> {
    const bytes = utf8InTurns(text);
    return this.request(uri, async (id) => ({ type: 'readText', id, uri, bytes: await bytes, full }));
  }

  forget(uri: string): void {
    this.skimmed.delete(uri);
    this.send({ type: 'forget', uri });
  }

  /** Has the worker write the caches still waiting for their pause; gives up after `timeoutMs`. */
  flush(timeoutMs = 2000): Promise<void> {
    if (!this.worker) {
      this.inProcess?.flush();
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
    for (const resolve of this.flushed.splice(0)) resolve();
    clearImmediate(this.provisionalTurn);
    this.provisionalQueue.length = 0;
    this.inProcess?.dispose();
    void this.worker?.terminate();
    clearTimeout(this.skimmerIdle);
    void this.skimmer?.terminate();
    for (const reader of this.spillReaders.values()) {
      reader.close();
      removeSpill(reader.path);
    }
    this.spillReaders.clear();
    this.failAll('the server is shutting down');
  }

  private request(uri: string, make: (id: number) => WorkerRequest | Promise<WorkerRequest>): Promise<CatalogReadResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { uri, papers: [], resolve });
      this.send(make(id));
    });
  }

  /**
   * Requests go out in the order they are made: one still being encoded (an editor's text) holds
   * back those after it, or a file read from disk could be overtaken by an older text.
   */
  private send(request: WorkerRequest | Promise<WorkerRequest>): void {
    if (!this.outbox && !(request instanceof Promise)) return this.post(request);
    const sent = (this.outbox ?? Promise.resolve()).then(() => request).then((ready) => this.post(ready));
    this.outbox = sent;
    void sent.then(() => {
      if (this.outbox === sent) this.outbox = undefined;
    });
  }

  private post(request: WorkerRequest): void {
    if (!this.worker) setImmediate(() => this.inProcess!.handle(request));
    else if (request.type === 'readText') this.worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
    else this.worker.postMessage(request);
  }

  private receive(event: WorkerEvent): void {
    switch (event.type) {
      case 'log':
        // After the pieces before it (a skim's or the cache's last line says how many papers came).
        if (this.provisionalQueue.length > 0) this.provisionalQueue.push(() => this.host.log(event.message));
        else this.host.log(event.message);
        return;
      case 'provisionalStarted':
        this.provisionalWaiters.get(event.uri)?.();
        return;
      case 'provisionalEnded':
        // Its last message: everything it sent before has arrived. Kept a while for the next catalog.
        if (--this.skimsInProgress === 0) {
          this.skimmerIdle = setTimeout(() => {
            void this.skimmer?.terminate();
            this.skimmer = undefined;
          }, SKIMMER_IDLE_MS);
          this.skimmerIdle.unref();
        }
        return;
      case 'flushed':
        for (const resolve of this.flushed.splice(0)) resolve();
        return;
      case 'provisional':
        // Not in the indexing slices: it comes from the other worker, so no order with the read's
        // own messages is kept anyway. A few milliseconds' worth a turn (takeProvisional).
        this.provisionalQueue.push(() => {
          if (!this.skimmed.has(event.uri)) return; // forgotten since: the file is gone
          this.host.provisional(event.uri, { text: decodeText(event.piece.text), row: pieceRow(event.piece) }, event.source);
        });
        this.provisionalTurn ??= setImmediate(() => this.takeProvisional());
        return;
      case 'papers':
        this.host.schedule(() => {
          const pending = this.pending.get(event.id);
          if (!pending) return;
          if (!isEncodedPaperColumns(event.columns)) return; // not from our worker
          const abstracts = new AbstractBlock(event.spilled ? this.spillReader(event.spilled.path).block(event.spilled.at) : event.abstracts, event.abstractEnds);
          for (const paper of new PaperColumns(pending.uri, event.columns, abstracts).papers()) pending.papers.push(paper);
        });
        return;
      case 'done':
        // After the papers before it: tasks run in order.
        this.host.schedule(() => {
          const pending = this.pending.get(event.id);
          if (!pending) return;
          this.pending.delete(event.id);
          if (event.outcome.kind === 'full') {
            // An older read of the file still counting is superseded: its counts would find no paper waiting.
            for (const [id, read] of this.counting) if (read.uri === pending.uri) this.counting.delete(id);
            this.counting.set(event.id, { uri: pending.uri, papers: pending.papers });
            this.host.abstractWordsComing(pending.uri);
          }
          pending.resolve(toResult(pending, event.outcome));
        });
        return;
      case 'abstractWords':
        this.host.schedule(() => {
          if (event.vocabularyFrom === this.vocabulary.length) for (const term of event.terms) this.vocabulary.push(term);
          const read = this.counting.get(event.id);
          if (event.last) {
            this.counting.delete(event.id);
            if (read) this.host.abstractWordsEnded(read.uri);
            return;
          }
          // Counts with terms this side never heard of cannot be read: the index counts those abstracts itself.
          if (!read || this.vocabulary.length !== event.vocabularyFrom + event.terms.length) return;
          event.starts.forEach((at, k) => {
            const paper = read.papers[event.from + k];
            if (paper) this.host.abstractWords(read.uri, paper, { vocabulary: this.vocabulary, counts: event.counts, at });
          });
        });
    }
  }

  private spillReader(file: string): SpillReader {
    let reader = this.spillReaders.get(file);
    if (!reader) this.spillReaders.set(file, (reader = new SpillReader(file)));
    return reader;
  }

  /**
   * Provisional pieces go to the model a few milliseconds' worth per turn of the event loop, the
   * first at once: the cache of 100k papers is 201 pieces, 120–170 ms of decoding, which arrive
   * together and were taken in one go while `[@` waited (warm start: the first papers showed once
   * the last piece was in).
   */
  private takeProvisional(): void {
    this.provisionalTurn = undefined;
    const started = performance.now();
    try {
      do this.provisionalQueue.shift()!();
      while (this.provisionalQueue.length > 0 && performance.now() - started < PROVISIONAL_TURN_MS);
    } finally {
      // A piece that failed does not hold up those behind it.
      if (this.provisionalQueue.length > 0) this.provisionalTurn = setImmediate(() => this.takeProvisional());
    }
  }

  private failAll(message: string): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.resolve({ kind: 'error', message });
    }
    // No more counts will come: the abstracts are counted on this side.
    for (const [id, read] of this.counting) {
      this.counting.delete(id);
      this.host.abstractWordsEnded(read.uri);
    }
  }
}

function toResult(pending: Pending, outcome: ReadOutcome): CatalogReadResult {
  if (outcome.kind !== 'full') return outcome;
  return { kind: 'full', result: { uri: pending.uri, papers: pending.papers, problems: outcome.problems }, blank: outcome.blank };
}

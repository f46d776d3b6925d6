/**
 * The main thread's side of the catalog worker: sends it files and editor texts to read and gets
 * back, in order, provisional papers (a skim or the cache), papers in batches and the outcome of
 * each read. Runs the worker in-process when its bundle is missing (tests through tsx).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CatalogFileResult } from '../catalog/catalogFile';
import type { Paper } from '../catalog/paper';
import type { CatalogDelta } from '../service/catalogStore';
import type { ProvisionalPiece } from '../service/provisionalPapers';
import { decodePiece, decodeText } from './catalogCache';
import { CatalogWorkerCore, type ReadOutcome, type WorkerEvent, type WorkerRequest } from './catalogWorker';

export type CatalogReadResult =
  | { kind: 'unchanged' }
  | { kind: 'full'; result: CatalogFileResult; blank: boolean }
  | { kind: 'delta'; delta: CatalogDelta }
  | { kind: 'error'; message: string };

export interface CatalogReaderHost {
  provisional(uri: string, piece: ProvisionalPiece, source: 'cache' | 'skim'): void;
  log(message: string): void;
  /** Runs `task` in the next indexing slice: decoding papers is work like indexing them. */
  schedule(task: () => void): void;
}

interface Pending {
  uri: string;
  papers: Paper[];
  resolve(result: CatalogReadResult): void;
}

export class CatalogReader {
  private readonly worker: Worker | undefined;
  private readonly flushed: (() => void)[] = [];
  private readonly inProcess: CatalogWorkerCore | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly host: CatalogReaderHost,
    options: { cacheDir: string | undefined; server: string; workerPath?: string },
  ) {
    const workerPath = options.workerPath ?? path.join(__dirname, 'catalogWorker.js');
    if (existsSync(workerPath)) {
      this.worker = new Worker(workerPath);
      this.worker.on('message', (event: WorkerEvent) => this.receive(event));
      this.worker.on('error', (e) => this.failAll(`the catalog worker failed: ${e.message}`));
      this.worker.unref();
    } else {
      // Correct but slow for big catalogs: reading and parsing then block this thread.
      host.log(`No catalog worker at ${workerPath}: catalogs are read on the server's main thread.`);
      this.inProcess = new CatalogWorkerCore((event) => setImmediate(() => this.receive(event)));
    }
    this.send({ type: 'configure', cacheDir: options.cacheDir, server: options.server });
  }

  readFile(uri: string, filePath: string, full = false): Promise<CatalogReadResult> {
    return this.request(uri, (id) => ({ type: 'readFile', id, uri, path: filePath, full }));
  }

  readText(uri: string, text: string, full = false): Promise<CatalogReadResult> {
    return this.request(uri, (id) => ({ type: 'readText', id, uri, text, full }));
  }

  forget(uri: string): void {
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
    this.inProcess?.dispose();
    void this.worker?.terminate();
    this.failAll('the server is shutting down');
  }

  private request(uri: string, make: (id: number) => WorkerRequest): Promise<CatalogReadResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { uri, papers: [], resolve });
      this.send(make(id));
    });
  }

  private send(request: WorkerRequest): void {
    if (this.worker) this.worker.postMessage(request);
    else setImmediate(() => this.inProcess!.handle(request));
  }

  private receive(event: WorkerEvent): void {
    switch (event.type) {
      case 'log':
        this.host.log(event.message);
        return;
      case 'flushed':
        for (const resolve of this.flushed.splice(0)) resolve();
        return;
      case 'provisional':
        this.host.schedule(() => {
          const { rows, text } = event.piece;
          this.host.provisional(event.uri, { text: decodeText(text), rows: () => decodePiece(rows) }, event.source);
        });
        return;
      case 'papers':
        this.host.schedule(() => {
          const pending = this.pending.get(event.id);
          if (pending) for (const paper of decodePiece(event.json) as Paper[]) pending.papers.push(paper);
        });
        return;
      case 'done':
        // After the papers before it: tasks run in order.
        this.host.schedule(() => {
          const pending = this.pending.get(event.id);
          if (!pending) return;
          this.pending.delete(event.id);
          pending.resolve(toResult(pending, event.outcome));
        });
    }
  }

  private failAll(message: string): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.resolve({ kind: 'error', message });
    }
  }
}

function toResult(pending: Pending, outcome: ReadOutcome): CatalogReadResult {
  if (outcome.kind !== 'full') return outcome;
  return { kind: 'full', result: { uri: pending.uri, papers: pending.papers, problems: outcome.problems }, blank: outcome.blank };
}

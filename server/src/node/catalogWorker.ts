/**
 * The catalog worker: reads, skims and parses catalog files on its own thread (bundled as
 * dist/catalogWorker.js), so the server's main thread only indexes, in slices, and answers
 * requests. `CatalogWorkerCore` is the whole logic; the same class runs in-process when the
 * worker bundle is missing (tests through tsx).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort } from 'node:worker_threads';
import { skimBibtex } from '../catalog/bibtexSkim';
import { AbstractWordCounter } from '../search/abstractIndex';
import { catalogFormatOf } from '../catalog/catalogFile';
import { AbstractBlock, type Paper } from '../catalog/paper';
import { encodePaperColumns, type EncodedPaperColumns } from '../catalog/paperColumns';
import type { Problem } from '../core/types';
import type { CatalogDelta } from '../service/catalogIntake';
import { provisionalRow, type ProvisionalRow } from '../service/provisionalPapers';
import { encodedRow, forEachCachePiece, pieceBytes, pieceTransfer, writeCacheSteps, type CatalogStat, type PieceBytes } from './catalogCache';
import { AbstractSpills, SpillReader } from './abstractSpill';
import { CacheRows } from './cacheRows';
import { CatalogFiles, CHUNK_BYTES } from './catalogFiles';
import { DiskFile } from './fileVersion';
import { runInBackground } from './threadPriority';
import { MAX_FILE_BYTES } from './files';

export type WorkerRequest =
  /** `spillMinBytes`: whole reads from this size on spill their abstracts to `cacheDir` (see abstractSpill.ts). */
  | { type: 'configure'; cacheDir: string | undefined; server: string; spillMinBytes?: number; chunkBytes?: number; chunkedMinBytes?: number }
  | { type: 'readFile'; id: number; uri: string; path: string; full?: boolean }
  /** An editor's text, in UTF-8 (see utf8InTurns.ts). */
  | { type: 'readText'; id: number; uri: string; bytes: Uint8Array; full?: boolean }
  | { type: 'forget'; uri: string }
  /** Provisional papers of a file about to be read (by the other worker): its cache, else a skim. */
  | { type: 'provisional'; uri: string; path: string }
  /** Write the caches still waiting for their pause now: the server is shutting down. */
  | { type: 'flush' };

export type ReadOutcome =
  | { kind: 'unchanged' }
  | { kind: 'full'; problems: Problem[]; blank: boolean; papers: number }
  | { kind: 'delta'; delta: CatalogDelta }
  | { kind: 'error'; message: string };

/**
 * Papers travel as JSON in transferred bytes: moving bytes costs the main thread nothing, while a
 * structured clone of 1,000 papers is decoded at once when the message arrives (and Node hands
 * over every waiting message in one go). The main thread parses them in its indexing slices.
 */
export type WorkerEvent =
  | { type: 'provisional'; uri: string; piece: PieceBytes; source: 'cache' | 'skim' }
  /**
   * Papers without their abstracts, which come as UTF-8 in `abstracts` (see `AbstractBlock`), or
   * were written to the spill file `spilled.path` at `spilled.at` (then `abstracts` is empty).
   */
  | { type: 'papers'; id: number; columns: EncodedPaperColumns; abstracts: Uint8Array; abstractEnds: Uint32Array; spilled?: { path: string; at: number } }
  /**
   * The abstracts of a whole read counted (`AbstractWordCounter`), sent after its `done` while the
   * main thread indexes titles: papers `from` on, each at `starts[k]` in `counts`; `terms` extend the
   * worker's vocabulary from number `vocabularyFrom` on. The last message of a read has `last`.
   */
  | { type: 'abstractWords'; id: number; from: number; starts: Int32Array; counts: Uint32Array; vocabularyFrom: number; terms: string[]; last: boolean }
  | { type: 'done'; id: number; outcome: ReadOutcome }
  | { type: 'log'; message: string }
  /** The cache, or the first piece of the skim, of `uri` is sent (or there is none): parsing may start. */
  | { type: 'provisionalStarted'; uri: string }
  /** All of the provisional papers of `uri` are sent. */
  | { type: 'provisionalEnded'; uri: string }
  | { type: 'flushed' };

/** Papers per message: each one is deserialized on the main thread in a few milliseconds. */
const BATCH = 250;
const PROVISIONAL_BATCH = 500;
/** A whole read of more papers than this has its abstracts counted here; smaller ones are counted by the index in one go. */
const COUNTED_READ_PAPERS = 2000;
const MAX_COUNTED_TERMS = 1 << 24;
/**
 * Files from this size on get provisional papers (the cache, a skim) and a cache: a smaller one is
 * read in tens of milliseconds, and 500 small catalogs each waiting for a worker took 13 s.
 */
export const PROVISIONAL_MIN_BYTES = 1_000_000;
/** About 1,000 entries of a catalog with abstracts per piece of the skim. */
const SKIM_PIECE_BYTES = 2_000_000;
const CACHE_WRITE_DELAY_MS = 1000;
/**
 * After an edit the cache waits for a longer quiet: edits come in bursts (an export per change in
 * Zotero), and writing the cache of 100,000 papers again is a second of this thread's time that
 * the next edit's read would share the two cores with. The cache only matters at the next start,
 * and a server stopping writes it at once.
 */
const EDITED_CACHE_WRITE_DELAY_MS = 5000;
/** A whole read from this size on writes its abstracts to a spill file instead of sending them. */
export const SPILL_MIN_BYTES = 4 * 2 ** 20;
/**
 * A first read of a BibTeX file from this size on goes a chunk at a time (see BibtexChunkReader). At
 * this size macros may expand values to the most they may ever reach (the chunks rely on it).
 */
export const CHUNKED_MIN_BYTES = 16 * 2 ** 20;
/** A whole read of a file bigger than this is followed by a full garbage collection. */
const BIG_READ_BYTES = 20_000_000;
/** A cache write of more rows than this is followed by one too. */
const BIG_CACHE_ROWS = 20_000;

export class CatalogWorkerCore {
  private readonly files = new CatalogFiles();
  private cacheDir: string | undefined;
  private server = 'dev';
  private spills: AbstractSpills | undefined;
  private spillMinBytes = SPILL_MIN_BYTES;
  /** How big a chunk of a file read in chunks is (tests make it small). */
  private chunkBytes = CHUNK_BYTES;
  private chunkedMinBytes = CHUNKED_MIN_BYTES;
  /** Per URI: the cache rows of its papers in file order, encoded (strings of their own, no slices of the text). */
  private readonly rows = new CacheRows(() => this.server);

  /** Per catalog URI: its cache write, waiting for its pause or under way in steps. */
  private readonly cacheWrites = new Map<string, { finish(): void; cancel(): void }>();

  private gcTimer: NodeJS.Timeout | undefined;
  /** One vocabulary for the worker's life: the main thread mirrors it from the messages. */
  private readonly counter = new AbstractWordCounter();
  private vocabularySent = 0;
  /** Per URI: the abstract counting of its last whole read, stopped when another read of it starts. */
  private readonly counting = new Map<string, { stop(): void }>();
  /** Work to do once a read's `done` is posted. */
  private afterDone: (() => void) | undefined;

  constructor(private readonly post: (event: WorkerEvent, transfer?: ArrayBuffer[]) => void) {}

  handle(request: WorkerRequest): void {
    // Work for later in the background; the skimming worker sends the cache first (provisionalOf).
    if (request.type !== 'configure' && request.type !== 'provisional') runInBackground();
    switch (request.type) {
      case 'configure':
        this.cacheDir = request.cacheDir;
        this.server = request.server;
        this.spills?.dispose();
        this.spills = request.cacheDir ? new AbstractSpills(request.cacheDir) : undefined;
        this.spillMinBytes = request.spillMinBytes ?? SPILL_MIN_BYTES;
        this.chunkBytes = request.chunkBytes ?? CHUNK_BYTES;
        this.chunkedMinBytes = request.chunkedMinBytes ?? CHUNKED_MIN_BYTES;
        return;
      case 'forget':
        this.counting.get(request.uri)?.stop();
        this.files.forget(request.uri);
        this.rows.forget(request.uri);
        this.spills?.forget(request.uri);
        return;
      case 'readFile':
        return this.guard(request.id, () => this.readFile(request.id, request.uri, request.path, request.full));
      case 'provisional': {
        let started = false;
        const start = () => {
          if (!started) this.post({ type: 'provisionalStarted', uri: request.uri });
          started = true;
        };
        try {
          this.provisionalOf(request.uri, request.path, start);
        } catch (e) {
          this.post({ type: 'log', message: `${request.uri}: no early completion (${e instanceof Error ? e.message : String(e)}).` });
        }
        start();
        this.post({ type: 'provisionalEnded', uri: request.uri });
        return;
      }
      case 'readText':
        // The cache is of the file on disk: one still to be written for it is written before the
        // editor's text changes the rows (the next start would find no cache otherwise).
        this.cacheWrites.get(request.uri)?.finish();
        return this.guard(request.id, () => this.read(request.id, request.uri, Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength), request.full));
      case 'flush':
        this.flush();
        return this.post({ type: 'flushed' });
    }
  }

  dispose(): void {
    this.spills?.dispose();
    clearTimeout(this.gcTimer);
    for (const counting of this.counting.values()) counting.stop();
    for (const write of [...this.cacheWrites.values()]) write.cancel();
  }

  /** Writes every cache still waiting for its pause or under way (an export just before the editor closed). */
  flush(): void {
    for (const write of [...this.cacheWrites.values()]) write.finish();
  }

  private guard(id: number, run: () => ReadOutcome): void {
    let outcome: ReadOutcome;
    try {
      outcome = run();
    } catch (e) {
      outcome = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    this.post({ type: 'done', id, outcome });
    // Sent: the last version of a big file can now shrink to checksums.
    this.files.settle();
    const after = this.afterDone;
    this.afterDone = undefined;
    after?.();
  }

  private readFile(id: number, uri: string, filePath: string, full?: boolean): ReadOutcome {
    // A big file known by checksums is read where it changed (an edit: 0.1 s, not a 176 MB buffer).
    const file = DiskFile.open(filePath);
    try {
      const stat = { size: file.length, mtimeMs: file.stamp.mtimeMs };
      if (stat.size > MAX_FILE_BYTES) {
        throw new Error(`the file is ${Math.round(stat.size / 2 ** 20)} MB, larger than the ${MAX_FILE_BYTES / 2 ** 20} MB LitNotes reads; split it or exclude it with litnotes.exclude`);
      }
      // A first or forced read of a big BibTeX file goes a chunk at a time (see BibtexChunkReader).
      const chunked = (full || !this.files.has(uri)) && stat.size >= this.chunkedMinBytes && catalogFormatOf(uri) === 'bibtex' ? this.readInChunks(id, uri, file) : undefined;
      const outcome = chunked || this.read(id, uri, chunked === undefined && !full && this.files.hasChecksums(uri) ? file : file.read(0, file.length), full || chunked === false);
      if ((outcome.kind === 'full' || outcome.kind === 'delta') && stat.size >= PROVISIONAL_MIN_BYTES) {
        this.writeCacheSoon(uri, filePath, stat, outcome.kind === 'full' ? CACHE_WRITE_DELAY_MS : EDITED_CACHE_WRITE_DELAY_MS);
      }
      return outcome;
    } finally {
      file.close();
    }
  }

  private read(id: number, uri: string, bytes: Buffer | DiskFile, full?: boolean): ReadOutcome {
    this.counting.get(uri)?.stop();
    const reading = this.files.read(uri, bytes, full);
    if (reading.kind === 'unchanged') return reading;
    if (reading.kind === 'delta') {
      const { from, to, papers } = reading.delta;
      this.rows.edit(uri, { from, to, rows: papers.map((p) => encodedRow(provisionalRow(p))) });
      return reading;
    }
    const { papers, problems } = reading.result;
    this.rows.replace(uri, papers.map((p) => encodedRow(provisionalRow(p))));
    const spill = bytes.length >= this.spillMinBytes ? this.spills?.start(uri) : undefined;
    // Where each batch's abstracts went in the spill file: counted from there, the papers can go.
    const spilled: SpilledBatch[] = [];
    for (let i = 0; i < papers.length; i += BATCH) {
      const { columns, abstracts, abstractEnds } = batchBytes(papers.slice(i, i + BATCH));
      const at = spill?.append(abstracts);
      if (spill && at !== undefined) spilled.push({ at, ends: abstractEnds.slice() });
      this.postBatch(id, { columns, abstracts, abstractEnds }, spill && at !== undefined ? { path: spill.path, at } : undefined);
    }
    spill?.close();
    const count = papers.length;
    const toCount: AbstractTexts =
      count <= COUNTED_READ_PAPERS ? noAbstracts : spill && spilled.length * BATCH >= count ? abstractsOfSpill(spill.path, spilled, count) : abstractsOfPapers(papers);
    this.countAfterDone(id, uri, toCount, bytes.length > BIG_READ_BYTES, spilled.length > 0);
    return { kind: 'full', problems, blank: reading.blank, papers: count };
  }

  private postBatch(id: number, { columns, abstracts, abstractEnds }: ReturnType<typeof batchBytes>, spilled: { path: string; at: number } | undefined): void {
    const transfer = [columns.cells.buffer as ArrayBuffer, columns.text.buffer as ArrayBuffer, columns.ends.buffer as ArrayBuffer, abstractEnds.buffer as ArrayBuffer];
    if (spilled) this.post({ type: 'papers', id, columns, abstracts: new Uint8Array(0), abstractEnds, spilled }, transfer);
    else this.post({ type: 'papers', id, columns, abstracts, abstractEnds }, [...transfer, abstracts.buffer as ArrayBuffer]);
  }

  private countAfterDone(id: number, uri: string, toCount: AbstractTexts, big: boolean, spilled: boolean): void {
    // Counting from the spill file lets the read's text and papers go (at 100k papers, 550 MB of
    // this thread's heap, the text two bytes a character) before counting, not after it. Read back
    // a batch at a time: kept as bytes instead, they stayed in the allocator after counting (RSS).
    if (big && toCount.count > 0 && spilled) this.collectGarbageSoon();
    // A small read gets its last (empty) count at once: the main thread waits for no counts then.
    this.afterDone = () => this.countAbstracts(id, uri, toCount, big);
  }

  /**
   * A whole read of a big BibTeX file a chunk at a time (see BibtexChunkReader): each chunk's papers
   * become batches (columns, abstracts in the spill file) and cache rows before the next chunk is
   * read, so neither the file's text nor all its papers are ever in memory. The batches go out once
   * the file is read: only then is it known that it need not be read whole after all (undefined).
   * It needs a spill file for the abstracts, which are counted from there.
   */
  private readInChunks(id: number, uri: string, file: DiskFile): ReadOutcome | false | undefined {
    const spill = this.spills?.start(uri);
    if (!spill) return undefined;
    this.counting.get(uri)?.stop();
    const rows: string[] = [];
    const batches: { bytes: ReturnType<typeof batchBytes>; at: number | undefined }[] = [];
    // Papers not in a batch yet, from number `pendingFrom` on; `waiting`: those made again at the end.
    let pending: Paper[] = [];
    let pendingFrom = 0;
    const waiting = new Set<number>();
    // Batches of BATCH papers whatever the chunks (abstractsOfSpill finds a paper's batch by its number).
    const makeBatches = (all: boolean) => {
      let firstWaiting = Infinity;
      for (const index of waiting) firstWaiting = Math.min(firstWaiting, index);
      let i = 0;
      for (; i + BATCH <= pending.length && pendingFrom + i + BATCH <= firstWaiting; i += BATCH) add(pending.slice(i, i + BATCH));
      if (all && i < pending.length) add(pending.slice(i));
      pending = all ? [] : pending.slice(i);
      pendingFrom += i;
    };
    const add = (papers: readonly Paper[]) => {
      const bytes = batchBytes(papers);
      const at = spill.append(bytes.abstracts);
      // In the file now: kept until the batch goes out, they were 130 MB at 100,000 papers.
      if (at !== undefined) bytes.abstracts = new Uint8Array(0);
      batches.push({ bytes, at });
    };
    const reading = this.files.readInChunks(
      uri,
      file,
      (papers, deferred) => {
        for (const paper of papers) rows.push(encodedRow(provisionalRow(paper)));
        for (const index of deferred) waiting.add(index);
        pending = pending.length > 0 ? pending.concat(papers) : papers;
        makeBatches(false);
      },
      (index, paper) => {
        pending[index - pendingFrom] = paper;
        rows[index] = encodedRow(provisionalRow(paper));
        waiting.delete(index);
      },
      this.chunkBytes,
    );
    if (reading) makeBatches(true);
    pending = [];
    if (!reading || batches.some((b) => b.at === undefined)) {
      // Read whole after all (or the disk took no abstracts: they stay in memory then).
      this.spills!.discard(uri, spill);
      return false;
    }
    spill.close();
    this.rows.replace(uri, rows);
    const spilled: SpilledBatch[] = [];
    for (const { bytes, at } of batches.splice(0)) {
      spilled.push({ at: at!, ends: bytes.abstractEnds.slice() });
      this.postBatch(id, bytes, { path: spill.path, at: at! });
    }
    const count = reading.papers;
    this.countAfterDone(id, uri, count <= COUNTED_READ_PAPERS ? noAbstracts : abstractsOfSpill(spill.path, spilled, count), true, true);
    return { kind: 'full', problems: reading.problems, blank: reading.blank, papers: count };
  }

  /**
   * Counts the words of a whole read's abstracts, a batch per turn of the event loop (an edit read
   * meanwhile is not kept waiting), and sends the counts: the main thread then indexes abstracts
   * without reading them (5 s of its CPU at 100k papers). Another read of the file stops it.
   */
  private countAbstracts(id: number, uri: string, abstracts: AbstractTexts, big: boolean): void {
    let stopped = false;
    let timer: NodeJS.Immediate | undefined;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearImmediate(timer);
      if (this.counting.get(uri) === counting) this.counting.delete(uri);
      abstracts.close?.();
      this.post({ type: 'abstractWords', id, from: abstracts.count, starts: new Int32Array(0), counts: new Uint32Array(0), vocabularyFrom: this.vocabularySent, terms: [], last: true });
      if (big) this.collectGarbageSoon();
    };
    const counting = { stop };
    this.counting.set(uri, counting);
    if (abstracts.count === 0) return stop();
    let from = 0;
    const step = () => {
      timer = undefined;
      if (stopped) return;
      const to = Math.min(abstracts.count, from + BATCH);
      const out: number[] = [];
      const starts = new Int32Array(to - from);
      for (let i = from; i < to; i++) {
        starts[i - from] = out.length;
        this.counter.count(abstracts.text(i), out);
      }
      // A term number takes 24 bits of a count (see `count`): past that many terms, the main thread
      // counts; so it does the abstracts of a spill file that could not be read back.
      if (this.counter.vocabulary.length >= MAX_COUNTED_TERMS || abstracts.failed) return stop();
      const counts = Uint32Array.from(out);
      const vocabularyFrom = this.vocabularySent;
      const terms = this.counter.vocabulary.slice(vocabularyFrom);
      this.vocabularySent = this.counter.vocabulary.length;
      this.post({ type: 'abstractWords', id, from, starts, counts, vocabularyFrom, terms, last: false }, [starts.buffer, counts.buffer]);
      from = to;
      if (from < abstracts.count) timer = setImmediate(step);
      else stop();
    };
    timer = setImmediate(step);
  }

  /**
   * A whole read of a big catalog grows this thread's heap to several times the file (its text,
   * the papers, their JSON), and V8 keeps that memory long after: 700 MB of the server's RSS at 100k
   * papers. A full collection once the read is sent gives it back.
   */
  private collectGarbageSoon(): void {
    if (isMainThread) return; // the in-process fallback: a full collection there would block requests
    clearTimeout(this.gcTimer);
    this.gcTimer = setTimeout(collectGarbage, 0);
    this.gcTimer.unref?.();
  }

  /** Skimmed rows for completion until the file is read (the log line comes once the whole skim is sent). */
  private provisional(uri: string, rows: ProvisionalRow[]): void {
    for (let i = 0; i < rows.length; i += PROVISIONAL_BATCH) {
      const piece = pieceBytes(rows.slice(i, i + PROVISIONAL_BATCH));
      this.post({ type: 'provisional', uri, piece, source: 'skim' }, pieceTransfer(piece));
    }
  }

  /**
   * Completion before the read: the cache of the last start, else a skim of the file a piece at a
   * time, read from disk piece by piece and cut before an entry (an ASCII `@`, so also between
   * characters). Runs in its own worker while the other parses: skimming 176 MB takes 3 s, its
   * first piece a few milliseconds, and completion uses each piece as it arrives.
   */
  private provisionalOf(uri: string, filePath: string, started: () => void): void {
    // Each piece goes out as it is read: the first one a few milliseconds after the start.
    const post = (piece: PieceBytes) => this.post({ type: 'provisional', uri, piece, source: 'cache' }, pieceTransfer(piece));
    const cached = this.cacheDir ? forEachCachePiece(this.cacheDir, filePath, this.server, undefined, post) : undefined;
    // The cache goes out at the server's priority: a warm start waits for it (niced, its 30 MB took
    // 150 ms instead of 15 behind the notes and the parse), and it is a few tens of milliseconds.
    // A skim is seconds of work: in the background.
    runInBackground();
    if (cached) {
      // A cache cut short keeps the pieces it gave: they are rows of the file as it is, until it is read.
      this.post({ type: 'log', message: `${uri}: ${cached.papers} papers from the cache of the last start until it is read${cached.complete ? '' : ' (the cache was cut short: some papers only once it is read)'}.` });
      return;
    }
    // A file the reader refuses (too big) gets no provisional papers either: nothing would replace them.
    if (catalogFormatOf(uri) !== 'bibtex' || statSync(filePath).size > MAX_FILE_BYTES) return;
    const handle = openSync(filePath, 'r');
    let papers = 0;
    try {
      const chunk = Buffer.alloc(SKIM_PIECE_BYTES);
      let carry = Buffer.alloc(0);
      for (let position = 0; ; ) {
        const read = readSync(handle, chunk, 0, chunk.length, position);
        position += read;
        const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
        const cut = read === 0 ? bytes.length : bytes.lastIndexOf('\n@') + 1;
        if (cut > 0) {
          const rows = skimBibtex(bytes.toString('utf8', 0, cut), uri).map(provisionalRow);
          papers += rows.length;
          this.provisional(uri, rows);
          started();
        }
        if (read === 0) break;
        carry = Buffer.from(bytes.subarray(cut)); // a copy: `chunk` is read into again
      }
    } finally {
      closeSync(handle);
    }
    this.post({ type: 'log', message: `${uri}: ${papers} papers from the skim of the file until it is read.` });
  }

  /**
   * After a pause (an edit is often followed by another; the cache only matters at the next start).
   * The rows are those of the disk copy with its size and time: an editor's text never goes in (a
   * read of one finishes the write first), and rows changed by another read end it.
   */
  private writeCacheSoon(uri: string, filePath: string, stat: CatalogStat, delayMs: number): void {
    const cacheDir = this.cacheDir;
    if (!cacheDir) return;
    this.cacheWrites.get(uri)?.cancel();
    const version = this.rows.version(uri);
    let steps: Generator<void, void, void> | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const stop = () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      if (this.cacheWrites.get(uri) === write) this.cacheWrites.delete(uri);
      steps?.return(); // a write left half-way closes and deletes its file
    };
    // In steps, so that an edit read meanwhile waits for one step, not the whole write; a read that
    // changed the rows ends it (a read from disk has its own write coming).
    const step = (all: boolean): void => {
      if (!all && this.counting.has(uri)) {
        // The count of this file's abstracts goes first: the index is not ready without it, and
        // the cache only matters at the next start. Interleaved, the write made the count take 4.5 s
        // instead of 2 at 100k papers.
        timer = setTimeout(() => step(false), delayMs);
        timer.unref?.();
        return;
      }
      try {
        steps ??= this.cacheWriteSteps(uri, cacheDir, filePath, stat);
        do {
          if (this.rows.version(uri) !== version || steps.next().done) return stop();
        } while (all);
        immediate = setImmediate(() => step(false));
      } catch (e) {
        stop();
        this.post({ type: 'log', message: `Cannot write the catalog cache in ${cacheDir}: ${e instanceof Error ? e.message : String(e)}` });
      }
    };
    const write = {
      finish: () => {
        clearTimeout(timer);
        clearImmediate(immediate);
        step(true);
      },
      cancel: stop,
    };
    let timer = setTimeout(() => step(false), delayMs);
    timer.unref?.();
    this.cacheWrites.set(uri, write);
  }

  private *cacheWriteSteps(uri: string, cacheDir: string, filePath: string, stat: CatalogStat): Generator<void, void, void> {
    const rows = yield* this.rows.current(uri, cacheDir);
    if (!rows) return; // its cache was changed meanwhile: the next whole read writes one
    yield* writeCacheSteps(cacheDir, filePath, stat, this.server, rows);
    this.rows.cacheWritten(uri, filePath, stat);
    // Writing parses the rows again for their search text: 100 MB of garbage at 100k papers.
    if (rows.length > BIG_CACHE_ROWS) this.collectGarbageSoon();
  }
}

/** The abstracts of a read's papers, by the paper's place in the read; `failed` once one could not be read. */
interface AbstractTexts {
  count: number;
  text(i: number): string | undefined;
  readonly failed?: boolean;
  close?(): void;
}

const noAbstracts: AbstractTexts = { count: 0, text: () => undefined };

interface SpilledBatch {
  at: number;
  ends: Uint32Array;
}

/** Outside `read`: a closure there over the papers would keep them (and the text they slice) for every closure of it. */
function abstractsOfPapers(papers: readonly Paper[]): AbstractTexts {
  return { count: papers.length, text: (i) => papers[i].abstract };
}

/** The abstracts as written to the spill file, read back a batch at a time. */
function abstractsOfSpill(path: string, batches: readonly SpilledBatch[], count: number): AbstractTexts {
  const reader = new SpillReader(path);
  let batch = -1;
  let block: AbstractBlock | undefined;
  let failed = false;
  return {
    count,
    get failed() {
      return failed;
    },
    text(i) {
      const b = Math.floor(i / BATCH);
      if (b !== batch) {
        batch = b;
        const { at, ends } = batches[b];
        const bytes = reader.read(at, at + ends[ends.length - 1]);
        block = bytes && new AbstractBlock(bytes, ends);
        if (!block) failed = true;
      }
      return block?.text(i % BATCH);
    },
    close: () => reader.close(),
  };
}

/** A batch of papers in columns (see catalog/paperColumns.ts), and their abstracts as UTF-8: the k-th from `abstractEnds[k]` to `abstractEnds[k + 1]`. */
export function batchBytes(papers: readonly Paper[]): { columns: EncodedPaperColumns; abstracts: Uint8Array; abstractEnds: Uint32Array } {
  const abstractEnds = new Uint32Array(papers.length + 1);
  const texts = papers.map((paper) => paper.abstract ?? '');
  // One pass: written into room for the longest UTF-8 (3 bytes per UTF-16 unit), then cut to size.
  // Measuring each abstract first and writing it then took half as long again.
  let room = 0;
  for (const text of texts) room += 3 * text.length;
  const writer = Buffer.allocUnsafeSlow(room);
  texts.forEach((text, k) => (abstractEnds[k + 1] = abstractEnds[k] + writer.write(text, abstractEnds[k], 'utf8')));
  const abstracts = new Uint8Array(writer.buffer.slice(0, abstractEnds[papers.length]));
  return { columns: encodePaperColumns(papers), abstracts, abstractEnds };
}

/** `gc()` without --expose-gc on the command line (editors start the server with their own flags). */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    // The heap keeps the pages the first one emptied until the next: 137 → 97 MB at 100k papers.
    gc();
  } catch {
    // Only memory is at stake.
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const core = new CatalogWorkerCore((event, transfer) => port.postMessage(event, transfer));
  port.on('message', (request: WorkerRequest) => core.handle(request));
}

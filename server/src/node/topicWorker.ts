/**
 * The topic worker: runs the topic model on its own thread (bundled as dist/topicWorker.js), so the
 * main thread only hands over papers' texts and reads results, in slices. It keeps every paper's
 * `TopicDocument` (the main thread sends only those that changed; abstracts as UTF-8 bytes,
 * compactDocument.ts), the last result (the model's `previous`, for stable topics) and the topics
 * cache. `TopicWorkerCore` is the whole logic; it runs in-process when the bundle is missing
 * (tests through tsx).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { packTopics, TopicIndex } from '../search/topicIndex';
import { buildTopics } from '../search/topicModel';
import type { TopicDocument, TopicResult } from '../search/topicResult';
import { ownBytes } from './catalogCache';
import { ABSTRACT_WORDS } from '../service/topicDocuments';
import { compactCutDocument, documentHash } from './compactDocument';
import { readTopicCache, writeTopicCache } from './topicCache';
import { runInBackground } from './threadPriority';

export type TopicWorkerRequest =
  /** `workspace` names the cache file (the workspace folders). */
  | { type: 'configure'; cacheDir: string | undefined; server: string; workspace: string }
  /** Papers whose text changed (added or edited), their abstracts whole (cut here, at ABSTRACT_WORDS), and keys of papers gone. */
  | { type: 'documents'; documents: TopicDocument[]; removed: string[] }
  /** Run the model on the papers as they are now, if they changed since its last run. */
  | { type: 'compute'; id: number; topicCount?: number }
  /** Write the cache still waiting for its pause now: the server is shutting down. */
  | { type: 'flush' };

/**
 * Results travel as the bytes of their pieces (see topicIndex.ts), transferred: the main thread
 * parses one piece per slice. A structured clone of 100,000 placements was decoded on arrival in one
 * go (130 ms).
 */
export type TopicWorkerEvent =
  /** The topics of the last session, from the cache. */
  | { type: 'cached'; head: Uint8Array; rows: Uint8Array[] }
  /** The answer to `compute` `id`: a new result, or none (`head` absent) when the papers did not change. */
  | { type: 'result'; id: number; head?: Uint8Array; rows?: Uint8Array[]; papers: number; topics: number; ms: number }
  | { type: 'log'; message: string }
  | { type: 'flushed' };

/** The cache is written after this long without a new result: edits come in bursts. */
const CACHE_WRITE_DELAY_MS = 2000;

export class TopicWorkerCore {
  private readonly documents = new Map<string, TopicDocument>();
  /** Papers changed since the model last ran (or since the cache, when it has not run yet). */
  private changed = false;
  /** The model's last result, or the cache's: passed as `previous`. */
  private previous: TopicResult | undefined;
  /** The fingerprint of the papers `previous` was computed from. */
  private previousDocuments: string | undefined;
  private cacheDir: string | undefined;
  private server = 'dev';
  private workspace = '';
  private cacheWrite: { timer: NodeJS.Timeout; write(): void } | undefined;
  /** The `topicCount` of the last run (undefined: the model's own choice). */
  private topicCount: number | undefined;

  constructor(
    private readonly post: (event: TopicWorkerEvent, transfer?: ArrayBuffer[]) => void,
    /** The topic model (tests pass one that records its calls). */
    private readonly model: typeof buildTopics = buildTopics,
  ) {}

  handle(request: TopicWorkerRequest): void {
    switch (request.type) {
      case 'configure':
        this.cacheDir = request.cacheDir;
        this.server = request.server;
        this.workspace = request.workspace;
        return this.readCache();
      case 'documents':
        for (const key of request.removed) this.changed = this.documents.delete(key) || this.changed;
        for (const doc of request.documents) {
          // Cut here, as it is hashed, not on the main thread (service/topicDocuments.ts uncutDocument).
          const compact = compactCutDocument(doc, ABSTRACT_WORDS);
          if (!sameDocument(this.documents.get(doc.key), compact)) this.changed = true;
          this.documents.set(doc.key, compact);
        }
        return;
      case 'compute':
        return this.compute(request.id, request.topicCount);
      case 'flush':
        this.flush();
        return this.post({ type: 'flushed' });
    }
  }

  flush(): void {
    if (!this.cacheWrite) return;
    clearTimeout(this.cacheWrite.timer);
    this.cacheWrite.write();
  }

  dispose(): void {
    if (this.cacheWrite) clearTimeout(this.cacheWrite.timer);
    this.cacheWrite = undefined;
  }

  private compute(id: number, topicCount: number | undefined): void {
    const started = performance.now();
    const docs = [...this.documents.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const fingerprint = documentsFingerprint(docs);
    if (topicCount !== this.topicCount) {
      this.topicCount = topicCount;
      this.changed = true;
      this.previousDocuments = undefined; // the same papers, other topics wanted
    }
    // The papers of the cached result, or of the last run: what is shown is already right.
    if (this.previous && (!this.changed || fingerprint === this.previousDocuments)) {
      this.changed = false;
      return this.post({ type: 'result', id, papers: docs.length, topics: this.previous.topics.length, ms: performance.now() - started });
    }
    let result: TopicResult;
    try {
      result = this.model(docs, { previous: this.previous, topicCount });
    } catch (e) {
      this.post({ type: 'log', message: `The topic model failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
      return this.post({ type: 'result', id, papers: docs.length, topics: 0, ms: performance.now() - started });
    }
    this.changed = false;
    this.previous = result;
    this.previousDocuments = fingerprint;
    this.postPieces({ type: 'result', id, papers: docs.length, topics: result.topics.length, ms: performance.now() - started }, packTopics(result));
    this.writeCacheSoon(fingerprint, result);
  }

  private readCache(): void {
    if (!this.cacheDir) return;
    const cached = readTopicCache(this.cacheDir, this.workspace, this.server);
    if (!cached) return;
    // Checked here as the main thread will check it: a result that does not read is no `previous` either.
    let pieces: ReturnType<typeof packTopics>;
    try {
      pieces = packTopics(cached.result);
      TopicIndex.fromResult(cached.result);
    } catch {
      return this.post({ type: 'log', message: 'The topics cache of the last session is broken: topics are computed again.' });
    }
    this.previous = cached.result;
    this.previousDocuments = cached.documents;
    this.postPieces({ type: 'cached' }, pieces);
  }

  /** Sends a result's pieces as bytes, transferred. */
  private postPieces(event: { type: 'cached' } | Omit<Extract<TopicWorkerEvent, { type: 'result' }>, 'head' | 'rows'>, pieces: ReturnType<typeof packTopics>): void {
    const head = ownBytes(pieces.head);
    const rows = pieces.rows.map(ownBytes);
    this.post({ ...event, head, rows } as TopicWorkerEvent, [head.buffer as ArrayBuffer, ...rows.map((r) => r.buffer as ArrayBuffer)]);
  }

  private writeCacheSoon(documents: string, result: TopicResult): void {
    const cacheDir = this.cacheDir;
    if (!cacheDir) return;
    if (this.cacheWrite) clearTimeout(this.cacheWrite.timer);
    const write = () => {
      this.cacheWrite = undefined;
      try {
        writeTopicCache(cacheDir, this.workspace, this.server, documents, result);
      } catch (e) {
        this.post({ type: 'log', message: `Cannot write the topics cache in ${cacheDir}: ${e instanceof Error ? e.message : String(e)}` });
      }
    };
    const timer = setTimeout(write, CACHE_WRITE_DELAY_MS);
    timer.unref?.();
    this.cacheWrite = { timer, write };
  }
}

/** The same text for the model: by hash, title and keywords (an abstract is not decoded to compare it). */
function sameDocument(a: TopicDocument | undefined, b: TopicDocument): boolean {
  return !!a && documentHash(a) === documentHash(b) && a.title === b.title && (a.keywords ?? []).join('\u0000') === (b.keywords ?? []).join('\u0000');
}

/** What the model reads of all papers, as one short string: order-independent sums of per-paper hashes. */
export function documentsFingerprint(docs: readonly TopicDocument[]): string {
  let sum = 0;
  let mixed = 0;
  for (const doc of docs) {
    const h = documentHash(doc);
    sum = (sum + h) >>> 0;
    mixed = (mixed + Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)) >>> 0;
  }
  return `${docs.length}:${sum.toString(16)}:${mixed.toString(16)}`;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  runInBackground();
  const core = new TopicWorkerCore((event, transfer) => port.postMessage(event, transfer));
  port.on('message', (request: TopicWorkerRequest) => core.handle(request));
}

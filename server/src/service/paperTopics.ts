/**
 * The topics of the workspace's papers as the features read them, and what the topic model still
 * has to see. The model runs elsewhere (a worker thread, node/topicUpdater.ts); this is its state
 * on the main thread: the last result (`TopicIndex`), possibly older than the papers, and the keys
 * whose text changed since they were last handed over.
 */
import type { TopicIndex } from '../search/topicIndex';

export class PaperTopics {
  private index: TopicIndex | undefined;
  private readonly changed = new Set<string>();
  private handedOver = 0;
  private indexVersion = 0;
  private abandoned = false;

  /** The last result of the model, maybe of older papers; undefined before the first one. */
  get current(): TopicIndex | undefined {
    return this.index;
  }

  /** Bumped when the result changes; caches of the tree compare it. */
  get version(): number {
    return this.indexVersion;
  }

  /** Papers changed since the model last saw them, or a computation is under way. */
  get computing(): boolean {
    return this.changed.size > 0 || this.handedOver > 0;
  }

  /** What `computing` will say once the computation under way gives its result. */
  get computingAfterResult(): boolean {
    return this.changed.size > 0 || this.handedOver > 1;
  }

  /** A paper was added, changed or removed (the model indexes it in `WorkspaceModel`). */
  paperChanged(key: string): void {
    if (!this.abandoned) this.changed.add(key);
  }

  /** The keys changed since the last call, handed to the model: `computing` until `computed`. */
  takeChanges(): string[] {
    const keys = [...this.changed];
    this.changed.clear();
    this.handedOver++;
    return keys;
  }

  /** The computation started by the matching `takeChanges` is over: its result, or undefined when it changed nothing (or failed). */
  computed(index: TopicIndex | undefined): void {
    this.handedOver = Math.max(0, this.handedOver - 1);
    if (index) this.show(index);
  }

  /** The model will not answer any more (its worker died): the last result stays, nothing is computing. */
  abandon(): void {
    this.changed.clear();
    this.handedOver = 0;
    this.abandoned = true;
  }

  /** A result to show now: the cache of the last start, or a new one. */
  show(index: TopicIndex): void {
    this.index = index;
    this.indexVersion++;
  }
}

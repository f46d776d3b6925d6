/**
 * What changed for the Papers view since it was last told (`litnotes/papersChanged`): the keys of
 * papers that came, went or changed content, the notes whose citations changed, and whether topics
 * did. Gathered by the model as it indexes; taken by the notices that tell the client.
 */
import type { PapersChanged } from '../../../common/protocol';

/** More keys (or notes) than this are sent as "any paper may have changed": a first read changes 100,000. */
export const MAX_LISTED_KEYS = 1000;

export class PaperChanges {
  private readonly keys = new Set<string>();
  private tooMany = false;
  private readonly notes = new Set<string>();
  private topics = false;

  paper(key: string): void {
    if (this.tooMany) return;
    this.keys.add(key);
    if (this.keys.size > MAX_LISTED_KEYS) {
      this.tooMany = true;
      this.keys.clear();
      this.notes.clear();
    }
  }

  note(uri: string): void {
    if (this.tooMany) return;
    this.notes.add(uri);
    if (this.notes.size > MAX_LISTED_KEYS) {
      this.tooMany = true;
      this.keys.clear();
      this.notes.clear();
    }
  }

  topicsChanged(): void {
    this.topics = true;
  }

  get isEmpty(): boolean {
    return !this.tooMany && this.keys.size === 0 && this.notes.size === 0 && !this.topics;
  }

  /** What changed since the last `take`, sorted; undefined when nothing did. */
  take(): PapersChanged | undefined {
    if (this.isEmpty) return undefined;
    const change: PapersChanged = {};
    if (!this.tooMany) change.keys = [...this.keys].sort();
    if (this.notes.size > 0) change.notes = [...this.notes].sort();
    if (this.topics) change.topics = true;
    this.keys.clear();
    this.tooMany = false;
    this.notes.clear();
    this.topics = false;
    return change;
  }
}

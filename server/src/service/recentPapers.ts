/**
 * What the user worked with last, for `[@` with nothing typed: the notes by when they were last
 * edited (their citations are the papers cited recently) and the papers opened last (a literature
 * note, a paper command). Kept in order as edits come, so reading the most recent few costs what
 * they cost, whatever the size of the library: no per-request sort.
 */

/** Papers opened that are remembered; the list shows at most a few dozen. */
const OPENED_KEPT = 200;

export interface RecentNote {
  uri: string;
  editedAt: number;
}

export class RecentPapers {
  /** Note URI → when it was last edited (ms since the epoch, or a logical clock in tests). */
  private readonly editedAt = new Map<string, number>();
  /** Notes, least recently edited first: an edit appends, the newest is read from the end. */
  private byEdit: string[] = [];
  /** False after an edit older than the newest (a file's time from disk): sorted once, when read. */
  private inOrder = true;
  /** Key → when it was opened; the Map's order is the order of opening, oldest first. */
  private readonly opened = new Map<string, number>();
  private clock = 0;

  /** A note's new text was taken at `at` (its file's modification time, or now for an editor edit). */
  noteEdited(uri: string, at = this.tick()): void {
    this.clock = Math.max(this.clock, at);
    const before = this.editedAt.get(uri);
    this.editedAt.set(uri, at);
    const newest = this.byEdit.length > 0 ? this.editedAt.get(this.byEdit[this.byEdit.length - 1])! : -Infinity;
    if (before !== undefined) {
      // Usually the note being typed in, already last: nothing moves.
      if (this.byEdit[this.byEdit.length - 1] === uri && at >= before) return;
      this.byEdit.splice(this.byEdit.lastIndexOf(uri), 1);
    }
    this.byEdit.push(uri);
    if (at < newest) this.inOrder = false;
  }

  noteRemoved(uri: string): void {
    if (!this.editedAt.delete(uri)) return;
    this.byEdit.splice(this.byEdit.lastIndexOf(uri), 1);
  }

  paperOpened(key: string, at = this.tick()): void {
    this.clock = Math.max(this.clock, at);
    this.opened.delete(key);
    this.opened.set(key, at);
    if (this.opened.size > OPENED_KEPT) this.opened.delete(this.opened.keys().next().value!);
  }

  /** Notes, the most recently edited first. */
  *notes(): Generator<RecentNote> {
    if (!this.inOrder) {
      this.byEdit.sort((a, b) => this.editedAt.get(a)! - this.editedAt.get(b)! || (a < b ? 1 : a > b ? -1 : 0));
      this.inOrder = true;
    }
    for (let i = this.byEdit.length - 1; i >= 0; i--) yield { uri: this.byEdit[i], editedAt: this.editedAt.get(this.byEdit[i])! };
  }

  /** Papers opened, the most recent first. */
  openedPapers(): { key: string; openedAt: number }[] {
    return [...this.opened].reverse().map(([key, openedAt]) => ({ key, openedAt }));
  }

  /** A time after everything seen, for callers that give none. */
  private tick(): number {
    return ++this.clock;
  }
}

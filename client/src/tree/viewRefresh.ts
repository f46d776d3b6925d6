/**
 * When the Papers view asks the server again. On `litnotes/papersChanged` (papers, the notes citing
 * them or topics changed), and when the index state changes (a start, indexing → ready); not on
 * every index status, which also ticks for Zotero's state, progress and problems. vscode-free, so
 * it is unit-tested.
 */
import type { IndexStatus, PapersChanged } from '../../../common/protocol';

export class ViewRefresh {
  private lastState: IndexStatus['state'] | undefined;

  constructor(private readonly refresh: () => void) {}

  status(status: IndexStatus): void {
    if (status.state === this.lastState) return;
    this.lastState = status.state;
    this.refresh();
  }

  papersChanged(_change: PapersChanged): void {
    this.refresh();
  }

  /** The server stopped or restarts: the next status refreshes whatever it says. */
  reset(): void {
    this.lastState = undefined;
  }
}

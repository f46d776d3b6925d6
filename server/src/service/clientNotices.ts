/**
 * What the server tells the client unasked: the index status (`litnotes/indexStatus`) and what the
 * Papers view shows changed (`litnotes/papersChanged`). Both are throttled together, at most one
 * of each per interval while files stream in; papersChanged goes out only when papers, the notes
 * citing them or topics changed, so a view does not refresh because Zotero's state did.
 */
import type { IndexStatus, PapersChanged } from '../../../common/protocol';
import { realClock, type Clock } from './clock';
import type { WorkspaceModel } from './workspaceModel';

export const NOTICE_INTERVAL_MS = 300;

export interface NoticeSender {
  status(status: IndexStatus): void;
  papersChanged(change: PapersChanged): void;
}

export class ClientNotices {
  private timer: unknown;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly currentStatus: () => IndexStatus,
    private readonly send: NoticeSender,
    private readonly timers: Clock = realClock,
  ) {}

  /** Something the status or the view shows may have changed: tell the client within the interval. */
  soon(): void {
    if (this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => this.now(), NOTICE_INTERVAL_MS);
  }

  /** Tells the client now (indexing is done: the status says ready at once). */
  now(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.send.status(this.currentStatus());
    const change = this.model.changes.take();
    if (change) this.send.papersChanged(change);
  }

  /** The topic model's result changed. */
  topicsChanged(): void {
    this.model.changes.topicsChanged();
    this.soon();
  }

  /** A paper's Zotero annotations changed (the view marks notes behind them). */
  annotationsChanged(key: string): void {
    this.model.changes.paper(key);
    this.soon();
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

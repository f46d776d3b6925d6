/**
 * When diagnostics are published, and for which files: a note's a little after it is edited (one
 * publication per pause in typing), a catalog's at once, the notes a catalog change can affect
 * after it, and everything once indexing is done, in slices between requests. Until then closed
 * notes wait (a first read changes every key), catalogs show their reader's problems without the
 * keys they share with others, and while the Zotero library comes in, an unknown key is not
 * reported (the library may have it). A file whose problems are fixed gets one empty list.
 */
import { isZoteroCatalog } from '../catalog/zotero';
import { catalogDiagnostics, noteDiagnostics, UNKNOWN_KEY } from './diagnostics';
import { realClock, type Clock } from '../service/clock';
import type { Diagnostic } from '../service/protocolTypes';
import type { Settings } from '../service/settings';
import type { WorkspaceModel } from '../service/workspaceModel';

export const NOTE_DIAGNOSTICS_DELAY_MS = 200;
/** Slices of this long between requests: 20,000 notes at once kept the server deaf for seconds. */
const REPUBLISH_SLICE_MS = 4;

export interface DiagnosticsHost {
  /** Sends `uri`'s diagnostics to the client (an empty list clears them). */
  send(uri: string, diagnostics: Diagnostic[]): void;
  settings(): Settings;
  /** The workspace is being indexed: closed notes are published all at once when it is done. */
  indexing(): boolean;
  /** The Zotero library's first read is coming in: its keys are not unknown yet. */
  zoteroLoading(): boolean;
  /** Notes open in the editor. */
  openUris(): Iterable<string>;
  error(message: string): void;
}

export class DiagnosticsSchedule {
  /** URIs whose last published diagnostics were not empty: they need an empty list when fixed. */
  private readonly published = new Set<string>();
  private readonly pendingNotes = new Map<string, unknown>();
  /** Notes citing keys that appeared or went away since diagnostics were last published. */
  private readonly notesToRecheck = new Set<string>();
  private republishTimer: unknown;
  private republishRun = 0;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly host: DiagnosticsHost,
    private readonly clock: Clock = realClock,
  ) {}

  /** A note was (re-)indexed or removed: its diagnostics after a pause, unless indexing will publish them. */
  noteChanged(uri: string, isOpen: boolean): void {
    if (this.host.indexing() && !isOpen) return;
    this.clock.clearTimeout(this.pendingNotes.get(uri));
    this.pendingNotes.set(
      uri,
      this.clock.setTimeout(() => {
        this.pendingNotes.delete(uri);
        this.guard(() => this.publishNote(uri));
      }, NOTE_DIAGNOSTICS_DELAY_MS),
    );
  }

  /**
   * A catalog's papers or problems changed: its own diagnostics now; then open notes, notes that
   * had problems and notes citing a key that came or went (`changedKeys`) may have changed
   * verdicts. Other notes cannot have: their keys are as known as before.
   */
  catalogChanged(uri: string, changedKeys: () => readonly string[]): void {
    // While indexing, the reader's problems at once; duplicate keys once every catalog is in (the
    // end publishes every file): finding them at each catalog read cost 10–30 ms a time at 100k.
    const indexing = this.host.indexing();
    if (!isZoteroCatalog(uri)) this.guard(() => this.publish(uri, catalogDiagnostics(this.model, uri, this.host.settings(), !indexing)));
    // While indexing every note is published at the end anyway (and a first read changes 100,000 keys).
    if (indexing) return;
    for (const note of this.model.notesCitingAny(changedKeys())) this.notesToRecheck.add(note);
    this.clock.clearTimeout(this.republishTimer);
    this.republishTimer = this.clock.setTimeout(() => {
      this.guard(() => {
        const uris = new Set([...this.host.openUris(), ...this.published, ...this.notesToRecheck].filter((u) => this.model.note(u)));
        this.notesToRecheck.clear();
        for (const note of uris) this.publishNote(note);
      });
    }, NOTE_DIAGNOSTICS_DELAY_MS);
  }

  /** Indexing is done: every file's diagnostics. */
  indexingDone(): Promise<void> {
    this.notesToRecheck.clear();
    return this.republishAll();
  }

  /** Every catalog's and note's diagnostics again, in slices; a newer pass takes over from an older one. */
  async republishAll(): Promise<void> {
    const run = ++this.republishRun;
    let sliceStart = this.clock.now();
    const duplicates = this.model.settleDuplicates();
    for (let done = false; !done; ) {
      this.guard(() => void (done = duplicates.next().done === true));
      if (!done && this.clock.now() - sliceStart > REPUBLISH_SLICE_MS) {
        await this.clock.yieldToEventLoop();
        if (run !== this.republishRun) {
          duplicates.return(); // ends the model's settling, so the status does not wait on it
          return;
        }
        sliceStart = this.clock.now();
      }
    }
    this.guard(() => {
      for (const uri of this.model.catalogUris()) if (!isZoteroCatalog(uri)) this.publish(uri, catalogDiagnostics(this.model, uri, this.host.settings()));
    });
    sliceStart = this.clock.now();
    for (const uri of this.model.noteUris()) {
      if (run !== this.republishRun) return;
      if (this.model.note(uri)) this.guard(() => this.publishNote(uri));
      if (this.clock.now() - sliceStart > REPUBLISH_SLICE_MS) {
        await this.clock.yieldToEventLoop();
        sliceStart = this.clock.now();
      }
    }
  }

  /** The file left the workspace and its diagnostics were cleared by the caller. */
  forget(uri: string): void {
    this.published.delete(uri);
    this.clock.clearTimeout(this.pendingNotes.get(uri));
    this.pendingNotes.delete(uri);
  }

  dispose(): void {
    this.republishRun++;
    this.clock.clearTimeout(this.republishTimer);
    for (const timer of this.pendingNotes.values()) this.clock.clearTimeout(timer);
    this.pendingNotes.clear();
  }

  private publishNote(uri: string): void {
    const diagnostics = noteDiagnostics(this.model, uri, this.host.settings());
    this.publish(uri, this.host.zoteroLoading() ? diagnostics.filter((d) => d.code !== UNKNOWN_KEY) : diagnostics);
  }

  private publish(uri: string, diagnostics: Diagnostic[]): void {
    if (diagnostics.length === 0 && !this.published.has(uri)) return;
    if (diagnostics.length > 0) this.published.add(uri);
    else this.published.delete(uri);
    this.host.send(uri, diagnostics);
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (e) {
      this.host.error(`diagnostics failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}

/**
 * The Markdown notes of the workspace, each parsed once per version (citations with ranges, front
 * matter), and the reverse index key → citations that references, rename, "cited by N notes", the
 * tree and hover read.
 */
import type { Citation } from '../notes/citation';
import { findCitations } from '../notes/citations';
import { parseFrontMatter } from '../notes/frontMatter';
import { noteLayout, type NoteLayout } from '../notes/noCitationRanges';

export type FrontMatter = NonNullable<ReturnType<typeof parseFrontMatter>>;

export interface Note {
  uri: string;
  text: string;
  citations: Citation[];
  frontMatter?: FrontMatter;
}

/** One citation of a key somewhere in the workspace. */
export interface CitationPlace {
  uri: string;
  citation: Citation;
}

/**
 * Notes whose block layout is kept: the ones set last, which are the ones being typed in. Completion
 * reads the layout of the version the index parsed instead of parsing the note again per keystroke;
 * keeping it for every note would cost a line table per note of the workspace.
 */
const LAYOUTS_KEPT = 8;

export class NoteIndex {
  private readonly notes = new Map<string, Note>();
  /** The layouts of the notes set last, oldest first; each for the text it was parsed from. */
  private readonly layouts = new Map<string, { text: string; layout: NoteLayout }>();
  /** key → note URI → the citations of that key in that note, in text order. */
  private readonly byKey = new Map<string, Map<string, Citation[]>>();

  get(uri: string): Note | undefined {
    return this.notes.get(uri);
  }

  has(uri: string): boolean {
    return this.notes.has(uri);
  }

  uris(): string[] {
    return [...this.notes.keys()].sort();
  }

  get size(): number {
    return this.notes.size;
  }

  /**
   * Parses a new version of a note; false when the text is the version already indexed.
   * `citedChanged` hears the keys whose citing notes changed (cited before or now, not both).
   */
  set(uri: string, text: string, citedChanged?: (keys: readonly string[]) => void): boolean {
    const previous = this.notes.get(uri);
    if (previous && previous.text === text) return false;
    const before = new Set(previous?.citations.map((c) => c.key));
    if (previous) this.unindex(previous);
    const layout = noteLayout(text);
    const note: Note = { uri, text, citations: findCitations(text, layout), frontMatter: parseFrontMatter(text) };
    this.layouts.delete(uri);
    this.layouts.set(uri, { text, layout });
    if (this.layouts.size > LAYOUTS_KEPT) this.layouts.delete(this.layouts.keys().next().value!);
    this.notes.set(uri, note);
    for (const citation of note.citations) {
      let perNote = this.byKey.get(citation.key);
      if (!perNote) this.byKey.set(citation.key, (perNote = new Map()));
      let list = perNote.get(uri);
      if (!list) perNote.set(uri, (list = []));
      list.push(citation);
    }
    if (citedChanged) {
      const now = new Set(note.citations.map((c) => c.key));
      const changed = [...[...before].filter((k) => !now.has(k)), ...[...now].filter((k) => !before.has(k))];
      if (changed.length > 0 || !previous) citedChanged(changed);
    }
    return true;
  }

  remove(uri: string): boolean {
    const previous = this.notes.get(uri);
    if (!previous) return false;
    this.unindex(previous);
    this.notes.delete(uri);
    this.layouts.delete(uri);
    return true;
  }

  /** The block layout of `uri` when `text` is the version indexed last and its layout is still kept. */
  layout(uri: string, text: string): NoteLayout | undefined {
    const kept = this.layouts.get(uri);
    return kept && kept.text === text ? kept.layout : undefined;
  }

  /** Every citation of `key`, by note URI then position. */
  citationsOf(key: string): CitationPlace[] {
    const perNote = this.byKey.get(key);
    if (!perNote) return [];
    const places: CitationPlace[] = [];
    for (const uri of [...perNote.keys()].sort()) {
      for (const citation of perNote.get(uri) ?? []) places.push({ uri, citation });
    }
    return places;
  }

  /** URIs of the notes citing `key`, sorted. */
  notesCiting(key: string): string[] {
    return [...(this.byKey.get(key)?.keys() ?? [])].sort();
  }

  /** How many notes cite `key`. */
  citingCount(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }

  /** Every cited key with the number of notes citing it. */
  citedKeys(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, perNote] of this.byKey) counts.set(key, perNote.size);
    return counts;
  }

  private unindex(note: Note): void {
    for (const key of new Set(note.citations.map((c) => c.key))) {
      const perNote = this.byKey.get(key);
      perNote?.delete(note.uri);
      if (perNote && perNote.size === 0) this.byKey.delete(key);
    }
  }
}

/**
 * The Markdown notes of the workspace, each parsed once per version (citations with ranges, front
 * matter), and the reverse index key → citations that references, rename, "cited by N notes", the
 * tree and hover read.
 */
import type { Citation } from '../notes/citation';
import { findCitations } from '../notes/citations';
import { parseFrontMatter } from '../notes/frontMatter';

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

export class NoteIndex {
  private readonly notes = new Map<string, Note>();
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

  /** Parses a new version of a note; false when the text is the version already indexed. */
  set(uri: string, text: string): boolean {
    const previous = this.notes.get(uri);
    if (previous && previous.text === text) return false;
    if (previous) this.unindex(previous);
    const note: Note = { uri, text, citations: findCitations(text), frontMatter: parseFrontMatter(text) };
    this.notes.set(uri, note);
    for (const citation of note.citations) {
      let perNote = this.byKey.get(citation.key);
      if (!perNote) this.byKey.set(citation.key, (perNote = new Map()));
      let list = perNote.get(uri);
      if (!list) perNote.set(uri, (list = []));
      list.push(citation);
    }
    return true;
  }

  remove(uri: string): boolean {
    const previous = this.notes.get(uri);
    if (!previous) return false;
    this.unindex(previous);
    this.notes.delete(uri);
    return true;
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

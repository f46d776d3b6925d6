import type { Range } from '../core/types';

/** A person as the catalog names them: `family`/`given` or a `literal` (institution, `{Company, Inc.}`). */
export interface Person {
  family?: string;
  given?: string;
  /** Name particle such as "van", "de la" (BibTeX "von" part). */
  particle?: string;
  suffix?: string;
  literal?: string;
}

/**
 * One paper of a catalog, normalized from any format. Text fields are display text:
 * LaTeX already decoded to Unicode, protective braces removed. Absent fields are undefined.
 */
export interface Paper {
  /** The citation key exactly as written in the catalog. */
  key: string;
  /** Entry type in lower case: article, inproceedings, book, misc... (CSL types are kept as CSL names). */
  type: string;
  title?: string;
  authors: Person[];
  editors?: Person[];
  /** Year as written (usually four digits), from `year`, `date` or CSL `issued`. */
  year?: string;
  /** Full date as written when there is one (`2024-05`). */
  date?: string;
  /** Journal, booktitle or CSL container-title. */
  venue?: string;
  publisher?: string;
  volume?: string;
  issue?: string;
  pages?: string;
  /** Read it with `abstractOf`: a paper from the catalog worker has `storedAbstract` instead. */
  abstract?: string;
  storedAbstract?: StoredAbstract;
  doi?: string;
  url?: string;
  arxiv?: string;
  /** Topics from `keywords`, JabRef `groups`, CSL `keyword`, tags. */
  keywords: string[];
  /** The `file` field's entries, one per attachment, as written: read them with `parseAttachment` (attachments.ts). */
  files: string[];
  note?: string;
  /** The Zotero item key of a paper from the Zotero library (where go to definition opens it). */
  zoteroKey?: string;
  /** Where the entry is: `file://` URI of the catalog, the whole entry's range and the key's range. */
  source: PaperSource;
}

const utf8 = new TextDecoder();

/** Bytes kept somewhere else than the heap: a scratch file (node/abstractSpill.ts). Undefined when they cannot be read (gone). */
export interface ExternalBytes {
  read(start: number, end: number): Uint8Array | undefined;
}

/**
 * Abstracts of papers sent by the catalog worker stay the UTF-8 bytes it sent, one block per batch
 * of papers, and become text when shown. As strings they took 250 MB of the main thread's heap at
 * 100,000 papers (V8 keeps a string with one character past Latin-1 as UTF-16), and building them
 * kept its garbage collector busy; their words reach the search index already counted. Those of a
 * big read stay on disk (`ExternalBytes`): as bytes they were still 130 MB of the server's memory.
 */
export class AbstractBlock {
  /** `ends[k]..ends[k + 1]` are the bytes of the k-th abstract of the batch. */
  constructor(
    private readonly bytes: Uint8Array | ExternalBytes,
    private readonly ends: Uint32Array,
  ) {}

  get count(): number {
    return this.ends.length - 1;
  }

  has(k: number): boolean {
    return this.ends[k + 1] > this.ends[k];
  }

  text(k: number): string | undefined {
    const start = this.ends[k];
    const end = this.ends[k + 1];
    const bytes = this.bytes instanceof Uint8Array ? this.bytes.subarray(start, end) : this.bytes.read(start, end);
    return bytes && utf8.decode(bytes);
  }
}

export class StoredAbstract {
  constructor(
    readonly block: AbstractBlock,
    readonly at: number,
  ) {}

  text(): string | undefined {
    return this.block.text(this.at);
  }
}

/** The paper's abstract, wherever it is kept; undefined also when its scratch file is gone. */
export function abstractOf(paper: Paper): string | undefined {
  return paper.abstract ?? paper.storedAbstract?.text();
}

export interface PaperSource {
  uri: string;
  range: Range;
  keyRange: Range;
}

/**
 * A paper's source as the catalog worker sends it: one object of numbers instead of seven (the
 * source, two ranges, four positions), whose ranges are made when asked for. At 100,000 papers that
 * is 600,000 fewer objects on the main thread's heap for its garbage collector to go through.
 */
export class PackedSource implements PaperSource {
  private constructor(
    readonly uri: string,
    private readonly startLine: number,
    private readonly startCharacter: number,
    private readonly endLine: number,
    private readonly endCharacter: number,
    private readonly keyStartLine: number,
    private readonly keyStartCharacter: number,
    private readonly keyEndLine: number,
    private readonly keyEndCharacter: number,
  ) {}

  /** The numbers the worker sends in place of `source` (JSON: no nested objects to decode). */
  static numbers({ range, keyRange }: PaperSource): number[] {
    return [range.start.line, range.start.character, range.end.line, range.end.character, keyRange.start.line, keyRange.start.character, keyRange.end.line, keyRange.end.character];
  }

  /** A source from `numbers`, or undefined when they are not eight whole numbers. */
  static of(uri: string, numbers: unknown): PackedSource | undefined {
    if (!Array.isArray(numbers) || numbers.length !== 8 || !numbers.every((n) => Number.isInteger(n))) return undefined;
    const [a, b, c, d, e, f, g, h] = numbers as number[];
    return new PackedSource(uri, a, b, c, d, e, f, g, h);
  }

  get range(): Range {
    return { start: { line: this.startLine, character: this.startCharacter }, end: { line: this.endLine, character: this.endCharacter } };
  }

  get keyRange(): Range {
    return { start: { line: this.keyStartLine, character: this.keyStartCharacter }, end: { line: this.keyEndLine, character: this.keyEndCharacter } };
  }
}

/** "Vaswani", "Vaswani and Shazeer", "Vaswani et al." — the short author label a person reads in lists. */
export function shortAuthors(authors: readonly Person[]): string | undefined {
  const names = authors.map(personFamily).filter((n): n is string => !!n);
  if (names.length === 0) return undefined;
  // BibTeX's `and others` means "and more authors": always "et al.".
  if (names.length > 1 && names[names.length - 1] === 'others') return `${names[0]} et al.`;
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]} et al.`;
}

export function personFamily(p: Person): string | undefined {
  if (p.literal) return p.literal;
  if (!p.family) return p.given;
  return p.particle ? `${p.particle} ${p.family}` : p.family;
}

export function personFullName(p: Person): string {
  if (p.literal) return p.literal;
  return [p.given, p.particle, p.family, p.suffix].filter(Boolean).join(' ');
}

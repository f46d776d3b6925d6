/**
 * Papers in columns: a batch of papers as three typed arrays and one string table instead of an
 * object per paper, per person and per list. The catalog worker encodes a read's papers this way
 * (`encodePaperColumns`) and transfers the buffers; the main thread keeps them as they came and
 * reads a paper through a `ColumnPaper`, a view of one row whose fields are made when read.
 *
 * Why: at 100,000 papers the objects (papers, 254,000 people, their lists and strings) were 80 MB
 * of the main thread's heap that every collection walked, and decoding them from JSON was work on
 * the thread that answers requests. A view is four fields; what a request shows of a paper (fifty
 * completion rows, one hover) is decoded when it is shown.
 *
 * Layout: paper `i` has `STRIDE` cells in `cells` from `i * STRIDE`: the text fields as string ids
 * (`NONE` when absent), the source's eight numbers, then (start, count) of its authors, editors
 * (start -1: no editors field), keywords and files in the list part of `cells`, after the rows. A
 * person is five string ids there (family, given, particle, suffix, literal); a keyword or file one.
 * String `s` is `text[ends[s]..ends[s + 1])` as UTF-8, repeated strings (venues, types, surnames)
 * stored once per batch. UTF-8 cannot hold a lone surrogate: such a string (rare, from a broken
 * file) goes in `odd` as it is, with the id `-2 - k`.
 */
import type { Range } from '../core/types';
import { AbstractBlock, StoredAbstract, type Paper, type PaperSource, type Person } from './paper';

/** The paper's text fields, in cell order. */
const TEXT_FIELDS = ['key', 'type', 'title', 'year', 'date', 'venue', 'publisher', 'volume', 'issue', 'pages', 'doi', 'url', 'arxiv', 'note', 'zoteroKey'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const PERSON_FIELDS = ['family', 'given', 'particle', 'suffix', 'literal'] as const;

const NONE = -1;
const SOURCE_AT = TEXT_FIELDS.length;
const AUTHORS_AT = SOURCE_AT + 8;
const EDITORS_AT = AUTHORS_AT + 2;
const KEYWORDS_AT = EDITORS_AT + 2;
const FILES_AT = KEYWORDS_AT + 2;
const STRIDE = FILES_AT + 2;
const FIELD_AT = Object.fromEntries(TEXT_FIELDS.map((name, i) => [name, i])) as Record<TextField, number>;

/** What crosses from the worker: the buffers are transferred, `odd` is cloned (almost always empty). */
export interface EncodedPaperColumns {
  count: number;
  cells: Int32Array;
  text: Uint8Array;
  ends: Uint32Array;
  odd: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LONE_SURROGATE = /\p{Cs}/u;

/** A batch of papers in columns (their abstracts are left out: they travel as an `AbstractBlock`). */
export function encodePaperColumns(papers: readonly Paper[]): EncodedPaperColumns {
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const odd: string[] = [];
  const idOf = (value: string | undefined): number => {
    if (value === undefined) return NONE;
    let id = ids.get(value);
    if (id === undefined) {
      if (LONE_SURROGATE.test(value)) id = -2 - (odd.push(value) - 1);
      else id = strings.push(value) - 1;
      ids.set(value, id);
    }
    return id;
  };
  let listCells = 0;
  for (const paper of papers) listCells += 5 * (paper.authors.length + (paper.editors?.length ?? 0)) + paper.keywords.length + paper.files.length;
  const cells = new Int32Array(papers.length * STRIDE + listCells);
  let list = papers.length * STRIDE;
  const people = (at: number, persons: readonly Person[]) => {
    cells[at] = list;
    cells[at + 1] = persons.length;
    for (const person of persons) for (const name of PERSON_FIELDS) cells[list++] = idOf(person[name]);
  };
  const texts = (at: number, values: readonly string[]) => {
    cells[at] = list;
    cells[at + 1] = values.length;
    for (const value of values) cells[list++] = idOf(value);
  };
  papers.forEach((paper, i) => {
    const row = i * STRIDE;
    for (let f = 0; f < TEXT_FIELDS.length; f++) cells[row + f] = idOf(paper[TEXT_FIELDS[f]]);
    const { range, keyRange } = paper.source;
    cells.set([range.start.line, range.start.character, range.end.line, range.end.character, keyRange.start.line, keyRange.start.character, keyRange.end.line, keyRange.end.character], row + SOURCE_AT);
    people(row + AUTHORS_AT, paper.authors);
    if (paper.editors) people(row + EDITORS_AT, paper.editors);
    else cells[row + EDITORS_AT] = NONE;
    texts(row + KEYWORDS_AT, paper.keywords);
    texts(row + FILES_AT, paper.files);
  });
  // One pass: written into room for the longest UTF-8 (3 bytes per UTF-16 unit), then cut to size.
  let room = 0;
  for (const s of strings) room += 3 * s.length;
  const written = new Uint8Array(room);
  const ends = new Uint32Array(strings.length + 1);
  strings.forEach((s, k) => (ends[k + 1] = ends[k] + encoder.encodeInto(s, written.subarray(ends[k])).written));
  // Its own buffer, cut to size: a transfer moves the whole buffer.
  const text = written.slice(0, ends[strings.length]);
  return { count: papers.length, cells, text, ends, odd };
}

/** Whether `value` has the shape `encodePaperColumns` gives (it comes from another thread: checked once, not per read). */
export function isEncodedPaperColumns(value: unknown): value is EncodedPaperColumns {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<EncodedPaperColumns>;
  return (
    typeof v.count === 'number' &&
    v.cells instanceof Int32Array &&
    v.text instanceof Uint8Array &&
    v.ends instanceof Uint32Array &&
    Array.isArray(v.odd) &&
    v.cells.length >= v.count * STRIDE &&
    validCells(v as EncodedPaperColumns)
  );
}

function validCells({ count, cells, ends, odd }: EncodedPaperColumns): boolean {
  const strings = ends.length - 1;
  const isString = (id: number) => id === NONE || (id >= 0 && id < strings) || (id <= -2 && -2 - id < odd.length);
  for (let i = 0; i < count; i++) {
    const row = i * STRIDE;
    for (let f = 0; f < TEXT_FIELDS.length; f++) if (!isString(cells[row + f])) return false;
    for (const [at, width] of [[AUTHORS_AT, 5], [EDITORS_AT, 5], [KEYWORDS_AT, 1], [FILES_AT, 1]] as const) {
      const start = cells[row + at];
      if (at === EDITORS_AT && start === NONE) continue;
      const end = start + width * cells[row + at + 1];
      if (start < count * STRIDE || end > cells.length || end < start) return false;
      for (let c = start; c < end; c++) if (!isString(cells[c])) return false;
    }
  }
  return true;
}

/** One batch of papers, read in columns; `abstracts` holds the k-th paper's abstract (when it has one). */
export class PaperColumns {
  constructor(
    readonly uri: string,
    private readonly encoded: EncodedPaperColumns,
    private readonly abstracts?: AbstractBlock,
  ) {}

  get count(): number {
    return this.encoded.count;
  }

  /** A view of every paper of the batch, in order. */
  papers(): ColumnPaper[] {
    const views: ColumnPaper[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) views[i] = new ColumnPaper(this, i, this.text(i, FIELD_AT.key) ?? '');
    return views;
  }

  text(row: number, field: number): string | undefined {
    return this.string(this.encoded.cells[row * STRIDE + field]);
  }

  private string(id: number): string | undefined {
    if (id === NONE) return undefined;
    if (id < 0) return this.encoded.odd[-2 - id];
    const { text, ends } = this.encoded;
    return decoder.decode(text.subarray(ends[id], ends[id + 1]));
  }

  people(row: number, at: number): Person[] | undefined {
    const { cells } = this.encoded;
    const start = cells[row * STRIDE + at];
    if (start === NONE) return undefined;
    const persons: Person[] = [];
    for (let c = start, end = start + 5 * cells[row * STRIDE + at + 1]; c < end; c += 5) {
      const person: Person = {};
      PERSON_FIELDS.forEach((name, k) => {
        const value = this.string(cells[c + k]);
        if (value !== undefined) person[name] = value;
      });
      persons.push(person);
    }
    return persons;
  }

  texts(row: number, at: number): string[] {
    const { cells } = this.encoded;
    const start = cells[row * STRIDE + at];
    const values: string[] = [];
    for (let c = start, end = start + cells[row * STRIDE + at + 1]; c < end; c++) values.push(this.string(cells[c]) ?? '');
    return values;
  }

  range(row: number, at: number, lineShift: number): Range {
    const c = this.encoded.cells;
    const p = row * STRIDE + SOURCE_AT + at;
    return { start: { line: c[p] + lineShift, character: c[p + 1] }, end: { line: c[p + 2] + lineShift, character: c[p + 3] } };
  }

  storedAbstract(row: number): StoredAbstract | undefined {
    return this.abstracts && row < this.abstracts.count && this.abstracts.has(row) ? new StoredAbstract(this.abstracts, row) : undefined;
  }
}

/**
 * One paper of a `PaperColumns`: the key is kept (every map of the model holds it), the rest is
 * read from the columns when asked for, a new value each time. Nothing here is changed in place:
 * a paper that moves (an edit above it) keeps how many lines it moved.
 */
export class ColumnPaper implements Paper {
  private linesMoved = 0;

  constructor(
    private readonly columns: PaperColumns,
    private readonly row: number,
    readonly key: string,
  ) {}

  get type(): string {
    return this.field('type') ?? '';
  }
  get title(): string | undefined {
    return this.field('title');
  }
  get authors(): Person[] {
    return this.columns.people(this.row, AUTHORS_AT) ?? [];
  }
  get editors(): Person[] | undefined {
    return this.columns.people(this.row, EDITORS_AT);
  }
  get year(): string | undefined {
    return this.field('year');
  }
  get date(): string | undefined {
    return this.field('date');
  }
  get venue(): string | undefined {
    return this.field('venue');
  }
  get publisher(): string | undefined {
    return this.field('publisher');
  }
  get volume(): string | undefined {
    return this.field('volume');
  }
  get issue(): string | undefined {
    return this.field('issue');
  }
  get pages(): string | undefined {
    return this.field('pages');
  }
  get abstract(): string | undefined {
    return undefined; // in `storedAbstract`
  }
  get storedAbstract(): StoredAbstract | undefined {
    return this.columns.storedAbstract(this.row);
  }
  get doi(): string | undefined {
    return this.field('doi');
  }
  get url(): string | undefined {
    return this.field('url');
  }
  get arxiv(): string | undefined {
    return this.field('arxiv');
  }
  get keywords(): string[] {
    return this.columns.texts(this.row, KEYWORDS_AT);
  }
  get files(): string[] {
    return this.columns.texts(this.row, FILES_AT);
  }
  get note(): string | undefined {
    return this.field('note');
  }
  get zoteroKey(): string | undefined {
    return this.field('zoteroKey');
  }
  get sourceUri(): string {
    return this.columns.uri;
  }
  get source(): PaperSource {
    return { uri: this.columns.uri, range: this.columns.range(this.row, 0, this.linesMoved), keyRange: this.columns.range(this.row, 4, this.linesMoved) };
  }

  /** The paper `lines` further down its file (an edit above it added or removed lines). */
  moveLines(lines: number): void {
    this.linesMoved += lines;
  }

  /** The plain paper, for whatever copies or serializes papers (a view's fields are accessors). */
  toJSON(): Paper {
    return plainPaper(this);
  }

  private field(name: TextField): string | undefined {
    return this.columns.text(this.row, FIELD_AT[name]);
  }
}

/** `paper` as a plain object with only its defined fields (a view's fields read once). */
export function plainPaper(paper: Paper): Paper {
  const plain: Paper = { key: paper.key, type: paper.type, authors: paper.authors, keywords: paper.keywords, files: paper.files, source: paper.source };
  for (const name of TEXT_FIELDS) {
    const value = paper[name];
    if (value !== undefined) plain[name] = value;
  }
  const editors = paper.editors;
  if (editors) plain.editors = editors;
  if (paper.abstract !== undefined) plain.abstract = paper.abstract;
  const stored = paper.storedAbstract;
  if (stored) plain.storedAbstract = stored;
  return plain;
}

/** The file `paper` is in, without building its ranges (a view's `source` is built anew on each read). */
export function sourceUriOf(paper: Paper): string {
  return paper instanceof ColumnPaper ? paper.sourceUri : paper.source.uri;
}

/** Moves a paper `lines` down its file: a view counts the lines, a plain paper gets a new source. */
export function moveLines(paper: Paper, lines: number): void {
  if (paper instanceof ColumnPaper) return paper.moveLines(lines);
  const shift = (r: Range): Range => ({ start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } });
  paper.source = { uri: paper.source.uri, range: shift(paper.source.range), keyRange: shift(paper.source.keyRange) };
}

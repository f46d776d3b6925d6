/**
 * The BibTeX / BibLaTeX reader: one hand-written pass over char codes, because the catalogs we
 * must read reach 100,000 entries and 180 MB (test/bench/parse-speed.ts measures it).
 *
 * It reads files as they are written: `@string` macros and `#` concatenation, month macros,
 * `@comment`/`@preamble`, text between entries (a comment in BibTeX), `%` comment lines between
 * fields, `{}` and `()` entry delimiters, quoted and braced values with nested braces, bare numbers,
 * `crossref`/`xdata` inheritance. A broken entry becomes a Problem at its place and reading goes on
 * at the next line that starts with `@`: one damaged entry never costs the others.
 */
import type { Problem, Range } from '../core/types';
import type { CatalogFileResult } from './catalogFile';
import { BIBTEX_KEY_PUNCTUATION, shownCharacter, uncitableBibtexKeyCharacter } from './citableKey';
import { latexToUnicode } from './latex';
import { parseNames } from './names';
import type { Paper } from './paper';
import { detached } from '../core/strings';
import { arxivFromDoi, arxivFromUrl, normalizeDoi, splitKeywords } from './identifiers';
import { splitFileField } from './attachments';

const MONTHS: Record<string, string> = {
  jan: 'January', feb: 'February', mar: 'March', apr: 'April', may: 'May', jun: 'June',
  jul: 'July', aug: 'August', sep: 'September', oct: 'October', nov: 'November', dec: 'December',
};
// No prototype: `month = {constructor}` is not a month.
const MONTH_NUMBERS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  january: '01', february: '02', march: '03', april: '04', may: '05', june: '06', july: '07', august: '08',
  september: '09', october: '10', november: '11', december: '12',
  // Written in braces or quotes instead of the macro: `month = {Jan.}`, `month = "sept"`.
  jan: '01', feb: '02', mar: '03', apr: '04', jun: '06', jul: '07', aug: '08', sep: '09', sept: '09', oct: '10', nov: '11', dec: '12',
});

/** One entry as written: raw field values (macros expanded, outer delimiters removed). */
interface RawEntry {
  type: string;
  key: string;
  fields: Map<string, string>;
  /** Fields whose value is already display text (no LaTeX, no irregular white space): no decoding pass. */
  plain: Set<string>;
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
}

/** The end of the line holding `at` (the offset of its line break, or the end of the text). */
function lineEnd(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline < 0 ? text.length : newline;
}

const FIELD_LINE = /[ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*["{]/y;

/** Whether a line starting at `at` reads `name = {` or `name = "`: the start of a field, not text. */
function startsField(text: string, at: number): boolean {
  FIELD_LINE.lastIndex = at;
  return FIELD_LINE.test(text);
}

class EntryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly at: number,
    readonly until: number,
  ) {
    super(message);
  }
}

const C_AT = 64, C_LBRACE = 123, C_RBRACE = 125, C_LPAREN = 40, C_RPAREN = 41, C_QUOTE = 34, C_COMMA = 44,
  C_EQUALS = 61, C_HASH = 35, C_PERCENT = 37, C_NEWLINE = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff;
}
function isIdentifier(c: number): boolean {
  // Field names and macro names: anything but white space and BibTeX's special characters.
  return c > 32 && c !== C_LBRACE && c !== C_RBRACE && c !== C_LPAREN && c !== C_RPAREN && c !== C_QUOTE && c !== C_COMMA && c !== C_EQUALS && c !== C_HASH && c !== C_PERCENT && c !== 0xfeff;
}

/** What a key may hold as the reader reads it: it ends at white space, a comma, a brace or a parenthesis. */
function isKeyCode(c: number): boolean {
  return !isSpace(c) && c !== C_COMMA && c !== C_LBRACE && c !== C_RBRACE && c !== C_LPAREN && c !== C_RPAREN;
}

/** A "key" that is a field's start: `title={` (the key ends at the brace) or `title="A",`. */
const FIELD_AS_KEY = /^[A-Za-z][\w-]*=(?:$|")/;

function uncitableKeyMessage(type: string, key: string, bad: string): string {
  return `Pandoc cannot cite the key '${key}' of this @${type} entry: it holds ${shownCharacter(bad)}, and a key is letters, digits and ${BIBTEX_KEY_PUNCTUATION.split('').join(' ')}. Rename it, or take out the '@' if this is not an entry. The entry is skipped.`;
}

/** Whether `@word{` or `@word(` starts at `at`: a new entry, not an e-mail address in an abstract. */
function startsEntry(text: string, at: number): boolean {
  let i = at + 1;
  while (i < text.length && isLetterCode(text.charCodeAt(i))) i++;
  if (i === at + 1) return false;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  return c === C_LBRACE || c === C_LPAREN;
}

/**
 * In a value still plain: a delimiter or a character that needs decoding (a blank other than a
 * space among them). One class, no two-character alternatives: with `--` or a doubled blank in the
 * pattern, the engine tried a match at every space and dash, and scanning values took 2.8× as long.
 * The doubled marks are looked for in the value once its end is known (`hasDoubledMark`).
 */
const NEXT_IN_PLAIN_VALUE = /[{}"\\$~\t\n\r\f\v]/g;
/** In a value that needs decoding anyway: what ends it or what the loop checks at line starts. */
const NEXT_DELIMITER = /[{}"\n]/g;

/** Two spaces, `--`, ``` `` ``` or `''`: what else keeps a value from being display text as it is. */
function hasDoubledMark(value: string): boolean {
  return value.includes('  ') || value.includes('--') || value.includes('``') || value.includes("''");
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11;
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Maps offsets to LSP positions with one line table built once per file. Entries are read in
 * order, so a lookup usually starts at the line of the previous one: a few steps, not a search.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  private last = 0;

  /** `base`: where `text` starts in a larger file (a stretch read alone), so positions are the file's. */
  constructor(
    text: string,
    private readonly base: { line: number; character: number } = { line: 0, character: 0 },
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; character: number } {
    const local = this.localPosition(offset);
    if (this.base.line === 0 && this.base.character === 0) return local;
    return { line: local.line + this.base.line, character: local.line === 0 ? local.character + this.base.character : local.character };
  }

  private localPosition(offset: number): { line: number; character: number } {
    const starts = this.starts;
    let line = this.last;
    if (starts[line] <= offset) {
      let steps = 0;
      while (line + 1 < starts.length && starts[line + 1] <= offset && steps++ < 16) line++;
      if (line + 1 < starts.length && starts[line + 1] <= offset) line = this.search(offset);
    } else line = this.search(offset);
    this.last = line;
    return { line, character: offset - starts[line] };
  }

  range(from: number, to: number): Range {
    return { start: this.position(from), end: this.position(to) };
  }

  private search(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** Reads a BibTeX/BibLaTeX file into papers and problems. Never throws. */
export function parseBibtex(text: string, uri: string): CatalogFileResult {
  return parseBibtexDetailed(text, uri).result;
}

/** An entry as written, for inheritance by entries read later in a stretch of the same file. */
export type BibtexParent = RawEntry;

/** What reading a stretch of a file needs from the rest of it. */
export interface StretchContext {
  /** Where the stretch starts in the file. */
  base: { line: number; character: number };
  /** @string macros defined before the stretch (lower-case names); month names are known anyway. */
  macros: ReadonlyMap<string, string>;
  /** Entries outside the stretch that entries in it may inherit from (crossref/xdata), by lower-case key. */
  parents: ReadonlyMap<string, BibtexParent>;
}

/**
 * What catalog/… needs to read an edited stretch of the file again alone (service/catalogIntake.ts):
 * where each paper is (offsets into `text`, parallel to `result.papers`), everything else that is
 * not a paper (@string, @comment, @preamble, @xdata, text the reader skipped with a problem), the
 * macros with where they were defined, and the entries others inherit from.
 */
export interface BibtexDetails {
  result: CatalogFileResult;
  paperSpans: { start: number; end: number }[];
  otherSpans: { start: number; end: number }[];
  macroDefinitions: { at: number; name: string; value: string }[];
  /** Lower-case keys some entry names in crossref/xdata. */
  inheritedKeys: Set<string>;
  /** Entries whose lower-case key is in inheritedKeys. */
  parents: Map<string, BibtexParent>;
}

export function parseBibtexDetailed(text: string, uri: string, context?: StretchContext): BibtexDetails {
  const reader = new BibtexReader(text, uri, context);
  try {
    return reader.readDetailed();
  } catch (error) {
    // Every expected failure is a Problem already; this keeps a bug from costing the whole server.
    return { result: { uri, papers: [], problems: [readerFailure(error)] }, paperSpans: [], otherSpans: [{ start: 0, end: text.length }], macroDefinitions: [], inheritedKeys: new Set(), parents: new Map() };
  }
}

export function readerFailure(error: unknown): Problem {
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'catalog.parse-error',
    message: `LitNotes could not read this catalog (${message}). Please report this with the file.`,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

/**
 * A big file read a chunk at a time, so that its whole text never exists at once (176 MB of UTF-8
 * at 100,000 papers are 341 MB as a string, and the whole file's entries came on top). The caller
 * cuts the file before lines that start an entry (`@type{` or `@type(`); each chunk's text runs on
 * to the end of the next chunk's first `@type{`, and the reader stops at the cut, so every check
 * that looks at the next entry's start sees what a whole read sees. The chunks share what a whole
 * read shares: @string macros, the macro expansion budget, the first entry of each key (duplicates
 * are reported after every chunk's problems, as a whole read reports them) and the line numbers.
 *
 * Inheritance (crossref, xdata) takes a parent from anywhere in the file: one in this chunk or kept
 * already is used as it is; one in an earlier chunk the caller reads again alone (`earlier`, with
 * the macros defined before it); a child whose parent is not read yet waits, its paper held by the
 * caller (`deferred`) until `finish` gives it (then without the parents the file does not have).
 *
 * Whatever a chunk cannot read as the whole file would, `read` answers undefined and the caller
 * reads the file whole: an item read past the cut (a balanced @comment holding entries), an
 * @comment or @preamble not closed before the cut, or a macro expansion cut short by the budget in
 * a file with inheritance (a parent read again would have its own budget).
 */
export class BibtexChunkReader {
  private macros = new Map<string, string>(Object.entries(MONTHS));
  private readonly shared: ChunkShared;
  private readonly problems: Problem[] = [];
  private line = 0;
  /** Papers read so far (their number in the file). */
  private count = 0;
  /** Children waiting for a parent not read yet: their number in the file, entry and place. */
  private readonly waiting: { index: number; entry: RawEntry; range: Range; keyRange: Range }[] = [];
  /** Every key some entry inherits from (lower case). */
  private readonly inheritedKeys = new Set<string>();

  /** `earlier(lower)`: the first entry of an earlier chunk with that lower-case key, read again alone; undefined when there is none. */
  constructor(
    private readonly uri: string,
    earlier: (lowerKey: string) => BibtexParent | undefined,
  ) {
    const kept = new Map<string, BibtexParent | undefined>();
    this.shared = {
      firstKeys: new Map(),
      firstKeyRanges: [],
      duplicates: [],
      budget: MACRO_EXPANSION_MAX,
      parentOf: (lower, local) => {
        if (kept.has(lower)) return kept.get(lower);
        const parent = earlier(lower) ?? local.get(lower);
        if (parent === undefined) return 'unseen';
        kept.set(lower, detachedEntry(parent));
        return kept.get(lower);
      },
      kept,
    };
  }

  /**
   * The entries of `text` that start before `end` (`text` past `end`: the next chunk's first entry
   * head, or nothing for the last chunk). Offsets in the details are into `text`; `entries` are all
   * entries (papers and @xdata) with their lower-case keys, for `earlier`; `deferred`: the papers,
   * by number in the file, that `finish` gives again with what they inherit.
   */
  read(text: string, end: number): ChunkDetails | undefined {
    const reader = new BibtexReader(text, this.uri, { base: { line: this.line, character: 0 }, macros: this.macros, parents: new Map() }, { end, shared: this.shared });
    let details: BibtexDetails;
    try {
      details = reader.readDetailed();
    } catch {
      return undefined; // a bug: the whole read reports it as a whole read would
    }
    if (reader.overran) return undefined;
    const deferred: number[] = [];
    for (const wait of reader.waiting) {
      deferred.push(this.count + wait.index);
      this.waiting.push({ ...wait, index: this.count + wait.index });
    }
    this.count += details.result.papers.length;
    for (const key of details.inheritedKeys) this.inheritedKeys.add(key);
    this.problems.push(...details.result.problems);
    this.macros = reader.definedMacros();
    for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) this.line++;
    const entries = reader.entryList().map((e) => ({ lowerKey: e.key.toLowerCase(), start: e.start, end: e.end }));
    return { papers: details.result.papers, deferred, entries, paperSpans: details.paperSpans, otherSpans: details.otherSpans, macroDefinitions: details.macroDefinitions };
  }

  /**
   * Once every chunk is read: every problem of the file in a whole read's order (the chunks' own,
   * then duplicate keys), the deferred papers by number, and what a whole read keeps for edits
   * (the keys inherited from, and their entries). Undefined: read the file whole (see the top).
   */
  finish(): { problems: Problem[]; deferred: Map<number, Paper>; inheritedKeys: Set<string>; parents: Map<string, BibtexParent> } | undefined {
    const problems = [...this.problems, ...this.shared.duplicates];
    if (this.inheritedKeys.size > 0 && problems.some((p) => p.code === 'catalog.macro-expansion')) return undefined;
    const settled = (lower: string, local: ReadonlyMap<string, RawEntry>) => {
      const parent = this.shared.parentOf(lower, local);
      return parent === 'unseen' ? undefined : parent;
    };
    const none = new Map<string, RawEntry>();
    const deferred = new Map<number, Paper>();
    for (const { index, entry, range, keyRange } of this.waiting) {
      const parents = new Map<string, RawEntry>();
      collectParents(entry, parents, (lower) => settled(lower, none));
      const lines = { range: (from: number) => (from === entry.start ? range : keyRange) };
      deferred.set(index, toPaper(entry, inherit(entry, parents), entry.plain, this.uri, lines));
    }
    const parents = new Map<string, BibtexParent>();
    for (const lower of this.inheritedKeys) {
      const parent = settled(lower, none);
      if (parent) parents.set(lower, parent);
    }
    return { problems, deferred, inheritedKeys: this.inheritedKeys, parents };
  }
}

export interface ChunkDetails extends Omit<BibtexDetails, 'result' | 'inheritedKeys' | 'parents'> {
  papers: Paper[];
  deferred: number[];
  entries: { lowerKey: string; start: number; end: number }[];
}

/** What the chunks of one file share (see BibtexChunkReader). */
interface ChunkShared {
  /** The first entry of each key so far: its number in `firstKeyRanges`, four numbers each (line, character, line, character). */
  firstKeys: Map<string, number>;
  firstKeyRanges: number[];
  duplicates: Problem[];
  /** What macros may still add to the file's values (see BibtexReader.expansionBudget). */
  budget: number;
  /** The parent with this lower-case key: kept, read again from an earlier chunk, this chunk's (`local`), or 'unseen' yet (undefined: none). */
  parentOf(lowerKey: string, local: ReadonlyMap<string, RawEntry>): RawEntry | 'unseen' | undefined;
  kept: Map<string, RawEntry | undefined>;
}

/** An entry whose strings are of their own (not slices of a chunk's text). */
function detachedEntry(entry: RawEntry): RawEntry {
  const fields = new Map<string, string>();
  for (const [name, value] of entry.fields) fields.set(detached(name), detached(value));
  return { ...entry, type: detached(entry.type), key: detached(entry.key), fields, plain: new Set([...entry.plain].map(detached)) };
}

/** The keys `entry` inherits from, as written (crossref and xdata). */
function parentKeys(entry: RawEntry): string[] {
  return [...(entry.fields.get('xdata')?.split(',') ?? []), entry.fields.get('crossref') ?? ''].map((k) => k.trim()).filter(Boolean);
}

/**
 * Every entry `entry` may inherit from, through parents' parents, into `out` by lower-case key;
 * false when one is 'unseen' yet. A superset of what `inherit` walks (it stops cycles and depth itself).
 */
function collectParents(entry: RawEntry, out: Map<string, RawEntry>, parentOf: (lowerKey: string) => RawEntry | 'unseen' | undefined): boolean {
  for (const key of parentKeys(entry)) {
    const lower = key.toLowerCase();
    if (out.has(lower)) continue;
    const parent = parentOf(lower);
    if (parent === 'unseen') return false;
    if (!parent) continue;
    out.set(lower, parent);
    if ((parent.fields.has('crossref') || parent.fields.has('xdata')) && !collectParents(parent, out, parentOf)) return false;
  }
  return true;
}

/** The first entry of `text` read alone with `macros` (a parent read again from disk), or undefined. */
export function readEntryAlone(text: string, uri: string, macros: ReadonlyMap<string, string>): BibtexParent | undefined {
  const reader = new BibtexReader(text, uri, { base: { line: 0, character: 0 }, macros, parents: new Map() });
  try {
    reader.read();
  } catch {
    return undefined;
  }
  return reader.entryList()[0];
}

class BibtexReader {
  private i = 0;
  /** In a chunk: the reader stops at `end` (see BibtexChunkReader); whether an item ran past it. */
  private readonly end: number;
  overran = false;
  private readonly macros: Map<string, string>;
  private readonly entries: RawEntry[] = [];
  private readonly otherSpans: { start: number; end: number }[] = [];
  private readonly macroDefinitions: { at: number; name: string; value: string }[] = [];
  private readonly problems: Problem[] = [];
  private lines: LineIndex | undefined;
  /** Whether the value readValue returned last is display text as it is. */
  private valueIsPlain = false;
  /**
   * Macros that repeat each other (`@string{b = a # a}` thirty times) would grow to gigabytes from
   * a few lines: no value may grow past `valueLimit`, and macros may add at most `expansionBudget`
   * characters to the entries of the file in all.
   */
  private readonly valueLimit: number;
  private expansionBudget: number;
  /** The line around the last `@` looked at between entries: [lineStart, lineEnd). */
  private lineStart = 0;
  private lineEnd = -1;

  constructor(
    private readonly text: string,
    private readonly uri: string,
    private readonly context?: StretchContext,
    private readonly chunk?: { end: number; shared: ChunkShared },
  ) {
    this.macros = new Map<string, string>([...Object.entries(MONTHS), ...(context?.macros ?? [])]);
    // A chunked file is big: 16 times its length is past the maximum (see BibtexChunkReader's caller).
    this.valueLimit = chunk ? MACRO_EXPANSION_MAX : Math.min(MACRO_EXPANSION_FACTOR * text.length + MACRO_EXPANSION_MIN, MACRO_EXPANSION_MAX);
    this.expansionBudget = chunk ? chunk.shared.budget : this.valueLimit;
    this.end = chunk ? chunk.end : text.length;
  }

  /** The macros known after this text (a chunk's, for the next chunk), as strings of their own. */
  definedMacros(): Map<string, string> {
    const macros = new Map<string, string>();
    for (const [name, value] of this.macros) macros.set(detached(name), detached(value));
    return macros;
  }

  private get lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text, this.context?.base));
  }

  readDetailed(): BibtexDetails {
    const result = this.read();
    const paperEntries = this.entries.filter((e) => e.type !== 'xdata');
    const inheritedKeys = new Set<string>();
    for (const entry of this.entries) {
      for (const parent of [...(entry.fields.get('xdata')?.split(',') ?? []), entry.fields.get('crossref') ?? '']) {
        if (parent.trim()) inheritedKeys.add(parent.trim().toLowerCase());
      }
    }
    const parents = new Map<string, RawEntry>();
    for (const entry of this.entries) {
      const lower = entry.key.toLowerCase();
      if (inheritedKeys.has(lower) && !parents.has(lower)) parents.set(lower, entry);
    }
    const otherSpans = [...this.otherSpans, ...this.entries.filter((e) => e.type === 'xdata').map((e) => ({ start: e.start, end: e.end }))];
    // A problem marks text the reader skipped or could not use: no stretch may be read alone across it.
    return {
      result,
      paperSpans: paperEntries.map((e) => ({ start: e.start, end: e.end })),
      otherSpans,
      macroDefinitions: this.macroDefinitions,
      inheritedKeys,
      parents,
    };
  }

  read(): CatalogFileResult {
    const text = this.text;
    while (true) {
      const at = text.indexOf('@', this.i);
      if (at < 0 || at >= this.end) break;
      this.i = at;
      if (this.inCommentLine(at)) {
        // `% @article{...` is a commented-out entry: Zotero, JabRef and biber skip it, so do we.
        const eol = text.indexOf('\n', at);
        this.i = eol < 0 ? text.length : eol + 1;
        continue;
      }
      try {
        this.readItem();
      } catch (error) {
        if (!(error instanceof EntryError)) throw error;
        this.report(error.code, error.message, error.at, error.until);
        this.i = this.nextEntryStart(Math.max(error.at, at) + 1);
        this.otherSpans.push({ start: at, end: this.i });
      }
    }
    if (this.i > this.end) this.overran = true;
    if (this.chunk) this.chunk.shared.budget = this.expansionBudget;
    return { uri: this.uri, papers: this.buildPapers(), problems: this.problems };
  }

  private report(code: string, message: string, from: number, to: number, related?: Problem['related']): void {
    // Some problems cover "the next character", which a truncated file does not have.
    const start = Math.min(from, this.text.length);
    this.problems.push({ code, message, range: this.lineIndex.range(start, Math.min(Math.max(start, to), this.text.length)), ...(related ? { related } : {}) });
  }

  /** The next `@` at the start of a line (after optional indentation): where reading resumes. */
  private nextEntryStart(from: number): number {
    const text = this.text;
    let i = from;
    while (true) {
      const at = text.indexOf('@', i);
      if (at < 0) return text.length;
      let j = at - 1;
      while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
      if (j < 0 || text.charCodeAt(j) === C_NEWLINE || text.charCodeAt(j) === 13) return at;
      i = at + 1;
    }
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.i < text.length && isSpace(text.charCodeAt(this.i))) this.i++;
  }

  /** Skips white space and `%` comment lines (commented-out fields are common in real files). */
  private skipSpaceAndComments(): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (isSpace(c)) this.i++;
      else if (c === C_PERCENT) {
        const eol = text.indexOf('\n', this.i);
        this.i = eol < 0 ? text.length : eol + 1;
      } else break;
    }
  }

  private readIdentifier(): string {
    const text = this.text;
    const start = this.i;
    while (this.i < text.length && isIdentifier(text.charCodeAt(this.i))) this.i++;
    return text.slice(start, this.i);
  }

  private readItem(): void {
    const text = this.text;
    const start = this.i;
    this.i++; // '@'
    this.skipSpace();
    const type = this.readIdentifier().toLowerCase();
    if (!type) {
      const open = text.charCodeAt(this.i);
      // `@{WASSA,` (ACL Anthology exports have hundreds): an entry without its type, which BibTeX and
      // Pandoc cannot read. Elsewhere in a line, `@(` is comment text; `@{` never is.
      if (open === C_LBRACE || (open === C_LPAREN && this.atLineStart(start))) throw this.missingType(start, this.i);
      this.i = start + 1; // a lone '@' outside an entry is comment text
      return;
    }
    this.skipSpace();
    const open = text.charCodeAt(this.i);
    if (type === 'comment') {
      if (open === C_LBRACE || open === C_LPAREN) this.skipGroup(type, open === C_LBRACE ? C_RBRACE : C_RPAREN, start, this.i);
      this.otherSpans.push({ start, end: this.i });
      return;
    }
    if (open !== C_LBRACE && open !== C_LPAREN) {
      // `@` followed by a word but no delimiter: text, as BibTeX reads it (e-mail addresses in comments).
      if (this.atLineStart(start)) throw new EntryError('catalog.parse-error', `'@${type}' is not followed by '{': an entry is written '@${type}{key, field = {value}}'. LitNotes skips it.`, start, this.i);
      return;
    }
    const close = open === C_LBRACE ? C_RBRACE : C_RPAREN;
    if (type === 'preamble') {
      this.skipGroup(type, close, start, this.i);
      this.otherSpans.push({ start, end: this.i });
      return;
    }
    this.i++;
    if (type === 'string') {
      this.readStringMacro(close, start);
      this.otherSpans.push({ start, end: this.i });
      return;
    }
    this.readEntry(type, close, start, this.i);
  }

  /** Whether the line holding `at` starts with `%` (outside any entry). */
  private inCommentLine(at: number): boolean {
    let j = this.lineStartOf(at);
    while (j < at && (this.text.charCodeAt(j) === 32 || this.text.charCodeAt(j) === 9)) j++;
    return this.text.charCodeAt(j) === C_PERCENT;
  }

  /**
   * The start of the line holding `at`, for increasing `at`: remembers the line found last, so a
   * long line with many `@` (e-mail addresses between entries) is not scanned again for each one.
   */
  private lineStartOf(at: number): number {
    if (at < this.lineStart) {
      const newline = this.text.lastIndexOf('\n', at - 1);
      return newline + 1;
    }
    while (this.lineEnd < at) {
      this.lineStart = this.lineEnd + 1;
      const newline = this.text.indexOf('\n', this.lineStart);
      this.lineEnd = newline < 0 ? this.text.length : newline;
    }
    return this.lineStart;
  }

  private atLineStart(at: number): boolean {
    let j = at - 1;
    while (j >= 0 && (this.text.charCodeAt(j) === 32 || this.text.charCodeAt(j) === 9)) j--;
    return j < 0 || this.text.charCodeAt(j) === C_NEWLINE || this.text.charCodeAt(j) === 13;
  }

  /** Skips the balanced body of an @comment or @preamble whose opening delimiter is at `open`. */
  private skipGroup(type: string, close: number, start: number, open: number): void {
    const text = this.text;
    let braces = 0;
    for (let i = open + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === C_LBRACE) braces++;
      else if (c === C_RBRACE && braces > 0) braces--;
      else if (c === close && braces === 0) {
        this.i = i + 1;
        return;
      }
    }
    // A chunk cannot tell whether the rest of the file closes it.
    if (this.end < text.length) this.overran = true;
    throw new EntryError(
      'catalog.parse-error',
      `This @${type} is not closed: its braces do not balance up to the end of the file (an escaped \\{ still counts in BibTeX). LitNotes skips it up to the next line starting with '@'.`,
      start,
      // Its whole first line: what it swallowed may start there (`@comment{ x @article{key,`).
      lineEnd(text, open),
    );
  }

  private readStringMacro(close: number, start: number): void {
    this.skipSpaceAndComments();
    if (this.text.charCodeAt(this.i) === C_AT && this.atLineStart(this.i)) {
      throw new EntryError('catalog.parse-error', `@string is not finished before the next entry: write '@string{name = {value}}'. LitNotes skips it.`, start, this.i);
    }
    const nameStart = this.i;
    const name = this.readIdentifier();
    if (!name) throw new EntryError('catalog.parse-error', `@string needs a name: write '@string{name = {value}}'. LitNotes skips it.`, start, this.i + 1);
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== C_EQUALS) throw new EntryError('catalog.parse-error', `@string '${name}' has no '=' after its name: write '@string{${name} = {value}}'. LitNotes skips it.`, nameStart, this.i + 1);
    this.i++;
    const value = this.readValue('@string', true);
    this.skipSpaceAndComments();
    if (this.text.charCodeAt(this.i) === close) this.i++;
    else throw new EntryError('catalog.parse-error', `@string '${name}' is not closed: add a '${String.fromCharCode(close)}' after its value. LitNotes skips it.`, start, this.i);
    this.macros.set(name.toLowerCase(), value);
    this.macroDefinitions.push({ at: start, name: name.toLowerCase(), value });
  }

  /** The entry whose head `@type{` is [start, headEnd), read from headEnd. */
  private readEntry(type: string, close: number, start: number, headEnd: number): void {
    const text = this.text;
    this.skipSpace();
    const keyStart = this.i;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === C_COMMA || isSpace(c) || c === close || c === C_LBRACE || c === C_RBRACE) break;
      this.i++;
    }
    const keyEnd = this.i;
    const key = text.slice(keyStart, keyEnd);
    this.skipSpace();
    // The head `@type{` is where a problem with the key shows; `title = {` or `title={` is a field written where the key should be.
    if (!key) throw new EntryError('catalog.missing-key', `Entry '@${type}' has no citation key: write '@${type}{key, ...}'. The entry is skipped.`, start, headEnd);
    if (text.charCodeAt(this.i) === C_EQUALS || FIELD_AS_KEY.test(key)) {
      const field = /^[^=]*/.exec(key)![0];
      throw new EntryError('catalog.missing-key', `Entry '@${type}' has no citation key: '${field}' after the '${text[headEnd - 1]}' is its first field. Write '@${type}{key, ${field} = ...}'. The entry is skipped.`, start, headEnd);
    }
    const bad = uncitableBibtexKeyCharacter(key);
    if (bad !== undefined) throw new EntryError('catalog.uncitable-key', uncitableKeyMessage(type, key, bad), start, keyEnd);
    const fields = new Map<string, string>();
    const plain = new Set<string>();
    while (true) {
      this.skipSpaceAndComments();
      const c = text.charCodeAt(this.i);
      if (this.i >= text.length) throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: add a '${String.fromCharCode(close)}' at its end. The entry is skipped.`, start, text.length);
      if (c === close) {
        this.i++;
        break;
      }
      if (c === C_COMMA) {
        this.i++;
        continue;
      }
      if (c === C_AT && this.atLineStart(this.i)) {
        throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: add a '${String.fromCharCode(close)}' before the next entry. The entry is skipped.`, start, this.i);
      }
      const nameStart = this.i;
      const name = this.readIdentifier().toLowerCase();
      if (!name) throw new EntryError('catalog.parse-error', `Entry '${key}': unexpected '${text[this.i]}' where a field name should be; fields are written 'name = {value}' and separated by commas. The entry is skipped.`, this.i, this.i + 1);
      this.skipSpace();
      if (text.charCodeAt(this.i) !== C_EQUALS) {
        throw new EntryError('catalog.parse-error', `Entry '${key}': field '${name}' has no '=' after its name; write '${name} = {...}'. The entry is skipped.`, nameStart, this.i);
      }
      this.i++;
      const value = this.readValue(key);
      const earlier = fields.get(name);
      if (earlier !== undefined) {
        // ScienceDirect exports write one `keywords` field per keyword: all of them count.
        if (LIST_FIELDS.has(name)) {
          fields.set(name, `${earlier};${value}`);
          if (!this.valueIsPlain) plain.delete(name);
        }
        // Any other field written twice: BibTeX and biber keep the first and ignore the other.
        continue;
      }
      fields.set(name, value);
      if (this.valueIsPlain) plain.add(name);
    }
    this.entries.push({ type, key, fields, plain, start, end: this.i, keyStart, keyEnd });
  }

  /** `@{key,` or `@ (`: the problem, with the key (if any) in its message and range. */
  private missingType(start: number, open: number): EntryError {
    const text = this.text;
    let keyStart = open + 1;
    while (keyStart < text.length && isSpace(text.charCodeAt(keyStart))) keyStart++;
    let keyEnd = keyStart;
    while (keyEnd < text.length && isKeyCode(text.charCodeAt(keyEnd))) keyEnd++;
    const key = text.slice(keyStart, keyEnd);
    if (!key || text.charCodeAt(keyEnd) === C_EQUALS) {
      return new EntryError('catalog.missing-type', `This entry has no type and no key: an entry is written '@type{key, field = {value}}', e.g. '@article{smith2020, ...}'. The entry is skipped.`, start, open + 1);
    }
    return new EntryError('catalog.missing-type', `Entry '${key}' has no type: write it after the '@', e.g. '@article{${key},' or '@inproceedings{${key},'. The entry is skipped.`, start, keyEnd);
  }

  /** A field value: parts joined by `#` — braced, quoted, a number or a macro name. */
  private readValue(key: string, isMacro = false): string {
    const text = this.text;
    const valueStart = this.i;
    let value = '';
    let parts = 0;
    while (true) {
      parts++;
      this.skipSpace();
      const c = text.charCodeAt(this.i);
      if (c === C_AT && this.atLineStart(this.i)) {
        // `url =` and then the next entry: the value was lost; the next entry still reads.
        throw new EntryError('catalog.parse-error', `${isMacro ? '@string' : `Entry '${key}'`}: a value is missing before the next entry; write it after the '='. ${isMacro ? 'LitNotes skips it.' : 'The entry is skipped.'}`, valueStart - 1, this.i);
      }
      if (c === C_LBRACE) value += this.readDelimited(C_RBRACE, key);
      // readDelimited sets valueIsPlain for the part it read.
      else if (c === C_QUOTE) value += this.readDelimited(C_QUOTE, key);
      else {
        const partStart = this.i;
        const word = this.readIdentifier();
        if (!word) throw new EntryError('catalog.parse-error', `Entry '${key}': a field has no value after '='; write the value in braces, in quotes, as a number or as a @string name. The entry is skipped.`, partStart, partStart + 1);
        if (/^\d+$/.test(word)) {
          value += word;
          this.valueIsPlain = true;
        } else {
          this.valueIsPlain = false;
          const macro = this.macros.get(word.toLowerCase());
          if (macro === undefined) {
            this.report('catalog.undefined-macro', `Entry '${key}': '${word}' is not a defined @string macro; define it with @string{${word} = {...}} or put the value in braces.`, partStart, this.i);
            value += word;
          } else if (value.length + macro.length > this.valueLimit || (!isMacro && macro.length > this.expansionBudget)) {
            this.report('catalog.macro-expansion', `${isMacro ? '@string' : `Entry '${key}'`}: expanding @string '${word}' here would make this catalog's values far larger than the file (macros that repeat each other); LitNotes leaves it unexpanded.`, partStart, this.i);
            value += word;
          } else {
            // Within @string definitions V8 shares the parts of concatenated strings; entries' values are decoded, so they count.
            if (!isMacro) this.expansionBudget -= macro.length;
            value += macro;
          }
        }
      }
      this.skipSpace();
      if (text.charCodeAt(this.i) !== C_HASH) {
        // Only a single part is known plain; a concatenation is checked when it is decoded.
        if (parts > 1) this.valueIsPlain = false;
        return value;
      }
      this.i++;
    }
  }

  /**
   * A `{...}` or `"..."` value without its delimiters. Braces nest; a line starting with `@type{`
   * inside an unclosed value means the entry lost its closing brace: report it there.
   */
  private readDelimited(close: number, key: string): string {
    const text = this.text;
    const n = text.length;
    const start = this.i + 1;
    let depth = 0;
    // Whether the value is display text as it is (see latex.ts): found here, in the pass that finds
    // the value's end, and by `hasDoubledMark` on the value, so most values are never decoded.
    let plain = !isBlankCode(text.charCodeAt(start));
    // The characters the loop below must look at are found by a regular expression (native, several
    // times faster than looking at each one here: values are most of the file); every character it
    // skips is one the loop would pass over. Once the value is known not to be plain, only
    // delimiters and line breaks matter.
    for (let from = start; from < n; ) {
      const next = plain ? NEXT_IN_PLAIN_VALUE : NEXT_DELIMITER;
      next.lastIndex = from;
      if (!next.test(text)) break;
      const i = next.lastIndex - 1;
      from = i + 1;
      const c = text.charCodeAt(i);
      if (c === C_LBRACE) {
        depth++;
        plain = false;
        continue;
      }
      if (c === C_RBRACE) {
        if (depth === 0) {
          this.i = i + 1;
          if (close === C_RBRACE) return this.finishValue(plain, start, i);
          // From the opening quote: when a lost quote made the value run on, that is where the damage is.
          throw new EntryError('catalog.parse-error', `Entry '${key}': the quoted value that starts here runs to a '}' without its '{' (line ${this.lineIndex.position(i).line + 1}); close the quote or balance the braces. The entry is skipped.`, start - 1, i + 1);
        }
        depth--;
        continue;
      }
      if (c === C_QUOTE) {
        if (close === C_QUOTE && depth === 0) {
          this.i = i + 1;
          return this.finishValue(plain, start, i);
        }
        continue;
      }
      if (c === C_NEWLINE && close === C_QUOTE && depth === 0 && startsField(text, i + 1)) {
        // `author = "` on a line of its own inside a quoted value: the quote that ended the value was lost.
        throw new EntryError('catalog.parse-error', `Entry '${key}': the quoted value that starts here runs on into the field on line ${this.lineIndex.position(i + 1).line + 1}; close the quote. The entry is skipped.`, start - 1, i);
      }
      if (c === C_NEWLINE && text.charCodeAt(i + 1) === C_AT && startsEntry(text, i + 1)) {
        throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: the value that starts here has no closing '${close === C_QUOTE ? '"' : '}'}' before the next entry; add it. The entry is skipped.`, start - 1, i);
      }
      plain = false; // a backslash, `$`, `~` or a blank other than a space
    }
    throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: the value that starts here has no closing '${close === C_QUOTE ? '"' : '}'}' before the end of the file; add it. The entry is skipped.`, start - 1, n);
  }

  /** The value [start, end) as read; whether it is display text as it is goes to `valueIsPlain`. */
  private finishValue(plain: boolean, start: number, end: number): string {
    const value = this.text.slice(start, end);
    this.valueIsPlain = plain && !isBlankCode(this.text.charCodeAt(end - 1)) && !hasDoubledMark(value);
    return value;
  }

  private buildPapers(): Paper[] {
    if (this.chunk) return this.buildChunkPapers(this.chunk.shared);
    const byKey = new Map<string, RawEntry>();
    for (const entry of this.entries) {
      const first = byKey.get(entry.key);
      if (first) {
        this.report('catalog.duplicate-key', `Duplicate key '${entry.key}': an entry on line ${this.lineIndex.position(first.keyStart).line + 1} of this file has the same key; rename one of them.`, entry.keyStart, entry.keyEnd, [
          { location: { uri: this.uri, range: this.lineIndex.range(first.keyStart, first.keyEnd) }, message: `First definition of '${entry.key}'` },
        ]);
      } else byKey.set(entry.key, entry);
    }
    // BibTeX compares crossref keys without case.
    const byLowerKey = new Map<string, RawEntry>();
    for (const entry of byKey.values()) if (!byLowerKey.has(entry.key.toLowerCase())) byLowerKey.set(entry.key.toLowerCase(), entry);
    // A stretch read alone inherits from entries elsewhere in the file.
    for (const [lower, parent] of this.context?.parents ?? []) if (!byLowerKey.has(lower)) byLowerKey.set(lower, parent);
    const papers: Paper[] = [];
    for (const entry of this.entries) {
      // BibLaTeX @xdata entries only hold fields for others to inherit: they cannot be cited.
      if (entry.type === 'xdata') continue;
      const fields = entry.fields.has('crossref') || entry.fields.has('xdata') ? inherit(entry, byLowerKey) : entry.fields;
      papers.push(toPaper(entry, fields, entry.plain, this.uri, this.lineIndex));
    }
    return papers;
  }

  /** A chunk's papers, with duplicates of earlier chunks' keys and parents from anywhere (see BibtexChunkReader). */
  private buildChunkPapers(shared: ChunkShared): Paper[] {
    const papers: Paper[] = [];
    const ranges = shared.firstKeyRanges;
    const local = new Map<string, RawEntry>();
    for (const entry of this.entries) {
      // Kept for the whole file (and by the caller): a string of its own, not a slice of the chunk.
      entry.key = detached(entry.key);
      const lower = entry.key.toLowerCase();
      if (!local.has(lower)) local.set(lower, entry);
    }
    for (const entry of this.entries) {
      const first = shared.firstKeys.get(entry.key);
      const range = this.lineIndex.range(entry.keyStart, entry.keyEnd);
      if (first === undefined) {
        shared.firstKeys.set(entry.key, ranges.length);
        ranges.push(range.start.line, range.start.character, range.end.line, range.end.character);
      } else {
        const firstRange = { start: { line: ranges[first], character: ranges[first + 1] }, end: { line: ranges[first + 2], character: ranges[first + 3] } };
        shared.duplicates.push({
          code: 'catalog.duplicate-key',
          message: `Duplicate key '${entry.key}': an entry on line ${firstRange.start.line + 1} of this file has the same key; rename one of them.`,
          range,
          related: [{ location: { uri: this.uri, range: firstRange }, message: `First definition of '${entry.key}'` }],
        });
      }
    }
    for (const entry of this.entries) {
      if (entry.type === 'xdata') continue;
      if (!entry.fields.has('crossref') && !entry.fields.has('xdata')) {
        papers.push(toPaper(entry, entry.fields, entry.plain, this.uri, this.lineIndex));
        continue;
      }
      const parents = new Map<string, RawEntry>();
      if (collectParents(entry, parents, (lower) => shared.parentOf(lower, local))) {
        papers.push(toPaper(entry, inherit(entry, parents), entry.plain, this.uri, this.lineIndex));
        continue;
      }
      // A parent later in the file: the paper is made again at the end (this one holds its place).
      const waiting = detachedEntry(entry);
      this.waiting.push({ index: papers.length, entry: waiting, range: this.lineIndex.range(entry.start, entry.end), keyRange: this.lineIndex.range(entry.keyStart, entry.keyEnd) });
      papers.push(toPaper(entry, entry.fields, entry.plain, this.uri, this.lineIndex));
    }
    return papers;
  }

  /** Children of this chunk waiting for a parent later in the file (see BibtexChunkReader). */
  readonly waiting: { index: number; entry: RawEntry; range: Range; keyRange: Range }[] = [];

  entryList(): readonly RawEntry[] {
    return this.entries;
  }
}

/** Macro expansion may add at most 16 times the file's length (plus 1M characters, at most 64M in all). */
const MACRO_EXPANSION_FACTOR = 16;
const MACRO_EXPANSION_MIN = 1 << 20;
const MACRO_EXPANSION_MAX = 1 << 26;

const MAX_INHERITANCE_DEPTH = 32;

/** Fields that hold lists: written twice, their values add up. */
const LIST_FIELDS = new Set(['keywords', 'groups', 'tags']);

/** A parent of these types lends its title as the child's booktitle (biber's inheritance rules). */
const CONTAINER_TYPES = new Set(['proceedings', 'mvproceedings', 'book', 'mvbook', 'collection', 'mvcollection', 'reference', 'mvreference']);
/** A child of these types is a part of its parent: the parent's title is the booktitle, whatever the parent's type. */
const CONTAINED_TYPES = new Set(['inproceedings', 'conference', 'incollection', 'inbook', 'bookinbook', 'suppbook', 'suppcollection', 'inreference']);

/** crossref/xdata inheritance: the child's own fields win; a parent's title becomes the booktitle. */
function inherit(entry: RawEntry, byLowerKey: Map<string, RawEntry>, seen = new Set<string>()): Map<string, string> {
  seen.add(entry.key);
  // Cycles stop at a key already seen; absurdly long chains stop here instead of exhausting the stack.
  if (seen.size > MAX_INHERITANCE_DEPTH) return entry.fields;
  const fields = new Map(entry.fields);
  const parents = [...(entry.fields.get('xdata')?.split(',') ?? []), entry.fields.get('crossref') ?? ''].map((k) => k.trim()).filter(Boolean);
  for (const parentKey of parents) {
    const parent = byLowerKey.get(parentKey.toLowerCase());
    if (!parent || seen.has(parent.key)) continue;
    const parentFields = parent.fields.has('crossref') || parent.fields.has('xdata') ? inherit(parent, byLowerKey, seen) : parent.fields;
    for (const [name, value] of parentFields) {
      if (name === 'crossref' || name === 'xdata' || name === 'ids') continue;
      if (name === 'title' && (CONTAINER_TYPES.has(parent.type) || CONTAINED_TYPES.has(entry.type))) {
        if (!fields.has('booktitle')) fields.set('booktitle', value);
        continue;
      }
      if (!fields.has(name)) fields.set(name, value);
    }
  }
  return fields;
}

function toPaper(entry: RawEntry, fields: Map<string, string>, plain: ReadonlySet<string>, uri: string, lines: Pick<LineIndex, 'range'>): Paper {
  const get = (name: string): string | undefined => {
    const raw = fields.get(name);
    if (raw === undefined) return undefined;
    const value = plain.has(name) ? raw : latexToUnicode(raw);
    return value || undefined;
  };
  const date = get('date');
  const yearField = get('year');
  const year = yearField ? (/\d{4}/.exec(yearField)?.[0] ?? yearField) : date ? /\d{4}/.exec(date)?.[0] : undefined;
  const month = get('month');
  const monthNumber = month ? (MONTH_NUMBERS[month.toLowerCase().replace(/\.$/, '')] ?? (/^(?:0?[1-9]|1[0-2])$/.test(month) ? month.padStart(2, '0') : undefined)) : undefined;
  const url = get('url');
  const doi = normalizeDoi(get('doi'));
  const eprint = get('eprint')?.replace(/^arxiv:\s*/i, '');
  const archive = (get('archiveprefix') ?? get('eprinttype') ?? '').toLowerCase();
  const arxiv = (eprint && (archive === 'arxiv' || /^\d{4}\.\d{4,5}(v\d+)?$/.test(eprint)) ? eprint : undefined) ?? arxivFromUrl(url) ?? arxivFromDoi(doi);
  const pages = get('pages');
  // Optional fields are only set when present: `delete` would turn 100,000 papers into slow dictionaries.
  const paper: Paper = {
    key: entry.key,
    type: entry.type,
    authors: fields.has('author') ? parseNames(fields.get('author')!) : [],
    keywords: splitKeywords([get('keywords'), get('groups'), get('tags')]),
    files: fields.has('file') ? splitFileField(fields.get('file')!) : [],
    source: { uri, range: lines.range(entry.start, entry.end), keyRange: lines.range(entry.keyStart, entry.keyEnd) },
  };
  setDefined(paper, 'title', get('title'));
  if (fields.has('editor')) paper.editors = parseNames(fields.get('editor')!);
  setDefined(paper, 'year', year);
  setDefined(paper, 'date', date ?? (year && monthNumber ? `${year}-${monthNumber}` : undefined));
  setDefined(paper, 'venue', get('journal') ?? get('journaltitle') ?? get('booktitle') ?? get('eventtitle'));
  setDefined(paper, 'publisher', get('publisher') ?? get('institution') ?? get('school') ?? get('organization'));
  setDefined(paper, 'volume', get('volume'));
  setDefined(paper, 'issue', get('number') ?? get('issue'));
  // A page range reads with an en dash whether it was written `1--10`, `1-10` or `1 - 10`.
  setDefined(paper, 'pages', pages?.replace(/(\d)\s*[-–]\s*(\d)/g, '$1–$2'));
  setDefined(paper, 'abstract', get('abstract'));
  setDefined(paper, 'doi', doi);
  setDefined(paper, 'url', url);
  setDefined(paper, 'arxiv', arxiv);
  setDefined(paper, 'note', get('note') ?? get('annote'));
  return paper;
}

function setDefined<K extends keyof Paper>(paper: Paper, name: K, value: Paper[K] | undefined): void {
  if (value !== undefined) paper[name] = value;
}


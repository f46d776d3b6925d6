/**
 * The BibTeX / BibLaTeX reader: one hand-written pass over the text (the catalogs we must read
 * reach 100,000 entries and 180 MB, where a generic parser is 100× slower than this).
 *
 * It reads files as they are written: `@string` macros and `#` concatenation, month macros,
 * `@comment`/`@preamble`, text between entries (a comment in BibTeX), `%` comment lines between
 * fields, `{}` and `()` entry delimiters, quoted and braced values with nested braces, bare numbers,
 * `crossref`/`xdata` inheritance. A broken entry becomes a Problem at its place and reading goes on
 * at the next line that starts with `@`: one damaged entry never costs the others.
 */
import type { Problem, Range } from '../core/types';
import type { CatalogFileResult } from './catalogFile';
import { latexToUnicode } from './latex';
import { parseNames } from './names';
import type { Paper } from './paper';
import { arxivFromDoi, arxivFromUrl, normalizeDoi, splitKeywords } from './identifiers';

const MONTHS: Record<string, string> = {
  jan: 'January', feb: 'February', mar: 'March', apr: 'April', may: 'May', jun: 'June',
  jul: 'July', aug: 'August', sep: 'September', oct: 'October', nov: 'November', dec: 'December',
};
const MONTH_NUMBERS: Record<string, string> = {
  january: '01', february: '02', march: '03', april: '04', may: '05', june: '06', july: '07', august: '08',
  september: '09', october: '10', november: '11', december: '12',
};

/** One entry as written: raw field values (macros expanded, outer delimiters removed). */
interface RawEntry {
  type: string;
  key: string;
  fields: Map<string, string>;
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
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

/** Maps offsets to LSP positions with one line table built once per file. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low] };
  }
  range(from: number, to: number): Range {
    return { start: this.position(from), end: this.position(to) };
  }
}

export function parseBibtex(text: string, uri: string): CatalogFileResult {
  return new BibtexReader(text, uri).read();
}

class BibtexReader {
  private i = 0;
  private readonly macros = new Map<string, string>(Object.entries(MONTHS));
  private readonly entries: RawEntry[] = [];
  private readonly problems: Problem[] = [];
  private lines: LineIndex | undefined;

  constructor(
    private readonly text: string,
    private readonly uri: string,
  ) {}

  private get lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }

  read(): CatalogFileResult {
    const text = this.text;
    while (true) {
      const at = text.indexOf('@', this.i);
      if (at < 0) break;
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
      }
    }
    return { uri: this.uri, papers: this.buildPapers(), problems: this.problems };
  }

  private report(code: string, message: string, from: number, to: number, related?: Problem['related']): void {
    this.problems.push({ code, message, range: this.lineIndex.range(from, Math.max(from, to)), ...(related ? { related } : {}) });
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
      this.i = start + 1; // a lone '@' outside an entry is comment text
      return;
    }
    this.skipSpace();
    const open = text.charCodeAt(this.i);
    if (type === 'comment') {
      if (open === C_LBRACE || open === C_LPAREN) this.skipGroup(open === C_LBRACE ? C_RBRACE : C_RPAREN, start);
      return;
    }
    if (open !== C_LBRACE && open !== C_LPAREN) {
      // `@` followed by a word but no delimiter: text, as BibTeX reads it (e-mail addresses in comments).
      if (this.atLineStart(start)) throw new EntryError('catalog.parse-error', `Entry '@${type}' has no '{' after its type: write '@${type}{key, ...}'.`, start, this.i);
      return;
    }
    const close = open === C_LBRACE ? C_RBRACE : C_RPAREN;
    this.i++;
    if (type === 'preamble') {
      this.skipGroup(close, start, 1);
      return;
    }
    if (type === 'string') {
      this.readStringMacro(close, start);
      return;
    }
    this.readEntry(type, close, start);
  }

  /** Whether the line holding `at` starts with `%` (outside any entry). */
  private inCommentLine(at: number): boolean {
    let j = at - 1;
    while (j >= 0 && this.text.charCodeAt(j) !== C_NEWLINE) j--;
    j++;
    while (j < at && (this.text.charCodeAt(j) === 32 || this.text.charCodeAt(j) === 9)) j++;
    return this.text.charCodeAt(j) === C_PERCENT;
  }

  private atLineStart(at: number): boolean {
    let j = at - 1;
    while (j >= 0 && (this.text.charCodeAt(j) === 32 || this.text.charCodeAt(j) === 9)) j--;
    return j < 0 || this.text.charCodeAt(j) === C_NEWLINE || this.text.charCodeAt(j) === 13;
  }

  /** Skips a balanced group whose opening delimiter was already read (`depth` 1) or is at `i`. */
  private skipGroup(close: number, start: number, depth = 0): void {
    const text = this.text;
    if (depth === 0) {
      this.i++;
      depth = 1;
    }
    let braces = 0;
    for (; this.i < text.length; this.i++) {
      const c = text.charCodeAt(this.i);
      if (c === C_LBRACE) braces++;
      else if (c === C_RBRACE && braces > 0) braces--;
      else if (c === close && braces === 0) {
        this.i++;
        return;
      }
    }
    throw new EntryError('catalog.parse-error', 'This @comment/@preamble is not closed.', start, text.length);
  }

  private readStringMacro(close: number, start: number): void {
    this.skipSpaceAndComments();
    const nameStart = this.i;
    const name = this.readIdentifier();
    if (!name) throw new EntryError('catalog.parse-error', `@string needs a name: write '@string{name = {value}}'.`, start, this.i + 1);
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== C_EQUALS) throw new EntryError('catalog.parse-error', `@string '${name}' has no '=' after its name.`, nameStart, this.i + 1);
    this.i++;
    const value = this.readValue('@string');
    this.skipSpaceAndComments();
    if (this.text.charCodeAt(this.i) === close) this.i++;
    else throw new EntryError('catalog.parse-error', `@string '${name}' is not closed.`, start, this.i);
    this.macros.set(name.toLowerCase(), value);
  }

  private readEntry(type: string, close: number, start: number): void {
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
    if (!key || text.charCodeAt(this.i) === C_EQUALS) {
      throw new EntryError('catalog.missing-key', `Entry '@${type}' has no citation key: write '@${type}{key, ...}'. The entry is skipped.`, start, this.i);
    }
    const fields = new Map<string, string>();
    while (true) {
      this.skipSpaceAndComments();
      const c = text.charCodeAt(this.i);
      if (this.i >= text.length) throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: a '${String.fromCharCode(close)}' is missing at the end of the file.`, start, text.length);
      if (c === close) {
        this.i++;
        break;
      }
      if (c === C_COMMA) {
        this.i++;
        continue;
      }
      if (c === C_AT && this.atLineStart(this.i)) {
        throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: a '${String.fromCharCode(close)}' is missing before the next entry.`, start, this.i);
      }
      const nameStart = this.i;
      const name = this.readIdentifier().toLowerCase();
      if (!name) throw new EntryError('catalog.parse-error', `Entry '${key}': unexpected '${text[this.i]}' where a field name should be.`, this.i, this.i + 1);
      this.skipSpace();
      if (text.charCodeAt(this.i) !== C_EQUALS) {
        throw new EntryError('catalog.parse-error', `Entry '${key}': field '${name}' has no '=' after its name.`, nameStart, this.i);
      }
      this.i++;
      fields.set(name, this.readValue(key));
    }
    this.entries.push({ type, key, fields, start, end: this.i, keyStart, keyEnd });
  }

  /** A field value: parts joined by `#` — braced, quoted, a number or a macro name. */
  private readValue(key: string): string {
    const text = this.text;
    let value = '';
    while (true) {
      this.skipSpace();
      const c = text.charCodeAt(this.i);
      if (c === C_LBRACE) value += this.readDelimited(C_RBRACE, key);
      else if (c === C_QUOTE) value += this.readDelimited(C_QUOTE, key);
      else {
        const partStart = this.i;
        const word = this.readIdentifier();
        if (!word) throw new EntryError('catalog.parse-error', `Entry '${key}': a field has no value after '='.`, partStart, partStart + 1);
        if (/^\d+$/.test(word)) value += word;
        else {
          const macro = this.macros.get(word.toLowerCase());
          if (macro === undefined) {
            this.report('catalog.undefined-macro', `Entry '${key}': '${word}' is not a defined @string macro; define it with @string{${word} = {...}} or put the value in braces.`, partStart, this.i);
            value += word;
          } else value += macro;
        }
      }
      this.skipSpace();
      if (text.charCodeAt(this.i) !== C_HASH) return value;
      this.i++;
    }
  }

  /**
   * A `{...}` or `"..."` value without its delimiters. Braces nest; a line starting with `@type{`
   * inside an unclosed value means the entry lost its closing brace: report it there.
   */
  private readDelimited(close: number, key: string): string {
    const text = this.text;
    const start = ++this.i;
    let depth = 0;
    for (; this.i < text.length; this.i++) {
      const c = text.charCodeAt(this.i);
      if (c === C_LBRACE) depth++;
      else if (c === C_RBRACE) {
        if (depth === 0) {
          if (close === C_RBRACE) return text.slice(start, this.i++);
          throw new EntryError('catalog.parse-error', `Entry '${key}': unbalanced '}' in a quoted value.`, this.i, this.i + 1);
        }
        depth--;
      } else if (c === C_QUOTE && close === C_QUOTE && depth === 0) {
        return text.slice(start, this.i++);
      } else if (c === C_NEWLINE && text.charCodeAt(this.i + 1) === C_AT && /^@[A-Za-z]+\s*[{(]/.test(text.slice(this.i + 1, this.i + 40))) {
        throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: a value opened here has no closing '${close === C_QUOTE ? '"' : '}'}' before the next entry.`, start - 1, this.i);
      }
    }
    throw new EntryError('catalog.parse-error', `Entry '${key}' is not closed: a value opened here has no closing '${close === C_QUOTE ? '"' : '}'}'.`, start - 1, text.length);
  }

  private buildPapers(): Paper[] {
    const byKey = new Map<string, RawEntry>();
    for (const entry of this.entries) {
      const first = byKey.get(entry.key);
      if (first) {
        this.report('catalog.duplicate-key', `Duplicate key '${entry.key}': another entry in this file has the same key; citations use the first one.`, entry.keyStart, entry.keyEnd, [
          { location: { uri: this.uri, range: this.lineIndex.range(first.keyStart, first.keyEnd) }, message: `First definition of '${entry.key}'` },
        ]);
      } else byKey.set(entry.key, entry);
    }
    // BibTeX compares crossref keys without case.
    const byLowerKey = new Map<string, RawEntry>();
    for (const entry of byKey.values()) if (!byLowerKey.has(entry.key.toLowerCase())) byLowerKey.set(entry.key.toLowerCase(), entry);
    const papers: Paper[] = [];
    for (const entry of this.entries) {
      const fields = entry.fields.has('crossref') || entry.fields.has('xdata') ? inherit(entry, byLowerKey) : entry.fields;
      papers.push(toPaper(entry, fields, this.uri, this.lineIndex));
    }
    return papers;
  }
}

/** crossref/xdata inheritance: the child's own fields win; a parent's title becomes the booktitle. */
function inherit(entry: RawEntry, byLowerKey: Map<string, RawEntry>, seen = new Set<string>()): Map<string, string> {
  seen.add(entry.key);
  const fields = new Map(entry.fields);
  const parents = [...(entry.fields.get('xdata')?.split(',') ?? []), entry.fields.get('crossref') ?? ''].map((k) => k.trim()).filter(Boolean);
  for (const parentKey of parents) {
    const parent = byLowerKey.get(parentKey.toLowerCase());
    if (!parent || seen.has(parent.key)) continue;
    const parentFields = parent.fields.has('crossref') || parent.fields.has('xdata') ? inherit(parent, byLowerKey, seen) : parent.fields;
    for (const [name, value] of parentFields) {
      if (name === 'crossref' || name === 'xdata' || name === 'ids') continue;
      if (name === 'title' && (parent.type === 'proceedings' || parent.type === 'book' || parent.type === 'collection' || parent.type === 'mvbook')) {
        if (!fields.has('booktitle')) fields.set('booktitle', value);
        continue;
      }
      if (!fields.has(name)) fields.set(name, value);
    }
  }
  return fields;
}

function toPaper(entry: RawEntry, fields: Map<string, string>, uri: string, lines: LineIndex): Paper {
  const get = (name: string): string | undefined => {
    const raw = fields.get(name);
    if (raw === undefined) return undefined;
    const value = latexToUnicode(raw);
    return value || undefined;
  };
  const date = get('date');
  const yearField = get('year');
  const year = yearField ? (/\d{4}/.exec(yearField)?.[0] ?? yearField) : date ? /\d{4}/.exec(date)?.[0] : undefined;
  const month = get('month');
  const monthNumber = month ? (MONTH_NUMBERS[month.toLowerCase()] ?? (/^\d{1,2}$/.test(month) ? month.padStart(2, '0') : undefined)) : undefined;
  const url = get('url');
  const doi = normalizeDoi(get('doi'));
  const eprint = get('eprint');
  const archive = (get('archiveprefix') ?? get('eprinttype') ?? '').toLowerCase();
  const arxiv = (eprint && (archive === 'arxiv' || /^\d{4}\.\d{4,5}(v\d+)?$/.test(eprint)) ? eprint : undefined) ?? arxivFromUrl(url) ?? arxivFromDoi(doi);
  const paper: Paper = {
    key: entry.key,
    type: entry.type,
    title: get('title'),
    authors: fields.has('author') ? parseNames(fields.get('author')!) : [],
    year,
    date: date ?? (year && monthNumber ? `${year}-${monthNumber}` : undefined),
    venue: get('journal') ?? get('journaltitle') ?? get('booktitle') ?? get('eventtitle'),
    publisher: get('publisher') ?? get('institution') ?? get('school') ?? get('organization'),
    volume: get('volume'),
    issue: get('number') ?? get('issue'),
    pages: get('pages'),
    abstract: get('abstract'),
    doi,
    url,
    arxiv,
    keywords: splitKeywords([get('keywords'), get('groups'), get('tags')]),
    files: fields.has('file') ? splitFiles(fields.get('file')!) : [],
    note: get('note') ?? get('annote'),
    source: { uri, range: lines.range(entry.start, entry.end), keyRange: lines.range(entry.keyStart, entry.keyEnd) },
  };
  if (fields.has('editor')) paper.editors = parseNames(fields.get('editor')!);
  for (const name of Object.keys(paper) as (keyof Paper)[]) if (paper[name] === undefined) delete paper[name];
  return paper;
}

/** Zotero/JabRef `file` fields: `description:path:type;...` (with `\:` and `\;` escapes). */
function splitFiles(raw: string): string[] {
  return raw
    .split(/(?<!\\);/)
    .map((part) => {
      const pieces = part.split(/(?<!\\):/);
      const path = pieces.length >= 3 ? pieces.slice(1, -1).join(':') : pieces.length === 2 ? pieces[0] || pieces[1] : pieces[0];
      return path.replace(/\\([:;\\])/g, '$1').trim();
    })
    .filter(Boolean);
}

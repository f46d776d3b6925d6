/**
 * Where citations cannot be, found once and used by everything that looks for citations (as
 * vscode-markdown-languageservice's `noLinkRanges.ts` does for links). Two levels:
 *
 * - blocks, from markdown-it's block tokens: front matter, fenced code (``` and ~~~; an unclosed
 *   fence runs to the end, as CommonMark says), indented code, verbatim HTML blocks (comments,
 *   `<pre>`, `<script>`, `<style>`, `<textarea>`) and link reference definitions. What remains is
 *   a list of *segments*: the inline text of paragraphs, headings, table rows, footnotes and other
 *   HTML blocks. Pandoc reads Markdown inside `<div>` and friends, so their text is a segment too;
 *   only the tags are skipped.
 * - inline, from a hand-written left-to-right scanner over each segment: code spans (backtick runs
 *   of equal length), inline HTML tags and comments, autolinks `<https://…>`, `<a@b.org>`, bare
 *   URLs (`https://x.org/@user`), link destinations `[text](url)`, TeX math `$…$`, raw LaTeX
 *   commands `\cmd{…}` and backslash escapes (`\@`, `\[`).
 *
 * Everything is linear in the text length: searches for closing delimiters remember where they
 * failed, so a line of a million unmatched backticks costs no more than one pass.
 */
import MarkdownIt, { type StateBlock } from 'markdown-it';
import type { Position } from '../core/types';
import { frontMatterBlock } from './frontMatter';

/** Half-open range of UTF-16 offsets into the note text. */
export interface OffsetRange {
  start: number;
  end: number;
}

/** The block structure of a note, as far as citations care. */
export interface NoteLayout {
  /** Start offset of every line; line breaks are `\r\n`, `\r` or `\n`, as in LSP. */
  lineStarts: number[];
  /** Inline text where citations may be, in document order, not overlapping. */
  segments: OffsetRange[];
  /** Whole blocks without citations, in document order. */
  excludedBlocks: OffsetRange[];
}

// Only the block rules run: inline parsing is ours, since markdown-it's inline tokens carry no offsets.
const markdown = new MarkdownIt('default', { html: true });
markdown.core.ruler.enableOnly(['normalize', 'block']);

/**
 * HTML blocks whose content Pandoc keeps verbatim (the CommonMark HTML block kinds 1 to 5): how
 * each opens, and what closes it (markdown-it's end conditions).
 */
const VERBATIM_HTML_BLOCKS: readonly { open: RegExp; close: RegExp }[] = [
  { open: /^<(?:script|pre|style|textarea)(?=[\s>]|$)/i, close: /<\/(?:script|pre|style|textarea)>/i },
  { open: /^<!--/, close: /-->/ },
  { open: /^<\?/, close: /\?>/ },
  { open: /^<![A-Za-z]/, close: />/ },
  { open: /^<!\[CDATA\[/, close: /\]\]>/ },
];
installPandocHtmlBlocks(markdown);
installPandocInterruptions(markdown);
/**
 * A paragraph starting a footnote (`[^1]: …`) or a definition (`:   …`): Pandoc reads the
 * indented paragraphs after it as more of it, where CommonMark sees indented code.
 */
const CONTINUED_BY_INDENTED_TEXT = /^[ \t]{0,3}(?:\[\^[^\]\s]+\]:|[:~](?:[ \t]|$))/;

export function noteLayout(text: string): NoteLayout {
  const lineStarts = lineStartsOf(text);
  const lineOffset = (line: number) => (line < lineStarts.length ? lineStarts[line] : text.length);
  const lines = (map: [number, number]): OffsetRange => ({ start: lineOffset(map[0]), end: lineOffset(map[1]) });
  const segments: OffsetRange[] = [];
  const excludedBlocks: OffsetRange[] = [];

  // markdown-it does not know front matter: it sees the lines blank, so the YAML cannot open a
  // fence or a list that swallows the note, and the line numbers stay the same.
  let blockText = text;
  const frontMatter = frontMatterBlock(text);
  if (frontMatter) {
    const bodyLine = frontMatter.lineCount;
    blockText = '\n'.repeat(bodyLine) + text.slice(lineOffset(bodyLine));
    excludedBlocks.push({ start: 0, end: frontMatter.end });
  }

  let continuedByIndentedText = false;
  for (const token of markdown.parse(blockText, {})) {
    const map = token.map as [number, number] | null;
    if (!map) continue;
    switch (token.type) {
      case 'paragraph_open':
        // Any line: CommonMark reads `Term` and `:   Definition` as one paragraph.
        continuedByIndentedText = false;
        for (let line = map[0]; line < map[1] && !continuedByIndentedText; line++) {
          continuedByIndentedText = CONTINUED_BY_INDENTED_TEXT.test(lineText(text, lineStarts, line));
        }
        break;
      case 'inline':
      case 'tr_open':
        segments.push(lines(map));
        break;
      case 'code_block':
        (continuedByIndentedText ? segments : excludedBlocks).push(lines(map));
        break;
      case 'html_block': {
        const block = lines(map);
        const verbatimEnd = verbatimHtmlEnd(text, block);
        if (verbatimEnd < 0) {
          segments.push(block);
        } else {
          // Pandoc reads what follows the closing `-->` or `</pre>` on its line as Markdown.
          excludedBlocks.push({ start: block.start, end: verbatimEnd });
          if (verbatimEnd < block.end) segments.push({ start: verbatimEnd, end: block.end });
        }
        continuedByIndentedText = false;
        break;
      }
      case 'reference_definition': {
        // Pandoc reads `[^1]: text` as a footnote and `[@key]: …` as a citation, not as a definition.
        const label = typeof token.meta?.label === 'string' ? token.meta.label : '';
        const isText = label.startsWith('^') || label.includes('@');
        (isText ? segments : excludedBlocks).push(lines(map));
        continuedByIndentedText = label.startsWith('^');
        break;
      }
      case 'fence':
        excludedBlocks.push(lines(map));
        continuedByIndentedText = false;
        break;
      case 'heading_open':
      case 'hr':
      case 'table_open':
        continuedByIndentedText = false;
        break;
    }
  }
  segments.sort((a, b) => a.start - b.start);
  excludedBlocks.sort((a, b) => a.start - b.start);
  return { lineStarts, segments, excludedBlocks };
}

/**
 * Pandoc keeps a comment, `<pre>`, `<script>`, `<?…?>` or `<!…>` block verbatim only when it is
 * closed; an unclosed one is Markdown text (markdown-it, as CommonMark, runs it to the end of the
 * note). markdown-it's own rule still does the work; this refuses its verbatim blocks that do not
 * close.
 */
function installPandocHtmlBlocks(md: typeof markdown): void {
  wrapBlockRule(md, 'html_block', (htmlBlock) => (state, startLine, endLine, silent) => {
    const start = state.bMarks[startLine] + state.tShift[startLine];
    const kind = VERBATIM_HTML_BLOCKS.find((k) => k.open.test(state.src.slice(start, Math.min(start + 12, state.eMarks[startLine]))));
    if (kind && !closesLater(state, kind.close, start)) return false;
    const tokenCount = state.tokens.length;
    if (!htmlBlock(state, startLine, endLine, silent)) return false;
    if (silent || !kind) return true;
    // Closed later in the note, but not inside this block (its list item or quote ended first).
    const token = state.tokens[tokenCount];
    if (kind.close.test(token.content.slice(token.content.search(kind.open) + 2))) return true;
    state.tokens.length = tokenCount;
    state.line = startLine;
    return false;
  });
}

type BlockRule = (state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean;

/** Replaces markdown-it's block rule `name` (reached through its internal `__rules__`) by `wrap(original)`. */
function wrapBlockRule(md: typeof markdown, name: string, wrap: (original: BlockRule) => BlockRule): void {
  const original = md.block.ruler.__rules__.find((rule) => rule.name === name);
  if (!original) throw new Error(`markdown-it has no ${name} rule`);
  md.block.ruler.at(name, wrap(original.fn), { alt: original.alt });
}

/**
 * Pandoc needs a blank line before most blocks where CommonMark does not: `text` then `# h`,
 * `> q`, `- item` or a `~~~` fence on the next line is more of the paragraph (and a lazy line of a
 * quote); a ``` fence does interrupt it (Pandoc 2.17, as the oracle test runs it). A line outdented
 * from its list item still ends the item, and a sublist may start right after a list item's text.
 * markdown-it asks a rule whether a line interrupts the block before it by calling it `silent`.
 */
function installPandocInterruptions(md: typeof markdown): void {
  const sameLevel = (state: StateBlock, line: number) => state.sCount[line] >= state.blkIndent;
  const refuseInterrupting =
    (refuse: (state: StateBlock, line: number) => boolean) =>
    (original: BlockRule): BlockRule =>
    (state, startLine, endLine, silent) =>
      silent && sameLevel(state, startLine) && refuse(state, startLine) ? false : original(state, startLine, endLine, silent);
  wrapBlockRule(md, 'heading', refuseInterrupting(() => true));
  wrapBlockRule(md, 'blockquote', refuseInterrupting(() => true));
  // Inside a list item (`blkIndent > 0`) a sublist may follow the item's text directly.
  wrapBlockRule(md, 'list', refuseInterrupting((state) => state.blkIndent === 0));
  wrapBlockRule(
    md,
    'fence',
    refuseInterrupting((state, line) => state.src.charCodeAt(state.bMarks[line] + state.tShift[line]) === 0x7e /* ~ */),
  );
}

/** Whether `close` matches after `from` somewhere in the note (one search per delimiter and parse, so linear). */
function closesLater(state: StateBlock, close: RegExp, from: number): boolean {
  const env = state.env as { lastClose?: Map<RegExp, number> };
  env.lastClose ??= new Map();
  let last = env.lastClose.get(close);
  if (last === undefined) {
    last = -1;
    const all = new RegExp(close.source, close.flags + 'g');
    for (let match = all.exec(state.src); match; match = all.exec(state.src)) last = match.index;
    env.lastClose.set(close, last);
  }
  return last > from + 1;
}

/**
 * Where the verbatim part of an HTML block ends (after its closing delimiter), or -1 when the
 * block is not verbatim (`<div>` and other blocks whose content Pandoc reads as Markdown).
 */
function verbatimHtmlEnd(text: string, block: OffsetRange): number {
  const content = text.slice(block.start, block.end);
  const open = /<[!?A-Za-z]/.exec(content);
  if (!open) return -1;
  const kind = VERBATIM_HTML_BLOCKS.find((k) => k.open.test(content.slice(open.index, open.index + 12)));
  if (!kind) return -1;
  const afterOpen = open.index + 2;
  const close = kind.close.exec(content.slice(afterOpen));
  if (!close) return block.end;
  const end = afterOpen + close.index + close[0].length;
  return content.slice(end).trim() === '' ? block.end : block.start + end;
}

/** All the ranges where citations cannot be: excluded blocks and the inline ranges of every segment, sorted. */
export function noCitationRanges(text: string): OffsetRange[] {
  const layout = noteLayout(text);
  const ranges = [...layout.excludedBlocks];
  for (const segment of layout.segments) inlineNoCitationRanges(text, segment, ranges);
  return ranges.sort((a, b) => a.start - b.start);
}

/**
 * Whether a citation may start at `offset`, given the note's layout: outside excluded blocks and
 * outside the inline ranges of the one segment holding it (segments are scanned independently, so
 * this agrees with `noCitationRanges` and costs one segment, not the note).
 */
export function isCitationPossibleAt(text: string, layout: NoteLayout, offset: number): boolean {
  if (isInRanges(layout.excludedBlocks, offset)) return false;
  const segments = layout.segments;
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (segments[middle].end <= offset) low = middle + 1;
    else if (segments[middle].start > offset) high = middle - 1;
    else return !isInRanges(inlineNoCitationRanges(text, segments[middle]), offset);
  }
  return true;
}

/** Whether `offset` is inside one of the sorted, disjoint `ranges`. */
export function isInRanges(ranges: readonly OffsetRange[], offset: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (ranges[middle].end <= offset) low = middle + 1;
    else if (ranges[middle].start > offset) high = middle - 1;
    else return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The inline scanner

const BACKSLASH = 0x5c;
const BACKTICK = 0x60;
const LESS_THAN = 0x3c;
const DOLLAR = 0x24;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const CARET = 0x5e;

/**
 * Appends to `out` the inline ranges of `segment` where citations cannot be, in order.
 * Pandoc parses inlines left to right, so whichever construct starts first wins, as here.
 */
export function inlineNoCitationRanges(text: string, segment: OffsetRange, out: OffsetRange[] = []): OffsetRange[] {
  const scanner = new InlineScanner(text, segment.start, segment.end);
  const end = segment.end;
  let bracketDepth = 0;
  let i = segment.start;
  while (i < end) {
    const c = text.charCodeAt(i);
    let rangeEnd = -1;
    switch (c) {
      case BACKSLASH:
        rangeEnd = isAsciiLetter(text.charCodeAt(i + 1)) ? scanner.latexCommandEnd(i) : isAsciiPunctuation(text.charCodeAt(i + 1)) && i + 1 < end ? i + 2 : -1;
        break;
      case BACKTICK: {
        // Pandoc, unlike CommonMark, gives up one backtick of an unmatched run and tries the
        // rest: in ``@x` the code span is `@x`. The rest of the run is literal when nothing closes it.
        const run = runLength(text, i, end, BACKTICK);
        let k = 0;
        while (k < run && (rangeEnd = scanner.codeSpanEnd(i + k, run - k)) < 0) k += 1;
        if (rangeEnd < 0) {
          i += run;
          continue;
        }
        i += k;
        break;
      }
      case LESS_THAN:
        rangeEnd = scanner.angleEnd(i);
        break;
      case DOLLAR:
        rangeEnd = scanner.mathEnd(i);
        if (rangeEnd < 0 && text.charCodeAt(i + 1) === DOLLAR) {
          i += 2;
          continue;
        }
        break;
      case OPEN_BRACKET:
        if (text.charCodeAt(i + 1) === CARET) rangeEnd = scanner.noteReferenceEnd(i);
        if (rangeEnd < 0) bracketDepth += 1;
        break;
      case CLOSE_BRACKET:
        if (bracketDepth > 0) {
          bracketDepth -= 1;
          if (text.charCodeAt(i + 1) === OPEN_PAREN) {
            const destinationEnd = scanner.linkDestinationEnd(i + 1);
            if (destinationEnd > 0) {
              out.push({ start: i + 1, end: destinationEnd });
              i = destinationEnd;
              continue;
            }
          }
        }
        break;
      default:
        if (isAsciiLetter(c) && (i === segment.start || !isAlphanumericBefore(text, i))) rangeEnd = scanner.bareUrlEnd(i);
    }
    if (rangeEnd > i) {
      out.push({ start: i, end: rangeEnd });
      i = rangeEnd;
    } else {
      i += 1;
    }
  }
  return out;
}

/** Schemes that make a bare word a URL (Pandoc's `autolink_bare_uris` knows these and many more). */
const URL_SCHEMES = new Set([
  'http', 'https', 'ftp', 'ftps', 'sftp', 'file', 'mailto', 'doi', 'urn', 'tel', 'news', 'nntp', 'irc', 'ircs',
  'git', 'ssh', 'svn', 'data', 'ldap', 'telnet', 'gopher', 'magnet', 'xmpp', 'sip', 'sips', 'geo', 'ws', 'wss',
  'zotero', 'obsidian', 'vscode', 'about', 'isbn', 'arxiv',
]);
const HTML_OPEN_TAG = /<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>/y;
const HTML_CLOSE_TAG = /<\/[A-Za-z][A-Za-z0-9-]*\s*>/y;
const URI_AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>/y;
const EMAIL_AUTOLINK = /<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>/y;

/** The searches of one segment, with what they learnt, so no stretch of text is searched twice for nothing. */
class InlineScanner {
  /** Run length → start of the last backtick run of that length, computed at the first backtick. */
  private lastBacktickRun: Map<number, number> | undefined;
  /** Where the last search for a note reference's `]` stopped, and whether it found one. */
  private noteSearchEnd = -1;
  private noteSearchClosed = false;
  /** Delimiter (`-->`, `?>`, `>`, `]]>`, `$$`) → offset from which it does not occur in the segment. */
  private readonly notFoundFrom = new Map<string, number>();
  /** Offset of each `(` → offset of its `)`, computed on the first link destination. */
  private parenMatch: Map<number, number> | undefined;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /**
   * End of the code span opened by `run` backticks at `i` (ending a run of backticks), or -1. It
   * closes at the next run of exactly that length; whether there is one is known in constant time
   * (the start of the last run of each length), so trying every suffix of a long run stays linear.
   */
  codeSpanEnd(i: number, run: number): number {
    const text = this.text;
    this.lastBacktickRun ??= this.backtickRuns();
    if ((this.lastBacktickRun.get(run) ?? -1) <= i) return -1;
    let from = i + run;
    while (from < this.end) {
      const next = text.indexOf('`', from);
      if (next < 0 || next >= this.end) break;
      const length = runLength(text, next, this.end, BACKTICK);
      if (length === run) return next + run;
      from = next + length;
    }
    return -1;
  }

  /** Run length → start of the segment's last backtick run of that length. */
  private backtickRuns(): Map<number, number> {
    const last = new Map<number, number>();
    for (let j = this.text.indexOf('`', this.start); j >= 0 && j < this.end; j = this.text.indexOf('`', j)) {
      const length = runLength(this.text, j, this.end, BACKTICK);
      last.set(length, j);
      j += length;
    }
    return last;
  }

  /**
   * A note reference `[^label]` (label without blanks) from the `[` at `i`: its end, or -1. Pandoc
   * reads it so even when no note has that label, so `[^@key]` is not a citation.
   */
  noteReferenceEnd(i: number): number {
    // Every `[^` in a run without blanks ends at the same `]` or blank: search once.
    if (i >= this.noteSearchEnd) {
      let j = i + 2;
      while (j < this.end && !isBlank(this.text.charCodeAt(j)) && this.text.charCodeAt(j) !== CLOSE_BRACKET) j += 1;
      this.noteSearchEnd = j;
      this.noteSearchClosed = j < this.end && this.text.charCodeAt(j) === CLOSE_BRACKET;
    }
    return this.noteSearchClosed && this.noteSearchEnd > i + 2 ? this.noteSearchEnd + 1 : -1;
  }

  /** `<` starts a comment, an autolink, an HTML tag or nothing; the end of what it starts, or -1. */
  angleEnd(i: number): number {
    const text = this.text;
    const next = text.charCodeAt(i + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) return this.endAfter('-->', i + 4);
      if (text.startsWith('<![CDATA[', i)) return this.endAfter(']]>', i + 9);
      if (isAsciiLetter(text.charCodeAt(i + 2))) return this.endAfter('>', i + 2);
      return -1;
    }
    if (next === 0x3f /* ? */) return this.endAfter('?>', i + 2);
    for (const pattern of next === 0x2f /* / */ ? [HTML_CLOSE_TAG] : [URI_AUTOLINK, EMAIL_AUTOLINK, HTML_OPEN_TAG]) {
      pattern.lastIndex = i;
      const match = pattern.exec(text);
      if (match && pattern.lastIndex <= this.end) return pattern.lastIndex;
    }
    return -1;
  }

  /**
   * TeX math as Pandoc's `tex_math_dollars`: `$$…$$`, or `$…$` where the opening `$` is followed
   * by a non-space, the closing one preceded by a non-space and not followed by a digit (`$5`).
   */
  mathEnd(i: number): number {
    const text = this.text;
    if (text.charCodeAt(i + 1) === DOLLAR) {
      const close = this.endAfter('$$', i + 2);
      return close > i + 4 ? close : -1;
    }
    const first = text.charCodeAt(i + 1);
    if (i + 1 >= this.end || isSpace(first)) return -1;
    for (let j = i + 1; j < this.end; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j += 1;
      else if (c === DOLLAR) {
        if (isSpace(text.charCodeAt(j - 1)) || isDigit(text.charCodeAt(j + 1))) return -1;
        return j + 1;
      }
    }
    return -1;
  }

  /**
   * Raw LaTeX as Pandoc's `raw_tex`: `\name` (letters and `@`), then the `[…]` and `{…}` arguments
   * right after it; `\begin{env}` runs to its `\end{env}`.
   */
  latexCommandEnd(i: number): number {
    const text = this.text;
    let j = i + 1;
    while (j < this.end && (isAsciiLetter(text.charCodeAt(j)) || text.charCodeAt(j) === 0x40)) j += 1;
    if (text.charCodeAt(j) === 0x2a /* * */) j += 1;
    if (text.startsWith('begin{', i + 1)) {
      // An environment name is short: bounding the search keeps a run of `\begin{` linear.
      const nameEnd = text.slice(i + 7, Math.min(this.end, i + 71)).indexOf('}') + i + 7;
      if (nameEnd > i + 7) {
        const environmentEnd = this.endAfter(`\\end{${text.slice(i + 7, nameEnd)}}`, nameEnd + 1);
        if (environmentEnd > 0) return environmentEnd;
      }
    }
    while (j < this.end) {
      const open = text.charCodeAt(j);
      const close = open === 0x7b /* { */ ? 0x7d : open === OPEN_BRACKET ? CLOSE_BRACKET : -1;
      if (close < 0) break;
      const groupEnd = this.balancedEnd(j, open, close);
      if (groupEnd < 0) break;
      j = groupEnd;
    }
    return j;
  }

  /**
   * The destination and title of an inline link, from its `(` to its `)`: `<…>` or a run with
   * balanced parentheses, then an optional quoted title. -1 when it is not one.
   */
  linkDestinationEnd(open: number): number {
    const text = this.text;
    const close = this.matchingParen(open);
    if (close < 0) return -1;
    let j = open + 1;
    while (j < close && isSpace(text.charCodeAt(j))) j += 1;
    if (text.charCodeAt(j) === LESS_THAN) {
      const angle = text.indexOf('>', j);
      if (angle < 0 || angle > close) return -1;
      j = angle + 1;
    } else {
      let depth = 0;
      for (; j < close; j++) {
        const c = text.charCodeAt(j);
        if (c === BACKSLASH) j += 1;
        else if (c === OPEN_PAREN) depth += 1;
        else if (c === CLOSE_PAREN) depth -= 1;
        else if (isSpace(c) && depth === 0) break;
      }
    }
    while (j < close && isSpace(text.charCodeAt(j))) j += 1;
    const quote = text.charCodeAt(j);
    if (quote === 0x22 || quote === 0x27) {
      // The title runs to the last quote before the `)`.
      let last = close - 1;
      while (last > j && isSpace(text.charCodeAt(last))) last -= 1;
      if (last === j || text.charCodeAt(last) !== quote) return -1;
      j = close;
    }
    return j === close ? close + 1 : -1;
  }

  /**
   * A bare URL from `i` (a word start), as Pandoc's `uri` parser reads it: a known scheme, `:`,
   * then word characters, balanced `(…)`, `[…]`, `{…}` chunks and punctuation followed by a word
   * character (so a sentence's final `.` or `)` is not part of it). -1 when there is none.
   */
  bareUrlEnd(i: number): number {
    const text = this.text;
    let j = i;
    while (j < this.end && j - i <= 32 && isSchemeChar(text.charCodeAt(j))) j += 1;
    if (text.charCodeAt(j) !== 0x3a /* : */ || !URL_SCHEMES.has(text.slice(i, j).toLowerCase())) return -1;
    const bodyStart = j + 1;
    const afterColon = text.charCodeAt(bodyStart);
    if (afterColon === 0x2a || afterColon === 0x5f || afterColon === CLOSE_BRACKET) return -1;
    let k = bodyStart;
    while (k < this.end) {
      if (isUriWordCharAt(text, k)) {
        k += 1;
        continue;
      }
      const c = text.charCodeAt(k);
      const closer = c === OPEN_PAREN ? CLOSE_PAREN : c === OPEN_BRACKET ? CLOSE_BRACKET : c === 0x7b ? 0x7d : -1;
      if (closer > 0) {
        let m = k + 1;
        while (m < this.end && isUriWordCharAt(text, m)) m += 1;
        if (m > k + 1 && text.charCodeAt(m) === closer) {
          k = m + 1;
          continue;
        }
      }
      if (c === 0x2c /* , */) {
        const commas = runLength(text, k, this.end, 0x2c);
        if (k + commas < this.end && isUriWordCharAt(text, k + commas)) {
          k += commas;
          continue;
        }
        break;
      }
      if (isSpace(c) || c === LESS_THAN || c === 0x3e) break;
      if (k + 1 < this.end && isUriWordCharAt(text, k + 1)) {
        k += 1;
        continue;
      }
      break;
    }
    return k > bodyStart ? k : -1;
  }

  /** Offset after the first `delimiter` at or after `from` in the segment, or -1 (remembered). */
  private endAfter(delimiter: string, from: number): number {
    if ((this.notFoundFrom.get(delimiter) ?? Infinity) <= from) return -1;
    const found = this.text.indexOf(delimiter, from);
    if (found >= 0 && found + delimiter.length <= this.end) return found + delimiter.length;
    this.notFoundFrom.set(delimiter, from);
    return -1;
  }

  /** End of the balanced group opened at `i` (nested groups allowed), or -1 (bounded by the next blank of the segment). */
  private balancedEnd(i: number, open: number, close: number): number {
    const text = this.text;
    let depth = 0;
    // A LaTeX argument is short: the bound keeps a run of unclosed `\a{\a{\a{` linear.
    const limit = Math.min(this.end, i + 1000);
    for (let j = i; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j += 1;
      else if (c === open) depth += 1;
      else if (c === close && --depth === 0) return j + 1;
    }
    return -1;
  }

  private matchingParen(open: number): number {
    if (!this.parenMatch) {
      const match = new Map<number, number>();
      const stack: number[] = [];
      for (let j = this.start; j < this.end; j++) {
        const c = this.text.charCodeAt(j);
        if (c === BACKSLASH) j += 1;
        else if (c === OPEN_PAREN) stack.push(j);
        else if (c === CLOSE_PAREN && stack.length > 0) match.set(stack.pop()!, j);
      }
      this.parenMatch = match;
    }
    return this.parenMatch.get(open) ?? -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Characters and lines

const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;

/** Haskell's `isAlphaNum` (what Pandoc uses): a Unicode letter or number, for the code point at `i`. */
export function isAlphanumericAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return isDigit(c) || isAsciiLetter(c);
  if (c >= 0xdc00 && c <= 0xdfff) return false; // the second half of a pair is read with the first
  const codePoint = text.codePointAt(i);
  return codePoint !== undefined && LETTER_OR_NUMBER.test(String.fromCodePoint(codePoint));
}

/** Whether the code point that ends just before `i` is a letter or number. */
export function isAlphanumericBefore(text: string, i: number): boolean {
  if (i <= 0) return false;
  const c = text.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return isAlphanumericAt(text, i - 2);
  }
  return isAlphanumericAt(text, i - 1);
}

/** The length in UTF-16 units of the code point at `i` (2 for a surrogate pair). */
export function codePointLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 1;
}

function isUriWordCharAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  // # $ % & + - / = @ \ _ (Pandoc's `isWordChar` in its `uri` parser)
  if (c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 || c === 0x2b || c === 0x2d || c === 0x2f || c === 0x3d || c === 0x40 || c === BACKSLASH || c === 0x5f) return true;
  return isAlphanumericAt(text, i) || (c >= 0xdc00 && c <= 0xdfff && isAlphanumericBefore(text, i + 1));
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

function isSchemeChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/** Pandoc's `isBlank`: space, tab or line break. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}

function runLength(text: string, i: number, end: number, c: number): number {
  let j = i;
  while (j < end && text.charCodeAt(j) === c) j += 1;
  return j - i;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Start offset of every line; line breaks are `\r\n`, `\r` or `\n`, as in LSP and markdown-it. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  LINE_BREAK.lastIndex = 0;
  for (let match = LINE_BREAK.exec(text); match; match = LINE_BREAK.exec(text)) starts.push(match.index + match[0].length);
  return starts;
}

export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low, character: offset - lineStarts[low] };
}

/** The offset of `position`, clamped to its line (a character past the end means the line's end). */
export function offsetAt(text: string, lineStarts: readonly number[], position: Position): number {
  if (position.line < 0) return 0;
  if (position.line >= lineStarts.length) return text.length;
  const start = lineStarts[position.line];
  const next = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;
  let lineEnd = next;
  if (position.line + 1 < lineStarts.length) lineEnd -= text.startsWith('\r\n', next - 2) ? 2 : 1;
  return Math.min(start + Math.max(0, position.character), lineEnd);
}

function lineText(text: string, lineStarts: readonly number[], line: number): string {
  const start = line < lineStarts.length ? lineStarts[line] : text.length;
  const end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
  return text.slice(start, end);
}

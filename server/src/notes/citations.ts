/**
 * Every Pandoc citation of a Markdown note, in document order, with the ranges rename, hover and
 * diagnostics need. Pandoc is the reference (`Text.Pandoc.Readers.Markdown`, `citeKey`); the
 * oracle test runs pandoc on test/fixtures/notes/ and compares.
 *
 * - A key starts with a letter, digit, `_` (or `*`, Pandoc's wildcard) and goes on with letters,
 *   digits, `_`, and single punctuation characters `:.#$%&-+?<>~/` followed by a letter, digit or
 *   `_` (also `:` or `/` before a `/`, for URL keys), so `@doe:2020.` is the key `doe:2020`.
 * - `@{…}` takes anything without whitespace, with balanced braces; the braces are not part of the key.
 * - The `@` (or the `-` of `-@`) must not follow a word: `a@b.org` is an e-mail address. Pandoc
 *   tracks this as "right after a string", so it also holds after a `.` that is not part of `...`,
 *   but not after a citation (`@a@b` is two), code, math or an escape.
 * - `[prefix @key, locator; -@key2]` is a group when it reads as Pandoc's list of citations (each
 *   item has a key; `;` only after a key, separating items) and is not a link (`](`, `][`), an
 *   image `![…]`, an inline note `^[…]` or a note reference `[^label]`. Keys inside brackets that are not a group are author-in-text citations.
 * - Example list labels (`(@good)`, `@good.` starting a list item) and references to them are not citations.
 * Code, HTML, URLs, link destinations, math and front matter are skipped (see noCitationRanges.ts).
 *
 * Linear time: one pass per segment, each bracket's own content examined once.
 */
import type { Range } from '../core/types';
import type { Citation } from './citation';
import {
  codePointLength,
  inlineNoCitationRanges,
  isAlphanumericAt,
  isAlphanumericBefore,
  isSpace,
  noteLayout,
  type NoteLayout,
  positionAt,
  type OffsetRange,
} from './noCitationRanges';

/** A citation found in a segment, in offsets. */
interface Found {
  key: string;
  /** The `@`, or the `-` of `-@`. */
  start: number;
  keyStart: number;
  keyEnd: number;
  /** After the key, or after the `}` of a braced key. */
  end: number;
  suppressAuthor: boolean;
  group?: OffsetRange;
  /** The next citation of the same bracket's member list. */
  next?: Found;
}

interface MemberList {
  head: Found | undefined;
  tail: Found | undefined;
}

/** What a key reads as from its `@`. */
export interface KeyAt {
  key: string;
  keyStart: number;
  keyEnd: number;
  end: number;
}

/** An open `[` and what was seen at its top level, to decide at its `]` whether it is a group. */
interface Bracket {
  open: number;
  /** `^[…]` is an inline note, never a group. */
  inlineNote: boolean;
  /** `![…]` is an image, never a group. */
  image: boolean;
  /** Right after a `]`: see `close`. */
  afterCloseBracket: boolean;
  /**
   * Pandoc's `citeList` reads items `prefix @key suffix` separated by `;`. `inSuffix`: a key was
   * read and no `;` since, so a `;` now separates items and a `]` closes a good list.
   */
  inSuffix: boolean;
  /** A `;` in a prefix (`[see; @a]`, `[@a; see; @b]`): Pandoc then reads no list. */
  broken: boolean;
  /**
   * The citations inside, top-level and in nested brackets that were not groups themselves, as a
   * linked list so handing them to the enclosing bracket costs nothing however deep the nesting.
   */
  members: MemberList;
}

const AT = 0x40;
const DASH = 0x2d;
const DOT = 0x2e;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SEMICOLON = 0x3b;
const UNDERSCORE = 0x5f;
const CARET = 0x5e;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Punctuation that may sit inside a key when a letter, digit or `_` follows. */
const INTERNAL_PUNCTUATION = new Set(':.#$%&-+?<>~/'.split('').map((c) => c.charCodeAt(0)));
/**
 * `(@label)`, `@label)` or `@label.` starting a list item: an example list item (Pandoc's
 * `example_lists`), possibly inside a list item or a quote. The label is not a citation.
 */
const EXAMPLE_MARKER = /[ \t]{0,3}(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])[ \t]+)*(?:\(@([\p{L}\p{N}_-]*)\)|@([\p{L}\p{N}_-]*)[.)])(?=[ \t\r\n]|$)/uy;

/** `layout`: the note's block layout when the caller has it (the note index keeps it per version). */
export function findCitations(text: string, layout: NoteLayout = noteLayout(text)): Citation[] {
  const found: Found[] = [];
  const exampleLabels = new Set<string>();
  for (const segment of layout.segments) new SegmentScanner(text, segment, found, exampleLabels).scan();

  const citations: Citation[] = [];
  const range = (start: number, end: number): Range => ({ start: positionAt(layout.lineStarts, start), end: positionAt(layout.lineStarts, end) });
  for (const f of found) {
    if (exampleLabels.has(f.key)) continue;
    const citation: Citation = { key: f.key, keyRange: range(f.keyStart, f.keyEnd), range: range(f.start, f.end), suppressAuthor: f.suppressAuthor };
    if (f.group) citation.groupRange = range(f.group.start, f.group.end);
    citations.push(citation);
  }
  return citations;
}

class SegmentScanner {
  private readonly opaque: OffsetRange[];
  private readonly brackets: Bracket[] = [];
  /** Offset where the last skipped range or citation ended: no "string" precedes what follows. */
  private lastNonStringEnd = -1;
  private readonly braces: BraceMatcher;

  constructor(
    private readonly text: string,
    private readonly segment: OffsetRange,
    private readonly found: Found[],
    private readonly exampleLabels: Set<string>,
  ) {
    this.opaque = inlineNoCitationRanges(text, segment);
    this.braces = new BraceMatcher(text, segment.end);
  }

  scan(): void {
    const { text, opaque } = this;
    const end = this.segment.end;
    let next = 0;
    let i = this.segment.start;
    let exampleLine = true;
    let lineStart = true;
    while (i < end) {
      while (next < opaque.length && opaque[next].end <= i) next += 1;
      if (next < opaque.length && opaque[next].start === i) {
        i = opaque[next].end;
        this.lastNonStringEnd = i;
        continue;
      }
      if (lineStart) {
        lineStart = false;
        const marker: number = exampleLine ? this.exampleMarkerEnd(i) : -1;
        exampleLine = marker > 0;
        if (marker > 0) {
          i = marker;
          continue;
        }
      }
      const c = text.charCodeAt(i);
      if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
        lineStart = true;
      } else if (c === OPEN_BRACKET) {
        // `\^[` is an escaped caret (skipped just before), not an inline note; the same for `\![`.
        const before = i > this.segment.start && this.lastNonStringEnd !== i ? text.charCodeAt(i - 1) : -1;
        this.brackets.push({
          open: i,
          inlineNote: before === CARET,
          image: before === 0x21 /* ! */,
          afterCloseBracket: before === CLOSE_BRACKET,
          inSuffix: false,
          broken: false,
          members: { head: undefined, tail: undefined },
        });
      } else if (c === CLOSE_BRACKET) {
        const bracket = this.brackets.pop();
        if (bracket) this.close(bracket, i);
      } else if (c === SEMICOLON) {
        const top = this.brackets[this.brackets.length - 1];
        if (top) {
          if (!top.inSuffix) top.broken = true;
          top.inSuffix = false;
        }
      } else if (c === AT || (c === DASH && text.charCodeAt(i + 1) === AT)) {
        const citation = this.citationAt(i);
        if (citation) {
          this.found.push(citation);
          const top = this.brackets[this.brackets.length - 1];
          if (top) {
            top.inSuffix = true;
            append(top.members, citation);
          }
          i = citation.end;
          // A key wins over what the inline scan saw starting inside it (`@a<b>c` is one key, not a tag).
          while (next < opaque.length && opaque[next].start < i) next += 1;
          this.lastNonStringEnd = i;
          continue;
        }
        if (c === AT) {
          // Pandoc's `exampleRef` then reads `@label` as text that is not a "string", so in
          // `x@r@s` (an e-mail-like word) `@s` is a citation while `@r` is not.
          const labelEnd = exampleLabelEnd(text, i + 1, end);
          if (labelEnd > i + 1) {
            i = labelEnd;
            while (next < opaque.length && opaque[next].start < i) next += 1;
            this.lastNonStringEnd = i;
            continue;
          }
        }
      }
      i += 1;
    }
    // Brackets still open at the end of the paragraph are text: no group for what they hold.
    this.brackets.length = 0;
  }

  /** The citation starting at `i` (an `@`, or the `-` of `-@`), if Pandoc reads one there. */
  private citationAt(i: number): Found | undefined {
    const text = this.text;
    let at = i;
    let suppressAuthor = false;
    if (text.charCodeAt(i) === DASH) {
      // `--@a` is a dash and a citation, `x-@a` a word, a hyphen and a citation: only a lone `-` suppresses.
      if (i > this.segment.start && text.charCodeAt(i - 1) === DASH && this.lastNonStringEnd !== i) return undefined;
      if (this.afterString(i)) return undefined;
      at = i + 1;
      suppressAuthor = true;
    } else if (this.afterString(i)) {
      return undefined;
    }
    const key = readKey(text, at, this.segment.end, this.braces);
    if (!key) return undefined;
    return { key: key.key, start: i, keyStart: key.keyStart, keyEnd: key.keyEnd, end: key.end, suppressAuthor };
  }

  /** Pandoc's `notAfterString`: whether the text just before `i` is a word Pandoc has read as a string. */
  private afterString(i: number): boolean {
    if (i <= this.segment.start || i === this.lastNonStringEnd) return false;
    if (isAlphanumericBefore(this.text, i)) return true;
    if (this.text.charCodeAt(i - 1) !== DOT) return false;
    // A `.` belongs to a string unless it ends an ellipsis `...` (which Pandoc reads as one symbol).
    let dots = 0;
    while (i - dots - 1 >= this.segment.start && this.text.charCodeAt(i - dots - 1) === DOT && i - dots !== this.lastNonStringEnd) dots += 1;
    return dots % 3 !== 0;
  }

  /** At `]`: a group when Pandoc would read a list of citations, else its citations go to the enclosing bracket. */
  private close(bracket: Bracket, close: number): void {
    const after = this.text.charCodeAt(close + 1);
    // `[…](` and `[…][` read as links, never as groups, whatever follows, except `[x][@a](`
    // (Pandoc read `[x][@a]` as a reference link first, and then no longer checks the `(`).
    const isLink = (after === 0x28 /* ( */ && !bracket.afterCloseBracket) || after === OPEN_BRACKET;
    if (!bracket.inlineNote && !bracket.image && !isLink && !bracket.broken && bracket.inSuffix) {
      const group = { start: bracket.open, end: close + 1 };
      for (let member = bracket.members.head; member; member = member.next) member.group ??= group;
    } else {
      this.giveUp(bracket);
    }
  }

  private giveUp(bracket: Bracket): void {
    const parent = this.brackets[this.brackets.length - 1];
    if (parent && bracket.members.head) {
      if (parent.members.tail) parent.members.tail.next = bracket.members.head;
      else parent.members.head = bracket.members.head;
      parent.members.tail = bracket.members.tail;
    }
  }

  /** After an example list marker `(@label)` at `i` (a line start), or -1. */
  private exampleMarkerEnd(i: number): number {
    EXAMPLE_MARKER.lastIndex = i;
    const match = EXAMPLE_MARKER.exec(this.text);
    if (!match || EXAMPLE_MARKER.lastIndex > this.segment.end) return -1;
    const label = match[1] ?? match[2];
    if (label) this.exampleLabels.add(label);
    return EXAMPLE_MARKER.lastIndex;
  }
}

/**
 * The key after the `@` at `at`, as Pandoc's `citeKey` reads it, or undefined. `end` bounds the
 * search (the end of the paragraph). Exported for completion, which reads keys being typed.
 */
export function readKey(text: string, at: number, end: number, braces: BraceMatcher = new BraceMatcher(text, end)): KeyAt | undefined {
  const first = at + 1;
  if (first >= end) return undefined;
  const c = text.charCodeAt(first);
  if (c === OPEN_BRACE) {
    const close = braces.match(first);
    if (close < 0) return undefined;
    return { key: text.slice(first + 1, close), keyStart: first + 1, keyEnd: close, end: close + 1 };
  }
  if (!(isKeyChar(text, first) || c === 0x2a /* * */)) return undefined;
  let j = first + codePointLength(text, first);
  while (j < end) {
    if (isKeyChar(text, j)) {
      j += codePointLength(text, j);
      continue;
    }
    const p = text.charCodeAt(j);
    if (j + 1 < end && INTERNAL_PUNCTUATION.has(p) && isKeyChar(text, j + 1)) {
      j += 1;
      continue;
    }
    if ((p === 0x3a || p === 0x2f) && text.charCodeAt(j + 1) === 0x2f && j + 1 < end) {
      j += 1;
      continue;
    }
    break;
  }
  return { key: text.slice(first, j), keyStart: first, keyEnd: j, end: j };
}

/** The end of the label chars (letters, digits, `-`, `_`) of an example reference from `i`. */
function exampleLabelEnd(text: string, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === DASH || isKeyChar(text, j)) j += codePointLength(text, j);
    else break;
  }
  return j;
}

function append(list: MemberList, found: Found): void {
  if (list.tail) list.tail.next = found;
  else list.head = found;
  list.tail = found;
}

/** A letter, digit or `_`: Pandoc's `regchar`. */
export function isKeyChar(text: string, i: number): boolean {
  return text.charCodeAt(i) === UNDERSCORE || isAlphanumericAt(text, i);
}

/**
 * Matches `{` with `}` within runs without whitespace, as Pandoc's `charsInBalanced` reads a
 * braced key. Each run is matched once (with a stack), so `@{@{@{…` stays linear.
 */
export class BraceMatcher {
  private readonly matches = new Map<number, number>();
  private matchedUntil = -1;

  constructor(
    private readonly text: string,
    private readonly end: number,
  ) {}

  /** Offset of the `}` closing the `{` at `open`, or -1. */
  match(open: number): number {
    if (open >= this.matchedUntil) {
      const stack: number[] = [];
      let j = open;
      for (; j < this.end; j++) {
        const c = this.text.charCodeAt(j);
        if (isSpace(c)) break;
        if (c === OPEN_BRACE) stack.push(j);
        else if (c === CLOSE_BRACE && stack.length > 0) this.matches.set(stack.pop()!, j);
      }
      this.matchedUntil = j;
    }
    return this.matches.get(open) ?? -1;
  }
}

/**
 * The citation being typed at the cursor, for completion: after `@`, `@partialkey` or
 * `@{partial` wherever Pandoc would read a citation (`[@`, `[see @`, `; @`, `-@`, a bare `@`),
 * and nowhere else: not in code, HTML, URLs or front matter, not in an e-mail address
 * (`someone@exa`), not after `\@`.
 */
import type { Position, Range } from '../core/types';
import { isKeyChar } from './citations';
import { isAlphanumericBefore, isCitationPossibleAt, isSpace, lineStartsOf, noteLayout, offsetAt, positionAt, type NoteLayout } from './noCitationRanges';

export interface CompletionContext {
  /** What was typed of the key, from after the `@` (and its `{`) to the cursor. */
  prefix: string;
  /**
   * What a completion replaces, on the cursor's line: from the `@` (a `-` before it stays) to the
   * end of the key the cursor is in, the `}` of a braced key included. An item's text edit puts
   * `@key` (or `@{key}`) there, so completing inside `@do|e2020` replaces the whole key.
   */
  range: Range;
  /** Inside a bracketed group `[…]`, where a locator (`, p. 4`) or another citation (`; @`) may follow. */
  inBrackets: boolean;
}

const AT = 0x40;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** Punctuation a key may hold inside: while typing `@doe:20`, the `:` is part of what is typed. */
const KEY_PUNCTUATION = new Set(':.#$%&-+?<>~/'.split('').map((c) => c.charCodeAt(0)));
/** How far back a group's `[` is looked for: a group is a few lines at most. */
const GROUP_LOOKBACK = 2000;

/**
 * `layout`: the note's block layout for this very text, when the caller keeps it (the note index
 * does, per version); without it the layout is parsed here, only when an `@` is being typed.
 */
export function completionContext(text: string, position: Position, layout?: NoteLayout): CompletionContext | undefined {
  const lineStarts = layout?.lineStarts ?? lineStartsOf(text);
  if (position.line < 0 || position.line >= lineStarts.length) return undefined;
  const cursor = offsetAt(text, lineStarts, position);
  const lineStart = lineStarts[position.line];
  const lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;

  const typed = typedKey(text, lineStart, cursor);
  if (!typed) return undefined;
  const at = typed.at;
  // Pandoc's "not right after a string": `someone@exa` is an e-mail address, `x.@` is no citation.
  if (isAlphanumericBefore(text, at)) return undefined;
  if (text.charCodeAt(at - 1) === 0x2e && !(text.startsWith('...', at - 3) && text.charCodeAt(at - 4) !== 0x2e)) return undefined;
  if (!isCitationPossibleAt(text, layout ?? noteLayout(text), at)) return undefined;

  const end = typed.braced ? bracedEnd(text, cursor, lineEnd) : simpleEnd(text, cursor, lineEnd);
  return {
    prefix: text.slice(typed.keyStart, cursor),
    range: { start: positionAt(lineStarts, at), end: positionAt(lineStarts, end) },
    inBrackets: isInBrackets(text, at),
  };
}

interface TypedKey {
  /** Offset of the `@`. */
  at: number;
  keyStart: number;
  braced: boolean;
}

/** The `@` the text before the cursor continues, if what follows it is the start of a key. */
function typedKey(text: string, lineStart: number, cursor: number): TypedKey | undefined {
  // `@{partial`: anything but whitespace and braces since the `{`.
  let j = cursor;
  while (j > lineStart && !isSpace(text.charCodeAt(j - 1)) && text.charCodeAt(j - 1) !== OPEN_BRACE && text.charCodeAt(j - 1) !== CLOSE_BRACE) j -= 1;
  if (j > lineStart + 1 && text.charCodeAt(j - 1) === OPEN_BRACE && text.charCodeAt(j - 2) === AT && !text.slice(j, cursor).includes('@')) {
    return { at: j - 2, keyStart: j, braced: true };
  }
  // `@partial`: key characters and the punctuation keys may hold.
  j = cursor;
  while (j > lineStart && (isKeyChar(text, j - 1) || isLowSurrogate(text, j - 1) || KEY_PUNCTUATION.has(text.charCodeAt(j - 1)) || text.charCodeAt(j - 1) === 0x2a)) j -= 1;
  const at = j - 1;
  if (at < lineStart || text.charCodeAt(at) !== AT) return undefined;
  const keyStart = at + 1;
  if (keyStart < cursor && !(isKeyChar(text, keyStart) || text.charCodeAt(keyStart) === 0x2a)) return undefined;
  return { at, keyStart, braced: false };
}

/** The end of the key the cursor is in: key characters, and punctuation with a key character after it. */
function simpleEnd(text: string, cursor: number, lineEnd: number): number {
  let j = cursor;
  while (j < lineEnd) {
    if (isKeyChar(text, j) || isLowSurrogate(text, j)) j += 1;
    else if (KEY_PUNCTUATION.has(text.charCodeAt(j)) && j + 1 < lineEnd && isKeyChar(text, j + 1)) j += 1;
    else break;
  }
  return j;
}

/** The end of a braced key: through its `}` when it is on the line, else the end of the word. */
function bracedEnd(text: string, cursor: number, lineEnd: number): number {
  let j = cursor;
  while (j < lineEnd && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== OPEN_BRACE && text.charCodeAt(j) !== CLOSE_BRACE) j += 1;
  return text.charCodeAt(j) === CLOSE_BRACE ? j + 1 : j;
}

/** Whether an unclosed `[` comes before `at` in its paragraph. */
function isInBrackets(text: string, at: number): boolean {
  let depth = 0;
  const stop = Math.max(0, at - GROUP_LOOKBACK);
  for (let j = at - 1; j >= stop; j--) {
    const c = text.charCodeAt(j);
    if (c === 0x0a && isBlankLineBefore(text, j)) return false;
    if (text.charCodeAt(j - 1) === 0x5c) continue; // `\[` and `\]` are text
    if (c === 0x5d) depth += 1;
    else if (c === 0x5b) {
      if (depth === 0) return true;
      depth -= 1;
    }
  }
  return false;
}

/** Whether the line ending at the line break `j` is blank (a paragraph boundary). */
function isBlankLineBefore(text: string, j: number): boolean {
  let k = j - 1;
  while (k >= 0 && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09 || text.charCodeAt(k) === 0x0d)) k -= 1;
  return k < 0 || text.charCodeAt(k) === 0x0a;
}

function isLowSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

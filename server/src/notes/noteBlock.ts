/**
 * The generated block of a literature note: what LitNotes writes from the catalog and Zotero
 * (metadata, abstract, annotations, Zotero notes), between two HTML comments that Markdown
 * renderers hide:
 *
 *   <!-- litnotes:begin generated hash=1k3v9x2 · LitNotes rewrites this block on "Update Literature Note"; write outside it -->
 *   …generated content…
 *   <!-- litnotes:end -->
 *
 * An update replaces only the lines between the markers and the begin marker itself (its hash):
 * every byte before the begin marker's line and from the end marker's line on stays as it is. The
 * hash is of the content as LitNotes wrote it, so a block the user edited is told apart from one
 * that is only out of date. Line endings follow the note's own (CRLF files stay CRLF).
 */
import { hashText } from '../core/hash';

export const BLOCK_NOTICE = 'LitNotes rewrites this block on "Update Literature Note"; write outside it';

const BEGIN = /^[ \t]*<!--[ \t]*litnotes:begin\b(.*?)-->[ \t]*$/;
const END = /^[ \t]*<!--[ \t]*litnotes:end[ \t]*-->[ \t]*$/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

export interface BlockLocation {
  /** Offset of the begin marker's first character, and of the first character after its line break. */
  beginStart: number;
  contentStart: number;
  /** Offset of the end marker's first character (the content ends there). */
  endStart: number;
  /** The hash written in the begin marker, when there is one. */
  hash?: string;
  /** The newest Zotero annotation the block holds (`annotations=` in the begin marker, ISO time). */
  annotations?: string;
  /** 0-based lines of the markers, for messages. */
  beginLine: number;
  endLine: number;
}

export type BlockSearch =
  | { kind: 'found'; block: BlockLocation }
  | { kind: 'none' }
  | { kind: 'broken'; message: string };

/**
 * The note's generated block. Markers inside fenced code do not count (a note may show them as an
 * example). One block per note; a begin without an end (or the reverse), or a second block, is
 * broken: LitNotes then changes nothing and says where.
 */
export function findBlock(text: string): BlockSearch {
  let begin: { start: number; after: number; hash?: string; annotations?: string; line: number } | undefined;
  let found: BlockLocation | undefined;
  let fence: string | undefined;
  let offset = 0;
  let line = 0;
  while (offset <= text.length) {
    const newline = text.indexOf('\n', offset);
    const lineEnd = newline < 0 ? text.length : newline;
    const content = text.slice(offset, lineEnd).replace(/\r$/, '');
    const next = newline < 0 ? text.length + 1 : newline + 1;
    const fenceMatch = FENCE.exec(content);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length && content.trim() === fenceMatch[1]) fence = undefined;
    } else if (fenceMatch && begin === undefined) {
      fence = fenceMatch[1];
    } else if (BEGIN.test(content)) {
      if (begin) return { kind: 'broken', message: `The note has a second "litnotes:begin" marker on line ${line + 1} before the block of line ${begin.line + 1} ends.` };
      if (found) return { kind: 'broken', message: `The note has a second generated block (line ${line + 1}); LitNotes keeps one block per note. Remove one of them.` };
      const attributes = BEGIN.exec(content)![1];
      const hash = /\bhash=([0-9a-z]+)/.exec(attributes)?.[1];
      const annotations = /\bannotations=(\d{4}-\d\d-\d\dT[\d:.]+Z?)/.exec(attributes)?.[1];
      begin = { start: offset, after: Math.min(next, text.length), line };
      if (hash) begin.hash = hash;
      if (annotations) begin.annotations = annotations;
    } else if (END.test(content)) {
      if (!begin) return { kind: 'broken', message: `The note has a "litnotes:end" marker on line ${line + 1} without a "litnotes:begin" before it.` };
      found = { beginStart: begin.start, contentStart: begin.after, endStart: offset, beginLine: begin.line, endLine: line };
      if (begin.hash) found.hash = begin.hash;
      if (begin.annotations) found.annotations = begin.annotations;
      begin = undefined;
    }
    offset = next;
    line++;
  }
  if (begin) return { kind: 'broken', message: `The generated block that begins on line ${begin.line + 1} has no "<!-- litnotes:end -->" marker.` };
  return found ? { kind: 'found', block: found } : { kind: 'none' };
}

/** Content as compared and hashed: LF line ends, no trailing blanks, no blank lines at either end. */
export function normalizeBlockContent(content: string): string {
  return content
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

export function blockHash(content: string): string {
  return hashText(normalizeBlockContent(content));
}

/**
 * The block as written into a note: markers and content, in the note's line ending, ending with
 * one. `annotations`: the newest Zotero annotation in it, so the tree can tell when Zotero has newer.
 */
export function renderBlock(content: string, eol: '\n' | '\r\n' = '\n', annotations?: string): string {
  const body = normalizeBlockContent(content);
  const stamp = annotations && /^\d{4}-\d\d-\d\dT[\d:.]+Z?$/.test(annotations) ? ` annotations=${annotations}` : '';
  const lines = [`<!-- litnotes:begin generated hash=${blockHash(body)}${stamp} · ${BLOCK_NOTICE} -->`, ...(body === '' ? [] : body.split('\n')), '<!-- litnotes:end -->'];
  return lines.join(eol) + eol;
}

/** The note's line ending: the first line break's, LF when there is none. */
export function lineEnding(text: string): '\n' | '\r\n' {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

export interface BlockEdit {
  /** Offsets into the old text: `[start, end)` is replaced by `newText`. */
  start: number;
  end: number;
  newText: string;
}

export type BlockUpdate =
  /** The block already says this. */
  | { kind: 'unchanged'; block: BlockLocation }
  /** Replace the block (markers included) with `edit`; `edited` when the user changed the block since LitNotes wrote it. */
  | { kind: 'update'; edit: BlockEdit; text: string; edited: boolean; block: BlockLocation }
  | { kind: 'none' }
  | { kind: 'broken'; message: string };

/**
 * How to bring the note's block up to `content`. The edit starts at the begin marker's line and
 * ends where the end marker's line starts: nothing outside changes, byte for byte.
 */
export function updateBlock(text: string, content: string, annotations?: string): BlockUpdate {
  const search = findBlock(text);
  if (search.kind !== 'found') return search;
  const { block } = search;
  const current = text.slice(block.contentStart, block.endStart);
  const edited = block.hash !== blockHash(current);
  const wanted = normalizeBlockContent(content);
  if (!edited && normalizeBlockContent(current) === wanted && (annotations === undefined || annotations === block.annotations)) return { kind: 'unchanged', block };
  const eol = lineEnding(text);
  const rendered = renderBlock(wanted, eol, annotations);
  // Everything up to the end marker's line start: the end marker's line and what follows stay.
  const newText = rendered.slice(0, rendered.lastIndexOf('<!-- litnotes:end -->'));
  const edit = { start: block.beginStart, end: block.endStart, newText };
  return { kind: 'update', edit, text: text.slice(0, edit.start) + newText + text.slice(edit.end), edited, block };
}

/**
 * A note without a block gets one appended at its end, after a blank line, in its line ending
 * (the user asked for it: "Add the generated block").
 */
export function appendBlock(text: string, content: string, annotations?: string): BlockEdit {
  const eol = lineEnding(text);
  const separator = text === '' ? '' : text.endsWith(eol + eol) || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? eol : eol + eol;
  return { start: text.length, end: text.length, newText: separator + renderBlock(content, eol, annotations) };
}

/** A generated line that reads like a marker would end the block early or start a second: it is defused. */
export function defuseMarkers(content: string): string {
  return content
    .split('\n')
    .map((line) => (BEGIN.test(line.replace(/\r$/, '')) || END.test(line.replace(/\r$/, '')) ? line.replace('<!--', '&lt;!--') : line))
    .join('\n');
}

/**
 * Zotero has annotations newer than the note's block: the newest annotation is later than the one
 * the block was written with (or the block was written without any). False without a block.
 */
export function annotationsNewerThanBlock(text: string, newest: string | undefined): boolean {
  if (newest === undefined) return false;
  const search = findBlock(text);
  if (search.kind !== 'found') return false;
  return search.block.annotations === undefined || newest > search.block.annotations;
}

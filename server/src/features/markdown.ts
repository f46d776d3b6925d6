/**
 * The one place where untrusted catalog text becomes Markdown (hover, completion documentation).
 * Catalog text comes from anyone's `.bib` or CSL export: every piece is escaped so it can never
 * become markup, HTML, a link, an image or a command. Links are made only from http(s) URLs that
 * passed `safeHttpUrl`, and the content is plain Markdown (no `isTrusted`, no `supportHtml`).
 */

import { personFullName, type Paper } from '../catalog/paper';
import type { SafeUrl } from '../core/safeUrl';

/** Markdown and HTML syntax characters; each is backslash-escaped (CommonMark escapes any ASCII punctuation). */
const SPECIAL = /[\\`*_[\]<>#|!&~{}$]/g;

/**
 * Escapes catalog text for use inside a Markdown paragraph. Whitespace (newlines included) collapses
 * to single spaces, so catalog text can never start a heading, list, quote, table or code block.
 */
export function escapeMarkdown(text: string): string {
  return escapeLineStart(escapeInline(text));
}

/** Like `escapeMarkdown`, for text that is never at the start of a line (link labels, after a prefix). */
export function escapeInline(text: string): string {
  const flat = text
    // Control characters (other than whitespace) have no business in a hover.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.replace(SPECIAL, (c) => '\\' + c);
}

/** Escapes a long text (an abstract) keeping its paragraphs: blank lines separate paragraphs. */
export function escapeMarkdownParagraphs(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map(escapeMarkdown)
    .filter((p) => p !== '')
    .join('\n\n');
}

/** A paragraph starting with `-`, `+`, `=` or `1.` would become a list or a heading underline. */
function escapeLineStart(text: string): string {
  if (/^[-+=]/.test(text)) return '\\' + text;
  return text.replace(/^(\d+)([.)])/, '$1\\$2');
}

/** `[label](url)` with the label escaped; only takes checked URLs. */
export function markdownLink(label: string, url: SafeUrl): string {
  return `[${escapeInline(label)}](${url})`;
}

/** `Jane Doe, John Smith · 2020 · *Venue*`: the line under a paper's title; undefined when nothing is known. */
export function paperByline(paper: Paper, maxAuthors = 10): string | undefined {
  const names = paper.authors.map(personFullName).filter((n) => n.trim() !== '');
  let authors = names.slice(0, maxAuthors).map(escapeMarkdown).join(', ');
  if (names.length > maxAuthors) authors += ', et al.';
  const parts = [authors, paper.year ? escapeMarkdown(paper.year) : '', paper.venue ? `*${escapeMarkdown(paper.venue)}*` : ''];
  const line = parts.filter((p) => p !== '').join(' · ');
  return line === '' ? undefined : line;
}

/** `**Title**`, or the key when the paper has no title. */
export function paperTitleLine(paper: Paper): string {
  return `**${escapeMarkdown(paper.title ?? paper.key)}**`;
}

/**
 * Citation completion after `@` (and inside `[@…`). The server ranks with the full-text index and
 * caps the list (marked incomplete, so the editor asks again as the user types); `sortText` keeps
 * the server's order and `filterText` is the typed text, so the editor's own filter never drops a
 * full-text match ("gauss" finding a paper whose key has no "gauss" in it).
 */
import { abstractOf, shortAuthors, type Paper } from '../catalog/paper';
import type { Position, Range } from '../core/types';
import { completionContext } from '../notes/citationContext';
import { citationKeyText } from '../service/citationKeys';
import {
  completionKindReference,
  type CompletionItem,
  type CompletionList,
} from '../service/protocolTypes';
import type { Settings } from '../service/settings';
import type { WorkspaceModel } from '../service/workspaceModel';
import { escapeMarkdownParagraphs, paperByline, paperTitleLine, shorten } from './markdown';

const ABSTRACT_PREVIEW = 300;

export function provideCompletion(
  model: WorkspaceModel,
  text: string,
  position: Position,
  settings: Pick<Settings, 'completion'>,
  /** The client resolves documentation of the item it shows (completionItem/resolve): the list leaves it out. */
  lazyDocumentation = false,
): CompletionList | undefined {
  const context = completionContext(text, position);
  if (!context) return undefined;
  const typed = typedCitation(text, context.range, position);
  if (!typed) return undefined;
  const prefix = context.prefix.replace(/^\{/, '').replace(/\}$/, '');
  const max = settings.completion.maxItems;
  const keys = prefix === '' ? defaultKeys(model, max) : model.search(prefix, max).map((hit) => hit.key);

  const items: CompletionItem[] = [];
  for (const key of keys) {
    const paper = model.paperOrProvisional(key);
    if (!paper) continue;
    items.push(completionItem(paper, items.length, typed, lazyDocumentation));
  }
  return { isIncomplete: true, items };
}

/** The full item: the whole abstract instead of its first lines, and the formatted reference when given. */
export function resolveCompletionItem(model: WorkspaceModel, item: CompletionItem, reference?: string): CompletionItem {
  const key = item.data?.key;
  const paper = key === undefined ? undefined : model.paperOrProvisional(key);
  if (!paper) return item;
  return { ...item, documentation: { kind: 'markdown', value: documentation(paper, undefined, reference) } };
}

interface TypedCitation {
  /** From the `@` to the end of what was typed (a closing `}` included). */
  range: Range;
  text: string;
}

/**
 * The `@prefix` the edit replaces. `completionContext`'s range may or may not start at the `@`
 * (and at a `{`), so this finds the `@` on the line itself.
 */
function typedCitation(text: string, contextRange: Range, position: Position): TypedCitation | undefined {
  const lineText = lineAt(text, position.line);
  let start = Math.min(contextRange.start.character, position.character);
  if (lineText[start] !== '@') {
    if (lineText[start - 1] === '@') start -= 1;
    else if (lineText[start - 1] === '{' && lineText[start - 2] === '@') start -= 2;
    else return undefined;
  }
  let end = contextRange.end.line === position.line ? Math.max(contextRange.end.character, position.character) : position.character;
  if (lineText[start + 1] === '{' && lineText[end] === '}' && !lineText.slice(start, end).includes('}')) end += 1;
  return {
    range: { start: { line: position.line, character: start }, end: { line: position.line, character: end } },
    text: lineText.slice(start, end),
  };
}

/** With nothing typed yet: the papers cited most in the workspace, then the rest by title. */
function defaultKeys(model: WorkspaceModel, max: number): string[] {
  const cited = [...model.citedKeys()].filter(([key]) => model.paper(key)).sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  const keys = cited.map(([key]) => key).slice(0, max);
  if (keys.length >= max) return keys;
  const taken = new Set(keys);
  const rest = model
    .papers()
    .filter((p) => !taken.has(p.key))
    .sort((a, b) => compareText(a.title ?? a.key, b.title ?? b.key) || compareText(a.key, b.key));
  for (const paper of rest) {
    if (keys.length >= max) break;
    keys.push(paper.key);
  }
  return keys;
}

function completionItem(paper: Paper, rank: number, typed: TypedCitation, lazyDocumentation: boolean): CompletionItem {
  const description = [shortAuthors(paper.authors), paper.year].filter(Boolean).join(' · ');
  const item: CompletionItem = {
    label: paper.key,
    kind: completionKindReference,
    sortText: String(rank).padStart(5, '0'),
    filterText: typed.text,
    textEdit: { range: typed.range, newText: '@' + citationKeyText(paper.key) },
    data: { key: paper.key },
  };
  // Fifty escaped abstracts per keystroke are most of the list's cost and size; a client that
  // resolves items asks for the one it shows.
  if (!lazyDocumentation) item.documentation = { kind: 'markdown', value: documentation(paper, ABSTRACT_PREVIEW) };
  if (paper.title) item.detail = paper.title;
  if (description) item.labelDetails = { description };
  return item;
}

function documentation(paper: Paper, abstractMax?: number, reference?: string): string {
  const parts = [paperTitleLine(paper)];
  const byline = paperByline(paper);
  if (byline) parts.push(byline);
  const abstract = abstractOf(paper);
  if (abstract) {
    parts.push(escapeMarkdownParagraphs(abstractMax === undefined ? abstract : shorten(abstract, abstractMax)));
  }
  if (reference) parts.push(escapeMarkdownParagraphs(reference));
  return parts.join('\n\n');
}

function lineAt(text: string, line: number): string {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

/** One collator for every comparison: `localeCompare` with options builds a new one per call (10 ms per completion list). */
const collator = new Intl.Collator('en', { sensitivity: 'base' });

function compareText(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

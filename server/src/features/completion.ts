/**
 * Citation completion after `@` (and inside `[@…`). The server ranks with the full-text index and
 * caps the list (marked incomplete, so the editor asks again as the user types); `sortText` keeps
 * the server's order and `filterText` is the typed text, so the editor's own filter never drops a
 * full-text match ("gauss" finding a paper whose key has no "gauss" in it).
 *
 * A row reads like a reference: the key, then "Author et al. Year · Title" (`labelDetails`).
 * The words typed are split at anything that is not a letter or a digit, since a key cannot hold a
 * space: `@sparse-attention` finds the papers with both words, after any key starting with
 * `sparse-attention` itself (so `@smith-2020` still puts the key `smith-2020` first).
 */
import { abstractOf, shortAuthors, type Paper } from '../catalog/paper';
import type { Position, Range } from '../core/types';
import { completionContext } from '../notes/citationContext';
import { citationKeyText } from '../service/citationKeys';
import {
  completionKindReference,
  type CompletionItem,
  type CompletionList,
  type TextEdit,
} from '../service/protocolTypes';
import type { Settings } from '../service/settings';
import type { WorkspaceModel } from '../service/workspaceModel';
import { shorten } from '../core/strings';
import { escapeMarkdownParagraphs, paperByline, paperTitleLine } from './markdown';

const ABSTRACT_PREVIEW = 300;
/** A title in a row: more than a suggest widget shows at its usual width, enough when it is widened. */
const TITLE_IN_ROW = 60;
/** Shown under the details of the papers offered before anything is typed: how to search. */
export const SEARCH_TIP = '*Type words of a title, an author or a key after `@`; join several words with `-`, as in `@sparse-attention`.*';

/** What the client does with items, from its capabilities (and our own client's options). */
export interface CompletionClient {
  /** It resolves documentation of the item it shows (completionItem/resolve): the list leaves it out. */
  lazyDocumentation?: boolean;
  /** It shows `labelDetails` (LSP 3.17); else authors, year and title go in `detail`. */
  labelDetails?: boolean;
  /**
   * It filters and highlights by the text between the edit's start and the cursor (VS Code does):
   * the main edit then starts at the cursor and an additional edit removes the typed `@words`. VS
   * Code highlights letters of the key that match the typed text even when the paper matched on its
   * title ("Feat2G**S**" for `@gauss`); with nothing between the edit's start and the cursor it
   * highlights none, and keeps the server's order.
   */
  editStartsAtCursor?: boolean;
}

export function provideCompletion(
  model: WorkspaceModel,
  text: string,
  position: Position,
  settings: Pick<Settings, 'completion'>,
  client: CompletionClient = {},
  /** The note's URI: its block layout, parsed once per version by the note index, is used when `text` is that version. */
  uri?: string,
): CompletionList | undefined {
  const context = completionContext(text, position, uri === undefined ? undefined : model.noteLayout(uri, text));
  if (!context) return undefined;
  const typed = typedCitation(text, context.range, position);
  if (!typed) return undefined;
  const prefix = context.prefix.replace(/^\{/, '').replace(/\}$/, '');
  const max = settings.completion.maxItems;
  const nothingTyped = prefix === '';
  const keys = nothingTyped ? recentThenCatalogOrder(model, max) : model.search(prefix, max).map((hit) => hit.key);

  const items: CompletionItem[] = [];
  for (const key of keys) {
    const paper = model.paperOrProvisional(key);
    if (!paper) continue;
    items.push(completionItem(paper, items.length, typed, position, client, nothingTyped));
  }
  return { isIncomplete: true, items };
}

/**
 * The full item: the whole abstract instead of its first lines. No formatted reference: it would
 * repeat the title, authors and year just above it (hover and Copy Formatted Reference give one).
 */
export function resolveCompletionItem(model: WorkspaceModel, item: CompletionItem): CompletionItem {
  const key = item.data?.key;
  const paper = key === undefined ? undefined : model.paperOrProvisional(key);
  if (!paper) return item;
  return { ...item, documentation: { kind: 'markdown', value: documentation(paper, { tip: item.data?.tip }) } };
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

/**
 * With nothing typed yet: the papers cited in the notes edited last and the papers opened last,
 * most recent first, then the others in catalog order. Reads only as far as `max` papers: the
 * same few milliseconds at 1,000 papers as at 100,000.
 */
function recentThenCatalogOrder(model: WorkspaceModel, max: number): string[] {
  const keys: string[] = [];
  const taken = new Set<string>();
  const take = (key: string) => {
    if (keys.length >= max || taken.has(key) || !model.paperOrProvisional(key)) return;
    taken.add(key);
    keys.push(key);
  };
  const opened = model.recentlyOpenedPapers();
  let nextOpened = 0;
  for (const note of model.notesByRecentEdit()) {
    while (nextOpened < opened.length && opened[nextOpened].openedAt >= note.editedAt) take(opened[nextOpened++].key);
    // The end of a note is where people usually write last.
    const citations = model.note(note.uri)?.citations ?? [];
    for (let i = citations.length - 1; i >= 0 && keys.length < max; i--) take(citations[i].key);
    if (keys.length >= max) return keys;
  }
  while (nextOpened < opened.length) take(opened[nextOpened++].key);
  for (const key of model.keysInCatalogOrder()) {
    if (keys.length >= max) break;
    take(key);
  }
  return keys;
}

function completionItem(paper: Paper, rank: number, typed: TypedCitation, position: Position, client: CompletionClient, nothingTyped: boolean): CompletionItem {
  const newText = '@' + citationKeyText(paper.key);
  const item: CompletionItem = {
    label: paper.key,
    kind: completionKindReference,
    sortText: String(rank).padStart(5, '0'),
    filterText: typed.text,
    textEdit: { range: typed.range, newText },
    data: nothingTyped ? { key: paper.key, tip: true } : { key: paper.key },
  };
  if (client.editStartsAtCursor && typed.range.start.character < position.character) {
    item.textEdit = { range: { start: position, end: typed.range.end }, newText };
    item.additionalTextEdits = [{ range: { start: typed.range.start, end: position }, newText: '' } satisfies TextEdit];
  }
  const reference = referenceInRow(paper);
  if (reference && client.labelDetails) {
    // VS Code puts `detail` right after the key, without a space, dimmed, and cuts its end when the
    // row is too narrow. A `description` (on the right) would be squeezed out by a long title at the
    // widget's usual width: "Author et al. Year" goes first, where it is never cut.
    item.labelDetails = { detail: ' ' + reference };
  } else if (reference) {
    item.detail = reference;
  }
  // Fifty escaped abstracts per keystroke are most of the list's cost and size; a client that
  // resolves items asks for the one it shows.
  if (!client.lazyDocumentation) item.documentation = { kind: 'markdown', value: documentation(paper, { abstractMax: ABSTRACT_PREVIEW, tip: nothingTyped }) };
  return item;
}

/**
 * A paper as a row shows it beside its key: "Yu et al. 2024 · Boost Sparse-view 3D Gaussian…", the
 * title shortened and without the key when it starts with it (the key is right before it).
 */
function referenceInRow(paper: Paper): string | undefined {
  const byline = [shortAuthors(paper.authors), paper.year].filter(Boolean).join(' ');
  let title = paper.title;
  if (title) {
    const head = title.slice(0, paper.key.length + 1).toLowerCase();
    if (head === paper.key.toLowerCase() + ':' && title.length > head.length + 1) title = title.slice(head.length).trim();
    title = shorten(title, TITLE_IN_ROW);
  }
  return [byline, title].filter(Boolean).join(' · ') || undefined;
}

/** The details beside the list: the title once, authors, year and venue, the abstract. */
function documentation(paper: Paper, options: { abstractMax?: number; tip?: boolean }): string {
  const parts = [paperTitleLine(paper)];
  const byline = paperByline(paper);
  if (byline) parts.push(byline);
  const abstract = abstractOf(paper);
  if (abstract) {
    parts.push(escapeMarkdownParagraphs(options.abstractMax === undefined ? abstract : shorten(abstract, options.abstractMax)));
  }
  if (options.tip) parts.push('---', SEARCH_TIP);
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

/**
 * What the Papers view shows, as plain data: node ids, labels, descriptions, tooltips, icons,
 * context values and what a click opens. No `vscode` import, so it is unit-tested; the
 * `TreeDataProvider` in papersView.ts only turns these into `TreeItem`s.
 *
 * Every string that comes from a catalog (titles, authors, abstracts, even keys) is untrusted:
 * it only reaches the tooltip through `escapeMarkdown`, and never a command or a path.
 */
import type { PaperSummary, Topic } from '../../../common/protocol';

export interface TopicNode {
  kind: 'topic';
  id: string;
  topic: Topic;
  /** Under a filter topics open by themselves: the matches are what the user asked to see. */
  expanded: boolean;
}

export interface PaperNode {
  kind: 'paper';
  id: string;
  topicId: string;
  paper: PaperSummary;
}

export interface NoteNode {
  kind: 'note';
  id: string;
  topicId: string;
  key: string;
  noteUri: string;
  /** The paper's own literature note (as opposed to a note citing it). */
  isLiteratureNote: boolean;
}

export type TreeNode = TopicNode | PaperNode | NoteNode;

/** Codicons (https://microsoft.github.io/vscode-codicons) the view uses. */
export type NodeIcon = 'tag' | 'lightbulb' | 'library' | 'book' | 'notebook' | 'note' | 'references';

/** A paper's value says whether it has a note, and ends in `+pdf` when the catalog names a PDF (menus match on both). */
export type NodeContext = 'topic' | 'paper' | 'paperWithNote' | 'paper+pdf' | 'paperWithNote+pdf' | 'note';

/** Theme colours the view uses for icons. */
export type NodeIconColor = 'charts.orange';

/** What a click on a node opens: a file, optionally at a line. */
export interface OpenTarget {
  uri: string;
  line?: number;
}

export interface NodeView {
  id: string;
  label: string;
  description?: string;
  /** Markdown with every catalog string escaped; render it untrusted, without HTML. */
  tooltip?: string;
  icon: NodeIcon;
  /** Draws the eye to a paper whose note is behind its annotations. */
  iconColor?: NodeIconColor;
  contextValue: NodeContext;
  collapsible: 'none' | 'collapsed' | 'expanded';
  open?: OpenTarget;
}

/**
 * Ids are built from the server's stable topic ids, citation keys and note URIs, so VS Code keeps
 * the expansion state across refreshes. Each part is encoded so `/` inside a part cannot make two
 * different nodes collide.
 */
/**
 * A filtered topic gets its own id (VS Code remembers expansion per id, and would otherwise keep
 * the unfiltered tree's collapsed state), so it opens on every new filter and closes again after.
 */
export function topicNode(topic: Topic, filter = ''): TopicNode {
  return filter === ''
    ? { kind: 'topic', id: encodeId(topic.id), topic, expanded: false }
    : { kind: 'topic', id: `${encodeId(topic.id)}?${encodeId(filter)}`, topic, expanded: true };
}

export function paperNode(topicId: string, paper: PaperSummary): PaperNode {
  return { kind: 'paper', id: `${encodeId(topicId)}/${encodeId(paper.key)}`, topicId, paper };
}

/** A paper's children: its literature note first, then the other notes citing it, in server order. */
export function noteNodes(parent: PaperNode): NoteNode[] {
  const { paper, topicId } = parent;
  const uris: string[] = [];
  if (paper.noteUri) uris.push(paper.noteUri);
  for (const uri of paper.citingNotes) if (!uris.includes(uri)) uris.push(uri);
  return uris.map((noteUri) => ({
    kind: 'note',
    id: `${parent.id}/${encodeId(noteUri)}`,
    topicId,
    key: paper.key,
    noteUri,
    isLiteratureNote: noteUri === paper.noteUri,
  }));
}

/** The parent chain `getParent` walks for `TreeView.reveal`: note → paper → topic → root. */
export function parentOf(node: TreeNode, papers: (topicId: string, key: string) => PaperNode | undefined, topics: (topicId: string) => TopicNode | undefined): TreeNode | undefined {
  switch (node.kind) {
    case 'topic':
      return undefined;
    case 'paper':
      return topics(node.topicId);
    case 'note':
      return papers(node.topicId, node.key);
  }
}

export function describeNode(node: TreeNode): NodeView {
  switch (node.kind) {
    case 'topic':
      return describeTopic(node);
    case 'paper':
      return describePaper(node);
    case 'note':
      return describeNote(node);
  }
}

function describeTopic(node: TopicNode): NodeView {
  const { topic } = node;
  const origin = topic.source === 'catalog' ? 'From the catalog\'s keywords and groups' : topic.source === 'derived' ? 'Derived from titles and abstracts' : 'Papers without a topic';
  return {
    id: node.id,
    label: topic.label,
    description: String(topic.count),
    tooltip: `**${escapeMarkdown(topic.label)}**\n\n${topic.count} ${plural(topic.count, 'paper', 'papers')} · ${origin}`,
    icon: topic.source === 'catalog' ? 'tag' : topic.source === 'derived' ? 'lightbulb' : 'library',
    contextValue: 'topic',
    collapsible: node.expanded ? 'expanded' : 'collapsed',
  };
}

function describePaper(node: PaperNode): NodeView {
  const { paper } = node;
  const hasNote = paper.noteUri !== undefined;
  const hasChildren = hasNote || paper.citingNotes.length > 0;
  const behind = hasNote && paper.annotationsNewer === true;
  const marks = [yearAndAuthors(paper), paper.hasPdf ? 'PDF' : '', behind ? 'new annotations' : ''].filter((part) => part !== '');
  const view: NodeView = {
    id: node.id,
    label: oneLine(paper.title) || paper.key,
    description: marks.join(' · ') || undefined,
    tooltip: paperTooltip(paper),
    icon: hasNote ? 'notebook' : 'book',
    contextValue: `${hasNote ? 'paperWithNote' : 'paper'}${paper.hasPdf ? '+pdf' : ''}` as NodeContext,
    collapsible: hasChildren ? 'collapsed' : 'none',
    // Clicking a paper opens what the user writes in when it exists, otherwise where it is defined.
    open: paper.noteUri ? { uri: paper.noteUri } : { uri: paper.catalogUri, line: paper.catalogLine },
  };
  if (behind) view.iconColor = 'charts.orange';
  return view;
}

function describeNote(node: NoteNode): NodeView {
  return {
    id: node.id,
    label: fileName(node.noteUri),
    description: node.isLiteratureNote ? 'literature note' : 'cites it',
    tooltip: escapeMarkdown(decodePath(node.noteUri)),
    icon: node.isLiteratureNote ? 'notebook' : 'references',
    contextValue: 'note',
    collapsible: 'none',
    open: { uri: node.noteUri },
  };
}

/** "2017 · Vaswani et al.", "2017", "Vaswani et al." or "" — the tree and the quick picks share it. */
export function yearAndAuthors(paper: Pick<PaperSummary, 'year' | 'authors'>): string {
  return [oneLine(paper.year), oneLine(paper.authors)].filter((part) => part !== '').join(' · ');
}

/** The paper tooltip: key, title, authors, year, venue, abstract preview — all escaped. */
export function paperTooltip(paper: PaperSummary): string {
  const lines: string[] = [];
  const title = oneLine(paper.title);
  if (title) lines.push(`**${escapeMarkdown(title)}**`);
  const byline = [oneLine(paper.authors), oneLine(paper.year), oneLine(paper.venue)].filter((part) => part !== '');
  if (byline.length > 0) lines.push(escapeMarkdown(byline.join(' · ')));
  lines.push(`Key: ${escapeMarkdown(paper.key)}`);
  const preview = oneLine(paper.abstractPreview);
  if (preview) lines.push(escapeMarkdown(preview));
  const notes = paper.citingNotes.length;
  const status = [paper.noteUri ? 'Has a literature note' : 'No literature note yet', paper.hasPdf ? 'has a PDF' : '', `cited in ${notes} ${plural(notes, 'note', 'notes')}`];
  lines.push(status.filter((part) => part !== '').join(' · '));
  if (paper.noteUri && paper.annotationsNewer) lines.push('Annotations in Zotero are newer than the note: Update Literature Note brings them in.');
  return lines.join('\n\n');
}

/**
 * Escapes text so Markdown renders it literally: every ASCII punctuation character that can start
 * syntax gets a backslash (CommonMark allows escaping any of them), so catalog text can make no
 * link, image, emphasis, HTML or autolink. Line breaks are flattened by `oneLine` before.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+\-.!|~&:$"'=^%;/@]/g, '\\$&');
}

/** Catalog fields may span lines; the tree shows them on one. */
function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function encodeId(part: string): string {
  return encodeURIComponent(part);
}

function decodePath(uri: string): string {
  const path = uri.replace(/^file:\/\//, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function fileName(uri: string): string {
  const path = decodePath(uri);
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/**
 * The view's description (next to its title) and message (above the tree) for the active filter.
 * Both are plain text in VS Code, so the filter needs no escaping. The message is always set: a
 * view alone in its container shows no description.
 */
export function filterHeader(filter: string | undefined, topicsShown: number): { description?: string; message?: string } {
  const query = oneLine(filter);
  if (!query) return {};
  return {
    description: `Filter: ${query}`,
    message: topicsShown === 0 ? `No papers match “${query}”. Clear the filter to see all papers.` : `Papers matching “${query}”`,
  };
}

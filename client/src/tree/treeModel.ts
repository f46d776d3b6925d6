/**
 * What the Papers view shows, as plain data: node ids, labels, descriptions, tooltips, icons,
 * context values and what a click opens. No `vscode` import, so it is unit-tested; the
 * `TreeDataProvider` in papersView.ts only turns these into `TreeItem`s.
 *
 * Every string that comes from a catalog (titles, authors, abstracts, even keys) is untrusted:
 * it only reaches the tooltip through `escapeMarkdown`, and never a command or a path.
 */
import type { PaperSummary, Topic } from '../../../common/protocol';

/** A topic; a subtopic has its topic as `parent`. */
export interface TopicNode {
  kind: 'topic';
  id: string;
  topic: Topic;
  /** Under a filter topics open by themselves: the matches are what the user asked to see. */
  expanded: boolean;
  parent?: TopicNode;
}

/** A paper under a topic, or under another paper's "Related". */
export interface PaperNode {
  kind: 'paper';
  id: string;
  paper: PaperSummary;
  parent: TopicNode | RelatedNode;
}

/** "Related" under a paper: the papers the topic model found most like it. */
export interface RelatedNode {
  kind: 'related';
  id: string;
  key: string;
  count: number;
  parent: PaperNode;
}

export interface NoteNode {
  kind: 'note';
  id: string;
  key: string;
  noteUri: string;
  /** The paper's own literature note (as opposed to a note citing it). */
  isLiteratureNote: boolean;
  parent: PaperNode;
}

export type TreeNode = TopicNode | PaperNode | RelatedNode | NoteNode;

/** Codicons (https://microsoft.github.io/vscode-codicons) the view uses. */
export type NodeIcon = 'tag' | 'lightbulb' | 'library' | 'book' | 'notebook' | 'note' | 'references' | 'sparkle' | 'sync~spin';

/** A paper's value says whether it has a note, and ends in `+pdf` when the catalog names a PDF (menus match on both). */
export type NodeContext = 'topic' | 'paper' | 'paperWithNote' | 'paper+pdf' | 'paperWithNote+pdf' | 'note' | 'related';

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
 * Ids are built from the server's stable topic ids, citation keys and note URIs, each below its
 * parent's, so VS Code keeps the expansion state across refreshes. Each part is encoded so `/`
 * inside a part cannot make two different nodes collide.
 *
 * A filtered topic gets its own id (VS Code remembers expansion per id, and would otherwise keep
 * the unfiltered tree's collapsed state), so it opens on every new filter and closes again after.
 */
export function topicNode(topic: Topic, filter = '', parent?: TopicNode): TopicNode {
  if (parent) return { kind: 'topic', id: `${parent.id}/${encodeId(topic.id)}`, topic, expanded: parent.expanded, parent };
  return filter === ''
    ? { kind: 'topic', id: encodeId(topic.id), topic, expanded: false }
    : { kind: 'topic', id: `${encodeId(topic.id)}?${encodeId(filter)}`, topic, expanded: true };
}

export function paperNode(parent: TopicNode | RelatedNode, paper: PaperSummary): PaperNode {
  return { kind: 'paper', id: `${parent.id}/${encodeId(paper.key)}`, paper, parent };
}

/**
 * A paper's children: its literature note first, then the other notes citing it, in server order,
 * then "Related" when the topic model found related papers.
 */
export function paperChildren(parent: PaperNode): (NoteNode | RelatedNode)[] {
  const { paper } = parent;
  const uris: string[] = [];
  if (paper.noteUri) uris.push(paper.noteUri);
  for (const uri of paper.citingNotes) if (!uris.includes(uri)) uris.push(uri);
  const children: (NoteNode | RelatedNode)[] = uris.map((noteUri) => ({
    kind: 'note',
    id: `${parent.id}/${encodeId(noteUri)}`,
    key: paper.key,
    noteUri,
    isLiteratureNote: noteUri === paper.noteUri,
    parent,
  }));
  // The id cannot be a note's: those are encoded URIs, with no `:` left in them.
  if (paper.relatedCount) children.push({ kind: 'related', id: `${parent.id}/:related`, key: paper.key, count: paper.relatedCount, parent });
  return children;
}

/** Where a node's children come from: the server (which request), or the node itself. */
export type ChildrenSource =
  | { request: 'topics'; parentId: string }
  | { request: 'topicPapers'; topicId: string }
  | { request: 'relatedPapers'; key: string }
  | { request: 'none'; children: TreeNode[] };

/** A topic with subtopics opens into them; papers are listed at the leaves only. */
export function childrenSource(node: TreeNode): ChildrenSource {
  switch (node.kind) {
    case 'topic':
      return node.topic.subtopics ? { request: 'topics', parentId: node.topic.id } : { request: 'topicPapers', topicId: node.topic.id };
    case 'paper':
      return { request: 'none', children: paperChildren(node) };
    case 'related':
      return { request: 'relatedPapers', key: node.key };
    case 'note':
      return { request: 'none', children: [] };
  }
}

/** The parent `getParent` gives for `TreeView.reveal`: note → paper → (related → paper →) subtopic → topic → root. */
export function parentOf(node: TreeNode): TreeNode | undefined {
  return node.parent;
}

export function describeNode(node: TreeNode): NodeView {
  switch (node.kind) {
    case 'topic':
      return describeTopic(node);
    case 'paper':
      return describePaper(node);
    case 'related':
      return describeRelated(node);
    case 'note':
      return describeNote(node);
  }
}

function describeTopic(node: TopicNode): NodeView {
  const { topic } = node;
  const indexing = topic.source === 'none' && topic.id === INDEXING_TOPIC_ID;
  const origin = topic.source === 'catalog' ? 'From the catalog\'s keywords and groups' : topic.source === 'derived' ? 'Derived from titles and abstracts' : indexing ? 'Topics are being computed from titles and abstracts: these papers get theirs when it is done' : 'Papers without a topic';
  const size = [`${topic.count} ${plural(topic.count, 'paper', 'papers')}`];
  if (topic.subtopics) size.push(`${topic.subtopics} ${plural(topic.subtopics, 'subtopic', 'subtopics')}`);
  const lines = [`**${escapeMarkdown(topic.label)}**`, size.join(' · ')];
  const terms = (topic.terms ?? []).map(oneLine).filter((term) => term !== '').slice(0, TOOLTIP_TERMS);
  if (terms.length > 0) lines.push(`Top terms: ${escapeMarkdown(terms.join(', '))}`);
  lines.push(origin);
  return {
    id: node.id,
    label: topic.label,
    description: String(topic.count),
    tooltip: lines.join('\n\n'),
    icon: indexing ? 'sync~spin' : topic.source === 'catalog' ? 'tag' : topic.source === 'derived' ? 'lightbulb' : 'library',
    contextValue: 'topic',
    collapsible: node.expanded ? 'expanded' : 'collapsed',
  };
}

/** The server's id of the group of papers waiting for the topic model (search/topicTree.ts). */
const INDEXING_TOPIC_ID = 'indexing';
const TOOLTIP_TERMS = 8;

function describePaper(node: PaperNode): NodeView {
  const { paper } = node;
  const hasNote = paper.noteUri !== undefined;
  const hasChildren = hasNote || paper.citingNotes.length > 0 || !!paper.relatedCount;
  const behind = hasNote && paper.annotationsNewer === true;
  const also = oneLine(paper.alsoTopic);
  const marks = [yearAndAuthors(paper), paper.hasPdf ? 'PDF' : '', behind ? 'new annotations' : '', also ? `also: ${also}` : ''].filter((part) => part !== '');
  const view: NodeView = {
    id: node.id,
    label: oneLine(paper.title) || paper.key,
    description: marks.join(' · ') || undefined,
    tooltip: paperTooltip(paper),
    icon: hasNote ? 'notebook' : 'book',
    contextValue: `${hasNote ? 'paperWithNote' : 'paper'}${paper.hasPdf ? '+pdf' : ''}` as NodeContext,
    collapsible: hasChildren ? 'collapsed' : 'none',
    open: openTarget(paper),
  };
  if (behind) view.iconColor = 'charts.orange';
  return view;
}

/** Clicking a paper opens what the user writes in when it exists, otherwise where it is defined. */
export function openTarget(paper: PaperSummary): OpenTarget {
  return paper.noteUri ? { uri: paper.noteUri } : { uri: paper.catalogUri, line: paper.catalogLine };
}

function describeRelated(node: RelatedNode): NodeView {
  return {
    id: node.id,
    label: 'Related',
    description: String(node.count),
    tooltip: `Papers of your library most like this one (${node.count})`,
    icon: 'sparkle',
    contextValue: 'related',
    collapsible: 'collapsed',
  };
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

/** A related paper in the "Show Related Papers" quick pick: title, year and authors, the key (plain text for `pickText`). */
export function relatedPickItem(paper: PaperSummary): { label: string; description?: string; detail: string } {
  const byline = yearAndAuthors(paper);
  return { label: oneLine(paper.title) || paper.key, description: byline || undefined, detail: `@${paper.key}` };
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
  const also = oneLine(paper.alsoTopic);
  if (also) lines.push(`Also fits: ${escapeMarkdown(also)}`);
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

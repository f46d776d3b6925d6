/**
 * The Papers view: a thin `TreeDataProvider` over the server's `litnotes/topics`,
 * `litnotes/topicPapers` and `litnotes/relatedPapers` requests. What each node looks like, and which
 * request gives its children, is decided in treeModel.ts; this file turns it into `TreeItem`s, keeps
 * the filter, and reveals papers.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { paperRequest, relatedPapersRequest, topicPapersRequest, topicsRequest } from '../../../common/protocol';
import { paperSort } from '../config';
import { isZoteroItemLink } from '../zoteroUri';
import { childrenSource, describeNode, filterHeader, paperNode, parentOf, topicNode, type NodeIcon, type PaperNode, type RelatedNode, type TopicNode, type TreeNode } from './treeModel';

const collapsibleStates = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export const papersViewId = 'litnotes.papers';
/** Workspace state: the view was shown once by itself (`showOnce`). */
const shownOnceKey = 'litnotes.papersViewShown';

/** Index changes come in bursts (a save touches a note and its catalog): refresh once per burst. */
const refreshDelayMs = 250;

export class PapersView implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly treeView: vscode.TreeView<TreeNode>;

  private filter = '';
  private topics: TopicNode[] | undefined;
  /** Children fetched from the server per node id, until the next refresh: `reveal` walks them. */
  private readonly children = new Map<string, TreeNode[]>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private shownOnce = false;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.treeView = vscode.window.createTreeView(papersViewId, { treeDataProvider: this, showCollapseAll: true });
  }

  get activeFilter(): string {
    return this.filter;
  }

  async setFilter(filter: string): Promise<void> {
    this.filter = filter.trim();
    await vscode.commands.executeCommand('setContext', 'litnotes.filtered', this.filter !== '');
    this.refreshNow();
  }

  /** Refresh soon, coalescing the calls that arrive in the meantime. */
  refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refreshNow(), refreshDelayMs);
  }

  refreshNow(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.topics = undefined;
    this.children.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const view = describeNode(node);
    const item = new vscode.TreeItem(view.label, collapsibleStates[view.collapsible]);
    item.id = view.id;
    item.description = view.description;
    item.iconPath = new vscode.ThemeIcon(view.icon satisfies NodeIcon, view.iconColor && new vscode.ThemeColor(view.iconColor));
    item.contextValue = view.contextValue;
    if (view.tooltip) item.tooltip = untrustedMarkdown(view.tooltip);
    if (view.open) item.command = openCommand(view.open.uri, view.open.line);
    if (node.kind === 'note') item.resourceUri = vscode.Uri.parse(node.noteUri);
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      return node ? await this.childNodes(node) : await this.topicNodes();
    } catch (error) {
      // The server is restarting or failed this request: show nothing now, the next change or state refreshes.
      this.log.warn(`Papers view: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return parentOf(node);
  }

  /**
   * Shows the paper where the tree lists it (the server says which topics lead there). When the
   * filter hides it, the filter is cleared: the user asked to see that paper.
   */
  async reveal(key: string): Promise<boolean> {
    let node = await this.findPaper(key);
    if (!node && this.filter) {
      await this.setFilter('');
      node = await this.findPaper(key);
    }
    if (!node) return false;
    await this.treeView.reveal(node, { select: true, focus: true, expand: false });
    return true;
  }

  /**
   * Shows the view without taking the focus, the first time a folder is indexed with notes and
   * catalogs: a new user sees beside their notes what LitNotes found. Once per folder.
   */
  async showOnce(memento: vscode.Memento): Promise<void> {
    if (this.shownOnce || memento.get<boolean>(shownOnceKey)) return;
    this.shownOnce = true;
    await memento.update(shownOnceKey, true);
    const [first] = await this.topicNodes();
    if (first) await this.treeView.reveal(first, { select: false, focus: false, expand: false });
  }

  private async findPaper(key: string): Promise<PaperNode | undefined> {
    const client = this.client();
    const path = client ? ((await client.sendRequest(paperRequest, { key }))?.topicPath ?? []) : [];
    let nodes: TreeNode[] = await this.topicNodes();
    for (const topicId of path) {
      const topic = nodes.find((node): node is TopicNode => node.kind === 'topic' && node.topic.id === topicId);
      if (!topic) return undefined; // the filter hides it
      nodes = await this.childNodes(topic);
    }
    return nodes.find((node): node is PaperNode => node.kind === 'paper' && node.paper.key === key);
  }

  private async topicNodes(): Promise<TopicNode[]> {
    if (this.topics) return this.topics;
    const client = this.client();
    if (!client) return [];
    const result = await client.sendRequest(topicsRequest, { filter: this.filter || undefined });
    this.topics = result.topics.map((topic) => topicNode(topic, this.filter));
    const header = filterHeader(this.filter, this.topics.length);
    this.treeView.description = header.description;
    this.treeView.message = header.message;
    return this.topics;
  }

  /** A node's children: subtopics or papers of a topic, a paper's notes and "Related", related papers. */
  private async childNodes(node: TreeNode): Promise<TreeNode[]> {
    const source = childrenSource(node);
    if (source.request === 'none') return source.children;
    const cached = this.children.get(node.id);
    if (cached) return cached;
    const client = this.client();
    if (!client) return [];
    const filter = this.filter || undefined;
    let children: TreeNode[];
    switch (source.request) {
      case 'topics':
        children = (await client.sendRequest(topicsRequest, { filter, parentId: source.parentId })).topics.map((topic) => topicNode(topic, this.filter, node as TopicNode));
        break;
      case 'topicPapers':
        children = (await client.sendRequest(topicPapersRequest, { topicId: source.topicId, filter, sort: paperSort() })).map((paper) => paperNode(node as TopicNode, paper));
        break;
      case 'relatedPapers':
        children = (await client.sendRequest(relatedPapersRequest, { key: source.key })).map((paper) => paperNode(node as RelatedNode, paper));
        break;
    }
    this.children.set(node.id, children);
    return children;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.treeView.dispose();
    this.changed.dispose();
  }
}

/** Catalog text renders as Markdown only escaped (treeModel), untrusted, without HTML or icons. */
function untrustedMarkdown(value: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(value, false);
  markdown.isTrusted = false;
  markdown.supportHtml = false;
  return markdown;
}

/** Opens a workspace file; only `file:` URIs from the server are opened, never another scheme. */
function openCommand(uri: string, line: number | undefined): vscode.Command | undefined {
  // A paper of the Zotero library opens in Zotero (the command checks the link again).
  if (isZoteroItemLink(uri)) return { title: 'Open in Zotero', command: 'litnotes.openInZotero', arguments: [uri] };
  const target = vscode.Uri.parse(uri);
  if (target.scheme !== 'file') return undefined;
  const options: vscode.TextDocumentShowOptions = line === undefined ? { preview: true } : { preview: true, selection: new vscode.Range(line, 0, line, 0) };
  return { title: 'Open', command: 'vscode.open', arguments: [target, options] };
}

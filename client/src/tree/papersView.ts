/**
 * The Papers view: a thin `TreeDataProvider` over the server's `litnotes/topics` and
 * `litnotes/topicPapers` requests. What each node looks like is decided in treeModel.ts; this file
 * turns it into `TreeItem`s, keeps the filter, and reveals papers.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { topicPapersRequest, topicsRequest } from '../../../common/protocol';
import { paperSort } from '../config';
import { describeNode, filterHeader, noteNodes, paperNode, parentOf, topicNode, type NodeIcon, type PaperNode, type TopicNode, type TreeNode } from './treeModel';

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
  /** Papers per topic id, as last fetched: `getParent` and `reveal` read them without a request. */
  private readonly papers = new Map<string, PaperNode[]>();
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
    this.papers.clear();
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
      if (!node) return await this.topicNodes();
      if (node.kind === 'topic') return await this.paperNodes(node.topic.id);
      if (node.kind === 'paper') return noteNodes(node);
      return [];
    } catch (error) {
      // The server is restarting or failed this request: show nothing now, the next index status refreshes.
      this.log.warn(`Papers view: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return parentOf(
      node,
      (topicId, key) => this.papers.get(topicId)?.find((paper) => paper.paper.key === key),
      (topicId) => this.topics?.find((topic) => topic.topic.id === topicId),
    );
  }

  /**
   * Shows the paper in the first topic that lists it. When the filter hides it, the filter is
   * cleared: the user asked to see that paper.
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
    for (const topic of await this.topicNodes()) {
      const found = (await this.paperNodes(topic.topic.id)).find((paper) => paper.paper.key === key);
      if (found) return found;
    }
    return undefined;
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

  private async paperNodes(topicId: string): Promise<PaperNode[]> {
    const cached = this.papers.get(topicId);
    if (cached) return cached;
    const client = this.client();
    if (!client) return [];
    const papers = await client.sendRequest(topicPapersRequest, { topicId, filter: this.filter || undefined, sort: paperSort() });
    const nodes = papers.map((paper) => paperNode(topicId, paper));
    this.papers.set(topicId, nodes);
    return nodes;
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
  const target = vscode.Uri.parse(uri);
  if (target.scheme !== 'file') return undefined;
  const options: vscode.TextDocumentShowOptions = line === undefined ? { preview: true } : { preview: true, selection: new vscode.Range(line, 0, line, 0) };
  return { title: 'Open', command: 'vscode.open', arguments: [target, options] };
}

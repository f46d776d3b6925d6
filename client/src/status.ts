/**
 * The status-bar item and the Markdown language status item: how many papers, indexing, catalog
 * problems. Lives as long as the extension; each server process feeds it `IndexStatus` updates.
 */
import * as vscode from 'vscode';
import type { IndexStatus, ZoteroStatus } from '../../common/protocol';
import { statusView } from './statusModel';

export class IndexStatusDisplay implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('litnotes.status', vscode.StatusBarAlignment.Left, 10);
  private readonly language = vscode.languages.createLanguageStatusItem('litnotes.language', { language: 'markdown' });

  constructor() {
    this.item.name = 'LitNotes';
    this.language.name = 'LitNotes';
    this.update(undefined);
    this.item.show();
  }

  update(status: IndexStatus | undefined): void {
    const view = statusView(status, (uri) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri), true));
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.click === 'showProblems'
      ? { title: 'Show Problems', command: 'workbench.actions.view.problems' }
      : view.click === 'showOutput'
        ? { title: 'Show Output', command: 'litnotes.showOutput' }
        : { title: 'Show Papers', command: 'litnotes.papers.focus' };
    this.item.backgroundColor = undefined;
    this.language.text = view.text;
    this.language.detail = status ? 'LitNotes' : undefined;
    this.language.busy = view.busy;
    this.language.severity = view.click === 'focusPapers' ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Warning;
    this.language.command = { title: this.item.command.title, command: this.item.command.command };
  }

  /** The server is gone and not coming back by itself: say so instead of showing stale counts. */
  stopped(): void {
    this.item.text = '$(error) LitNotes stopped';
    this.item.tooltip = 'The LitNotes server stopped. Click to see its output.';
    this.item.command = { title: 'Show Output', command: 'litnotes.showOutput' };
    this.language.text = 'LitNotes stopped';
    this.language.busy = false;
    this.language.severity = vscode.LanguageStatusSeverity.Error;
    this.language.command = { title: 'Show Output', command: 'litnotes.showOutput' };
  }

  dispose(): void {
    this.item.dispose();
    this.language.dispose();
  }
}

/**
 * One message per session when the Zotero library cannot be read (Zotero closed, its local API
 * off, an error): the status item keeps saying it afterwards, without more pop-ups.
 */
export class ZoteroNotice {
  private shown = false;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  update(zotero: ZoteroStatus | undefined): void {
    if (this.shown || !zotero || !['unreachable', 'localApiOff', 'error'].includes(zotero.state)) return;
    this.shown = true;
    void vscode.window.showWarningMessage(zotero.message, 'Show Output').then((choice) => {
      if (choice) this.log.show();
    });
  }
}

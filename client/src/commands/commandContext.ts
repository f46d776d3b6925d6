/**
 * What commands need from the extension: the running client, the Papers view and the log. Commands
 * are registered once per extension; they look up the client when they run, so a restarted
 * server is picked up without registering anything again.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PapersView } from '../tree/papersView';

export interface CommandContext {
  /** The client when its server is running, otherwise undefined. */
  client(): LanguageClient | undefined;
  papers: PapersView;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  /** The extension's global state: answers the user gave that outlive a session. */
  state: vscode.Memento;
  restartServer(): Promise<void>;
}

/** The running client, or undefined after telling the user why the command cannot run. */
export function runningClient(ctx: CommandContext): LanguageClient | undefined {
  const client = ctx.client();
  if (!client) {
    void vscode.window.showWarningMessage('The LitNotes server is not running yet.', 'Show Output').then((choice) => {
      if (choice) ctx.log.show();
    });
  }
  return client;
}

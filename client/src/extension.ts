/**
 * The composition root. What lives as long as the extension (log, status, Papers view, commands,
 * configuration listener) is created here once; what lives as long as one server process is in a
 * `ServerSession`, replaced as a whole on "Restart Server".
 *
 * LitNotes runs no workspace code (templates are logic-less Mustache, styles are CSL data), so it
 * works in Restricted Mode.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { IndexStatus } from '../../common/protocol';
import { registerCommands } from './commands/registerCommands';
import { section } from './config';
import { ServerSession } from './serverSession';
import { IndexStatusDisplay, ZoteroNotice } from './status';
import { PapersView } from './tree/papersView';
import { ViewRefresh } from './tree/viewRefresh';

/** What `activate` returns, for integration tests and other extensions. */
export interface LitNotesApi {
  /** The current language client (changes on restart). */
  client(): LanguageClient | undefined;
  /** Resolves when the server first reports a `ready` index. */
  ready: Promise<void>;
}

let session: ServerSession | undefined;

export function activate(context: vscode.ExtensionContext): LitNotesApi {
  const log = vscode.window.createOutputChannel('LitNotes', { log: true });
  const status = new IndexStatusDisplay();
  const papers = new PapersView(() => session?.running(), log);
  const zoteroNotice = new ZoteroNotice(log);
  context.subscriptions.push(log, status, papers);
  const viewRefresh = new ViewRefresh(() => papers.refresh());

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const onStatus = (index: IndexStatus) => {
    status.update(index);
    void setContext('litnotes.state', index.state);
    void setContext('litnotes.hasCatalog', index.catalogs.length > 0);
    void setContext('litnotes.zoteroAvailable', index.zotero?.state === 'off' && index.zotero.available === true);
    void setContext('litnotes.zoteroEnabled', !!index.zotero && index.zotero.state !== 'off');
    zoteroNotice.update(index.zotero);
    viewRefresh.status(index);
    if (index.state === 'ready') markReady();
    if (index.state === 'ready' && index.papers > 0 && index.notes > 0) void papers.showOnce(context.workspaceState);
  };
  const onStopped = () => {
    status.stopped();
    viewRefresh.reset();
    void setContext('litnotes.state', 'stopped');
    papers.refreshNow();
  };

  const start = async () => {
    void setContext('litnotes.state', 'starting');
    const next = new ServerSession(
      context.extensionUri,
      log,
      { status: onStatus, papersChanged: (change) => viewRefresh.papersChanged(change), stopped: onStopped },
      context.storageUri ?? context.globalStorageUri,
    );
    session = next;
    try {
      await next.start();
    } catch (error) {
      log.error(`The LitNotes server did not start: ${error instanceof Error ? error.message : String(error)}`);
      if (session === next) onStopped();
    }
  };
  const restartServer = async () => {
    const previous = session;
    session = undefined;
    status.update(undefined);
    viewRefresh.reset();
    papers.refreshNow();
    await previous?.dispose();
    log.info('Restarting the LitNotes server');
    await start();
    papers.refreshNow();
  };

  context.subscriptions.push(
    ...registerCommands({ client: () => session?.running(), papers, log, extensionUri: context.extensionUri, state: context.globalState, restartServer }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The server gets the new settings by itself (didChangeConfiguration); the view re-asks for papers.
      if (event.affectsConfiguration(section)) papers.refresh();
    }),
    { dispose: () => void session?.dispose() },
  );

  void setContext('litnotes.filtered', false);
  void start();
  return { client: () => session?.client, ready };
}

export async function deactivate(): Promise<void> {
  const current = session;
  session = undefined;
  await current?.dispose();
}

function setContext(key: string, value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}

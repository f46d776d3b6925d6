/**
 * The Zotero library in the editor: "Cite from Zotero" (Better BibTeX's picker, through the
 * server), "Use Zotero Library" (the welcome view's offer), "Open in Zotero", and opening the
 * `zotero://select/…` links go to definition and the Papers view point at — only those.
 *
 * Go to definition on a Zotero paper makes VS Code open the link as a document: a provider gives it
 * one line of text, and when it becomes the active editor (a real navigation, not a hover preview)
 * the item opens in Zotero and the document closes again.
 */
import * as vscode from 'vscode';
import { paperRequest, zoteroCiteRequest } from '../../../common/protocol';
import { section } from '../config';
import { isZoteroItemLink, openingText } from '../zoteroUri';
import { runningClient, type CommandContext } from './commandContext';
import { targetKey } from './paperTarget';

export function registerZoteroCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerTextEditorCommand('litnotes.citeFromZotero', (editor) => citeFromZotero(ctx, editor)),
    vscode.commands.registerCommand('litnotes.useZotero', () => useZotero(ctx)),
    vscode.commands.registerCommand('litnotes.openInZotero', (arg: unknown) => openPaperInZotero(ctx, arg)),
    vscode.workspace.registerTextDocumentContentProvider('zotero', { provideTextDocumentContent: (uri) => openingText(uri.toString(true)) }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor?.document.uri.scheme === 'zotero') void openFromEditor(ctx, editor.document.uri);
    }),
  ];
}

/** Opens a link the server built in Zotero; any other is refused (and logged). */
export async function openInZotero(ctx: Pick<CommandContext, 'log'>, link: string): Promise<boolean> {
  if (!isZoteroItemLink(link)) {
    ctx.log.warn(`Not opened: ${JSON.stringify(link.slice(0, 200))} is not a link to an item of your Zotero library.`);
    return false;
  }
  const opened = await vscode.env.openExternal(vscode.Uri.parse(link, true));
  if (!opened) void vscode.window.showWarningMessage('Zotero did not open: is Zotero installed on this computer?');
  return opened;
}

async function openFromEditor(ctx: CommandContext, uri: vscode.Uri): Promise<void> {
  await openInZotero(ctx, uri.toString(true));
  // The document only stood for the link: back to where the user was.
  const tab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  if (tab) await vscode.window.tabGroups.close(tab);
}

async function openPaperInZotero(ctx: CommandContext, arg: unknown): Promise<void> {
  if (typeof arg === 'string') {
    await openInZotero(ctx, arg);
    return;
  }
  const client = runningClient(ctx);
  if (!client) return;
  const key = await targetKey(client, arg, 'Open in Zotero');
  if (!key) return;
  const paper = await client.sendRequest(paperRequest, { key });
  if (!paper || !isZoteroItemLink(paper.catalogUri)) {
    void vscode.window.showInformationMessage(`“${key}” is not a paper of your Zotero library.`);
    return;
  }
  await openInZotero(ctx, paper.catalogUri);
}

async function citeFromZotero(ctx: CommandContext, editor: vscode.TextEditor): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  let text: string;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Pick the papers to cite in Zotero…', cancellable: true },
      (_progress, token) => client.sendRequest(zoteroCiteRequest, undefined, token),
    );
    text = result.text;
  } catch (error) {
    if (error instanceof vscode.CancellationError || (error as { code?: number }).code === -32800) return;
    void vscode.window.showWarningMessage(`Cite from Zotero: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (text === '') {
    vscode.window.setStatusBarMessage('Nothing picked in Zotero.', 3000);
    return;
  }
  if (editor.document.isClosed) return;
  await editor.edit((builder) => {
    for (const selection of editor.selections) builder.replace(selection, text);
  });
}

/** Turns the Zotero library on: in the workspace's settings when it sets the option, else the user's. */
async function useZotero(ctx: CommandContext): Promise<void> {
  const config = vscode.workspace.getConfiguration(section);
  const inspected = config.inspect<boolean>('zotero.enabled');
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('zotero.enabled', true, target);
  ctx.log.info('The Zotero library is on (litnotes.zotero.enabled).');
}

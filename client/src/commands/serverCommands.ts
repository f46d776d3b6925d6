/** Commands about LitNotes itself: restart the server, show its output, get started. */
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { sampleCatalog } from './sampleCatalog';

export function registerServerCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('litnotes.restartServer', () => ctx.restartServer()),
    vscode.commands.registerCommand('litnotes.showOutput', () => ctx.log.show()),
    vscode.commands.registerCommand('litnotes.createSampleCatalog', () => createSampleCatalog(ctx)),
    vscode.commands.registerCommand('litnotes.openCatalogSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'litnotes.catalogs')),
    vscode.commands.registerCommand('litnotes.showSetup', () => showSetup(ctx)),
  ];
}

/** Writes `references.bib` at the root of a workspace folder, unless it exists; then opens it. */
async function createSampleCatalog(ctx: CommandContext): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const target = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where to create references.bib' }) : folders[0];
  if (!target) {
    void vscode.window.showWarningMessage('Open a folder first: LitNotes keeps the catalog in your workspace.');
    return;
  }
  const uri = vscode.Uri.joinPath(target.uri, 'references.bib');
  try {
    await vscode.workspace.fs.stat(uri);
    void vscode.window.showInformationMessage('references.bib already exists: LitNotes opened it and left it unchanged.');
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(sampleCatalog));
    ctx.log.info(`Created the sample catalog ${uri.fsPath}`);
  }
  await vscode.window.showTextDocument(uri);
}

/** The README's setup section, from the packaged README, rendered as a Markdown preview. */
async function showSetup(ctx: CommandContext): Promise<void> {
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(ctx.extensionUri, 'README.md'));
}

/**
 * Commands on one paper: open or create its literature note, open its links, copy its key or
 * formatted reference, go to its catalog entry, list the notes citing it or its related papers.
 * All paper data comes from the server; the client never reads a catalog.
 */
import * as vscode from 'vscode';
import { formatReferenceRequest, newNoteRequest, paperRequest, relatedPapersRequest, type PaperDetails } from '../../../common/protocol';
import { citationStyle } from '../config';
import { pickText } from '../plainText';
import { openTarget, relatedPickItem } from '../tree/treeModel';
import { runningClient, type CommandContext } from './commandContext';
import { paperLinks } from './paperLinks';
import { targetKey } from './paperTarget';
import { openInZotero } from './zoteroCommands';
import { isZoteroItemLink } from '../zoteroUri';

export function registerPaperCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('litnotes.openNote', (arg: unknown) => openNote(ctx, arg)),
    vscode.commands.registerCommand('litnotes.createNote', (arg: unknown) => createNote(ctx, arg)),
    vscode.commands.registerCommand('litnotes.openPaperLink', (arg: unknown) => openPaperLink(ctx, arg)),
    vscode.commands.registerCommand('litnotes.copyKey', (arg: unknown) => copyKey(ctx, arg)),
    vscode.commands.registerCommand('litnotes.copyReference', (arg: unknown) => copyReference(ctx, arg)),
    vscode.commands.registerCommand('litnotes.goToCatalogEntry', (arg: unknown) => goToCatalogEntry(ctx, arg)),
    vscode.commands.registerCommand('litnotes.showCitingNotes', (arg: unknown) => showCitingNotes(ctx, arg)),
    vscode.commands.registerCommand('litnotes.showRelatedPapers', (arg: unknown) => showRelatedPapers(ctx, arg)),
  ];
}

/** The paper the command is about, with its details; undefined when there is none (already said). */
async function targetPaper(ctx: CommandContext, arg: unknown, title: string): Promise<PaperDetails | undefined> {
  const client = runningClient(ctx);
  if (!client) return undefined;
  const key = await targetKey(client, arg, title);
  if (!key) return undefined;
  const paper = await client.sendRequest(paperRequest, { key });
  if (!paper) void vscode.window.showWarningMessage(`No paper with the key “${key}” in the catalogs.`);
  return paper ?? undefined;
}

async function openNote(ctx: CommandContext, arg: unknown): Promise<void> {
  const paper = await targetPaper(ctx, arg, 'Open Literature Note');
  if (!paper) return;
  if (paper.noteUri) {
    await openFile(paper.noteUri);
    return;
  }
  const create = 'Create Literature Note';
  const choice = await vscode.window.showInformationMessage(`“${paper.key}” has no literature note yet.`, create);
  if (choice === create) await createNoteFor(ctx, paper.key);
}

async function createNote(ctx: CommandContext, arg: unknown): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  const key = await targetKey(client, arg, 'Create Literature Note');
  if (key) await createNoteFor(ctx, key);
}

/**
 * Creates the note the server describes and opens it. An existing file is opened, never
 * overwritten, whatever the server says; the file must be inside a workspace folder.
 */
async function createNoteFor(ctx: CommandContext, key: string): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  const note = await client.sendRequest(newNoteRequest, { key });
  if (!note) {
    void vscode.window.showWarningMessage(`No paper with the key “${key}” in the catalogs.`);
    return;
  }
  const uri = vscode.Uri.parse(note.uri);
  if (uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(uri)) {
    void vscode.window.showErrorMessage(`LitNotes will not create a note outside the workspace: ${uri.fsPath}. Check the setting litnotes.notesFolder.`);
    return;
  }
  if (!note.exists && !(await fileExists(uri))) {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(note.content));
    ctx.log.info(`Created the literature note ${uri.fsPath}`);
  }
  await openFile(note.uri);
  ctx.papers.refresh();
}

async function openPaperLink(ctx: CommandContext, arg: unknown): Promise<void> {
  const paper = await targetPaper(ctx, arg, 'Open Paper Link');
  if (!paper) return;
  const links = paperLinks(paper);
  if (links.length === 0) {
    void vscode.window.showInformationMessage(`“${paper.key}” has no DOI, arXiv id, URL or code link.`);
    return;
  }
  const chosen = links.length === 1
    ? links[0]
    : (await vscode.window.showQuickPick(links.map((link) => ({ label: link.kind, description: pickText(link.url), link })), { title: `Links of ${paper.key}` }))?.link;
  // paperLinks only returns http(s) URLs; this parse cannot produce a command: or file: URI.
  if (chosen) await vscode.env.openExternal(vscode.Uri.parse(chosen.url, true));
}

async function copyKey(ctx: CommandContext, arg: unknown): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  const key = await targetKey(client, arg, 'Copy Citation Key');
  if (!key) return;
  await vscode.env.clipboard.writeText(key);
  vscode.window.setStatusBarMessage(`Copied ${key}`, 3000);
}

async function copyReference(ctx: CommandContext, arg: unknown): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  const key = await targetKey(client, arg, 'Copy Formatted Reference');
  if (!key) return;
  const reference = await client.sendRequest(formatReferenceRequest, { keys: [key], style: citationStyle(), format: 'text' });
  if (!reference.text.trim()) {
    void vscode.window.showWarningMessage(`Could not format a reference for “${key}”.`);
    return;
  }
  await vscode.env.clipboard.writeText(reference.text.trim());
  vscode.window.setStatusBarMessage(`Copied the reference of ${key}`, 3000);
}

async function goToCatalogEntry(ctx: CommandContext, arg: unknown): Promise<void> {
  const paper = await targetPaper(ctx, arg, 'Go to Catalog Entry');
  if (!paper) return;
  // A paper of the Zotero library is written in Zotero.
  if (isZoteroItemLink(paper.catalogUri)) {
    await openInZotero(ctx, paper.catalogUri);
    return;
  }
  const { start, end } = paper.catalogRange;
  await openFile(paper.catalogUri, new vscode.Range(start.line, start.character, end.line, end.character));
}

async function showCitingNotes(ctx: CommandContext, arg: unknown): Promise<void> {
  const paper = await targetPaper(ctx, arg, 'Show Notes Citing This Paper');
  if (!paper) return;
  if (paper.citingNotes.length === 0) {
    void vscode.window.showInformationMessage(`No note cites “${paper.key}” yet.`);
    return;
  }
  const items = paper.citingNotes.map((note) => {
    const uri = vscode.Uri.parse(note);
    return { label: pickText(uri.path.slice(uri.path.lastIndexOf('/') + 1)), description: pickText(vscode.workspace.asRelativePath(uri, true)), note };
  });
  const chosen = await vscode.window.showQuickPick(items, { title: `Notes citing ${paper.key}`, matchOnDescription: true });
  if (chosen) await openFile(chosen.note);
}

/** The papers the topic model found most like this one; the one chosen opens as in the Papers view. */
async function showRelatedPapers(ctx: CommandContext, arg: unknown): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  const key = await targetKey(client, arg, 'Show Related Papers');
  if (!key) return;
  const related = await client.sendRequest(relatedPapersRequest, { key });
  if (related.length === 0) {
    void vscode.window.showInformationMessage(`LitNotes found no related papers for “${key}” (yet: topics may still be computed).`);
    return;
  }
  const items = related.map((paper) => {
    const item = relatedPickItem(paper);
    return { label: pickText(item.label), description: pickText(item.description) || undefined, detail: pickText(item.detail), paper };
  });
  const chosen = await vscode.window.showQuickPick(items, { title: `Papers related to ${key}`, matchOnDescription: true, matchOnDetail: true });
  if (!chosen) return;
  const target = openTarget(chosen.paper);
  await openFile(target.uri, target.line === undefined ? undefined : new vscode.Range(target.line, 0, target.line, 0));
}

/** Opens a file the server pointed at; anything but a `file:` URI is refused. */
export async function openFile(uri: string, selection?: vscode.Range): Promise<void> {
  const target = vscode.Uri.parse(uri);
  if (target.scheme !== 'file') return;
  await vscode.window.showTextDocument(target, { selection, preview: false });
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

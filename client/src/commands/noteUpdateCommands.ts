/**
 * "Update Literature Note" (the note in the editor) and "Update All Literature Notes": the server
 * computes the new generated block (`litnotes/updateNote(s)`); this file shows the difference when
 * the user edited a block by hand, asks, and applies the edits as a WorkspaceEdit. Nothing outside
 * the block changes: the edit the server sends covers the block's lines only.
 */
import * as vscode from 'vscode';
import { updateNoteRequest, updateNotesRequest, type NoteUpdate } from '../../../common/protocol';
import type { TreeNode } from '../tree/treeModel';
import { runningClient, type CommandContext } from './commandContext';

/** The proposed note texts the difference view shows (a virtual, read-only document each). */
const proposalScheme = 'litnotes-proposal';
const proposals = new Map<string, string>();

export function registerNoteUpdateCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(proposalScheme, { provideTextDocumentContent: (uri) => proposals.get(uri.toString()) ?? '' }),
    vscode.commands.registerCommand('litnotes.updateNote', (arg: unknown) => updateNote(ctx, arg)),
    vscode.commands.registerCommand('litnotes.updateAllNotes', () => updateAllNotes(ctx)),
  ];
}

/** Resolves to the status of the update (for tests and other extensions). */
async function updateNote(ctx: CommandContext, arg: unknown): Promise<NoteUpdate['status'] | undefined> {
  const client = runningClient(ctx);
  if (!client) return undefined;
  const target = arg instanceof vscode.Uri ? arg : treeNoteUri(arg) ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') {
    void vscode.window.showInformationMessage('Open a literature note to update it.');
    return undefined;
  }
  const result = await client.sendRequest(updateNoteRequest, { uri: client.code2ProtocolConverter.asUri(target) });
  ctx.log.info(`Update Literature Note ${vscode.workspace.asRelativePath(target)}: ${result.status}${result.message ? ` (${result.message})` : ''}`);
  switch (result.status) {
    case 'unchanged':
      vscode.window.setStatusBarMessage(`The note of ${result.key} is up to date`, 4000);
      return result.status;
    case 'updated':
      if (await apply(ctx, [result])) vscode.window.setStatusBarMessage(`Updated the note of ${result.key}`, 4000);
      return result.status;
    case 'edited':
      return (await confirmOverwrite(ctx, result)) ? result.status : undefined;
    case 'noBlock': {
      const add = 'Add Generated Block';
      const choice = await vscode.window.showInformationMessage(`${result.message} Add one at the end of the note? What you wrote stays as it is.`, add);
      if (choice === add) await apply(ctx, [result]);
      return result.status;
    }
    default:
      void vscode.window.showWarningMessage(result.message ?? 'LitNotes cannot update this note.');
      return result.status;
  }
}

/** The literature note of a Papers view node (a paper with a note, or the note itself). */
function treeNoteUri(arg: unknown): vscode.Uri | undefined {
  const node = arg as Partial<TreeNode> | undefined;
  if (node?.kind === 'paper' && node.paper?.noteUri) return vscode.Uri.parse(node.paper.noteUri);
  if (node?.kind === 'note' && node.isLiteratureNote && node.noteUri) return vscode.Uri.parse(node.noteUri);
  return undefined;
}

async function updateAllNotes(ctx: CommandContext): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Updating literature notes…' }, () => client.sendRequest(updateNotesRequest, undefined));
  const count = (status: NoteUpdate['status']) => results.filter((r) => r.status === status);
  const updated = count('updated');
  if (updated.length > 0) await apply(ctx, updated, true);
  const edited = count('edited');
  const parts = [`${updated.length} updated`, `${count('unchanged').length} up to date`];
  if (edited.length) parts.push(`${edited.length} edited by hand`);
  if (count('noBlock').length) parts.push(`${count('noBlock').length} without a generated block`);
  if (count('broken').length) parts.push(`${count('broken').length} with damaged markers`);
  ctx.log.info(`Update All Literature Notes: ${parts.join(', ')}`);
  for (const broken of count('broken')) ctx.log.warn(`${vscode.Uri.parse(broken.uri).fsPath}: ${broken.message}`);
  if (edited.length === 0) {
    void vscode.window.showInformationMessage(`Literature notes: ${parts.join(', ')}.`);
    return;
  }
  const review = 'Review Each';
  const choice = await vscode.window.showWarningMessage(`Literature notes: ${parts.join(', ')}. The edited blocks were left as they are.`, review);
  if (choice === review) for (const result of edited) if (!(await confirmOverwrite(ctx, result))) break;
}

/** Shows the difference the update makes to a hand-edited block and asks; true when replaced. */
async function confirmOverwrite(ctx: CommandContext, result: NoteUpdate): Promise<boolean> {
  const target = vscode.Uri.parse(result.uri);
  const proposal = vscode.Uri.from({ scheme: proposalScheme, path: target.path, query: String(Date.now()) });
  proposals.set(proposal.toString(), result.newText ?? '');
  try {
    await vscode.commands.executeCommand('vscode.diff', target, proposal, `${vscode.workspace.asRelativePath(target)}: your note ↔ after the update`, { preview: true });
    const replace = 'Replace the Block';
    const choice = await vscode.window.showWarningMessage(
      `${result.message ?? 'The generated block was edited by hand.'} Replace it with what the catalog says now?`,
      { modal: true, detail: 'The difference is open beside. Only the block between the litnotes markers changes; write your own text outside it to keep it across updates.' },
      replace,
    );
    if (choice !== replace) {
      ctx.log.info(`Update Literature Note ${target.fsPath}: kept the hand-edited block`);
      return false;
    }
    return apply(ctx, [result]);
  } finally {
    // The difference was only for the question: close it, back to the note.
    const diffs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.toString());
    await vscode.window.tabGroups.close(diffs);
    proposals.delete(proposal.toString());
  }
}

/**
 * One WorkspaceEdit for all the notes' block edits. A note whose text changed since the server
 * computed the edit is skipped (its block may have moved). `save`: notes that were not open with
 * unsaved changes are saved (an update of all notes should not leave a hundred dirty editors).
 */
async function apply(ctx: CommandContext, results: NoteUpdate[], save = false): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  const documents: vscode.TextDocument[] = [];
  for (const result of results) {
    if (!result.edit) continue;
    const uri = vscode.Uri.parse(result.uri);
    if (uri.scheme !== 'file') continue;
    const document = await vscode.workspace.openTextDocument(uri);
    if (result.oldText !== undefined && document.getText() !== result.oldText) {
      ctx.log.warn(`${uri.fsPath} changed while it was being updated: run Update Literature Note again.`);
      continue;
    }
    const { start, end } = result.edit.range;
    edit.replace(uri, new vscode.Range(start.line, start.character, end.line, end.character), result.edit.newText);
    if (save && !document.isDirty) documents.push(document);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) void vscode.window.showErrorMessage('LitNotes could not apply the update of the literature notes.');
  if (applied) for (const document of documents) await document.save();
  ctx.papers.refresh();
  return applied;
}

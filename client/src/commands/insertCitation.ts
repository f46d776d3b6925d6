/**
 * "Insert Citation…": pick papers with the server's full-text search, then write `[@a; @b]` at
 * each cursor, or `@a; @b` when the cursor is already inside a citation (citationInsertion.ts).
 */
import * as vscode from 'vscode';
import { runningClient, type CommandContext } from './commandContext';
import { citationInsertion } from './citationInsertion';
import { pickPapers } from './paperPick';

export function registerInsertCitation(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerTextEditorCommand('litnotes.insertCitation', async (editor) => {
    const client = runningClient(ctx);
    if (!client) return;
    const papers = await pickPapers(client, { title: 'Insert Citation', canSelectMany: true });
    if (!papers || editor.document.isClosed) return;
    const keys = papers.map((paper) => paper.key);
    await editor.edit((builder) => {
      for (const selection of editor.selections) {
        const { range, text } = insertionAt(editor.document, selection, keys);
        builder.replace(range, text);
      }
    });
  });
}

/**
 * The edit for one selection. Selected text is replaced by the citation, so the line is looked at
 * as if the selection were already gone, and the edit's end is mapped back past the selection.
 */
function insertionAt(document: vscode.TextDocument, selection: vscode.Selection, keys: readonly string[]): { range: vscode.Range; text: string } {
  const { start, end } = selection;
  const line = document.lineAt(start.line).text;
  const rest = selection.isSingleLine ? line.slice(end.character) : '';
  const edit = citationInsertion(line.slice(0, start.character) + rest, start.character, keys);
  // A multi-line selection looks at its first line only, so the edit ends where the selection starts.
  const editEnd = selection.isSingleLine ? new vscode.Position(start.line, edit.end + (end.character - start.character)) : end;
  return { range: new vscode.Range(new vscode.Position(start.line, edit.start), editEnd), text: edit.text };
}

/**
 * Which paper a command acts on: the tree node it was invoked on, else the citation under the
 * cursor (`litnotes/citationAt`, in a note or on a catalog entry), else one the user picks.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { citationAtRequest } from '../../../common/protocol';
import type { TreeNode } from '../tree/treeModel';
import { pickPapers } from './paperPick';

export async function targetKey(client: LanguageClient, arg: unknown, title: string): Promise<string | undefined> {
  const fromTree = treeNodeKey(arg);
  if (fromTree) return fromTree;
  const underCursor = await keyUnderCursor(client);
  if (underCursor) return underCursor;
  const picked = await pickPapers(client, { title, canSelectMany: false });
  return picked?.[0]?.key;
}

/** The key under the active editor's cursor, if it is on a citation or a catalog entry. */
export async function keyUnderCursor(client: LanguageClient): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file') return undefined;
  const position = editor.selection.active;
  const result = await client.sendRequest(citationAtRequest, {
    uri: client.code2ProtocolConverter.asUri(editor.document.uri),
    position: { line: position.line, character: position.character },
  });
  return result?.key;
}

/** The key of a tree node, or of `{ key }` as hover links and code actions pass it. */
export function treeNodeKey(arg: unknown): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  if (!('kind' in arg)) return 'key' in arg && typeof arg.key === 'string' && arg.key !== '' ? arg.key : undefined;
  const node = arg as TreeNode;
  if (node.kind === 'paper') return node.paper.key;
  if (node.kind === 'note') return node.key;
  return undefined;
}

/**
 * The client's view of the LitNotes settings, read in one place. The server validates and uses
 * the same settings (it pulls them with `workspace/configuration`); the client only needs a few,
 * and passes the rest along untouched.
 */
import * as vscode from 'vscode';
import type { PaperSort } from '../../common/protocol';
import type { OpenWith } from './pdf/openPlan';

export const section = 'litnotes';

const sorts: readonly PaperSort[] = ['title', 'year', 'cited'];

export function paperSort(): PaperSort {
  const value = vscode.workspace.getConfiguration(section).get<string>('papers.sort');
  return sorts.find((sort) => sort === value) ?? 'title';
}

export async function setPaperSort(sort: PaperSort): Promise<void> {
  // A workspace setting when there is a workspace: the sort belongs to this paper collection.
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(section).update('papers.sort', sort, target);
}

const pdfOpeners: readonly OpenWith[] = ['auto', 'vscode', 'system', 'zotero'];

export function pdfOpenWith(): OpenWith {
  const value = vscode.workspace.getConfiguration(section).get<string>('pdf.openWith');
  return pdfOpeners.find((opener) => opener === value) ?? 'auto';
}

export function citationStyle(): string {
  return vscode.workspace.getConfiguration(section).get<string>('citationStyle')?.trim() || 'apa';
}

/** The `litnotes` section as plain JSON, for the server's initialization options. */
export function settingsForServer(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(section);
  // Round-trip through JSON: the configuration object carries methods the server cannot receive.
  const plain = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  return plain;
}

/** VS Code's `files.exclude` globs that are switched on, so the server skips them too. */
export function filesExclude(): string[] {
  const globs = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(globs)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/** What the server receives in `initialize`: the settings, and `files.exclude` as a list of globs. */
export interface InitializationOptions {
  settings: Record<string, unknown>;
  filesExclude: string[];
  /**
   * VS Code highlights the letters of a completion's key that match the text between the edit's
   * start and the cursor, even when the paper matched on its title: asking for edits that start at
   * the cursor leaves that text empty, so no letter is highlighted at random and the server's order stays.
   */
  completionEditStartsAtCursor: true;
  /** Client commands the server may put in hovers and code actions (server/src/features/clientCommands.ts). */
  commands: string[];
}

export function initializationOptions(): InitializationOptions {
  return { settings: settingsForServer(), filesExclude: filesExclude(), completionEditStartsAtCursor: true, commands: ['litnotes.openPdf'] };
}

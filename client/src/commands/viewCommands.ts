/** Commands of the Papers view: reveal, filter, sort, refresh. */
import * as vscode from 'vscode';
import type { PaperSort } from '../../../common/protocol';
import { paperSort, setPaperSort } from '../config';
import { runningClient, type CommandContext } from './commandContext';
import { keyUnderCursor, targetKey } from './paperTarget';

export function registerViewCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('litnotes.revealInPapers', (arg: unknown) => revealInPapers(ctx, arg)),
    vscode.commands.registerCommand('litnotes.filterPapers', () => filterPapers(ctx)),
    vscode.commands.registerCommand('litnotes.clearFilter', () => ctx.papers.setFilter('')),
    vscode.commands.registerCommand('litnotes.sortPapers', () => sortPapers()),
    vscode.commands.registerCommand('litnotes.refreshPapers', () => ctx.papers.refreshNow()),
  ];
}

async function revealInPapers(ctx: CommandContext, arg: unknown): Promise<void> {
  const client = runningClient(ctx);
  if (!client) return;
  // From the editor the citation under the cursor is meant; the picker is the palette's fallback.
  const key = (await keyUnderCursor(client)) ?? (await targetKey(client, arg, 'Reveal in Papers'));
  if (!key) return;
  if (!(await ctx.papers.reveal(key))) void vscode.window.showInformationMessage(`“${key}” is not in the Papers view.`);
}

async function filterPapers(ctx: CommandContext): Promise<void> {
  const filter = await vscode.window.showInputBox({
    title: 'Filter Papers',
    prompt: 'Words to search in titles, authors, abstracts, keywords and keys (the same search as completion). Empty clears the filter.',
    value: ctx.papers.activeFilter,
    placeHolder: 'e.g. gaussian splatting 2023',
  });
  if (filter !== undefined) await ctx.papers.setFilter(filter);
}

const sortChoices: { sort: PaperSort; label: string; detail: string }[] = [
  { sort: 'title', label: 'Title', detail: 'Alphabetically by title' },
  { sort: 'year', label: 'Year', detail: 'Newest first' },
  { sort: 'cited', label: 'Times Cited', detail: 'Papers cited by the most notes first' },
];

/** Changes the setting; the configuration listener refreshes the view. */
async function sortPapers(): Promise<void> {
  const current = paperSort();
  const items = sortChoices.map((choice) => ({ ...choice, description: choice.sort === current ? 'current' : undefined }));
  const chosen = await vscode.window.showQuickPick(items, { title: 'Sort Papers By', placeHolder: 'The order of papers within each topic' });
  if (chosen && chosen.sort !== current) await setPaperSort(chosen.sort);
}

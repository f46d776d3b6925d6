/**
 * A quick pick that searches papers on the server as the user types (`litnotes/searchPapers`, the
 * same full-text search as completion), used by "Insert Citation…" and by every paper command run
 * from the palette without a citation under the cursor.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { searchPapersRequest, type PaperSummary } from '../../../common/protocol';
import { pickText } from '../plainText';
import { yearAndAuthors } from '../tree/treeModel';

const searchDelayMs = 80;
const resultLimit = 50;

interface PaperItem extends vscode.QuickPickItem {
  paper: PaperSummary;
}

export interface PaperPickOptions {
  title: string;
  canSelectMany: boolean;
}

export function pickPapers(client: LanguageClient, options: PaperPickOptions): Promise<PaperSummary[] | undefined> {
  const pick = vscode.window.createQuickPick<PaperItem>();
  pick.title = options.title;
  pick.placeholder = 'Search papers by title, author, year, abstract or key';
  pick.canSelectMany = options.canSelectMany;
  // The server already matched and ranked: VS Code must not filter again (`alwaysShow` on every
  // item). Its label sort still lifts keys containing the query to the top, which the stable API
  // cannot switch off; those are the best matches anyway.
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;

  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  /** Chosen papers stay chosen while the query changes, even when the new results lack them. */
  const chosen = new Map<string, PaperItem>();

  const search = async (query: string) => {
    const mine = ++generation;
    pick.busy = true;
    try {
      const papers = await client.sendRequest(searchPapersRequest, { query, limit: resultLimit });
      if (mine !== generation) return;
      const found = papers.filter((paper) => !chosen.has(paper.key)).map(paperItem);
      const kept = [...chosen.values()];
      pick.items = [...kept, ...found];
      if (options.canSelectMany) pick.selectedItems = kept;
    } catch (error) {
      if (mine === generation) pick.items = [...chosen.values()];
      void error;
    } finally {
      if (mine === generation) pick.busy = false;
    }
  };

  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [
      pick.onDidChangeValue((value) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void search(value), searchDelayMs);
      }),
      pick.onDidChangeSelection((items) => {
        if (!options.canSelectMany) return;
        // Items that were shown and unchecked leave the chosen set; checked ones join it.
        for (const item of pick.items) if (!items.includes(item)) chosen.delete(item.paper.key);
        for (const item of items) chosen.set(item.paper.key, item);
      }),
      pick.onDidAccept(() => {
        const items = options.canSelectMany ? [...chosen.values()] : [...pick.selectedItems];
        resolve(items.length > 0 ? items.map((item) => item.paper) : undefined);
        pick.hide();
      }),
      pick.onDidHide(() => {
        if (timer) clearTimeout(timer);
        resolve(undefined);
        for (const disposable of disposables) disposable.dispose();
        pick.dispose();
      }),
    ];
    pick.show();
    void search('');
  });
}

function paperItem(paper: PaperSummary): PaperItem {
  return {
    label: pickText(paper.key),
    description: pickText(paper.title),
    detail: pickText(yearAndAuthors(paper)) || undefined,
    // Keeps VS Code's own label filter from hiding what the server matched in titles and abstracts.
    alwaysShow: true,
    paper,
  };
}

/**
 * What the status-bar item says about the index, as plain data (no `vscode` import, unit-tested):
 * "$(book) 64 papers", "$(sync~spin) Indexing…", "$(warning) 64 papers, 2 catalog problems".
 */
import type { IndexStatus } from '../../common/protocol';

export interface StatusView {
  text: string;
  /** Plain-text tooltip: one line per catalog with its counts. */
  tooltip: string;
  /** Problems open the Problems panel; otherwise the Papers view is focused. */
  click: 'focusPapers' | 'showProblems';
  busy: boolean;
}

/** `relative` turns a catalog URI into the workspace-relative path the user knows. */
export function statusView(status: IndexStatus | undefined, relative: (uri: string) => string): StatusView {
  if (!status) return { text: '$(sync~spin) Starting…', tooltip: 'LitNotes is starting', click: 'focusPapers', busy: true };
  const papers = count(status.papers, 'paper', 'papers');
  const catalogs = status.catalogs.length === 0
    ? ['No catalog found: add a .bib, CSL-JSON or CSL-YAML file, or set litnotes.catalogs']
    : [...status.catalogs]
        .sort((a, b) => relative(a.uri).localeCompare(relative(b.uri)))
        .map((c) => `${relative(c.uri)}: ${count(c.papers, 'paper', 'papers')}${c.problems > 0 ? `, ${count(c.problems, 'problem', 'problems')}` : ''}`);
  const tooltip = [`LitNotes: ${papers} in ${count(status.catalogs.length, 'catalog', 'catalogs')}, ${count(status.notes, 'note', 'notes')}`, ...catalogs].join('\n');
  if (status.state === 'indexing') return { text: '$(sync~spin) Indexing…', tooltip, click: 'focusPapers', busy: true };
  if (status.problems > 0) {
    return { text: `$(warning) ${papers}, ${count(status.problems, 'catalog problem', 'catalog problems')}`, tooltip, click: 'showProblems', busy: false };
  }
  return { text: `$(book) ${papers}`, tooltip, click: 'focusPapers', busy: false };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

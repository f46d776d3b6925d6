/**
 * What the status-bar item says about the index, as plain data (no `vscode` import, unit-tested):
 * "$(book) 64 papers", "$(sync~spin) Indexing…", "$(warning) 64 papers, 2 catalog problems",
 * "$(warning) 302 papers · Zotero not reachable" (the tooltip says why and what to do).
 */
import type { IndexStatus } from '../../common/protocol';

export interface StatusView {
  text: string;
  /** Plain-text tooltip: one line per catalog with its counts. */
  tooltip: string;
  /** Problems open the Problems panel, Zotero trouble the output (its log says more); otherwise the Papers view is focused. */
  click: 'focusPapers' | 'showProblems' | 'showOutput';
  busy: boolean;
}

/** `relative` turns a catalog URI into the workspace-relative path the user knows. */
export function statusView(status: IndexStatus | undefined, relative: (uri: string) => string): StatusView {
  if (!status) return { text: '$(sync~spin) Starting…', tooltip: 'LitNotes is starting', click: 'focusPapers', busy: true };
  const papers = count(status.papers, 'paper', 'papers');
  const catalogs = status.catalogs.length === 0
    ? ['No catalog found: add a .bib, CSL-JSON or CSL-YAML file, or set litnotes.catalogs']
    : [...status.catalogs]
        .map((c) => ({ ...c, name: c.uri === ZOTERO_CATALOG ? 'Zotero library' : relative(c.uri) }))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((c) => `${c.name}: ${count(c.papers, 'paper', 'papers')}${c.problems > 0 ? `, ${count(c.problems, 'problem', 'problems')}` : ''}`);
  const zotero = status.zotero && status.zotero.state !== 'off' ? status.zotero : undefined;
  const tooltip = [`LitNotes: ${papers} in ${count(status.catalogs.length, 'catalog', 'catalogs')}, ${count(status.notes, 'note', 'notes')}`, ...catalogs, ...(zotero ? [`Zotero: ${zotero.message}`] : [])].join('\n');
  if (status.state === 'indexing') return { text: '$(sync~spin) Indexing…', tooltip, click: 'focusPapers', busy: true };
  if (zotero && (zotero.state === 'connecting' || zotero.state === 'reading')) return { text: `$(sync~spin) ${papers} · reading Zotero…`, tooltip, click: 'focusPapers', busy: true };
  if (zotero && zotero.state !== 'live') return { text: `$(warning) ${papers} · ${ZOTERO_TROUBLE[zotero.state]}`, tooltip, click: 'showOutput', busy: false };
  if (status.problems > 0) {
    return { text: `$(warning) ${papers}, ${count(status.problems, 'catalog problem', 'catalog problems')}`, tooltip, click: 'showProblems', busy: false };
  }
  return { text: `$(book) ${papers}`, tooltip, click: 'focusPapers', busy: false };
}

const ZOTERO_CATALOG = 'zotero:library';
const ZOTERO_TROUBLE: Record<string, string> = { unreachable: 'Zotero not reachable', localApiOff: "Zotero's local API is off", error: 'Zotero error' };

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

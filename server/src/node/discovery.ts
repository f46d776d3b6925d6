/**
 * Finds the catalogs and notes under a workspace folder: walks it with `fs.promises`, skips excluded
 * globs, never follows a symbolic link out of the folder or into a loop, and yields to the event
 * loop between folders so the server answers requests while it walks.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { catalogFormatOf } from '../catalog/catalogFile';

export interface FoundFiles {
  /** `.bib`/`.bibtex`/`.biblatex` files. */
  bibtex: string[];
  /** `.json`/`.yaml`/`.yml` files: catalogs only if they are CSL lists (sniffed by the caller). */
  cslCandidates: string[];
  /** Markdown notes. */
  notes: string[];
}

export interface WalkOptions {
  /** Workspace-relative path (`/`-separated) → excluded. Folders are tested too, so their subtree is skipped. */
  isExcluded: (relativePath: string) => boolean;
  isCancelled?: () => boolean;
  /** Stop after this many files (a guard against indexing a home folder). */
  maxFiles?: number;
}

const MARKDOWN = /\.(?:md|markdown)$/i;
/** The longest the walk runs without letting requests in. */
const WALK_SLICE_MS = 4;

export async function findWorkspaceFiles(root: string, options: WalkOptions): Promise<FoundFiles> {
  const found: FoundFiles = { bibtex: [], cslCandidates: [], notes: [] };
  let rootReal: string;
  try {
    rootReal = await fs.realpath(root);
  } catch {
    return found;
  }
  // Folders by real path: a folder reached twice (through a symbolic link) is walked once.
  const visited = new Set<string>();
  const queue: string[] = [root];
  // Linked folders are walked after the real ones, so a note has its real path when it has both.
  const linked: string[] = [];
  const maxFiles = options.maxFiles ?? 200_000;
  let files = 0;

  while (queue.length > 0 || linked.length > 0) {
    if (options.isCancelled?.()) break;
    const dir = queue.shift() ?? linked.shift()!;
    const real = dir === root ? rootReal : await fs.realpath(dir).catch(() => undefined);
    if (!real || visited.has(real)) continue;
    visited.add(real);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folder: skip it, keep indexing the rest
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folder = path.relative(root, dir).split(path.sep).join('/');
    let sliceStarted = performance.now();
    for (const entry of entries) {
      // A folder of 10,000 notes took 60 ms in one turn: requests waited for it.
      if (performance.now() - sliceStarted > WALK_SLICE_MS) {
        await yieldToEventLoop();
        sliceStarted = performance.now();
      }
      const full = path.join(dir, entry.name);
      const relative = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (options.isExcluded(relative)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await realTarget(full);
        if (!target || !isInside(target.real, rootReal)) continue;
        if (target.isDir) {
          if (!visited.has(target.real)) linked.push(full);
          continue;
        }
        isDir = false;
        isFile = target.isFile;
      }
      if (isDir) {
        queue.push(full);
      } else if (isFile) {
        if (++files > maxFiles) return found;
        const format = catalogFormatOf(entry.name);
        if (format === 'bibtex') found.bibtex.push(full);
        else if (format) found.cslCandidates.push(full);
        else if (MARKDOWN.test(entry.name)) found.notes.push(full);
      }
    }
    await yieldToEventLoop();
  }
  return found;
}

async function realTarget(link: string): Promise<{ real: string; isDir: boolean; isFile: boolean } | undefined> {
  try {
    const real = await fs.realpath(link);
    const stat = await fs.stat(real);
    return { real, isDir: stat.isDirectory(), isFile: stat.isFile() };
  } catch {
    return undefined;
  }
}

function isInside(p: string, folder: string): boolean {
  return p === folder || p.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

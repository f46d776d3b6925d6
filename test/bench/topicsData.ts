/**
 * Catalogs for the topics benchmark, read with the project's own reader (readCatalog), as
 * `TopicDocument`s (what the model sees) and `Paper`s (what the old phrase topics read).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../../server/src/catalog/paper';
import { readCatalog } from '../../server/src/catalog/readCatalog';
import type { TopicDocument } from '../../server/src/search/topicResult';
import { topicDocument } from '../../server/src/service/topicDocuments';

export const REPO = join(__dirname, '..', '..');
/** The team's shared data: beside the checkout (../shared/data) or, from a worktree, LITNOTES_SHARED_DATA or /work/shared/data. */
export const SHARED_DATA =
  [process.env.LITNOTES_SHARED_DATA, join(REPO, '..', 'shared', 'data'), '/work/shared/data'].find((dir): dir is string => !!dir && existsSync(dir)) ??
  join(REPO, '..', 'shared', 'data');
export const ML_CONFERENCES = join(SHARED_DATA, 'ml-conferences');
export const BIBLIOTEX = join(SHARED_DATA, 'bibliotex');

export function readPapers(path: string): Paper[] {
  return readCatalog(readFileSync(path, 'utf8'), `file://${path}`).papers;
}

/** What the server hands the model (service/topicDocuments.ts: the abstract's first words), keywords optional. */
export function documentOf(paper: Paper, withKeywords = true): TopicDocument {
  const doc = topicDocument(paper);
  if (!withKeywords) delete doc.keywords;
  return doc;
}

/** Every catalog file under a folder, sorted. */
export function catalogFiles(root: string, extensions = ['.bib', '.json', '.yaml']): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (extensions.some((ext) => entry.name.endsWith(ext))) files.push(path);
    }
  };
  if (existsSync(root)) walk(root);
  return files.sort();
}

/** A labelled set as the fixture writes it: file paths relative to ml-conferences or to the repository. */
export interface LabelledSet {
  labels: unknown;
  papers: { file: string; key: string; label: string }[];
}

export interface LabelledPapers {
  name: string;
  papers: Paper[];
  truth: string[];
  missing: number;
}

/** The labelled papers of a set, read from their catalogs (each paper once, in the fixture's order). */
export function readLabelledSet(path: string): LabelledPapers {
  const set = JSON.parse(readFileSync(path, 'utf8')) as LabelledSet;
  const byFile = new Map<string, Map<string, Paper>>();
  const papers: Paper[] = [];
  const truth: string[] = [];
  const seen = new Set<string>();
  const ownKeys: string[] = [];
  let missing = 0;
  for (const entry of set.papers) {
    const file = [join(REPO, entry.file), join(ML_CONFERENCES, entry.file)].find((p) => existsSync(p));
    if (!file) {
      missing++;
      continue;
    }
    let keyed = byFile.get(file);
    if (!keyed) byFile.set(file, (keyed = new Map(readPapers(file).map((p) => [p.key, p]))));
    const paper = keyed.get(entry.key);
    // Keys are unique within a file, not across conferences: the file as the fixture names it makes
    // them unique here (not its path from the checkout: the 90 % subsets are drawn by key hash, and
    // must be the same subsets from any checkout).
    const uniqueKey = `${entry.file}#${entry.key}`;
    if (!paper || seen.has(uniqueKey)) {
      missing++;
      continue;
    }
    seen.add(uniqueKey);
    papers.push({ ...paper, key: uniqueKey });
    ownKeys.push(paper.key);
    truth.push(entry.label);
  }
  // One catalog: its own keys, as a user has them.
  if (byFile.size === 1) papers.forEach((paper, i) => (paper.key = ownKeys[i]));
  return { name: path, papers, truth, missing };
}

/**
 * Catalogs that carry keywords, as labels: each paper's keyword most common in the collection
 * (ties alphabetical), papers whose label fewer than `minPapers` share left out of the score.
 */
export function keywordLabels(papers: readonly Paper[], minPapers = 3): Map<string, string> {
  const normalized = (k: string) => k.trim().toLowerCase();
  const counts = new Map<string, number>();
  for (const paper of papers) for (const k of new Set(paper.keywords.map(normalized))) if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const paper of papers) {
    let best: string | undefined;
    for (const k of new Set(paper.keywords.map(normalized))) {
      if (!k) continue;
      if (!best || (counts.get(k) as number) > (counts.get(best) as number) || ((counts.get(k) as number) === (counts.get(best) as number) && k < best)) best = k;
    }
    if (best && (counts.get(best) as number) >= minPapers) labels.set(paper.key, best);
  }
  return labels;
}

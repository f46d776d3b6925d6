/**
 * Recall of the full-text index in-process: the share of title-word queries that find their paper
 * among the first k hits of `PaperIndex.search`, the function completion calls.
 */
import type { Paper } from '../../server/src/catalog/paper';
import { PaperIndex } from '../../server/src/search/paperIndex';
import type { RecallQuery } from './queries';

export interface RecallResult {
  found: number;
  total: number;
  recall: number;
  /** Up to 10 misses, to read in the report: the query, its paper, and what came first instead. */
  misses: { query: string; key: string; rank: number | undefined; first: string[] }[];
  /** Search time per query in-process (ms), to compare with the LSP round trip. */
  searchMs: number[];
}

export function buildIndex(papers: readonly Paper[]): { index: PaperIndex; ms: number } {
  const started = performance.now();
  const index = new PaperIndex();
  index.add(papers);
  return { index, ms: performance.now() - started };
}

export function measureRecall(index: PaperIndex, queries: readonly RecallQuery[], k: number): RecallResult {
  let found = 0;
  const misses: RecallResult['misses'] = [];
  const searchMs: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const hits = index.search(query.text, Math.max(k, 50));
    searchMs.push(performance.now() - started);
    const rank = hits.findIndex((h) => h.key === query.key);
    if (rank >= 0 && rank < k) found++;
    else if (misses.length < 10) misses.push({ query: query.text, key: query.key, rank: rank >= 0 ? rank + 1 : undefined, first: hits.slice(0, 3).map((h) => h.key) });
  }
  return { found, total: queries.length, recall: queries.length === 0 ? NaN : found / queries.length, misses, searchMs };
}

/**
 * The search alone, keystroke by keystroke as the LSP run types (50 hits, as completion asks):
 * what is left of the LSP latency is the protocol, the items and the machine.
 */
export function measureTypingSearch(index: PaperIndex, typed: readonly string[]): { all: number[]; byLength: Map<string, number[]> } {
  const all: number[] = [];
  const byLength = new Map<string, number[]>();
  for (const text of typed) {
    for (let i = 1; i <= text.length; i++) {
      const started = performance.now();
      index.search(text.slice(0, i), 50);
      const ms = performance.now() - started;
      all.push(ms);
      const bucket = i === 1 ? '1 char' : i === 2 ? '2 chars' : i <= 4 ? '3–4 chars' : '5+ chars';
      const list = byLength.get(bucket) ?? [];
      list.push(ms);
      byLength.set(bucket, list);
    }
  }
  return { all, byLength };
}

import type { Problem } from '../core/types';
import type { Paper } from './paper';

/** What one catalog file gave when it was read: its papers and the problems found, each at its place. */
export interface CatalogFileResult {
  uri: string;
  papers: Paper[];
  problems: Problem[];
}

export type CatalogFormat = 'bibtex' | 'csl-json' | 'csl-yaml';

export function catalogFormatOf(path: string): CatalogFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.bib') || lower.endsWith('.bibtex') || lower.endsWith('.biblatex')) return 'bibtex';
  if (lower.endsWith('.json')) return 'csl-json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'csl-yaml';
  return undefined;
}

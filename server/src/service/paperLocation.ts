/**
 * Where a paper is written, for the features that point at it (definition, references, symbols,
 * the Papers view): its entry in a catalog file, or for a paper of the Zotero library the link that
 * selects it in Zotero (`zotero://select/library/items/KEY`), which the client opens in Zotero.
 */
import type { Paper } from '../catalog/paper';
import { isZoteroCatalog, zoteroSelectUri } from '../catalog/zotero';
import type { Location, Range } from '../core/types';

const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The paper's key in its catalog (or its Zotero item); undefined for a Zotero paper without a usable item key. */
export function paperKeyLocation(paper: Paper): Location | undefined {
  if (!isZoteroCatalog(paper.source.uri)) return { uri: paper.source.uri, range: paper.source.keyRange };
  const uri = paper.zoteroKey ? zoteroSelectUri(paper.zoteroKey) : undefined;
  return uri ? { uri, range: NOWHERE } : undefined;
}

/** The paper's whole entry in its catalog (or its Zotero item). */
export function paperEntryLocation(paper: Paper): Location | undefined {
  if (!isZoteroCatalog(paper.source.uri)) return { uri: paper.source.uri, range: paper.source.range };
  return paperKeyLocation(paper);
}

/** "papers.bib" for a file, "your Zotero library" for Zotero: where a paper comes from, in a sentence. */
export function catalogName(uri: string, basename: (uri: string) => string): string {
  return isZoteroCatalog(uri) ? 'your Zotero library' : basename(uri);
}

/**
 * The citation key under the cursor, in a note (a citation) or in a catalog (an entry's key): the
 * starting point of hover, definition, references, rename and `litnotes/citationAt`.
 */
import type { Position, Range } from '../core/types';
import type { Citation } from '../notes/citation';
import type { WorkspaceModel } from './workspaceModel';

export type KeyAt =
  | { kind: 'citation'; key: string; range: Range; citation: Citation }
  | { kind: 'entry'; key: string; range: Range };

export function keyAt(model: WorkspaceModel, uri: string, position: Position): KeyAt | undefined {
  const note = model.note(uri);
  if (note) {
    const citation = note.citations.find((c) => contains(c.range, position));
    if (citation) return { kind: 'citation', key: citation.key, range: citation.keyRange, citation };
  }
  const catalog = model.catalog(uri);
  if (catalog) {
    const paper = catalog.papers.find((p) => p.source.uri === uri && contains(p.source.keyRange, position));
    if (paper) return { kind: 'entry', key: paper.key, range: paper.source.keyRange };
  }
  return undefined;
}

/** Inclusive at both ends: a cursor right after the key is still on it. */
export function contains(range: Range, position: Position): boolean {
  return !isBefore(position, range.start) && !isBefore(range.end, position);
}

export function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

export function overlaps(a: Range, b: Range): boolean {
  return !isBefore(a.end, b.start) && !isBefore(b.end, a.start);
}

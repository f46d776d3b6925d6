/**
 * Formatted references for `litnotes/formatReference` and completion's resolve: a built-in style
 * by name, or a `.csl` file of the workspace (its text read by the glue).
 */
import { builtInStyles, CitationStyleError, formatReferences, type ReferenceFormat } from '../catalog/cslFormat';
import type { Paper } from '../catalog/paper';
import { workspaceFolderOf } from './literatureNotes';
import type { Refusal } from './protocolTypes';
import { resolveUri } from './uri';
import type { WorkspaceModel } from './workspaceModel';

/** A style as the formatter takes it: a built-in name, or a name with the CSL XML. */
export interface CitationStyle {
  name: string;
  xml?: string;
}

/** The workspace file of a style setting that is not a built-in style name; undefined for built-ins. */
export function styleFileUri(model: WorkspaceModel, style: string): string | undefined {
  if ((builtInStyles as readonly string[]).includes(style)) return undefined;
  const folder = workspaceFolderOf(model, undefined);
  return folder ? resolveUri(folder, style, folder) : undefined;
}

/** The references of the known keys (unknown keys are skipped), one per line for text. */
export function formatPapers(model: WorkspaceModel, keys: readonly string[], style: CitationStyle, format: ReferenceFormat): string | Refusal {
  const papers = keys.map((key) => model.paper(key)).filter((p): p is Paper => !!p);
  try {
    return formatReferences(papers, style.name, format, style.xml);
  } catch (e) {
    if (e instanceof CitationStyleError) return { error: e.message };
    throw e;
  }
}

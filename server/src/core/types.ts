/**
 * Plain data types shared by the whole service. They are structurally identical to the LSP
 * types of the same name, so the server passes them through unchanged, but the service never
 * imports `vscode-languageserver` (see ARCHITECTURE.md).
 */

/** Zero-based line and UTF-16 character offset, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A place in a file of the workspace. `uri` is a `file://` URI string. */
export interface Location {
  uri: string;
  range: Range;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem found while reading a catalog or a note, reported where it is. */
export interface Problem {
  /** Stable code such as `catalog.parse-error`; see server/src/features/diagnostics.ts. */
  code: string;
  message: string;
  range: Range;
  related?: { location: Location; message: string }[];
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/**
 * A whole workspace in one string, texlab-style, for feature tests:
 *
 *   %! refs.bib
 *   @article{doe2020, title = {A Title}, author = {Doe, Jane}, year = 2020}
 *   %! notes/a.md
 *   See [@doe|].
 *
 * `%! path` starts a file (URI `file:///ws/<path>`), `|` is the cursor (at most one; turn it off
 * with `{ cursor: false }` when a text needs a literal `|`), `<<`…`>>` mark ranges. Catalog files
 * (.bib, .json, .yaml, .yml) go to the model as catalogs, Markdown files as notes.
 */
import { catalogFormatOf } from '../../server/src/catalog/catalogFile';
import type { Position, Range } from '../../server/src/core/types';
import type { TextEdit, WorkspaceEdit } from '../../server/src/service/protocolTypes';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

export const FOLDER = 'file:///ws';

export interface Fixture {
  model: WorkspaceModel;
  /** path → text, markers removed. */
  files: Map<string, string>;
  cursor?: { uri: string; path: string; position: Position };
  ranges: { uri: string; path: string; range: Range }[];
}

export function uriOf(path: string): string {
  return `${FOLDER}/${path}`;
}

export function pathOf(uri: string): string {
  return uri.startsWith(FOLDER + '/') ? uri.slice(FOLDER.length + 1) : uri;
}

export function fixture(spec: string, options: { cursor?: boolean; model?: WorkspaceModel } = {}): Fixture {
  const model = options.model ?? new WorkspaceModel();
  model.setWorkspaceFolders([FOLDER]);
  const files = new Map<string, string>();
  const result: Fixture = { model, files, ranges: [] };
  const parts = spec.split(/^%! (.+)\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    const path = parts[i].trim();
    const raw = parts[i + 1] ?? '';
    const { text, cursor, ranges } = stripMarkers(raw, options.cursor !== false);
    files.set(path, text);
    if (cursor) result.cursor = { uri: uriOf(path), path, position: cursor };
    for (const range of ranges) result.ranges.push({ uri: uriOf(path), path, range });
  }
  for (const [path, text] of files) {
    if (catalogFormatOf(path)) model.setCatalog(uriOf(path), text);
    else model.setNote(uriOf(path), text);
  }
  return result;
}

function stripMarkers(raw: string, withCursor: boolean): { text: string; cursor?: Position; ranges: Range[] } {
  let text = '';
  let line = 0;
  let character = 0;
  let cursor: Position | undefined;
  const open: Position[] = [];
  const ranges: Range[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw.startsWith('<<', i)) {
      open.push({ line, character });
      i++;
      continue;
    }
    if (raw.startsWith('>>', i) && open.length > 0) {
      ranges.push({ start: open.pop()!, end: { line, character } });
      i++;
      continue;
    }
    if (withCursor && raw[i] === '|') {
      cursor = { line, character };
      continue;
    }
    text += raw[i];
    if (raw[i] === '\n') {
      line++;
      character = 0;
    } else {
      character++;
    }
  }
  return { text, cursor, ranges };
}

export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + position.character;
}

/** The text a range covers. */
export function textAt(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

/** Applies non-overlapping edits the way an editor does (positions refer to the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const edit of sorted) {
    out = out.slice(0, offsetAt(out, edit.range.start)) + edit.newText + out.slice(offsetAt(out, edit.range.end));
  }
  return out;
}

/** The files after a WorkspaceEdit (`changes` or `documentChanges`, renames included), by path. */
export function applyWorkspaceEdit(files: ReadonlyMap<string, string>, edit: WorkspaceEdit): Map<string, string> {
  const out = new Map(files);
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const path = pathOf(uri);
    out.set(path, applyEdits(out.get(path) ?? '', edits));
  }
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      const from = pathOf(change.oldUri);
      const text = out.get(from) ?? '';
      out.delete(from);
      out.set(pathOf(change.newUri), text);
    } else {
      const path = pathOf(change.textDocument.uri);
      out.set(path, applyEdits(out.get(path) ?? '', change.edits));
    }
  }
  return out;
}

/** `path:line:char-line:char`, for comparing locations in one readable string. */
export function where(location: { uri: string; range: Range }): string {
  const r = location.range;
  return `${pathOf(location.uri)}:${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

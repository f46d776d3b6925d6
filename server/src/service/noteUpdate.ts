/**
 * "Update Literature Note": the note's generated block brought up to what the catalog (and Zotero)
 * say now, through the template's `{{#generated}}` section. Only the block changes (noteBlock.ts);
 * a block the user edited is reported as `edited` with the text it would become, for the client to
 * show the difference and ask. Pure: the glue passes the note's text, the template and Zotero's data.
 */
import type { NoteUpdate } from '../../../common/protocol';
import type { Paper } from '../catalog/paper';
import type { Position } from '../core/types';
import { appendBlock, findBlock, updateBlock, type BlockEdit } from '../notes/noteBlock';
import { NoteTemplateError, renderGeneratedContent, type ZoteroExtras } from '../notes/noteTemplate';
import { literatureNoteUri } from './literatureNotes';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspaceModel';

/**
 * The paper a note is the literature note of: the `key:` of its front matter when that paper
 * exists, else the paper whose note file this is (`notes/<key>.md`). Undefined for other notes.
 */
export function literatureNoteKey(model: WorkspaceModel, uri: string, settings: Pick<Settings, 'notesFolder'>): string | undefined {
  const data = model.note(uri)?.frontMatter?.data as { key?: unknown } | undefined;
  const declared = typeof data?.key === 'string' || typeof data?.key === 'number' ? String(data.key) : undefined;
  if (declared && model.paper(declared)) return declared;
  const stem = decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1)).replace(/\.(md|markdown)$/i, '');
  if (model.paper(stem) && literatureNoteUri(model, stem, uri, settings) === uri) return stem;
  return undefined;
}

/** Every literature note of the workspace with its paper's key, in URI order. */
export function literatureNotes(model: WorkspaceModel, settings: Pick<Settings, 'notesFolder'>): { uri: string; key: string }[] {
  const notes: { uri: string; key: string }[] = [];
  for (const uri of [...model.noteUris()].sort()) {
    const key = literatureNoteKey(model, uri, settings);
    if (key) notes.push({ uri, key });
  }
  return notes;
}

/**
 * What an update of the note `uri` (whose text is `text`) would do. `template` undefined: the
 * built-in one. `zotero`: the paper's annotations and notes, when the Zotero source has them.
 */
export function noteUpdate(model: WorkspaceModel, uri: string, text: string, settings: Pick<Settings, 'notesFolder'>, template?: string, zotero?: ZoteroExtras, newestAnnotation?: string): NoteUpdate {
  const key = literatureNoteKey(model, uri, settings);
  if (!key) {
    return { uri, status: 'notLiteratureNote', message: 'This note is no literature note: its front matter has no `key:` of a paper in the catalogs, and its file name is no citation key.' };
  }
  const paper = model.paper(key) as Paper;
  let content: string;
  try {
    content = renderGeneratedContent(paper, template, undefined, zotero);
  } catch (e) {
    if (e instanceof NoteTemplateError) return { uri, key, status: 'broken', message: e.message };
    throw e;
  }
  const update = updateBlock(text, content, newestAnnotation);
  switch (update.kind) {
    case 'unchanged':
      return { uri, key, status: 'unchanged' };
    case 'broken':
      return { uri, key, status: 'broken', message: update.message };
    case 'none': {
      const edit = appendBlock(text, content, newestAnnotation);
      return { uri, key, status: 'noBlock', edit: textEdit(text, edit), oldText: text, newText: applied(text, edit), message: `The note of “${key}” has no generated block yet.` };
    }
    case 'update':
      return update.edited
        ? { uri, key, status: 'edited', edit: textEdit(text, update.edit), oldText: text, newText: update.text, message: `The generated block of “${key}” was edited by hand (line ${update.block.beginLine + 1}).` }
        : { uri, key, status: 'updated', edit: textEdit(text, update.edit), oldText: text, newText: update.text };
  }
}

/** Whether the note has a block at all (the tree's "newer annotations" only concerns notes that do). */
export function hasGeneratedBlock(text: string): boolean {
  return findBlock(text).kind === 'found';
}

function applied(text: string, edit: BlockEdit): string {
  return text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
}

function textEdit(text: string, edit: BlockEdit): { range: { start: Position; end: Position }; newText: string } {
  return { range: { start: positionAt(text, edit.start), end: positionAt(text, edit.end) }, newText: edit.newText };
}

/** LSP position (UTF-16 characters) of an offset; lines end at `\n` (a `\r` before it is part of the line). */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

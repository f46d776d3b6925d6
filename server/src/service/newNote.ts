/**
 * `litnotes/newNote`: where a paper's literature note goes (always inside `notesFolder` inside the
 * workspace folder) and what it starts with (the template filled for the paper).
 */
import type { NewNoteResult } from '../../../common/protocol';
import { NoteTemplateError, renderNote } from '../notes/noteTemplate';
import { literatureNoteUri, workspaceFolderOf } from './literatureNotes';
import type { Refusal } from './protocolTypes';
import type { Settings } from './settings';
import { resolveUri } from './uri';
import type { WorkspaceModel } from './workspaceModel';

/** The template file named by `litnotes.noteTemplate`, when set and inside the workspace folder. */
export function templateFileUri(model: WorkspaceModel, settings: Pick<Settings, 'noteTemplate'>): string | undefined {
  if (settings.noteTemplate === '') return undefined;
  const folder = workspaceFolderOf(model, undefined);
  return folder ? resolveUri(folder, settings.noteTemplate, folder) : undefined;
}

/**
 * The note for `key`; null when the key is unknown or there is no workspace folder to put it in.
 * `exists` is what the model knows; the glue also asks the disk. `template` undefined = built-in.
 */
export function newNote(model: WorkspaceModel, key: string, settings: Pick<Settings, 'notesFolder'>, template?: string): NewNoteResult | Refusal | null {
  const paper = model.paper(key);
  if (!paper) return null;
  const uri = literatureNoteUri(model, key, undefined, settings);
  if (!uri) return null;
  try {
    return { uri, content: renderNote(paper, template), exists: !!model.note(uri) };
  } catch (e) {
    if (e instanceof NoteTemplateError) return { error: e.message };
    throw e;
  }
}

/**
 * Where a paper's literature note lives: `<workspace folder>/<notesFolder>/<noteFileName(key)>`,
 * always inside the workspace folder (a `notesFolder` climbing out of it falls back to `notes`).
 */
import { noteUri } from '../notes/noteTemplate';
import type { Settings } from './settings';
import { isUriInside } from './uri';
import type { WorkspaceModel } from './workspaceModel';

/** The workspace folder holding `uri`, the first folder when none does, or undefined without folders. */
export function workspaceFolderOf(model: WorkspaceModel, uri: string | undefined): string | undefined {
  const folders = model.workspaceFolders;
  const holding = uri === undefined ? undefined : folders.filter((f) => isUriInside(uri, f)).sort((a, b) => b.length - a.length)[0];
  return holding ?? folders[0];
}

/** The URI the literature note of `key` has (whether or not it exists yet). */
export function literatureNoteUri(model: WorkspaceModel, key: string, nearUri: string | undefined, settings: Pick<Settings, 'notesFolder'>): string | undefined {
  const folder = workspaceFolderOf(model, nearUri);
  if (!folder) return undefined;
  return noteUri(folder, settings.notesFolder, key) ?? noteUri(folder, 'notes', key);
}

/** The literature note of `key` when the workspace has it. */
export function existingLiteratureNote(model: WorkspaceModel, key: string, nearUri: string | undefined, settings: Pick<Settings, 'notesFolder'>): string | undefined {
  const uri = literatureNoteUri(model, key, nearUri, settings);
  return uri !== undefined && model.note(uri) ? uri : undefined;
}

/**
 * The key whose literature note `uri` is, when it is one: opening it is reading about that paper.
 * Keys whose file name had to be changed (characters a file name cannot hold) are not recognized.
 */
export function paperOfLiteratureNote(model: WorkspaceModel, uri: string, settings: Pick<Settings, 'notesFolder'>): string | undefined {
  const name = /\/([^/]+)\.md$/i.exec(uri)?.[1];
  if (name === undefined) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(name);
  } catch {
    return undefined;
  }
  if (!model.paper(key)) return undefined;
  return literatureNoteUri(model, key, uri, settings) === uri ? key : undefined;
}

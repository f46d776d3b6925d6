/**
 * Rename a citation key everywhere in one edit: every definition in the catalogs and every citation
 * in every note, from either side. Refuses keys that cannot be written in a catalog or already exist.
 * When the client can rename files, the paper's literature note follows its key.
 */
import type { Position, Range } from '../core/types';
import type { Citation } from '../notes/citation';
import { invalidKeyReason, needsBraces } from '../service/citationKeys';
import { keyAt } from '../service/keyAt';
import { existingLiteratureNote, literatureNoteUri } from '../service/literatureNotes';
import type { Refusal, TextEdit, WorkspaceEdit } from '../service/protocolTypes';
import type { Settings } from '../service/settings';
import { catalogName } from '../service/paperLocation';
import { basenameUri } from '../service/uri';
import { isZoteroCatalog } from '../catalog/zotero';
import type { WorkspaceModel } from '../service/workspaceModel';

export interface RenameOptions {
  settings: Pick<Settings, 'notesFolder'>;
  /** The client accepts `RenameFile` operations (`workspace.workspaceEdit.resourceOperations` has `rename`). */
  canRenameFiles?: boolean;
}

export function prepareRename(model: WorkspaceModel, uri: string, position: Position): { range: Range; placeholder: string } | Refusal {
  const at = keyAt(model, uri, position);
  if (!at) return { error: 'Put the cursor on a citation or on a catalog entry key to rename it.' };
  const refusal = cannotRename(model, at.key);
  if (refusal) return refusal;
  return { range: at.range, placeholder: at.key };
}

export function provideRename(model: WorkspaceModel, uri: string, position: Position, newName: string, options: RenameOptions): WorkspaceEdit | Refusal {
  const at = keyAt(model, uri, position);
  if (!at) return { error: 'Put the cursor on a citation or on a catalog entry key to rename it.' };
  const oldKey = at.key;
  const refusal = cannotRename(model, oldKey);
  if (refusal) return refusal;
  const newKey = newName.trim();
  const invalid = invalidKeyReason(newKey);
  if (invalid) return { error: invalid };
  if (newKey === oldKey) return { error: `The paper already has the key '${oldKey}'.` };
  const existing = model.definitions(newKey);
  if (existing.length > 0) {
    return { error: `A paper with the key '${newKey}' already exists in ${catalogName(existing[0].source.uri, basenameUri)}: choose another key.` };
  }

  const edits = new Map<string, TextEdit[]>();
  const add = (target: string, edit: TextEdit) => {
    const list = edits.get(target);
    if (list) list.push(edit);
    else edits.set(target, [edit]);
  };
  for (const paper of model.definitions(oldKey)) add(paper.source.uri, { range: paper.source.keyRange, newText: newKey });
  for (const place of model.citationsOf(oldKey)) add(place.uri, { range: place.citation.keyRange, newText: citationKeyEdit(place.citation, newKey) });

  const oldNote = options.canRenameFiles ? existingLiteratureNote(model, oldKey, uri, options.settings) : undefined;
  const newNote = oldNote ? literatureNoteUri(model, newKey, oldNote, options.settings) : undefined;
  if (oldNote && newNote && newNote !== oldNote && !model.note(newNote)) {
    return {
      documentChanges: [
        ...[...edits].map(([target, list]) => ({ textDocument: { uri: target, version: null }, edits: list })),
        { kind: 'rename', oldUri: oldNote, newUri: newNote, options: { overwrite: false, ignoreIfExists: true } },
      ],
    };
  }
  return { changes: Object.fromEntries(edits) };
}

/** The new key as this citation must write it: `@{…}` when the new key needs braces and the old had none. */
function citationKeyEdit(citation: Citation, newKey: string): string {
  const braced = citation.range.end.line === citation.keyRange.end.line && citation.range.end.character > citation.keyRange.end.character;
  return needsBraces(newKey) && !braced ? `{${newKey}}` : newKey;
}

function cannotRename(model: WorkspaceModel, key: string): Refusal | undefined {
  const definitions = model.definitions(key);
  if (definitions.length === 0) return { error: `No paper in the catalogs has the key '${key}': there is no entry to rename.` };
  if (definitions.some((paper) => isZoteroCatalog(paper.source.uri))) {
    return { error: `'${key}' comes from your Zotero library: change its citation key in Zotero (Better BibTeX, or the Citation Key field), then its citations here.` };
  }
  for (const paper of definitions) {
    // An entry kept from the last good version has no place in the current text to edit.
    if (model.catalog(paper.source.uri)?.kept.includes(key)) {
      return { error: `${basenameUri(paper.source.uri)} has parse errors around '${key}': fix them before renaming.` };
    }
  }
  return undefined;
}

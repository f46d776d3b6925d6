/**
 * Go to definition: from a citation (or an entry key) to the entry's key in its catalog, every
 * definition when duplicated; a paper of the Zotero library goes to its item in Zotero.
 */
import type { Location, Position } from '../core/types';
import { keyAt } from '../service/keyAt';
import { paperKeyLocation } from '../service/paperLocation';
import type { WorkspaceModel } from '../service/workspaceModel';

export function provideDefinition(model: WorkspaceModel, uri: string, position: Position): Location[] {
  const at = keyAt(model, uri, position);
  if (!at) return [];
  return model.definitions(at.key).map(paperKeyLocation).filter((location): location is Location => !!location);
}

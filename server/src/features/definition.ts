/** Go to definition: from a citation (or an entry key) to the entry's key in its catalog, every definition when duplicated. */
import type { Location, Position } from '../core/types';
import { keyAt } from '../service/keyAt';
import type { WorkspaceModel } from '../service/workspaceModel';

export function provideDefinition(model: WorkspaceModel, uri: string, position: Position): Location[] {
  const at = keyAt(model, uri, position);
  if (!at) return [];
  return model.definitions(at.key).map((paper) => ({ uri: paper.source.uri, range: paper.source.keyRange }));
}

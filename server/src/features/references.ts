/**
 * Find references: every citation of the key in every note (by note, then position), from a
 * citation or from the entry's key in a catalog; the definitions first when asked for.
 */
import type { Location, Position } from '../core/types';
import { keyAt } from '../service/keyAt';
import { paperKeyLocation } from '../service/paperLocation';
import type { WorkspaceModel } from '../service/workspaceModel';

export function provideReferences(model: WorkspaceModel, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  const at = keyAt(model, uri, position);
  if (!at) return [];
  const locations: Location[] = [];
  if (includeDeclaration) {
    for (const paper of model.definitions(at.key)) {
      const location = paperKeyLocation(paper);
      if (location) locations.push(location);
    }
  }
  for (const place of model.citationsOf(at.key)) locations.push({ uri: place.uri, range: place.citation.keyRange });
  return locations;
}

/** Workspace symbols: papers by key, title or author (the full-text search), located at their catalog entry. */
import { symbolKindKey, type SymbolInformation } from '../service/protocolTypes';
import { paperEntryLocation } from '../service/paperLocation';
import type { WorkspaceModel } from '../service/workspaceModel';

const MAX_SYMBOLS = 100;

export function provideWorkspaceSymbols(model: WorkspaceModel, query: string, limit = MAX_SYMBOLS): SymbolInformation[] {
  const keys = query.trim() === '' ? model.keys().slice(0, limit) : model.search(query, limit).map((hit) => hit.key);
  const symbols: SymbolInformation[] = [];
  for (const key of keys) {
    for (const paper of model.definitions(key)) {
      const location = paperEntryLocation(paper);
      if (!location) continue;
      const symbol: SymbolInformation = { name: key, kind: symbolKindKey, location };
      if (paper.title) symbol.containerName = paper.title;
      symbols.push(symbol);
    }
  }
  return symbols;
}

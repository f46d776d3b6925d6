/** Workspace symbols: papers by key, title or author (the full-text search), located at their catalog entry. */
import { symbolKindKey, type SymbolInformation } from '../service/protocolTypes';
import type { WorkspaceModel } from '../service/workspaceModel';

const MAX_SYMBOLS = 100;

export function provideWorkspaceSymbols(model: WorkspaceModel, query: string, limit = MAX_SYMBOLS): SymbolInformation[] {
  const keys = query.trim() === '' ? model.keys().slice(0, limit) : model.search(query, limit).map((hit) => hit.key);
  const symbols: SymbolInformation[] = [];
  for (const key of keys) {
    for (const paper of model.definitions(key)) {
      const symbol: SymbolInformation = { name: key, kind: symbolKindKey, location: { uri: paper.source.uri, range: paper.source.range } };
      if (paper.title) symbol.containerName = paper.title;
      symbols.push(symbol);
    }
  }
  return symbols;
}

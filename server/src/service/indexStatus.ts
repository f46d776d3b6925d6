/** `litnotes/indexStatus`: what the status item and the tree show about the index. */
import type { IndexStatus, ZoteroStatus } from '../../../common/protocol';
import type { WorkspaceModel } from './workspaceModel';

export function indexStatus(model: WorkspaceModel, state: IndexStatus['state'], zotero?: ZoteroStatus): IndexStatus {
  const catalogs = model.catalogUris().map((uri) => ({
    uri,
    papers: model.catalog(uri)?.papers.length ?? 0,
    problems: model.catalogProblemCount(uri),
  }));
  return {
    state,
    papers: model.paperCount,
    notes: model.noteCount,
    catalogs,
    problems: catalogs.reduce((sum, c) => sum + c.problems, 0),
    ...(zotero ? { zotero } : {}),
  };
}

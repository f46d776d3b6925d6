/**
 * Each citation in a note links to its literature note when the workspace has one, otherwise to the
 * paper on the web (DOI, arXiv, URL: https only), otherwise nowhere.
 */
import { existingLiteratureNote, workspaceFolderOf } from '../service/literatureNotes';
import { paperLinks } from '../service/paperLinks';
import type { DocumentLink } from '../service/protocolTypes';
import type { Settings } from '../service/settings';
import { relativePathOf } from '../service/uri';
import type { WorkspaceModel } from '../service/workspaceModel';

export function provideDocumentLinks(model: WorkspaceModel, uri: string, settings: Pick<Settings, 'notesFolder'>): DocumentLink[] {
  const note = model.note(uri);
  if (!note) return [];
  const links: DocumentLink[] = [];
  for (const citation of note.citations) {
    const target = linkTarget(model, citation.key, uri, settings);
    if (target) links.push({ range: citation.range, ...target });
  }
  return links;
}

function linkTarget(model: WorkspaceModel, key: string, fromUri: string, settings: Pick<Settings, 'notesFolder'>): { target: string; tooltip: string } | undefined {
  const noteUri = existingLiteratureNote(model, key, fromUri, settings);
  if (noteUri && noteUri !== fromUri) {
    const folder = workspaceFolderOf(model, fromUri);
    const shown = (folder && relativePathOf(noteUri, folder)) ?? noteUri;
    return { target: noteUri, tooltip: `Open the literature note ${shown}` };
  }
  const paper = model.paper(key);
  if (!paper) return undefined;
  const links = paperLinks(paper);
  if (links.doi) return { target: links.doi.url, tooltip: `Open DOI ${links.doi.id}` };
  if (links.arxiv) return { target: links.arxiv.url, tooltip: `Open arXiv ${links.arxiv.id}` };
  if (links.url?.startsWith('https://')) return { target: links.url, tooltip: `Open ${links.url}` };
  return undefined;
}

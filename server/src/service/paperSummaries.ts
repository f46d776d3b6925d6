/**
 * Papers as the client's lists and commands see them (`litnotes/searchPapers`, `litnotes/paper`,
 * the tree's papers). The text stays plain: the client renders it as plain text, never Markdown.
 */
import type { PaperDetails, PaperSummary } from '../../../common/protocol';
import { abstractOf, shortAuthors, type Paper } from '../catalog/paper';
import { shorten } from '../core/strings';
import { annotationsNewerThanBlock } from '../notes/noteBlock';
import { existingLiteratureNote } from './literatureNotes';
import { namesPdf } from './paperAttachments';
import { paperLinks } from './paperLinks';
import { paperEntryLocation } from './paperLocation';
import { topicPath, type FilteredTopics } from './topicGroups';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspaceModel';

const ABSTRACT_PREVIEW = 300;
const DEFAULT_SEARCH_LIMIT = 50;

/** `topics.source` decides whether the model's second fit applies (absent: `both`). */
type SummarySettings = Pick<Settings, 'notesFolder'> & Partial<Pick<Settings, 'topics'>>;

export function paperSummary(model: WorkspaceModel, paper: Paper, settings: SummarySettings): PaperSummary {
  const summary: PaperSummary = {
    key: paper.key,
    citingNotes: model.notesCiting(paper.key),
    // A Zotero paper's entry is its item in Zotero (or, without a usable item key, the library).
    catalogUri: paperEntryLocation(paper)?.uri ?? paper.source.uri,
    catalogLine: paper.source.range.start.line,
  };
  if (paper.title) summary.title = paper.title;
  const authors = shortAuthors(paper.authors);
  if (authors) summary.authors = authors;
  if (paper.year) summary.year = paper.year;
  if (paper.venue) summary.venue = paper.venue;
  const abstract = abstractOf(paper);
  if (abstract) summary.abstractPreview = shorten(abstract, ABSTRACT_PREVIEW);
  const noteUri = existingLiteratureNote(model, paper.key, undefined, settings);
  if (noteUri) summary.noteUri = noteUri;
  const newest = model.annotationDates.get(paper.key);
  const noteText = noteUri && newest ? model.note(noteUri)?.text : undefined;
  if (noteText !== undefined && annotationsNewerThanBlock(noteText, newest)) summary.annotationsNewer = true;
  if (namesPdf(paper)) summary.hasPdf = true;
  const placement = model.topics.current?.placement(paper.key);
  if (placement) {
    // The second fit is the model's: it says something only where the tree lists the paper by the model.
    const source = settings.topics?.source ?? 'both';
    const placedByModel = source === 'derived' || (source === 'both' && !paper.keywords.some((k) => k.trim() !== ''));
    if (placement.also && placedByModel) summary.alsoTopic = placement.also.label;
    summary.relatedCount = model.relatedPapers(paper.key).length;
  }
  return summary;
}

/** `grouping`: the tree's, made beforehand for the request (its topic path), else made now. */
export function paperDetails(model: WorkspaceModel, key: string, settings: Pick<Settings, 'notesFolder' | 'topics' | 'papers'>, grouping?: FilteredTopics): PaperDetails | null {
  const paper = model.paper(key);
  if (!paper) return null;
  const links = paperLinks(paper);
  const details: PaperDetails = {
    ...paperSummary(model, paper, settings),
    codeLinks: [...links.code, ...links.pages],
    keywords: paper.keywords,
    catalogRange: paper.source.range,
    topicPath: topicPath(model, key, settings, grouping),
  };
  const abstract = abstractOf(paper);
  if (abstract) details.abstract = abstract;
  if (links.doi) details.doi = links.doi.id;
  if (links.arxiv) details.arxiv = links.arxiv.id;
  if (links.url) details.url = links.url;
  return details;
}

/** The papers matching `query`, best first; the same search as completion. */
export function searchPapers(model: WorkspaceModel, query: string, limit: number | undefined, settings: SummarySettings): PaperSummary[] {
  const max = limit !== undefined && limit > 0 ? Math.min(limit, 1000) : DEFAULT_SEARCH_LIMIT;
  const papers = query.trim() === '' ? model.papers().slice(0, max) : model.search(query, max).map((hit) => model.paper(hit.key));
  return papers.filter((p): p is Paper => !!p).map((p) => paperSummary(model, p, settings));
}

/**
 * `litnotes/topics` and `litnotes/topicPapers`: the Papers view's groups and their papers, from the
 * catalog's keywords and/or topics derived from titles and abstracts (cached by the model per
 * version), filtered by the same full-text search as completion.
 */
import type { PaperSummary, TopicPapersParams, TopicsParams, TopicsResult } from '../../../common/protocol';
import { listTopics, papersOfTopic } from '../search/topicTree';
import { paperSummary } from './paperSummaries';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspaceModel';

/** Enough to hold any catalog: a filter narrows by search, it does not cap. */
const FILTER_LIMIT = 1_000_000;

type TopicSettings = Pick<Settings, 'topics' | 'papers' | 'notesFolder'>;

export function topics(model: WorkspaceModel, params: TopicsParams, settings: TopicSettings): TopicsResult {
  const input = treeInput(model, params.filter, settings);
  return { topics: listTopics(input), totalPapers: input.filterKeys?.size ?? model.paperCount };
}

export function topicPapers(model: WorkspaceModel, params: TopicPapersParams, settings: TopicSettings): PaperSummary[] {
  const input = treeInput(model, params.filter, settings);
  return papersOfTopic(input, params.topicId, params.sort ?? settings.papers.sort).map((paper) => paperSummary(model, paper, settings));
}

function treeInput(model: WorkspaceModel, filter: string | undefined, settings: TopicSettings) {
  const query = filter?.trim() ?? '';
  return {
    papers: model.papers(),
    derived: model.derivedTopics(),
    source: settings.topics.source,
    filterKeys: query === '' ? undefined : new Set(model.search(query, FILTER_LIMIT).map((hit) => hit.key)),
    citationCount: (key: string) => model.citingCount(key),
  };
}

/**
 * `litnotes/topics`, `litnotes/topicPapers` and `litnotes/relatedPapers`: the Papers view's groups
 * and their papers, from the catalog's keywords and/or the topic model's last result
 * (model.topics), filtered by the same full-text search as completion, and a paper's related papers.
 */
import type { PaperSummary, RelatedPapersParams, TopicPapersParams, TopicsParams, TopicsResult } from '../../../common/protocol';
import { RELATED_PER_PAPER } from '../search/topicIndex';
import { INDEXING_TOPIC_ID, INDEXING_TOPIC_LABEL, listTopics, papersOfTopic } from '../search/topicTree';
import { paperSummary } from './paperSummaries';
import type { Settings } from './settings';
import { topicGroupsOf, type FilteredTopics } from './topicGroups';
import type { WorkspaceModel } from './workspaceModel';

type TopicSettings = Pick<Settings, 'topics' | 'papers' | 'notesFolder'>;

/** `grouping`: made beforehand for the request (topicGroupsInTurns, maybe the last one, outdated), else made now. */
export function topics(model: WorkspaceModel, params: TopicsParams, settings: TopicSettings, grouping?: FilteredTopics): TopicsResult {
  const { groups, filterKeys, outdated, first } = grouping ?? topicGroupsOf(model, params.filter, settings);
  const result: TopicsResult = { topics: listTopics(groups, params.parentId), totalPapers: filterKeys?.size ?? model.paperCount };
  // Before the first grouping, the top level is every paper waiting for its topic.
  if (first && params.parentId === undefined && model.paperCount > 0) result.topics = [{ id: INDEXING_TOPIC_ID, label: INDEXING_TOPIC_LABEL, source: 'none', count: model.paperCount }];
  // An outdated grouping is the last one, answered while the new one is made: the client is told when it is.
  if ((settings.topics.source !== 'catalog' && model.topics.computing) || outdated) result.computing = true;
  return result;
}

export function topicPapers(model: WorkspaceModel, params: TopicPapersParams, settings: TopicSettings, grouping?: FilteredTopics): PaperSummary[] {
  const { groups } = grouping ?? topicGroupsOf(model, params.filter, settings);
  return papersOfTopic(groups, params.topicId, params.sort ?? settings.papers.sort).map((paper) => paperSummary(model, paper, settings));
}

export function relatedPapers(model: WorkspaceModel, params: RelatedPapersParams, settings: Pick<Settings, 'notesFolder' | 'topics'>): PaperSummary[] {
  const limit = Math.max(0, Math.min(RELATED_PER_PAPER, Math.floor(params.limit ?? RELATED_PER_PAPER)));
  return model.relatedPapers(params.key, limit).map((paper) => paperSummary(model, paper, settings));
}

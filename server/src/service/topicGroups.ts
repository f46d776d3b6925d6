/**
 * The papers grouped into the Papers view's topics (search/topicTree.ts) for the current papers,
 * topic model result, `topics.source` and filter, kept while those stay the same: the tree asks for
 * the topics, then for each open topic's subtopics and papers, and grouping 100,000 papers each
 * time took tens of milliseconds.
 */
import { groupTopics, topicPathOf, type TopicGroups } from '../search/topicTree';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspaceModel';

/** Enough to hold any catalog: a filter narrows by search, it does not cap. */
const FILTER_LIMIT = 1_000_000;

export interface FilteredTopics {
  groups: TopicGroups;
  /** Keys the filter kept; undefined without a filter. */
  filterKeys?: ReadonlySet<string>;
}

const lastGrouping = new WeakMap<WorkspaceModel, FilteredTopics & { stamp: string }>();

export function topicGroupsOf(model: WorkspaceModel, filter: string | undefined, settings: Pick<Settings, 'topics'>): FilteredTopics {
  const query = filter?.trim() ?? '';
  const computing = model.topics.computing;
  const stamp = JSON.stringify([model.version, model.topics.version, computing, settings.topics.source, query]);
  const last = lastGrouping.get(model);
  if (last?.stamp === stamp) return last;
  const filterKeys = query === '' ? undefined : new Set(model.search(query, FILTER_LIMIT).map((hit) => hit.key));
  const groups = groupTopics({
    papers: model.papers(),
    topics: model.topics.current,
    computing,
    source: settings.topics.source,
    filterKeys,
    citationCount: (key: string) => model.citingCount(key),
  });
  const grouping = { stamp, groups, filterKeys };
  lastGrouping.set(model, grouping);
  return grouping;
}

/** Where the Papers view lists the paper without a filter: topic ids from the top down (empty: nowhere). */
export function topicPath(model: WorkspaceModel, key: string, settings: Pick<Settings, 'topics'>): string[] {
  return topicPathOf(topicGroupsOf(model, undefined, settings).groups, key);
}

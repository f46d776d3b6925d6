/**
 * The papers grouped into the Papers view's topics (search/topicTree.ts) for the current papers,
 * topic model result, `topics.source` and filter, kept while those stay the same: the tree asks for
 * the topics, then for each open topic's subtopics and papers, and grouping 100,000 papers each
 * time took tens of milliseconds.
 */
import type { Paper } from '../catalog/paper';
import { allSteps } from '../core/steps';
import { groupTopicsInSteps, topicPathOf, type TopicGroups } from '../search/topicTree';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspaceModel';

/** Enough to hold any catalog: a filter narrows by search, it does not cap. */
const FILTER_LIMIT = 1_000_000;

export interface FilteredTopics {
  groups: TopicGroups;
  /** Keys the filter kept; undefined without a filter. */
  filterKeys?: ReadonlySet<string>;
}

/** Per model, the groupings last made, by filter: the unfiltered tree's and the last filter's. */
const groupings = new WeakMap<WorkspaceModel, Map<string, FilteredTopics & { stamp: string }>>();
/** One list of papers per version of the catalogs: what is derived from it alone (keyword labels) is kept with it. */
const papersOfVersion = new WeakMap<WorkspaceModel, { version: number; papers: readonly Paper[] }>();
/** Papers listed between two turns of `topicGroupsInTurns`. */
const PAPERS_PER_STEP = 5000;

/**
 * Every paper, in no particular order: a topic's papers are sorted when asked for, and sorting
 * 100,000 keys first (`model.papers()`) took 100 ms of the first request after a change.
 */
function papersOf(model: WorkspaceModel): readonly Paper[] {
  return allSteps(papersInSteps(model));
}

/** `papersOf` yielding every few thousand papers; a list of papers changed meanwhile is not kept. */
function* papersInSteps(model: WorkspaceModel): Generator<void, readonly Paper[], void> {
  const last = papersOfVersion.get(model);
  if (last?.version === model.papersVersion) return last.papers;
  const version = model.papersVersion;
  const papers: Paper[] = [];
  let done = 0;
  for (const key of model.keysInAnyOrder()) {
    const paper = model.paper(key);
    if (paper) papers.push(paper);
    if (++done % PAPERS_PER_STEP === 0) {
      yield;
      if (model.papersVersion !== version) return yield* papersInSteps(model);
    }
  }
  papersOfVersion.set(model, { version, papers });
  return papers;
}

/** What a grouping depends on. Papers, not notes: a note edit changes citation counts, read when a topic's papers are sorted. */
function stampOf(model: WorkspaceModel, query: string, settings: Pick<Settings, 'topics'>): string {
  return JSON.stringify([model.papersVersion, model.topics.version, model.topics.computing, settings.topics.source, query]);
}

function remember(model: WorkspaceModel, query: string, grouping: FilteredTopics & { stamp: string }): void {
  let byQuery = groupings.get(model);
  if (!byQuery) groupings.set(model, (byQuery = new Map()));
  for (const other of byQuery.keys()) if (other !== '' && other !== query) byQuery.delete(other);
  byQuery.set(query, grouping);
}

function groupingSteps(model: WorkspaceModel, query: string, settings: Pick<Settings, 'topics'>, papers = papersOf(model)) {
  const filterKeys = query === '' ? undefined : new Set(model.search(query, FILTER_LIMIT).map((hit) => hit.key));
  const steps = groupTopicsInSteps({
    papers,
    topics: model.topics.current,
    computing: model.topics.computing,
    source: settings.topics.source,
    filterKeys,
    citationCount: (key: string) => model.citingCount(key),
  });
  return { steps, filterKeys };
}

export function topicGroupsOf(model: WorkspaceModel, filter: string | undefined, settings: Pick<Settings, 'topics'>): FilteredTopics {
  const query = filter?.trim() ?? '';
  const stamp = stampOf(model, query, settings);
  const last = groupings.get(model)?.get(query);
  if (last?.stamp === stamp) return last;
  const { steps, filterKeys } = groupingSteps(model, query, settings);
  const grouping = { stamp, groups: allSteps(steps), filterKeys };
  remember(model, query, grouping);
  return grouping;
}

/** Groupings being made for requests, by model and query: the tree's topics and topicPapers requests share one. */
const inTurns = new WeakMap<WorkspaceModel, Map<string, { stamp: string; grouping: Promise<FilteredTopics> }>>();
/** Rounds a request's grouping starts again because papers or topics changed meanwhile, before it answers with the last. */
const MAX_ROUNDS = 3;

/**
 * `topicGroupsOf` for a request: a grouping not made yet is made a step at a time, with `nextTurn`
 * between steps, so completion and hover asked meanwhile are answered. The tree asks for its topics
 * right after the index is ready and right after the topic model's result comes in, which are when
 * the grouping changes: made in one piece it held the server for 200–300 ms at 100,000 papers.
 */
export async function topicGroupsInTurns(model: WorkspaceModel, filter: string | undefined, settings: Pick<Settings, 'topics'>, nextTurn: () => Promise<void>): Promise<FilteredTopics> {
  const query = filter?.trim() ?? '';
  let grouping: FilteredTopics | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stamp = stampOf(model, query, settings);
    const last = groupings.get(model)?.get(query);
    if (last?.stamp === stamp) return last;
    grouping = await sharedGrouping(model, query, settings, stamp, nextTurn);
  }
  return grouping!;
}

function sharedGrouping(model: WorkspaceModel, query: string, settings: Pick<Settings, 'topics'>, stamp: string, nextTurn: () => Promise<void>): Promise<FilteredTopics> {
  let byQuery = inTurns.get(model);
  if (!byQuery) inTurns.set(model, (byQuery = new Map()));
  const running = byQuery.get(query);
  if (running?.stamp === stamp) return running.grouping;
  const grouping = (async () => {
    const listing = papersInSteps(model);
    let listed = listing.next();
    for (; !listed.done; listed = listing.next()) await nextTurn();
    const { steps, filterKeys } = groupingSteps(model, query, settings, listed.value);
    let step = steps.next();
    for (; !step.done; step = steps.next()) await nextTurn();
    const made = { stamp, groups: step.value, filterKeys };
    // Papers or topics changed meanwhile: kept all the same for a request of the same moment, not as current.
    if (stampOf(model, query, settings) === stamp) remember(model, query, made);
    return made;
  })();
  const entry = { stamp, grouping };
  byQuery.set(query, entry);
  const forget = () => {
    if (byQuery.get(query) === entry) byQuery.delete(query);
  };
  grouping.then(forget, forget);
  return grouping;
}

/** Where the Papers view lists the paper without a filter: topic ids from the top down (empty: nowhere). */
export function topicPath(model: WorkspaceModel, key: string, settings: Pick<Settings, 'topics'>): string[] {
  return topicPathOf(topicGroupsOf(model, undefined, settings).groups, key);
}

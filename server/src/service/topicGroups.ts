/**
 * The papers grouped into the Papers view's topics (search/topicTree.ts) for the current papers,
 * topic model result, `topics.source` and filter, kept while those stay the same: the tree asks for
 * the topics, then for each open topic's subtopics and papers, and grouping 100,000 papers each
 * time took tens of milliseconds.
 *
 * A request never waits for a grouping that replaces one already made: it is answered from the last
 * one, said to be computing, while the new one is made between requests; the client is then told
 * to ask again (`whenMade`). At 100,000 papers a grouping takes 200–300 ms of the main thread, and
 * more than a second of wall time beside the topic worker's collection, which is what the tree's
 * requests waited for after the index was ready and after each result of the topic model. A new
 * result of the model is grouped before it is shown (`prepareTopicGroups`), so the tree's request
 * after it finds its grouping made.
 */
import type { TopicSource } from '../../../common/protocol';
import type { Paper } from '../catalog/paper';
import { allSteps } from '../core/steps';
import type { TopicIndex } from '../search/topicIndex';
import { groupTopics, groupTopicsInSteps, topicPathOf, type TopicGroups } from '../search/topicTree';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspaceModel';

/** Enough to hold any catalog: a filter narrows by search, it does not cap. */
const FILTER_LIMIT = 1_000_000;

export interface FilteredTopics {
  groups: TopicGroups;
  /** Keys the filter kept; undefined without a filter. */
  filterKeys?: ReadonlySet<string>;
  /** Made for papers or topics that have changed since: the request says topics are computing. */
  outdated?: boolean;
  /** No grouping was made yet: `groups` is empty, the tree's top level is every paper waiting (topicRequests.ts). */
  first?: boolean;
}

/** What a grouping is made of. Papers, not notes: a note edit changes citation counts, read when a topic's papers are sorted. */
interface GroupingInputs {
  papersVersion: number;
  topics: TopicIndex | undefined;
  computing: boolean;
  source: TopicSource;
  query: string;
}

interface Grouping extends FilteredTopics {
  inputs: GroupingInputs;
}

interface ModelGroupings {
  /** The groupings last made, by query: the unfiltered tree's and the last filter's. */
  made: Map<string, Grouping>;
  /** The unfiltered tree's grouping for a topic model result not shown yet. */
  prepared?: Grouping;
  /** The grouping being made in turns, by query. */
  making: Map<string, Promise<Grouping>>;
}

const byModel = new WeakMap<WorkspaceModel, ModelGroupings>();
/** One list of papers per version of the catalogs: what is derived from it alone (keyword labels) is kept with it. */
const papersOfVersion = new WeakMap<WorkspaceModel, { version: number; papers: readonly Paper[] }>();
/** Papers listed between two turns of `topicGroupsInTurns`. */
const PAPERS_PER_STEP = 5000;
/** Rounds a grouping made in turns starts again because papers or topics changed meanwhile, before it keeps the last. */
const MAX_ROUNDS = 3;
/**
 * Papers up to which a request waits for its grouping all the same (a few turns): a small library's
 * tree then never shows a moment of the last tree or of every paper waiting.
 */
const WAITED_UP_TO = 10_000;
/** Grouping work per turn of the event loop when the caller gives a clock: a request waits for a few turns of it at most. */
const TURN_MS = 4;

/** Between two steps of a grouping made in turns; `now` (ms) lets several steps share a turn of TURN_MS. */
export interface GroupingTurns {
  nextTurn: () => Promise<void>;
  now?: () => number;
}

function stateOf(model: WorkspaceModel): ModelGroupings {
  let state = byModel.get(model);
  if (!state) byModel.set(model, (state = { made: new Map(), making: new Map() }));
  return state;
}

function inputsOf(model: WorkspaceModel, query: string, settings: Pick<Settings, 'topics'>): GroupingInputs {
  return { papersVersion: model.papersVersion, topics: model.topics.current, computing: model.topics.computing, source: settings.topics.source, query };
}

/** Whether a grouping is right for `now`: `computing` only matters where the model's result leaves papers out. */
function fits(grouping: Grouping, now: GroupingInputs): boolean {
  const made = grouping.inputs;
  if (made.papersVersion !== now.papersVersion || made.source !== now.source || made.query !== now.query) return false;
  if (now.source === 'catalog') return true;
  return made.topics === now.topics && (made.computing === now.computing || grouping.groups.notPlaced === 0);
}

/** The grouping made for `now`, if there is one (a prepared one becomes the made one once its result is shown). */
function madeFor(model: WorkspaceModel, now: GroupingInputs): Grouping | undefined {
  const state = stateOf(model);
  if (now.query === '' && state.prepared && fits(state.prepared, now)) {
    remember(model, state.prepared);
    state.prepared = undefined;
  }
  const made = state.made.get(now.query);
  return made && fits(made, now) ? made : undefined;
}

function remember(model: WorkspaceModel, grouping: Grouping): void {
  const { made } = stateOf(model);
  const query = grouping.inputs.query;
  for (const other of made.keys()) if (other !== '' && other !== query) made.delete(other);
  made.set(query, grouping);
}

/**
 * Every paper, in no particular order: a topic's papers are sorted when asked for, and sorting
 * 100,000 keys first (`model.papers()`) took 100 ms of the first request after a change.
 * Yields every few thousand papers; a list of papers changed meanwhile is not kept.
 */
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

/** A grouping for `inputs` (the papers as they are when the list is done), a step at a time. */
function* groupingInSteps(model: WorkspaceModel, inputs: GroupingInputs): Generator<void, Grouping, void> {
  const papers = yield* papersInSteps(model);
  const papersVersion = model.papersVersion; // the list's: it was made in this turn, or kept for this version
  const filterKeys = inputs.query === '' ? undefined : new Set(model.search(inputs.query, FILTER_LIMIT).map((hit) => hit.key));
  const groups = yield* groupTopicsInSteps({
    papers,
    topics: inputs.topics,
    computing: inputs.computing,
    source: inputs.source,
    filterKeys,
    citationCount: (key: string) => model.citingCount(key),
  });
  return { inputs: { ...inputs, papersVersion }, groups, filterKeys };
}

/** The grouping for the papers and topics as they are now, made at once (paper details, tests). */
export function topicGroupsOf(model: WorkspaceModel, filter: string | undefined, settings: Pick<Settings, 'topics'>): FilteredTopics {
  const now = inputsOf(model, filter?.trim() ?? '', settings);
  const made = madeFor(model, now);
  if (made) return made;
  const grouping = allSteps(groupingInSteps(model, now));
  remember(model, grouping);
  return grouping;
}

/**
 * `topicGroupsOf` for a request, made in turns (`nextTurn` between steps) so completion and hover
 * asked meanwhile are answered. Beyond WAITED_UP_TO papers, when a grouping for this filter was made
 * before, the request does not wait: it gets that one, `outdated`, and `whenMade` is called once the
 * new one is made and still right. The first grouping of a filter is waited for; with `first`, the
 * first unfiltered one is not: the answer is an empty grouping marked `first` (the tree's top level
 * asks before any grouping, at 100,000 papers right after the index is ready, when the first takes
 * 0.3–0.6 s).
 */
export async function topicGroupsInTurns(
  model: WorkspaceModel,
  filter: string | undefined,
  settings: Pick<Settings, 'topics'>,
  turns: GroupingTurns,
  whenMade?: () => void,
  first?: 'answered' | 'waited',
): Promise<FilteredTopics> {
  const query = filter?.trim() ?? '';
  const now = inputsOf(model, query, settings);
  const made = madeFor(model, now);
  if (made) return made;
  const last = stateOf(model).made.get(query);
  if (model.paperCount > WAITED_UP_TO && (last || (query === '' && first === 'answered'))) {
    makeInTurns(model, query, settings, turns).then(
      (grouping) => {
        if (fits(grouping, inputsOf(model, query, settings))) whenMade?.();
      },
      () => undefined, // the next request tries again
    );
    return last ? { ...last, outdated: true } : { groups: groupTopics({ papers: [], topics: undefined, computing: true, source: now.source, citationCount: () => 0 }), outdated: true, first: true };
  }
  let grouping: Grouping | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    grouping = await makeInTurns(model, query, settings, turns);
    if (fits(grouping, inputsOf(model, query, settings))) break;
  }
  return grouping!;
}

/** Makes the unfiltered grouping in turns now (papers changed, or a result was shown), for the tree's next request. */
export async function prepareTopicGroups(model: WorkspaceModel, settings: Pick<Settings, 'topics'>, turns: GroupingTurns): Promise<void> {
  if (!madeFor(model, inputsOf(model, '', settings))) await makeInTurns(model, '', settings, turns);
}

/**
 * Makes the unfiltered grouping for a topic model result before it is shown, in turns: `computing`
 * is what the model will say once it is shown. The tree keeps its grouping meanwhile.
 */
export async function prepareTopicGroupsFor(model: WorkspaceModel, topics: TopicIndex, computing: boolean, settings: Pick<Settings, 'topics'>, turns: GroupingTurns): Promise<void> {
  const state = stateOf(model);
  const running = state.making.get('');
  if (running) await running.catch(() => undefined);
  const inputs: GroupingInputs = { ...inputsOf(model, '', settings), topics, computing };
  const grouping = await runInTurns(groupingInSteps(model, inputs), turns);
  state.prepared = grouping;
}

/** The grouping being made for `query`, or a new one for the papers and topics as they are now. */
function makeInTurns(model: WorkspaceModel, query: string, settings: Pick<Settings, 'topics'>, turns: GroupingTurns): Promise<Grouping> {
  const { making } = stateOf(model);
  const running = making.get(query);
  if (running) return running;
  const job = runInTurns(groupingInSteps(model, inputsOf(model, query, settings)), turns).then((grouping) => {
    // Kept even when papers or topics changed meanwhile (while catalogs are read, every turn): it is
    // the last tree, answered as outdated until one fits.
    remember(model, grouping);
    return grouping;
  });
  making.set(query, job);
  const forget = () => {
    if (making.get(query) === job) making.delete(query);
  };
  job.then(forget, forget);
  return job;
}

async function runInTurns<R>(steps: Generator<void, R, void>, turns: GroupingTurns): Promise<R> {
  let turnStarted = turns.now?.() ?? 0;
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (!turns.now || turns.now() - turnStarted >= TURN_MS) {
      await turns.nextTurn();
      turnStarted = turns.now?.() ?? 0;
    }
  }
}

/** Where the Papers view lists the paper without a filter: topic ids from the top down (empty: nowhere). */
export function topicPath(model: WorkspaceModel, key: string, settings: Pick<Settings, 'topics'>, grouping?: FilteredTopics): string[] {
  return topicPathOf((grouping ?? topicGroupsOf(model, undefined, settings)).groups, key);
}

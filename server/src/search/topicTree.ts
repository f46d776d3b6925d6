/**
 * The Papers view's data, without the view: which topics there are (at the top level or under a
 * topic), how many papers each holds after the filter, and a topic's papers in the chosen order.
 * The client only draws it.
 *
 * Topics come from the catalog (`keywords`, merged case-insensitively) and/or from the topic model
 * (topicIndex.ts), depending on the `source` setting:
 * - `catalog`: keywords only; papers without any go under "No topic";
 * - `derived`: the model's topics for every paper, each paper in one place (a leaf topic);
 * - `both`: keywords for papers that have them, the model's topics for the others.
 * A derived topic with subtopics holds its subtopics' papers too: a client reading only the top
 * level still sees every paper. Until the model has placed a paper (first start, a paper just
 * added) it is under "Indexing topics…".
 * Ids are stable and say where a topic comes from: `kw:<keyword>`, `derived:<id>`, `none`, `indexing`.
 */
import type { PaperSort, Topic, TopicSource } from '../../../common/protocol';
import type { Paper } from '../catalog/paper';
import { allSteps } from '../core/steps';
import { foldAccents } from './tokenize';
import type { TopicIndex } from './topicIndex';
import type { TopicEntry } from './topicResult';

export interface TopicTreeInput {
  papers: readonly Paper[];
  /** The model's last result; undefined before the first one. */
  topics: TopicIndex | undefined;
  /** The model is computing: a paper it has not placed yet is waiting, not "Other". */
  computing: boolean;
  source: TopicSource;
  /** Keys the full-text filter kept; all papers when undefined. */
  filterKeys?: ReadonlySet<string>;
  citationCount: (key: string) => number;
}

export const NO_TOPIC_ID = 'none';
export const NO_TOPIC_LABEL = 'No topic';
export const INDEXING_TOPIC_ID = 'indexing';
export const INDEXING_TOPIC_LABEL = 'Indexing topics…';
const KEYWORD_PREFIX = 'kw:';
const DERIVED_PREFIX = 'derived:';
/** The model's id for papers that fit no topic (topicResult.ts). */
const MODEL_OTHER_ID = 'other';
const DERIVED_OTHER_ID = DERIVED_PREFIX + MODEL_OTHER_ID;

interface Group {
  topic: Omit<Topic, 'count'>;
  papers: Paper[];
  /** The parent group's id, for a subtopic. */
  parent?: string;
  /** Display rank among siblings: catalog topics by label come first, then the model's order. */
  order: number;
}

/** The papers grouped once for a filter and a version of the catalogs; every request of the tree reads it. */
export interface TopicGroups {
  groups: Map<string, Group>;
  citationCount: (key: string) => number;
  /** Papers listed by the model's topics that its result does not place: only they depend on `computing` (waiting or Other). */
  notPlaced: number;
}

export function groupTopics(input: TopicTreeInput): TopicGroups {
  return allSteps(groupTopicsInSteps(input));
}

/** Papers grouped between two yields of `groupTopicsInSteps`: a few milliseconds. */
const GROUPED_PER_STEP = 1000;
/** Papers whose keywords' spellings are counted between two yields (each keyword list is decoded from the columns). */
const SPELLED_PER_STEP = 2000;

/** `groupTopics` a step at a time: the glue prepares the tree's grouping between requests (node/topicUpdater.ts). */
export function* groupTopicsInSteps(input: TopicTreeInput): Generator<void, TopicGroups, void> {
  const groups = new Map<string, Group>();
  const visible = input.filterKeys ? input.papers.filter((p) => input.filterKeys?.has(p.key)) : input.papers;
  const index = input.topics;
  const add = (group: Group): Group => {
    groups.set(group.topic.id, group);
    return group;
  };
  // One pass over 100,000 papers per grouping: no closure, object or array per paper in it.
  let noTopic: Group | undefined;
  let waiting: Group | undefined;
  let unplaced: Group | undefined;
  /** Per model topic: the groups it and its ancestors are, itself first. */
  const chains = new Map<TopicEntry, Group[]>();
  const chainOf = (leaf: TopicEntry): Group[] => {
    const path = index!.pathTo(leaf.id);
    const chain = path.map((id, depth) => {
      const entry = index!.topic(id)!;
      return (
        groups.get(DERIVED_PREFIX + id) ??
        add({
          topic: { id: DERIVED_PREFIX + id, label: entry.label, source: 'derived', terms: entry.terms, subtopics: index!.subtopicCount(id) },
          parent: depth > 0 ? DERIVED_PREFIX + path[depth - 1] : undefined,
          order: id === MODEL_OTHER_ID && depth === 0 ? RANK_OTHER : RANK_DERIVED + orderOf(index!, id),
          papers: [],
        })
      );
    });
    chain.reverse();
    chains.set(leaf, chain);
    return chain;
  };

  const keywordLabels = input.source === 'derived' ? new Map<string, string>() : yield* keywordLabelsInSteps(input.papers);
  let done = 0;
  let notPlaced = 0;
  for (const paper of visible) {
    if (++done % GROUPED_PER_STEP === 0) yield;
    const keywords = input.source === 'derived' || paper.keywords.length === 0 ? NONE : keywordIdsOf(paper);
    if (keywords.length > 0) {
      for (const keyword of keywords) {
        const id = KEYWORD_PREFIX + keyword;
        (groups.get(id) ?? add({ topic: { id, label: keywordLabels.get(keyword) ?? keyword, source: 'catalog' }, order: RANK_CATALOG, papers: [] })).papers.push(paper);
      }
    } else if (input.source === 'catalog') {
      (noTopic ??= add({ topic: { id: NO_TOPIC_ID, label: NO_TOPIC_LABEL, source: 'none' }, order: RANK_NO_TOPIC, papers: [] })).papers.push(paper);
    } else {
      const leaf = index?.leafOf(paper.key);
      if (leaf) {
        for (const group of chains.get(leaf) ?? chainOf(leaf)) group.papers.push(paper);
        continue;
      }
      notPlaced++;
      if (input.computing) {
        (waiting ??= add({ topic: { id: INDEXING_TOPIC_ID, label: INDEXING_TOPIC_LABEL, source: 'none' }, order: RANK_INDEXING, papers: [] })).papers.push(paper);
      } else {
        // Not placed, and nothing is being computed: the model left it out (it never should).
        (unplaced ??= groups.get(DERIVED_OTHER_ID) ?? add({ topic: { id: DERIVED_OTHER_ID, label: 'Other', source: 'derived', terms: [] }, order: RANK_OTHER, papers: [] })).papers.push(paper);
      }
    }
  }
  return { groups, citationCount: input.citationCount, notPlaced };
}

const NONE: readonly string[] = [];

const RANK_CATALOG = 0;
const RANK_DERIVED = 1;
const RANK_OTHER = 1e9;
const RANK_INDEXING = 2e9;
const RANK_NO_TOPIC = 3e9;

/** A topic's place in the model's display order, as a fraction below 1. */
function orderOf(index: TopicIndex, id: string): number {
  const topic = index.topic(id);
  return topic ? index.topics.indexOf(topic) / (index.topics.length + 1) : 0;
}

/**
 * The topics (at the top level, or the subtopics of `parentId`) holding at least one paper after
 * the filter: catalog topics by label, then the model's topics in its order, then "Other",
 * "Indexing topics…" and "No topic".
 */
export function listTopics(topics: TopicGroups, parentId?: string): Topic[] {
  const all = [...topics.groups.values()].filter((g) => g.papers.length > 0);
  // Subtopics the filter emptied are not shown: a topic's count of subtopics is of those left.
  const shownChildren = new Map<string, number>();
  for (const g of all) if (g.parent !== undefined) shownChildren.set(g.parent, (shownChildren.get(g.parent) ?? 0) + 1);
  return inDisplayOrder(all.filter((g) => g.parent === parentId)).map((g) => {
    const topic: Topic = { ...g.topic, count: g.papers.length };
    const subtopics = shownChildren.get(g.topic.id);
    if (subtopics) topic.subtopics = subtopics;
    else delete topic.subtopics;
    return topic;
  });
}

/** The papers of a topic and its subtopics after the filter, sorted; empty for an unknown topic. */
export function papersOfTopic(topics: TopicGroups, topicId: string, sort: PaperSort): Paper[] {
  return sortPapers(topics.groups.get(topicId)?.papers ?? [], sort, topics.citationCount);
}

/** Where the tree lists `key`: topic ids from the top level down to the first topic holding it. */
export function topicPathOf(topics: TopicGroups, key: string): string[] {
  const holding = [...topics.groups.values()].filter((g) => g.papers.some((p) => p.key === key));
  const path: string[] = [];
  for (let next = inDisplayOrder(holding.filter((g) => g.parent === undefined))[0]; next; ) {
    path.push(next.topic.id);
    const parent = next.topic.id;
    next = inDisplayOrder(holding.filter((g) => g.parent === parent))[0];
  }
  return path;
}

function inDisplayOrder(groups: Group[]): Group[] {
  return groups.sort((a, b) => a.order - b.order || (a.order === RANK_CATALOG ? compareText(a.topic.label, b.topic.label) : 0) || compareCodeUnits(a.topic.id, b.topic.id));
}

/** A keyword as the tree merges it: trimmed, lower case ("Pruning" and "pruning " are one topic). */
function keywordId(keyword: string): string {
  return keyword.trim().toLowerCase();
}

/** A paper's merged keywords, made once per paper object (the tree regroups after every change). */
const keywordIds = new WeakMap<Paper, readonly string[]>();
function keywordIdsOf(paper: Paper): readonly string[] {
  let ids = keywordIds.get(paper);
  if (!ids) keywordIds.set(paper, (ids = [...new Set(paper.keywords.map(keywordId).filter((k) => k !== ''))]));
  return ids;
}

/** The labels of each list of papers (the caller keeps one list per version of the catalogs). */
const labelsOfPapers = new WeakMap<readonly Paper[], Map<string, string>>();

/** Per merged keyword, the spelling most papers use (ties: the first in code-unit order); yields every few thousand papers. */
function* keywordLabelsInSteps(papers: readonly Paper[]): Generator<void, Map<string, string>, void> {
  const known = labelsOfPapers.get(papers);
  if (known) return known;
  const spellings = new Map<string, Map<string, number>>();
  let done = 0;
  for (const paper of papers) {
    // Reading 100,000 papers' keywords in one step held the server 60–100 ms.
    if (++done % SPELLED_PER_STEP === 0) yield;
    if (paper.keywords.length === 0) continue;
    for (const raw of new Set(paper.keywords.map((k) => k.trim()))) {
      if (raw === '') continue;
      const id = keywordId(raw);
      const counts = spellings.get(id) ?? new Map<string, number>();
      counts.set(raw, (counts.get(raw) ?? 0) + 1);
      spellings.set(id, counts);
    }
  }
  const labels = new Map<string, string>();
  for (const [id, counts] of spellings) {
    let best = '';
    let bestCount = 0;
    for (const [spelling, count] of counts) {
      if (count > bestCount || (count === bestCount && compareCodeUnits(spelling, best) < 0)) {
        best = spelling;
        bestCount = count;
      }
    }
    labels.set(id, best);
  }
  labelsOfPapers.set(papers, labels);
  return labels;
}

function sortPapers(papers: readonly Paper[], sort: PaperSort, citationCount: (key: string) => number): Paper[] {
  const titles = new Map(papers.map((p) => [p.key, p.title ? foldAccents(p.title).trim() : undefined]));
  const byTitle = (a: Paper, b: Paper) => compareMissingLast(titles.get(a.key), titles.get(b.key)) || compareCodeUnits(a.key, b.key);
  switch (sort) {
    case 'title':
      return [...papers].sort(byTitle);
    case 'year': {
      const years = new Map(papers.map((p) => [p.key, yearOf(p)]));
      return [...papers].sort((a, b) => compareNewestFirst(years.get(a.key), years.get(b.key)) || byTitle(a, b));
    }
    case 'cited': {
      const counts = new Map(papers.map((p) => [p.key, citationCount(p.key)]));
      return [...papers].sort((a, b) => (counts.get(b.key) ?? 0) - (counts.get(a.key) ?? 0) || byTitle(a, b));
    }
  }
}

function yearOf(paper: Paper): number | undefined {
  const match = /\d{4}/.exec(paper.year ?? paper.date ?? '');
  return match ? Number(match[0]) : undefined;
}

function compareNewestFirst(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return b - a;
}

function compareMissingLast(a: string | undefined, b: string | undefined): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  return compareCodeUnits(a, b);
}

/** Case- and accent-insensitive, the same on every machine. */
function compareText(a: string, b: string): number {
  return compareCodeUnits(foldAccents(a), foldAccents(b));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

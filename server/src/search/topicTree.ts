/**
 * The Papers view's data, without the view: which topics there are, how many papers each holds
 * after the filter, and a topic's papers in the chosen order. The client only draws it.
 *
 * Topics come from the catalog (`keywords`, merged case-insensitively) and/or are derived from
 * titles and abstracts (topics.ts), depending on the `source` setting:
 * - `catalog`: keywords only; papers without any go under "No topic";
 * - `derived`: derived topics for every paper;
 * - `both`: keywords for papers that have them, derived topics for the others.
 * Ids are stable and say where a topic comes from: `kw:<keyword>`, `derived:<id>`, `none`.
 */
import type { PaperSort, Topic, TopicSource } from '../../../common/protocol';
import type { Paper } from '../catalog/paper';
import { foldAccents } from './tokenize';
import { OTHER_TOPIC_ID, OTHER_TOPIC_LABEL, type DerivedTopics } from './topics';

export interface TopicTreeInput {
  papers: readonly Paper[];
  derived: DerivedTopics;
  source: TopicSource;
  /** Keys the full-text filter kept; all papers when undefined. */
  filterKeys?: ReadonlySet<string>;
  citationCount: (key: string) => number;
}

export const NO_TOPIC_ID = 'none';
export const NO_TOPIC_LABEL = 'No topic';
const KEYWORD_PREFIX = 'kw:';
const DERIVED_PREFIX = 'derived:';
const DERIVED_OTHER_ID = DERIVED_PREFIX + OTHER_TOPIC_ID;

interface Group {
  topic: Topic;
  papers: Paper[];
}

/** The topics holding at least one paper after the filter, by label; "Other" and "No topic" last. */
export function listTopics(input: TopicTreeInput): Topic[] {
  const groups = [...groupPapers(input).values()].filter((group) => group.papers.length > 0);
  for (const group of groups) group.topic.count = group.papers.length;
  return groups.map((group) => group.topic).sort(compareTopics);
}

/** The papers of one topic after the filter, sorted; empty for an unknown topic. */
export function papersOfTopic(input: TopicTreeInput, topicId: string, sort: PaperSort): Paper[] {
  const papers = groupPapers(input).get(topicId)?.papers ?? [];
  return sortPapers(papers, sort, input.citationCount);
}

function groupPapers(input: TopicTreeInput): Map<string, Group> {
  const groups = new Map<string, Group>();
  const visible = input.filterKeys ? input.papers.filter((p) => input.filterKeys?.has(p.key)) : input.papers;
  const add = (id: string, label: string, source: Topic['source'], paper: Paper) => {
    let group = groups.get(id);
    if (!group) {
      group = { topic: { id, label, count: 0, source }, papers: [] };
      groups.set(id, group);
    }
    group.papers.push(paper);
  };

  const keywordLabels = input.source === 'derived' ? new Map<string, string>() : keywordLabelsOf(input.papers);
  const derivedOf = input.source === 'catalog' ? new Map<string, DerivedTopics['topics']>() : derivedTopicsByKey(input.derived);

  for (const paper of visible) {
    const keywords = uniqueKeywords(paper);
    if (input.source !== 'derived' && keywords.length > 0) {
      for (const keyword of keywords) add(KEYWORD_PREFIX + keyword, keywordLabels.get(keyword) ?? keyword, 'catalog', paper);
    } else if (input.source === 'catalog') {
      add(NO_TOPIC_ID, NO_TOPIC_LABEL, 'none', paper);
    } else {
      const topics = derivedOf.get(paper.key) ?? [];
      // A paper the derived topics do not know yet (added since they were computed) is "Other".
      if (topics.length === 0) add(DERIVED_OTHER_ID, OTHER_TOPIC_LABEL, 'derived', paper);
      for (const topic of topics) add(DERIVED_PREFIX + topic.id, topic.label, 'derived', paper);
    }
  }
  return groups;
}

/** A keyword as the tree merges it: trimmed, lower case ("Pruning" and "pruning " are one topic). */
function keywordId(keyword: string): string {
  return keyword.trim().toLowerCase();
}

function uniqueKeywords(paper: Paper): string[] {
  return [...new Set(paper.keywords.map(keywordId).filter((k) => k !== ''))];
}

/** Per merged keyword, the spelling most papers use (ties: the first in code-unit order). */
function keywordLabelsOf(papers: readonly Paper[]): Map<string, string> {
  const spellings = new Map<string, Map<string, number>>();
  for (const paper of papers) {
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
  return labels;
}

function derivedTopicsByKey(derived: DerivedTopics): Map<string, DerivedTopics['topics']> {
  const byKey = new Map<string, DerivedTopics['topics']>();
  for (const topic of derived.topics) {
    for (const key of topic.keys) {
      const topics = byKey.get(key);
      if (topics) topics.push(topic);
      else byKey.set(key, [topic]);
    }
  }
  return byKey;
}

function compareTopics(a: Topic, b: Topic): number {
  return rankOfTopic(a) - rankOfTopic(b) || compareText(a.label, b.label) || compareCodeUnits(a.id, b.id);
}

/** Ordinary topics first, then "Other", then "No topic". */
function rankOfTopic(topic: Topic): number {
  if (topic.id === NO_TOPIC_ID) return 2;
  if (topic.id === DERIVED_OTHER_ID) return 1;
  return 0;
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

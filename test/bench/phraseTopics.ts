/**
 * The benchmark's baseline: the phrase topics the Papers view showed before the topic model
 * (server/src/search/topicModel.ts) replaced them. `npm run bench:topics` scores both in the same
 * run; nothing in the extension uses this. Topics derived from titles and abstracts: recurring
 * phrases such as "Gaussian Splatting", "Sparse Attention" or "Pruning".
 *
 * 1. Candidate phrases: runs of one to three content words inside a title or abstract (never across
 *    punctuation or a stop word), plurals folded ("autoencoders" = "autoencoder").
 * 2. A paper has a phrase when its title says it, or its abstract repeats it.
 * 3. Only phrases in the middle band are candidates: in at least two titles, and in at most a
 *    quarter of the papers. A word that almost every paper has ("sparse" in a catalog about
 *    sparsity) says nothing about any one of them.
 * 4. Best phrases first (many titles, several words, few abstract-only mentions), skipping a
 *    phrase inside or around a chosen one, or sharing a word and most titles with one; then, for
 *    the papers still without a topic, the phrases most of their titles share, until there are
 *    enough topics (about 2·√n, at most 40).
 * 5. Papers left over go to "Other".
 *
 * Deterministic: papers are processed in key order and ties are broken by the phrase itself.
 */
import { abstractOf, type Paper } from '../../server/src/catalog/paper';
import { foldAccents, isStopWord, isWordChar, singular } from '../../server/src/search/tokenize';

export interface DerivedTopic {
  /** Stable within the catalog: the phrase's words joined by "-" ("gaussian-splatting"), or "other". */
  id: string;
  /** The phrase as titles write it, title-cased: "Gaussian Splatting". */
  label: string;
  /** Keys of the papers in the topic, sorted. */
  keys: string[];
}

export interface DerivedTopics {
  topics: DerivedTopic[];
}

export const OTHER_TOPIC_ID = 'other';
export const OTHER_TOPIC_LABEL = 'Other';

/** Adjectives, verbs and prefixes of every field: never a topic, never at the edge of a phrase. */
const EDGE_WORDS = new Set(
  (
    'propose proposed novel new towards toward using use based via efficient effective improved improving ' +
    'improve better fast faster simple scalable robust generalizable large small high low deep good first ' +
    'two three multiple several various extensive existing adaptive general unified unifying make making ' +
    'enable enabling learn learned learning learnable beyond across without within like well also can ' +
    'different significant significantly demonstrate achieve outperform show grained level neural visual ' +
    'multi cross non pre co self semi inter intra sub post re de single review development ' +
    // Articles and particles of German and French titles, common in older catalogs.
    'der die das und von zur zum des du la le les et en'
  ).split(' '),
);

/** Nouns too broad to name a topic alone; they still do inside a phrase ("Image Retrieval"). */
const BROAD_WORDS = new Set(
  (
    'paper method approach result model network system task data performance problem work study analysis ' +
    'framework feature representation image training technique challenge insight lesson recipe state art ' +
    'experiment benchmark dataset application information structure process quality accuracy efficiency ' +
    'inference generation evaluation prior view object scene point time cost design case world text ' +
    'language vision effect property function theory interaction dependence measurement energy temperature ' +
    'material solid field observation investigation calculation behavior behaviour characterization'
  ).split(' '),
);

const MAX_PHRASE_WORDS = 3;
const MAX_TOPIC_SHARE = 0.25;
const MIN_TITLES = 2;
/** Share of the topic budget for the best phrases; the rest goes to papers still without a topic. */
const QUALITY_SHARE = 0.7;
/** Weight of a phrase by its number of words: "Gaussian Splatting" says more than "Splatting". */
const LENGTH_BONUS = [0, 1, 2, 2.4];
/** A phrase whose titles are more than this share a chosen topic's (and a word with it) is a variant. */
const MAX_SHARED = 0.5;

interface PaperPhrases {
  key: string;
  /** Phrases (words joined by spaces) the paper has: in its title or repeated in its abstract. */
  phrases: Set<string>;
  /** Of those, the ones in the title, with how the title writes them. */
  inTitle: Map<string, string>;
}

interface Candidate {
  phrase: string;
  words: string[];
  papers: number[];
  /** Per paper of `papers`: whether its title has the phrase. */
  inTitle: boolean[];
  titles: number;
}

export function phraseTopics(papers: readonly Paper[]): DerivedTopics {
  const sorted = [...papers].sort((a, b) => compare(a.key, b.key));
  const cache: WordCache = new Map();
  const analysed = sorted.map((paper) => phrasesOf(paper, cache));
  const candidates = candidatesOf(analysed);
  const chosen = chooseTopics(candidates, analysed.length);

  const covered = new Uint8Array(analysed.length);
  const topics: DerivedTopic[] = chosen.map((candidate) => {
    for (const i of candidate.papers) covered[i] = 1;
    return {
      id: candidate.words.join('-'),
      label: labelOf(candidate, analysed),
      keys: candidate.papers.map((i) => analysed[i].key).sort(compare),
    };
  });
  topics.sort((a, b) => compare(a.label.toLowerCase(), b.label.toLowerCase()) || compare(a.id, b.id));
  const others = analysed.filter((_, i) => !covered[i]).map((p) => p.key);
  if (others.length > 0) topics.push({ id: OTHER_TOPIC_ID, label: OTHER_TOPIC_LABEL, keys: others });
  return { topics };
}

/** The phrases of one paper: all of its title's, and those its abstract uses repeatedly. */
function phrasesOf(paper: Paper, cache: WordCache): PaperPhrases {
  const phrases = new Set<string>();
  const inTitle = new Map<string, string>();
  const title = paper.title ?? '';
  forEachPhrase(title, cache, (phrase, start, end) => {
    phrases.add(phrase);
    if (!inTitle.has(phrase)) inTitle.set(phrase, title.slice(start, end));
  });
  const abstract = abstractOf(paper);
  if (abstract) {
    const counts = new Map<string, number>();
    forEachPhrase(abstract, cache, (phrase) => counts.set(phrase, (counts.get(phrase) ?? 0) + 1));
    for (const [phrase, count] of counts) {
      // A single word must come back three times to mark the paper: abstracts mention much in passing.
      const needed = phrase.includes(' ') ? 2 : 3;
      if (count >= needed) phrases.add(phrase);
    }
  }
  return { key: paper.key, phrases, inTitle };
}

/** What a written word means for phrases; undefined for a word that ends a phrase (stop word, number). */
interface WordInfo {
  stem: string;
  /** May not start or end a phrase. */
  edge: boolean;
  /** May not be a phrase alone. */
  broad: boolean;
}
/** Per spelling as written, shared by all papers of one run: most words repeat across papers. */
type WordCache = Map<string, WordInfo | undefined>;

function wordInfo(spelling: string, cache: WordCache): WordInfo | undefined {
  if (cache.has(spelling)) return cache.get(spelling);
  const folded = foldAccents(spelling);
  let info: WordInfo | undefined;
  if (folded.length >= 2 && !isStopWord(folded) && !/^\d+$/.test(folded)) {
    const word = singular(folded);
    info = { stem: stem(word), edge: EDGE_WORDS.has(word), broad: BROAD_WORDS.has(word) };
  }
  cache.set(spelling, info);
  return info;
}

/**
 * Calls `visit` with each phrase of one to three content words and where the text has it.
 * A phrase continues over spaces and hyphens only; punctuation, a stop word or a number ends it.
 * A hand-written scanner: this runs over every abstract.
 */
function forEachPhrase(
  text: string,
  cache: WordCache,
  visit: (phrase: string, start: number, end: number) => void,
): void {
  // The run of up to three words before the current one: newest last.
  let run: { info: WordInfo; start: number }[] = [];
  let start = -1;
  let joined = true;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    if (isWordChar(code)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      const info = wordInfo(text.slice(start, i), cache);
      if (!info || !joined) run = [];
      if (info) {
        run.push({ info, start });
        if (run.length > MAX_PHRASE_WORDS) run.shift();
        let phrase = '';
        for (let first = run.length - 1; first >= 0; first--) {
          phrase = first === run.length - 1 ? info.stem : `${run[first].info.stem} ${phrase}`;
          if (info.edge || run[first].info.edge) continue;
          if (first === run.length - 1 && info.broad) continue;
          visit(phrase, run[first].start, i);
        }
      }
      start = -1;
      joined = true;
    }
    if (!isPhraseGap(code)) joined = false;
  }
}

/** Space, tab, newline and hyphens keep a phrase going ("Sparse-View", "Fine-Tuning"). */
function isPhraseGap(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 45 || code === 0x2010 || code === 0x2013;
}

/**
 * A light stemmer for grouping: "pruning"/"pruned" → "prun", "recommender"/"recommendation" →
 * "recommend". Only a few suffixes, only on long words: labels use the title's own spelling.
 */
function stem(word: string): string {
  for (const suffix of ['ivity', 'ation', 'ing', 'er', 'ed']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length);
  }
  return word;
}

/** Phrases in the middle band: in at least two titles and at most a quarter of the papers. */
function candidatesOf(analysed: readonly PaperPhrases[]): Candidate[] {
  const byPhrase = new Map<string, Candidate>();
  analysed.forEach((paper, i) => {
    for (const phrase of paper.phrases) {
      let candidate = byPhrase.get(phrase);
      if (!candidate) {
        candidate = { phrase, words: phrase.split(' '), papers: [], inTitle: [], titles: 0 };
        byPhrase.set(phrase, candidate);
      }
      const inTitle = paper.inTitle.has(phrase);
      candidate.papers.push(i);
      candidate.inTitle.push(inTitle);
      if (inTitle) candidate.titles++;
    }
  });
  const most = Math.max(MIN_TITLES, Math.floor(analysed.length * MAX_TOPIC_SHARE));
  return [...byPhrase.values()].filter((c) => c.titles >= MIN_TITLES && c.papers.length <= most);
}

/** About 2·√n topics, between 3 and 40: enough to browse, few enough to scan. */
function topicBudget(papers: number): number {
  return Math.min(40, Math.max(3, Math.round(2 * Math.sqrt(papers))));
}

/**
 * Best phrases first: a phrase is better the more titles use it, the longer it is, and the fewer
 * of its papers only mention it in the abstract (broad words like "features" are in many
 * abstracts but few titles). A phrase is skipped when it is inside or around a chosen one
 * ("gaussian" for "gaussian splatting") or a variant of one (variantOf).
 */
function chooseTopics(candidates: Candidate[], paperCount: number): Candidate[] {
  const quality = (c: Candidate) => c.titles * LENGTH_BONUS[c.words.length] * (c.titles / c.papers.length) ** 0.25;
  const ranked = candidates
    .map((candidate) => ({ candidate, quality: quality(candidate) }))
    .sort((a, b) => b.quality - a.quality || b.candidate.words.length - a.candidate.words.length || compare(a.candidate.phrase, b.candidate.phrase));
  const budget = topicBudget(paperCount);
  const chosen: Candidate[] = [];
  const fits = (candidate: Candidate) =>
    !chosen.some((topic) => overlapsPhrase(topic.words, candidate.words) || variantOf(candidate, topic));
  // First the best phrases, for most of the budget...
  for (const { candidate } of ranked) {
    if (chosen.length >= Math.round(budget * QUALITY_SHARE)) break;
    if (fits(candidate)) chosen.push(candidate);
  }
  // ...then the rest for papers whose title has no topic yet: the phrase most of those titles share.
  const covered = new Uint8Array(paperCount);
  const cover = (candidate: Candidate) => candidate.papers.forEach((i, n) => (covered[i] |= candidate.inTitle[n] ? 1 : 0));
  chosen.forEach(cover);
  while (chosen.length < budget) {
    let best: Candidate | undefined;
    let bestTitles = 1;
    for (const { candidate } of ranked) {
      const titles = candidate.papers.filter((i, n) => candidate.inTitle[n] && !covered[i]).length;
      if (titles > bestTitles && fits(candidate)) {
        best = candidate;
        bestTitles = titles;
      }
    }
    if (!best) break;
    chosen.push(best);
    cover(best);
  }
  return chosen;
}

/**
 * "view 3d gaussian" after "gaussian splatting": a phrase sharing a word with a chosen topic whose
 * titles are mostly that topic's titles is a variant of it, not a topic of its own.
 */
function variantOf(candidate: Candidate, topic: Candidate): boolean {
  if (!candidate.words.some((word) => topic.words.includes(word))) return false;
  const topicTitles = new Set(topic.papers.filter((_, n) => topic.inTitle[n]));
  const shared = candidate.papers.filter((i, n) => candidate.inTitle[n] && topicTitles.has(i)).length;
  return shared > MAX_SHARED * candidate.titles;
}

function overlapsPhrase(a: readonly string[], b: readonly string[]): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  for (let i = 0; i + shorter.length <= longer.length; i++) {
    if (shorter.every((word, j) => longer[i + j] === word)) return true;
  }
  return false;
}

/** The spelling most titles use (ties: alphabetical), title-cased. */
function labelOf(candidate: Candidate, analysed: readonly PaperPhrases[]): string {
  const spellings = new Map<string, number>();
  for (const i of candidate.papers) {
    const spelling = analysed[i].inTitle.get(candidate.phrase);
    if (spelling) spellings.set(spelling, (spellings.get(spelling) ?? 0) + 1);
  }
  let best = candidate.phrase;
  let bestCount = 0;
  for (const [spelling, count] of spellings) {
    if (count > bestCount || (count === bestCount && compare(spelling, best) < 0)) {
      best = spelling;
      bestCount = count;
    }
  }
  return titleCase(best);
}

/** "sparse-view gaussian splatting" → "Sparse-View Gaussian Splatting"; "LLMs", "μSR", "iPhone" stay. */
function titleCase(text: string): string {
  return text.replace(/[\p{L}\p{N}]+/gu, (word) => (word === word.toLowerCase() ? word[0].toUpperCase() + word.slice(1) : word));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

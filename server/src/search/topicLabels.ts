/**
 * Labels for topics: the term that sets a topic apart from its siblings (class-based TF-IDF), as
 * the papers write it, title-cased: "Few-Shot Learning", "Gaussian Splatting".
 *
 * What a label never is:
 * - a generic word of the field alone ("Learning", "Model", "Neural"), nor a phrase of generic
 *   words only ("Neural Networks", "Deep Learning");
 * - a word nearly every sibling's papers use (a catch-all: "Sparse" in a catalog about sparsity);
 * - a fragment of a phrase: a term most of whose papers in the topic write it inside one longer
 *   phrase ("Shot" in "Few-Shot", "Reinforcement" in "Reinforcement Learning");
 * - a phrase that starts or ends on a modifier ("Efficient", "Towards", "Multi", "-Free");
 * - another topic's label (the caller keeps the used ones).
 */
import { foldAccents } from './tokenize';
import { stemWord, type PaperVectors, type Vocabulary, type WrittenWord } from './topicTerms';

/** Words too broad to name a topic alone (stems of). A phrase made of them only is too broad as well. */
const GENERIC_WORDS = stems(
  'learning learned model models neural network networks deep data dataset datasets training trained algorithm ' +
  'algorithms task tasks problem problems performance framework system systems representation representations ' +
  'feature features analysis efficient effective large scale space optimal human label labels domain ' +
  'understanding free shot supervised function functions set sets information structure application applications ' +
  'technique techniques theory machine input inputs output outputs parameter parameters value values error errors time ' +
  'number quality accuracy cost level general improvement improving better simple fast high low small good ' +
  'process processing prediction predictions agent agents setting settings solution solutions objective objectives ' +
  'loss distribution distributions sample samples step steps case cases approach strategy strategies ' +
  'property properties evaluation benchmark benchmarks task-specific state-of-the-art variety range type types ' +
  'instance instances example examples object objects image images text world order form terms term class classes ' +
  'challenge challenges limitation limitations capability capabilities ability abilities design rate bound bounds ' +
  'complexity guarantee guarantees analysis computation computational empirical theoretical practical real ' +
  'application novel effectiveness efficiency scalability tradeoff trade-off size',
);

/** Modifiers: a label does not start or end with one ("Efficient Inference", "Sparse Attention Efficient"). */
const EDGE_WORDS = stems(
  'novel new towards toward efficient effective improved improving improve better fast faster simple simpler ' +
  'scalable general unified unifying make making several various existing beyond across like different ' +
  'significant good via provable provably fully practical generalized principled',
);

/** Verbs and openers of titles: a label does not start with one ("Learning Representations", "Rethinking Pruning"). */
const START_WORDS = stems('learning learned learn understanding revisiting rethinking towards toward');

/** Prefixes and adjective heads of compounds: a label never ends with one ("Self-", "Zero-Shot", "Training-Free"). */
const END_WORDS = stems(
  'multi self semi cross pre co non sub inter intra post re de un anti few zero one free aware driven guided ' +
  'agnostic specific level scale wise like shot based oriented centric invariant equivariant dependent ' +
  'independent conditioned conditional order',
);

function stems(words: string): Set<string> {
  return new Set(words.split(/\s+/).map((word) => stemWord(word)));
}

/** Terms for a topic's label and tooltip, best first. */
export interface LabelCandidates {
  terms: number[];
  /** Terms the siblings share too: a label only when none of `terms` is left. */
  shared: number[];
}

/** Per topic of one sibling set: papers' rows. */
export interface SiblingTopics {
  rows: Int32Array[];
}

/** A term counts its papers, and twice those whose title (or keywords) has it: titles name topics. */
const TITLE_BONUS = 1;
/** A term in more of the siblings' papers than this share is everyone's, no one topic's label. */
const CATCH_ALL_SHARE = 0.25;
const MAX_CANDIDATES = 40;
/** A term written right after (or before) another content word this often is part of a longer name. */
const BOUND_SHARE = 0.75;

/**
 * Candidate terms for each topic of a sibling set, best first: class-based TF-IDF, the share of the
 * topic's papers with the term times how much more common it is in the topic than among the siblings.
 */
export function rankLabelTerms(vectors: PaperVectors, vocabulary: Vocabulary, siblings: SiblingTopics): LabelCandidates[] {
  const dims = vocabulary.terms.length;
  const total = siblings.rows.reduce((sum, rows) => sum + rows.length, 0);
  const all = new Float32Array(dims);
  const allPapers = new Int32Array(dims);
  const perTopic = siblings.rows.map((rows) => {
    const weighted = new Map<number, number>();
    for (const r of rows) {
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
        const term = vectors.terms[p];
        const weight = 1 + TITLE_BONUS * vectors.inTitle[p];
        weighted.set(term, (weighted.get(term) ?? 0) + weight);
        all[term] += weight;
        allPapers[term]++;
      }
    }
    return weighted;
  });
  const catchAll = (term: number, size: number) => allPapers[term] > Math.max(CATCH_ALL_SHARE * total, 1.5 * size);

  return siblings.rows.map((rows, c) => {
    const weighted = perTopic[c];
    const size = rows.length;
    const scored: { term: number; score: number }[] = [];
    const shared: { term: number; score: number }[] = [];
    for (const [term, weight] of weighted) {
      if (!isLabelTerm(vocabulary, term)) continue;
      const inTopic = weight / size;
      const overall = all[term] / total;
      (catchAll(term, size) ? shared : scored).push({ term, score: inTopic * Math.log(1 + inTopic / overall) });
    }
    const best = (list: { term: number; score: number }[]) =>
      list
        .sort((a, b) => b.score - a.score || compareText(vocabulary.terms[a.term], vocabulary.terms[b.term]))
        .slice(0, MAX_CANDIDATES)
        .map((s) => s.term);
    return { terms: best(scored), shared: best(shared) };
  });
}

/** Whether a term may name a topic: no generic-only phrase, no modifier at its edges. */
export function isLabelTerm(vocabulary: Vocabulary, term: number): boolean {
  const words = vocabulary.terms[term].split(' ');
  if (words.every((word) => GENERIC_WORDS.has(word))) return false;
  const first = words[0];
  const last = words[words.length - 1];
  return !EDGE_WORDS.has(first) && !EDGE_WORDS.has(last) && !START_WORDS.has(first) && !END_WORDS.has(last);
}

/** How a topic's papers write a term: its most common spelling, and whether it is a fragment of a longer name. */
export interface TermUsage {
  /** Title-cased; ties alphabetical. Undefined when the texts never write the term. */
  spelling?: string;
  /**
   * Most of its occurrences sit right after or right before another content word of the same
   * phrase ("Shot" in "Few-Shot", "Reinforcement" in "Reinforcement Learning"), not counting
   * modifiers ("Efficient Pruning" still names "Pruning").
   */
  fragment: boolean;
}

/** How the texts (titles first: they win ties of spelling) write a term. */
export function usageOf(term: string, texts: readonly { text: string; words: WrittenWord[] }[]): TermUsage {
  const stemsOfTerm = term.split(' ');
  const n = stemsOfTerm.length;
  const counts = new Map<string, number>();
  let occurrences = 0;
  let leftBound = 0;
  let rightBound = 0;
  // A word before the term binds it when the longer name could start with it; a word after, when it could end it.
  const bindsBefore = (word: WrittenWord | undefined) => word?.stem !== undefined && !EDGE_WORDS.has(word.stem) && !START_WORDS.has(word.stem);
  const bindsAfter = (word: WrittenWord | undefined) => word?.stem !== undefined && !EDGE_WORDS.has(word.stem) && !END_WORDS.has(word.stem);
  for (const { text, words } of texts) {
    for (let i = 0; i + n <= words.length; i++) {
      let match = true;
      for (let j = 0; j < n && match; j++) match = words[i + j].stem === stemsOfTerm[j] && (j === 0 || words[i + j].joined);
      if (!match) continue;
      occurrences++;
      if (words[i].joined && bindsBefore(words[i - 1])) leftBound++;
      if (words[i + n]?.joined && bindsAfter(words[i + n])) rightBound++;
      const spelling = titleCase(text.slice(words[i].start, words[i + n - 1].end).replace(/\s+/g, ' '));
      counts.set(spelling, (counts.get(spelling) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [spelling, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && compareText(spelling, best) < 0)) {
      best = spelling;
      bestCount = count;
    }
  }
  const fragment = occurrences > 0 && Math.max(leftBound, rightBound) >= BOUND_SHARE * occurrences;
  return { spelling: best, fragment };
}

/** "sparse-view gaussian splatting" → "Sparse-View Gaussian Splatting"; "LLMs", "μSR", "iPhone" stay. */
export function titleCase(text: string): string {
  return text.replace(/[\p{L}\p{N}]+/gu, (word) => (word === word.toLowerCase() ? word[0].toUpperCase() + word.slice(1) : word));
}

/** A readable id from a label: "Few-Shot Learning" → "few-shot-learning". */
export function slugOf(label: string): string {
  const slug = foldAccents(label)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'topic';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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
import { spellingsOf, stemWord, type PaperVectors, type Vocabulary } from './topicTerms';

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
}

/** Per topic of one sibling set: papers' rows. */
export interface SiblingTopics {
  rows: Int32Array[];
}

/** A term counts its papers, and twice those whose title (or keywords) has it: titles name topics. */
const TITLE_BONUS = 1;
/** A term in more of the siblings' papers than this share is everyone's, no one topic's label. */
const CATCH_ALL_SHARE = 0.35;
/** A term whose papers in the topic mostly write it inside one longer phrase is a fragment of it. */
const FRAGMENT_SHARE = 0.5;
/** ... or inside a few longer phrases (few-shot, zero-shot, one-shot). */
const FRAGMENT_FEW_SHARE = 0.75;
const MAX_CANDIDATES = 24;

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
    const papers = new Map<number, number>();
    for (const r of rows) {
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
        const term = vectors.terms[p];
        const weight = 1 + TITLE_BONUS * vectors.inTitle[p];
        weighted.set(term, (weighted.get(term) ?? 0) + weight);
        papers.set(term, (papers.get(term) ?? 0) + 1);
        all[term] += weight;
        allPapers[term]++;
      }
    }
    return { weighted, papers };
  });
  const catchAll = (term: number, size: number) => allPapers[term] > Math.max(CATCH_ALL_SHARE * total, 1.5 * size);
  const extensions = extensionsOf(vocabulary);

  return siblings.rows.map((rows, c) => {
    const { weighted, papers } = perTopic[c];
    const size = rows.length;
    const scored: { term: number; score: number }[] = [];
    for (const [term, weight] of weighted) {
      const count = papers.get(term) ?? 0;
      if (count < Math.min(2, size)) continue;
      if (!isLabelTerm(vocabulary, term) || catchAll(term, size)) continue;
      if (isFragment(term, count, papers, extensions, vocabulary)) continue;
      const inTopic = weight / size;
      const overall = all[term] / total;
      scored.push({ term, score: inTopic * Math.log(1 + inTopic / overall) });
    }
    scored.sort((a, b) => b.score - a.score || compareText(vocabulary.terms[a.term], vocabulary.terms[b.term]));
    return { terms: scored.slice(0, MAX_CANDIDATES).map((s) => s.term) };
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

/** Longer terms by the shorter term they extend by one word on either side. */
function extensionsOf(vocabulary: Vocabulary): Map<string, number[]> {
  const cached = extensionCache.get(vocabulary);
  if (cached) return cached;
  const byInner = new Map<string, number[]>();
  vocabulary.terms.forEach((text, term) => {
    if (vocabulary.lengths[term] < 2) return;
    const words = text.split(' ');
    for (const inner of [words.slice(1).join(' '), words.slice(0, -1).join(' ')]) {
      const list = byInner.get(inner);
      if (list) list.push(term);
      else byInner.set(inner, [term]);
    }
  });
  extensionCache.set(vocabulary, byInner);
  return byInner;
}
const extensionCache = new WeakMap<Vocabulary, Map<string, number[]>>();

/**
 * A fragment: the topic's papers with the term mostly have one longer phrase around it (that phrase
 * is the label), or nearly all have one of a few (the term alone names nothing: "Shot").
 * Extensions by a modifier ("Deep Reinforcement Learning") do not count: the term is the name there.
 */
function isFragment(term: number, count: number, papers: Map<number, number>, extensions: Map<string, number[]>, vocabulary: Vocabulary): boolean {
  const longer = extensions.get(vocabulary.terms[term]);
  if (!longer) return false;
  const counts: number[] = [];
  for (const ext of longer) {
    const words = vocabulary.terms[ext].split(' ');
    if (EDGE_WORDS.has(words[0]) || EDGE_WORDS.has(words[words.length - 1]) || START_WORDS.has(words[0])) continue;
    const n = papers.get(ext) ?? 0;
    if (n > 0) counts.push(n);
  }
  counts.sort((a, b) => b - a);
  if (counts.length === 0) return false;
  if (counts[0] >= FRAGMENT_SHARE * count) return true;
  return (counts[0] + (counts[1] ?? 0) + (counts[2] ?? 0)) >= FRAGMENT_FEW_SHARE * count;
}

/**
 * The term as the topic's papers write it: the most common spelling in their titles (then
 * keywords, then abstracts), title-cased; ties alphabetical.
 */
export function spellingOf(term: string, texts: Iterable<string>): string | undefined {
  const stemsOfTerm = term.split(' ');
  const counts = new Map<string, number>();
  for (const text of texts) {
    spellingsOf(text, stemsOfTerm, (spelling) => {
      const cased = titleCase(spelling.replace(/\s+/g, ' '));
      counts.set(cased, (counts.get(cased) ?? 0) + 1);
    });
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [spelling, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && compareText(spelling, best) < 0)) {
      best = spelling;
      bestCount = count;
    }
  }
  return best;
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

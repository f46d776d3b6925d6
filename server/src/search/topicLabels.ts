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
 * - a word that is not one at its edges: a symbol of one or two letters ("Nb", "Li", "La"), a
 *   piece of a formula or a word cut by the tokenizer ("La₁" of La₁₋ₓSrₓCuO₄, "Ray" of X-Ray),
 *   a past participle ending it ("Masked", "Short-Lived");
 * - another topic's label (the caller keeps the used ones).
 *
 * And there is always one a person can read: the topic's own terms first, then terms its siblings
 * share, then fragments and terms only its abstracts say, then "X and Y" of two of them, then its
 * titles' most common words; a number only when its papers have no word at all.
 */
import { foldAccents, isWordChar } from './tokenize';
import { grow, kthLargest, stemWord, writtenWords, type PaperVectors, type Vocabulary, type WrittenWord } from './topicTerms';

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
  'application novel effectiveness efficiency scalability tradeoff trade-off size ' +
  // Adjectives and pieces of compounds that name nothing alone ("Robust", "Offline", "End" of end-to-end,
  // "Local": a subtopic of the generated 100k catalog once its abstracts were read whole).
  'robust offline online end dimensional local global',
);

/**
 * Words generic as written, though their stem is not: "Rank" of low-rank alone names nothing (a
 * subtopic of the generated 100k catalog), "Ranking" names a topic (papers on learning to rank,
 * rank aggregation and ranking metrics were labelled "Controlling" while its stem was generic).
 * Verbs that open titles name what a paper does, not what it is about ("Estimating", a subtopic of
 * the real-editor suite's big library in the README's screenshot), though "Estimation" may.
 */
const GENERIC_SPELLINGS = new Set(['rank', 'ranks', 'estimating', 'using', 'exploring', 'evaluating', 'investigating', 'measuring', 'probing', 'enabling', 'towards']);

/**
 * Articles, prepositions and conjunctions of the other languages titles are written in (German,
 * French, Spanish, Italian): the stop words are English, so "Der" of "Einfluß der Temperatur" was
 * the label of a catalog's German papers. Never a label's edge, nor a word binding a name.
 */
const FOREIGN_FUNCTION_WORDS =
  'der die das den dem des und oder von vom zur zum mit bei auf aus uber unter fur ein eine einer eines einem nach durch als wird werden sind ' +
  'les une dans pour sur avec par aux est sont los las del una con para por della delle dei degli nel nella sul';

/** Modifiers: a label does not start or end with one ("Efficient Inference", "Sparse Attention Efficient"). */
const EDGE_WORDS = stems(
  'novel new towards toward efficient effective improved improving improve better fast faster simple simpler ' +
  'scalable general unified unifying make making several various existing beyond across like different ' +
  'significant good via provable provably fully practical generalized principled highly assuming ' +
  FOREIGN_FUNCTION_WORDS,
);

/** Verbs and openers of titles, Latin left by a dropped "in": a label does not start with one ("Learning Representations", "Situ Synchrotron"). */
const START_WORDS = stems('learning learned learn understanding revisiting rethinking towards toward situ vivo vitro silico');

/** Prefixes and adjective heads of compounds: a label never ends with one ("Self-", "Zero-Shot", "Training-Free"). */
const END_WORDS = stems(
  'multi self semi cross pre co non sub inter intra post re de un anti few zero one free aware driven guided ' +
  'agnostic specific level scale wise like shot based oriented centric invariant equivariant dependent ' +
  'independent conditioned conditional order dimensional',
);

function stems(words: string): Set<string> {
  return new Set(words.split(/\s+/).map((word) => stemWord(word)));
}

/** Terms for a topic's label and tooltip, best first. */
export interface LabelCandidates {
  terms: number[];
  /** Terms the siblings share too: a label only when none of `terms` is left. */
  shared: number[];
  /** Share of the topic's papers that have each term of `terms`. */
  said?: ReadonlyMap<number, number>;
  /** Phrases of `terms` that set the topic apart: said by enough of its papers, several times rarer in its siblings'. */
  distinctive?: ReadonlySet<number>;
  /** Words of `terms` common outside the topic too: "Inference", "Matrix", "Layer" in a library of machine learning. */
  common?: ReadonlySet<number>;
  /** Stems of the topic's words that are pieces of longer words (isWordFragment): not even a last-resort label. */
  fragments?: ReadonlySet<string>;
}

/** A term counts its papers, and twice those whose title (or keywords) has it: titles name topics. */
const TITLE_BONUS = 1;
/** A term in more of the siblings' papers than this share is everyone's, no one topic's label. */
const CATCH_ALL_SHARE = 0.25;
const MAX_CANDIDATES = 40;
/** Score factor by number of words: a phrase names a topic better than one of its words ("Sparse Attention", not "Attention"). */
const LENGTH_BONUS = [0, 1, 1.3, 1.4];
/** A term followed by another content word this often qualifies a name it is not. */
const MODIFIER_SHARE = 2 / 3;
/** A phrase with a one-word label's word replaces it when titles write the phrase this often, against the word. */
const PHRASE_SHARE = 0.4;
/** A term written after (or before) one same word this often, or one of two words this often, is part of a longer name (boundBy). */
const ONE_PARTNER_SHARE = 0.5;
const TWO_PARTNERS_SHARE = 2 / 3;
/**
 * A word more than this share of the siblings' papers say, and more than `WORD_OUTSIDE_FEW` of
 * them, is common outside its topic: a word a sixteenth of the field says ("Inference", "Matrix",
 * "Layer") names no one topic, though the topic says it more than its siblings do. A small library
 * says too little to call a word common ("Pruning" in 3 of the demo's other 57 papers).
 */
const WORD_OUTSIDE_SHARE = 0.03;
const WORD_OUTSIDE_FEW = 3;
/**
 * A phrase is distinctive when this share of the topic's papers say it (two at least) and the
 * siblings' say it this many times less often. Fewer would name a part of the topic only:
 * "Graphical Models" over 2,555 papers of inference, 13 % of which say it, on ml-conferences.
 */
const PHRASE_SAID_SHARE = 0.15;
const PHRASE_LIFT = 4;
/** A distinctive phrase replaces a common word when this share of the word's papers (as a share of the topic) say it. */
const PHRASE_OVER_WORD = 1 / 3;

/** Arrays of the vocabulary's size, reused by every sibling set of one run (all zero between uses). */
export interface LabelScratch {
  all: Float32Array;
  allPapers: Int32Array;
  weighted: Float32Array;
  papers: Int32Array;
}

export function labelScratch(vocabulary: Vocabulary): LabelScratch {
  const dims = vocabulary.terms.length;
  return { all: new Float32Array(dims), allPapers: new Int32Array(dims), weighted: new Float32Array(dims), papers: new Int32Array(dims) };
}

/**
 * Candidate terms for each topic of a sibling set (`siblings[c]`: its papers' rows), best first:
 * class-based TF-IDF, the share of the topic's papers with the term (titles count twice) times the
 * log of how much more common it is in the topic than among all the siblings' papers.
 */
export function rankLabelTerms(
  vectors: PaperVectors,
  vocabulary: Vocabulary,
  siblings: readonly (readonly number[])[],
  scratch: LabelScratch,
  // Subtopics' siblings all write their parent's words: one they share ("Reasoning" of language models) is no generic word of the field.
  preferDistinct = true,
): LabelCandidates[] {
  const { all, allPapers, weighted, papers } = scratch;
  const total = siblings.reduce((sum, rows) => sum + rows.length, 0);
  // One pass over the rows: each topic's counts (weighted, papers), kept as its terms in first-met
  // order; the siblings' (all, allPapers) are their sums, scored once all are known.
  const touchedAll: number[] = [];
  let ownTerms = new Int32Array(1024);
  let ownCounts = new Float32Array(1024);
  let ownPapers = new Int32Array(1024);
  const ownStarts = new Uint32Array(siblings.length + 1);
  let own = 0;
  siblings.forEach((rows, c) => {
    const from = own;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
        const term = vectors.terms[p];
        if (papers[term] === 0) {
          if (own === ownTerms.length) {
            ownTerms = grow(ownTerms, new Int32Array(own * 2));
            ownCounts = grow(ownCounts, new Float32Array(own * 2));
            ownPapers = grow(ownPapers, new Int32Array(own * 2));
          }
          ownTerms[own++] = term;
        }
        weighted[term] += 1 + TITLE_BONUS * vectors.inTitle[p];
        papers[term]++;
      }
    }
    for (let at = from; at < own; at++) {
      const term = ownTerms[at];
      ownCounts[at] = weighted[term];
      ownPapers[at] = papers[term];
      if (allPapers[term] === 0) touchedAll.push(term);
      all[term] += weighted[term];
      allPapers[term] += papers[term];
      weighted[term] = 0;
      papers[term] = 0;
    }
    ownStarts[c + 1] = own;
  });
  const labelable = labelableTerms(vocabulary);
  let scoreOf = new Float64Array(256);
  let termOf = new Int32Array(256);
  let sharedOf = new Uint8Array(256);
  let selectScratch = new Float64Array(256);
  const candidates = siblings.map((rows, c) => {
    const size = rows.length;
    const from = ownStarts[c];
    const count = ownStarts[c + 1] - from;
    if (scoreOf.length < count) {
      scoreOf = new Float64Array(count * 2);
      termOf = new Int32Array(count * 2);
      sharedOf = new Uint8Array(count * 2);
      selectScratch = new Float64Array(count * 2);
    }
    let n = 0;
    const catchAll = Math.max(CATCH_ALL_SHARE * total, 1.5 * size);
    const distinct = new Set<number>();
    const common = new Set<number>();
    const said = new Map<number, number>();
    const fragments = new Set<string>();
    for (let at = from; at < from + count; at++) {
      const term = ownTerms[at];
      const inTopicCount = ownCounts[at];
      // Once in one abstract is no topic's name: at least two papers, or a title.
      if (labelable[term] === FRAGMENT) fragments.add(vocabulary.terms[term]);
      if (labelable[term] === 1 && inTopicCount >= 2) {
        const inTopic = inTopicCount / size;
        const overall = all[term] / total;
        termOf[n] = term;
        scoreOf[n] = LENGTH_BONUS[vocabulary.lengths[term]] * inTopic * Math.log(1 + inTopic / overall);
        sharedOf[n++] = allPapers[term] > catchAll ? 1 : 0;
        const inside = ownPapers[at] / size;
        const outsideCount = allPapers[term] - ownPapers[at];
        const outside = total > size ? outsideCount / (total - size) : 0;
        said.set(term, inside);
        if (vocabulary.lengths[term] === 1) {
          if (outside > WORD_OUTSIDE_SHARE && outsideCount > WORD_OUTSIDE_FEW) common.add(term);
        } else if (ownPapers[at] >= 2 && inside >= PHRASE_SAID_SHARE && outside * PHRASE_LIFT <= inside) distinct.add(term);
      }
    }
    const terms = best(termOf, scoreOf, sharedOf, n, 0, selectScratch);
    const keep = (set: Set<number>) => new Set(terms.filter((t) => set.has(t)));
    return {
      terms,
      shared: best(termOf, scoreOf, sharedOf, n, 1, selectScratch),
      said: new Map(terms.map((t) => [t, said.get(t) as number])),
      distinctive: keep(distinct),
      common: preferDistinct ? keep(common) : undefined,
      fragments,
    };
  });
  for (const term of touchedAll) {
    all[term] = 0;
    allPapers[term] = 0;
  }
  return candidates;
}

/** The best-scored terms of one kind (`shared` 0 or 1), at most `MAX_CANDIDATES`; ties by term id, which is the terms' alphabetical order. */
function best(terms: Int32Array, scores: Float64Array, shared: Uint8Array, n: number, kind: number, scratch: Float64Array): number[] {
  let count = 0;
  for (let i = 0; i < n; i++) if (shared[i] === kind) scratch[count++] = scores[i];
  if (count === 0) return [];
  const cut = count > MAX_CANDIDATES ? kthLargest(scratch, count, MAX_CANDIDATES, new Float64Array(count)) : -Infinity;
  const picked: { term: number; score: number }[] = [];
  for (let i = 0; i < n; i++) if (shared[i] === kind && scores[i] >= cut) picked.push({ term: terms[i], score: scores[i] });
  return picked
    .sort((a, b) => b.score - a.score || a.term - b.term)
    .slice(0, MAX_CANDIDATES)
    .map((s) => s.term);
}

/** A longer word starting with a one-word term is written this many times as often: the term is a piece of it, or a foreign spelling ("Niob" of "Niobium"). */
const FRAGMENT_RATIO = 10;

/**
 * Whether a one-word term is a fragment of a longer word of the catalog: a word that starts with it
 * and at least two letters more, in `FRAGMENT_RATIO` times as many papers ("Niob", German in a few
 * titles, of "Niobium"). A phrase starting with the longer word counts as well: a word half the
 * papers say is no term, its phrases are. Terms are in alphabetical order, so the longer ones follow.
 */
export function isWordFragment(vocabulary: Vocabulary, term: number): boolean {
  const stem = vocabulary.terms[term];
  const limit = FRAGMENT_RATIO * vocabulary.df[term];
  for (let t = term + 1; t < vocabulary.terms.length; t++) {
    const other = vocabulary.terms[t];
    if (!other.startsWith(stem)) break;
    const space = other.indexOf(' ');
    const longer = (space < 0 ? other.length : space) >= stem.length + 2;
    if (longer && vocabulary.df[t] >= limit) return true;
  }
  return false;
}

const FRAGMENT = 2;

/** Per term of the vocabulary: may it name a topic (1, isLabelTerm), or is it a word's fragment (`FRAGMENT`), computed once per vocabulary. */
function labelableTerms(vocabulary: Vocabulary): Uint8Array {
  let flags = labelable.get(vocabulary);
  if (!flags) {
    flags = Uint8Array.from(vocabulary.terms, (_, term) =>
      vocabulary.lengths[term] === 1 && isWordFragment(vocabulary, term) ? FRAGMENT : isLabelTerm(vocabulary, term) ? 1 : 0,
    );
    labelable.set(vocabulary, flags);
  }
  return flags;
}
const labelable = new WeakMap<Vocabulary, Uint8Array>();

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
  /** Occurrences in titles and keywords: a term no title says is prose, not a topic's name ("Alleviate"). */
  inTitles: number;
  /**
   * Most of its occurrences are glued to characters no word boundary is made of: a piece of a
   * formula or a name ("La₁" of "La₁₋ₓSrₓCuO₄", "Ray" of "X-Ray", "Means" of "k-Means"). Never a label.
   */
  broken: boolean;
}

/** A topic's texts (titles first: they win ties of spelling) as words, with where each stem is written. */
export interface TopicTexts {
  texts: string[];
  /** `texts[0..titled)` are titles and keywords, the rest abstracts. */
  titled: number;
  words: WrittenWord[][];
  /** Stem → positions, text index · 2^20 + word index. */
  byStem: Map<string, number[]>;
  /** Spellings found before, shared by the topics of one run. */
  spellings?: SpellingCache;
}

/**
 * A written form's title-cased spelling and whether a spelling reads as a name, found once per run:
 * both are pure, and the same forms recur in the texts of a topic, its subtopics and its siblings.
 */
export interface SpellingCache {
  cased: Map<string, string>;
  readable: Map<string, boolean>;
}

export function spellingCache(): SpellingCache {
  return { cased: new Map(), readable: new Map() };
}

function casedOf(written: string, cache: SpellingCache | undefined): string {
  let spelling = cache?.cased.get(written);
  if (spelling === undefined) {
    spelling = titleCase(written.replace(/\s+/g, ' '));
    cache?.cased.set(written, spelling);
  }
  return spelling;
}

function readableOf(spelling: string, cache: SpellingCache | undefined): boolean {
  let readable = cache?.readable.get(spelling);
  if (readable === undefined) {
    readable = isReadableLabel(spelling);
    cache?.readable.set(spelling, readable);
  }
  return readable;
}

/** `known`: the words of the first texts, already read. */
export function indexTexts(texts: string[], titled: number, stems?: Map<string, string | undefined>, known: readonly WrittenWord[][] = [], spellings?: SpellingCache): TopicTexts {
  const words = texts.map((text, t) => known[t] ?? writtenWords(text, stems));
  const byStem = new Map<string, number[]>();
  words.forEach((list, t) =>
    list.forEach((word, w) => {
      if (word.stem === undefined) return;
      const at = byStem.get(word.stem);
      if (at) at.push(t * 1048576 + w);
      else byStem.set(word.stem, [t * 1048576 + w]);
    }),
  );
  return { texts, titled, words, byStem, spellings };
}

/** How the texts write a term. */
export function usageOf(term: string, topic: TopicTexts): TermUsage {
  const stemsOfTerm = term.split(' ');
  const n = stemsOfTerm.length;
  const counts = new Map<string, number>();
  let occurrences = 0;
  let inTitles = 0;
  let broken = 0;
  // The content words written right before and right after the term, by stem.
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  // Words seen before the term in a title or keyword: only these can start a longer name with it
  // (prose's "establish dense correspondences" does not make "Dense Correspondence" a fragment).
  const beforeInTitles = new Set<string>();
  // A word before the term binds it when the longer name could start with it; a word after, when it could end it.
  const bindsBefore = (word: WrittenWord | undefined) => word?.stem !== undefined && !EDGE_WORDS.has(word.stem) && !START_WORDS.has(word.stem);
  const bindsAfter = (word: WrittenWord | undefined) => word?.stem !== undefined && !EDGE_WORDS.has(word.stem) && !END_WORDS.has(word.stem);
  for (const position of topic.byStem.get(stemsOfTerm[0]) ?? []) {
    const t = Math.floor(position / 1048576);
    const i = position % 1048576;
    const words = topic.words[t];
    if (i + n > words.length) continue;
    let match = true;
    for (let j = 1; j < n && match; j++) match = words[i + j].stem === stemsOfTerm[j] && words[i + j].joined;
    if (!match) continue;
    occurrences++;
    if (t < topic.titled) inTitles++;
    const text = topic.texts[t];
    // The name goes on over hyphens through stop words and single letters: "Out-of-Distribution
    // Detection", "In-Context Learning", "Mixture-of-Experts", "X-Ray", "k-Means".
    let first = i;
    while (first > 0 && continuesName(text, words[first - 1], words[first], words[first - 1].stem === undefined || words[first].stem === undefined)) first--;
    let last = i + n - 1;
    while (last + 1 < words.length && continuesName(text, words[last], words[last + 1], words[last + 1].stem === undefined || words[last].stem === undefined)) last++;
    const left = words[first - 1];
    const right = words[last + 1];
    if (isCut(text, words[first].start, -1) || isCut(text, words[last].end, 1)) broken++;
    if (words[first].joined && bindsBefore(left)) {
      countOf(before, left.stem as string);
      if (t < topic.titled) beforeInTitles.add(left.stem as string);
    }
    if (right?.joined && bindsAfter(right)) countOf(after, right.stem as string);
    const written = text.slice(words[first].start, words[last].end);
    counts.set(written, (counts.get(written) ?? 0) + 1);
  }
  // Spellings that differ in case only are one ("few-shot", "Few-Shot").
  const cased = new Map<string, number>();
  for (const [written, count] of counts) {
    const spelling = casedOf(written, topic.spellings);
    cased.set(spelling, (cased.get(spelling) ?? 0) + count);
  }
  // A readable spelling before a more common one that is not ("Mask" before "Masked").
  let best: string | undefined;
  let bestCount = 0;
  let bestReadable = false;
  for (const [spelling, count] of cased) {
    const readable = readableOf(spelling, topic.spellings);
    if (
      (readable && !bestReadable) ||
      (readable === bestReadable && (count > bestCount || (count === bestCount && best !== undefined && compareText(spelling, best) < 0)))
    ) {
      best = spelling;
      bestCount = count;
      bestReadable = readable;
    }
  }
  let followed = 0;
  for (const count of after.values()) followed += count;
  // Mostly followed by a word, whatever it is: a modifier ("Multi-Agent", "Pre-Trained", "Diffusion" of Diffusion Models).
  for (const partner of before.keys()) if (!beforeInTitles.has(partner)) before.delete(partner);
  // A phrase is a name of its own before a generic word ("Dense Correspondence" of "… Learning"); a
  // single word is not ("Reinforcement" of "Reinforcement Learning").
  if (n > 1) for (const partner of after.keys()) if (GENERIC_WORDS.has(partner)) after.delete(partner);
  const fragment = occurrences > 0 && (followed >= MODIFIER_SHARE * occurrences || boundBy(before, occurrences) || boundBy(after, occurrences));
  return { spelling: best, fragment, inTitles, broken: occurrences > 0 && broken * 2 >= occurrences };
}

/** Characters a word may end or start at: spaces, hyphens (phrases go on), punctuation around words. */
const BOUNDARY = /[\s\-\u2010\u2011\u2013\u2014.,;:!?()[\]{}"'\u2018\u2019\u201c\u201d\u00ab\u00bb/…*\u2020\u2021]/u;

/** Whether a name's edge at `at` (its start, side -1, or its end, side 1) cuts a longer token: the character beyond is no boundary ("La₁" + "₋ₓSr…"). */
function isCut(text: string, at: number, side: -1 | 1): boolean {
  const beyond = side < 0 ? text[at - 1] : text[at];
  if (beyond === undefined) return false;
  if (!BOUNDARY.test(beyond)) return true;
  // A point or comma inside a number or formula ("Bi₀.₉Sb", "Y₀.₉") is no boundary.
  const past = side < 0 ? text[at - 2] : text[at + 1];
  return (beyond === '.' || beyond === ',') && past !== undefined && isWordChar(past.charCodeAt(0));
}

/** Whether `b` continues the name `a` is in: only a hyphen between them, and one of them a stop word or a single letter (`weak`). */
function continuesName(text: string, a: WrittenWord, b: WrittenWord, weak: boolean): boolean {
  return weak && hyphenated(text, a.end, b.start);
}

function countOf(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Only a hyphen between two words: "Few-Shot", "In-Context". */
function hyphenated(text: string, end: number, start: number): boolean {
  return start === end + 1 && /[-\u2010\u2011]/.test(text[end]);
}

/** Subscripts, superscript letters: a word starting with one is the rest of a formula ("ₓSe" of "Bi₂₋ₓSeₓ", "₉Y₀"); "⁸Li" is a word. */
const SCRIPT_LETTER = /^[\u2080-\u209c\u1d62-\u1d6a\u2071\u207f]/u;

/**
 * Whether a spelling reads as a name: its first and last words are words (no symbol of one or
 * two letters: "Nb", "⁸Li", "La"; an acronym "RL", "3D" is one), and it does not end on a past
 * participle ("Masked", "Short-Lived", "Formed").
 */
export function isReadableLabel(spelling: string): boolean {
  const words = spelling.split(/\s+/u).filter(Boolean);
  if (words.length === 0) return false;
  const first = words[0];
  const last = words[words.length - 1];
  if (!isCompoundWord(first) || !isCompoundWord(last)) return false;
  return !isParticiple(last.split(HYPHENS).pop() as string);
}

const HYPHENS = /[-\u2010\u2011\u2013]/u;

function isParticiple(word: string): boolean {
  return word.length >= 5 && /[a-z]ed$/.test(word) && !/eed$/.test(word);
}

/** A word, or words joined by hyphens of which one is a word ("X-Ray", "k-Means", "Few-Shot"; not "Nb-Ti"); never starting with a subscript. */
function isCompoundWord(compound: string): boolean {
  if (SCRIPT_LETTER.test(compound)) return false;
  return compound.split(HYPHENS).some((part) => part !== '' && isWord(part));
}

/** A word, not a symbol: three letters or more, or an acronym ("RL", "3D", "³¹P"), or a single letter with digits. */
function isWord(word: string): boolean {
  let letters = 0;
  let lower = false;
  let digits = false;
  let ascii = true;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code >= 128) {
      ascii = false;
      break;
    }
    if (code >= 97 && code <= 122) {
      letters++;
      lower = true;
    } else if (code >= 65 && code <= 90) letters++;
    else if (code >= 48 && code <= 57) digits = true;
  }
  if (!ascii) {
    if (SCRIPT_LETTER.test(word)) return false;
    letters = word.match(/\p{L}/gu)?.length ?? 0;
    lower = /\p{Ll}/u.test(word);
    digits = /\p{N}/u.test(word);
  }
  if (letters >= 3) return true;
  if (letters === 0 || lower) return false;
  return letters === 2 || digits;
}

/**
 * Whether the words on one side of a term's occurrences make it part of a longer name: one word
 * there in half of them ("Pre-Trained Language Models" for "Trained Language Models"), or two in
 * two thirds ("Few-Shot", "Zero-Shot" for "Shot"). Many different words before it ("Dynamic",
 * "Relightable", "Sparse-View" Gaussian Splatting) only qualify a name that stands alone.
 */
function boundBy(partners: Map<string, number>, occurrences: number): boolean {
  let first = 0;
  let second = 0;
  for (const count of partners.values()) {
    if (count > first) {
      second = first;
      first = count;
    } else if (count > second) second = count;
  }
  // Varied words met once each are no one longer name ("Camera", "Object", "Hand" Pose Estimation).
  if (first < 2 && occurrences >= 3) return false;
  return first >= ONE_PARTNER_SHARE * occurrences || first + second >= TWO_PARTNERS_SHARE * occurrences;
}

/** "sparse-view gaussian splatting" → "Sparse-View Gaussian Splatting"; "LLMs", "μSR", "iPhone", "β" stay. */
export function titleCase(text: string): string {
  return text.replace(/[\p{L}\p{N}]+/gu, (word, at: number) =>
    word !== word.toLowerCase() || (at > 0 && SMALL_WORDS.has(word)) || !LATIN_START.test(word) ? word : word[0].toUpperCase() + word.slice(1),
  );
}

/** Only Latin words take a capital: a Greek letter is a symbol ("β-NMR", "ε-Greedy"). */
const LATIN_START = /^[a-z\u00df-\u024f]/;

/** Words a title leaves lower case inside a name: "Out-of-Distribution", "Learning-to-Rank". */
const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'vs', 'via', 'with']);

/**
 * A label's words by stem, apart from spellings (in `used` beside them): "Vision Transformers" is
 * taken once its parent is "Vision Transformer".
 */
export function labelKey(label: string): string {
  return `\u0000${writtenWords(label)
    .map((w) => w.stem ?? '')
    .join(' ')}`;
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

/** A candidate label: a term as the topic's texts write it, and its stems (the tooltip leaves out the label's words). */
export interface SpelledTerm {
  /** The vocabulary's term. */
  term: number;
  spelling: string;
  stems: string[];
  /** Occurrences in the topic's titles and keywords. */
  inTitles: number;
}

const MAX_SPELLED = 12;

/**
 * Candidate terms as the topic's texts write them, each spelling once, at most 12. Never a broken
 * or unreadable one; `relaxed` lets in fragments and terms no title says, which strict leaves out.
 */
export function spellTerms(termTexts: readonly string[], terms: readonly number[], texts: TopicTexts, relaxed = false, usages = new Map<number, TermUsage>()): SpelledTerm[] {
  const spelled: SpelledTerm[] = [];
  for (const term of terms) {
    const text = termTexts[term];
    let usage = usages.get(term);
    if (!usage) usages.set(term, (usage = usageOf(text, texts)));
    if (usage.spelling === undefined || usage.broken || !readableOf(usage.spelling, texts.spellings) || GENERIC_SPELLINGS.has(usage.spelling.toLowerCase())) continue;
    if (!relaxed && (usage.fragment || usage.inTitles === 0)) continue;
    const spelling = usage.spelling;
    if (!spelled.some((s) => foldAccents(s.spelling) === foldAccents(spelling))) spelled.push({ term, spelling, stems: text.split(' '), inTitles: usage.inTitles });
    if (spelled.length >= MAX_SPELLED) break;
  }
  return spelled;
}

/**
 * A topic's label, not one of `used` (folded), and its candidates for the tooltip (`termTexts`:
 * the vocabulary's terms, stems joined by spaces). In order: its
 * own terms, terms its siblings share, the same with fragments and abstracts' terms let in, "X and
 * Y" of two of them, its titles' most common words; numbered only when its papers have no word.
 */
export function chooseLabel(termTexts: readonly string[], candidates: LabelCandidates, texts: TopicTexts, used: ReadonlySet<string>): { label: string; spelled: SpelledTerm[] } {
  const free = (spelling: string) => !used.has(foldAccents(spelling)) && !used.has(labelKey(spelling));
  // Each term's usage read once, whatever the passes.
  const usages = new Map<number, TermUsage>();
  const spelled = spellTerms(termTexts, candidates.terms, texts, false, usages);
  const passes = [
    () => spellTerms(termTexts, candidates.shared, texts, false, usages),
    () => spellTerms(termTexts, [...candidates.terms, ...candidates.shared], texts, true, usages),
  ];
  let found = spelled.find((s) => free(s.spelling));
  if (found) found = distinctPhrase(found, spelled, candidates, free) ?? found;
  const all = [...spelled];
  for (const pass of passes) {
    if (found) break;
    for (const s of pass()) if (!all.some((a) => foldAccents(a.spelling) === foldAccents(s.spelling))) all.push(s);
    found = all.find((s) => free(s.spelling));
  }
  // The tooltip lists what the passes found too when the topic's own terms are few.
  if (found) return { label: (preciser(found, all, free) ?? found).spelling, spelled: all };
  const pair = pairLabel(all, free);
  if (pair) return { label: pair, spelled: all };
  const words = titleWords(texts, candidates.fragments);
  const label = words.find(free) ?? pairLabel(words.map((spelling) => ({ term: -1, spelling, stems: [foldAccents(spelling)], inTitles: 0 })), free) ?? numbered(all[0]?.spelling ?? words[0] ?? 'Topic', free);
  return { label, spelled: all };
}

/**
 * For a word its siblings' papers say too ("Inference", "Layer", "Transformers"): the best-scored
 * phrase that sets the topic apart, said by a third as many of its papers as the word at least
 * ("Graphical Models", "Vision Transformer").
 */
function distinctPhrase(word: SpelledTerm, spelled: readonly SpelledTerm[], candidates: LabelCandidates, free: (label: string) => boolean): SpelledTerm | undefined {
  if (word.stems.length !== 1 || !candidates.common?.has(word.term)) return undefined;
  const enough = PHRASE_OVER_WORD * (candidates.said?.get(word.term) ?? 0);
  return spelled.find((s) => s.stems.length > 1 && candidates.distinctive?.has(s.term) && (candidates.said?.get(s.term) ?? 0) >= enough && free(s.spelling));
}

/**
 * A phrase that names a one-word label more precisely, when the titles write it often enough for it
 * to stand for the word's papers: "Camera Poses" or "Pose Estimation" rather than "Pose".
 */
function preciser(word: SpelledTerm, candidates: readonly SpelledTerm[], free: (label: string) => boolean): SpelledTerm | undefined {
  if (word.stems.length !== 1) return undefined;
  const enough = Math.max(2, PHRASE_SHARE * word.inTitles);
  return candidates.slice(0, MAX_SPELLED).find((c) => c.stems.length > 1 && c.stems.includes(word.stems[0]) && c.inTitles >= enough && free(c.spelling));
}

/** "X and Y" of the first two candidates with no word in common that is not taken, best pairs first. */
function pairLabel(candidates: readonly SpelledTerm[], free: (label: string) => boolean): string | undefined {
  const top = candidates.slice(0, MAX_SPELLED);
  for (let sum = 1; sum < 2 * top.length - 1; sum++) {
    for (let a = Math.max(0, sum - top.length + 1); a < sum - a; a++) {
      const x = top[a];
      const y = top[sum - a];
      if (x.stems.some((stem) => y.stems.includes(stem))) continue;
      const label = `${x.spelling} and ${y.spelling}`;
      if (free(label)) return label;
    }
  }
  return undefined;
}

/** The readable words of a topic's titles and keywords, most common first (ties alphabetical), as written most often. */
function titleWords(texts: TopicTexts, fragments: ReadonlySet<string> = new Set()): string[] {
  const counts = new Map<string, { count: number; spellings: Map<string, number> }>();
  for (let t = 0; t < texts.titled; t++) {
    for (const word of texts.words[t]) {
      if (word.stem === undefined || fragments.has(word.stem)) continue;
      const spelling = titleCase(texts.texts[t].slice(word.start, word.end));
      if (!isReadableLabel(spelling)) continue;
      const entry = counts.get(word.stem) ?? { count: 0, spellings: new Map<string, number>() };
      entry.count++;
      entry.spellings.set(spelling, (entry.spellings.get(spelling) ?? 0) + 1);
      counts.set(word.stem, entry);
    }
  }
  const commonest = (spellings: Map<string, number>) => [...spellings].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0][0];
  return [...counts.values()].map((e) => ({ count: e.count, spelling: commonest(e.spellings) })).sort((a, b) => b.count - a.count || compareText(a.spelling, b.spelling)).map((e) => e.spelling);
}

/** The base with the first number that makes it free: the last resort, for papers without a word. */
function numbered(base: string, free: (label: string) => boolean): string {
  for (let n = 2; ; n++) if (free(`${base} ${n}`)) return `${base} ${n}`;
}

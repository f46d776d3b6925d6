/**
 * Scores of a topic assignment against labels: NMI (each paper counted once), the largest group's
 * share, Other's share, labels that are fragments or generic words, and how many of a topic's
 * papers say its label.
 */
import { writtenWords } from '../../server/src/search/topicTerms';

/** Normalized mutual information, arithmetic mean of the entropies (scikit-learn's default). */
export function nmi(predicted: readonly string[], truth: readonly string[]): number {
  const n = predicted.length;
  if (n === 0) return NaN;
  const joint = new Map<string, number>();
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${predicted[i]}\u0000${truth[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    a.set(predicted[i], (a.get(predicted[i]) ?? 0) + 1);
    b.set(truth[i], (b.get(truth[i]) ?? 0) + 1);
  }
  let mi = 0;
  for (const [key, count] of joint) {
    const [p, t] = key.split('\u0000');
    mi += (count / n) * Math.log((count * n) / ((a.get(p) as number) * (b.get(t) as number)));
  }
  const entropy = (counts: Map<string, number>) => {
    let h = 0;
    for (const count of counts.values()) h -= (count / n) * Math.log(count / n);
    return h;
  };
  const ha = entropy(a);
  const hb = entropy(b);
  if (ha === 0 && hb === 0) return 1;
  return mi / ((ha + hb) / 2);
}

/** Share of the papers in the largest group (Other excluded) and in Other. */
export function shares(assignment: readonly string[], otherId: string): { largest: number; other: number; groups: number } {
  const counts = new Map<string, number>();
  for (const id of assignment) counts.set(id, (counts.get(id) ?? 0) + 1);
  let largest = 0;
  for (const [id, count] of counts) if (id !== otherId) largest = Math.max(largest, count);
  const n = assignment.length || 1;
  return { largest: largest / n, other: (counts.get(otherId) ?? 0) / n, groups: [...counts.keys()].filter((id) => id !== otherId).length };
}

/**
 * Labels a reader would not recognise as a topic: one word of the field's generic vocabulary or a
 * piece of a phrase (the examples of issue 15). Judged from the label alone, so the same for both
 * methods.
 */
const SUSPECT_SINGLE_WORDS = new Set(
  (
    'free shot supervised reinforcement understanding algorithms algorithm scale space optimal human label labels ' +
    'domain learning model models neural network networks deep data training efficient local global rank ' +
    'large small high low multi self cross pre non semi zero few one based aware driven guided agnostic ' +
    'method methods approach'
  ).split(' '),
);

export function suspectLabels(labels: readonly string[]): string[] {
  return labels.filter((label) => {
    const words = label.toLowerCase().split(/[\s-]+/).filter(Boolean);
    return (words.length === 1 && SUSPECT_SINGLE_WORDS.has(words[0])) || !readsAsWords(label);
  });
}

/**
 * Labels no reader can make sense of (issue 15's generated catalog): numbered fallbacks ("Topic 2",
 * "Gaussian Splatting 2"), an element symbol or other one- or two-letter piece at an edge ("Nb",
 * "Slow Li", "La Température"; "Li-Ion" is a word), the rest of a cut formula ("ₓSe", "Optimally
 * Doped La₁").
 */
function readsAsWords(label: string): boolean {
  const words = label.split(/\s+/u).filter(Boolean);
  const piece = (word: string) => /^[\u2080-\u209c]|^\p{N}+$/u.test(word) || ((word.match(/\p{L}/gu)?.length ?? 0) <= 2 && /\p{Ll}/u.test(word));
  // A compound is a word when one of its parts is ("Li-Ion", "64-Bit", "X-Ray").
  const pieces = (compound: string) => /^[\u2080-\u209c]/u.test(compound) || compound.split(/[-\u2010\u2011\u2013]/u).every((part) => part === '' || piece(part));
  return words.length > 0 && !pieces(words[0]) && !pieces(words[words.length - 1]);
}

/** A topic whose label fewer than this share of its papers say names few of them: a catch-all under a borrowed name. */
export const UNCOVERED_SHARE = 0.15;

export interface LabelCoverage {
  label: string;
  size: number;
  /** Share of the topic's papers whose title or abstract has every word of its label (stemmed as the model stems). */
  share: number;
}

/**
 * For each group (its label and its papers' texts): how many of its papers say its label. A
 * lower bound of what the label describes ("GNN" does not say "Graph Neural Networks"), but a
 * label that 6 % of its papers say ("Speech" over causal discovery, fairness and pruning papers)
 * names a catch-all.
 */
export function labelCoverage(groups: readonly { label: string; texts: readonly string[] }[]): LabelCoverage[] {
  const stems = new Map<string, string | undefined>();
  const stemsOf = (text: string) => new Set(writtenWords(text, stems).flatMap((w) => (w.stem === undefined ? [] : [w.stem])));
  return groups.map(({ label, texts }) => {
    const wanted = [...stemsOf(label)];
    const saying = texts.filter((text) => {
      const has = stemsOf(text);
      return wanted.every((stem) => has.has(stem));
    }).length;
    return { label, size: texts.length, share: texts.length > 0 ? saying / texts.length : 0 };
  });
}

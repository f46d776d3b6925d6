/**
 * What people type to find a paper, drawn deterministically from the catalog itself: a few
 * distinctive words of the title as they remember them, sometimes with a typo, a surname, the
 * start of a key. Recall is measured on title-word queries; latency on everything, keystroke by
 * keystroke.
 */
import { personFamily, type Paper } from '../../server/src/catalog/paper';
import { isStopWord, plainWords } from '../../server/src/search/tokenize';

/** The data generator's seeded PRNG: the same queries on every machine. */
import { prng } from './generate';

export { prng };

export interface RecallQuery {
  key: string;
  /** Words separated by spaces, as typed into a search box. */
  text: string;
  words: string[];
}

export interface RecallSample {
  queries: RecallQuery[];
  /** The same queries with one typo in one word. */
  typoQueries: RecallQuery[];
  /** Sampled papers whose title words never tell them apart from 5 or more others (e.g. one-word titles): left out. */
  ambiguous: number;
}

/** A word a person would type: letters only, at least 3 of them, not a stop word. */
function contentWords(title: string): string[] {
  const words = plainWords(title).filter((w) => w.length >= 3 && /^[a-z]+$/.test(w) && !isStopWord(w));
  return [...new Set(words)];
}

/** Title words → the papers whose title has them: to know when a query cannot single out its paper. */
class TitleWords {
  private readonly papersOfWord = new Map<string, number[]>();

  constructor(papers: readonly Paper[]) {
    papers.forEach((paper, id) => {
      for (const word of new Set(plainWords(paper.title ?? ''))) {
        const list = this.papersOfWord.get(word);
        if (list) list.push(id);
        else this.papersOfWord.set(word, [id]);
      }
    });
  }

  frequency(word: string): number {
    return this.papersOfWord.get(word)?.length ?? 0;
  }

  /** How many titles hold all the words, stopping once past `cap`. */
  countWithAll(words: readonly string[], cap: number): number {
    const lists = words.map((w) => this.papersOfWord.get(w) ?? []).sort((a, b) => a.length - b.length);
    const others = lists.slice(1).map((l) => new Set(l));
    let count = 0;
    for (const id of lists[0] ?? []) {
      if (others.every((s) => s.has(id)) && ++count > cap) break;
    }
    return count;
  }
}

/**
 * For `count` papers picked at random: 2–3 of the rarer half of its title words, in title order,
 * with more words added while 6 or more titles hold them all (a person who remembers "deep
 * learning" alone cannot expect one paper among thousands).
 */
export function recallSample(papers: readonly Paper[], count: number, seed = 1): RecallSample {
  const random = prng(seed);
  const titles = new TitleWords(papers);
  const queries: RecallQuery[] = [];
  const typoQueries: RecallQuery[] = [];
  let ambiguous = 0;
  const tried = new Set<number>();
  while (queries.length < count && tried.size < papers.length) {
    const id = Math.floor(random() * papers.length);
    if (tried.has(id)) continue;
    tried.add(id);
    const paper = papers[id];
    const inOrder = contentWords(paper.title ?? '');
    if (inOrder.length < 2) {
      ambiguous++;
      continue;
    }
    const byRarity = [...inOrder].sort((a, b) => titles.frequency(a) - titles.frequency(b));
    const wanted = 2 + Math.floor(random() * 2);
    const pool = byRarity.slice(0, Math.max(wanted, Math.ceil(byRarity.length / 2)));
    const chosen = new Set(shuffle(pool, random).slice(0, wanted));
    for (const word of byRarity) {
      if (titles.countWithAll([...chosen], 5) <= 5) break;
      chosen.add(word);
    }
    if (titles.countWithAll([...chosen], 5) > 5) {
      ambiguous++;
      continue;
    }
    const words = inOrder.filter((w) => chosen.has(w));
    queries.push({ key: paper.key, text: words.join(' '), words });
    const typoAt = pickTypoWord(words, random);
    const typoWords = words.map((w, i) => (i === typoAt ? withTypo(w, random) : w));
    typoQueries.push({ key: paper.key, text: typoWords.join(' '), words: typoWords });
  }
  return { queries, typoQueries, ambiguous };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The word that gets the typo: a long one (people mistype long words), else the longest. */
function pickTypoWord(words: readonly string[], random: () => number): number {
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5);
  if (long.length > 0) return long[Math.floor(random() * long.length)][1];
  return words.reduce((best, w, i) => (w.length > words[best].length ? i : best), 0);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One edit (swap of neighbours, a letter dropped, doubled or replaced), never the first letter. */
export function withTypo(word: string, random: () => number): string {
  if (word.length < 3) return word;
  const at = 1 + Math.floor(random() * (word.length - 1));
  const kind = Math.floor(random() * 4);
  if (kind === 0 && at < word.length - 1 && word[at] !== word[at + 1]) return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  if (kind === 1) return word.slice(0, at) + word.slice(at + 1);
  if (kind === 2) return word.slice(0, at) + word[at] + word.slice(at);
  let replacement = word[at];
  while (replacement === word[at]) replacement = LETTERS[Math.floor(random() * LETTERS.length)];
  return word.slice(0, at) + replacement + word.slice(at + 1);
}

/** A completion query as typed after `[@`: words joined by `-`, since a space ends the citation. */
export function asTyped(words: readonly string[]): string {
  return words.join('-');
}

export interface TypingQuery {
  kind: 'one title word' | 'two title words' | 'three title words' | 'surname and title word' | 'title words with a typo' | 'key prefix';
  /** The final text after `[@`. */
  text: string;
}

/**
 * Queries for the latency run, one kind after the other; each is typed keystroke by keystroke, so
 * one- and two-letter prefixes (the most expensive to expand) are measured too.
 */
export function typingQueries(papers: readonly Paper[], count: number, seed = 2): TypingQuery[] {
  const random = prng(seed);
  const out: TypingQuery[] = [];
  const kinds: TypingQuery['kind'][] = ['one title word', 'two title words', 'three title words', 'surname and title word', 'title words with a typo', 'key prefix'];
  for (let attempts = 0; out.length < count && attempts < count * 20; attempts++) {
    const paper = papers[Math.floor(random() * papers.length)];
    const words = contentWords(paper.title ?? '');
    const kind = kinds[out.length % kinds.length];
    const pickWords = (n: number) => shuffle(words, random).slice(0, n);
    const surname = plainWords(paper.authors.map(personFamily).find((n) => !!n) ?? '')[0];
    if (kind === 'key prefix') out.push({ kind, text: paper.key.slice(0, Math.min(paper.key.length, 6 + Math.floor(random() * 6))) });
    else if (kind === 'surname and title word' && surname && words.length >= 1) out.push({ kind, text: asTyped([surname, ...pickWords(1)]) });
    else if (kind === 'title words with a typo' && words.length >= 2) {
      const chosen = pickWords(2);
      const typoAt = pickTypoWord(chosen, random);
      out.push({ kind, text: asTyped(chosen.map((w, i) => (i === typoAt ? withTypo(w, random) : w))) });
    } else {
      const n = kind === 'one title word' ? 1 : kind === 'two title words' ? 2 : 3;
      if (words.length >= n) out.push({ kind, text: asTyped(pickWords(n)) });
    }
  }
  return out;
}

/** Keys for hover: spread over the whole catalog. */
export function hoverKeys(papers: readonly Paper[], count: number, seed = 3): string[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => papers[Math.floor(random() * papers.length)].key);
}

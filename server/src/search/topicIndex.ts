/**
 * A topic model's result as the main thread keeps and reads it: which topic a paper is listed
 * under, its second fit, its related papers, a topic's subtopics and papers. Compact (numbers in
 * typed arrays, one string per key), because at 100,000 papers the result as objects was 400,000
 * of them for the garbage collector, and decoding it in one message blocked the thread 130 ms.
 *
 * So it travels (worker → main thread) and is cached as *pieces*: a head line (the topics and the
 * number of papers) and lines of rows `[key, topic, also, related…]`, numbers being positions in
 * the topic list and in the key-sorted rows. The main thread parses one piece per slice
 * (`TopicIndexBuilder`); everything read from a piece is checked, as a cache file may be anyone's.
 */
import type { TopicEntry, TopicResult } from './topicResult';

/** Related papers kept per paper: the hover shows three, the tree and the request as many. */
export const RELATED_PER_PAPER = 3;
/** Rows per piece: one piece is parsed in a couple of milliseconds. */
const ROWS_PER_PIECE = 1000;

export interface Placement {
  topic: TopicEntry;
  also?: TopicEntry;
  /** Keys, most related first. */
  related: string[];
}

export class TopicIndex {
  private readonly topicNumber = new Map<string, number>();
  /** Per topic number, the numbers of its subtopics, in display order. */
  private readonly children: number[][];
  private readonly roots: number[] = [];
  /** Per topic number: the rows listed under it or under one of its subtopics. Made when first asked. */
  private rowsUnder: number[][] | undefined;
  /**
   * `keys` sorted by code units; per row k: `topicOf[k]`, `alsoOf[k]` (−1: none) and
   * `related[k·RELATED_PER_PAPER …]` (rows, −1: none); `rows`: key → row. Use `fromResult` or
   * `TopicIndexBuilder`.
   */
  constructor(
    readonly topics: readonly TopicEntry[],
    private readonly keys: readonly string[],
    private readonly topicOf: Int32Array,
    private readonly alsoOf: Int32Array,
    private readonly related: Int32Array,
    /**
     * The tree looks up every paper, and a binary search per paper took 4× as long. Made by the
     * builder a piece at a time (made on the first lookup, it held the server 100 ms at 100,000 papers).
     */
    private readonly rows: ReadonlyMap<string, number>,
  ) {
    topics.forEach((topic, i) => this.topicNumber.set(topic.id, i));
    this.children = topics.map(() => []);
    topics.forEach((topic, i) => {
      const parent = topic.parentId === undefined ? undefined : this.topicNumber.get(topic.parentId);
      if (parent === undefined || parent === i) this.roots.push(i);
      else this.children[parent].push(i);
    });
  }

  /** The index of a result at once (tests, the worker's check of its cache); throws when it does not read. */
  static fromResult(result: TopicResult): TopicIndex {
    const pieces = packTopics(result);
    const builder = new TopicIndexBuilder(JSON.parse(pieces.head));
    for (const piece of pieces.rows) builder.add(JSON.parse(piece));
    const index = builder.finish();
    if (!index) throw new Error('not a topic result');
    return index;
  }

  /** The result again (the worker reads its cache back to pass it to the model as `previous`). */
  toResult(): TopicResult {
    const placements = this.keys.map((key) => {
      const { topic, also, related } = this.placement(key)!;
      return also ? { key, topic: topic.id, also: also.id, related } : { key, topic: topic.id, related };
    });
    return { topics: this.topics.map((topic) => ({ ...topic, terms: [...topic.terms] })), placements };
  }

  /** Papers placed. */
  get size(): number {
    return this.keys.length;
  }

  topic(id: string): TopicEntry | undefined {
    const n = this.topicNumber.get(id);
    return n === undefined ? undefined : this.topics[n];
  }

  /** The top-level topics (no `parentId`) or a topic's subtopics, in the model's display order. */
  subtopicsOf(parentId?: string): TopicEntry[] {
    if (parentId === undefined) return this.roots.map((n) => this.topics[n]);
    const n = this.topicNumber.get(parentId);
    return n === undefined ? [] : this.children[n].map((c) => this.topics[c]);
  }

  subtopicCount(id: string): number {
    const n = this.topicNumber.get(id);
    return n === undefined ? 0 : this.children[n].length;
  }

  /** The topic ids from the top level down to `id` (itself last); empty for an unknown id. */
  pathTo(id: string): string[] {
    const path: string[] = [];
    const seen = new Set<string>();
    for (let topic = this.topic(id); topic && !seen.has(topic.id); topic = topic.parentId === undefined ? undefined : this.topic(topic.parentId)) {
      seen.add(topic.id);
      path.unshift(topic.id);
    }
    return path;
  }

  /** The topic the paper is listed under (a leaf), without the rest of its placement. */
  leafOf(key: string): TopicEntry | undefined {
    const row = this.rowOf(key);
    return row < 0 ? undefined : this.topics[this.topicOf[row]];
  }

  placement(key: string): Placement | undefined {
    const row = this.rowOf(key);
    if (row < 0) return undefined;
    const related: string[] = [];
    for (let i = row * RELATED_PER_PAPER; i < (row + 1) * RELATED_PER_PAPER; i++) {
      if (this.related[i] >= 0) related.push(this.keys[this.related[i]]);
    }
    const also = this.alsoOf[row];
    return { topic: this.topics[this.topicOf[row]], also: also >= 0 ? this.topics[also] : undefined, related };
  }

  /** The keys listed under the topic or any of its subtopics, in key order. */
  keysUnder(id: string): string[] {
    const n = this.topicNumber.get(id);
    if (n === undefined) return [];
    return this.rowsUnderTopics()[n].map((row) => this.keys[row]);
  }

  private rowOf(key: string): number {
    return this.rows.get(key) ?? -1;
  }

  private rowsUnderTopics(): number[][] {
    if (this.rowsUnder) return this.rowsUnder;
    const rows: number[][] = this.topics.map(() => []);
    for (let row = 0; row < this.keys.length; row++) {
      // Up the chain: a paper of a subtopic is a paper of its parent too. Guarded against a cycle.
      let n: number | undefined = this.topicOf[row];
      for (let depth = 0; n !== undefined && depth < this.topics.length; depth++) {
        rows[n].push(row);
        const parent: string | undefined = this.topics[n].parentId;
        const next: number | undefined = parent === undefined ? undefined : this.topicNumber.get(parent);
        n = next === n ? undefined : next;
      }
    }
    this.rowsUnder = rows;
    return rows;
  }
}

// ---- pieces ------------------------------------------------------------------------------------

/** A result as lines of JSON: the head, then rows a piece at a time (see the header comment). */
export interface TopicPieces {
  /** `{ topics, papers }` */
  head: string;
  rows: string[];
}

export function packTopics(result: TopicResult): TopicPieces {
  const topicNumber = new Map(result.topics.map((topic, i) => [topic.id, i]));
  const placements = result.placements.filter((p) => topicNumber.has(p.topic));
  placements.sort((a, b) => compareCodeUnits(a.key, b.key));
  // A key placed twice keeps its first placement: the rows' keys must be strictly increasing.
  for (let i = placements.length - 1; i > 0; i--) if (placements[i].key === placements[i - 1].key) placements.splice(i, 1);
  const rowOf = new Map(placements.map((p, row) => [p.key, row]));
  const rows: string[] = [];
  for (let from = 0; from < placements.length; from += ROWS_PER_PIECE) {
    const piece = placements.slice(from, from + ROWS_PER_PIECE).map((p) => {
      const also = p.also === undefined ? -1 : (topicNumber.get(p.also) ?? -1);
      const related = p.related.map((key) => rowOf.get(key)).filter((row): row is number => row !== undefined).slice(0, RELATED_PER_PAPER);
      return [p.key, topicNumber.get(p.topic)!, also, ...related];
    });
    rows.push(JSON.stringify(piece));
  }
  const topics = result.topics.map(({ id, label, terms, parentId, size }) => (parentId === undefined ? { id, label, terms, size } : { id, label, terms, parentId, size }));
  return { head: JSON.stringify({ topics, papers: placements.length }), rows };
}

/** Builds a `TopicIndex` from a head and its pieces of rows (parsed JSON), checking each. */
export class TopicIndexBuilder {
  private readonly topics: TopicEntry[] = [];
  private readonly keys: string[] = [];
  private readonly rows = new Map<string, number>();
  private readonly topicOf: Int32Array;
  private readonly alsoOf: Int32Array;
  private readonly related: Int32Array;
  private readonly papers: number = 0;
  private broken = false;

  constructor(head: unknown) {
    if (!isRecord(head) || !Array.isArray(head.topics) || !isCount(head.papers)) {
      this.broken = true;
    } else {
      const ids = new Set<string>();
      for (const topic of head.topics) {
        if (!isTopicEntry(topic) || ids.has(topic.id)) this.broken = true;
        else {
          ids.add(topic.id);
          this.topics.push(topic.parentId === undefined ? { id: topic.id, label: topic.label, terms: [...topic.terms], size: topic.size } : { id: topic.id, label: topic.label, terms: [...topic.terms], parentId: topic.parentId, size: topic.size });
        }
      }
      this.papers = head.papers;
    }
    this.topicOf = new Int32Array(this.papers);
    this.alsoOf = new Int32Array(this.papers);
    this.related = new Int32Array(this.papers * RELATED_PER_PAPER).fill(-1);
  }

  /** One piece of rows; false once anything was not as written by `packTopics`. */
  add(piece: unknown): boolean {
    if (this.broken || !Array.isArray(piece)) return !(this.broken = true);
    for (const row of piece) {
      const k = this.keys.length;
      if (!Array.isArray(row) || row.length < 3 || row.length > 3 + RELATED_PER_PAPER || k >= this.papers) return !(this.broken = true);
      const [key, topic, also, ...related] = row as unknown[];
      if (typeof key !== 'string' || (k > 0 && !(this.keys[k - 1] < key))) return !(this.broken = true);
      if (!isIndex(topic, this.topics.length) || !(also === -1 || isIndex(also, this.topics.length))) return !(this.broken = true);
      if (!related.every((r) => isIndex(r, this.papers))) return !(this.broken = true);
      this.keys.push(key);
      this.rows.set(key, k);
      this.topicOf[k] = topic;
      this.alsoOf[k] = also;
      related.forEach((r, i) => (this.related[k * RELATED_PER_PAPER + i] = r as number));
    }
    return true;
  }

  /** The index, or undefined when a piece was broken or missing. */
  finish(): TopicIndex | undefined {
    if (this.broken || this.keys.length !== this.papers) return undefined;
    return new TopicIndex(this.topics, this.keys, this.topicOf, this.alsoOf, this.related, this.rows);
  }
}

function isTopicEntry(value: unknown): value is TopicEntry {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.label === 'string' &&
    Array.isArray(value.terms) &&
    value.terms.every((t) => typeof t === 'string') &&
    (value.parentId === undefined || typeof value.parentId === 'string') &&
    isCount(value.size)
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isIndex(value: unknown, length: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Topics of a catalog from its papers' text: a topic model, not phrase matching.
 *
 * 1. Terms (topicTerms.ts): words and two- or three-word phrases of titles (counted 3×), keywords
 *    (2×) and abstracts, accents folded, lightly stemmed, stop words and paper prose removed,
 *    TF-IDF with sublinear tf, in 2 to 50 % of the papers.
 * 2. Clusters (topicCluster.ts): spherical k-means on the unit TF-IDF vectors (cosine), on a
 *    sample of at most `CLUSTER_SAMPLE` papers when the catalog is bigger, then every paper goes to
 *    its nearest centroid. The number of top-level topics grows with √n (8–25 once there are 50
 *    papers), `topicCount` overrides it; clusters too small are dissolved into their papers' next
 *    best, near-duplicate ones merged.
 * 3. A hierarchy: a topic of more than `maxTopicSize` papers is clustered again into subtopics,
 *    recursively, so no node lists thousands of papers.
 * 4. Each paper is placed once, at its deepest topic; a clear second top-level fit is `also`.
 *    Papers with no term of the vocabulary, or too far from every centroid, are "Other".
 * 5. Labels (topicLabels.ts): the term that sets a topic apart from its siblings, as the papers
 *    write it; unique in the tree. Ids are the labels' slugs, made unique.
 * 6. Related papers: the three most similar papers (cosine) among the paper's topic and, for a
 *    small parent, its siblings.
 *
 * Guarantees: pure and deterministic (papers sorted by key first; a seeded PRNG; samples chosen by
 * a hash of the key), so the input order does not matter. Stable: given the previous result, a
 * small change (fewer than `REBUILD_SHARE` of the papers, counted since the last full clustering)
 * places only the added and edited papers, against the previous centroids, and keeps every other
 * placement, topic id and label; past it, the catalog is clustered again and the new topics take
 * the ids and labels of the previous ones they mostly overlap.
 */
import { foldAccents } from './tokenize';
import { addRow, emptyCentroids, louvain, meanCentroids, nearestNeighbors, scoreRow, type Centroids } from './topicCluster';
import { rankLabelTerms, slugOf, titleCase, usageOf } from './topicLabels';
import type { TopicDocument, TopicEntry, TopicModelState, TopicPlacement, TopicResult } from './topicResult';
import { buildVocabulary, tokenizeAll, VOCABULARY_SAMPLE, vectorize, WordTable, writtenWords, type PaperVectors, type Vocabulary, type WrittenWord } from './topicTerms';

export interface TopicOptions {
  /** Number of top-level topics, instead of one from the catalog's size. */
  topicCount?: number;
  /** The result of the last run: small changes keep its topics (see the header). */
  previous?: TopicResult;
  /** A topic with more papers opens into subtopics. */
  maxTopicSize?: number;
}

export const OTHER_ID = 'other';
export const OTHER_LABEL = 'Other';
const STATE_VERSION = 1;
const DEFAULT_MAX_TOPIC_SIZE = 60;
const MAX_TOP_TOPICS = 25;
const MIN_TOP_TOPICS = 8;
/** Subtopics of a topic: about this many papers each, 2–12 of them. */
/** A topic opens into about one subtopic per this many papers, 2–12 of them. */
const SUBTOPIC_SIZE = 20;
const MAX_SUBTOPICS = 12;
/** Papers in the nearest-neighbour graph: a sample (by key hash) beyond. */
export const GRAPH_SAMPLE = 3000;
const SUBTOPIC_GRAPH_SAMPLE = 1000;
/** Neighbours per paper in the graph. */
const NEIGHBORS = 15;
/** Louvain's resolution: higher, more and smaller communities. */
const RESOLUTION = 2;
/**
 * Communities whose centroids are this similar are one topic. Distinct topics stay far below: the
 * closest pairs of communities are at 0.29–0.43 on the demo, ICLR 2023 and bibliotex.
 */
const DUPLICATE_SIMILARITY = 0.6;
/** A paper less similar than this to its topic's centroid is "Other". */
const OTHER_SIMILARITY = 0.05;
/** A second topic this close to the first (ratio of similarities) is an `also`. */
const ALSO_RATIO = 0.8;
/** Changes (since the last clustering) past this share of the papers re-cluster; fewer are placed. */
const REBUILD_SHARE = 0.1;
const REBUILD_MIN = 16;
const CENTROID_TERMS = 40;
const RELATED = 3;
/** Parents up to this size offer all their papers as related candidates; bigger ones, the paper's own topic. */
const RELATED_POOL = 240;
const MIN_RELATED_SIMILARITY = 0.05;

interface TopicNode {
  rows: number[];
  /** Sparse unit centroid: term ids ascending, weights. */
  centroidTerms: Int32Array;
  centroidWeights: Float32Array;
  children: TopicNode[];
  parent?: TopicNode;
  depth: number;
  id: string;
  label: string;
  terms: string[];
}

interface Catalog {
  docs: TopicDocument[];
  vectors: PaperVectors;
  vocabulary: Vocabulary;
  /** Per row: its key's hash, for samples that do not depend on the input order. */
  hashes: Uint32Array;
  textHashes: string[];
}

export function buildTopics(input: readonly TopicDocument[], options: TopicOptions = {}): TopicResult {
  const docs = uniqueSorted(input);
  if (docs.length === 0) return { topics: [], placements: [] };
  const catalog = prepare(docs);
  const maxTopicSize = Math.max(2, options.maxTopicSize ?? DEFAULT_MAX_TOPIC_SIZE);
  const previous = options.previous;
  const state = previous?.model;
  if (previous && state && state.version === STATE_VERSION && state.topicCount === options.topicCount && state.maxTopicSize === maxTopicSize) {
    const placed = placeChanges(catalog, previous, state);
    if (placed) return placed;
  }
  return clusterCatalog(catalog, options.topicCount, maxTopicSize, previous);
}

function uniqueSorted(input: readonly TopicDocument[]): TopicDocument[] {
  const sorted = [...input].sort((a, b) => compare(a.key, b.key) || compare(textOf(a), textOf(b)));
  return sorted.filter((doc, i) => i === 0 || sorted[i - 1].key !== doc.key);
}

function textOf(doc: TopicDocument): string {
  return `${doc.title ?? ''}\u0000${(doc.keywords ?? []).join('\u0001')}\u0000${doc.abstract ?? ''}`;
}

function prepare(docs: TopicDocument[]): Catalog {
  const hashes = Uint32Array.from(docs, (doc) => fnv1a(doc.key));
  const sampleRows = docs.length <= VOCABULARY_SAMPLE ? docs.map((_, r) => r) : rankByHash(hashes, docs.length).slice(0, VOCABULARY_SAMPLE).sort((a, b) => a - b);
  const words = new WordTable();
  const runs = tokenizeAll(sampleRows.map((r) => docs[r]), words);
  const minDf = Math.max(2, Math.round(sampleRows.length / 5000));
  const vocabulary = buildVocabulary(runs, words, minDf);
  const indexOf = new Int32Array(docs.length).fill(-1);
  sampleRows.forEach((r, i) => (indexOf[r] = i));
  const vectors = vectorize(docs, words, vocabulary, { runs, indexOf });
  return { docs, vectors, vocabulary, hashes, textHashes: docs.map((doc) => fnv1a(textOf(doc)).toString(36)) };
}

/** Rows ordered by their key's hash (ties by row): the first m are a sample independent of the input order. */
function rankByHash(hashes: Uint32Array, n: number): number[] {
  return Array.from({ length: n }, (_, r) => r).sort((a, b) => hashes[a] - hashes[b] || a - b);
}

// ---------------------------------------------------------------------------------------------
// Full clustering

function clusterCatalog(catalog: Catalog, topicCount: number | undefined, maxTopicSize: number, previous: TopicResult | undefined): TopicResult {
  const { vectors } = catalog;
  const dims = catalog.vocabulary.terms.length;
  const withTerms: number[] = [];
  const other: number[] = [];
  for (let r = 0; r < vectors.rows; r++) (vectors.offsets[r + 1] > vectors.offsets[r] ? withTerms : other).push(r);

  const top = clusterRows(catalog, withTerms, {
    minCount: topicCount ?? Math.min(MIN_TOP_TOPICS, Math.ceil(withTerms.length / 20)),
    maxCount: topicCount ?? MAX_TOP_TOPICS,
    minSize: Math.max(2, Math.ceil(withTerms.length * 0.005)),
    sampleSize: GRAPH_SAMPLE,
  });
  // Too far from every centroid: "Other".
  const best = new Int32Array(vectors.rows).fill(-1);
  const second = new Int32Array(vectors.rows).fill(-1);
  const bestSimilarity = new Float32Array(vectors.rows);
  const secondSimilarity = new Float32Array(vectors.rows);
  scoreAgainst(catalog, withTerms, top.map((node) => node), best, second, bestSimilarity, secondSimilarity);
  const topRows: number[][] = top.map(() => []);
  for (const r of withTerms) {
    if (bestSimilarity[r] < OTHER_SIMILARITY) other.push(r);
    else topRows[best[r]].push(r);
  }
  const roots: TopicNode[] = [];
  top.forEach((node, i) => {
    if (topRows[i].length === 0) return;
    node.rows = topRows[i];
    setCentroid(catalog, node, dims);
    roots.push(node);
  });
  for (const root of roots) split(catalog, root, maxTopicSize);

  labelTree(catalog, roots, previous);
  const also = new Map<number, TopicNode>();
  for (const r of withTerms) {
    const a = best[r];
    const b = second[r];
    if (b < 0 || topRows[a].length === 0 || topRows[b].length === 0) continue;
    if (bestSimilarity[r] >= OTHER_SIMILARITY && secondSimilarity[r] >= ALSO_RATIO * bestSimilarity[r]) also.set(r, top[b]);
  }
  const state: TopicModelState = {
    version: STATE_VERSION,
    clustered: vectors.rows,
    changes: 0,
    maxTopicSize,
    otherSimilarity: OTHER_SIMILARITY,
    centroids: [],
  };
  if (topicCount !== undefined) state.topicCount = topicCount;
  return assemble(catalog, roots, other, (r) => also.get(r), state);
}

interface ClusterOptions {
  /** Fewer communities than this: Louvain again at a higher resolution. */
  minCount: number;
  /** More: the most similar ones merge. */
  maxCount: number;
  /** Smaller clusters are dissolved into their papers' nearest other. */
  minSize: number;
  sampleSize: number;
}

/**
 * Clusters of the rows: Louvain communities of the nearest-neighbour graph of (a sample of) them,
 * small ones dissolved, the most similar merged down to `maxCount`; then every row goes to its
 * nearest community centroid (twice, centroids recomputed from all rows), so a paper's topic is
 * the one whose centroid fits it best (what later runs place new papers against).
 */
function clusterRows(catalog: Catalog, rows: number[], options: ClusterOptions): TopicNode[] {
  const { vectors } = catalog;
  const dims = catalog.vocabulary.terms.length;
  const sample = rows.length <= options.sampleSize ? rows : sampleOf(catalog, rows, options.sampleSize);
  const graph = nearestNeighbors(vectors, sample, dims, NEIGHBORS);
  const minSampleSize = Math.max(1, Math.round((options.minSize * sample.length) / rows.length));
  let communities = louvain(graph, RESOLUTION);
  for (let resolution = RESOLUTION * 2, tries = 0; tries < 4 && bigGroups(communities, minSampleSize) < options.minCount; resolution *= 2, tries++) {
    communities = louvain(graph, resolution);
  }
  const groups = mergeGroups(vectors, sample, groupsOf(communities), minSampleSize, options.maxCount, dims);

  // Every row to its nearest centroid, twice; then clusters below `minSize` dissolved.
  let assignment: Int32Array = new Int32Array(sample.length);
  groups.forEach((members, c) => members.forEach((i) => (assignment[i] = c)));
  let centroids = meanCentroids(vectors, sample, assignment, groups.length, dims);
  let alive = groups.map((_, c) => c);
  for (let round = 0; round < 2 + groups.length; round++) {
    assignment = assign(vectors, rows, centroids, alive);
    const sizes = new Int32Array(groups.length);
    for (const c of assignment) sizes[c]++;
    const small = alive.filter((c) => sizes[c] < options.minSize).sort((a, b) => sizes[a] - sizes[b] || a - b);
    if (round >= 1 && (small.length === 0 || alive.length === 1)) break;
    if (round >= 1) alive = alive.filter((c) => c !== small[0]);
    centroids = meanCentroids(vectors, rows, assignment, groups.length, dims);
  }
  const members = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const list = members.get(assignment[i]);
    if (list) list.push(r);
    else members.set(assignment[i], [r]);
  });
  return [...members.keys()].sort((a, b) => a - b).map((c) => {
    const node = emptyNode(members.get(c) as number[], 0);
    setCentroid(catalog, node, dims);
    return node;
  });
}

function bigGroups(communities: Int32Array, minSize: number): number {
  const sizes = new Map<number, number>();
  for (const c of communities) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  let count = 0;
  for (const size of sizes.values()) if (size >= minSize) count++;
  return count;
}

/** Indices (into the clustered rows) per community, communities in order of first member. */
function groupsOf(communities: Int32Array): number[][] {
  const groups: number[][] = [];
  communities.forEach((c, i) => (groups[c] ??= []).push(i));
  return groups.filter((g) => g !== undefined);
}

/**
 * Merges groups by the cosine of their centroids: first each group smaller than `minSize` into
 * its most similar group (a dense clique that Louvain's resolution broke into single papers comes
 * back together), then the two most similar until there are `maxCount` and no two are near
 * duplicates (`DUPLICATE_SIMILARITY`). Cosines come from the dot
 * products of the groups' summed vectors, updated per merge without going back to the rows.
 */
function mergeGroups(vectors: PaperVectors, rows: readonly number[], groups: number[][], minSize: number, maxCount: number, dims: number): number[][] {
  const k = groups.length;
  const small = (c: number) => merged[c].length < minSize;
  const merged = groups.map((g) => [...g]);
  if (k <= 1) return groups;
  const sums = emptyCentroids(k, dims);
  groups.forEach((members, c) => members.forEach((i) => addRow(vectors, rows[i], sums, c)));
  const gram = gramMatrix(sums);
  const alive = new Uint8Array(k).fill(1);
  const cosine = (a: number, b: number) => gram[a * k + b] / Math.sqrt(gram[a * k + a] * gram[b * k + b] || 1);
  for (let count = k; count > 1; count--) {
    let bestA = -1;
    let bestB = -1;
    let bestCos = -Infinity;
    const anySmall = merged.some((_, c) => alive[c] && small(c));
    for (let a = 0; a < k; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < k; b++) {
        if (!alive[b] || (anySmall && !small(a) && !small(b))) continue;
        const cos = cosine(a, b);
        if (cos > bestCos) {
          bestCos = cos;
          bestA = a;
          bestB = b;
        }
      }
    }
    if (!anySmall && count <= maxCount && bestCos < DUPLICATE_SIMILARITY) break;
    // b joins a: a's row and column of dot products become the sums of both.
    const selfDot = gram[bestA * k + bestA] + 2 * gram[bestA * k + bestB] + gram[bestB * k + bestB];
    for (let c = 0; c < k; c++) {
      gram[bestA * k + c] += gram[bestB * k + c];
      gram[c * k + bestA] = gram[bestA * k + c];
    }
    gram[bestA * k + bestA] = selfDot;
    alive[bestB] = 0;
    merged[bestA].push(...merged[bestB]);
    merged[bestB] = [];
  }
  return merged.filter((_, c) => alive[c]).map((g) => g.sort((a, b) => a - b));
}

/** Dot products of every pair of centroids (unnormalized sums), visiting only the non-zero weights of each term. */
function gramMatrix(centroids: Centroids): Float64Array {
  const { k, dims, values } = centroids;
  const gram = new Float64Array(k * k);
  const nonZero = new Int32Array(k);
  for (let d = 0; d < dims; d++) {
    const base = d * k;
    let n = 0;
    for (let c = 0; c < k; c++) if (values[base + c] !== 0) nonZero[n++] = c;
    for (let x = 0; x < n; x++) {
      const a = nonZero[x];
      const va = values[base + a];
      for (let y = 0; y < n; y++) gram[a * k + nonZero[y]] += va * values[base + nonZero[y]];
    }
  }
  return gram;
}

function sampleOf(catalog: Catalog, rows: readonly number[], size: number): number[] {
  return [...rows].sort((a, b) => catalog.hashes[a] - catalog.hashes[b] || a - b).slice(0, size).sort((a, b) => a - b);
}

/** Each row's nearest live centroid. */
function assign(vectors: PaperVectors, rows: readonly number[], centroids: Centroids, alive: number[]): Int32Array {
  const out = new Int32Array(rows.length);
  const scores = new Float32Array(centroids.k);
  rows.forEach((r, i) => {
    scoreRow(vectors, r, centroids, scores);
    let best = alive[0];
    for (const c of alive) if (scores[c] > scores[best]) best = c;
    out[i] = best;
  });
  return out;
}

function emptyNode(rows: number[], depth: number): TopicNode {
  return { rows, centroidTerms: new Int32Array(0), centroidWeights: new Float32Array(0), children: [], depth, id: '', label: '', terms: [] };
}

/** The node's centroid: the normalized mean of its rows, its `CENTROID_TERMS`·4 heaviest terms. */
function setCentroid(catalog: Catalog, node: TopicNode, dims: number): void {
  const { vectors } = catalog;
  const sum = new Float32Array(dims);
  for (const r of node.rows) for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) sum[vectors.terms[p]] += vectors.weights[p];
  const terms: number[] = [];
  for (let d = 0; d < dims; d++) if (sum[d] > 0) terms.push(d);
  terms.sort((a, b) => sum[b] - sum[a] || a - b);
  terms.length = Math.min(terms.length, CENTROID_TERMS * 4);
  terms.sort((a, b) => a - b);
  let norm = 0;
  for (const d of terms) norm += sum[d] * sum[d];
  norm = Math.sqrt(norm) || 1;
  node.centroidTerms = Int32Array.from(terms);
  node.centroidWeights = Float32Array.from(terms, (d) => sum[d] / norm);
}

/** For each row: the best and second-best node by cosine with the nodes' centroids. */
function scoreAgainst(
  catalog: Catalog,
  rows: readonly number[],
  nodes: readonly TopicNode[],
  best: Int32Array,
  second: Int32Array,
  bestSimilarity: Float32Array,
  secondSimilarity: Float32Array,
): void {
  const dims = catalog.vocabulary.terms.length;
  const centroids = emptyCentroids(nodes.length, dims);
  nodes.forEach((node, c) => node.centroidTerms.forEach((d, i) => (centroids.values[d * nodes.length + c] = node.centroidWeights[i])));
  const scores = new Float32Array(nodes.length);
  for (const r of rows) {
    scoreRow(catalog.vectors, r, centroids, scores);
    let b = -1;
    let s = -1;
    for (let c = 0; c < nodes.length; c++) {
      if (b < 0 || scores[c] > scores[b]) {
        s = b;
        b = c;
      } else if (s < 0 || scores[c] > scores[s]) s = c;
    }
    best[r] = b;
    second[r] = s;
    bestSimilarity[r] = scores[b];
    secondSimilarity[r] = s >= 0 ? scores[s] : -Infinity;
  }
}

/** Opens a topic too big to scan into subtopics, recursively. */
function split(catalog: Catalog, node: TopicNode, maxTopicSize: number): void {
  if (node.rows.length <= maxTopicSize) return;
  const children = clusterRows(catalog, node.rows, {
    minCount: 2,
    maxCount: Math.min(MAX_SUBTOPICS, Math.max(2, Math.round(node.rows.length / SUBTOPIC_SIZE))),
    minSize: Math.max(3, Math.ceil(node.rows.length * 0.02)),
    sampleSize: SUBTOPIC_GRAPH_SAMPLE,
  });
  if (children.length < 2) return;
  node.children = children;
  for (const child of children) {
    child.parent = node;
    child.depth = node.depth + 1;
    split(catalog, child, maxTopicSize);
  }
}

// ---------------------------------------------------------------------------------------------
// Labels and ids

/**
 * Labels top-level topics among each other, then each topic's subtopics among their siblings.
 * With a previous result, a topic that mostly overlaps one of it keeps its id and label.
 */
function labelTree(catalog: Catalog, roots: TopicNode[], previous: TopicResult | undefined): void {
  const usedLabels = new Set<string>([foldAccents(OTHER_LABEL)]);
  const usedIds = new Set<string>([OTHER_ID]);
  const inherit = previous ? inheritance(catalog, previous) : undefined;
  const levels: TopicNode[][] = [roots];
  for (let i = 0; i < levels.length; i++) for (const node of levels[i]) if (node.children.length > 0) levels.push(node.children);

  // Inherited ids and labels first, so fresh labels avoid them.
  if (inherit) {
    for (const siblings of levels) {
      for (const node of siblings) {
        const match = inherit(node);
        if (!match || usedIds.has(match.id) || usedLabels.has(foldAccents(match.label))) continue;
        node.id = match.id;
        node.label = match.label;
        usedIds.add(match.id);
        usedLabels.add(foldAccents(match.label));
      }
    }
  }
  for (const siblings of levels) {
    const ranked = rankLabelTerms(catalog.vectors, catalog.vocabulary, { rows: siblings.map((node) => Int32Array.from(node.rows)) });
    // Bigger topics choose first: they are the ones a reader sees.
    const order = siblings.map((_, i) => i).sort((a, b) => siblings[b].rows.length - siblings[a].rows.length || siblings[a].rows[0] - siblings[b].rows[0]);
    for (const i of order) {
      const node = siblings[i];
      const texts = textsOf(catalog, node);
      const spell = (terms: readonly number[]) => {
        const spelled: { spelling: string; stems: string[] }[] = [];
        for (const term of terms) {
          const text = catalog.vocabulary.terms[term];
          const usage = usageOf(text, texts);
          if (usage.fragment) continue;
          const spelling = usage.spelling ?? titleCase(text);
          if (!spelled.some((s) => foldAccents(s.spelling) === foldAccents(spelling))) spelled.push({ spelling, stems: text.split(' ') });
          if (spelled.length >= 12) break;
        }
        return spelled;
      };
      const spelled = spell(ranked[i].terms);
      // Nothing of its own left (every term taken or shared with the siblings): a shared one.
      if (!node.label && !spelled.some((s) => !usedLabels.has(foldAccents(s.spelling)))) spelled.push(...spell(ranked[i].shared));
      if (!node.label) {
        const label = spelled.find((s) => !usedLabels.has(foldAccents(s.spelling)))?.spelling ?? fallbackLabel(spelled.map((s) => s.spelling), usedLabels);
        node.label = label;
        usedLabels.add(foldAccents(label));
      }
      // The tooltip's terms say more than the label: none repeats one of its words.
      const labelStems = new Set(writtenWords(node.label).map((w) => w.stem));
      node.terms = spelled.filter((s) => !s.stems.some((stem) => labelStems.has(stem))).slice(0, 6).map((s) => s.spelling);
      if (!node.id) {
        node.id = uniqueId(slugOf(node.label), usedIds);
        usedIds.add(node.id);
      }
    }
  }
}

function fallbackLabel(spelled: readonly string[], used: ReadonlySet<string>): string {
  const base = spelled[0] ?? 'Topic';
  for (let n = 2; ; n++) {
    const label = `${base} ${n}`;
    if (!used.has(foldAccents(label))) return label;
  }
}

function uniqueId(slug: string, used: ReadonlySet<string>): string {
  if (!used.has(slug)) return slug;
  for (let n = 2; ; n++) if (!used.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

const LABEL_TITLES = 80;
const LABEL_ABSTRACTS = 20;

/**
 * The texts a topic's labels are read from, as words: titles (where papers name their topic) of
 * up to `LABEL_TITLES` papers, keywords, then abstracts of up to `LABEL_ABSTRACTS`.
 */
function textsOf(catalog: Catalog, node: TopicNode): { text: string; words: WrittenWord[] }[] {
  const { docs } = catalog;
  const rows = node.rows.length <= LABEL_TITLES ? node.rows : sampleOf(catalog, node.rows, LABEL_TITLES);
  const texts: string[] = [];
  for (const r of rows) if (docs[r].title) texts.push(docs[r].title as string);
  for (const r of rows) for (const keyword of docs[r].keywords ?? []) texts.push(keyword);
  let abstracts = 0;
  for (const r of rows) {
    if (abstracts >= LABEL_ABSTRACTS) break;
    if (docs[r].abstract) {
      texts.push(docs[r].abstract as string);
      abstracts++;
    }
  }
  return texts.map((text) => ({ text, words: writtenWords(text) }));
}

/**
 * For a node of the new tree: the previous topic (at the same depth) whose papers it mostly shares,
 * by Jaccard overlap of keys, when that is at least a half.
 */
function inheritance(catalog: Catalog, previous: TopicResult): (node: TopicNode) => { id: string; label: string } | undefined {
  const parentOf = new Map(previous.topics.map((t) => [t.id, t.parentId]));
  const depthOf = (id: string): number => {
    let depth = 0;
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) depth++;
    return depth;
  };
  const keysOf = new Map<string, Set<string>>();
  for (const placement of previous.placements) {
    for (let id: string | undefined = placement.topic; id !== undefined && id !== OTHER_ID; id = parentOf.get(id)) {
      let keys = keysOf.get(id);
      if (!keys) keysOf.set(id, (keys = new Set()));
      keys.add(placement.key);
    }
  }
  return (node) => {
    let best: { id: string; label: string } | undefined;
    let bestJaccard = 0.5;
    for (const topic of previous.topics) {
      if (topic.id === OTHER_ID || depthOf(topic.id) !== node.depth) continue;
      const keys = keysOf.get(topic.id);
      if (!keys) continue;
      let shared = 0;
      for (const r of node.rows) if (keys.has(catalog.docs[r].key)) shared++;
      const jaccard = shared / (keys.size + node.rows.length - shared);
      if (jaccard > bestJaccard || (jaccard === bestJaccard && best && topic.id < best.id)) {
        best = { id: topic.id, label: topic.label };
        bestJaccard = jaccard;
      }
    }
    return best;
  };
}

// ---------------------------------------------------------------------------------------------
// The result

function assemble(catalog: Catalog, roots: TopicNode[], other: number[], alsoOf: (row: number) => TopicNode | undefined, state: TopicModelState): TopicResult {
  const { docs, vocabulary } = catalog;
  const topics: TopicEntry[] = [];
  const leafOf = new Int32Array(docs.length).fill(-1);
  const leaves: TopicNode[] = [];
  const byLabel = (a: TopicNode, b: TopicNode) => compare(foldAccents(a.label), foldAccents(b.label)) || compare(a.id, b.id);
  const levels: TopicNode[][] = [[...roots].sort(byLabel)];
  for (let i = 0; i < levels.length; i++) {
    for (const node of levels[i]) if (node.children.length > 0) levels.push([...node.children].sort(byLabel));
  }
  for (const level of levels) {
    for (const node of level) {
      const entry: TopicEntry = { id: node.id, label: node.label, terms: node.terms, size: node.rows.length };
      if (node.parent) entry.parentId = node.parent.id;
      topics.push(entry);
      state.centroids.push(compactCentroid(node, vocabulary));
      if (node.children.length === 0) {
        for (const r of node.rows) leafOf[r] = leaves.length;
        leaves.push(node);
      }
    }
  }
  if (other.length > 0) topics.push({ id: OTHER_ID, label: OTHER_LABEL, terms: [], size: other.length });

  const related = relatedPapers(catalog, leaves, other);
  const placements: TopicPlacement[] = docs.map((doc, r) => {
    const leaf = leafOf[r] >= 0 ? leaves[leafOf[r]] : undefined;
    const placement: TopicPlacement = { key: doc.key, topic: leaf ? leaf.id : OTHER_ID, related: related[r], hash: catalog.textHashes[r] };
    const also = leaf ? alsoOf(r) : undefined;
    if (also && also.rows.length > 0) placement.also = bestLeafOf(catalog, also, r).id;
    return placement;
  });
  return { topics, placements, model: state };
}

/** The leaf of a node's subtree a row fits best. */
function bestLeafOf(catalog: Catalog, node: TopicNode, row: number): TopicNode {
  let at = node;
  while (at.children.length > 0) {
    let best = at.children[0];
    let bestS = -Infinity;
    for (const child of at.children) {
      const s = sparseDot(catalog.vectors, row, child.centroidTerms, child.centroidWeights);
      if (s > bestS) {
        bestS = s;
        best = child;
      }
    }
    at = best;
  }
  return at;
}

/** Cosine of a row with a sparse centroid (both sorted by term). */
function sparseDot(vectors: PaperVectors, row: number, terms: Int32Array, weights: Float32Array): number {
  let sum = 0;
  let i = vectors.offsets[row];
  const end = vectors.offsets[row + 1];
  let j = 0;
  while (i < end && j < terms.length) {
    const a = vectors.terms[i];
    const b = terms[j];
    if (a === b) sum += vectors.weights[i++] * weights[j++];
    else if (a < b) i++;
    else j++;
  }
  return sum;
}

function compactCentroid(node: TopicNode, vocabulary: Vocabulary): TopicModelState['centroids'][number] {
  const order = Array.from(node.centroidTerms.keys()).sort((a, b) => node.centroidWeights[b] - node.centroidWeights[a] || a - b).slice(0, CENTROID_TERMS);
  return {
    id: node.id,
    terms: order.map((i) => vocabulary.terms[node.centroidTerms[i]]),
    weights: order.map((i) => Math.round(node.centroidWeights[i] * 1e4) / 1e4),
  };
}

/** Up to three most similar papers (cosine) from the paper's topic, or its parent's when small. */
function relatedPapers(catalog: Catalog, leaves: readonly TopicNode[], other: readonly number[]): string[][] {
  const { vectors, docs } = catalog;
  const related: string[][] = docs.map(() => []);
  const scratch = new Float32Array(catalog.vocabulary.terms.length);
  const pools: { rows: readonly number[]; pool: readonly number[] }[] = leaves.map((leaf) => ({
    rows: leaf.rows,
    pool: leaf.parent && leaf.parent.rows.length <= RELATED_POOL ? leaf.parent.rows : leaf.rows,
  }));
  pools.push({ rows: other, pool: other.length <= RELATED_POOL ? other : [] });
  const best: { row: number; similarity: number }[] = [];
  for (const { rows, pool } of pools) {
    for (const r of rows) {
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) scratch[vectors.terms[p]] = vectors.weights[p];
      best.length = 0;
      for (const c of pool) {
        if (c === r) continue;
        let s = 0;
        for (let p = vectors.offsets[c]; p < vectors.offsets[c + 1]; p++) s += vectors.weights[p] * scratch[vectors.terms[p]];
        if (s < MIN_RELATED_SIMILARITY) continue;
        if (best.length < RELATED || s > best[best.length - 1].similarity) {
          best.push({ row: c, similarity: s });
          best.sort((a, b) => b.similarity - a.similarity || a.row - b.row);
          if (best.length > RELATED) best.length = RELATED;
        }
      }
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) scratch[vectors.terms[p]] = 0;
      related[r] = best.map((b) => docs[b.row].key);
    }
  }
  return related;
}

// ---------------------------------------------------------------------------------------------
// Small changes: place the changed papers against the previous topics

/**
 * With few papers added, edited or removed since the last clustering: every unchanged paper keeps
 * its placement, each changed one goes down the previous tree to its nearest centroid. Undefined
 * when there are too many changes (the caller clusters again).
 */
function placeChanges(catalog: Catalog, previous: TopicResult, state: TopicModelState): TopicResult | undefined {
  const { docs, vocabulary } = catalog;
  const before = new Map(previous.placements.map((p) => [p.key, p]));
  const keys = new Set(docs.map((d) => d.key));
  const changed: number[] = [];
  docs.forEach((doc, r) => {
    const was = before.get(doc.key);
    if (!was || was.hash !== catalog.textHashes[r]) changed.push(r);
  });
  let removed = 0;
  for (const key of before.keys()) if (!keys.has(key)) removed++;
  const changes = state.changes + changed.length + removed;
  if (changes > Math.max(REBUILD_MIN, REBUILD_SHARE * state.clustered)) return undefined;

  // The previous tree, with its centroids in this run's term ids.
  const dims = vocabulary.terms.length;
  const centroidOf = new Map(state.centroids.map((c) => [c.id, c]));
  const nodes = new Map<string, TopicNode>();
  for (const topic of previous.topics) {
    if (topic.id === OTHER_ID) continue;
    const node = emptyNode([], 0);
    node.id = topic.id;
    node.label = topic.label;
    node.terms = topic.terms;
    const centroid = centroidOf.get(topic.id);
    const pairs: [number, number][] = [];
    centroid?.terms.forEach((term, i) => {
      const id = vocabulary.idOf(term);
      if (id >= 0) pairs.push([id, centroid.weights[i]]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    node.centroidTerms = Int32Array.from(pairs, (p) => p[0]);
    node.centroidWeights = Float32Array.from(pairs, (p) => p[1]);
    nodes.set(topic.id, node);
  }
  const roots: TopicNode[] = [];
  for (const topic of previous.topics) {
    const node = nodes.get(topic.id);
    if (!node) continue;
    const parent = topic.parentId !== undefined ? nodes.get(topic.parentId) : undefined;
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  for (const node of nodes.values()) for (let p = node.parent; p; p = p.parent) node.depth++;

  const isChanged = new Uint8Array(docs.length);
  for (const r of changed) isChanged[r] = 1;
  const other: number[] = [];
  const also = new Map<number, TopicNode>();
  const addToLeaf = (leaf: TopicNode, r: number) => {
    for (let at: TopicNode | undefined = leaf; at; at = at.parent) at.rows.push(r);
  };
  docs.forEach((doc, r) => {
    if (!isChanged[r]) {
      const was = before.get(doc.key) as TopicPlacement;
      const leaf = nodes.get(was.topic);
      if (leaf) {
        addToLeaf(leaf, r);
        const alsoNode = was.also !== undefined ? nodes.get(was.also) : undefined;
        if (alsoNode) also.set(r, alsoNode);
      } else other.push(r);
      return;
    }
    if (catalog.vectors.offsets[r + 1] === catalog.vectors.offsets[r] || roots.length === 0) {
      other.push(r);
      return;
    }
    const scored = roots
      .map((node) => ({ node, similarity: sparseDot(catalog.vectors, r, node.centroidTerms, node.centroidWeights) }))
      .sort((a, b) => b.similarity - a.similarity || compare(a.node.id, b.node.id));
    if (scored[0].similarity < state.otherSimilarity) {
      other.push(r);
      return;
    }
    addToLeaf(bestLeafOf(catalog, scored[0].node, r), r);
    if (scored[1] && scored[1].similarity >= ALSO_RATIO * scored[0].similarity) also.set(r, bestLeafOf(catalog, scored[1].node, r));
  });
  void dims;

  // Topics left without papers go; the rest keep their ids, labels and terms.
  const prune = (list: TopicNode[]): TopicNode[] => list.filter((node) => {
    node.children = prune(node.children);
    return node.rows.length > 0;
  });
  const kept = prune(roots);
  for (const node of nodes.values()) node.rows.sort((a, b) => a - b);
  const keptState: TopicModelState = { ...state, changes, centroids: [] };
  const result = assemble(catalog, kept, other, (r) => also.get(r), keptState);
  // The centroids are those of the last clustering, not of the kept papers: placements stay put.
  keptState.centroids = state.centroids.filter((c) => result.topics.some((t) => t.id === c.id));
  return result;
}

// ---------------------------------------------------------------------------------------------

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Topics of a catalog from its papers' text: a topic model, not phrase matching.
 *
 * 1. Terms (topicTerms.ts): words and two- or three-word phrases of titles (counted 3×), keywords
 *    (2×) and abstracts, accents folded, lightly stemmed, stop words and paper prose removed;
 *    TF-IDF with sublinear tf, terms in 2 (more in big catalogs) to 50 % of the papers.
 * 2. Clusters (topicCluster.ts): the graph of each paper's 15 nearest neighbours by cosine, on a
 *    sample of at most `GRAPH_SAMPLE` papers (by key hash) in a big catalog; its Louvain
 *    communities at resolution `RESOLUTION` are the topics, so their number comes from the data.
 *    Communities too small are merged into their most linked one, near-duplicates merged, and the
 *    most linked pairs merged while there are more than 25 (`topicCount` instead sets the number).
 *    Every paper then goes to its nearest community centroid.
 *    Chosen by measurement (NMI against hand labels, see the commit history): on the same vectors
 *    it beat spherical k-means, LSA + k-means/Ward/average linkage and NMF at the same number of
 *    clusters, on the demo (64 papers) and on 340 ML conference papers.
 * 3. A hierarchy: a topic of more than `maxTopicSize` papers is clustered again into subtopics
 *    (2–12, about one per 20 papers), recursively, so no node lists thousands of papers.
 * 4. Each paper is placed once, at its deepest topic; a clear second top-level topic is `also`.
 *    Papers with no term of the vocabulary, or too far from every centroid (at most
 *    `MAX_OTHER_SHARE` of them), are "Other".
 * 5. Labels (topicLabels.ts): the term that sets a topic apart from its siblings, as the papers
 *    write it; unique in the tree. Ids are the labels' slugs, made unique.
 * 6. Related papers: the three most similar papers (cosine) of the paper's topic (its parent's when
 *    the topic is tiny).
 *
 * Guarantees: pure and deterministic (papers sorted by key first; no randomness; samples chosen by
 * a hash of the key), so the input order does not matter. Stable: given the previous result, a
 * small change (at most `REBUILD_SHARE` of the papers, counted since the last full clustering)
 * places only the added and edited papers, against the previous centroids, and keeps every other
 * placement, topic id and label; past it, the catalog is clustered again and the new topics take
 * the ids and labels of the previous ones they mostly overlap. Bounded: the graph's samples cap the
 * quadratic part, vectors are typed arrays of at most 64 terms a paper.
 */
import { foldAccents } from './tokenize';
import { louvain, nearestNeighbors, neighbourVotes, queryCuts, subgraph, type Graph } from './topicCluster';
import { chooseLabel, indexTexts, isReadableLabel, labelKey, labelScratch, rankLabelTerms, slugOf, spellingCache, type LabelScratch, type SpellingCache, type TopicTexts } from './topicLabels';
import type { TopicDocument, TopicEntry, TopicModelState, TopicPlacement, TopicResult } from './topicResult';
import { buildVocabulary, grow, kthLargest, tokenizeAll, VOCABULARY_SAMPLE, vectorize, WordTable, writtenWords, type PaperVectors, type Vocabulary, type WrittenWord } from './topicTerms';

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
const STATE_VERSION = 2;
const DEFAULT_MAX_TOPIC_SIZE = 60;
const MAX_TOP_TOPICS = 25;
const MIN_TOP_TOPICS = 8;
/** No top-level topic holds more than this share of the papers when Louvain can split it. */
const MAX_TOP_SHARE = 0.15;
/** No subtopic holds more than this share of its parent's papers when Louvain can split it (else splits peel a few papers off at a time). */
const MAX_SUBTOPIC_SHARE = 0.5;
/** A topic opens into about one subtopic per this many papers, 2–12 of them. */
const SUBTOPIC_SIZE = 30;
const MAX_SUBTOPICS = 12;
/** Papers in the nearest-neighbour graph of the catalog, of a topic, of a subtopic: samples (by key hash) beyond. */
export const GRAPH_SAMPLE = 2000;
const SUBTOPIC_GRAPH_SAMPLE = 600;
const DEEP_GRAPH_SAMPLE = 500;
/** Neighbours per paper in the graph. */
const NEIGHBORS = 15;
/** Louvain's resolution: higher, more and smaller communities. */
const RESOLUTION = 2;
/**
 * Communities whose centroids are this similar are one topic. Distinct topics stay far below: the
 * closest pairs of communities are at 0.29–0.43 on the demo, ICLR 2023 and bibliotex.
 */
const DUPLICATE_SIMILARITY = 0.6;
/** A paper less similar than this to every top-level centroid is "Other"... */
const OTHER_SIMILARITY = 0.05;
/** ... but never more than this share of the papers: the least similar ones. */
const MAX_OTHER_SHARE = 0.05;
/** A second top-level topic that gets this share of the votes of a paper's nearest papers (relative to its own topic's) is an `also`. */
const ALSO_RATIO = 0.8;
/** Changes (since the last clustering) past this share of the papers re-cluster; fewer are placed. */
const REBUILD_SHARE = 0.1;
const REBUILD_MIN = 16;
/** Terms of a centroid kept for placing papers later (in the result's model state). */
const CENTROID_TERMS = 40;
const RELATED = 3;
/** A topic smaller than this offers its parent's papers as related candidates too, a parent up to `RELATED_MAX_POOL`. */
const RELATED_MIN_POOL = 10;
const RELATED_MAX_POOL = 240;
const MIN_RELATED_SIMILARITY = 0.05;

interface TopicNode {
  rows: number[];
  /** Sparse unit centroid: its heaviest terms' ids and weights. */
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
  /** Every paper's vector; for small changes, only those needed (the others have no terms). */
  vectors: PaperVectors;
  /** Vectors again, of the papers a mask marks. */
  vectorsOf: (only?: Uint8Array) => PaperVectors;
  vocabulary: Vocabulary;
  textHashes: string[];
  /** Vocabulary-sized arrays: zero, and -1, between uses. */
  scratch: Float32Array;
  /** Vocabulary-sized scratch for a centroid's terms and the selection of its heaviest. */
  centroidScratch: { terms: Int32Array; values: Float64Array; select: Float64Array };
  termMap: Int32Array;
  labels: LabelScratch;
  /** Stems of spellings read for labels, once per run. */
  stems: Map<string, string | undefined>;
  /** Labels' spellings, once per run. */
  spellings: SpellingCache;
  /** Per row: its title's words, read once for the labels of every level it is in. */
  titleWords: (WrittenWord[] | undefined)[];
  /** Per row: its rank by key hash (ties by row): samples are the rows of lowest rank. */
  rank: Int32Array;
  /** Per row: queryCuts of its vector, found on the first clustering (the same at every level). */
  queryCuts?: Float64Array;
}

export function buildTopics(input: readonly TopicDocument[], options: TopicOptions = {}): TopicResult {
  const docs = uniqueSorted(input);
  if (docs.length === 0) return { topics: [], placements: [] };
  const textHashes = docs.map((doc) => doc.textHash ?? topicTextHash(doc));
  const maxTopicSize = Math.max(2, options.maxTopicSize ?? DEFAULT_MAX_TOPIC_SIZE);
  const previous = options.previous;
  const state = previous?.model;
  if (previous && state && state.version === STATE_VERSION && state.topicCount === options.topicCount && state.maxTopicSize === maxTopicSize) {
    const changes = changesSince(docs, textHashes, previous);
    if (state.changes + changes.count <= Math.max(REBUILD_MIN, REBUILD_SHARE * state.clustered)) {
      return placeChanges(prepare(docs, textHashes, changes.changed), previous, state, changes);
    }
  }
  return clusterCatalog(prepare(docs, textHashes), options.topicCount, maxTopicSize, previous);
}

/**
 * The documents in key order, one per key: of papers with the same key, the one whose text sorts
 * first (ties: the first given). The keys are sorted by the built-in string order (code units, as
 * `compare`), much faster than a comparator's calls at 100,000 papers.
 */
function uniqueSorted(input: readonly TopicDocument[]): TopicDocument[] {
  const byKey = new Map<string, TopicDocument>();
  for (const doc of input) {
    const seen = byKey.get(doc.key);
    if (!seen || compare(textOf(doc), textOf(seen)) < 0) byKey.set(doc.key, doc);
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as TopicDocument);
}

function textOf(doc: TopicDocument): string {
  return `${doc.title ?? ''}\u0000${(doc.keywords ?? []).join('\u0001')}\u0000${doc.abstract ?? ''}`;
}

/**
 * The vocabulary and, for every paper (or those `only` marks: the rest get vectors later, or
 * none), its vector.
 */
function prepare(docs: TopicDocument[], textHashes: string[], only?: Uint8Array): Catalog {
  const hashes = Uint32Array.from(docs, (doc) => fnv1a(doc.key));
  const byHash = Int32Array.from(docs.keys()).sort((a, b) => hashes[a] - hashes[b] || a - b);
  const rank = new Int32Array(docs.length);
  byHash.forEach((r, i) => (rank[r] = i));
  const sampleRows = docs.length <= VOCABULARY_SAMPLE ? docs.map((_, r) => r) : sampleOf(rank, docs.map((_, r) => r), VOCABULARY_SAMPLE);
  const words = new WordTable();
  const runs = tokenizeAll(sampleRows.map((r) => docs[r]), words);
  const minDf = Math.max(2, Math.round(sampleRows.length / 5000));
  const vocabulary = buildVocabulary(runs, words, minDf);
  const indexOf = new Int32Array(docs.length).fill(-1);
  sampleRows.forEach((r, i) => (indexOf[r] = i));
  const vectorsOf = (mask?: Uint8Array) => vectorize(docs, words, vocabulary, { runs, indexOf }, mask);
  return {
    docs,
    vectors: vectorsOf(only),
    vectorsOf,
    vocabulary,
    textHashes,
    scratch: new Float32Array(vocabulary.terms.length),
    centroidScratch: { terms: new Int32Array(vocabulary.terms.length), values: new Float64Array(vocabulary.terms.length), select: new Float64Array(vocabulary.terms.length) },
    termMap: new Int32Array(vocabulary.terms.length).fill(-1),
    labels: labelScratch(vocabulary),
    stems: new Map(),
    spellings: spellingCache(),
    titleWords: [],
    rank,
  };
}

interface Changes {
  /** Per row: 1 for a paper added or edited since the previous result. */
  changed: Uint8Array;
  /** Keys of the previous result no longer in the catalog. */
  removed: Set<string>;
  count: number;
}

function changesSince(docs: readonly TopicDocument[], textHashes: readonly string[], previous: TopicResult): Changes {
  const before = new Map(previous.placements.map((p) => [p.key, p.hash]));
  const changed = new Uint8Array(docs.length);
  let count = 0;
  docs.forEach((doc, r) => {
    if (before.get(doc.key) !== textHashes[r] || !before.has(doc.key)) {
      changed[r] = 1;
      count++;
    }
  });
  const keys = new Set(docs.map((d) => d.key));
  const removed = new Set([...before.keys()].filter((key) => !keys.has(key)));
  return { changed, removed, count: count + removed.size };
}

/** The `size` rows of lowest rank by key hash, in row order: the same sample whatever the input order. */
function sampleOf(rank: Int32Array, rows: readonly number[], size: number): number[] {
  if (rows.length <= size) return [...rows];
  const ranks = new Float64Array(rows.length);
  rows.forEach((r, i) => (ranks[i] = -rank[r]));
  // The size-th largest of the negated ranks is the highest rank taken.
  const cut = -kthLargest(ranks, rows.length, size, new Float64Array(rows.length));
  return rows.filter((r) => rank[r] <= cut);
}

// ---------------------------------------------------------------------------------------------
// Full clustering

function clusterCatalog(catalog: Catalog, topicCount: number | undefined, maxTopicSize: number, previous: TopicResult | undefined): TopicResult {
  const { vectors } = catalog;
  const withTerms: number[] = [];
  const other: number[] = [];
  for (let r = 0; r < vectors.rows; r++) (vectors.offsets[r + 1] > vectors.offsets[r] ? withTerms : other).push(r);

  const clusters = clusterRows(catalog, withTerms, {
    minCount: topicCount ?? Math.min(MIN_TOP_TOPICS, Math.ceil(withTerms.length / 20)),
    maxCount: topicCount ?? MAX_TOP_TOPICS,
    minSize: Math.max(2, Math.ceil(withTerms.length * 0.005)),
    maxShare: topicCount === undefined ? MAX_TOP_SHARE : 1,
    sampleSize: GRAPH_SAMPLE,
    votesOfSample: true,
  });
  const top = clusters.nodes;
  // Too far from its topic's centroid: "Other", but only the least similar few.
  const fit = fitsToCentroids(catalog, withTerms, clusters.nodeOf, top);
  const sorted = Float64Array.from(fit).sort();
  const otherSimilarity = Math.min(OTHER_SIMILARITY, sorted[Math.floor(sorted.length * MAX_OTHER_SHARE)] ?? 0);
  const topRows: number[][] = top.map(() => []);
  withTerms.forEach((r, i) => {
    if (fit[i] < otherSimilarity) other.push(r);
    else topRows[clusters.nodeOf[i]].push(r);
  });
  const roots: TopicNode[] = [];
  top.forEach((node, c) => {
    if (topRows[c].length === 0) return;
    if (topRows[c].length !== node.rows.length) {
      node.rows = topRows[c];
      setCentroid(catalog, node);
    }
    roots.push(node);
  });
  for (const root of roots) split(catalog, root, maxTopicSize);

  labelTree(catalog, roots, previous);
  const also = new Map<number, TopicNode>();
  withTerms.forEach((r, i) => {
    const second = clusters.secondOf[i];
    if (second < 0 || fit[i] < otherSimilarity || top[second].rows.length === 0 || !roots.includes(top[second])) return;
    if (clusters.secondShare[i] >= ALSO_RATIO) also.set(r, top[second]);
  });
  const state: TopicModelState = { version: STATE_VERSION, clustered: vectors.rows, changes: 0, maxTopicSize, otherSimilarity, centroids: [] };
  if (topicCount !== undefined) state.topicCount = topicCount;
  other.sort((a, b) => a - b);
  return assemble(catalog, roots, other, (r) => also.get(r), state);
}

interface ClusterOptions {
  /** Fewer communities than this: Louvain again at a higher resolution. */
  minCount: number;
  /** More: the most similar ones merge. */
  maxCount: number;
  /** Smaller clusters are merged into their most similar one. */
  minSize: number;
  /** A community with a larger share of the rows is split by Louvain on its own papers when it can be; merges never make one. */
  maxShare: number;
  sampleSize: number;
  /** The sampled papers' own votes too (for `also`). */
  votesOfSample?: boolean;
}

/** Clusters of rows, and for each row (in the order given) its cluster and its second fit. */
interface Clusters {
  nodes: TopicNode[];
  /** Per row: its node's index. */
  nodeOf: Int32Array;
  /** Per row: the node its neighbours vote for after its own, -1 when none. */
  secondOf: Int32Array;
  /** Per row: the second node's votes over its own node's (0 when none). */
  secondShare: Float32Array;
}

/**
 * Clusters of the rows: Louvain communities of the nearest-neighbour graph of (a sample of) them,
 * one too big split again, small ones and near-duplicates merged, the most similar merged down to
 * `maxCount`. Each paper of the sample stays in its community; every other paper goes to the
 * community its nearest papers of the sample vote for (weighted by similarity). A cluster left
 * below `minSize` gives its papers to their next best (at least two clusters stay when there
 * were two).
 */
function clusterRows(catalog: Catalog, rows: number[], options: ClusterOptions): Clusters {
  const all = rows.map((_, i) => i);
  const sample = sampleOf(Int32Array.from(rows, (r) => catalog.rank[r]), all, options.sampleSize);
  const sampleRows = sample.map((i) => rows[i]);
  // The sample's vectors over their own terms (rows 0.. in sample order); the other papers vote
  // from the catalog's vectors, their terms numbered through catalog.termMap meanwhile.
  const { vectors, dims, local } = localVectors(catalog, sampleRows);
  const sampled = sample.map((_, at) => at);
  const graph = nearestNeighbors(vectors, sampled, dims, NEIGHBORS);
  const minSampleSize = Math.max(1, Math.round((options.minSize * sample.length) / rows.length));
  let resolution = RESOLUTION;
  let groups = groupsOf(louvain(graph, resolution));
  for (let tries = 0; tries < 4 && groups.filter((g) => g.length >= minSampleSize).length < options.minCount; tries++) {
    resolution *= 2;
    groups = groupsOf(louvain(graph, resolution));
  }
  // Small topics are never split for their share: a topic that fits on a screen stays one.
  const maxSize = Math.max(minSampleSize, Math.floor(options.maxShare * sample.length), Math.round((DEFAULT_MAX_TOPIC_SIZE * sample.length) / rows.length));
  groups = groups.flatMap((group) => (group.length > maxSize ? splitGroup(graph, group, resolution) : [group]));
  groups = mergeGroups(vectors, sampled, graph, groups, { minSize: minSampleSize, maxCount: options.maxCount, maxSize }, dims);

  const k = groups.length;
  const groupOf = new Int32Array(sample.length);
  groups.forEach((members, g) => members.forEach((i) => (groupOf[i] = g)));
  const sampleIndex = new Int32Array(rows.length).fill(-1);
  sample.forEach((i, at) => (sampleIndex[i] = at));
  // Votes of the papers outside the sample, and at the top level (where they make `also`) of all.
  const voters = options.votesOfSample ? all : all.filter((i) => sampleIndex[i] < 0);
  const cuts = (catalog.queryCuts ??= queryCuts(catalog.vectors));
  const termOf = local ? catalog.termMap : undefined;
  const voteOf = (indices: number[]) =>
    neighbourVotes(vectors, groupOf, k, dims, NEIGHBORS, catalog.vectors, indices.map((i) => rows[i]), indices.map((i) => sampleIndex[i]), cuts, termOf);
  let votes = voteOf(voters);
  const voteAt = new Int32Array(rows.length).fill(-1);
  voters.forEach((i, at) => (voteAt[i] = at));
  const alive = new Uint8Array(k).fill(1);
  // The live group with most votes (ties: lower group); `except` left out; -1 when none has a vote.
  const topVote = (i: number, except: number) => {
    const base = voteAt[i] * k;
    if (base < 0) return -1;
    let best = -1;
    for (let g = 0; g < k; g++) if (alive[g] && g !== except && votes[base + g] > 0 && (best < 0 || votes[base + g] > votes[base + best])) best = g;
    return best;
  };
  const sizes = new Int32Array(k);
  groups.forEach((members, g) => (sizes[g] = members.length));
  const largest = () => {
    let best = -1;
    for (let g = 0; g < k; g++) if (alive[g] && (best < 0 || sizes[g] > sizes[best])) best = g;
    return best;
  };
  const assignment = new Int32Array(rows.length);
  const place = () => {
    sizes.fill(0);
    const fallback = largest();
    for (let i = 0; i < rows.length; i++) {
      const own = sampleIndex[i] >= 0 ? groupOf[sampleIndex[i]] : -1;
      assignment[i] = own >= 0 && alive[own] ? own : topVote(i, -1);
      if (assignment[i] < 0) assignment[i] = fallback;
      sizes[assignment[i]]++;
    }
  };
  place();
  let liveCount = k;
  const small = [...Array(k).keys()].filter((g) => sizes[g] < options.minSize);
  if (small.length > 0 && liveCount > 1) {
    // Dissolve the small ones, keeping the two biggest groups at least.
    const keep = new Set([...Array(k).keys()].sort((a, b) => sizes[b] - sizes[a] || a - b).slice(0, 2));
    for (const g of small) {
      if (keep.has(g) || liveCount <= 2) continue;
      alive[g] = 0;
      liveCount--;
    }
    if (!options.votesOfSample) {
      // The sampled papers of a dissolved group vote too now.
      const more = sample.filter((i) => !alive[groupOf[sampleIndex[i]]]);
      if (more.length > 0) {
        const extra = voteOf(more);
        const merged = new Float32Array(votes.length + extra.length);
        merged.set(votes);
        merged.set(extra, votes.length);
        const first = voters.length;
        votes = merged;
        more.forEach((i, at) => (voteAt[i] = first + at));
      }
    }
    place();
  }
  if (local) for (const term of local) catalog.termMap[term] = -1;
  const nodeIndex = new Int32Array(k).fill(-1);
  const nodes: TopicNode[] = [];
  const members: number[][] = [];
  for (let i = 0; i < rows.length; i++) {
    const g = assignment[i];
    if (nodeIndex[g] < 0) {
      nodeIndex[g] = nodes.length;
      members.push([]);
      nodes.push(emptyNode([]));
    }
    members[nodeIndex[g]].push(rows[i]);
  }
  nodes.forEach((node, n) => {
    node.rows = members[n];
    setCentroid(catalog, node);
  });
  const nodeOf = Int32Array.from(assignment, (g) => nodeIndex[g]);
  const secondOf = new Int32Array(rows.length).fill(-1);
  const secondShare = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    if (voteAt[i] < 0) continue;
    const second = topVote(i, assignment[i]);
    const own = votes[voteAt[i] * k + assignment[i]];
    if (second < 0 || nodeIndex[second] < 0 || own <= 0) continue;
    secondOf[i] = nodeIndex[second];
    secondShare[i] = votes[voteAt[i] * k + second] / own;
  }
  return { nodes, nodeOf, secondOf, secondShare };
}

/**
 * The rows' vectors as rows 0.. of their own, over the terms they use (renumbered 0.., in term
 * order). Those terms' new numbers stay in catalog.termMap until the caller resets the `local`
 * terms; every paper in row order is the catalog's own vectors (no copy, `local` undefined).
 */
function localVectors(catalog: Catalog, rows: readonly number[]): { vectors: PaperVectors; dims: number; local?: Int32Array } {
  const { vectors, termMap } = catalog;
  if (rows.length === vectors.rows && rows.every((r, i) => r === i)) return { vectors, dims: catalog.vocabulary.terms.length };
  // The terms used, marked in termMap, then numbered in term order.
  let usedCount = 0;
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
      const term = vectors.terms[p];
      if (termMap[term] < 0) {
        termMap[term] = 0;
        usedCount++;
      }
    }
    nnz += vectors.offsets[r + 1] - vectors.offsets[r];
  }
  const sortedUsed = new Int32Array(usedCount);
  const dims = termMap.length;
  for (let term = 0, n = 0; term < dims && n < usedCount; term++) {
    if (termMap[term] < 0) continue;
    sortedUsed[n] = term;
    termMap[term] = n++;
  }
  const offsets = new Uint32Array(rows.length + 1);
  const terms = new Int32Array(nnz);
  const weights = new Float32Array(nnz);
  const inTitle = new Uint8Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++, at++) {
      terms[at] = termMap[vectors.terms[p]];
      weights[at] = vectors.weights[p];
      inTitle[at] = vectors.inTitle[p];
    }
    offsets[i + 1] = at;
  }
  return { vectors: { offsets, terms, weights, inTitle, rows: rows.length }, dims: usedCount, local: sortedUsed };
}

/** Indices (into the clustered rows) per community, communities in order of first member. */
function groupsOf(communities: Int32Array): number[][] {
  const groups: number[][] = [];
  communities.forEach((c, i) => (groups[c] ??= []).push(i));
  return groups.filter((g) => g !== undefined);
}

/** A community too big for one topic, split by Louvain on its own subgraph (unchanged when that finds one community). */
function splitGroup(graph: Graph, group: number[], resolution: number): number[][] {
  const parts = groupsOf(louvain(subgraph(graph, group), resolution));
  return parts.length > 1 ? parts.map((part) => part.map((i) => group[i])) : [group];
}

/**
 * Merges groups: first each group smaller than `minSize`, then near duplicates (centroid cosine at
 * least `DUPLICATE_SIMILARITY`), then while there are more than `maxCount`; no merge makes a group
 * bigger than `maxSize` while another can be made. The pair merged is the one most linked in the
 * nearest-neighbour graph for its size: the weight of the edges between the two groups over the
 * product of their degrees (observed edges against those expected by chance, as modularity counts
 * them), ties to the more similar centroids. So a group joins the one its papers' neighbours are
 * in, and two groups with no edge between them join last. Not Ward's cost on the groups' mean
 * vectors: the mean of a loose group lies near the origin, so two loose groups look close whatever
 * their words, and on ICLR 2023 seven unrelated communities (causal discovery, fairness, pruning,
 * knowledge graphs…) became one top-level topic of 213 papers labelled "Speech". Nor the modularity
 * lost at Louvain's resolution: that cost grows with the product of the degrees, so two small
 * groups with no edge between them merged before a small group and the bigger one it is linked to.
 * All from sums updated per merge without going back to the rows.
 */
function mergeGroups(
  vectors: PaperVectors,
  rows: readonly number[],
  graph: Graph,
  groups: number[][],
  limits: { minSize: number; maxCount: number; maxSize: number },
  dims: number,
): number[][] {
  const k = groups.length;
  if (k <= 1) return groups;
  const merged = groups.map((g) => [...g]);
  const small = (c: number) => merged[c].length < limits.minSize;
  const gram = groupGram(vectors, rows, groups, dims);
  // Edge weight between groups (each direction once) and each group's degree.
  const links = new Float64Array(k * k);
  const degree = new Float64Array(k);
  const groupOf = new Int32Array(graph.nodes).fill(-1);
  groups.forEach((members, c) => members.forEach((i) => (groupOf[i] = c)));
  for (let i = 0; i < graph.nodes; i++) {
    const a = groupOf[i];
    for (let e = graph.offsets[i]; e < graph.offsets[i + 1]; e++) {
      const b = groupOf[graph.targets[e]];
      if (a < 0 || b < 0) continue;
      links[a * k + b] += graph.weights[e];
      degree[a] += graph.weights[e];
    }
  }
  const alive = new Uint8Array(k).fill(1);
  const cosine = (a: number, b: number) => gram[a * k + b] / Math.sqrt(gram[a * k + a] * gram[b * k + b] || 1);
  // Lower for the pairs more linked than chance would link them.
  const cost = (a: number, b: number) => -links[a * k + b] / (degree[a] * degree[b] || 1);
  for (let count = k; count > 1; count--) {
    const anySmall = merged.some((_, c) => alive[c] && small(c));
    const must = anySmall || count > limits.maxCount;
    let pair: { a: number; b: number; cost: number; cosine: number } | undefined;
    let oversized: { a: number; b: number; cost: number; cosine: number } | undefined;
    const better = (x: { cost: number; cosine: number } | undefined, c: number, s: number) => !x || c < x.cost - 1e-12 || (c < x.cost + 1e-12 && s > x.cosine);
    for (let a = 0; a < k; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < k; b++) {
        if (!alive[b] || (anySmall && !small(a) && !small(b))) continue;
        const s = cosine(a, b);
        // Not bound to merge: only near duplicates.
        if (!must && s < DUPLICATE_SIMILARITY) continue;
        const c = cost(a, b);
        if (merged[a].length + merged[b].length <= limits.maxSize) {
          if (better(pair, c, s)) pair = { a, b, cost: c, cosine: s };
        } else if (better(oversized, c, s)) oversized = { a, b, cost: c, cosine: s };
      }
    }
    const chosen = pair ?? (must ? oversized : undefined);
    if (!chosen) break;
    const { a, b } = chosen;
    // b joins a: a's rows and columns of dot products and links become the sums of both.
    const selfDot = gram[a * k + a] + 2 * gram[a * k + b] + gram[b * k + b];
    const selfLinks = links[a * k + a] + links[a * k + b] + links[b * k + a] + links[b * k + b];
    for (let c = 0; c < k; c++) {
      gram[a * k + c] += gram[b * k + c];
      gram[c * k + a] = gram[a * k + c];
      links[a * k + c] += links[b * k + c];
      links[c * k + a] = links[a * k + c];
    }
    gram[a * k + a] = selfDot;
    links[a * k + a] = selfLinks;
    degree[a] += degree[b];
    alive[b] = 0;
    merged[a].push(...merged[b]);
    merged[b] = [];
  }
  return merged.filter((_, c) => alive[c]).map((g) => g.sort((x, y) => x - y));
}

/**
 * Dot products of every pair of groups' sums of vectors (unnormalized centroids). Each group's sum
 * is made in a scratch array and kept as its terms; then, term by term in ascending order, the
 * products of the groups that have it (in group order) are added.
 */
function groupGram(vectors: PaperVectors, rows: readonly number[], groups: readonly number[][], dims: number): Float64Array {
  const k = groups.length;
  const sum = new Float32Array(dims);
  // Entries (term, group, sum) of every group, grouped by term below.
  let entryTerm = new Int32Array(1024);
  let entryValue = new Float32Array(1024);
  let entryGroup = new Int32Array(1024);
  let entries = 0;
  const counts = new Uint32Array(dims + 1);
  for (let c = 0; c < k; c++) {
    const from = entries;
    for (const i of groups[c]) {
      const r = rows[i];
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
        const term = vectors.terms[p];
        if (sum[term] === 0) {
          if (entries === entryTerm.length) {
            entryTerm = grow(entryTerm, new Int32Array(entries * 2));
            entryValue = grow(entryValue, new Float32Array(entries * 2));
            entryGroup = grow(entryGroup, new Int32Array(entries * 2));
          }
          entryTerm[entries++] = term;
          counts[term + 1]++;
        }
        sum[term] += vectors.weights[p];
      }
    }
    for (let e = from; e < entries; e++) {
      entryValue[e] = sum[entryTerm[e]];
      entryGroup[e] = c;
      sum[entryTerm[e]] = 0;
    }
  }
  for (let d = 0; d < dims; d++) counts[d + 1] += counts[d];
  const fill = counts.slice(0, dims);
  const byTermGroup = new Int32Array(entries);
  const byTermValue = new Float32Array(entries);
  for (let e = 0; e < entries; e++) {
    const at = fill[entryTerm[e]]++;
    byTermGroup[at] = entryGroup[e];
    byTermValue[at] = entryValue[e];
  }
  const gram = new Float64Array(k * k);
  for (let d = 0; d < dims; d++) {
    const from = counts[d];
    const to = counts[d + 1];
    // gram is symmetric: each pair's product once, added to both of its cells.
    for (let x = from; x < to; x++) {
      const a = byTermGroup[x];
      const va = byTermValue[x];
      gram[a * k + a] += va * va;
      for (let y = x + 1; y < to; y++) {
        const b = byTermGroup[y];
        const product = va * byTermValue[y];
        gram[a * k + b] += product;
        gram[b * k + a] += product;
      }
    }
  }
  return gram;
}

function emptyNode(rows: number[]): TopicNode {
  return { rows, centroidTerms: new Int32Array(0), centroidWeights: new Float32Array(0), children: [], depth: 0, id: '', label: '', terms: [] };
}

/** The node's centroid: the normalized mean of its rows, its `CENTROID_TERMS`·4 heaviest terms. */
function setCentroid(catalog: Catalog, node: TopicNode): void {
  const { vectors, scratch: sum, centroidScratch } = catalog;
  const { terms } = centroidScratch;
  let count = 0;
  const { rows } = node;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
      const term = vectors.terms[p];
      if (sum[term] === 0) terms[count++] = term;
      sum[term] += vectors.weights[p];
    }
  }
  const kept = heaviest(terms, count, sum, CENTROID_TERMS * 4, centroidScratch);
  let norm = 0;
  for (let i = 0; i < kept.length; i++) norm += sum[kept[i]] * sum[kept[i]];
  norm = Math.sqrt(norm) || 1;
  node.centroidTerms = kept;
  node.centroidWeights = new Float32Array(kept.length);
  for (let i = 0; i < kept.length; i++) node.centroidWeights[i] = sum[kept[i]] / norm;
  for (let i = 0; i < count; i++) sum[terms[i]] = 0;
}

/** The `limit` of `terms[0..count)` of largest weight (at the cut: the first met), found by quickselect. */
function heaviest(terms: Int32Array, count: number, weight: Float32Array, limit: number, scratch: { values: Float64Array; select: Float64Array }): Int32Array {
  if (count <= limit) return terms.slice(0, count);
  const { values } = scratch;
  for (let i = 0; i < count; i++) values[i] = weight[terms[i]];
  const cut = kthLargest(values, count, limit, scratch.select);
  let room = limit;
  for (let i = 0; i < count; i++) if (weight[terms[i]] > cut) room--;
  const kept = new Int32Array(limit);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const term = terms[i];
    if (weight[term] > cut) kept[n++] = term;
    else if (weight[term] === cut && room > 0) {
      kept[n++] = term;
      room--;
    }
  }
  return kept.subarray(0, n);
}

/** Opens a topic too big to scan into subtopics, recursively. */
function split(catalog: Catalog, node: TopicNode, maxTopicSize: number): void {
  if (node.rows.length <= maxTopicSize) return;
  const { nodes: children } = clusterRows(catalog, node.rows, {
    minCount: 2,
    maxCount: Math.min(MAX_SUBTOPICS, Math.max(2, Math.round(node.rows.length / SUBTOPIC_SIZE))),
    minSize: Math.max(5, Math.ceil(node.rows.length * 0.05)),
    maxShare: MAX_SUBTOPIC_SHARE,
    sampleSize: node.depth === 0 ? SUBTOPIC_GRAPH_SAMPLE : DEEP_GRAPH_SAMPLE,
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
  const levels: TopicNode[][] = [roots];
  for (let i = 0; i < levels.length; i++) for (const node of levels[i]) if (node.children.length > 0) levels.push(node.children);

  // Inherited ids and labels first, so fresh labels avoid them.
  if (previous) {
    const inherit = inheritance(catalog, previous);
    for (const siblings of levels) {
      for (const node of siblings) {
        const match = inherit(node);
        if (!match || usedIds.has(match.id) || usedLabels.has(foldAccents(match.label))) continue;
        node.id = match.id;
        usedIds.add(match.id);
        // A label no longer given (an older version's "Nb", "Topic 2") is made again; the id stays.
        if (!isReadableLabel(match.label)) continue;
        node.label = match.label;
        usedLabels.add(foldAccents(match.label)).add(labelKey(match.label));
      }
    }
  }
  for (const siblings of levels) {
    const ranked = rankLabelTerms(catalog.vectors, catalog.vocabulary, siblings.map((node) => node.rows), catalog.labels, siblings === roots);
    // Bigger topics choose first: they are the ones a reader sees.
    const order = siblings.map((_, i) => i).sort((a, b) => siblings[b].rows.length - siblings[a].rows.length || siblings[a].rows[0] - siblings[b].rows[0]);
    for (const i of order) {
      const node = siblings[i];
      const texts = textsOf(catalog, node);
      const chosen = chooseLabel(catalog.vocabulary.terms, ranked[i], texts, usedLabels);
      const spelled = chosen.spelled;
      if (!node.label) {
        node.label = chosen.label;
        usedLabels.add(foldAccents(node.label)).add(labelKey(node.label));
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

function uniqueId(slug: string, used: ReadonlySet<string>): string {
  if (!used.has(slug)) return slug;
  for (let n = 2; ; n++) if (!used.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

const LABEL_TITLES = 60;
const LABEL_ABSTRACTS = 10;

/**
 * The texts a topic's labels are read from: titles (where papers name their topic) of up to
 * `LABEL_TITLES` papers, their keywords, and for a top-level topic up to `LABEL_ABSTRACTS`
 * abstracts (more occurrences to tell a fragment; subtopics, thousands at 100k papers, do without).
 */
function textsOf(catalog: Catalog, node: TopicNode): TopicTexts {
  const { docs } = catalog;
  const rows = sampleOf(catalog.rank, node.rows, LABEL_TITLES);
  const texts: string[] = [];
  const written: WrittenWord[][] = [];
  for (const r of rows) {
    const title = docs[r].title;
    if (!title) continue;
    texts.push(title);
    written.push((catalog.titleWords[r] ??= writtenWords(title, catalog.stems)));
  }
  for (const r of rows) for (const keyword of docs[r].keywords ?? []) texts.push(keyword);
  const titled = texts.length;
  let abstracts = node.depth === 0 ? 0 : LABEL_ABSTRACTS;
  for (const r of rows) {
    if (abstracts >= LABEL_ABSTRACTS) break;
    const abstract = docs[r].abstract;
    if (abstract) {
      texts.push(abstract);
      abstracts++;
    }
  }
  return indexTexts(texts, titled, catalog.stems, written, catalog.spellings);
}

/**
 * For a node of the new tree: the previous topic (at the same depth) whose papers it mostly shares,
 * by Jaccard overlap of keys, when that is more than a half.
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
  const byDepth = new Map<number, TopicEntry[]>();
  for (const topic of previous.topics) {
    if (topic.id === OTHER_ID) continue;
    const depth = depthOf(topic.id);
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), topic]);
  }
  return (node) => {
    let best: { id: string; label: string } | undefined;
    let bestJaccard = 0.5;
    for (const topic of byDepth.get(node.depth) ?? []) {
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

function assemble(
  catalog: Catalog,
  roots: TopicNode[],
  other: number[],
  alsoOf: (row: number) => TopicNode | undefined,
  state: TopicModelState,
  keptRelated: (row: number) => string[] | undefined = () => undefined,
): TopicResult {
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
      if (node.centroidTerms.length > 0) state.centroids.push(compactCentroid(node, vocabulary));
      if (node.children.length === 0) {
        for (const r of node.rows) leafOf[r] = leaves.length;
        leaves.push(node);
      }
    }
  }
  if (other.length > 0) topics.push({ id: OTHER_ID, label: OTHER_LABEL, terms: [], size: other.length });

  const related = relatedPapers(catalog, leaves, other, keptRelated);
  const placements: TopicPlacement[] = docs.map((doc, r) => {
    const leaf = leafOf[r] >= 0 ? leaves[leafOf[r]] : undefined;
    const placement: TopicPlacement = { key: doc.key, topic: leaf ? leaf.id : OTHER_ID, related: related[r], hash: catalog.textHashes[r] };
    const also = leaf ? alsoOf(r) : undefined;
    if (also && also.rows.length > 0) placement.also = also.id;
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
      const s = centroidDot(catalog, row, child);
      if (s > bestS) {
        bestS = s;
        best = child;
      }
    }
    at = best;
  }
  return at;
}

/** centroidDot of each row (`rows[i]`) with its node's centroid (`nodes[nodeOf[i]]`), each centroid scattered once. */
function fitsToCentroids(catalog: Catalog, rows: readonly number[], nodeOf: Int32Array, nodes: readonly TopicNode[]): Float32Array {
  const { vectors, scratch } = catalog;
  const fit = new Float32Array(rows.length);
  const starts = new Uint32Array(nodes.length + 1);
  for (let i = 0; i < rows.length; i++) starts[nodeOf[i] + 1]++;
  for (let n = 0; n < nodes.length; n++) starts[n + 1] += starts[n];
  const fill = starts.slice(0, nodes.length);
  const byNode = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) byNode[fill[nodeOf[i]]++] = i;
  nodes.forEach(({ centroidTerms, centroidWeights }, n) => {
    for (let t = 0; t < centroidTerms.length; t++) scratch[centroidTerms[t]] = centroidWeights[t];
    for (let at = starts[n]; at < starts[n + 1]; at++) {
      const r = rows[byNode[at]];
      let sum = 0;
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) sum += vectors.weights[p] * scratch[vectors.terms[p]];
      fit[byNode[at]] = sum;
    }
    for (let t = 0; t < centroidTerms.length; t++) scratch[centroidTerms[t]] = 0;
  });
  return fit;
}

/** Cosine of a row with a node's sparse centroid: the centroid scattered into the catalog's scratch array. */
function centroidDot(catalog: Catalog, row: number, node: TopicNode): number {
  const { vectors, scratch } = catalog;
  const { centroidTerms, centroidWeights } = node;
  for (let i = 0; i < centroidTerms.length; i++) scratch[centroidTerms[i]] = centroidWeights[i];
  let sum = 0;
  for (let p = vectors.offsets[row]; p < vectors.offsets[row + 1]; p++) sum += vectors.weights[p] * scratch[vectors.terms[p]];
  for (let i = 0; i < centroidTerms.length; i++) scratch[centroidTerms[i]] = 0;
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

/** Up to three most similar papers (cosine) from the paper's topic, or its parent's when the topic is tiny. */
function relatedPapers(catalog: Catalog, leaves: readonly TopicNode[], other: readonly number[], kept: (row: number) => string[] | undefined): string[][] {
  const { vectors, docs } = catalog;
  const related: string[][] = docs.map(() => []);
  const pools: { rows: readonly number[]; pool: readonly number[] }[] = leaves.map((leaf) => ({
    rows: leaf.rows,
    pool: leaf.rows.length < RELATED_MIN_POOL && leaf.parent && leaf.parent.rows.length <= RELATED_MAX_POOL ? leaf.parent.rows : leaf.rows,
  }));
  pools.push({ rows: other, pool: other.length <= RELATED_MAX_POOL ? other : [] });
  // The best three so far, most similar first (ties: lower row), in two small arrays.
  const bestRows = new Int32Array(RELATED);
  const bestSims = new Float64Array(RELATED);
  const { termMap } = catalog;
  const poolIndex = new Int32Array(docs.length).fill(-1);
  for (const { rows, pool } of pools) {
    if (rows.every((r) => kept(r))) {
      for (const r of rows) related[r] = kept(r) as string[];
      continue;
    }
    // The pool's postings (its papers by term), terms numbered through termMap.
    const used: number[] = [];
    for (const c of pool) {
      for (let p = vectors.offsets[c]; p < vectors.offsets[c + 1]; p++) {
        const term = vectors.terms[p];
        if (termMap[term] < 0) {
          termMap[term] = used.length;
          used.push(term);
        }
      }
    }
    const starts = new Uint32Array(used.length + 1);
    for (const c of pool) for (let p = vectors.offsets[c]; p < vectors.offsets[c + 1]; p++) starts[termMap[vectors.terms[p]] + 1]++;
    for (let t = 0; t < used.length; t++) starts[t + 1] += starts[t];
    const fill = starts.slice(0, used.length);
    const postingPool = new Int32Array(starts[used.length]);
    const postingWeights = new Float32Array(starts[used.length]);
    pool.forEach((c, i) => {
      for (let p = vectors.offsets[c]; p < vectors.offsets[c + 1]; p++) {
        const at = fill[termMap[vectors.terms[p]]]++;
        postingPool[at] = i;
        postingWeights[at] = vectors.weights[p];
      }
    });
    const dot = new Float64Array(pool.length);
    const touched = new Int32Array(pool.length);
    // Each row's own index in the pool (-1 when not in it), so the scan skips the row itself.
    pool.forEach((c, i) => (poolIndex[c] = i));
    for (const r of rows) {
      const unchanged = kept(r);
      if (unchanged) {
        related[r] = unchanged;
        continue;
      }
      // The row itself stays out: -Infinity is never 0 (never touched), whatever is added to it.
      const self = poolIndex[r];
      if (self >= 0) dot[self] = -Infinity;
      let touchedCount = 0;
      for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
        const t = termMap[vectors.terms[p]];
        if (t < 0) continue;
        const w = vectors.weights[p];
        for (let q = starts[t]; q < starts[t + 1]; q++) {
          const i = postingPool[q];
          if (dot[i] === 0) touched[touchedCount++] = i;
          dot[i] += w * postingWeights[q];
        }
      }
      if (self >= 0) dot[self] = 0;
      let count = 0;
      for (let n = 0; n < touchedCount; n++) {
        const i = touched[n];
        const s = dot[i];
        dot[i] = 0;
        const c = pool[i];
        if (s < MIN_RELATED_SIMILARITY) continue;
        if (count === RELATED && !(s > bestSims[RELATED - 1] || (s === bestSims[RELATED - 1] && c < bestRows[RELATED - 1]))) continue;
        let at = count < RELATED ? count++ : RELATED - 1;
        while (at > 0 && (s > bestSims[at - 1] || (s === bestSims[at - 1] && c < bestRows[at - 1]))) {
          bestSims[at] = bestSims[at - 1];
          bestRows[at] = bestRows[at - 1];
          at--;
        }
        bestSims[at] = s;
        bestRows[at] = c;
      }
      const keys: string[] = [];
      for (let i = 0; i < count; i++) keys.push(docs[bestRows[i]].key);
      related[r] = keys;
    }
    for (const term of used) termMap[term] = -1;
    for (const c of pool) poolIndex[c] = -1;
  }
  return related;
}

// ---------------------------------------------------------------------------------------------
// Small changes: place the changed papers against the previous topics

/**
 * With few papers added, edited or removed since the last clustering: every unchanged paper keeps
 * its placement (and its related papers, unless its topic gained or lost one), each changed one
 * goes down the previous tree to its nearest centroid. Only the changed papers and those of the
 * topics they join or leave get vectors: at 100,000 papers one edit costs the vocabulary's sample,
 * not the catalog.
 */
function placeChanges(catalog: Catalog, previous: TopicResult, state: TopicModelState, changes: Changes): TopicResult {
  const { docs, vocabulary } = catalog;
  const before = new Map(previous.placements.map((p) => [p.key, p]));

  // The previous tree, with its centroids in this run's term ids.
  const centroidOf = new Map(state.centroids.map((c) => [c.id, c]));
  const nodes = new Map<string, TopicNode>();
  for (const topic of previous.topics) {
    if (topic.id === OTHER_ID) continue;
    const node = emptyNode([]);
    node.id = topic.id;
    node.label = topic.label;
    node.terms = topic.terms;
    const centroid = centroidOf.get(topic.id);
    const terms: number[] = [];
    const weights: number[] = [];
    centroid?.terms.forEach((term, i) => {
      const id = vocabulary.idOf(term);
      if (id < 0) return;
      terms.push(id);
      weights.push(centroid.weights[i]);
    });
    node.centroidTerms = Int32Array.from(terms);
    node.centroidWeights = Float32Array.from(weights);
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

  const other: number[] = [];
  const also = new Map<number, TopicNode>();
  // Topics whose papers changed: their papers' related lists are computed again.
  const touched = new Set<TopicNode | undefined>();
  for (const key of changes.removed) touched.add(nodes.get(before.get(key)?.topic ?? ''));
  const addToLeaf = (leaf: TopicNode, r: number) => {
    for (let at: TopicNode | undefined = leaf; at; at = at.parent) at.rows.push(r);
  };
  docs.forEach((doc, r) => {
    const was = before.get(doc.key);
    if (was && !changes.changed[r]) {
      const leaf = nodes.get(was.topic);
      if (leaf) {
        addToLeaf(leaf, r);
        const alsoNode = was.also !== undefined ? nodes.get(was.also) : undefined;
        if (alsoNode) also.set(r, alsoNode);
      } else other.push(r);
      return;
    }
    if (was) touched.add(nodes.get(was.topic));
    if (catalog.vectors.offsets[r + 1] === catalog.vectors.offsets[r] || roots.length === 0) {
      other.push(r);
      return;
    }
    const scored = roots
      .map((node) => ({ node, similarity: centroidDot(catalog, r, node) }))
      .sort((a, b) => b.similarity - a.similarity || compare(a.node.id, b.node.id));
    if (scored[0].similarity < state.otherSimilarity) {
      other.push(r);
      return;
    }
    const leaf = bestLeafOf(catalog, scored[0].node, r);
    addToLeaf(leaf, r);
    touched.add(leaf);
    if (scored[1] && scored[1].similarity >= ALSO_RATIO * scored[0].similarity) also.set(r, scored[1].node);
  });

  // Topics left without papers go; the rest keep their ids, labels and terms.
  const prune = (list: TopicNode[]): TopicNode[] =>
    list.filter((node) => {
      node.children = prune(node.children);
      return node.rows.length > 0;
    });
  const kept = prune(roots);
  // Vectors of the papers whose related lists change: those of the touched topics.
  const needed = Uint8Array.from(changes.changed);
  for (const node of touched) {
    if (!node) continue;
    // A small topic's related papers come from its parent too (relatedPapers).
    const pool = node.rows.length < RELATED_MIN_POOL && node.parent && node.parent.rows.length <= RELATED_MAX_POOL ? node.parent : node;
    for (const r of pool.rows) needed[r] = 1;
  }
  const hadOther = touched.has(undefined) || other.some((r) => changes.changed[r]);
  if (hadOther) for (const r of other) needed[r] = 1;
  catalog.vectors = catalog.vectorsOf(needed);
  const removed = changes.removed;
  const keptRelated = (r: number): string[] | undefined => {
    if (needed[r]) return undefined;
    const was = before.get(docs[r].key);
    return was?.related.filter((key) => !removed.has(key));
  };
  const keptState: TopicModelState = { ...state, changes: state.changes + changes.count, centroids: [] };
  const result = assemble(catalog, kept, other, (r) => also.get(r), keptState, keptRelated);
  // The centroids are those of the last clustering, not of the kept papers: placements stay put.
  const ids = new Set(result.topics.map((t) => t.id));
  keptState.centroids = state.centroids.filter((c) => ids.has(c.id));
  return result;
}

// ---------------------------------------------------------------------------------------------

function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A hash of what the model reads of a paper (the placements' `hash`), field by field (a concatenated
 * string would be hashed through its parts, slowly).
 */
export function topicTextHash(doc: TopicDocument): string {
  let hash = fnv1a(doc.title ?? '');
  for (const keyword of doc.keywords ?? []) hash = fnv1a(keyword, Math.imul(hash ^ 1, 0x01000193));
  hash = fnv1a(doc.abstract ?? '', Math.imul(hash ^ 2, 0x01000193));
  return hash.toString(36);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

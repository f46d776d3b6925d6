/**
 * Clusters of papers from their sparse unit vectors (topicTerms.ts):
 * - the graph of each paper's `k` nearest neighbours by cosine (exact, on the rows given: the
 *   caller samples), symmetric, weighted by the cosine;
 * - its communities by Louvain modularity optimization at a resolution (more communities the
 *   higher): the number of clusters comes from the data;
 * - the votes of papers outside the sample for the communities of their nearest sampled papers.
 *
 * Deterministic without randomness: nodes are visited in row order, ties go to the lower index.
 */
import { kthLargest, type PaperVectors } from './topicTerms';

/** A symmetric weighted graph in compressed rows: node i's neighbours are `targets[offsets[i]..offsets[i + 1]]`. */
export interface Graph {
  nodes: number;
  offsets: Uint32Array;
  targets: Int32Array;
  weights: Float32Array;
}

/**
 * A term in more than this share of the papers being clustered says nothing about which of them
 * belong together (inside a topic: the topic's own words) and is left out of their similarities.
 * It is also where the quadratic cost of the inverted index would be.
 */
const COMMON_SHARE = 0.5;

/**
 * Each row's `k` most similar rows (cosine over the terms not `COMMON_SHARE`-common, > 0; ties to
 * the lower index), made symmetric (an edge when either is among the other's nearest). Dot
 * products through an inverted index of the rows' terms: each pair sharing a term is visited once
 * per shared term, so the cost is the sum over terms of (papers with the term)² / 2, far below
 * rows² × terms per row for text.
 */
export function nearestNeighbors(vectors: PaperVectors, rows: ArrayLike<number>, dims: number, k: number): Graph {
  const n = rows.length;
  const { offsets, terms, weights } = vectors;
  const { postingStarts, postingRows, postingWeights } = postingsOf(vectors, rows, dims);
  const maxPostings = Math.max(8, Math.floor(COMMON_SHARE * n));
  const dot = new Float32Array(n);
  const touched = new Int32Array(n);
  const nearest = new Int32Array(k);
  const select = new Selection(n);
  // Each row's nearest (up to k) and the similarity it found them at.
  const listed = new Uint8Array(n);
  const nearestOf = new Int32Array(n * k);
  const similarityOf = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let count = 0;
    // The row itself stays out: -Infinity is never 0 (never touched), whatever is added to it.
    dot[i] = -Infinity;
    for (let p = offsets[rows[i]]; p < offsets[rows[i] + 1]; p++) {
      const term = terms[p];
      const w = weights[p];
      const from = postingStarts[term];
      const to = postingStarts[term + 1];
      if (to - from > maxPostings) continue;
      for (let q = from; q < to; q++) {
        const j = postingRows[q];
        if (dot[j] === 0) touched[count++] = j;
        dot[j] += w * postingWeights[q];
      }
    }
    dot[i] = 0;
    const found = select.top(dot, touched, count, k, nearest);
    for (let t = 0; t < found; t++) {
      nearestOf[i * k + t] = nearest[t];
      similarityOf[i * k + t] = dot[nearest[t]];
    }
    listed[i] = found;
    for (let t = 0; t < count; t++) dot[touched[t]] = 0;
  }
  return symmetricGraph(n, k, listed, nearestOf, similarityOf);
}

/**
 * The undirected graph of the rows' nearest lists (row i's in `nearestOf[i·k..i·k + listed[i])`):
 * an edge when either end lists the other, each node's edges in ascending order of target. When
 * both list each other, the edge weighs what the higher row found (the lists are made in row order,
 * the later one counts).
 */
export function symmetricGraph(n: number, k: number, listed: Uint8Array, nearestOf: Int32Array, similarityOf: Float32Array): Graph {
  // Every listing seen from both ends: node x's entries (target, weight, listed by which row).
  const starts = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    starts[i + 1] += listed[i];
    for (let t = 0; t < listed[i]; t++) starts[nearestOf[i * k + t] + 1]++;
  }
  for (let i = 0; i < n; i++) starts[i + 1] += starts[i];
  const fill = starts.slice(0, n);
  const entryTarget = new Int32Array(starts[n]);
  const entryWeight = new Float32Array(starts[n]);
  const entryBy = new Int32Array(starts[n]);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < listed[i]; t++) {
      const j = nearestOf[i * k + t];
      const w = similarityOf[i * k + t];
      let at = fill[i]++;
      entryTarget[at] = j;
      entryWeight[at] = w;
      entryBy[at] = i;
      at = fill[j]++;
      entryTarget[at] = i;
      entryWeight[at] = w;
      entryBy[at] = i;
    }
  }
  // Per node: entries sorted by target (a few dozen: insertion sort), one edge per target.
  const graphOffsets = new Uint32Array(n + 1);
  let edges = 0;
  for (let x = 0; x < n; x++) {
    const from = starts[x];
    const to = starts[x + 1];
    for (let a = from + 1; a < to; a++) {
      const target = entryTarget[a];
      const weight = entryWeight[a];
      const by = entryBy[a];
      let b = a - 1;
      while (b >= from && (entryTarget[b] > target || (entryTarget[b] === target && entryBy[b] > by))) {
        entryTarget[b + 1] = entryTarget[b];
        entryWeight[b + 1] = entryWeight[b];
        entryBy[b + 1] = entryBy[b];
        b--;
      }
      entryTarget[b + 1] = target;
      entryWeight[b + 1] = weight;
      entryBy[b + 1] = by;
    }
    // Both ends listed each other: the later row's listing (the last of equal targets) stays.
    for (let a = from; a < to; a++) {
      if (a + 1 < to && entryTarget[a + 1] === entryTarget[a]) continue;
      entryTarget[edges] = entryTarget[a];
      entryWeight[edges] = entryWeight[a];
      edges++;
    }
    graphOffsets[x + 1] = edges;
  }
  return { nodes: n, offsets: graphOffsets, targets: entryTarget.slice(0, edges), weights: entryWeight.slice(0, edges) };
}

/** 0, 1, … n - 1. */
function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** For each term, the given rows (as indices into `rows`, ascending) that have it, with their weights. */
function postingsOf(vectors: PaperVectors, rows: ArrayLike<number>, dims: number): { postingStarts: Uint32Array; postingRows: Int32Array; postingWeights: Float32Array } {
  const { offsets, terms, weights } = vectors;
  const postingStarts = new Uint32Array(dims + 1);
  for (let i = 0; i < rows.length; i++) for (let p = offsets[rows[i]]; p < offsets[rows[i] + 1]; p++) postingStarts[terms[p] + 1]++;
  for (let d = 0; d < dims; d++) postingStarts[d + 1] += postingStarts[d];
  const fill = postingStarts.slice(0, dims);
  const postingRows = new Int32Array(postingStarts[dims]);
  const postingWeights = new Float32Array(postingStarts[dims]);
  for (let i = 0; i < rows.length; i++) {
    for (let p = offsets[rows[i]]; p < offsets[rows[i] + 1]; p++) {
      const at = fill[terms[p]]++;
      postingRows[at] = i;
      postingWeights[at] = weights[p];
    }
  }
  return { postingStarts, postingRows, postingWeights };
}

/**
 * Terms of a paper used to find its nearest sampled papers: its heaviest, and none in more than
 * `QUERY_MAX_SHARE` of the sample (the rarer terms decide who the nearest are; the common ones
 * would make every paper visit most of the sample).
 */
const QUERY_TERMS = 16;
const QUERY_MAX_SHARE = 0.1;

/**
 * Per row: the weight of its `QUERY_TERMS`-th heaviest term (-Infinity when it has no more terms):
 * its terms at least this heavy find its neighbours. A row's weights are the same at every level of
 * the tree, so the catalog's cuts are found once (`cuts` of neighbourVotes).
 */
export function queryCuts(vectors: PaperVectors): Float64Array {
  const { offsets, weights } = vectors;
  const cuts = new Float64Array(vectors.rows).fill(-Infinity);
  const scratch = new Float64Array(256);
  for (let r = 0; r < vectors.rows; r++) {
    const length = offsets[r + 1] - offsets[r];
    if (length > QUERY_TERMS) cuts[r] = kthLargest(weights, length, QUERY_TERMS, length <= scratch.length ? scratch : new Float64Array(length), offsets[r]);
  }
  return cuts;
}

/**
 * Votes of each row's `k` most similar sample rows for their groups, weighted by similarity (over
 * the row's `QUERY_TERMS` heaviest terms, `cuts[row]` (queryCuts), not `QUERY_MAX_SHARE`-common):
 * `votes[i · groups + g]` for `rows[i]`. This places papers outside the sample by the communities
 * of their neighbours, which keeps the communities' shapes; a nearest centroid would not (the
 * centroid of a big, loose cluster is close to every paper).
 *
 * The sample is `sample`'s rows 0.., over its own terms; the voters are rows of `queries` (the
 * catalog's vectors: no copy of every voter), whose terms `termOf` maps to the sample's (-1: no
 * sampled paper has it; the same numbering when absent). `sampleOf[i]`: voter i's row in the
 * sample, -1 when it is not in it (a row of the sample does not vote for itself).
 */
export function neighbourVotes(
  sample: PaperVectors,
  groupOf: Int32Array,
  groups: number,
  dims: number,
  k: number,
  queries: PaperVectors,
  rows: ArrayLike<number>,
  sampleOf: ArrayLike<number>,
  cuts: ArrayLike<number>,
  termOf?: Int32Array,
): Float32Array {
  const sampleSize = sample.rows;
  const { postingStarts, postingRows, postingWeights } = postingsOf(sample, allRows(sampleSize), dims);
  const { offsets, terms, weights } = queries;
  const maxPostings = Math.max(8, Math.floor(QUERY_MAX_SHARE * sampleSize));
  const votes = new Float32Array(rows.length * groups);
  const dot = new Float32Array(sampleSize);
  const touched = new Int32Array(sampleSize);
  const nearest = new Int32Array(k + 1);
  const select = new Selection(sampleSize);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let count = 0;
    // A row of the sample stays out of its own neighbours: -Infinity is never 0 (never touched).
    const self = sampleOf[i];
    if (self >= 0) dot[self] = -Infinity;
    // The row's `QUERY_TERMS` heaviest terms find its neighbours: its distinctive terms, with short postings.
    const cut = cuts[row];
    for (let p = offsets[row]; p < offsets[row + 1]; p++) {
      const w = weights[p];
      if (w < cut) continue;
      const term = termOf ? termOf[terms[p]] : terms[p];
      if (term < 0 || postingStarts[term + 1] - postingStarts[term] > maxPostings) continue;
      for (let q = postingStarts[term]; q < postingStarts[term + 1]; q++) {
        const j = postingRows[q];
        if (dot[j] === 0) touched[count++] = j;
        dot[j] += w * postingWeights[q];
      }
    }
    const found = select.top(dot, touched, count, k, nearest);
    for (let t = 0; t < found; t++) votes[i * groups + groupOf[nearest[t]]] += dot[nearest[t]];
    for (let t = 0; t < count; t++) dot[touched[t]] = 0;
    if (self >= 0) dot[self] = 0;
  }
  return votes;
}

/** Picks the k largest positive values among touched indices (ties: lower index), reusing its buffers. */
class Selection {
  private values: Float64Array;
  private scratch: Float64Array;
  private ties: number[] = [];

  constructor(size: number) {
    this.values = new Float64Array(Math.max(1, size));
    this.scratch = new Float64Array(Math.max(1, size));
  }

  /** Writes into `out` the indices of the (up to) k largest positive `value[touched[t]]`; returns how many. */
  top(value: Float32Array, touched: Int32Array, count: number, k: number, out: Int32Array): number {
    let positive = 0;
    for (let t = 0; t < count; t++) if (value[touched[t]] > 0) this.values[positive++] = value[touched[t]];
    if (positive === 0) return 0;
    const cut = positive > k ? kthLargest(this.values, positive, k, this.scratch) : 0;
    let n = 0;
    this.ties.length = 0;
    for (let t = 0; t < count; t++) {
      const j = touched[t];
      const v = value[j];
      if (v <= 0) continue;
      if (v > cut) out[n++] = j;
      else if (v === cut) this.ties.push(j);
    }
    if (this.ties.length > 0 && n < k) {
      this.ties.sort((a, b) => a - b);
      for (const j of this.ties) {
        if (n >= k) break;
        out[n++] = j;
      }
    }
    return n;
  }
}

/**
 * Louvain: nodes move to the neighbouring community that raises modularity most (at the given
 * resolution), until none moves; communities then become nodes, and again, until nothing merges.
 * Returns each node's community, numbered 0.. in order of first node.
 */
export function louvain(graph: Graph, resolution: number): Int32Array {
  let { nodes, offsets, targets, weights } = graph;
  let membership = Int32Array.from({ length: nodes }, (_, i) => i);
  for (let level = 0; level < 32; level++) {
    const degree = new Float64Array(nodes);
    let total = 0;
    for (let i = 0; i < nodes; i++) {
      for (let e = offsets[i]; e < offsets[i + 1]; e++) degree[i] += weights[e];
      total += degree[i];
    }
    if (total === 0) break;
    const community = Int32Array.from({ length: nodes }, (_, i) => i);
    const communityDegree = Float64Array.from(degree);
    const links = new Float64Array(nodes);
    const seen: number[] = [];
    let moved = false;
    for (let pass = 0; pass < 100; pass++) {
      let changed = false;
      for (let i = 0; i < nodes; i++) {
        const own = community[i];
        seen.length = 0;
        let self = 0;
        for (let e = offsets[i]; e < offsets[i + 1]; e++) {
          const j = targets[e];
          if (j === i) {
            self += weights[e];
            continue;
          }
          const c = community[j];
          if (links[c] === 0) seen.push(c);
          links[c] += weights[e];
        }
        void self;
        communityDegree[own] -= degree[i];
        const factor = (resolution * degree[i]) / total;
        let best = own;
        let bestGain = links[own] - factor * communityDegree[own];
        // The best gain; between equal gains the lower community (the order of `seen` does not matter).
        for (const c of seen) {
          const gain = links[c] - factor * communityDegree[c];
          if (gain > bestGain + 1e-12 || (gain > bestGain - 1e-12 && best !== own && c < best)) {
            best = c;
            bestGain = gain;
          }
        }
        communityDegree[best] += degree[i];
        for (const c of seen) links[c] = 0;
        links[own] = 0;
        if (best !== own) {
          community[i] = best;
          changed = true;
          moved = true;
        }
      }
      if (!changed) break;
    }
    // Renumber communities in order of first node, and carry the membership up.
    const number = new Int32Array(nodes).fill(-1);
    let count = 0;
    for (let i = 0; i < nodes; i++) if (number[community[i]] < 0) number[community[i]] = count++;
    membership = Int32Array.from(membership, (c) => number[community[c]]);
    if (!moved || count === nodes) break;
    // The communities as nodes: edges summed (a community's inner edges become a self-loop). Each
    // community's nodes in ascending order, their edges in order: every sum adds in the order of
    // (node, edge), as one pass over all nodes would.
    const memberStarts = new Uint32Array(count + 1);
    for (let i = 0; i < nodes; i++) memberStarts[number[community[i]] + 1]++;
    for (let c = 0; c < count; c++) memberStarts[c + 1] += memberStarts[c];
    const memberFill = memberStarts.slice(0, count);
    const members = new Int32Array(nodes);
    for (let i = 0; i < nodes; i++) members[memberFill[number[community[i]]]++] = i;
    const sums = new Float64Array(count);
    const linked: number[] = [];
    const nextOffsets = new Uint32Array(count + 1);
    let nextTargets = new Int32Array(Math.max(16, count * 4));
    let nextWeights = new Float32Array(nextTargets.length);
    let edges = 0;
    for (let c = 0; c < count; c++) {
      linked.length = 0;
      for (let m = memberStarts[c]; m < memberStarts[c + 1]; m++) {
        const i = members[m];
        for (let e = offsets[i]; e < offsets[i + 1]; e++) {
          const d = number[community[targets[e]]];
          if (sums[d] === 0) linked.push(d);
          sums[d] += weights[e];
        }
      }
      linked.sort((x, y) => x - y);
      if (edges + linked.length > nextTargets.length) {
        const size = Math.max(nextTargets.length * 2, edges + linked.length);
        const targetsGrown = new Int32Array(size);
        targetsGrown.set(nextTargets);
        nextTargets = targetsGrown;
        const weightsGrown = new Float32Array(size);
        weightsGrown.set(nextWeights);
        nextWeights = weightsGrown;
      }
      for (const d of linked) {
        nextTargets[edges] = d;
        nextWeights[edges++] = sums[d];
        sums[d] = 0;
      }
      nextOffsets[c + 1] = edges;
    }
    nodes = count;
    offsets = nextOffsets;
    targets = nextTargets.slice(0, edges);
    weights = nextWeights.slice(0, edges);
  }
  return membership;
}

/** The graph between the given nodes only (renumbered in the given order). */
export function subgraph(graph: Graph, nodes: readonly number[]): Graph {
  const index = new Map<number, number>();
  nodes.forEach((node, i) => index.set(node, i));
  const offsets = new Uint32Array(nodes.length + 1);
  const targets: number[] = [];
  const weights: number[] = [];
  nodes.forEach((node, i) => {
    for (let e = graph.offsets[node]; e < graph.offsets[node + 1]; e++) {
      const j = index.get(graph.targets[e]);
      if (j === undefined) continue;
      targets.push(j);
      weights.push(graph.weights[e]);
    }
    offsets[i + 1] = targets.length;
  });
  return { nodes: nodes.length, offsets, targets: Int32Array.from(targets), weights: Float32Array.from(weights) };
}

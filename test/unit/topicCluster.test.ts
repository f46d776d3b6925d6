import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nearestNeighbors, type Graph } from '../../server/src/search/topicCluster';
import type { PaperVectors } from '../../server/src/search/topicTerms';

/** A small deterministic random number generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rows of a few terms each, weights in eighths: every dot product is exact in single precision, so
 * a brute-force reference computed in doubles must agree to the last bit (ties included).
 */
function vectorsOf(rows: number, dims: number, seed: number): PaperVectors {
  const next = random(seed);
  const offsets = new Uint32Array(rows + 1);
  const terms: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < rows; r++) {
    const used = new Set<number>();
    const count = 1 + Math.floor(next() * 5);
    while (used.size < count) used.add(Math.floor(next() * dims));
    for (const term of used) {
      terms.push(term);
      weights.push((1 + Math.floor(next() * 8)) / 8);
    }
    offsets[r + 1] = terms.length;
  }
  return { offsets, terms: Int32Array.from(terms), weights: Float32Array.from(weights), inTitle: new Uint8Array(terms.length), rows };
}

/** nearestNeighbors as documented, by comparing every pair: each row's k most similar (ties: lower index), terms in more than half the rows (and more than 8) left out, an edge when either end lists the other. */
function bruteForce(vectors: PaperVectors, rows: number[], dims: number, k: number): Map<string, number> {
  const n = rows.length;
  const df = new Int32Array(dims);
  for (const r of rows) for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) df[vectors.terms[p]]++;
  const common = (term: number) => df[term] > Math.max(8, Math.floor(0.5 * n));
  const weightOf = (r: number) => {
    const map = new Map<number, number>();
    for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) if (!common(vectors.terms[p])) map.set(vectors.terms[p], vectors.weights[p]);
    return map;
  };
  const edges = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const mine = weightOf(rows[i]);
    const scored: { j: number; dot: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (const [term, w] of weightOf(rows[j])) dot += w * (mine.get(term) ?? 0);
      if (dot > 0) scored.push({ j, dot });
    }
    scored.sort((a, b) => b.dot - a.dot || a.j - b.j);
    for (const { j, dot } of scored.slice(0, k)) edges.set(i < j ? `${i}-${j}` : `${j}-${i}`, dot);
  }
  return edges;
}

function edgesOf(graph: Graph): Map<string, number> {
  const edges = new Map<string, number>();
  for (let i = 0; i < graph.nodes; i++) {
    let previous = -1;
    for (let e = graph.offsets[i]; e < graph.offsets[i + 1]; e++) {
      const j = graph.targets[e];
      assert.ok(j > previous, `node ${i}: targets ascending, no edge twice`);
      previous = j;
      const key = i < j ? `${i}-${j}` : `${j}-${i}`;
      const seen = edges.get(key);
      if (seen !== undefined) assert.equal(graph.weights[e], seen, `edge ${key} weighs the same from both ends`);
      edges.set(key, graph.weights[e]);
    }
  }
  return edges;
}

describe('nearestNeighbors', () => {
  for (const [rowCount, dims, k, seed] of [
    [40, 30, 5, 1],
    [120, 60, 15, 2],
    [300, 200, 15, 3],
  ]) {
    test(`equals every pair compared (${rowCount} rows, ${dims} terms, ${k} neighbours)`, () => {
      const vectors = vectorsOf(rowCount, dims, seed);
      const rows = [...Array(rowCount).keys()];
      assert.deepEqual(edgesOf(nearestNeighbors(vectors, rows, dims, k)), bruteForce(vectors, rows, dims, k));
    });
  }

  test('on a subset of the rows, numbered in the order given', () => {
    const vectors = vectorsOf(200, 80, 4);
    const rows = [...Array(200).keys()].filter((r) => r % 3 !== 0);
    assert.deepEqual(edgesOf(nearestNeighbors(vectors, rows, 80, 10)), bruteForce(vectors, rows, 80, 10));
  });
});

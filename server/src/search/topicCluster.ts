/**
 * Spherical k-means over papers' sparse unit vectors (topicTerms.ts): each paper goes to the
 * centroid with the largest cosine, each centroid is the normalized mean of its papers.
 *
 * Deterministic: k-means++ seeding from a seeded PRNG (mulberry32), rows in the caller's order,
 * ties to the lower index; the best of a few restarts by total cosine. Centroids are dense and
 * term-major (all k weights of a term side by side), so scoring a paper against every centroid
 * reads k consecutive floats per term: rows × terms per row × k per iteration.
 */
import type { PaperVectors } from './topicTerms';

/** mulberry32: small, fast, the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k dense unit vectors over `dims` terms, term-major: weight of term d in centroid c at d·k + c. */
export interface Centroids {
  k: number;
  dims: number;
  values: Float32Array;
}

export function emptyCentroids(k: number, dims: number): Centroids {
  return { k, dims, values: new Float32Array(k * dims) };
}

/** Cosines of row r with every centroid, into `out` (the row is unit length). */
export function scoreRow(vectors: PaperVectors, r: number, centroids: Centroids, out: Float32Array): void {
  const { k, values } = centroids;
  out.fill(0, 0, k);
  for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) {
    const w = vectors.weights[p];
    const base = vectors.terms[p] * k;
    for (let c = 0; c < k; c++) out[c] += w * values[base + c];
  }
}

/** Adds row r (times `scale`) to centroid c. */
export function addRow(vectors: PaperVectors, r: number, centroids: Centroids, c: number, scale = 1): void {
  const { k, values } = centroids;
  for (let p = vectors.offsets[r]; p < vectors.offsets[r + 1]; p++) values[vectors.terms[p] * k + c] += scale * vectors.weights[p];
}

export function normalize(centroids: Centroids): void {
  const { k, dims, values } = centroids;
  const norms = new Float64Array(k);
  for (let d = 0; d < dims; d++) for (let c = 0; c < k; c++) norms[c] += values[d * k + c] * values[d * k + c];
  for (let c = 0; c < k; c++) norms[c] = norms[c] > 0 ? 1 / Math.sqrt(norms[c]) : 0;
  for (let d = 0; d < dims; d++) for (let c = 0; c < k; c++) values[d * k + c] *= norms[c];
}

/** The normalized mean of each cluster's rows (`assignment[i]` for `rows[i]`, -1 for none). */
export function meanCentroids(vectors: PaperVectors, rows: ArrayLike<number>, assignment: Int32Array, k: number, dims: number): Centroids {
  const centroids = emptyCentroids(k, dims);
  for (let i = 0; i < rows.length; i++) if (assignment[i] >= 0) addRow(vectors, rows[i], centroids, assignment[i]);
  normalize(centroids);
  return centroids;
}

/** k × k cosines between centroids. */
export function centroidSimilarities(centroids: Centroids): Float64Array {
  const { k, dims, values } = centroids;
  const out = new Float64Array(k * k);
  for (let d = 0; d < dims; d++) {
    const base = d * k;
    for (let a = 0; a < k; a++) {
      const x = values[base + a];
      if (x === 0) continue;
      for (let b = 0; b < k; b++) out[a * k + b] += x * values[base + b];
    }
  }
  return out;
}

export interface Clustering {
  centroids: Centroids;
  /** Per given row: its cluster. */
  assignment: Int32Array;
  /** Per given row: cosine to its centroid. */
  similarity: Float32Array;
}

export interface KMeansOptions {
  k: number;
  seed: number;
  restarts?: number;
  iterations?: number;
}

/** Spherical k-means on the given rows (indices into `vectors`). */
export function sphericalKMeans(vectors: PaperVectors, rows: Int32Array, dims: number, options: KMeansOptions): Clustering {
  const k = Math.max(1, Math.min(options.k, rows.length));
  const random = seededRandom(options.seed);
  let best: Clustering | undefined;
  let bestScore = -Infinity;
  for (let restart = 0; restart < (options.restarts ?? 3); restart++) {
    const result = runKMeans(vectors, rows, dims, k, random, options.iterations ?? 20);
    let score = 0;
    for (let i = 0; i < rows.length; i++) score += result.similarity[i];
    if (score > bestScore + 1e-9) {
      best = result;
      bestScore = score;
    }
  }
  return best as Clustering;
}

function runKMeans(vectors: PaperVectors, rows: Int32Array, dims: number, k: number, random: () => number, iterations: number): Clustering {
  let centroids = seedPlusPlus(vectors, rows, dims, k, random);
  const assignment = new Int32Array(rows.length).fill(-1);
  const similarity = new Float32Array(rows.length);
  const scores = new Float32Array(k);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let moved = 0;
    for (let i = 0; i < rows.length; i++) {
      scoreRow(vectors, rows[i], centroids, scores);
      let bestC = 0;
      for (let c = 1; c < k; c++) if (scores[c] > scores[bestC]) bestC = c;
      if (assignment[i] !== bestC) moved++;
      assignment[i] = bestC;
      similarity[i] = scores[bestC];
    }
    // Converged: fewer than 0.1 % of the rows moved.
    if (iteration > 0 && moved <= rows.length / 1000) break;
    centroids = recomputeCentroids(vectors, rows, dims, k, assignment, similarity);
  }
  return { centroids, assignment, similarity };
}

/** Mean of each cluster, normalized; an empty cluster takes the row worst served by its own. */
function recomputeCentroids(vectors: PaperVectors, rows: Int32Array, dims: number, k: number, assignment: Int32Array, similarity: Float32Array): Centroids {
  const centroids = emptyCentroids(k, dims);
  const sizes = new Int32Array(k);
  for (let i = 0; i < rows.length; i++) {
    sizes[assignment[i]]++;
    addRow(vectors, rows[i], centroids, assignment[i]);
  }
  const taken = new Uint8Array(rows.length);
  for (let c = 0; c < k; c++) {
    if (sizes[c] > 0) continue;
    let worst = -1;
    for (let i = 0; i < rows.length; i++) {
      if (taken[i] || sizes[assignment[i]] <= 1) continue;
      if (worst < 0 || similarity[i] < similarity[worst]) worst = i;
    }
    if (worst < 0) continue;
    taken[worst] = 1;
    addRow(vectors, rows[worst], centroids, c);
  }
  normalize(centroids);
  return centroids;
}

/** k-means++ on cosine distance: each next seed drawn with probability ∝ (1 − best cosine)². */
function seedPlusPlus(vectors: PaperVectors, rows: Int32Array, dims: number, k: number, random: () => number): Centroids {
  const n = rows.length;
  const centroids = emptyCentroids(k, dims);
  const distance = new Float64Array(n).fill(Infinity);
  const dense = new Float32Array(dims);
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    addRow(vectors, rows[pick], centroids, c);
    // Distances to the new seed: its row scattered into a dense vector.
    const seed = rows[pick];
    for (let p = vectors.offsets[seed]; p < vectors.offsets[seed + 1]; p++) dense[vectors.terms[p]] = vectors.weights[p];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let p = vectors.offsets[rows[i]]; p < vectors.offsets[rows[i] + 1]; p++) dot += vectors.weights[p] * dense[vectors.terms[p]];
      const d = Math.max(0, 1 - dot);
      if (d * d < distance[i]) distance[i] = d * d;
      total += distance[i];
    }
    for (let p = vectors.offsets[seed]; p < vectors.offsets[seed + 1]; p++) dense[vectors.terms[p]] = 0;
    if (c === k - 1) break;
    if (total <= 0) {
      pick = Math.floor(random() * n);
      continue;
    }
    let target = random() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= distance[i];
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  normalize(centroids);
  return centroids;
}

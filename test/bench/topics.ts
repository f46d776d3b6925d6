/**
 * Topics benchmark: `npm run bench:topics [-- --quality] [--speed] [--sizes 10k,100k] [--no-ml]`.
 *
 * Quality, the new model (topicModel.ts) and the phrase topics it replaces (phraseTopics.ts) in the same
 * run, on:
 * - hand-labelled sets (test/bench/topicLabels/*.json, labels written from titles and abstracts
 *   before looking at any output): NMI with each paper once (its top-level topic; also its leaf),
 *   the largest top-level group's share, Other's share, the labels, and how many papers of each
 *   top-level topic say its label (a label few of its papers say names a catch-all: "uncovered");
 * - catalogs that carry keywords (../shared/data/bibliotex): keywords hidden from the model, each
 *   paper's most common keyword as its label;
 * - a real conference year without labels (ICLR 2023, 1,573 papers): topics, largest share, Other,
 *   every label.
 * Speed: wall time and peak heap of one run in its own process (GC trace), at 10k and 100k
 * generated papers (test/bench/generate.ts) and on the whole ml-conferences folder.
 */
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Paper } from '../../server/src/catalog/paper';
import { buildTopics } from '../../server/src/search/topicModel';
import type { TopicResult } from '../../server/src/search/topicResult';
import { phraseTopics } from './phraseTopics';
import { foldAccents } from '../../server/src/search/tokenize';
import { benchDataDir, SIZES, writeCatalog } from './generate';
import { BIBLIOTEX, catalogFiles, documentOf, keywordLabels, ML_CONFERENCES, readLabelledSet, readPapers, REPO, type LabelledSet } from './topicsData';
import { labelCoverage, nmi, shares, suspectLabels, UNCOVERED_SHARE, type LabelCoverage } from './topicsQuality';

const argv = process.argv.slice(2);
const wantQuality = argv.includes('--quality') || !argv.includes('--speed');
const wantSpeed = argv.includes('--speed') || !argv.includes('--quality');
const sizesArg = argv.indexOf('--sizes');
const sizes = sizesArg >= 0 ? argv[sizesArg + 1].split(',') : ['10k', '100k'];
const withMl = !argv.includes('--no-ml');
const showLabels = !argv.includes('--no-labels');

interface Scored {
  method: string;
  nmiTop: number;
  /** NMI (top level) over `SUBSAMPLES` runs on 90 % of the papers: how much of a difference is noise. */
  nmiSub: { mean: number; sd: number };
  nmiLeaf: number;
  largest: number;
  other: number;
  topics: number;
  nodes: number;
  labels: string[];
  /** Per top-level topic: how many of its papers say its label. */
  coverage: LabelCoverage[];
  /** The same for every subtopic (its papers and its subtopics'), when there is a tree. */
  subCoverage?: LabelCoverage[];
  ms: number;
}

/** Per subtopic of the new model's tree: its label and its papers' (those of its own subtopics too) titles and abstracts. */
function subtopicCoverage(result: TopicResult, papers: readonly Paper[]): LabelCoverage[] {
  const byKey = new Map(papers.map((p) => [p.key, p]));
  const parentOf = new Map(result.topics.map((t) => [t.id, t.parentId]));
  const texts = new Map<string, string[]>();
  for (const placement of result.placements) {
    const paper = byKey.get(placement.key);
    if (!paper) continue;
    for (let id: string | undefined = placement.topic; id !== undefined && parentOf.get(id) !== undefined; id = parentOf.get(id)) {
      let list = texts.get(id);
      if (!list) texts.set(id, (list = []));
      list.push(`${paper.title ?? ''}\n${paper.abstract ?? ''}`);
    }
  }
  const labelOf = new Map(result.topics.map((t) => [t.id, t.label]));
  return labelCoverage([...texts].map(([id, list]) => ({ label: labelOf.get(id) ?? id, texts: list })));
}

/** Each top-level group's label and its papers' titles and abstracts (Other left out). */
function coverageOf(papers: readonly Paper[], top: readonly string[], labelOf: (id: string) => string | undefined): LabelCoverage[] {
  const texts = new Map<string, string[]>();
  papers.forEach((paper, i) => {
    if (top[i] === 'other') return;
    let list = texts.get(top[i]);
    if (!list) texts.set(top[i], (list = []));
    list.push(`${paper.title ?? ''}\n${paper.abstract ?? ''}`);
  });
  return labelCoverage([...texts].map(([id, list]) => ({ label: labelOf(id) ?? id, texts: list })));
}

/** Each paper's top-level topic and leaf under the new model. */
function newAssignment(result: TopicResult, keys: readonly string[]): { top: string[]; leaf: string[] } {
  const parentOf = new Map(result.topics.map((t) => [t.id, t.parentId]));
  const topOf = (id: string) => {
    let at = id;
    for (let p = parentOf.get(at); p !== undefined; p = parentOf.get(at)) at = p;
    return at;
  };
  const placement = new Map(result.placements.map((p) => [p.key, p.topic]));
  const leaf = keys.map((key) => placement.get(key) ?? 'other');
  return { top: leaf.map(topOf), leaf };
}

const SUBSAMPLES = 5;

/** Mean and standard deviation of the top-level NMI on `SUBSAMPLES` deterministic 90 % subsets of the papers. */
function subsampleNmi(papers: readonly Paper[], truth: readonly (string | undefined)[], topOf: (papers: Paper[]) => string[]): { mean: number; sd: number } {
  if (!truth.some((t) => t !== undefined)) return { mean: NaN, sd: NaN };
  const scores: number[] = [];
  for (let seed = 1; seed <= SUBSAMPLES; seed++) {
    const keep = papers.map((p) => fnv(`${seed}:${p.key}`) % 10 !== 0);
    const subset = papers.filter((_, i) => keep[i]);
    const top = topOf(subset);
    const subTruth = truth.filter((_, i) => keep[i]);
    scores.push(nmi(top.filter((_, i) => subTruth[i] !== undefined), subTruth.filter((t): t is string => t !== undefined)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return { mean, sd: Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length) };
}

function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function newTops(papers: readonly Paper[], withKeywords: boolean): string[] {
  const result = buildTopics(papers.map((p) => documentOf(p, withKeywords)));
  return newAssignment(result, papers.map((p) => p.key)).top;
}

function oldTops(papers: readonly Paper[], withKeywords: boolean): string[] {
  const derived = phraseTopics(withKeywords ? papers : papers.map((p) => ({ ...p, keywords: [] })));
  const first = new Map<string, string>();
  for (const topic of derived.topics) for (const key of topic.keys) if (!first.has(key)) first.set(key, topic.id);
  return papers.map((p) => first.get(p.key) ?? 'other');
}

function runNew(papers: readonly Paper[], truth: readonly (string | undefined)[], withKeywords: boolean): Scored {
  const docs = papers.map((p) => documentOf(p, withKeywords));
  const started = performance.now();
  const result = buildTopics(docs);
  const ms = performance.now() - started;
  const keys = papers.map((p) => p.key);
  const { top, leaf } = newAssignment(result, keys);
  const scoredTop = top.filter((_, i) => truth[i] !== undefined);
  const scoredLeaf = leaf.filter((_, i) => truth[i] !== undefined);
  const labelled = truth.filter((t): t is string => t !== undefined);
  const s = shares(top, 'other');
  const topTopics = result.topics.filter((t) => t.parentId === undefined && t.id !== 'other');
  const labelOf = new Map(result.topics.map((t) => [t.id, t]));
  return {
    method: 'new',
    nmiTop: nmi(scoredTop, labelled),
    nmiSub: subsampleNmi(papers, truth, (subset) => newTops(subset, withKeywords)),
    nmiLeaf: nmi(scoredLeaf, labelled),
    largest: s.largest,
    other: s.other,
    topics: topTopics.length,
    nodes: result.topics.filter((t) => t.id !== 'other').length,
    labels: result.topics
      .filter((t) => t.id !== 'other')
      .map((t) => (t.parentId ? `${labelOf.get(t.parentId)?.label} › ${t.label} (${t.size})` : `${t.label} (${t.size})`)),
    coverage: coverageOf(papers, top, (id) => labelOf.get(id)?.label),
    subCoverage: subtopicCoverage(result, papers),
    ms,
  };
}

function runOld(papers: readonly Paper[], truth: readonly (string | undefined)[], withKeywords: boolean): Scored {
  const input = withKeywords ? papers : papers.map((p) => ({ ...p, keywords: [] }));
  const started = performance.now();
  const derived = phraseTopics(input);
  const ms = performance.now() - started;
  // Each paper once: the first topic that lists it (the tree's order: by label, Other last).
  const first = new Map<string, string>();
  for (const topic of derived.topics) for (const key of topic.keys) if (!first.has(key)) first.set(key, topic.id);
  const top = papers.map((p) => first.get(p.key) ?? 'other');
  const s = shares(top, 'other');
  const labelled = truth.filter((t): t is string => t !== undefined);
  const scored = top.filter((_, i) => truth[i] !== undefined);
  const score = nmi(scored, labelled);
  return {
    method: 'old',
    nmiTop: score,
    nmiSub: subsampleNmi(papers, truth, (subset) => oldTops(subset, withKeywords)),
    nmiLeaf: score,
    largest: s.largest,
    other: s.other,
    topics: derived.topics.filter((t) => t.id !== 'other').length,
    nodes: derived.topics.filter((t) => t.id !== 'other').length,
    labels: derived.topics.filter((t) => t.id !== 'other').map((t) => `${t.label} (${t.keys.length})`),
    coverage: coverageOf(papers, top, (id) => derived.topics.find((t) => t.id === id)?.label),
    ms,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Labels whose words are in more than a third of the papers: a catch-all, no one topic's name. */
function catchAllLabels(labels: readonly string[], papers: readonly Paper[]): string[] {
  const texts = papers.map((p) => ` ${foldAccents(`${p.title ?? ''} ${p.abstract ?? ''}`).replace(/[^a-z0-9]+/g, ' ')} `);
  return labels.filter((label) => {
    const plain = ` ${foldAccents(label.replace(/ \(\d+\)$/, '').replace(/.* › /, '')).replace(/[^a-z0-9]+/g, ' ').trim()} `;
    const stem = plain.replace(/s $/, ' ');
    const hits = texts.filter((t) => t.includes(plain) || t.includes(stem)).length;
    return hits > papers.length / 3;
  });
}

function report(name: string, papers: readonly Paper[], rows: Scored[], labelled: number): void {
  console.log(`\n## ${name}: ${papers.length} papers${labelled < papers.length ? `, ${labelled} scored` : ''}`);
  console.log('method  NMI top  (90 % subsets ×5)  NMI leaf  largest top  Other    top topics  nodes  suspect labels  catch-all  label said  uncovered  time');
  for (const row of rows) {
    const topLabels = row.labels.filter((l) => !l.includes(' › '));
    const suspect = suspectLabels(row.labels.map((l) => l.replace(/ \(\d+\)$/, '').replace(/.* › /, '')));
    const catchAll = catchAllLabels(topLabels, papers);
    // Share of the papers (in a top-level topic) that say their topic's label; topics whose label few of their papers say.
    const covered = row.coverage.reduce((sum, c) => sum + c.share * c.size, 0) / (row.coverage.reduce((sum, c) => sum + c.size, 0) || 1);
    const uncovered = row.coverage.filter((c) => c.share < UNCOVERED_SHARE).sort((a, b) => b.size - a.size);
    console.log(
      `${row.method.padEnd(6)}  ${row.nmiTop.toFixed(3).padStart(7)}  ${`${row.nmiSub.mean.toFixed(3)} ± ${row.nmiSub.sd.toFixed(3)}`.padStart(17)}  ${row.nmiLeaf.toFixed(3).padStart(8)}  ${pct(row.largest).padStart(11)}  ${pct(row.other).padStart(7)}  ${String(row.topics).padStart(10)}  ${String(row.nodes).padStart(5)}  ${String(suspect.length).padStart(14)}  ${String(catchAll.length).padStart(9)}  ${pct(covered).padStart(10)}  ${String(uncovered.length).padStart(9)}  ${Math.round(row.ms)} ms`,
    );
    if (suspect.length > 0) console.log(`        suspect: ${suspect.join(', ')}`);
    if (catchAll.length > 0) console.log(`        catch-all: ${catchAll.join(', ')}`);
    if (uncovered.length > 0) console.log(`        uncovered (label said by < ${100 * UNCOVERED_SHARE} % of its papers): ${uncovered.map((c) => `${c.label} (${c.size}, ${Math.round(100 * c.share)} %)`).join(', ')}`);
    const subs = row.subCoverage ?? [];
    if (subs.length > 0) {
      const subSaid = subs.reduce((sum, c) => sum + c.share * c.size, 0) / (subs.reduce((sum, c) => sum + c.size, 0) || 1);
      const subUncovered = subs.filter((c) => c.share < UNCOVERED_SHARE).sort((a, b) => b.size - a.size);
      console.log(
        `        subtopics: label said ${pct(subSaid)}, ${subUncovered.length} of ${subs.length} uncovered${subUncovered.length > 0 ? `, the biggest: ${subUncovered.slice(0, 6).map((c) => `${c.label} (${c.size}, ${Math.round(100 * c.share)} %)`).join(', ')}` : ''}`,
      );
    }
  }
  if (showLabels) {
    for (const row of rows) {
      const top = row.labels.filter((l) => !l.includes(' › '));
      console.log(`  ${row.method} labels: ${top.join(' · ')}`);
      const sub = row.labels.filter((l) => l.includes(' › '));
      if (sub.length > 0) console.log(`  ${row.method} subtopics: ${sub.join(' · ')}`);
    }
  }
}

function quality(): void {
  const labelDir = join(__dirname, 'topicLabels');
  const sets = existsSync(labelDir) ? readdirSync(labelDir).filter((f) => f.endsWith('.json')).sort() : [];
  if (sets.length === 0) console.log('\n(no hand-labelled sets in test/bench/topicLabels/)');
  for (const file of sets) {
    const set = readLabelledSet(join(labelDir, file));
    if (set.papers.length === 0) {
      console.log(`\n## ${file}: no papers found (${set.missing} missing)`);
      continue;
    }
    const name = `${file} (hand labels, ${new Set(set.truth).size} labels${set.missing ? `, ${set.missing} not found` : ''})`;
    report(name, set.papers, [runNew(set.papers, set.truth, true), runOld(set.papers, set.truth, true)], set.papers.length);
  }

  const bibliotex = catalogFiles(BIBLIOTEX, ['.bib']);
  if (bibliotex.length > 0) {
    // Keys repeat across the collection's files: the file makes them unique.
    const papers = bibliotex.flatMap((file) => readPapers(file).map((p) => ({ ...p, key: `${relative(BIBLIOTEX, file)}#${p.key}` })));
    const labels = keywordLabels(papers);
    const truth = papers.map((p) => labels.get(p.key));
    const name = `bibliotex (keywords hidden, scored against each paper's most common keyword: ${new Set(labels.values()).size} keywords)`;
    report(name, papers, [runNew(papers, truth, false), runOld(papers, truth, false)], labels.size);
  }

  const iclr = join(ML_CONFERENCES, 'conferences', 'iclr', '2023.bib');
  if (existsSync(iclr)) {
    const papers = readPapers(iclr);
    const none = papers.map(() => undefined);
    report('ICLR 2023 (no labels; goal: largest top-level ≤ 15 %, Other ≤ 10 %, no fragment labels)', papers, [runNew(papers, none, true), runOld(papers, none, true)], 0);
  }

  // The 340 hand-labelled ML papers inside the whole ml-conferences library: samples and subtopics at scale.
  const mlLabels = join(labelDir, 'ml-conferences.json');
  if (withMl && existsSync(mlLabels) && existsSync(ML_CONFERENCES)) {
    const set = JSON.parse(readFileSync(mlLabels, 'utf8')) as LabelledSet;
    const labelOf = new Map(set.papers.map((p) => [`${p.file}#${p.key}`, p.label]));
    const papers = allMlConferences();
    const truth = papers.map((p) => labelOf.get(p.key));
    const model = bundledModel();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle built above: the whole library under tsx takes minutes
    const bundled = require(model) as { buildTopics: typeof buildTopics };
    const started = performance.now();
    const result = bundled.buildTopics(papers.map((p) => documentOf(p)));
    const ms = performance.now() - started;
    const { top, leaf } = newAssignment(result, papers.map((p) => p.key));
    const scored = (assignment: string[]) => assignment.filter((_, i) => truth[i] !== undefined);
    const labelled = truth.filter((t): t is string => t !== undefined);
    const s = shares(top, 'other');
    const topTopics = result.topics.filter((t) => t.parentId === undefined && t.id !== 'other');
    const rows: Scored[] = [
      {
        method: 'new',
        nmiTop: nmi(scored(top), labelled),
        nmiSub: { mean: NaN, sd: NaN },
        nmiLeaf: nmi(scored(leaf), labelled),
        largest: s.largest,
        other: s.other,
        topics: topTopics.length,
        nodes: result.topics.filter((t) => t.id !== 'other').length,
        labels: topTopics.map((t) => `${t.label} (${t.size})`),
        coverage: coverageOf(papers, top, (id) => topTopics.find((t) => t.id === id)?.label),
        subCoverage: subtopicCoverage(result, papers),
        ms,
      },
      runOld(papers, truth, true),
    ];
    report(`ml-conferences, the whole library (${labelled.length} hand-labelled papers scored; new model bundled)`, papers, rows, labelled.length);
  }
}

let mlPapers: Paper[] | undefined;
/** Every entry of ml-conferences, keyed `<file relative to ml-conferences>#<key>` (keys repeat across years). */
function allMlConferences(): Paper[] {
  mlPapers ??= catalogFiles(join(ML_CONFERENCES, 'conferences'), ['.bib']).flatMap((file) =>
    readPapers(file).map((p) => ({ ...p, key: `${relative(ML_CONFERENCES, file)}#${p.key}` })),
  );
  return mlPapers;
}

interface SpeedRow {
  name: string;
  papers: number;
  fullMs: number;
  fullCpuMs: number;
  incrementalMs: number;
  /** The documents' memory before the run (heap and UTF-8 abstracts outside it). */
  documentsMb: number;
  /** The heap's peak from the GC trace plus the documents' bytes outside the heap. */
  peakHeapMb: number;
  modelPeakMb: number;
  retainedMb: number;
  resultMb: number;
  topTopics: number;
  nodes: number;
  largestTop: number;
  largestLeaf: number;
  other: number;
  changedPlacements: number;
  /** Labels of the whole tree a reader cannot make sense of (topicsQuality.ts). */
  suspect: string[];
}

/** Documents of a catalog written once as JSON for the timed process. */
function documentsFile(name: string, papers: () => Paper[]): string {
  const dir = join(REPO, 'bench-data', 'topics');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) writeFileSync(path, JSON.stringify(papers().map((p) => documentOf(p))));
  return path;
}

/** The model as the worker runs it: bundled by esbuild. */
function bundledModel(): string {
  const outfile = join(REPO, 'bench-data', 'topics', 'topicModel.js');
  buildSync({ entryPoints: [join(REPO, 'server', 'src', 'search', 'topicModel.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning' });
  return outfile;
}

function timedRun(name: string, docsPath: string, model: string): SpeedRow {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--trace-gc', join(__dirname, 'topicsRun.ts'), docsPath, model], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (child.status !== 0) throw new Error(`${name}: ${child.stderr}`);
  let phase = '';
  let base = 0;
  const peaks = new Map<string, number>();
  let result:
    | (Omit<SpeedRow, 'name' | 'documentsMb' | 'peakHeapMb' | 'modelPeakMb' | 'retainedMb' | 'resultMb'> & {
        retainedBytes: number;
        resultBytes: number;
        documentsBytes: number;
        outsideHeapBytes: number;
      })
    | undefined;
  for (const line of child.stdout.split('\n')) {
    const marker = /^@@phase (\w+) (\d+)/.exec(line);
    if (marker) {
      phase = marker[1];
      base = Number(marker[2]);
      peaks.set(phase, base);
      continue;
    }
    const end = /^@@end (\d+)/.exec(line);
    if (end) {
      peaks.set(phase, Math.max(peaks.get(phase) ?? 0, Number(end[1])));
      if (phase === 'full') peaks.set('fullBase', base);
      phase = '';
      continue;
    }
    if (line.startsWith('@@result ')) result = JSON.parse(line.slice(9));
    // "[pid:0x…]   1234 ms: Mark-Compact 150.2 (160.1) -> 100.3 (110.2) MB, …": the heap before a collection.
    const gc = /ms: [\w-]+(?: \([^)]*\))? ([\d.]+) \([\d.]+\) -> /.exec(line);
    if (gc && phase) peaks.set(phase, Math.max(peaks.get(phase) ?? 0, Number(gc[1]) * 1024 * 1024));
  }
  if (!result) throw new Error(`${name}: no result in\n${child.stdout.slice(-2000)}\n${child.stderr}`);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    name,
    ...result,
    documentsMb: mb(result.documentsBytes),
    peakHeapMb: mb((peaks.get('full') ?? 0) + result.outsideHeapBytes),
    modelPeakMb: mb((peaks.get('full') ?? 0) - (peaks.get('fullBase') ?? 0)),
    retainedMb: mb(result.retainedBytes),
    resultMb: mb(result.resultBytes),
  };
}

function speed(): void {
  const rows: SpeedRow[] = [];
  const model = bundledModel();
  for (const size of sizes) {
    const spec = SIZES[size];
    if (!spec) throw new Error(`Unknown size '${size}': use one of ${Object.keys(SIZES).join(', ')}.`);
    const path = documentsFile(`generated-${size}`, () => {
      const dir = benchDataDir(size);
      const bib = join(dir, 'catalog.bib');
      if (!existsSync(bib)) writeCatalog(dir, spec.entries, spec.notes);
      return readPapers(bib);
    });
    rows.push(timedRun(`generated ${size}`, path, model));
  }
  if (withMl && existsSync(ML_CONFERENCES)) {
    const path = documentsFile('ml-conferences', allMlConferences);
    rows.push(timedRun('ml-conferences (all)', path, model));
  }
  console.log('\n## Time and memory (one run per process; documents held as the worker holds them; peak heap from the GC trace, documents included)');
  console.log('catalog                 papers   full     (CPU)     +1 paper  documents  peak heap  model peak  retained  result JSON  top  nodes  largest top  largest leaf  Other   moved by +1  suspect labels');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(22)}  ${String(r.papers).padStart(6)}  ${`${(r.fullMs / 1000).toFixed(2)} s`.padStart(7)}  ${`${(r.fullCpuMs / 1000).toFixed(2)} s`.padStart(7)}  ${`${Math.round(r.incrementalMs)} ms`.padStart(8)}  ${`${Math.round(r.documentsMb)} MB`.padStart(9)}  ${`${Math.round(r.peakHeapMb)} MB`.padStart(9)}  ${`${Math.round(r.modelPeakMb)} MB`.padStart(10)}  ${`${Math.round(r.retainedMb)} MB`.padStart(8)}  ${`${r.resultMb.toFixed(1)} MB`.padStart(11)}  ${String(r.topTopics).padStart(3)}  ${String(r.nodes).padStart(5)}  ${pct(r.largestTop).padStart(11)}  ${String(r.largestLeaf).padStart(12)}  ${pct(r.other).padStart(6)}  ${String(r.changedPlacements).padStart(11)}  ${String(r.suspect.length).padStart(14)}`,
    );
    if (r.suspect.length > 0) console.log(`        suspect: ${r.suspect.slice(0, 30).join(', ')}${r.suspect.length > 30 ? ', …' : ''}`);
  }
}

if (wantQuality) quality();
if (wantSpeed) speed();

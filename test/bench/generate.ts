/**
 * Deterministic catalog generator for the benchmark (`npm run bench:data`).
 *
 * Writes bench-data/<size>/catalog.bib, catalog.json (CSL-JSON, same papers) and notes/*.md for
 * 1k, 10k and 100k entries (or `--size N`). Everything is drawn from real vocabulary
 * (test/bench/vocabulary.json: titles, names, venues and abstract sentences of the bibliotex
 * collection and the demo catalog) with a seeded PRNG, so every clone rebuilds identical files.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Vocabulary {
  titles: string[];
  authors: string[];
  venues: string[];
  sentences: string[];
}

export interface GeneratedCatalog {
  dir: string;
  bibPath: string;
  cslPath: string;
  notesDir: string;
  entries: number;
  notes: number;
}

const vocabulary: Vocabulary = JSON.parse(readFileSync(join(__dirname, 'vocabulary.json'), 'utf8'));

/** mulberry32: small, fast, good enough, and the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const SYLLABLES = ['Neo', 'Sparse', 'Flux', 'Grav', 'Quant', 'Lumi', 'Vox', 'Mag', 'Spin', 'Trans', 'Cryo', 'Hydra', 'Omni', 'Poly', 'Nano', 'Meta'];

/** The first "real" word of a title, for Better BibTeX-like keys (doe2020quantum). */
function keyWord(title: string): string {
  const words = title.replace(/\\[a-zA-Z]+|[{}$^_\\]/g, ' ').split(/[^A-Za-z]+/);
  return (words.find((w) => w.length > 3) ?? 'paper').toLowerCase();
}

function asciiSurname(name: string): string {
  const family = name.includes(',') ? name.split(',')[0] : name.split(' ').pop() ?? name;
  return family.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() || 'anon';
}

/** Splices two real titles at word boundaries: realistic wording, (almost always) unique. */
function makeTitle(random: () => number, pick: <T>(xs: T[]) => T): string {
  const a = pick(vocabulary.titles).split(' ');
  const b = pick(vocabulary.titles).split(' ');
  const head = a.slice(0, Math.max(2, Math.floor(a.length * (0.4 + random() * 0.3))));
  const tail = b.slice(Math.floor(b.length * (0.3 + random() * 0.3)));
  let title = [...head, ...tail].join(' ');
  if (!balanced(title)) title = a.join(' ');
  if (random() < 0.25) title = `{${pick(SYLLABLES)}${pick(SYLLABLES)}}: ${title}`;
  return title;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '{') depth++;
    else if (ch === '}' && --depth < 0) return false;
  }
  return depth === 0 && (text.split('$').length - 1) % 2 === 0;
}

function makeAbstract(random: () => number, pick: <T>(xs: T[]) => T): string {
  const parts: string[] = [];
  let length = 0;
  const target = 900 + Math.floor(random() * 900); // ~1.3 KB on average, like the baseline
  while (length < target) {
    const sentence = pick(vocabulary.sentences);
    if (!balanced(sentence)) continue;
    parts.push(sentence);
    length += sentence.length + 1;
  }
  return parts.join(' ');
}

interface GeneratedPaper {
  key: string;
  type: string;
  title: string;
  authors: string[];
  year: number;
  month?: string;
  venue?: string;
  venueMacro?: string;
  crossref?: string;
  doi: string;
  abstract: string;
  keywords?: string[];
  arxiv?: string;
}

export function generatePapers(count: number, seed = 42): { papers: GeneratedPaper[]; macros: Map<string, string>; proceedings: GeneratedPaper[] } {
  const random = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const macros = new Map<string, string>();
  for (const venue of vocabulary.venues.slice(0, 40)) {
    if (!balanced(venue)) continue;
    macros.set(`v${macros.size}`, venue);
  }
  const macroNames = [...macros.keys()];
  const proceedings: GeneratedPaper[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(count / 500)); i++) {
    const year = 1995 + Math.floor(random() * 30);
    proceedings.push({
      key: `proc${year}-${i}`,
      type: 'proceedings',
      title: `Proceedings of the ${pick(['International', 'European', 'Annual', 'Joint'])} Conference on ${keyWord(pick(vocabulary.titles))} (${year})`,
      authors: [],
      year,
      doi: `10.5555/proc.${i}`,
      abstract: '',
    });
  }
  const used = new Set<string>();
  const papers: GeneratedPaper[] = [];
  const topics = ['superconductivity', 'muon spin rotation', 'thin films', 'ionic liquids', 'sparse attention', 'gaussian splatting', 'neutron scattering', 'radiation damage'];
  for (let i = 0; i < count; i++) {
    const title = makeTitle(random, pick);
    const authors = Array.from({ length: 1 + Math.floor(random() * random() * 8) }, () => pick(vocabulary.authors)).filter(balanced);
    if (authors.length === 0) authors.push('Doe, Jane');
    const year = 1990 + Math.floor(random() * 36);
    let key = `${asciiSurname(authors[0])}${year}${keyWord(title)}`;
    for (let n = 0; used.has(key); n++) key = `${asciiSurname(authors[0])}${year}${keyWord(title)}${String.fromCharCode(97 + (n % 26))}${n >= 26 ? n : ''}`;
    used.add(key);
    const kind = random();
    const paper: GeneratedPaper = { key, type: 'article', title, authors, year, doi: `10.${1000 + (i % 9000)}/lit.${seed}.${i}`, abstract: makeAbstract(random, pick) };
    if (kind < 0.55) {
      paper.type = 'article';
      if (random() < 0.5) paper.venueMacro = pick(macroNames);
      else paper.venue = pick(vocabulary.venues);
      if (random() < 0.4) paper.month = pick(MONTHS);
    } else if (kind < 0.85) {
      paper.type = 'inproceedings';
      if (random() < 0.5) paper.crossref = pick(proceedings).key;
      else paper.venue = `Proceedings of ${pick(vocabulary.venues)}`;
    } else {
      paper.type = 'misc';
      paper.arxiv = `${String(year % 100).padStart(2, '0')}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}.${String(Math.floor(random() * 99999)).padStart(5, '0')}`;
    }
    if (random() < 0.3) paper.keywords = [pick(topics), pick(topics)].filter((k, j, all) => all.indexOf(k) === j);
    if (!balanced(paper.venue ?? '')) paper.venue = undefined;
    papers.push(paper);
  }
  return { papers, macros, proceedings };
}

function bibEntry(p: GeneratedPaper): string {
  const lines = [`@${p.type}{${p.key},`];
  if (p.authors.length) lines.push(`  author = {${p.authors.join(' and ')}},`);
  lines.push(`  title = {${p.title}},`);
  if (p.venueMacro) lines.push(`  journal = ${p.venueMacro},`);
  else if (p.venue) lines.push(`  ${p.type === 'article' ? 'journal' : 'booktitle'} = {${p.venue}},`);
  if (p.crossref) lines.push(`  crossref = {${p.crossref}},`);
  lines.push(`  year = ${p.year},`);
  if (p.month) lines.push(`  month = ${p.month},`);
  if (p.doi) lines.push(`  doi = {${p.doi}},`);
  if (p.arxiv) lines.push(`  eprint = {${p.arxiv}},`, '  archiveprefix = {arXiv},');
  if (p.keywords) lines.push(`  keywords = {${p.keywords.join(', ')}},`);
  if (p.abstract) lines.push(`  abstract = {${p.abstract}},`);
  lines.push('}');
  return lines.join('\n');
}

function cslItem(p: GeneratedPaper, macros: Map<string, string>, proceedings: Map<string, GeneratedPaper>): object {
  const container = p.venueMacro ? macros.get(p.venueMacro) : p.crossref ? proceedings.get(p.crossref)?.title : p.venue;
  return {
    id: p.key,
    type: p.type === 'article' ? 'article-journal' : p.type === 'inproceedings' ? 'paper-conference' : 'article',
    title: p.title,
    author: p.authors.map((a) => (a.includes(',') ? { family: a.split(',')[0].trim(), given: a.split(',').slice(1).join(',').trim() } : { literal: a })),
    issued: { 'date-parts': [[p.year]] },
    ...(container ? { 'container-title': container } : {}),
    DOI: p.doi,
    ...(p.keywords ? { keyword: p.keywords.join(', ') } : {}),
    ...(p.abstract ? { abstract: p.abstract } : {}),
  };
}

function noteText(i: number, keys: string[], random: () => number): string {
  const pick = () => keys[Math.floor(random() * keys.length)];
  const lines = [`# Note ${i}`, ''];
  const paragraphs = 2 + Math.floor(random() * 4);
  for (let p = 0; p < paragraphs; p++) {
    const sentence = vocabulary.sentences[Math.floor(random() * vocabulary.sentences.length)];
    const form = random();
    if (form < 0.4) lines.push(`${sentence} [@${pick()}]`);
    else if (form < 0.7) lines.push(`${sentence} [see @${pick()}, p. ${1 + Math.floor(random() * 300)}; @${pick()}]`);
    else if (form < 0.85) lines.push(`@${pick()} [ch. ${1 + Math.floor(random() * 12)}] argues that ${sentence.toLowerCase()}`);
    else lines.push('```', `code @notacitation ${i}`, '```', sentence);
    lines.push('');
  }
  return lines.join('\n');
}

export function writeCatalog(outDir: string, count: number, notes: number): GeneratedCatalog {
  const { papers, macros, proceedings } = generatePapers(count);
  rmSync(outDir, { recursive: true, force: true });
  const notesDir = join(outDir, 'notes');
  mkdirSync(notesDir, { recursive: true });
  const header = ['% Generated by test/bench/generate.ts: deterministic, from real vocabulary.', ...[...macros].map(([k, v]) => `@string{${k} = {${v}}}`), ''];
  const body = [...proceedings.map(bibEntry), ...papers.map(bibEntry)].join('\n\n');
  const bibPath = join(outDir, 'catalog.bib');
  writeFileSync(bibPath, header.join('\n') + '\n' + body + '\n');
  const procByKey = new Map(proceedings.map((p) => [p.key, p]));
  const cslPath = join(outDir, 'catalog.json');
  writeFileSync(cslPath, '[\n' + papers.map((p) => JSON.stringify(cslItem(p, macros, procByKey))).join(',\n') + '\n]\n');
  const random = prng(7);
  const keys = papers.map((p) => p.key);
  for (let i = 0; i < notes; i++) writeFileSync(join(notesDir, `note-${String(i).padStart(5, '0')}.md`), noteText(i, keys, random));
  return { dir: outDir, bibPath, cslPath, notesDir, entries: papers.length + proceedings.length, notes };
}

export const SIZES: Record<string, { entries: number; notes: number }> = {
  '1k': { entries: 1_000, notes: 100 },
  '10k': { entries: 10_000, notes: 1_000 },
  '100k': { entries: 100_000, notes: 10_000 },
};

export function benchDataDir(size: string): string {
  return join(__dirname, '..', '..', 'bench-data', size);
}

if (require.main === module) {
  const sizeArg = process.argv.indexOf('--size');
  const wanted = sizeArg > 0 ? [process.argv[sizeArg + 1]] : Object.keys(SIZES);
  for (const size of wanted) {
    const spec = SIZES[size];
    if (!spec) throw new Error(`Unknown size '${size}': use one of ${Object.keys(SIZES).join(', ')}`);
    const started = performance.now();
    const result = writeCatalog(benchDataDir(size), spec.entries, spec.notes);
    console.log(`${size}: ${result.entries} entries, ${result.notes} notes in ${result.dir} (${Math.round(performance.now() - started)} ms)`);
  }
}

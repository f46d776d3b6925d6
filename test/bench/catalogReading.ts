/**
 * How fast the catalog is read: the floor any reader pays (read the file, one regex pass over entries
 * and fields), our `parseBibtex` (LaTeX decoding, names, positions) on the same file in the same
 * run, and two public parsers on a sample of the same file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import type { Paper } from '../../server/src/catalog/paper';
import { collectGarbage } from './gc';
import { bestOf } from './stats';

export interface ScanFloor {
  ms: number;
  cpuMs: number;
  entries: number;
  fields: number;
  bytes: number;
}

/**
 * readFileSync plus one regex pass that finds every entry start and every `field =`: what any
 * parser has to do at least. Field values are not decoded, braces not matched.
 */
export function scanFloor(path: string): ScanFloor {
  const text = readFileSync(path, 'utf8');
  let entries = 0;
  let fields = 0;
  for (const match of text.matchAll(/^@(\w+)\s*[{(]|^\s*[A-Za-z][\w-]*\s*=/gm)) {
    if (match[1] !== undefined) entries++;
    else fields++;
  }
  return { ms: 0, cpuMs: 0, entries, fields, bytes: text.length };
}

export function measureScanFloor(path: string, runs: number): ScanFloor {
  const { ms, cpuMs, result } = bestOf(runs, () => scanFloor(path));
  return { ...result, ms, cpuMs };
}

export interface ParseMeasure {
  ms: number;
  cpuMs: number;
  papers: Paper[];
  problems: number;
}

/** readFileSync plus our full reader, like the floor (so the ratio compares like with like). */
export function measureParse(path: string, runs: number): ParseMeasure {
  const uri = `file://${path}`;
  const { ms, cpuMs, result } = bestOf(runs, () => parseBibtex(readFileSync(path, 'utf8'), uri));
  return { ms, cpuMs, papers: result.papers, problems: result.problems.length };
}

/**
 * The floor and our reader in turns, best of `runs` each: a slow moment of the machine (or of the
 * collector, with a 176 MB string to allocate) then costs one sample of either, not a whole figure.
 * The heap the papers take is measured on the last run, the previous run's papers released first.
 */
export function measureReading(path: string, runs: number): { floor: ScanFloor; parsed: ParseMeasure; papersHeapMB: number } {
  let floor: ScanFloor | undefined;
  let parsed: ParseMeasure | undefined;
  let papersHeapMB = 0;
  let read: ParseMeasure | undefined;
  for (let run = 0; run < runs; run++) {
    const scanned = measureScanFloor(path, 1);
    if (!floor || scanned.ms < floor.ms) floor = scanned;
    // Nothing may hold the last run's papers while the heap is measured.
    if (parsed) parsed.papers = [];
    read = undefined;
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    read = measureParse(path, 1);
    collectGarbage();
    papersHeapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    const fastest = parsed && parsed.ms <= read.ms ? parsed : read;
    parsed = { ms: fastest.ms, cpuMs: fastest.cpuMs, papers: read.papers, problems: read.problems };
  }
  if (!floor || !parsed) throw new Error('measureReading needs at least one run');
  return { floor, parsed, papersHeapMB };
}

/** The `@string` header and the first `count` entries: a sample every parser can read alone. */
export function sampleEntries(path: string, count: number): { text: string; entries: number } {
  const text = readFileSync(path, 'utf8');
  const starts = [...text.matchAll(/^@(\w+)\s*[{(]/gm)].filter((m) => m[1].toLowerCase() !== 'string');
  if (starts.length <= count) return { text, entries: starts.length };
  return { text: text.slice(0, starts[count].index), entries: count };
}

export interface Baseline {
  name: string;
  sampleEntries: number;
  ms: number;
  /** Milliseconds per 1,000 entries, to compare samples of different sizes. */
  msPer1000: number;
  entriesRead: number;
}

function baseline(name: string, sample: { text: string; entries: number }, runs: number, read: (text: string) => number): Baseline {
  const { ms, result } = bestOf(runs, () => read(sample.text));
  return { name, sampleEntries: sample.entries, ms, msPer1000: (ms * 1000) / sample.entries, entriesRead: result };
}

function withoutMacros(text: string): string {
  return text.replace(/^@string\s*\{[^\n]*\}\s*$/gim, '').replace(/^(\s*[\w-]+\s*=\s*)([A-Za-z][\w-]*)(\s*,?\s*)$/gm, '$1{$2}$3');
}

const requireHere = createRequire(__filename);

/**
 * Our reader, bibtex-parse-js and @retorquere/bibtex-parser (Better BibTeX's) on samples of the
 * catalog. @retorquere decodes every field through a full LaTeX parser and takes ~100 ms per entry
 * with a long abstract, so it gets a smaller sample: compare the per-1,000 figures.
 */
export async function measureBaselines(path: string, sampleSize: number, retorqueSampleSize: number): Promise<Baseline[]> {
  const sample = sampleEntries(path, sampleSize);
  const uri = `file://${path}`;
  const bibtexParseJs = requireHere('bibtex-parse-js') as { toJSON(text: string): unknown[] };
  // ESM only in practice: its CommonJS build requires a package that exports no CommonJS entry.
  const retorquere = (await import('@retorquere/bibtex-parser')) as typeof import('@retorquere/bibtex-parser');
  const small = sampleEntries(path, retorqueSampleSize);
  return [
    baseline('parseBibtex (ours)', sample, 3, (text) => parseBibtex(text, uri).papers.length),
    // 0.0.24 knows no macros: `@string` calls a method it never defines and `journal = v3` throws,
    // so it gets the sample without `@string`s and with macro names braced as plain text.
    baseline('bibtex-parse-js', { ...sample, text: withoutMacros(sample.text) }, 3, (text) => bibtexParseJs.toJSON(text).length),
    baseline('@retorquere/bibtex-parser', small, 1, (text) => retorquere.parse(text, { unsupported: 'ignore' }).entries.length),
  ];
}

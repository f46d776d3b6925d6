/**
 * A real library as one workspace: the whole ml-conferences folder (168 BibTeX files, 37,000 real
 * entries, keys that repeat across years), read in place (GPL data: never copied into the project).
 * The server's cache goes to a scratch folder, so nothing is written beside the data. Cold start to
 * ready, memory, then `[@` with nothing typed and a few titles typed keystroke by keystroke.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspSession } from './lspSession';
import { median, percentile, round } from './stats';
import type { Row } from './targets';
import { ML_CONFERENCES } from './topicsData';

export interface MlConferencesRun {
  readyMs: number;
  cpuAtReadyMs: number;
  papers: number;
  rssMB: number;
  peakRssMB: number;
  /** `[@` with nothing typed, after the index is ready. */
  emptyMs: number[];
  /** Each keystroke of the typed queries. */
  typedMs: number[];
  /** Typed queries that still had papers once all their words were typed. */
  found: number;
  queries: number;
}

/** Words of the folder's titles typed as a person would: a few words joined by `-`. */
const TYPED = [{ text: 'attention-is-all' }, { text: 'denoising-diffusion-prob' }, { text: 'batch-normalization' }, { text: 'stochastic-optimization' }, { text: 'gaussian-process-bandit' }];

const NOTE = 'litnotes-bench-note.md';

export function mlConferencesAvailable(): boolean {
  return existsSync(join(ML_CONFERENCES, 'conferences'));
}

export async function runMlConferences(serverPath: string | undefined, log: (line: string) => void): Promise<MlConferencesRun> {
  const storagePath = mkdtempSync(join(tmpdir(), 'litnotes-ml-bench-'));
  const session = new LspSession({ root: ML_CONFERENCES, serverPath, storagePath });
  try {
    log(`ml-conferences (${ML_CONFERENCES}), cold start…`);
    await session.initialize();
    const readyMs = await session.ready();
    const cpuAtReadyMs = session.cpuMs();
    const memory = session.memory();
    const papers = session.lastStatus?.papers ?? NaN;
    log(`  ready after ${Math.round(readyMs)} ms, ${papers} papers, RSS ${Math.round(memory.rssMB)} MB`);
    // The note is only ever an editor buffer: nothing is written into the data folder.
    const uri = session.uriOf(NOTE);
    const header = '# Notes\n\n';
    await session.open(uri, header);
    const emptyMs: number[] = [];
    for (let i = 0; i < 60; i++) {
      await session.replace(uri, `${header}Cited${' again'.repeat(i % 3)}: see [@`);
      const line = `Cited${' again'.repeat(i % 3)}: see [@`;
      emptyMs.push((await session.complete(uri, { line: 2, character: line.length })).ms);
    }
    const typedMs: number[] = [];
    let found = 0;
    for (const query of TYPED) {
      let keys: string[] = [];
      for (let n = 1; n <= query.text.length; n++) {
        const typed = query.text.slice(0, n);
        await session.replace(uri, `${header}See [@${typed}`);
        const answer = await session.complete(uri, { line: 2, character: 6 + n });
        typedMs.push(answer.ms);
        keys = answer.keys;
      }
      if (keys.length > 0) found++;
    }
    return { readyMs, cpuAtReadyMs, papers, rssMB: memory.rssMB, peakRssMB: memory.peakMB, emptyMs, typedMs, found, queries: TYPED.length };
  } finally {
    await session.close();
    rmSync(storagePath, { recursive: true, force: true });
  }
}

export function mlConferencesRows(run: MlConferencesRun): Row[] {
  return [
    { label: 'ml-conferences (real, 168 files): ready', value: run.readyMs, unit: 'ms', note: `${run.papers} papers, cold start, server CPU ${round(run.cpuAtReadyMs)} ms` },
    { label: '  …RSS at ready', value: run.rssMB, unit: 'MB', target: { op: '≤', limit: 400 }, note: `peak ${round(run.peakRssMB)} MB` },
    { label: '  …[@ nothing typed p99', value: percentile(run.emptyMs, 99), unit: 'ms', target: { op: '≤', limit: 20 }, note: `p50 ${round(median(run.emptyMs))} ms, ${run.emptyMs.length} requests` },
    {
      label: '  …completion p99 (typed)',
      value: percentile(run.typedMs, 99),
      unit: 'ms',
      target: { op: '≤', limit: 15 },
      note: `p50 ${round(median(run.typedMs))} ms over ${run.typedMs.length} keystrokes; ${run.found}/${run.queries} queries with papers`,
    },
  ];
}

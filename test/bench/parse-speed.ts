/**
 * Catalog reading speed: `npx tsx test/bench/parse-speed.ts [folder]`.
 *
 * Reads every .bib file under the folder (default: /work/shared/data/ml-conferences, read in
 * place) with the full reader (positions, names, LaTeX decoding) and compares it with the floor
 * any reader pays: readFileSync plus one regex split at entry starts. The goal is within 3×.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../../server/src/catalog/bibtex';

const folder = process.argv[2] ?? '/work/shared/data/ml-conferences';
if (!existsSync(folder)) {
  console.log(`${folder} not found: nothing to measure.`);
  process.exit(0);
}
const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.bib')) files.push(path);
  }
};
walk(folder);

function baseline(): { ms: number; cpu: number; entries: number; bytes: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let entries = 0;
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    bytes += text.length;
    entries += text.split(/@\w+\s*[{(]/g).length - 1;
  }
  return { ms: performance.now() - start, cpu: process.cpuUsage(cpu).user / 1000, entries, bytes };
}

function full(): { ms: number; cpu: number; papers: number; problems: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let papers = 0;
  let problems = 0;
  for (const file of files) {
    const result = parseBibtex(readFileSync(file, 'utf8'), `file://${file}`);
    papers += result.papers.length;
    problems += result.problems.length;
  }
  return { ms: performance.now() - start, cpu: process.cpuUsage(cpu).user / 1000, papers, problems };
}

// Warm up the JIT once, then take the best of five of each, interleaved so load on the machine
// hits both alike. CPU time is printed too: it is steadier than wall time on a busy machine.
baseline();
full();
const bases: ReturnType<typeof baseline>[] = [];
const reads: ReturnType<typeof full>[] = [];
for (let run = 0; run < 5; run++) {
  bases.push(baseline());
  reads.push(full());
}
const base = bases.sort((a, b) => a.ms - b.ms)[0];
const read = reads.sort((a, b) => a.ms - b.ms)[0];
console.log(`${files.length} files, ${(base.bytes / 1e6).toFixed(1)} M characters, ${base.entries} entry starts`);
console.log(`baseline (readFileSync + regex split): ${base.ms.toFixed(0)} ms (${base.cpu.toFixed(0)} ms CPU)`);
console.log(`parseBibtex (full):                    ${read.ms.toFixed(0)} ms (${read.cpu.toFixed(0)} ms CPU), ${read.papers} papers, ${read.problems} problems`);
console.log(`ratio: ${(read.ms / base.ms).toFixed(2)}× wall, ${(read.cpu / base.cpu).toFixed(2)}× CPU`);

/**
 * The sample of ml-conferences papers that ml-conferences.json labels by hand.
 *
 *   npx tsx test/bench/topicLabels/sample.ts [--print] [--check]
 *
 * The sample: every entry of every conferences/<venue>/<year>.bib (files in sorted order, entries
 * in file order) that has an abstract of at least 200 characters and a key written once in its
 * file; shuffled with a fixed-seed PRNG (mulberry32, seed SEED) and the first SIZE kept.
 * `--print` writes key + title + abstract of the sample to stdout, for reading while labelling
 * (the entries are GPL: the printed text stays out of the project). `--check` compares the sample
 * with the labels file. The unit test test/unit/topicLabels.test.ts checks the labels file alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../../../server/src/catalog/bibtex';
import { abstractOf } from '../../../server/src/catalog/paper';

export const SEED = 20240515;
export const SIZE = 340;
const MIN_ABSTRACT = 200;

/** The shared data folder: `../shared/data` beside the checkout, or /work/shared/data. */
export function sharedData(): string | undefined {
  const root = join(__dirname, '..', '..', '..');
  const candidates = [process.env.LITNOTES_SHARED_DATA, join(root, '..', 'shared', 'data'), '/work/shared/data'];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(join(dir, 'ml-conferences')));
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sampled {
  /** Relative to the ml-conferences folder: `conferences/iclr/2023.bib`. */
  file: string;
  key: string;
  title: string;
  abstract: string;
}

export function sample(mlConferences: string): Sampled[] {
  const pool: Sampled[] = [];
  const venues = readdirSync(join(mlConferences, 'conferences')).sort();
  for (const venue of venues) {
    const years = readdirSync(join(mlConferences, 'conferences', venue)).filter((n) => n.endsWith('.bib')).sort();
    for (const year of years) {
      const file = `conferences/${venue}/${year}`;
      const { papers } = parseBibtex(readFileSync(join(mlConferences, file), 'utf8'), `file:///${file}`);
      const counts = new Map<string, number>();
      for (const p of papers) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
      for (const p of papers) {
        const abstract = abstractOf(p) ?? '';
        if (abstract.length < MIN_ABSTRACT || counts.get(p.key) !== 1) continue;
        pool.push({ file, key: p.key, title: p.title ?? '', abstract });
      }
    }
  }
  // Fisher–Yates with the fixed seed: the same data gives the same sample.
  const random = mulberry32(SEED);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, SIZE);
}

if (require.main === module) {
  const data = sharedData();
  if (!data) {
    console.log('ml-conferences not found (../shared/data or /work/shared/data): nothing to sample.');
    process.exit(0);
  }
  const picked = sample(join(data, 'ml-conferences'));
  const args = process.argv.slice(2);
  if (args.includes('--print')) {
    picked.forEach((p, i) => console.log(`#${i + 1} [${p.file} ${p.key}]\nTITLE: ${p.title}\n${p.abstract}\n`));
  }
  if (args.includes('--check')) {
    const labelled = JSON.parse(readFileSync(join(__dirname, 'ml-conferences.json'), 'utf8')) as { papers: { file: string; key: string }[] };
    const want = picked.map((p) => `${p.file} ${p.key}`);
    const have = labelled.papers.map((p) => `${p.file} ${p.key}`);
    const same = want.length === have.length && want.every((w, i) => w === have[i]);
    console.log(same ? `labels match the sample (${want.length} papers)` : `labels differ from the sample: ${have.length} labelled, ${want.length} sampled`);
    if (!same) process.exitCode = 1;
  }
  if (!args.includes('--print')) {
    const byVenue = new Map<string, number>();
    for (const p of picked) byVenue.set(p.file.split('/')[1], (byVenue.get(p.file.split('/')[1]) ?? 0) + 1);
    console.log(`${picked.length} papers sampled (seed ${SEED}):`, Object.fromEntries(byVenue));
  }
}

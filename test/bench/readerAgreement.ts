/**
 * `npm run bench:agreement`: our BibTeX reader against Better BibTeX's own parser
 * (@retorquere/bibtex-parser) on real files, entry by entry: is every entry there, and does the first
 * author's family name and the title read the same? Every difference is printed, so a person can
 * tell which reader is right (the two differ on purpose in places: BibTeX's von rule puts "Van der"
 * of "Van der Ven, A." in the particle; DBLP's homonym numbers, "Jian Li 0001", are no family name).
 *
 * Read in place: bibliotex whole (MIT), and the first `--per-file` entries of each ml-conferences
 * file (GPL: never copied; the reference parser takes about 100 ms for an entry with a long abstract).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { BIBLIOTEX, ML_CONFERENCES } from './topicsData';

interface Difference {
  file: string;
  key: string;
  what: 'missing' | 'first author' | 'title' | 'title set differently';
  theirs: string;
  ours: string;
}

interface TheirEntry {
  key: string;
  fields: { author?: { lastName?: string; name?: string }[]; editor?: { lastName?: string; name?: string }[]; title?: string };
}

function bibFiles(root: string, out: string[] = []): string[] {
  for (const name of readdirSync(root).sort()) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) bibFiles(path, out);
    else if (/\.bib$/i.test(name)) out.push(path);
  }
  return out;
}

const normalized = (text: string | undefined) => (text ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
/**
 * A title's letters and digits only, compatibility-folded (₂ → 2, ⁸ → 8), without the reference's
 * HTML (<sub>, <i>): two titles with the same essence differ only in how they are set.
 */
const essence = (text: string) =>
  text
    .replace(/<\/?(?:sub|sup|i|b|em|span|sc|nc)[^>]*>/g, '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

async function compare(root: string, perFile: number | undefined): Promise<{ entries: number; differences: Difference[] }> {
  // ESM only in practice (see catalogReading.ts).
  const reference = (await import('@retorquere/bibtex-parser')) as unknown as { parse(text: string, options: object): { entries: TheirEntry[] } };
  const differences: Difference[] = [];
  let entries = 0;
  for (const path of bibFiles(root)) {
    let text = readFileSync(path, 'utf8');
    if (perFile !== undefined) text = text.split(/\n(?=@)/).slice(0, perFile).join('\n');
    const file = relative(root, path);
    let theirs: TheirEntry[];
    try {
      theirs = reference.parse(text, { unsupported: 'ignore', sentenceCase: false, english: false }).entries;
    } catch {
      continue; // nothing to compare with
    }
    const ours = new Map(parseBibtex(text, `file://${path}`).papers.map((paper) => [paper.key, paper]));
    for (const entry of theirs) {
      entries++;
      const paper = ours.get(entry.key);
      if (!paper) {
        differences.push({ file, key: entry.key, what: 'missing', theirs: entry.key, ours: '' });
        continue;
      }
      const them = entry.fields.author?.[0] ?? entry.fields.editor?.[0];
      const us = paper.authors[0] ?? paper.editors?.[0];
      const theirFamily = normalized(them?.lastName ?? them?.name);
      const ourFamily = normalized(us?.family ?? us?.literal);
      if (theirFamily !== ourFamily) differences.push({ file, key: entry.key, what: 'first author', theirs: theirFamily, ours: ourFamily });
      const theirTitle = normalized(entry.fields.title);
      const ourTitle = normalized(paper.title);
      if (theirTitle && theirTitle !== ourTitle) differences.push({ file, key: entry.key, what: essence(theirTitle) === essence(ourTitle) ? 'title set differently' : 'title', theirs: theirTitle, ours: ourTitle });
    }
  }
  return { entries, differences };
}

async function main(): Promise<void> {
  // --titles lists the titles set differently too.
  const { values } = parseArgs({ options: { 'per-file': { type: 'string', default: '40' }, titles: { type: 'boolean', default: false } } });
  const runs: [string, string, number | undefined][] = [
    ['bibliotex', BIBLIOTEX, undefined],
    ['ml-conferences', ML_CONFERENCES, Number(values['per-file'])],
  ];
  for (const [name, root, perFile] of runs) {
    const { entries, differences } = await compare(root, perFile);
    const count = (what: Difference['what']) => differences.filter((d) => d.what === what).length;
    console.log(
      `${name}: ${entries} entries${perFile ? ` (the first ${perFile} of each file)` : ''}; missing ${count('missing')}, first author differs ${count('first author')}, ` +
        `title differs ${count('title')} (and ${count('title set differently')} more only in how it is set: sub/superscripts, units, spaces, markup)`,
    );
    // DBLP's homonym numbers are what the reference reads as a family name: counted, not listed.
    const homonyms = differences.filter((d) => d.what === 'first author' && /^\d{4}$/.test(d.theirs));
    if (homonyms.length > 0) console.log(`  of which ${homonyms.length} are DBLP homonym numbers the reference reads as the family name ("0001")`);
    for (const d of differences) {
      if (homonyms.includes(d) || (d.what === 'title set differently' && !values.titles)) continue;
      console.log(`  ${d.what}: ${d.file} ${d.key}: theirs ${JSON.stringify(d.theirs)}, ours ${JSON.stringify(d.ours)}`);
    }
  }
}

void main();

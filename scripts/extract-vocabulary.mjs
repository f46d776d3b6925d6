// Extracts the real vocabulary the benchmark generator draws from (test/bench/vocabulary.json):
// titles, author names, venues and abstract sentences of the bibliotex collection (MIT) and the
// demo catalog, raw as written (LaTeX included), so generated catalogs look like real ones.
// Run once: node scripts/extract-vocabulary.mjs [path/to/bibliotex]. The output is committed.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bibliotex = process.argv[2] ?? join(root, '..', 'shared', 'data', 'bibliotex', 'references');

function* bibFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* bibFiles(path);
    else if (name.endsWith('.bib')) yield path;
  }
}

/** Field values `name = {...}` with balanced braces; good enough for vocabulary, not a parser. */
function fields(text, name) {
  const out = [];
  const re = new RegExp(`^\\s*${name}\\s*=\\s*\\{`, 'gim');
  while (re.exec(text)) {
    let depth = 1, i = re.lastIndex;
    for (; i < text.length && depth > 0; i++) depth += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
    out.push(text.slice(re.lastIndex, i - 1).replace(/\s+/g, ' ').trim());
  }
  return out;
}

const titles = new Set(), authors = new Set(), venues = new Set(), sentences = new Set();
const sources = [...bibFiles(bibliotex), join(root, 'examples', 'demo', 'papers.bib')];
for (const file of sources) {
  const text = readFileSync(file, 'utf8');
  for (const t of fields(text, 'title')) if (t.length > 15 && t.length < 250) titles.add(t);
  for (const a of fields(text, 'author')) for (const n of a.split(/\s+and\s+/)) if (n.length > 2 && n.length < 60 && n !== 'others') authors.add(n.trim());
  for (const v of [...fields(text, 'journal'), ...fields(text, 'booktitle')]) if (v.length > 3 && v.length < 120) venues.add(v);
  for (const ab of fields(text, 'abstract')) for (const s of ab.split(/(?<=[.!?])\s+(?=[A-Z])/)) if (s.length > 40 && s.length < 400) sentences.add(s);
}
const sorted = (set, max) => [...set].sort().slice(0, max);
const vocabulary = {
  source: 'bibliotex (rmlmcfadden/bibliotex, MIT) and the LitNotes demo catalog; see scripts/extract-vocabulary.mjs',
  titles: sorted(titles, 3000),
  authors: sorted(authors, 4000),
  venues: sorted(venues, 400),
  sentences: sorted(sentences, 3000),
};
writeFileSync(join(root, 'test', 'bench', 'vocabulary.json'), JSON.stringify(vocabulary));
console.log(Object.fromEntries(Object.entries(vocabulary).map(([k, v]) => [k, Array.isArray(v) ? v.length : v.length])));

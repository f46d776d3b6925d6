import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ProvisionalPapers, searchTextOf, type ProvisionalRow } from '../../server/src/service/provisionalPapers';

const rows: ProvisionalRow[] = [
  ['Feat2GS', 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting', ['Chen'], '2024'],
  ['gauss1809', 'Disquisitiones on least squares', ['Gauß'], '1809'],
  ['EDGS', 'EDGS: Eliminating Densification for Efficient Convergence of 3DGS', ['Kotovenko'], '2025'],
  ['LM-Gaussian', 'LM-Gaussian: Boost Sparse-view 3D Gaussian Splatting with Large Model Priors', ['Yu', 'Müller'], '2024'],
  ['gauss', 'A paper keyed by the word', [], ''],
];

function papers(...pieces: ProvisionalRow[][]): ProvisionalPapers {
  const provisional = new ProvisionalPapers();
  for (const piece of pieces) provisional.addPiece('file:///a.bib', { text: searchTextOf(piece), row: (k) => piece[k] });
  return provisional;
}

const keys = (provisional: ProvisionalPapers, query: string, limit = 10, skip: (key: string) => boolean = () => false) =>
  provisional.search(query, limit, skip).map((hit) => hit.key);

describe('provisional papers (the cache or a skim, before the catalog is indexed)', () => {
  test('the exact key first, then keys starting with the text by key, then papers whose words start with every typed word, in catalog order', () => {
    const provisional = papers(rows.slice(0, 2), rows.slice(2));
    assert.equal(provisional.size, 5);
    assert.deepEqual(keys(provisional, 'gauss'), ['gauss', 'gauss1809', 'Feat2GS', 'LM-Gaussian']);
    assert.deepEqual(keys(provisional, 'gaussian splat'), ['Feat2GS', 'LM-Gaussian']);
    assert.deepEqual(keys(provisional, 'splat gaussian'), ['Feat2GS', 'LM-Gaussian'], 'word order does not matter');
    assert.deepEqual(keys(provisional, 'muller'), ['LM-Gaussian'], 'authors, accents folded');
    assert.deepEqual(keys(provisional, 'squares gauß'), ['gauss1809'], 'ß folds to ss, in authors');
    assert.deepEqual(keys(provisional, 'lm-gau'), ['LM-Gaussian'], 'a key prefix with its punctuation');
    assert.deepEqual(keys(provisional, 'aussian'), [], 'words match at their start only');
    assert.deepEqual(keys(provisional, 'gauss', 3), ['gauss', 'gauss1809', 'Feat2GS']);
    assert.deepEqual(keys(provisional, 'gauss', 10, (key) => key === 'Feat2GS'), ['gauss', 'gauss1809', 'LM-Gaussian'], 'keys found elsewhere are skipped');
    assert.deepEqual(keys(provisional, '  '), []);
  });

  test('a word is matched within one paper, never across two neighbours', () => {
    // "boost" is in LM-Gaussian's title and "kotovenko" in EDGS's authors, the paper before it.
    assert.deepEqual(keys(papers(rows), 'kotovenko boost'), []);
  });

  test('the paper behind a key, for hover and completion items; a key in two catalogs gives the first', () => {
    const provisional = papers(rows);
    provisional.addPiece('file:///b.bib', { text: searchTextOf([['EDGS', 'Another EDGS', [], '']]), row: (k) => [['EDGS', 'Another EDGS', [], '']][k] });
    assert.equal(provisional.paper('LM-Gaussian')?.title, 'LM-Gaussian: Boost Sparse-view 3D Gaussian Splatting with Large Model Priors');
    assert.deepEqual(provisional.paper('LM-Gaussian')?.authors, [{ family: 'Yu' }, { family: 'Müller' }]);
    assert.equal(provisional.paper('EDGS')?.title, 'EDGS: Eliminating Densification for Efficient Convergence of 3DGS');
    assert.deepEqual(keys(provisional, 'edgs'), ['EDGS'], 'one hit per key');
    assert.equal(provisional.paper('LM'), undefined, 'a key prefix is not a key');
    provisional.clear('file:///a.bib');
    assert.equal(provisional.paper('EDGS')?.title, 'Another EDGS');
    assert.equal(provisional.size, 1);
  });

  test('keys with spaces or control characters (CSL ids) still work; a broken row keeps the others in place', () => {
    const odd: unknown[] = [['my key\tone', 'Odd key paper', [], ''], 'not a row', ['after', 'The paper after the broken one', [], '']];
    const provisional = new ProvisionalPapers();
    provisional.addPiece('file:///c.json', { text: searchTextOf(odd), row: (k) => odd[k] });
    assert.equal(provisional.size, 3);
    assert.deepEqual(keys(provisional, 'odd key'), ['my key\tone']);
    assert.equal(provisional.paper('my key\tone')?.title, 'Odd key paper');
    assert.deepEqual(keys(provisional, 'broken'), ['after']);
    assert.equal(provisional.paper('after')?.title, 'The paper after the broken one');
  });

  test('only the rows of the hits are decoded', () => {
    const decoded: string[] = [];
    const provisional = new ProvisionalPapers();
    const pieces = Array.from({ length: 20 }, (_, p) => Array.from({ length: 50 }, (_, i): ProvisionalRow => [`p${p}k${i}`, `Study ${p * 50 + i} of lattice waves`, [], '']));
    pieces.forEach((piece, p) => provisional.addPiece('file:///big.bib', { text: searchTextOf(piece), row: (k) => (decoded.push(`${p}:${k}`), piece[k]) }));
    assert.deepEqual(keys(provisional, 'study 777'), ['p15k27']);
    assert.deepEqual(keys(provisional, 'lattice', 3), ['p0k0', 'p0k1', 'p0k2']);
    assert.deepEqual(decoded, ['15:27', '0:0', '0:1', '0:2']);
  });
});

describe('one typed word, looked for in one pass over the rows', () => {
  /** What `search` promises for one word, written out over the rows themselves. */
  function expected(pieces: ProvisionalRow[][], word: string, limit: number, skip: (key: string) => boolean): string[] {
    const all = pieces.flat();
    const seen = new Set<string>();
    const keyed: string[] = [];
    for (const [key] of all) {
      if (!key.toLowerCase().startsWith(word) || seen.has(key) || skip(key)) continue;
      seen.add(key);
      keyed.push(key);
    }
    keyed.sort((a, b) => Number(b.toLowerCase() === word) - Number(a.toLowerCase() === word) || (a < b ? -1 : a > b ? 1 : 0));
    const out = keyed.slice(0, limit);
    for (const row of all) {
      if (out.length >= limit) break;
      const [key] = row;
      if (seen.has(key) || skip(key) || !searchTextOf([row]).slice(1 + key.length).includes(' ' + word)) continue;
      seen.add(key);
      out.push(key);
    }
    return out;
  }

  test('the same papers as the keys and words say, for any rows and word: keys first, prefixes, duplicates across pieces, skipped keys', () => {
    const syllable = fc.constantFrom('ga', 'gau', 'ss', 'spa', 'rse', 'pro', 'c20', '24', 'X', 'é');
    const word = fc.array(syllable, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    const row = fc.tuple(word, fc.array(word, { maxLength: 5 }), fc.array(word, { maxLength: 2 })).map(([key, title, families]): ProvisionalRow => [key, title.join(' '), families, '2024']);
    const query = fc.array(fc.constantFrom('ga', 'gau', 'ss', 'spa', 'rse', 'pro', 'c20', '24', 'x'), { minLength: 2, maxLength: 3 }).map((parts) => parts.join('')).filter((q) => q.length >= 3);
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 12 }), { minLength: 1, maxLength: 3 }), query, fc.integer({ min: 1, max: 8 }), fc.boolean(), (pieces, q, limit, skipSome) => {
        const skip = (key: string) => skipSome && key.length % 3 === 0;
        assert.deepEqual(keys(papers(...pieces), q, limit, skip), expected(pieces, q, limit, skip));
      }),
      { numRuns: 1500 },
    );
  });
});

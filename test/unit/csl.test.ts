import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readCatalog } from '../../server/src/catalog/readCatalog';

const fixture = join(__dirname, '..', 'fixtures', 'daily-papers.csl.json');

describe('CSL-JSON reader', () => {
  test('the daily-papers export: 64 papers with the id range of each item', () => {
    const result = readCatalog(readFileSync(fixture, 'utf8'), 'file:///ws/papers.json');
    assert.equal(result.papers.length, 64);
    assert.deepEqual(result.problems, []);
    const feat = result.papers.find((p) => p.key === 'Feat2GS')!;
    assert.equal(feat.title, 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting');
    assert.deepEqual(feat.source.keyRange, { start: { line: 8, character: 11 }, end: { line: 8, character: 18 } });
  });

  test('maps authors, issued dates, container, DOI, keywords; a bad item is reported at its place', () => {
    const text = `[
  {"id": "doe2020", "type": "article-journal", "title": "T", "author": [{"family": "Doe", "given": "Jane"}, {"literal": "ACME"}, {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}],
   "issued": {"date-parts": [[2020, 5]]}, "container-title": "J. X", "DOI": "10.1000/abc", "keyword": "a, b", "URL": "https://arxiv.org/abs/2401.00001"},
  {"title": "no id"},
  {"id": 7, "issued": {"raw": "1999"}}
]`;
    const result = readCatalog(text, 'file:///ws/refs.json');
    assert.deepEqual(result.papers.map((p) => p.key), ['doe2020', '7']);
    const doe = result.papers[0];
    assert.deepEqual(doe.authors, [{ family: 'Doe', given: 'Jane' }, { literal: 'ACME' }, { family: 'Gogh', given: 'Vincent', particle: 'van' }]);
    assert.equal(doe.year, '2020');
    assert.equal(doe.date, '2020-05');
    assert.equal(doe.venue, 'J. X');
    assert.equal(doe.doi, "10.1000/abc");
    assert.equal(doe.arxiv, '2401.00001');
    assert.deepEqual(doe.keywords, ['a', 'b']);
    assert.equal(result.papers[1].year, '1999');
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0].code, 'catalog.missing-key');
    assert.equal(result.problems[0].range.start.line, 3);
  });

  test('invalid JSON is one problem and no papers', () => {
    const result = readCatalog('[{"id": "a",}', 'file:///ws/refs.json');
    assert.equal(result.papers.length, 0);
    assert.equal(result.problems[0].code, 'catalog.parse-error');
    assert.match(result.problems[0].message, /not valid JSON/);
  });
});

describe('CSL-YAML reader', () => {
  test('a list and Pandoc references: with the id ranges', () => {
    const text = `references:
- id: doe2020
  type: article-journal
  title: "A title: with a colon"
  author:
  - family: Doe
    given: Jane
  issued:
    date-parts:
    - [2020]
- id: "quoted"
  title: Second
`;
    const result = readCatalog(text, 'file:///ws/refs.yaml');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.papers.map((p) => [p.key, p.title, p.year]), [
      ['doe2020', 'A title: with a colon', '2020'],
      ['quoted', 'Second', undefined],
    ]);
    assert.deepEqual(result.papers[0].source.keyRange, { start: { line: 1, character: 6 }, end: { line: 1, character: 13 } });
    assert.deepEqual(result.papers[1].source.keyRange, { start: { line: 10, character: 7 }, end: { line: 10, character: 13 } });
  });

  test('broken YAML is reported, never thrown', () => {
    const result = readCatalog('- id: a\n  title: [unclosed\n', 'file:///ws/refs.yml');
    assert.ok(result.problems.length > 0);
    assert.equal(result.problems[0].code, 'catalog.parse-error');
  });
});

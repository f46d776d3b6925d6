import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCslJson, parseCslYaml } from '../../server/src/catalog/csl';
import type { Paper } from '../../server/src/catalog/paper';
import { readCatalog } from '../../server/src/catalog/readCatalog';
import { range } from '../../server/src/core/types';

const fixtures = join(__dirname, '..', 'fixtures');

function fieldsOf(paper: Paper): Omit<Paper, 'source'> {
  const { source: _source, ...fields } = paper;
  return fields;
}

describe('CSL-JSON reader', () => {
  test('the daily-papers export: 64 papers with the range of each item and of its id', () => {
    const result = readCatalog(readFileSync(join(fixtures, 'daily-papers.csl.json'), 'utf8'), 'file:///ws/papers.json');
    assert.equal(result.papers.length, 64);
    assert.deepEqual(result.problems, []);
    const feat = result.papers.find((p) => p.key === 'Feat2GS')!;
    assert.equal(feat.title, 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting');
    assert.deepEqual(feat.source.keyRange, range(8, 11, 8, 18));
    assert.deepEqual(feat.source.range, range(7, 2, 12, 3));
    assert.deepEqual(result.papers[0].source.range.start, { line: 1, character: 2 });
  });

  test('maps every field a Zotero/Better BibTeX export has', () => {
    const text = `[
  {"id": "doe2020", "type": "article-journal", "title": "Deep <i>in vivo</i> H<sub>2</sub>O imaging",
   "author": [{"family": "Doe", "given": "Jane"}, {"literal": "ACME"}, {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van", "suffix": "Jr."}],
   "editor": [{"family": "Roe", "given": "R."}],
   "issued": {"date-parts": [[2020, 5, 3]]}, "container-title": "J. X", "publisher": "Pub", "volume": "4", "issue": 2,
   "page": "10-20", "abstract": "  An\\n abstract. ", "DOI": "doi:10.1000/abc", "URL": "https://arxiv.org/abs/2401.00001",
   "keyword": "a, b; c", "note": "A note"}
]`;
    const result = parseCslJson(text, 'file:///ws/refs.json');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(fieldsOf(result.papers[0]), {
      key: 'doe2020',
      type: 'article-journal',
      title: 'Deep in vivo H₂O imaging',
      authors: [{ family: 'Doe', given: 'Jane' }, { literal: 'ACME' }, { family: 'Gogh', given: 'Vincent', particle: 'van', suffix: 'Jr.' }],
      editors: [{ family: 'Roe', given: 'R.' }],
      year: '2020',
      date: '2020-05-03',
      venue: 'J. X',
      publisher: 'Pub',
      volume: '4',
      issue: '2',
      pages: '10–20',
      abstract: 'An abstract.',
      doi: '10.1000/abc',
      url: 'https://arxiv.org/abs/2401.00001',
      arxiv: '2401.00001',
      keywords: ['a', 'b', 'c'],
      files: [],
      note: 'A note',
    });
  });

  test('a bad item is reported at its place; numeric ids and raw dates still read', () => {
    const text = `[
  {"id": "a", "title": "First"},
  {"title": "no id"},
  "not an item",
  {"id": 7, "issued": {"raw": "1999-04"}},
  {"id": "a", "title": "Again"}
]`;
    const result = parseCslJson(text, 'file:///ws/refs.json');
    assert.deepEqual(result.papers.map((p) => [p.key, p.year, p.date, p.source.keyRange]), [
      ['a', undefined, undefined, range(1, 10, 1, 11)],
      ['7', '1999', '1999-04', range(4, 9, 4, 10)],
      ['a', undefined, undefined, range(5, 10, 5, 11)],
    ]);
    assert.deepEqual(result.problems.map((p) => [p.code, p.range, p.message]), [
      ['catalog.missing-key', range(2, 2, 2, 20), 'Item 2 has no "id": CSL items need an id to be cited. Add "id: yourKey" to it; until then it is skipped.'],
      ['catalog.missing-key', range(3, 2, 3, 15), 'Item 3 has no "id": CSL items need an id to be cited. Add "id: yourKey" to it; until then it is skipped.'],
      ['catalog.duplicate-key', range(5, 10, 5, 11), "Duplicate key 'a': an item on line 2 of this file has the same id; rename one of them."],
    ]);
  });

  test('an id a note cannot cite (white space, unbalanced braces) is a problem on the id, not a paper', () => {
    // Pandoc cites any other id, bare or as @{id}: URLs from Zotero, braces that balance.
    const text = `[
  {"id": "Doe 2020", "title": "Space"},
  {"id": "a}b", "title": "Brace"},
  {"id": "http://zotero.org/users/1/items/ABCD1234", "title": "URL"},
  {"id": "{x}y", "title": "Balanced"}
]`;
    const result = parseCslJson(text, 'file:///ws/refs.json');
    assert.deepEqual(result.papers.map((p) => p.key), ['http://zotero.org/users/1/items/ABCD1234', '{x}y']);
    assert.deepEqual(result.problems.map((p) => [p.code, p.range, p.message]), [
      ['catalog.uncitable-key', range(1, 10, 1, 18), 'Pandoc cannot cite the id "Doe 2020" of item 1: a citation \'@{id}\' holds no spaces and balanced braces. Rename it; until then it is skipped.'],
      ['catalog.uncitable-key', range(2, 10, 2, 13), 'Pandoc cannot cite the id "a}b" of item 2: a citation \'@{id}\' holds no spaces and balanced braces. Rename it; until then it is skipped.'],
    ]);
    const yaml = parseCslYaml('- id: Doe 2020\n  title: Space\n- id: doe2020\n  title: Read\n', 'file:///ws/refs.yaml');
    assert.deepEqual([yaml.papers.map((p) => p.key), yaml.problems.map((p) => [p.code, p.range])], [['doe2020'], [['catalog.uncitable-key', range(0, 6, 0, 14)]]]);
  });

  test('accepts { "items": [...] } and ignores other objects beside the list', () => {
    const text = '{"meta": {"nested": {"id": "no"}}, "items": [{"id": "k1", "title": "T"}, {"title": "x", "id": "k2"}]}';
    const result = parseCslJson(text, 'file:///ws/refs.json');
    assert.deepEqual(result.papers.map((p) => [p.key, p.source.range, p.source.keyRange]), [
      ['k1', range(0, 45, 0, 71), range(0, 53, 0, 55)],
      ['k2', range(0, 73, 0, 99), range(0, 95, 0, 97)],
    ]);
  });

  test('invalid JSON: one problem at the error, no papers', () => {
    const cases: [string, ReturnType<typeof range>, string][] = [
      ['[{"id": "a",}]', range(0, 12, 0, 13), "a trailing comma before '}'"],
      ['[\n  {"id": x}\n]', range(1, 9, 1, 10), "expected a value but found 'x'"],
      ['[{"id": "a"}', range(0, 12, 0, 12), "the file ends before its ']' is closed"],
      ['[{"id": "a\nb"}]', range(0, 10, 1, 0), 'a line break or control character inside a string (escape it as \\n)'],
    ];
    for (const [text, where, reason] of cases) {
      const result = parseCslJson(text, 'file:///ws/refs.json');
      assert.deepEqual(result.papers, []);
      assert.deepEqual(result.problems, [
        { code: 'catalog.parse-error', message: `This CSL-JSON file is not valid JSON: ${reason}. Fix it there or export the catalog again.`, range: where },
      ]);
    }
  });

  test('valid JSON that is not a list of items is one problem', () => {
    const result = parseCslJson('{"id": "a"}', 'file:///ws/refs.json');
    assert.deepEqual(result.papers, []);
    assert.equal(result.problems[0].code, 'catalog.parse-error');
  });
});

describe('CSL-YAML reader', () => {
  const result = readCatalog(readFileSync(join(fixtures, 'catalogs', 'references.yaml'), 'utf8'), 'file:///ws/references.yaml');

  test("Pandoc's references: list, every item with its range and id range", () => {
    assert.deepEqual(result.papers.map((p) => [p.key, p.source.range, p.source.keyRange]), [
      ['vaswani2017', range(4, 2, 20, 34), range(4, 6, 4, 17)],
      ['beethoven:1801', range(21, 2, 36, 22), range(21, 7, 21, 21)],
      ['arxiv2401', range(38, 2, 46, 19), range(38, 7, 38, 16)],
      ['vaswani2017', range(47, 2, 48, 26), range(47, 6, 47, 17)],
    ]);
  });

  test('fields: date-parts, raw and literal dates, particles, suffix, literal names, editors, folded abstract', () => {
    assert.deepEqual(fieldsOf(result.papers[0]), {
      key: 'vaswani2017',
      type: 'paper-conference',
      title: 'Attention is all you need',
      authors: [{ family: 'Vaswani', given: 'Ashish' }, { family: 'Shazeer', given: 'Noam' }],
      year: '2017',
      date: '2017-12',
      venue: 'Advances in Neural Information Processing Systems',
      publisher: 'Curran Associates',
      volume: '30',
      pages: '5998–6008',
      doi: '10.5555/3295222.3295349',
      keywords: ['transformers', 'attention'],
      files: [],
    });
    assert.deepEqual(fieldsOf(result.papers[1]), {
      key: 'beethoven:1801',
      type: 'book',
      title: 'Sonata: quasi una fantasia',
      authors: [{ family: 'Beethoven', given: 'Ludwig', particle: 'van', suffix: 'Jr.' }, { literal: 'Vienna Philharmonic' }],
      editors: [{ family: 'Fontaine', given: 'Jean', particle: 'de la' }],
      year: '1801',
      date: '1801-03',
      note: 'Opus 27, No. 2',
      keywords: [],
      files: [],
    });
    assert.deepEqual([result.papers[2].year, result.papers[2].date, result.papers[2].abstract, result.papers[2].arxiv], [
      '2024',
      'Spring 2024',
      'Folded abstract over two lines.',
      '2401.00001v2',
    ]);
  });

  test('an item without id and a repeated id are problems at their place', () => {
    assert.deepEqual(result.problems.map((p) => [p.code, p.range]), [
      ['catalog.missing-key', range(37, 2, 37, 30)],
      ['catalog.duplicate-key', range(47, 6, 47, 17)],
    ]);
    assert.deepEqual(result.problems[1].related, [{ location: { uri: 'file:///ws/references.yaml', range: range(4, 6, 4, 17) }, message: "First definition of 'vaswani2017'" }]);
  });

  test('a plain top-level list; numbers as years', () => {
    const r = parseCslYaml('- id: a\n  issued: 2019\n- id: b\n  title: B\n', 'file:///ws/refs.yml');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.papers.map((p) => [p.key, p.year, p.title, p.source.range]), [
      ['a', '2019', undefined, range(0, 2, 1, 14)],
      ['b', undefined, 'B', range(2, 2, 3, 10)],
    ]);
  });

  test('broken YAML is reported where it breaks, never thrown', () => {
    const r = readCatalog('- id: a\n  title: [unclosed\n- id: b\n  title: {not: text}\n', 'file:///ws/refs.yml');
    assert.deepEqual(r.problems, [
      {
        code: 'catalog.parse-error',
        message: 'This CSL-YAML file has a syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix it there; the items around it still read.',
        range: range(2, 0, 2, 1),
      },
    ]);
    // A mapping where text belongs is no title (never "[object Object]").
    assert.deepEqual(r.papers.map((p) => [p.key, p.title]), [['a', 'unclosed'], ['b', undefined]]);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { latexToUnicode } from '../../server/src/catalog/latex';
import { parseNames } from '../../server/src/catalog/names';
import { shortAuthors } from '../../server/src/catalog/paper';
import { readCatalog } from '../../server/src/catalog/readCatalog';

const URI = 'file:///ws/refs.bib';
const root = join(__dirname, '..', '..');

function read(text: string) {
  return parseBibtex(text, URI);
}

function paper(text: string, key: string) {
  const found = read(text).papers.find((p) => p.key === key);
  assert.ok(found, `no paper '${key}'`);
  return found;
}

describe('BibTeX reader', () => {
  test('reads fields, names, year, venue, DOI and keeps the raw key', () => {
    const p = paper(
      `@Article{doe:2020.v2,
  Author = {Doe, Jane and John van der Smith and {Acme, Inc.}},
  TITLE = "A {Study} of {\\"O}ther {Things}",
  journal = {J. Phys.},
  year = 2020, month = may,
  doi = {https://doi.org/10.1000/XYZ.1},
  pages = {1--10},
  keywords = {sparse attention; llm, pruning},
}`,
      'doe:2020.v2',
    );
    assert.equal(p.type, 'article');
    assert.equal(p.title, 'A Study of Öther Things');
    assert.deepEqual(p.authors, [{ family: 'Doe', given: 'Jane' }, { given: 'John', family: 'Smith', particle: 'van der' }, { literal: 'Acme, Inc.' }]);
    assert.equal(p.year, '2020');
    assert.equal(p.date, '2020-05');
    assert.equal(p.venue, 'J. Phys.');
    assert.equal(p.doi, '10.1000/XYZ.1');
    assert.equal(p.pages, '1–10');
    assert.deepEqual(p.keywords, ['sparse attention', 'llm', 'pruning']);
  });

  test('gives exact ranges for the entry and its key', () => {
    const p = paper('% header\n\n  @misc{k1,\n  title = {T}\n}\n', 'k1');
    assert.deepEqual(p.source.range, { start: { line: 2, character: 2 }, end: { line: 4, character: 1 } });
    assert.deepEqual(p.source.keyRange, { start: { line: 2, character: 8 }, end: { line: 2, character: 10 } });
  });

  test('expands @string macros, # concatenation and month macros', () => {
    const p = paper(
      `@string{prl = {Phys. Rev. Lett.}}
@STRING(pre = "Proc. ")
@inproceedings{a, booktitle = pre # {of } # prl, month = dec, year = {1999}, title = x # "y"}`,
      'a',
    );
    assert.equal(p.venue, 'Proc. of Phys. Rev. Lett.');
    assert.equal(p.date, '1999-12');
  });

  test('reports an undefined macro where it is used and keeps the entry', () => {
    const result = read('@article{a, journal = nosuch, title = {T}}');
    assert.equal(result.papers.length, 1);
    assert.equal(result.problems[0].code, 'catalog.undefined-macro');
    assert.match(result.problems[0].message, /'nosuch' is not a defined @string macro/);
    assert.deepEqual(result.problems[0].range, { start: { line: 0, character: 22 }, end: { line: 0, character: 28 } });
  });

  test('inherits crossref and xdata fields; the parent title becomes the booktitle; cycles end', () => {
    const text = `@inproceedings{child, title = {Child}, crossref = {Proc}}
@proceedings{proc, title = {Proceedings of X}, year = 2001, publisher = {ACM}}
@xdata{pub, publisher = {Springer}}
@book{b, title = {B}, xdata = {pub}}
@misc{c1, crossref = {c2}}
@misc{c2, crossref = {c1}, title = {Loop}}`;
    const result = read(text);
    const child = result.papers.find((p) => p.key === 'child')!;
    assert.equal(child.venue, 'Proceedings of X');
    assert.equal(child.year, '2001');
    assert.equal(child.publisher, 'ACM');
    assert.equal(result.papers.find((p) => p.key === 'b')!.publisher, 'Springer');
    assert.equal(result.papers.find((p) => p.key === 'c1')!.title, 'Loop');
  });

  test('skips @comment, @preamble, text between entries and commented-out entries', () => {
    const result = read(`Some text with an e-mail a@b.org.
@comment{ @article{no, title = {x}} }
@preamble{ "\\newcommand{\\x}{y}" }
% @article{commented, title = {gone}}
@misc{yes,
  % note = {a commented-out field},
  title = {Kept}
}`);
    assert.deepEqual(result.papers.map((p) => p.key), ['yes']);
    assert.equal(result.papers[0].note, undefined);
    assert.deepEqual(result.problems, []);
  });

  test('reads () delimiters, quoted values with braces, bare numbers and nested braces', () => {
    const p = paper('@article(k, title = "A {"}quoted{"} {and {nested {braces}}}", volume = 12)', 'k');
    assert.equal(p.title, 'A "quoted" and nested braces');
    assert.equal(p.volume, '12');
  });

  test('an unclosed entry is reported and the next entry still reads', () => {
    const result = read(`@article{broken,
  title = {Never closed,
  year = 2020

@article{fine, title = {Fine}}
`);
    assert.deepEqual(result.papers.map((p) => p.key), ['fine']);
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0].code, 'catalog.parse-error');
    assert.match(result.problems[0].message, /Entry 'broken' is not closed/);
    assert.equal(result.problems[0].range.start.line, 1);
  });

  test('an entry without a key and a field without = are reported at their place', () => {
    const result = read(`@article{title = {No key}}
@article{k2, title {missing equals}}
@article{ok, title = {OK}}`);
    assert.deepEqual(result.papers.map((p) => p.key), ['ok']);
    assert.deepEqual(result.problems.map((p) => [p.code, p.range.start.line]), [
      ['catalog.missing-key', 0],
      ['catalog.parse-error', 1],
    ]);
    assert.match(result.problems[1].message, /field 'title' has no '='/);
  });

  test('duplicate keys in one file: both papers read, the second reported with the first as related', () => {
    const result = read('@misc{dup, title = {One}}\n@misc{dup, title = {Two}}');
    assert.equal(result.papers.length, 2);
    assert.equal(result.problems[0].code, 'catalog.duplicate-key');
    assert.equal(result.problems[0].range.start.line, 1);
    assert.equal(result.problems[0].related?.[0].location.range.start.line, 0);
  });

  test('arXiv ids from eprint, from the URL and from an arXiv DOI; files from Zotero file fields', () => {
    const text = `@misc{a, eprint = {2401.01234}, archivePrefix = {arXiv}}
@misc{b, url = {https://arxiv.org/abs/2312.00001v2}}
@misc{c, doi = {10.48550/arXiv.2205.12345}}
@misc{d, file = {Full Text:files/12/paper.pdf:application/pdf;Snapshot:files/13/page.html:text/html}}`;
    const papers = read(text).papers;
    assert.deepEqual(papers.map((p) => p.arxiv), ['2401.01234', '2312.00001v2', '2205.12345', undefined]);
    assert.deepEqual(papers[3].files, ['files/12/paper.pdf', 'files/13/page.html']);
  });

  test('BibLaTeX date field gives the year; JabRef groups are keywords', () => {
    const p = paper('@online{k, date = {2024-05}, groups = {Reading, LLM}}', 'k');
    assert.equal(p.year, '2024');
    assert.equal(p.date, '2024-05');
    assert.deepEqual(p.keywords, ['Reading', 'LLM']);
  });

  test('the demo catalog: 64 papers, protective braces removed, no problems', () => {
    const result = readCatalog(readFileSync(join(root, 'examples/demo/papers.bib'), 'utf8'), 'file:///demo/papers.bib');
    assert.equal(result.papers.length, 64);
    assert.deepEqual(result.problems, []);
    assert.equal(result.papers.find((p) => p.key === 'S2FT')?.title, 'S²FT: Efficient, Scalable and Generalizable LLM Fine-tuning by Structured Sparsity');
    assert.equal(result.papers.find((p) => p.key === 'PEMF-VVTO')?.title, 'PEMF-VVTO: Point-Enhanced Video Virtual Try-on via Mask-free Paradigm');
    assert.equal(result.papers.find((p) => p.key === 'beyondEll1')?.title, 'Beyond ell_1 sparse coding in V1');
  });

  test('the whole bibliotex collection reads without losing an entry', { skip: !existsSync('/work/shared/data/bibliotex') && 'bibliotex not present' }, () => {
    const dir = join(root, '..', 'shared', 'data', 'bibliotex', 'references');
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.bib') && files.push(join(d, n))));
    walk(existsSync(dir) ? dir : '/work/shared/data/bibliotex/references');
    let entries = 0;
    let accounted = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Entry starts at a line start, not commented out, not @string/@comment/@preamble.
      entries += (text.match(/^[ \t\uFEFF]*@(?!string|comment|preamble)[A-Za-z]+\s*[{(]/gim) ?? []).length;
      const result = readCatalog(text, `file://${file}`);
      accounted += result.papers.length + result.problems.filter((p) => p.code !== 'catalog.duplicate-key' && p.code !== 'catalog.undefined-macro').length;
    }
    assert.ok(files.length > 500);
    assert.equal(accounted, entries);
  });
});

describe('LaTeX to Unicode', () => {
  const cases: [string, string][] = [
    ['{\\"o}', 'ö'], ['\\"{o}', 'ö'], ['\\"o', 'ö'], ["{\\'e}", 'é'], ['\\c{c}', 'ç'], ['\\v{s}', 'š'], ['\\~n', 'ñ'],
    ['\\^o', 'ô'], ['\\=a', 'ā'], ['\\.z', 'ż'], ['\\u{g}', 'ğ'], ['Erd\\H{o}s', 'Erdős'], ['\\r{a}', 'å'], ['\\k{a}', 'ą'],
    ["\\'{\\i}", 'í'], ['\\ss{}', 'ß'], ['\\o', 'ø'], ['\\AE', 'Æ'], ['\\l', 'ł'], ['pp. 1--10', 'pp. 1–10'], ['a---b', 'a—b'],
    ['\\& \\% \\$ \\# \\_ \\{ \\}', '& % $ # _ { }'], ['a~b', 'a\u00a0b'], ['\\emph{Hi} {\\em there}', 'Hi there'],
    ['S\\textsuperscript{2}FT', 'S²FT'], ['$x^2$ and $\\alpha_{1}$', 'x² and α₁'], ['\\SI{1.2}{\\milli\\kelvin}', '1.2\u00a0mK'],
    ['\\ch{^{8}Li}', '⁸Li'], ['\\href{http://x.org}{the text}', 'the text'], ['\\url{https://a.org/x_y}', 'https://a.org/x_y'],
    ['{{PEMF}-{VVTO}}', 'PEMF-VVTO'], ['  many\n  spaces ', 'many spaces'], ['\\unknowncommand{kept} \\dropped', 'kept'],
    ['unbalanced { brace', 'unbalanced brace'], ['trailing \\', 'trailing'],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(latexToUnicode(input), expected));
});

describe('BibTeX names', () => {
  test('the BibTeX forms', () => {
    assert.deepEqual(parseNames('Last, First and First Last and {Company, Inc.} and others'), [
      { family: 'Last', given: 'First' },
      { family: 'Last', given: 'First' },
      { literal: 'Company, Inc.' },
      { literal: 'others' },
    ]);
    assert.deepEqual(parseNames('Ludwig van Beethoven AND van Beethoven, Ludwig'), [
      { given: 'Ludwig', particle: 'van', family: 'Beethoven' },
      { given: 'Ludwig', particle: 'van', family: 'Beethoven' },
    ]);
    assert.deepEqual(parseNames('Ford, Jr, Henry'), [{ family: 'Ford', suffix: 'Jr', given: 'Henry' }]);
    assert.deepEqual(parseNames('G{\\"o}del, Kurt'), [{ family: 'Gödel', given: 'Kurt' }]);
    assert.deepEqual(parseNames('{Barnes and Noble}'), [{ literal: 'Barnes and Noble' }]);
  });

  test('"and others" reads as et al.', () => {
    assert.equal(shortAuthors(parseNames('Zyla, P. A. and others')), 'Zyla et al.');
    assert.equal(shortAuthors(parseNames('Doe, J. and Roe, R.')), 'Doe and Roe');
  });
});

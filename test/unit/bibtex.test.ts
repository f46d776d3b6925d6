import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import type { Paper } from '../../server/src/catalog/paper';
import { shortAuthors } from '../../server/src/catalog/paper';
import { latexToUnicode } from '../../server/src/catalog/latex';
import { readCatalog } from '../../server/src/catalog/readCatalog';
import { range } from '../../server/src/core/types';

const URI = 'file:///ws/refs.bib';
const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'catalogs');
const BIBLIOTEX = '/work/shared/data/bibliotex';
/** The problems that stand for an entry the reader did not make a paper of. */
const ENTRY_NOT_READ = new Set(['catalog.parse-error', 'catalog.missing-type', 'catalog.missing-key', 'catalog.uncitable-key']);

function read(text: string) {
  return parseBibtex(text, URI);
}

function fixture(name: string) {
  return parseBibtex(readFileSync(join(fixtures, name), 'utf8'), `file:///ws/${name}`);
}

function paperOf(papers: Paper[], key: string): Paper {
  const found = papers.find((p) => p.key === key);
  assert.ok(found, `no paper '${key}'`);
  return found;
}

/** Everything but the source, for exact comparisons of what a user reads. */
function fieldsOf(paper: Paper): Omit<Paper, 'source'> {
  const { source: _source, ...fields } = paper;
  return fields;
}

describe('BibTeX reader: the tricky fixture', () => {
  const result = fixture('tricky.bib');

  test('reads every entry in order; comments, @string, @preamble, @comment, @xdata and % lines give no paper', () => {
    assert.deepEqual(
      result.papers.map((p) => p.key),
      ['vaswani:2017/attention+v2.1', 'knuth-tex', 'child', 'arxiv:2401.00001', 'parentbook', 'loop1', 'loop2', 'dup', 'dup'],
    );
  });

  test('@string macros with # concatenation, month macros, bare numbers, "and others", a commented-out field', () => {
    const p = paperOf(result.papers, 'vaswani:2017/attention+v2.1');
    assert.deepEqual(fieldsOf(p), {
      key: 'vaswani:2017/attention+v2.1',
      type: 'inproceedings',
      title: 'Attention Is All You Need',
      authors: [{ family: 'Vaswani', given: 'Ashish' }, { family: 'Shazeer', given: 'Noam' }, { literal: 'others' }],
      year: '2017',
      date: '2017-12',
      venue: 'Advances in Proceedings of the International Conference on Machine Learning',
      publisher: 'PMLR',
      pages: '5998–6008',
      keywords: ['transformers', 'attention', 'NLP'],
      files: [],
    });
    assert.equal(shortAuthors(p.authors), 'Vaswani et al.');
  });

  test('() delimiters, quoted values with braces and quotes, accents in names, DOI prefix, JabRef file and groups', () => {
    assert.deepEqual(fieldsOf(paperOf(result.papers, 'knuth-tex')), {
      key: 'knuth-tex',
      type: 'article',
      title: 'The TeXbook: a “über” guide—with nested braces and "quotes"',
      authors: [
        { family: 'Knuth', given: 'Donald E.' },
        { family: 'Çelik', given: 'Özgür' },
        { family: 'Beethoven', given: 'Ludwig', particle: 'van', suffix: 'Jr' },
      ],
      venue: 'Comput. J.',
      volume: '27',
      issue: '2',
      doi: '10.1093/comjnl/27.2.97',
      keywords: ['Typesetting'],
      files: [':papers/knuth.pdf:PDF', 'Snapshot:web/knuth.html:text/html'],
    });
  });

  test('crossref to a later entry: child fields win, the book title becomes the venue, editors and year inherited', () => {
    assert.deepEqual(fieldsOf(paperOf(result.papers, 'child')), {
      key: 'child',
      type: 'incollection',
      title: 'A Chapter',
      authors: [{ family: 'Doe', given: 'Jane' }],
      editors: [{ family: 'Roe', given: 'Richard' }, { literal: 'ACME Corp.' }],
      year: '2001',
      venue: 'The Big Book',
      publisher: 'Big Press',
      pages: '10–20',
      keywords: [],
      files: [],
    });
  });

  test('BibLaTeX: date, eprint + eprinttype, tags, xdata, math in the title', () => {
    assert.deepEqual(fieldsOf(paperOf(result.papers, 'arxiv:2401.00001')), {
      key: 'arxiv:2401.00001',
      type: 'online',
      title: 'An arXiv Preprint on α-Helices with Style',
      authors: [{ family: 'Smith', given: 'John' }],
      year: '2024',
      date: '2024-05-17',
      publisher: 'Open Archive',
      url: 'https://arxiv.org/abs/2401.00001v3',
      arxiv: '2401.00001',
      note: 'Shared via xdata',
      keywords: ['proteins', 'reading-list'],
      files: [],
    });
  });

  test('a crossref cycle ends: each entry gets the fields the other has', () => {
    assert.deepEqual([paperOf(result.papers, 'loop1').year, paperOf(result.papers, 'loop2').title], ['1999', 'First of a loop']);
  });

  test('entry and key ranges: from @ to the closing delimiter, and the raw key', () => {
    const p = paperOf(result.papers, 'vaswani:2017/attention+v2.1');
    assert.deepEqual(p.source, { uri: 'file:///ws/tricky.bib', range: range(8, 0, 18, 1), keyRange: range(8, 15, 8, 42) });
    assert.deepEqual(paperOf(result.papers, 'knuth-tex').source.range, range(20, 0, 28, 1));
  });

  test('a key twice in one file: both papers, one problem at the second key pointing at the first', () => {
    assert.deepEqual(
      result.papers.filter((p) => p.key === 'dup').map((p) => p.title),
      ['First dup', 'Second dup'],
    );
    assert.deepEqual(result.problems, [
      {
        code: 'catalog.duplicate-key',
        message: "Duplicate key 'dup': an entry on line 61 of this file has the same key; rename one of them.",
        range: range(61, 6, 61, 9),
        related: [{ location: { uri: 'file:///ws/tricky.bib', range: range(60, 6, 60, 9) }, message: "First definition of 'dup'" }],
      },
    ]);
  });
});

describe('BibTeX reader: broken entries', () => {
  const result = fixture('broken.bib');

  test('every good entry survives its broken neighbours', () => {
    assert.deepEqual(result.papers.map((p) => p.key), ['good1', 'undefinedMacro', 'good2', 'good3']);
    assert.equal(paperOf(result.papers, 'undefinedMacro').title, 'Still read');
  });

  test('each problem is at its place with a message saying what to do', () => {
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.range, p.message]),
      [
        ['catalog.missing-key', range(2, 0, 2, 9), "Entry '@article' has no citation key: write '@article{key, ...}'. The entry is skipped."],
        ['catalog.parse-error', range(4, 19, 4, 25), "Entry 'noequals': field 'title' has no '=' after its name; write 'title = {...}'. The entry is skipped."],
        [
          'catalog.undefined-macro',
          range(6, 35, 6, 48),
          "Entry 'undefinedMacro': 'nosuchjournal' is not a defined @string macro; define it with @string{nosuchjournal = {...}} or put the value in braces.",
        ],
        [
          'catalog.parse-error',
          range(9, 10, 11, 0),
          "Entry 'unclosed' is not closed: the value that starts here has no closing '}' before the next entry; add it. The entry is skipped.",
        ],
        ['catalog.parse-error', range(14, 25, 14, 38), "Entry 'quoted': the quoted value that starts here runs to a '}' without its '{' (line 15); close the quote or balance the braces. The entry is skipped."],
        ['catalog.parse-error', range(18, 0, 19, 0), "Entry 'atEnd' is not closed: add a '}' at its end. The entry is skipped."],
      ],
    );
  });

  test('an entry whose last field is complete but whose brace is missing stops at the next line starting with @', () => {
    const r = read('@article{a,\n  title = {A},\n@article{b, title = {B}}\n');
    assert.deepEqual(r.papers.map((p) => p.key), ['b']);
    assert.deepEqual(r.problems.map((p) => [p.range, p.message]), [[range(0, 0, 2, 0), "Entry 'a' is not closed: add a '}' before the next entry. The entry is skipped."]]);
  });

  test('an unbalanced @comment is reported on its first line and the next entry still reads', () => {
    const r = read('@comment{ unbalanced \\{ brace }\n@misc{k, title = {K}}\n');
    assert.deepEqual(r.papers.map((p) => p.key), ['k']);
    assert.equal(r.problems.length, 1);
    assert.deepEqual(r.problems[0].range, range(0, 0, 0, 31));
    assert.match(r.problems[0].message, /This @comment is not closed/);
  });

  // Inputs that are quadratic in a naive reader (minutes at these sizes); here they finish at once.
  test('many @ on one long line, many unclosed entries, long crossref chains: linear and complete', () => {
    assert.deepEqual(read('mail x@y.org '.repeat(200_000)), { uri: URI, papers: [], problems: [] });
    const unclosed = read('@misc{k, title = {\n'.repeat(20_000));
    assert.deepEqual([unclosed.papers.length, unclosed.problems.length], [0, 20_000]);
    let chain = '';
    for (let i = 0; i < 5_000; i++) chain += `@misc{k${i}, crossref = {k${i + 1}}}\n`;
    chain += '@misc{k5000, title = {Root}}\n';
    const papers = read(chain).papers;
    // BibTeX-style inheritance is bounded (32 levels): near entries inherit, the far end stops.
    assert.deepEqual([papers.length, papers[4_990].title, papers[0].title], [5_001, 'Root', undefined]);
  });

  // The reader skips decoding for values it saw are plain; that shortcut must never change a title.
  test('a field reads as latexToUnicode of its raw text, for any text', () => {
    const alphabet = fc.constantFrom('a', 'Z', ' ', '  ', '\t', '\n', '\\', '$', '~', '-', '--', '`', "'", '^', '_', 'é', '"o', '%');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join('')), (raw) => {
        const title = read(`@misc{k, title = {${raw}}}`).papers[0]?.title;
        assert.equal(title, latexToUnicode(raw) || undefined);
      }),
      { numRuns: 2000 },
    );
  });

  test('garbage never throws', () => {
    for (const text of ['@', '@{', '@article', '@article{', '@article{k', '@article{k,', '@article{k, title', '@article{k, title =', '@article{k, title = {', '@string{', '@string{x', '@string{x = ', '}}}}', '@article{k, a = b # }', '\u0000@misc{\u0000}']) {
      const r = read(text);
      assert.ok(Array.isArray(r.papers) && Array.isArray(r.problems), text);
    }
  });
});

describe('BibTeX reader: malformed entry heads', () => {
  /** Each problem as a user sees it: code, the text its range covers, message. */
  function problemsOf(text: string): [string, string, string][] {
    const lines = text.split('\n');
    const cut = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
      r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : `${lines[r.start.line].slice(r.start.character)}…`;
    return read(text).problems.map((p) => [p.code, cut(p.range), p.message]);
  }

  // As the ACL Anthology's full export has them: 403 volume stubs with no entry type between real entries.
  const acl = String.raw`@inproceedings{barriere-etal-2023-findings,
    title = "Findings of {WASSA} 2023 Shared Task on Empathy, Emotion and Personality Detection",
    author = "Barriere, Valentin  and
      Sedoc, Jo{\~a}o",
    booktitle = "Proceedings of the 13th Workshop on Computational Approaches to Subjectivity, Sentiment, {\&} Social Media Analysis",
    month = jul,
    year = "2023",
    pages = "511--525",
}
@{WASSA,
}
@inproceedings{lee-etal-2023-empathy,
    title = "Empathy Identification Systems are not Accurately Accounting for Context",
    author = "Lee, Andrew  and
      Kummerfeld, Jonathan K.",
    year = "2023",
}
`;

  test('no entry type (`@{WASSA,`): a problem on its head, not a paper; the entries after it read', () => {
    assert.deepEqual(read(acl).papers.map((p) => [p.key, p.title]), [
      ['barriere-etal-2023-findings', 'Findings of WASSA 2023 Shared Task on Empathy, Emotion and Personality Detection'],
      ['lee-etal-2023-empathy', 'Empathy Identification Systems are not Accurately Accounting for Context'],
    ]);
    assert.deepEqual(read(acl).problems.map((p) => [p.code, p.range]), [['catalog.missing-type', range(9, 0, 9, 7)]]);
    assert.deepEqual(problemsOf(acl), [
      ['catalog.missing-type', '@{WASSA', "Entry 'WASSA' has no type: write it after the '@', e.g. '@article{WASSA,' or '@inproceedings{WASSA,'. The entry is skipped."],
    ]);
  });

  test('no entry type: with fields, with spaces, without a key, with parentheses at a line start', () => {
    const text = '@ {smith2020,\n  title = {Lost type},\n}\n@{ }\n@(jones, title = {J})\n@misc{ok, title = {Read}}\n';
    assert.deepEqual(read(text).papers.map((p) => p.key), ['ok']);
    assert.deepEqual(
      problemsOf(text).map(([code, covered]) => [code, covered]),
      [
        ['catalog.missing-type', '@ {smith2020'],
        ['catalog.missing-type', '@{'],
        ['catalog.missing-type', '@(jones'],
      ],
    );
    assert.equal(problemsOf(text)[1][2], "This entry has no type and no key: an entry is written '@type{key, field = {value}}', e.g. '@article{smith2020, ...}'. The entry is skipped.");
  });

  test('an @ in text between entries is no entry: e-mail addresses, `@(at)` inside a line, a lone @', () => {
    const text = 'Exported by jane@example.org; write to jane @(at) example.org or @jane.\n@\n@misc{ok, title = {Read}}\n';
    assert.deepEqual([read(text).papers.map((p) => p.key), read(text).problems], [['ok'], []]);
  });

  test('a missing or empty key: the problem covers `@type{`, whatever follows', () => {
    const text = '@article{,\n  title = {Empty key}}\n@article{ title = {A field first}}\n@inproceedings{title={No space}, year = 2020}\n@book{author="Doe, J.", year=2020}\n@misc(, title = {Parentheses})\n@misc{ok, title = {Read}}\n';
    assert.deepEqual(read(text).papers.map((p) => p.key), ['ok']);
    assert.deepEqual(problemsOf(text), [
      ['catalog.missing-key', '@article{', "Entry '@article' has no citation key: write '@article{key, ...}'. The entry is skipped."],
      ['catalog.missing-key', '@article{', "Entry '@article' has no citation key: 'title' after the '{' is its first field. Write '@article{key, title = ...}'. The entry is skipped."],
      ['catalog.missing-key', '@inproceedings{', "Entry '@inproceedings' has no citation key: 'title' after the '{' is its first field. Write '@inproceedings{key, title = ...}'. The entry is skipped."],
      ['catalog.missing-key', '@book{', "Entry '@book' has no citation key: 'author' after the '{' is its first field. Write '@book{key, author = ...}'. The entry is skipped."],
      ['catalog.missing-key', '@misc(', "Entry '@misc' has no citation key: write '@misc{key, ...}'. The entry is skipped."],
    ]);
  });

  test('a key Pandoc cannot cite (`@schr{\\"o,}` in a personal library) is a problem on its head, not a paper', () => {
    // Text between entries is a comment to BibTeX, but an @ in it starts an entry.
    const text = String.raw`Notes on Schr@schr{\"o,}dinger's equation
@article{schrodinger1926,
  title = {Quantisierung als {E}igenwertproblem},
  author = {Schr{\"o}dinger, Erwin},
  year = {1926},
}
`;
    assert.deepEqual(read(text).papers.map((p) => [p.key, p.title]), [['schrodinger1926', 'Quantisierung als Eigenwertproblem']]);
    assert.deepEqual(problemsOf(text), [
      [
        'catalog.uncitable-key',
        String.raw`@schr{\"o`,
        String.raw`Pandoc cannot cite the key '\"o' of this @schr entry: it holds '\', and a key is letters, digits and . : ; ? ! ` + "` ' ( ) / * @ _ + = - [ ] &. Rename it, or take out the '@' if this is not an entry. The entry is skipped.",
      ],
    ]);
  });

  // Pandoc's BibTeX reader (isBibtexKeyChar): letters and digits of any script and .:;?!`'()/*@_+=-[]&.
  test('citable keys: every character Pandoc reads in a key, Unicode letters and digits, DBLP and Zotero keys', () => {
    const keys = [
      'smith2020', '_private', '2020smith', 'DBLP:conf/nips/VaswaniSPUJGKP17', 'doe.2020:a;b?c!d`e\'f(g)h/i*j@k_l+m=n-o[p]q&r',
      'Räisänen2014', 'Ζήνων', '李2020', 'x²', 'trailing.', 'http://zotero.org/users/1/items/ABCD1234',
    ];
    const text = keys.map((key) => `@misc{${key}, title = {T}}`).join('\n');
    assert.deepEqual([read(text).papers.map((p) => p.key), read(text).problems], [keys, []]);
  });

  test('uncitable keys: each character Pandoc does not read in a key, one problem naming it', () => {
    const bad = ['#', '$', '%', '~', '^', '|', '<', '>', '"', '\\', '\u00a0', '\u0301', '\u0000', '\u{1F600}'];
    const text = bad.map((ch, i) => `@misc{k${i}${ch}x, title = {T}}`).join('\n') + '\n@misc{ok, title = {T}}';
    assert.deepEqual(read(text).papers.map((p) => p.key), ['ok']);
    assert.deepEqual(
      read(text).problems.map((p) => [p.code, p.range.start.line, /it holds (.*?), and/.exec(p.message)?.[1]]),
      bad.map((ch, i) => ['catalog.uncitable-key', i, /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) ? `'${ch}'` : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`]),
    );
  });
});

describe('BibTeX reader: details', () => {
  test('an undefined macro is reported where it is used; the entry keeps the word', () => {
    const result = read('@article{a, journal = nosuch, title = {T}}');
    assert.deepEqual(result.papers.map((p) => [p.key, p.venue]), [['a', 'nosuch']]);
    assert.deepEqual(result.problems.map((p) => [p.code, p.range]), [['catalog.undefined-macro', range(0, 22, 0, 28)]]);
  });

  test('month macros and month numbers give the date; the year is the four digits', () => {
    const papers = read('@misc{a, year = 2020, month = may}\n@misc{b, year = {2021}, month = {7}}\n@misc{c, year = {c. 1887}}').papers;
    assert.deepEqual(papers.map((p) => [p.year, p.date]), [['2020', '2020-05'], ['2021', '2021-07'], ['1887', undefined]]);
  });

  test('arXiv ids from eprint + archivePrefix, from an arxiv.org URL and from an arXiv DOI', () => {
    const papers = read(`@misc{a, eprint = {2401.01234}, archivePrefix = {arXiv}}
@misc{b, url = {https://arxiv.org/pdf/2312.00001v2}}
@misc{c, doi = {10.48550/arXiv.2205.12345}}
@misc{d, eprint = {hep-th/9901001}, eprinttype = {arXiv}}
@misc{e, eprint = {12345}, eprinttype = {pubmed}}`).papers;
    assert.deepEqual(papers.map((p) => p.arxiv), ['2401.01234', '2312.00001v2', '2205.12345', 'hep-th/9901001', undefined]);
    assert.equal(papers[2].doi, '10.48550/arXiv.2205.12345');
  });

  test('Zotero file fields: one entry per attachment, as written; keywords split on , and ; without duplicates', () => {
    const p = read('@misc{d, file = {Full Text:files/12/paper.pdf:application/pdf;Snapshot:files/13/page.html:text/html}, keywords = {a; b, A}}').papers[0];
    assert.deepEqual([p.files, p.keywords], [['Full Text:files/12/paper.pdf:application/pdf', 'Snapshot:files/13/page.html:text/html'], ['a', 'b']]);
  });

  test('field and entry names are case-insensitive; values of an unknown field are ignored', () => {
    const p = read('@ARTICLE{K, TiTlE = {T}, JOURNAL = {J}, Whatever = {x}}').papers[0];
    assert.deepEqual([p.type, p.key, p.title, p.venue], ['article', 'K', 'T', 'J']);
  });

  test('a byte-order mark is not a character (editors hide it); CRLF line ends', () => {
    const p = readCatalog('\uFEFF@misc{k,\r\n  title = {T}\r\n}\r\n', URI).papers[0];
    assert.deepEqual(p.source, { uri: URI, range: range(0, 0, 2, 1), keyRange: range(0, 6, 0, 7) });
  });

  test('UTF-16 positions: characters before a key on its line count in code units', () => {
    const p = read('% 😀\n  @misc{ключ, title = {Ü}}').papers[0];
    assert.deepEqual(p.source.keyRange, range(1, 8, 1, 12));
    assert.equal(p.title, 'Ü');
  });
});

describe('BibTeX reader: real catalogs', () => {
  test('the demo catalog: 64 papers, protective braces removed, no problems', () => {
    const result = readCatalog(readFileSync(join(root, 'examples/demo/papers.bib'), 'utf8'), 'file:///demo/papers.bib');
    assert.equal(result.papers.length, 64);
    assert.deepEqual(result.problems, []);
    assert.equal(paperOf(result.papers, 'S2FT').title, 'S²FT: Efficient, Scalable and Generalizable LLM Fine-tuning by Structured Sparsity');
    assert.equal(paperOf(result.papers, 'Feat2GS').title, 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting');
    assert.equal(paperOf(result.papers, 'PEMF-VVTO').title, 'PEMF-VVTO: Point-Enhanced Video Virtual Try-on via Mask-free Paradigm');
    assert.equal(paperOf(result.papers, 'beyondEll1').title, 'Beyond ell_1 sparse coding in V1');
  });

  test('bibliotex excerpt: chemformula, Greek letters, quoted values, commented-out fields', () => {
    const lixtis2 = fixture('bibliotex/LixTiS2.bib');
    assert.equal(lixtis2.papers.length, 22);
    assert.deepEqual(lixtis2.problems, []);
    assert.equal(
      paperOf(lixtis2.papers, '1976-Silbernagel-JCP-64-3670').title,
      'An NMR study of the alkali metal intercalation phase LiₓTiS₂: Relation to structure, thermodynamics, and ionicity',
    );
    assert.equal(paperOf(lixtis2.papers, '1980-Kleinberg-SSC-36-345').title, 'Lithium motion in Li₀.₃₃TiS₂ and Li₀.₉₄TiS₂');
    assert.equal(paperOf(lixtis2.papers, '1994-Kuchler-SSI-70-434').title, '⁷Li NMR relaxation by diffusion in hexagonal and cubic LiₓTiS₂');
    assert.deepEqual(paperOf(lixtis2.papers, '1995-Prigge-ZPC-189-153').authors, [
      { family: 'Prigge', given: 'C.' },
      { family: 'Müller-Warmuth', given: 'W.' },
      { family: 'Schöllhorn', given: 'R.' },
    ]);
    assert.equal(paperOf(lixtis2.papers, '1999-Winter-NM-12-883').pages, '883–886');

    const preprints = fixture('bibliotex/preprints.bib');
    assert.equal(preprints.papers.length, 17);
    const p = paperOf(preprints.papers, 'arXiv:1810.12537');
    assert.equal(p.title, 'Bi-Arrhenius diffusion and surface trapping of ⁸Li⁺ in rutile TiO₂');
    assert.equal(p.arxiv, '1810.12537');

    const rpp = fixture('bibliotex/rpp.bib');
    assert.deepEqual(rpp.papers.map((q) => [q.key, q.authors.length, shortAuthors(q.authors)]), [
      ['2020-Zyla-PTEP-2020-083C01', 242, 'Zyla et al.'],
      ['2020-Zyla-PTEP-2020-083C01-short', 2, 'Zyla et al.'],
      ['2022-Workman-PTEP-2022-083C01', 238, 'Workman et al.'],
      ['2022-Workman-PTEP-2022-083C01-short', 2, 'Workman et al.'],
    ]);
    // `% note = {083C01},` is commented out in the file.
    assert.equal(rpp.papers[0].note, undefined);
    assert.deepEqual(paperOf(rpp.papers, '2020-Zyla-PTEP-2020-083C01').authors.find((a) => a.family === 'Gouvêa'), { family: 'Gouvêa', given: 'A', particle: 'de' });

    const meanFreePath = fixture('bibliotex/mean-free-path.bib');
    assert.deepEqual(meanFreePath.papers.map((q) => [q.key, q.publisher, q.date]), [
      ['1950-Sondheimer-AP-1-1', 'Taylor & Francis', undefined],
      ['2016-Gall-JAP-119-085101', undefined, undefined],
      ['2018-Gall-IITC-157', 'IEEE', '2018-06'],
    ]);
  });

  test('the whole bibliotex collection: no entry lost, no exception', { skip: !existsSync(BIBLIOTEX) && 'bibliotex not present' }, () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.bib')) files.push(path);
      }
    };
    walk(BIBLIOTEX);
    let entries = 0;
    let accounted = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Entries start a line (not commented out); @string/@comment/@preamble/@xdata are not papers.
      entries += (text.match(/^[ \t\uFEFF]*@(?!string|comment|preamble|xdata)[A-Za-z]+\s*[{(]/gim) ?? []).length;
      const result = readCatalog(text, `file://${file}`);
      accounted += result.papers.length + result.problems.filter((p) => ENTRY_NOT_READ.has(p.code)).length;
    }
    assert.equal(files.length, 517);
    assert.equal(accounted, entries);
  });
});

describe('readCatalog', () => {
  test('dispatches on the file name; BibTeX when the extension is unknown', () => {
    const bib = '@misc{b, title = {B}}';
    const json = '[{"id": "j", "title": "J"}]';
    const yaml = '- id: y\n  title: Y\n';
    assert.deepEqual(
      [
        readCatalog(bib, 'file:///ws/refs.bib'),
        readCatalog(bib, 'file:///ws/refs.BibLaTeX'),
        readCatalog(bib, 'file:///ws/refs.txt'),
        readCatalog(json, 'file:///ws/refs.csl.json'),
        readCatalog(yaml, 'file:///ws/refs.yml'),
      ].map((r) => r.papers.map((p) => [p.key, p.title])),
      [[['b', 'B']], [['b', 'B']], [['b', 'B']], [['j', 'J']], [['y', 'Y']]],
    );
  });
});

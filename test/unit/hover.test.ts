import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { provideHover } from '../../server/src/features/hover';
import { fixture, uriOf, where } from './fixture';
import { showTopics } from './topicFixture';

const catalog = `%! refs.bib
@article{doe2020, title = {Sparse Attention for Long Documents}, author = {Doe, Jane and Roe, Richard}, year = 2020, journal = {Journal of Sparse Things},
  doi = {10.1000/sparse.1}, url = {https://example.org/sparse},
  abstract = {We make attention sparse. Code: https://github.com/doe/sparse. Project page: https://doe.github.io/sparse/.},
  keywords = {attention, sparsity}}
@misc{bare, title = {Bare Minimum}}
`;

function hoverAt(spec: string) {
  const f = fixture(spec);
  const hover = provideHover(f.model, f.cursor!.uri, f.cursor!.position);
  return { hover, f };
}

describe('hover', () => {
  test('on a citation: title, authors, year, venue, abstract, links, keywords, cited count; range = the citation', () => {
    const { hover } = hoverAt(catalog + '%! notes/a.md\nSee [@do|e2020, p. 3].\n%! notes/b.md\n@doe2020\n');
    assert.equal(
      hover!.contents.value,
      [
        '**Sparse Attention for Long Documents**',
        'Jane Doe, Richard Roe · 2020 · *Journal of Sparse Things*',
        'We make attention sparse. Code: https://github.com/doe/sparse. Project page: https://doe.github.io/sparse/.',
        'DOI [10.1000/sparse.1](https://doi.org/10.1000/sparse.1) · URL [example.org/sparse](https://example.org/sparse) · Code [github.com/doe/sparse](https://github.com/doe/sparse) · Page [doe.github.io/sparse](https://doe.github.io/sparse/)',
        'Keywords: attention, sparsity',
        'Cited in 2 notes',
      ].join('\n\n'),
    );
    assert.equal(hover!.contents.kind, 'markdown');
    assert.deepEqual(Object.keys(hover!.contents).sort(), ['kind', 'value'], 'no isTrusted, no supportHtml');
    assert.equal(where({ uri: 'file:///ws/notes/a.md', range: hover!.range! }), 'notes/a.md:0:5-0:13');
  });

  test('on the key of a catalog entry, a paper with little known', () => {
    const { hover } = hoverAt(catalog.replace('@misc{bare', '@misc{ba|re') + '%! notes/a.md\n[@bare]\n');
    assert.equal(hover!.contents.value, '**Bare Minimum**\n\nCited in 1 note');
    assert.equal(where({ uri: 'file:///ws/refs.bib', range: hover!.range! }), 'refs.bib:4:6-4:10');
  });

  test('no hover off a citation, or on an unknown key', () => {
    assert.equal(hoverAt(catalog + '%! notes/a.md\nSome te|xt [@doe2020].\n').hover, undefined);
    assert.equal(hoverAt(catalog + '%! notes/a.md\n[@nob|ody]\n').hover, undefined);
  });

  test('hostile catalog text never becomes markup, HTML or a link', () => {
    const hostile = `%! evil.bib
@misc{evil, title = {<img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new)},
  author = {{<script>alert(1)</script>}}, journal = {**Bold** \\& \`code\`},
  url = {javascript:alert(1)}, doi = {10.1000/x) [a](command:y}, abstract = {![pixel](https://evil.example/p.png) <a href="file:///etc/passwd">x</a> javascript:alert(2)},
  keywords = {# heading, | table |}}
%! n.md
[@ev|il]
`;
    const { hover } = hoverAt(hostile);
    const html = new MarkdownIt({ html: true, linkify: false }).render(hover!.contents.value);
    // The only markup: paragraphs, the title, the venue, and links to checked https URLs.
    assert.doesNotMatch(html.replace(/<a href="https:\/\/[^"]*">/g, ''), /<(?!\/?(p|strong|em|a)>)/, html);
    assert.deepEqual([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]), ['https://evil.example/p.png']);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; \[click\]\(command:workbench\.action\.terminal\.new\)/);
  });

  test('a paper with a PDF: an Open PDF link to LitNotes\' command, for clients that have it', () => {
    const spec = `%! refs.bib
@misc{pdf2020, title = {With a PDF}, file = {Full Text PDF:files/1/a.pdf:application/pdf}}
@misc{html2020, title = {Only a Snapshot}, file = {Snapshot:files/2/page.html:text/html}}
%! n.md
[@pd|f2020]
`;
    const f = fixture(spec);
    const withCommand = provideHover(f.model, f.cursor!.uri, f.cursor!.position, { openPdfCommand: true })!.contents.value;
    assert.equal(withCommand, '**With a PDF**\n\n[Open PDF](command:litnotes.openPdf?%5B%7B%22key%22%3A%22pdf2020%22%7D%5D)\n\nCited in 1 note');
    assert.equal(provideHover(f.model, f.cursor!.uri, f.cursor!.position)!.contents.value, '**With a PDF**\n\nCited in 1 note', 'plain LSP clients: no link');
    const snapshotOnly = fixture(spec.replace('[@pd|f2020]', '[@ht|ml2020]'));
    assert.doesNotMatch(provideHover(snapshotOnly.model, snapshotOnly.cursor!.uri, snapshotOnly.cursor!.position, { openPdfCommand: true })!.contents.value, /Open PDF/);
  });

  test('a hostile key cannot leave the command link or change its command', () => {
    const key = 'x)](command:workbench.action.terminal.new)\'[*';
    const f = fixture(`%! refs.bib\n@misc{k, title = {T}, file = {a.pdf}}\n%! n.md\n[@k]\n`.replace('{k,', `{${key},`).replace('[@k]', `[@{${key}}]`), { cursor: false });
    const hover = provideHover(f.model, uriOf('n.md'), { line: 0, character: 4 }, { openPdfCommand: true })!;
    const html = new MarkdownIt().render(hover.contents.value);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(hrefs.length, 1, html);
    assert.match(hrefs[0], /^command:litnotes\.openPdf\?%5B%7B%22key%22%3A%22x%29%5D%28command%3Aworkbench/);
    assert.deepEqual(JSON.parse(decodeURIComponent(hrefs[0].slice('command:litnotes.openPdf?'.length))), [{ key }]);
  });

  describe('related papers, last', () => {
    const library = `%! refs.bib
@article{doe2020, title = {Sparse Attention for Long Documents}, author = {Doe, Jane and Roe, Richard}, year = 2020}
@article{kim2021, title = {Sparse Transformers}, author = {Kim, Ann}, year = 2021}
@article{lee2019, title = {Long-Range Arena}, author = {Lee, Bo and Ma, Cy and Ng, Di}, year = 2019}
@misc{untitled_1}
@article{gone, title = {Removed Since}}
%! notes/a.md
See [@do|e2020].
`;
    const result = (related: string[]) => ({
      topics: [{ id: 'attention', label: 'Sparse Attention', terms: ['attention'], size: 4 }],
      placements: ['doe2020', 'kim2021', 'lee2019', 'untitled_1', 'gone', 'ghost'].map((key) => ({ key, topic: 'attention', related: key === 'doe2020' ? related : [] })),
    });

    test('up to three, most related first: title, authors and year, and the key to cite', () => {
      const f = fixture(library);
      showTopics(f.model, result(['kim2021', 'untitled_1', 'lee2019']));
      const value = provideHover(f.model, f.cursor!.uri, f.cursor!.position)!.contents.value;
      assert.equal(
        value.slice(value.indexOf('Cited in')),
        [
          'Cited in 1 note',
          '',
          'Related papers:',
          '- Sparse Transformers (Kim, 2021) · @kim2021',
          '- untitled\\_1 · @untitled\\_1',
          '- Long-Range Arena (Lee et al., 2019) · @lee2019',
        ].join('\n'),
      );
    });

    test('none before the model has run, none when it found none, never a paper gone from the catalogs', () => {
      const f = fixture(library.replace(/@article\{gone.*\n/, ''));
      const hover = () => provideHover(f.model, f.cursor!.uri, f.cursor!.position)!.contents.value;
      assert.doesNotMatch(hover(), /Related/);
      showTopics(f.model, result([]));
      assert.doesNotMatch(hover(), /Related/);
      showTopics(f.model, result(['ghost', 'gone', 'kim2021']));
      assert.match(hover(), /Related papers:\n- Sparse Transformers \(Kim, 2021\) · @kim2021$/);
    });

    test('a hostile related title is plain text: no markup, no link, no nested list', () => {
      const f = fixture(`%! refs.bib
@article{doe2020, title = {Sparse Attention}}
@misc{evil, title = {1. [click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>}, author = {{**Bold**}}}
%! notes/a.md
[@do|e2020]
`);
      showTopics(f.model, { topics: [{ id: 't', label: 'T', terms: [], size: 2 }], placements: [{ key: 'doe2020', topic: 't', related: ['evil'] }, { key: 'evil', topic: 't', related: [] }] });
      const html = new MarkdownIt({ html: true, linkify: false }).render(provideHover(f.model, f.cursor!.uri, f.cursor!.position)!.contents.value);
      assert.doesNotMatch(html, /<a |<img|<strong>Bold|<ol/, html);
      assert.match(html, /<li>1\. \[click\]\(command:workbench\.action\.terminal\.new\) &lt;img src=x onerror=alert\(1\)&gt; \(\*\*Bold\*\*\) · @evil<\/li>/);
    });
  });
});

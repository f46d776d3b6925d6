import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';
import type { Paper } from '../../server/src/catalog/paper';
import { range } from '../../server/src/core/types';
import { NoteTemplateError, markdownText, noteFileName, noteUri, renderNote } from '../../server/src/notes/noteTemplate';

function paper(fields: Partial<Paper> & { key: string }): Paper {
  return {
    type: 'misc',
    authors: [],
    keywords: [],
    files: [],
    source: { uri: 'file:///ws/papers.bib', range: range(0, 0, 3, 1), keyRange: range(0, 6, 0, 6 + fields.key.length) },
    ...fields,
  };
}

/** From examples/demo/papers.bib: title and abstract only, as the demo catalog has them. */
const feat2gs = paper({
  key: 'Feat2GS',
  title: 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting',
  abstract: 'Given that visual foundation models (VFMs) are trained on extensive datasets but often limited to 2D images, a natural question arises: how well do they understand the 3D world?',
});

const vaswani = paper({
  key: 'vaswani2017',
  type: 'inproceedings',
  title: 'Attention Is All You Need',
  authors: [{ given: 'Ashish', family: 'Vaswani' }, { given: 'Noam', family: 'Shazeer' }, { literal: 'Google Brain' }],
  year: '2017',
  venue: 'Advances in Neural Information Processing Systems',
  doi: 'https://doi.org/10.48550/arXiv.1706.03762',
  arxiv: 'arXiv:1706.03762',
  url: 'https://papers.nips.cc/paper/7181-attention-is-all-you-need',
  keywords: ['attention', 'transformers'],
  abstract: 'The dominant sequence transduction models are based on complex recurrent or\nconvolutional neural networks.',
});

/** The front matter of a note, parsed as YAML (what Obsidian, Pandoc and Foam read). */
function frontMatter(note: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(note);
  assert.ok(match, 'note starts with front matter');
  return parseYaml(match[1]!) as Record<string, unknown>;
}

describe('noteFileName', () => {
  test('a safe key is the file name as it is', () => {
    assert.equal(noteFileName('vaswani2017'), 'vaswani2017.md');
    assert.equal(noteFileName('PEMF-VVTO'), 'PEMF-VVTO.md');
    assert.equal(noteFileName('Müller_2019.v2'), 'Müller_2019.v2.md');
  });

  test('path separators and traversal never reach the file system', () => {
    for (const key of ['../../x', 'a/b', 'a\\b', '..', '.', '/etc/passwd', 'C:\\x', 'a/../../b']) {
      const name = noteFileName(key);
      assert.doesNotMatch(name, /[/\\]/, key);
      assert.doesNotMatch(name, /^\./, key);
      assert.match(name, /~[0-9a-z]+\.md$/, `${key}: sanitized names carry a hash`);
    }
    assert.equal(noteFileName('a/b').startsWith('a_b~'), true);
  });

  test('no hidden files, no Windows device names, no characters Windows forbids', () => {
    assert.match(noteFileName('.hidden'), /^_hidden~[0-9a-z]+\.md$/);
    for (const key of ['CON', 'con', 'con.md', 'Nul.txt', 'PRN', 'aux', 'COM1', 'lpt9.x']) {
      assert.match(noteFileName(key), /^_/, key);
    }
    assert.equal(noteFileName('console'), 'console.md');
    assert.equal(noteFileName('COM10'), 'COM10.md');
    assert.doesNotMatch(noteFileName('a<b>c:d"e|f?g*h'), /[<>:"|?*]/);
  });

  test('control characters, NUL and emoji are replaced; empty keys still get a name', () => {
    assert.match(noteFileName('a\u0000b'), /^a_b~[0-9a-z]+\.md$/);
    assert.match(noteFileName('tab\there\nnewline'), /^tab_here_newline~[0-9a-z]+\.md$/);
    assert.match(noteFileName('attention😀'), /^attention_~[0-9a-z]+\.md$/);
    assert.match(noteFileName(''), /^_~[0-9a-z]+\.md$/);
  });

  test('long keys are cut to 120 characters before .md, and stay distinct', () => {
    const a = noteFileName('x'.repeat(300));
    const b = noteFileName('x'.repeat(299) + 'y');
    assert.equal(a.length, 123);
    assert.equal(b.length, 123);
    assert.notEqual(a, b);
    // Multi-byte text is also kept under 240 UTF-8 bytes (ext4 allows 255 per name).
    const cjk = noteFileName('注意力'.repeat(60));
    assert.ok(Buffer.byteLength(cjk) <= 243, `${Buffer.byteLength(cjk)} bytes`);
  });

  test('keys that differ only in sanitized characters get different names', () => {
    const names = ['a:b', 'a/b', 'a\\b', 'a?b', 'a b', 'a_b', 'a😀b'].map(noteFileName);
    assert.equal(new Set(names).size, names.length, names.join(' '));
  });

  test('the same key always gets the same name', () => {
    assert.equal(noteFileName('DBLP:journals/corr/abs-1706-03762'), noteFileName('DBLP:journals/corr/abs-1706-03762'));
  });

  test('property: any key gives one safe file name, different keys different names', () => {
    const key = fc.string({ unit: fc.oneof(fc.constantFrom('.', '/', '\\', ':', ' ', '\u0000', 'c', 'o', 'n', '😀', '_'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 200 });
    fc.assert(
      fc.property(key, key, (a, b) => {
        for (const name of [noteFileName(a), noteFileName(b)]) {
          assert.match(name, /^[^./\\<>:"|?*\p{Cc}][^/\\<>:"|?*\p{Cc}]*\.md$/u);
          assert.ok(name.length <= 123);
          assert.doesNotMatch(name.split('.')[0]!, /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i);
        }
        if (a !== b) assert.notEqual(noteFileName(a), noteFileName(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('noteUri', () => {
  test('joins the workspace folder, the notes folder and the file name as a URI', () => {
    assert.equal(noteUri('file:///home/me/research', 'notes', 'vaswani2017'), 'file:///home/me/research/notes/vaswani2017.md');
    assert.equal(noteUri('file:///home/me/research/', './lit/notes/', 'vaswani2017'), 'file:///home/me/research/lit/notes/vaswani2017.md');
    assert.equal(noteUri('file:///home/me/research', '', 'a'), 'file:///home/me/research/a.md');
    assert.equal(noteUri('file:///ws', 'lit\\notes', 'a'), 'file:///ws/lit/notes/a.md');
  });

  test('encodes what a URI path cannot hold', () => {
    assert.equal(noteUri('file:///ws', 'my notes', 'Müller(2019)'), 'file:///ws/my%20notes/M%C3%BCller%282019%29.md');
    assert.match(noteUri('file:///ws', 'notes', 'a#b?c')!, /^file:\/\/\/ws\/notes\/a_b_c~[0-9a-z]+\.md$/);
  });

  test('a notes folder outside the workspace folder gives no URI', () => {
    for (const folder of ['../x', '..', 'a/../../x', '/etc', '\\\\server\\share', 'C:\\notes', 'C:notes', 'file:///etc', '~/notes']) {
      assert.equal(noteUri('file:///ws', folder, 'a'), undefined, folder);
    }
    assert.equal(noteUri('file:///ws', 'a/../b', 'k'), 'file:///ws/b/k.md');
  });

  test('the key cannot climb out of the notes folder', () => {
    assert.match(noteUri('file:///ws', 'notes', '../../etc/passwd')!, /^file:\/\/\/ws\/notes\/[^/]+\.md$/);
  });
});

describe('renderNote with the built-in template', () => {
  test('a demo paper (title and abstract only)', () => {
    assert.equal(
      renderNote(feat2gs, undefined, '2024-05-01'),
      `---
key: "Feat2GS"
title: "Feat2GS: Probing Visual Foundation Models with Gaussian Splatting"
authors: []
tags: []
created: "2024-05-01"
---

# Feat2GS: Probing Visual Foundation Models with Gaussian Splatting

<!-- litnotes:begin generated hash=yndzpkehp6 · LitNotes rewrites this block on "Update Literature Note"; write outside it -->
[@Feat2GS]

## Abstract

> Given that visual foundation models (VFMs) are trained on extensive datasets but often limited to 2D images, a natural question arises: how well do they understand the 3D world?
<!-- litnotes:end -->

## Summary

## Key points

- 

## Notes

## Quotes
`,
    );
  });

  test('a paper with authors, year, venue, DOI, arXiv id and URL', () => {
    assert.equal(
      renderNote(vaswani, undefined, '2024-05-01'),
      `---
key: "vaswani2017"
title: "Attention Is All You Need"
authors: ["Ashish Vaswani", "Noam Shazeer", "Google Brain"]
year: "2017"
doi: "10.48550/arXiv.1706.03762"
url: "https://papers.nips.cc/paper/7181-attention-is-all-you-need"
arxiv: "1706.03762"
tags: ["attention", "transformers"]
created: "2024-05-01"
---

# Attention Is All You Need

<!-- litnotes:begin generated hash=1564t0c8w6s · LitNotes rewrites this block on "Update Literature Note"; write outside it -->
[@vaswani2017] — Ashish Vaswani, Noam Shazeer, Google Brain (2017), *Advances in Neural Information Processing Systems*
- [DOI](https://doi.org/10.48550/arXiv.1706.03762)
- [arXiv](https://arxiv.org/abs/1706.03762)
- [URL](https://papers.nips.cc/paper/7181-attention-is-all-you-need)

## Abstract

> The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.
<!-- litnotes:end -->

## Summary

## Key points

- 

## Notes

## Quotes
`,
    );
  });

  test('keys Pandoc cannot read bare are cited with braces; keys that would break Markdown are not cited', () => {
    assert.match(renderNote(paper({ key: 'doe 2020' }), undefined, '2024-05-01'), /^\[@\{doe 2020\}\]$/m);
    assert.match(renderNote(paper({ key: 'doe:2020' }), undefined, '2024-05-01'), /^\[@doe:2020\]$/m);
    assert.match(renderNote(paper({ key: 'doe2020.' }), undefined, '2024-05-01'), /^\[@\{doe2020\.\}\]$/m);
    const hostile = renderNote(paper({ key: 'x](javascript:alert(1))' }), undefined, '2024-05-01');
    assert.match(hostile, /^x\\\]\(javascript:alert\(1\)\)$/m);
  });

  test('the front matter parses as YAML with the exact values, whatever the title holds', () => {
    const title = 'Colons: hashes # "double" and \'single\' quotes\nand a second line\t- [x] {y} & *z* | ---';
    const note = renderNote(
      paper({ key: 'odd:key#1', title, authors: [{ family: 'O\'Brien', given: 'Flann' }, { literal: 'Team: "Alpha"' }], year: '2020', doi: '10.1000/a"b', keywords: ['a: b', '- c', '#d'] }),
      undefined,
      '2024-05-01',
    );
    assert.deepEqual(frontMatter(note), {
      key: 'odd:key#1',
      title,
      authors: ['Flann O\'Brien', 'Team: "Alpha"'],
      year: '2020',
      doi: '10.1000/a"b',
      tags: ['a: b', '- c', '#d'],
      created: '2024-05-01',
    });
  });

  test('YAML-hostile characters (controls, DEL, C1, lone surrogates) still give valid YAML', () => {
    const title = 'a\u0000b\u0007c\u007fd\u0085e\u009ff\ud800g\u2028h';
    const parsed = frontMatter(renderNote(paper({ key: 'k', title }), undefined, '2024-05-01'));
    assert.equal(parsed.title, title.replace('\ud800', '\ufffd'));
  });

  test('hostile catalog text stays inert in the rendered Markdown', () => {
    const note = renderNote(
      paper({
        key: 'evil',
        title: '<script>alert(1)</script> [click](javascript:alert(1)) ![img](http://x/y.png) `code` @notakey',
        authors: [{ literal: '<img src=x onerror=alert(1)>' }],
        venue: '[v](javascript:void(0))',
        abstract: '# Heading\n<iframe src="https://evil"></iframe>\n[ref]: javascript:alert(1)\n> quote',
        url: 'javascript:alert(1)',
        doi: '10.1/x)(javascript:alert(1)',
        keywords: ['<b>bold</b>'],
      }),
      '{{title}}\n\n{{authorsText}}\n\n{{venue}}\n\n{{abstract}}\n\n{{#links}}[{{label}}]({{url}})\n{{/links}}{{#keywords}}{{.}} {{/keywords}}\n',
      '2024-05-01',
    );
    const html = new MarkdownIt({ html: true }).render(note);
    assert.doesNotMatch(html, /<(script|img|iframe|b)\b/i, html);
    assert.doesNotMatch(html, /href="(?!https:\/\/doi\.org\/)/, html);
    assert.doesNotMatch(html, /<code>|<h1>|<blockquote>/, html);
    // A previewer that links bare URLs (linkify) only ever gets http(s) links out of catalog text.
    const linkified = new MarkdownIt({ html: true, linkify: true }).render(note);
    assert.deepEqual([...linkified.matchAll(/href="([^"]*)"/g)].map((m) => m[1]), ['http://x/y.png', 'https://evil', 'https://doi.org/10.1/x%29%28javascript:alert%281%29']);
    // The one link is the DOI, with its parentheses encoded so it cannot end the destination early.
    assert.match(note, /^\[DOI\]\(https:\/\/doi\.org\/10\.1\/x%29%28javascript:alert%281%29\)$/m);
    // The text itself is all there for the reader.
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; \[click\]\(javascript:alert\(1\)\)/);
  });

  test('markdownText escapes markup and keeps one line', () => {
    assert.equal(markdownText('a*b*_c_ `d` [e](f) <g> @h |i| \\j'), 'a\\*b\\*\\_c\\_ \\`d\\` \\[e\\](f) \\<g\\> \\@h \\|i\\| \\\\j');
    assert.equal(markdownText('# Title\nline two\r\n\n- three'), '\\# Title line two - three');
    assert.equal(markdownText('1. First'), '1\\. First');
    assert.equal(markdownText('- item'), '\\- item');
  });
});

describe('renderNote with a user template', () => {
  const template = '{{title}} ({{year}}) by {{#authors}}{{name}}; {{/authors}}[{{citeKey}}] {{unknown}}{{nested.unknown}}!';

  test('fills fields, lists and sections; unknown tags render empty', () => {
    assert.equal(renderNote(vaswani, template, '2024-05-01'), 'Attention Is All You Need (2017) by Ashish Vaswani; Noam Shazeer; Google Brain; [@vaswani2017] !');
  });

  test('triple braces give the same neutralised text: no raw catalog text by accident', () => {
    const evil = paper({ key: 'e', title: '<b>x</b>' });
    assert.equal(renderNote(evil, '{{{title}}}|{{&title}}|{{title}}', '2024-05-01'), '\\<b\\>x\\</b\\>|\\<b\\>x\\</b\\>|\\<b\\>x\\</b\\>');
  });

  test('inherited JavaScript properties are not fields: no function is ever called', () => {
    const out = renderNote(
      vaswani,
      '[{{constructor}}][{{toString}}][{{authors.map}}][{{authors.length}}][{{title.length}}][{{#constructor}}x{{/constructor}}][{{__proto__}}][{{.}}][{{> partial}}]',
      '2024-05-01',
    );
    assert.equal(out, '[][][][][][][][][]');
  });

  test('the date is today unless given', () => {
    assert.match(renderNote(vaswani, '{{date}}'), /^\d{4}-\d{2}-\d{2}$/);
  });

  test('a broken template is an error with a message a user can act on', () => {
    assert.throws(() => renderNote(vaswani, '# {{title}}\n\n{{#links}}\n- {{url}}\n', '2024-05-01'), (error: unknown) => {
      assert.ok(error instanceof NoteTemplateError);
      assert.equal(error.message, 'The note template cannot be used: Unclosed section "links" (line 5).');
      return true;
    });
    assert.throws(() => renderNote(vaswani, 'x {{title', '2024-05-01'), /The note template cannot be used: Unclosed tag \(line 1\)\./);
    assert.throws(() => renderNote(vaswani, '{{/links}}', '2024-05-01'), /Unopened section "links"/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { safeHttpUrl } from '../../server/src/core/safeUrl';
import { shorten } from '../../server/src/core/strings';
import { escapeMarkdown, escapeMarkdownParagraphs, markdownLink } from '../../server/src/features/markdown';

// The renderer a client uses, with raw HTML on: the escaping must hold even then.
const md = new MarkdownIt({ html: true, linkify: false });

function decodeEntities(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** What a reader sees: the rendered paragraph's text, and whether anything but text came out. */
function rendered(markdown: string): { text: string; markup: boolean } {
  const html = md.render(markdown).trim();
  const inner = html.replace(/^<p>/, '').replace(/<\/p>$/, '');
  return { text: decodeEntities(inner), markup: /</.test(inner) };
}

const hostile = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '[click me](command:workbench.action.terminal.new)',
  '[x](javascript:alert(1))',
  '![tracker](https://evil.example/pixel.png)',
  '<https://evil.example>',
  '**bold** _em_ `code` ~~strike~~',
  '# Heading',
  '- list item',
  '1. numbered',
  '> quote',
  '| a | b |',
  'Tom &amp; Jerry &lt;b&gt; &#60;',
  'back\\slash\\',
  'line one\n\n    indented code\n=====',
  '[ref]: https://evil.example',
];

describe('escapeMarkdown', () => {
  for (const text of hostile) {
    test(`renders ${JSON.stringify(text)} as the same plain text`, () => {
      const out = rendered(escapeMarkdown(text));
      assert.equal(out.markup, false, escapeMarkdown(text));
      assert.equal(out.text, text.replace(/\s+/g, ' ').trim());
    });
  }

  test('exact escapes', () => {
    assert.equal(escapeMarkdown('<b>Fast & *Sparse*</b>'), '\\<b\\>Fast \\& \\*Sparse\\*\\</b\\>');
    assert.equal(escapeMarkdown('[a](command:x)'), '\\[a\\](command:x)');
    assert.equal(escapeMarkdown('- item'), '\\- item');
    assert.equal(escapeMarkdown('2024. A year'), '2024\\. A year');
    assert.equal(escapeMarkdown('  many\n  lines\t here  '), 'many lines here');
    assert.equal(escapeMarkdown('nul\u0000 and bell\u0007'), 'nul and bell');
  });

  test('any text renders as exactly itself, never as markup (property)', () => {
    const chars = fc.constantFrom(...'ab <>&*_[]()!`#|\\~-+=1.:/"\'{}$\n'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        const out = rendered(escapeMarkdown(text));
        assert.equal(out.markup, false, JSON.stringify(escapeMarkdown(text)));
        assert.equal(out.text, text.replace(/\s+/g, ' ').trim());
      }),
      { numRuns: 2000 },
    );
  });

  test('paragraphs of an abstract stay paragraphs, each escaped', () => {
    assert.equal(escapeMarkdownParagraphs('First *one*\nwrapped.\n\n# Second\n\n\n'), 'First \\*one\\* wrapped.\n\n\\# Second');
  });
});

describe('safeHttpUrl', () => {
  test('keeps http(s) URLs, encodes what could end a link destination', () => {
    assert.equal(safeHttpUrl('https://github.com/a/b'), 'https://github.com/a/b');
    assert.equal(safeHttpUrl(' https://example.org/a (b)/c '), 'https://example.org/a%20%28b%29/c');
    assert.equal(safeHttpUrl('HTTP://Example.org/x?q=<1>'), 'http://example.org/x?q=%3C1%3E');
  });

  test('refuses every other scheme, credentials and garbage', () => {
    for (const url of [
      'javascript:alert(1)',
      'command:workbench.action.openSettings',
      'file:///etc/passwd',
      'vscode://x',
      'data:text/html,<b>',
      '//evil.example/x',
      'https://user:pw@evil.example/',
      'https://',
      'not a url',
      '',
      undefined,
    ]) {
      assert.equal(safeHttpUrl(url), undefined, String(url));
    }
  });

  test('markdownLink escapes the label and renders one link to the checked URL', () => {
    const link = markdownLink('a](javascript:x) *b*', safeHttpUrl('https://example.org/p(1)')!);
    assert.equal(link, '[a\\](javascript:x) \\*b\\*](https://example.org/p%281%29)');
    assert.equal(md.render(link).trim(), '<p><a href="https://example.org/p%281%29">a](javascript:x) *b*</a></p>');
  });
});

describe('shorten', () => {
  test('cuts at a word boundary with an ellipsis, leaves short text alone', () => {
    assert.equal(shorten('short text', 300), 'short text');
    assert.equal(shorten('Sparse attention makes long contexts cheap, and this sentence goes on.', 40), 'Sparse attention makes long contexts…');
  });
});

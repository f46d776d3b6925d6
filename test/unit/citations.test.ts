/**
 * findCitations and noCitationRanges: exact keys and ranges for hand-picked lines, what is not a
 * citation, and robustness (huge lines, thousands of citations, garbage, linear time). Which
 * keys Pandoc reads on the tricky corpus is checked against pandoc itself in citations.pandoc.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Range } from '../../server/src/core/types';
import { findCitations } from '../../server/src/notes/citations';
import { isCitationPossibleAt, isInRanges, noCitationRanges, noteLayout, type OffsetRange } from '../../server/src/notes/noCitationRanges';
import { readdirSync, readFileSync } from 'node:fs';

/** `line:char-line:char`, to compare ranges at a glance. */
function at(range: Range | undefined): string {
  return range ? `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}` : '-';
}

/** Each citation as `key keyRange range groupRange`, with `-` before the key when the author is suppressed. */
function described(text: string): string[] {
  return findCitations(text).map((c) => `${c.suppressAuthor ? '-' : ''}${c.key} ${at(c.keyRange)} ${at(c.range)} ${at(c.groupRange)}`);
}

function keys(text: string): string[] {
  return findCitations(text).map((c) => c.key);
}

/** The text each range covers. */
function covered(text: string, ranges: OffsetRange[]): string[] {
  return ranges.map((r) => text.slice(r.start, r.end));
}

describe('findCitations: ranges', () => {
  test('a group, a suppressed author, a braced key and an author-in-text citation', () => {
    const text = 'See [@doe, p. 4] and [-@roe.x, p. 3; see @{Foo.}].\nAs @smith:2020. says [p. 33].';
    assert.deepEqual(described(text), [
      // keyRange excludes the `@`; range starts at it; groupRange covers the brackets.
      'doe 0:6-0:9 0:5-0:9 0:4-0:16',
      // range starts at the `-` of `-@`.
      '-roe.x 0:24-0:29 0:22-0:29 0:21-0:49',
      // keyRange excludes the braces, range includes the closing one.
      'Foo. 0:43-0:47 0:41-0:48 0:21-0:49',
      // Trailing punctuation is not part of the key; `[p. 33]` after it is a locator, not a group.
      'smith:2020 1:4-1:14 1:3-1:14 -',
    ]);
  });

  test('a group across lines', () => {
    assert.deepEqual(described('Text [see @a;\n  also @b, p. 2] end.'), ['a 0:11-0:12 0:10-0:12 0:5-1:16', 'b 1:8-1:9 1:7-1:9 0:5-1:16']);
  });

  test('Windows line breaks and old Mac line breaks count as one line break', () => {
    assert.deepEqual(described('one\r\n\r\ntwo @a\rthree [@b]'), ['a 2:5-2:6 2:4-2:6 -', 'b 3:8-3:9 3:7-3:9 3:6-3:10']);
  });

  test('characters outside the basic plane count two UTF-16 units, as LSP positions do', () => {
    assert.deepEqual(described('𝒜 @𝒜x2 [@é]'), ['𝒜x2 0:4-0:8 0:3-0:8 -', 'é 0:11-0:12 0:10-0:12 0:9-0:13']);
  });

  test('positions after front matter are positions in the whole note', () => {
    const text = '---\ntitle: "On @notme"\nbibliography: refs.bib\n---\n\nCiting @yes.';
    assert.deepEqual(described(text), ['yes 5:8-5:11 5:7-5:11 -']);
  });

  test('5,000 citations in one group, all with the group range, in order', () => {
    const body = Array.from({ length: 5000 }, (_, i) => `@key${i}`).join('; ');
    const citations = findCitations(`[${body}]`);
    assert.equal(citations.length, 5000);
    assert.deepEqual(citations.slice(0, 2).map((c) => c.key), ['key0', 'key1']);
    assert.equal(citations[4999].key, 'key4999');
    const group = at(citations[0].groupRange);
    assert.equal(group, `0:0-0:${body.length + 2}`);
    assert.ok(citations.every((c) => at(c.groupRange) === group));
  });

  test('5,000 author-in-text citations in one paragraph', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `As @p${i} says,`).join(' ');
    const citations = findCitations(text);
    assert.equal(citations.length, 5000);
    assert.equal(citations[4999].key, 'p4999');
    assert.equal(at(citations[4999].keyRange), `0:${text.length - 11}-0:${text.length - 6}`); // "p4999 says," ends the text
  });
});

describe('findCitations: what is and is not a citation', () => {
  test('e-mail addresses, escapes and autolinks are not; a citation after a citation is', () => {
    assert.deepEqual(keys('Mail jane@example.org, \\@not, <x@y.org>, <https://x.org/@u> or @yes@also.'), ['yes', 'also']);
  });

  test('bare URLs are not citations, but a citation right after a URL is', () => {
    assert.deepEqual(keys('See https://x.org/@user, doi:10.1/@doi and https://x.org/a.)@after.'), ['after']);
  });

  test('link destinations and titles are not; link text is, without a group', () => {
    const citations = findCitations('[see @a](https://x.org/@dest "@title") and ![@b](img@2x.png)');
    assert.deepEqual(citations.map((c) => `${c.key} ${at(c.groupRange)}`), ['a -', 'b -']);
  });

  test('code spans need a closing run of the same length', () => {
    assert.deepEqual(keys('`@a` ``@b ` @c`` ```@d`` @e``` `@f'), ['f']);
  });

  test('inline HTML tags and comments are skipped, the text between tags is not', () => {
    assert.deepEqual(keys('<span title="@a">@b</span> <!-- @c\n@d --> @e'), ['b', 'e']);
  });

  test('an unclosed fence runs to the end of the note', () => {
    assert.deepEqual(keys('Before @a\n\n```\n@b\n\nstill code @c\n'), ['a']);
    assert.deepEqual(keys('Before @a\n\n~~~~\n@b\n~~~\nstill @c\n'), ['a']);
  });

  test('a fence closes only with a fence of the same kind, at least as long', () => {
    assert.deepEqual(keys('````\n```\n@a\n````\n@b'), ['b']);
  });

  test('indented code, but not an indented line continuing a paragraph', () => {
    assert.deepEqual(keys('    @a\n\nText\n    @b'), ['b']);
  });

  test('HTML blocks: comments and <pre> are skipped, Markdown inside a <div> is read (as Pandoc does)', () => {
    assert.deepEqual(keys('<!--\n@a\n\n@b\n-->\n\n<pre>\n@c\n</pre>\n\n<div>\n@d\n</div>'), ['d']);
  });

  test('math, raw LaTeX and example list labels are not citations', () => {
    assert.deepEqual(keys('$@a$ $$@b$$ \\emph{@c} $5 and @d $6\n\n(@ex) An example.\n\nAs (@ex) shows, @e.'), ['d', 'e']);
  });

  test('keys: internal punctuation, trailing punctuation, braces', () => {
    assert.deepEqual(keys('@doe:2020. @a--b @{a b} @{x{y}z} @_u @1999 @Müller'), ['doe:2020', 'a', 'x{y}z', '_u', '1999', 'Müller']);
  });

  test('brackets that are not a list of citations: the keys are author-in-text', () => {
    const groups = (text: string) => findCitations(text).map((c) => `${c.key} ${c.groupRange ? 'grouped' : 'in text'}`);
    assert.deepEqual(groups('[@a; not a citation] [see; @b] [@c;] [@d][] ^[note @e] [@f](u)'), [
      'a in text',
      'b in text',
      'c in text',
      'd in text',
      'e in text',
      'f in text',
    ]);
    assert.deepEqual(groups('[see [x] @g] [@h, see also @i] @j [@k]'), ['g grouped', 'h grouped', 'i grouped', 'j in text', 'k grouped']);
  });

  test('-@ suppresses the author; a dash or a word before it does not', () => {
    const suppressed = (text: string) => findCitations(text).map((c) => `${c.key}:${c.suppressAuthor} ${at(c.range)}`);
    assert.deepEqual(suppressed('[-@a] -@b x-@c --@d'), ['a:true 0:1-0:4', 'b:true 0:6-0:9', 'c:false 0:12-0:14', 'd:false 0:17-0:19']);
  });
});

describe('findCitations: robustness', () => {
  test('a 1 MB line', () => {
    const chunk = 'Some words about attention [@vaswani2017, p. 3] and more words, email a@b.org. ';
    const text = chunk.repeat(Math.ceil(1_000_000 / chunk.length));
    assert.ok(text.length >= 1_000_000);
    const citations = findCitations(text);
    assert.equal(citations.length, Math.ceil(1_000_000 / chunk.length));
    assert.ok(citations.every((c) => c.key === 'vaswani2017'));
    assert.equal(citations[citations.length - 1].keyRange.start.character, text.length - chunk.length + 29);
  });

  test('binary garbage with NUL bytes never throws', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const text = Array.from({ length: 200_000 }, () => String.fromCharCode(Math.floor(random() * 256))).join('') + '\u0000@ok\u0000 @{x}';
    const citations = findCitations(text);
    assert.ok(citations.length > 0);
    assert.deepEqual(citations.slice(-2).map((c) => c.key), ['ok', 'x']);
    assert.doesNotThrow(() => noCitationRanges(text));
  });

  test('random Markdown-ish text: citations are in order and their ranges hold what they say', () => {
    const piece = fc.constantFrom('@', '-', '[', ']', ';', '{', '}', '`', '``', '$', '\\', '<', '>', '(', ')', '"', '.', ':', '/', '!', '^', '*', '_', '~', ' ', '\n', '\n\n', '\r\n', '    ', '---', '```', '<!--', '-->', '<div>', 'a', 'key', 'é', '𝒜', 'http://', 'x.org', '\u0000');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const text = pieces.join('');
        const citations = findCitations(text);
        const lines = text.split(/\r\n|\r|\n/);
        const slice = (r: Range) => (r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : undefined);
        let previous = -1;
        for (const c of citations) {
          const start = c.range.start.line * 1e7 + c.range.start.character;
          assert.ok(start > previous, 'in document order, not overlapping');
          previous = start;
          const written = slice(c.range);
          if (written === undefined) continue;
          assert.match(written, c.suppressAuthor ? /^-@/ : /^@/);
          assert.equal(slice(c.keyRange), c.key);
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  // No timed assertion: the time for 4n characters must stay near 4 times the time for n, not 16.
  const pathological: Record<string, (n: number) => string> = {
    'unmatched backtick runs of growing length': (n) => Array.from({ length: n / 60 }, (_, i) => '`'.repeat((i % 40) + 1) + ' @a ').join(''),
    'unclosed brackets': (n) => '[@a '.repeat(n / 4),
    'nested brackets': (n) => '['.repeat(n / 8) + '@a; @b' + ']'.repeat(n / 8),
    'unclosed braced keys': (n) => '@{'.repeat(n / 2),
    'link destinations never closed': (n) => '[a](@b '.repeat(n / 7),
    'unclosed HTML attributes and comments': (n) => '<a b="@c <!-- '.repeat(n / 14),
    'dollar signs': (n) => '$x @a '.repeat(n / 6),
    'LaTeX environments never ended': (n) => '\\begin{x} @a '.repeat(n / 13),
    'a long line of citations': (n) => '@a '.repeat(n / 3),
  };
  for (const [name, make] of Object.entries(pathological)) {
    test(`linear time: ${name}`, () => {
      // The fastest of several runs: other processes only ever add time. Sizes stay small enough
      // that the garbage collector's young generation holds everything, so the ratio is the algorithm's.
      const time = (text: string) => {
        let fastest = Infinity;
        for (let i = 0; i < 15; i++) {
          const start = performance.now();
          findCitations(text);
          fastest = Math.min(fastest, performance.now() - start);
        }
        return fastest;
      };
      const n = 10_000;
      time(make(n)); // warm up the JIT
      const small = time(make(n));
      const large = time(make(4 * n));
      assert.ok(large < 10 * Math.max(small, 0.2), `${name}: ${small.toFixed(2)} ms for ${n} characters, ${large.toFixed(2)} ms for ${4 * n}`);
    });
  }
});

describe('noCitationRanges', () => {
  test('front matter, fenced and indented code, verbatim HTML and reference definitions are whole blocks', () => {
    const text = '---\na: 1\n---\nText\n\n```\n@x\n```\n\n    code\n\n<!-- c -->\n\n[ref]: https://x.org\n\nEnd';
    assert.deepEqual(covered(text, noCitationRanges(text)), ['---\na: 1\n---', '```\n@x\n```\n', '    code\n', '<!-- c -->\n', '[ref]: https://x.org\n']);
  });

  test('inline: code spans, tags, autolinks, bare URLs, link destinations, math, LaTeX, escapes', () => {
    const text = 'a `c@d` <b class="x"> <https://x.org/@u> https://y.org/@v. [t](dest@x "title") $m@n$ \\cite{k} \\@ end';
    assert.deepEqual(covered(text, noCitationRanges(text)), [
      '`c@d`',
      '<b class="x">',
      '<https://x.org/@u>',
      'https://y.org/@v',
      '(dest@x "title")',
      '$m@n$',
      '\\cite{k}',
      '\\@',
    ]);
  });

  test('ranges are sorted and do not overlap', () => {
    const text = '# `h`\n\n- <i>@a</i> `b`\n\n> c $d$ <e@f.org>\n\n| `t` | <u> |\n|---|---|\n| x | y |\n';
    const ranges = noCitationRanges(text);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i - 1].end <= ranges[i].start);
    assert.deepEqual(covered(text, ranges), ['`h`', '<i>', '</i>', '`b`', '$d$', '<e@f.org>', '`t`', '<u>']);
  });
});

describe('isCitationPossibleAt (one segment, from a kept layout)', () => {
  const agrees = (text: string) => {
    const ranges = noCitationRanges(text);
    const layout = noteLayout(text);
    for (let offset = 0; offset <= text.length; offset++) {
      if (isCitationPossibleAt(text, layout, offset) === isInRanges(ranges, offset)) {
        assert.fail(`disagrees with noCitationRanges at ${offset}: ${JSON.stringify(text.slice(Math.max(0, offset - 20), offset))}|${JSON.stringify(text.slice(offset, offset + 20))}`);
      }
    }
  };

  test('agrees with noCitationRanges at every offset of the tricky notes', () => {
    const folder = new URL('../fixtures/notes/', import.meta.url);
    for (const name of readdirSync(folder).filter((n) => n.endsWith('.md'))) agrees(readFileSync(new URL(name, folder), 'utf8'));
  });

  test('agrees with noCitationRanges on random Markdown', () => {
    const piece = fc.constantFrom('@a', '`', '``', '<!--', '-->', '<pre>', '</pre>', '```\n', '~~~\n', '    ', '\n', '\n\n', '[', ']', '(', ')', '$', '\\', '<https://x.org/@y>', 'https://x.org/@z', '---\n', '> ', '- ', 'text ');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => agrees(pieces.join(''))), { numRuns: 300 });
  });
});

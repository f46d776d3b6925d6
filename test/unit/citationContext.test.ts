/**
 * completionContext: the `@prefix` being typed at the cursor (`|` in the strings below), the range
 * a completion replaces (from the `@` to the end of the key, so an item's edit inserts `@key`), and
 * the places where typing `@` is not a citation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { completionContext } from '../../server/src/notes/citationContext';
import type { Position } from '../../server/src/core/types';

function cursorIn(textWithCursor: string): { text: string; position: Position } {
  const offset = textWithCursor.indexOf('|');
  assert.ok(offset >= 0, 'the test text needs a | for the cursor');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

/** `prefix range inBrackets`, or `none`. */
function context(textWithCursor: string): string {
  const { text, position } = cursorIn(textWithCursor);
  const result = completionContext(text, position);
  if (!result) return 'none';
  const { start, end } = result.range;
  return `${JSON.stringify(result.prefix)} ${start.line}:${start.character}-${end.line}:${end.character} ${result.inBrackets ? 'in brackets' : 'in text'}`;
}

/** The note after accepting `key`: the item's edit puts `@key` over the context's range. */
function accept(textWithCursor: string, replacement: string): string {
  const { text, position } = cursorIn(textWithCursor);
  const result = completionContext(text, position);
  assert.ok(result, 'a completion context');
  const lines = text.split('\n');
  const { start, end } = result.range;
  assert.equal(start.line, end.line, 'a single-line edit');
  const line = lines[start.line];
  lines[start.line] = line.slice(0, start.character) + replacement + line.slice(end.character);
  return lines.join('\n');
}

describe('completionContext: where a citation is being typed', () => {
  test('right after @, in text and in brackets', () => {
    assert.equal(context('As @| said'), '"" 0:3-0:4 in text');
    assert.equal(context('See [@|'), '"" 0:5-0:6 in brackets');
    assert.equal(context('See [@|]'), '"" 0:5-0:6 in brackets');
  });

  test('a partial key: the prefix is what was typed, the range runs from the @ to the end of the key', () => {
    assert.equal(context('As @vas| said'), '"vas" 0:3-0:7 in text');
    assert.equal(context('As @vas|wani2017 said'), '"vas" 0:3-0:15 in text');
    assert.equal(context('@doe:20|'), '"doe:20" 0:0-0:7 in text');
    assert.equal(context('@doe:|'), '"doe:" 0:0-0:5 in text');
    assert.equal(context('@Mül|ler'), '"Mül" 0:0-0:7 in text');
  });

  test('after [see @, ; @, -@ and on a later line of a group', () => {
    assert.equal(context('[see @a|'), '"a" 0:5-0:7 in brackets');
    assert.equal(context('[@a, p. 4; @b|]'), '"b" 0:11-0:13 in brackets');
    assert.equal(context('[-@sm|]'), '"sm" 0:2-0:5 in brackets');
    assert.equal(context('-@sm| says'), '"sm" 0:1-0:4 in text');
    assert.equal(context('[@a;\n  @b|'), '"b" 1:2-1:4 in brackets');
  });

  test('a closed group before the @ is not the group the @ is in; a blank line ends the search', () => {
    assert.equal(context('[@a] and @|'), '"" 0:9-0:10 in text');
    assert.equal(context('[see\n\n@|'), '"" 2:0-2:1 in text');
    assert.equal(context('\\[ @|'), '"" 0:3-0:4 in text');
  });

  test('a braced key: the prefix leaves out the brace, the range includes the closing one', () => {
    assert.equal(context('[@{https://ex|}]'), '"https://ex" 0:1-0:14 in brackets');
    assert.equal(context('@{odd|'), '"odd" 0:0-0:5 in text');
    assert.equal(context('@{|'), '"" 0:0-0:2 in text');
  });

  test('accepting puts @key over the range: the - and the brackets stay, the rest of the key goes', () => {
    assert.equal(accept('See [-@vas|wani, p. 3].', '@vaswani2017'), 'See [-@vaswani2017, p. 3].');
    assert.equal(accept('As @|', '@doe2020'), 'As @doe2020');
    assert.equal(accept('[@{odd|}]', '@{odd key}'), '[@{odd key}]');
  });
});

describe('completionContext: not a citation', () => {
  test('e-mail addresses and words before the @', () => {
    assert.equal(context('someone@exa|'), 'none');
    assert.equal(context('x.@a|'), 'none');
    assert.equal(context('ü@a|'), 'none');
  });

  test('an escaped @', () => {
    assert.equal(context('\\@a|'), 'none');
    assert.equal(context('\\\\@a|'), '"a" 0:2-0:4 in text');
  });

  test('code spans, fenced and indented code, HTML, URLs, link destinations, front matter', () => {
    assert.equal(context('`@a|`'), 'none');
    assert.equal(context('```\n@a|\n```'), 'none');
    assert.equal(context('```\n@a|'), 'none');
    assert.equal(context('    @a|'), 'none');
    assert.equal(context('<span title="@a|">'), 'none');
    assert.equal(context('<!-- @a| -->'), 'none');
    assert.equal(context('https://x.org/@us|'), 'none');
    assert.equal(context('[text](https://x.org/@a|)'), 'none');
    assert.equal(context('---\nauthor: "@a|"\n---\n'), 'none');
  });

  test('no @, a space after it, or a key that cannot start like this', () => {
    assert.equal(context('plain text|'), 'none');
    assert.equal(context('@ |'), 'none');
    assert.equal(context('@-|'), 'none');
    assert.equal(context('|'), 'none');
  });

  test('a position outside the text', () => {
    assert.equal(completionContext('@a', { line: 5, character: 0 }), undefined);
    assert.equal(completionContext('@a', { line: -1, character: 0 }), undefined);
  });
});

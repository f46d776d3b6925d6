import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { citationInsertion } from '../../client/src/commands/citationInsertion';

/** Applies the insertion at the `|` in `line` and returns the resulting line. */
function insert(line: string, keys: string[]): string {
  const character = line.indexOf('|');
  const text = line.replace('|', '');
  const edit = citationInsertion(text, character, keys);
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

describe('insert citation', () => {
  test('in running text: a bracketed citation', () => {
    assert.equal(insert('As shown |.', ['a']), 'As shown [@a].');
    assert.equal(insert('As shown|.', ['a']), 'As shown [@a].');
    assert.equal(insert('(|)', ['a']), '([@a])');
    assert.equal(insert('As shown |', ['a', 'b']), 'As shown [@a; @b]');
    assert.equal(insert('|', ['a']), '[@a]');
  });

  test('inside a citation: keys joined with the right separators', () => {
    assert.equal(insert('[@x|]', ['a', 'b']), '[@x; @a; @b]');
    assert.equal(insert('[|@x]', ['a']), '[@a; @x]');
    assert.equal(insert('[@x; |]', ['a']), '[@x; @a]');
    assert.equal(insert('[@x;|]', ['a']), '[@x; @a]');
    assert.equal(insert('[@x |]', ['a']), '[@x; @a]');
    assert.equal(insert('[see @x, p. 4|; @y]', ['a']), '[see @x, p. 4; @a; @y]');
    assert.equal(insert('text [@x; @y|] more', ['a']), 'text [@x; @y; @a] more');
    assert.equal(insert('[|]', ['a']), '[@a]');
  });

  test('a key being typed is replaced by the chosen key it starts; another key is kept', () => {
    assert.equal(insert('[@vaswani2017|]', ['vaswani2017']), '[@vaswani2017]');
    assert.equal(insert('[@doe2020|]', ['devlin2019']), '[@doe2020; @devlin2019]');
    assert.equal(insert('@doe2020|', ['devlin2019']), '@doe2020 [@devlin2019]');
    assert.equal(insert('[@vas|]', ['vaswani2017']), '[@vaswani2017]');
    assert.equal(insert('[@x; @vas|]', ['vaswani2017']), '[@x; @vaswani2017]');
    assert.equal(insert('see @vas| for', ['vaswani2017']), 'see [@vaswani2017] for');
    assert.equal(insert('[@|]', ['a']), '[@a]');
  });

  test('brackets that are not a citation are left alone', () => {
    assert.equal(insert('[a link|](https://x.org)', ['a']), '[a link [@a]](https://x.org)');
    assert.equal(insert('[note |] and [@y]', ['a']), '[note [@a]] and [@y]');
    assert.equal(insert('[@y] and |', ['a']), '[@y] and [@a]');
  });

  test('keys Pandoc would cut short are braced', () => {
    assert.equal(insert('|', ['doe:2024.', 'a b']), '[@{doe:2024.}; @{a b}]');
    assert.equal(insert('|', ['doe:2024.x', 'Müller_2020']), '[@doe:2024.x; @Müller_2020]');
  });
});

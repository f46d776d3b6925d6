/** What the Zotero picker answered, as inserted at the cursor: a Pandoc citation, one line, or nothing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pickedCitation } from '../../server/src/service/pickedCitation';

describe('pickedCitation', () => {
  test('a Pandoc citation as it came, or put in brackets', () => {
    assert.equal(pickedCitation('[@doe2020; @roe2021, p. 5]'), '[@doe2020; @roe2021, p. 5]');
    assert.equal(pickedCitation('@doe2020; see -@roe2021'), '[@doe2020; see -@roe2021]');
  });

  test('cancelled: nothing; not a citation: refused; control characters and line breaks: one line', () => {
    assert.equal(pickedCitation(''), '');
    assert.equal(pickedCitation('  \n'), '');
    assert.equal(pickedCitation('<html>error</html>'), undefined);
    assert.equal(pickedCitation('x'.repeat(20_000) + '@a'), undefined);
    assert.equal(pickedCitation('[@doe2020;\n\u001b[31m@roe2021]'), '[@doe2020; [31m@roe2021]');
  });
});

/** The client opens only the Zotero links its server builds: items of the user's library. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isZoteroItemLink, openingText } from '../../client/src/zoteroUri';

describe('Zotero links the client opens', () => {
  test('zotero://select/library/items/KEY only', () => {
    assert.equal(isZoteroItemLink('zotero://select/library/items/X8QZ9JHM'), true);
    for (const link of [
      'zotero://select/library/items/X8QZ9JHM/../../collections',
      'zotero://select/library/items/X8QZ9JHM?page=2',
      'zotero://open-pdf/library/items/X8QZ9JHM',
      'zotero://select/groups/1/items/X8QZ9JHM',
      'ZOTERO://select/library/items/X8QZ9JHM',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
      'https://evil.example/zotero://select/library/items/X8QZ9JHM',
    ]) {
      assert.equal(isZoteroItemLink(link), false, link);
    }
  });

  test('what the link document says', () => {
    assert.equal(openingText('zotero://select/library/items/X8QZ9JHM'), 'LitNotes opened this paper in Zotero (item X8QZ9JHM).\n');
    assert.equal(openingText('zotero://select/library/collections/AB'), 'LitNotes opens only links to items of your Zotero library.\n');
  });
});

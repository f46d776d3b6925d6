/** When the Papers view asks the server again (client/src/tree/viewRefresh.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexStatus } from '../../common/protocol';
import { ViewRefresh } from '../../client/src/tree/viewRefresh';

const status = (state: IndexStatus['state'], papers: number, zotero?: IndexStatus['zotero']): IndexStatus => ({ state, papers, notes: 2, catalogs: [{ uri: 'file:///ws/refs.bib', papers, problems: 0 }], problems: 0, zotero });

test('the view refreshes on papersChanged and when the state changes, not on every status', () => {
  let refreshes = 0;
  const view = new ViewRefresh(() => refreshes++);
  view.status(status('indexing', 0));
  assert.equal(refreshes, 1, 'the first status');
  view.status(status('indexing', 500));
  view.status(status('indexing', 1000));
  assert.equal(refreshes, 1, 'progress alone');
  view.status(status('ready', 1000));
  assert.equal(refreshes, 2, 'indexing → ready');
  view.status(status('ready', 1000, { state: 'reading', papers: 10, message: 'Reading the Zotero library…' }));
  view.status(status('ready', 1000, { state: 'live', papers: 300, message: 'Live.' }));
  assert.equal(refreshes, 2, "Zotero's state alone");
  view.papersChanged({ keys: ['doe2020'] });
  assert.equal(refreshes, 3);
  view.reset();
  view.status(status('ready', 1000));
  assert.equal(refreshes, 4, 'after a restart, the first status');
});

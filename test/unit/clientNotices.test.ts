/**
 * What the client is told unasked: the index status, throttled, and `litnotes/papersChanged` with
 * the keys and notes that changed, only when the Papers view has something new to show.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IndexStatus, PapersChanged } from '../../common/protocol';
import { ClientNotices, NOTICE_INTERVAL_MS } from '../../server/src/service/clientNotices';
import { indexStatus } from '../../server/src/service/indexStatus';
import { MAX_LISTED_KEYS } from '../../server/src/service/paperChanges';
import { FakeTimers } from './fakeTimers';
import { fixture, uriOf } from './fixture';

const catalog = `%! refs.bib
@article{doe2020, title = {Sparse Attention}, author = {Doe, Jane}, year = 2020}
@misc{smith2021, title = {Gaussian Splatting}, author = {Smith, John}, year = 2021}
%! notes/a.md
See [@doe2020].
`;

function setup() {
  const f = fixture(catalog);
  const timers = new FakeTimers();
  const sent: { status: IndexStatus[]; changes: PapersChanged[] } = { status: [], changes: [] };
  const notices = new ClientNotices(f.model, () => indexStatus(f.model, 'ready'), { status: (s) => sent.status.push(s), papersChanged: (c) => sent.changes.push(c) }, timers);
  notices.now(); // what the fixture's reads changed: told once, then a clean slate
  sent.status.length = 0;
  sent.changes.length = 0;
  return { f, timers, sent, notices };
}

describe('litnotes/papersChanged', () => {
  test("a title edited in the catalog: the paper's key, once the interval is over", async () => {
    const { f, timers, sent, notices } = setup();
    f.model.setCatalog(uriOf('refs.bib'), f.files.get('refs.bib')!.replace('Sparse Attention', 'Dense Attention'));
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS - 1);
    assert.deepEqual(sent.changes, []);
    await timers.advance(1);
    assert.deepEqual(sent.changes, [{ keys: ['doe2020'] }]);
    assert.equal(sent.status.length, 1);
  });

  test('papers added and removed', async () => {
    const { f, timers, sent, notices } = setup();
    f.model.setCatalog(uriOf('refs.bib'), '@misc{lone, title = {Lone}}\n@misc{smith2021, title = {Gaussian Splatting}, author = {Smith, John}, year = 2021}\n');
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.deepEqual(sent.changes, [{ keys: ['doe2020', 'lone'] }]);
  });

  test('typing prose in a note: a status, no papersChanged; a new citation: its key and the note', async () => {
    const { f, timers, sent, notices } = setup();
    const note = uriOf('notes/a.md');
    f.model.setNote(note, 'See [@doe2020]. More words.\n');
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.equal(sent.status.length, 1);
    assert.deepEqual(sent.changes, []);
    f.model.setNote(note, 'See [@doe2020] and [@smith2021].\n');
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.deepEqual(sent.changes, [{ keys: ['smith2021'], notes: [note] }]);
  });

  test('a note added, then removed', async () => {
    const { f, timers, sent, notices } = setup();
    const note = uriOf('notes/smith2021.md');
    f.model.setNote(note, '# Gaussian Splatting\n');
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    f.model.removeNote(uriOf('notes/a.md'));
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.deepEqual(sent.changes, [{ keys: [], notes: [note] }, { keys: ['doe2020'], notes: [uriOf('notes/a.md')] }]);
  });

  test('topics computed, annotations read', async () => {
    const { timers, sent, notices } = setup();
    notices.topicsChanged();
    notices.annotationsChanged('smith2021');
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.deepEqual(sent.changes, [{ keys: ['smith2021'], topics: true }]);
  });

  test('a whole workspace of notes read: no list, any paper may have changed', async () => {
    const { f, timers, sent, notices } = setup();
    for (let i = 0; i <= MAX_LISTED_KEYS; i++) f.model.setNote(uriOf(`notes/n${i}.md`), 'No citation.\n');
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.deepEqual(sent.changes, [{}]);
  });

  test('a whole big read: no key list, any paper may have changed', async () => {
    const { f, timers, sent, notices } = setup();
    const entries = Array.from({ length: MAX_LISTED_KEYS + 1 }, (_, i) => `@misc{k${i}, title = {Paper ${i}}}`).join('\n');
    f.model.setCatalog(uriOf('more.bib'), entries);
    notices.soon();
    await timers.advance(NOTICE_INTERVAL_MS);
    assert.deepEqual(sent.changes, [{}]);
  });
});

describe('index status', () => {
  test('throttled: a burst of changes is one status, with the counts after the burst', async () => {
    const { f, timers, sent, notices } = setup();
    for (let i = 0; i < 20; i++) {
      f.model.setNote(uriOf(`notes/n${i}.md`), `[@doe2020] ${i}\n`);
      notices.soon();
      await timers.advance(10);
    }
    await timers.advance(NOTICE_INTERVAL_MS);
    // 200 ms of edits then the interval: one status within the burst's first interval, one after it.
    assert.deepEqual(sent.status.map((s) => s.notes), [21]);
  });

  test('now: at once, and the throttled one is not sent again', async () => {
    const { timers, sent, notices } = setup();
    notices.soon();
    notices.now();
    await timers.advance(NOTICE_INTERVAL_MS * 2);
    assert.equal(sent.status.length, 1);
  });
});

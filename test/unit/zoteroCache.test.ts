/** The cache of the Zotero library: written and read back whole; a foreign, cut or tampered file gives nothing wrong. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { zoteroItemToPaper, zoteroRecord } from '../../server/src/catalog/zotero';
import { appendZoteroCache, readZoteroCache, writeZoteroCache, zoteroCacheFile } from '../../server/src/node/zotero/zoteroCache';
import { ZoteroLibrary } from '../../server/src/service/zoteroLibrary';

const dir = mkdtempSync(join(tmpdir(), 'litnotes-zotero-cache-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const url = 'http://127.0.0.1:23119';

function library(n: number): ZoteroLibrary {
  const lib = new ZoteroLibrary();
  const items = Array.from({ length: n }, (_, i) => {
    const json = { key: `K${String(i).padStart(7, '0')}`, version: i, data: { itemType: 'journalArticle', title: `Paper ${i}`, abstractNote: `Abstract ${i} — ünïcödé`, creators: [{ creatorType: 'author', firstName: 'A', lastName: `Doe${i}` }], date: '2020', tags: [{ tag: 't' }], dateModified: `2024-01-01T00:00:00Z` } };
    return { record: zoteroRecord(json)!, paper: zoteroItemToPaper(json, ''), key: i % 2 ? { key: `key${i}`, source: 'better-bibtex' as const } : undefined };
  });
  lib.update([...items, { record: { itemKey: 'NOTE0001', version: 3, dateModified: '2024-01-01T00:00:00Z' } }]);
  lib.complete = true;
  lib.version = 1234;
  return lib;
}

describe('Zotero cache', () => {
  test('round trip: every entry, paper, key source and the sync state', async () => {
    const lib = library(1203);
    await writeZoteroCache(dir, url, 'v1', { version: 1234, watermark: lib.watermark, complete: true, written: '2024-05-01T10:00:00.000Z' }, lib.snapshot());
    const cached = await readZoteroCache(dir, url, 'v1');
    assert.ok(cached);
    assert.deepEqual(cached.state, { version: 1234, watermark: '2024-01-01T00:00:00Z', complete: true, written: '2024-05-01T10:00:00.000Z' });
    const restored = new ZoteroLibrary();
    restored.restore(cached.entries, cached.state);
    assert.deepEqual(restored.papers(), lib.papers());
    assert.equal(restored.size, 1204);
    // Read again unchanged after a restore: no edits.
    assert.deepEqual(restored.update(lib.snapshot().filter((e) => e.paper).map((e) => ({ record: e.record, paper: e.paper, key: e.keySource === 'better-bibtex' ? { key: e.paper!.key, source: 'better-bibtex' as const } : undefined }))).edits, []);
  });

  test('edits are appended as a journal: read back in order; a journal line cut short ends the journal', async () => {
    const journalUrl = 'http://127.0.0.1:7777';
    const lib = library(10);
    const state = { version: 1234, watermark: lib.watermark, complete: true, written: '2024-05-01T10:00:00.000Z' };
    await writeZoteroCache(dir, journalUrl, 'v1', state, lib.snapshot());
    lib.takeChanged();
    const json = { key: 'K0000003', version: 1300, data: { itemType: 'book', title: 'Edited Title', creators: [], dateModified: '2024-06-01T00:00:00Z' } };
    lib.update([{ record: zoteroRecord(json)!, paper: zoteroItemToPaper(json, ''), key: { key: 'key3', source: 'better-bibtex' } }], ['K0000005']);
    const changed = lib.takeChanged();
    assert.deepEqual([changed.entries.map((e) => e.record.itemKey), changed.removed], [['K0000003'], ['K0000005']]);
    const sizeBefore = readFileSync(zoteroCacheFile(dir, journalUrl)).length;
    await appendZoteroCache(dir, journalUrl, { ...state, version: 1300, watermark: '2024-06-01T00:00:00Z' }, changed.entries, changed.removed);
    assert.ok(readFileSync(zoteroCacheFile(dir, journalUrl)).length - sizeBefore < 1000, 'one short line, not the library again');

    const cached = (await readZoteroCache(dir, journalUrl, 'v1'))!;
    const restored = new ZoteroLibrary();
    restored.restore(cached.entries, cached.state);
    assert.deepEqual(restored.papers(), lib.papers());
    assert.deepEqual([cached.state.version, cached.state.watermark, cached.state.complete], [1300, '2024-06-01T00:00:00Z', true]);

    appendFileSync(zoteroCacheFile(dir, journalUrl), '{"journal": 1, "upsert": [["K0000004", 1');
    const cut = (await readZoteroCache(dir, journalUrl, 'v1'))!;
    assert.equal(cut.entries.length, 10);
    assert.equal(cut.state.version, 1300);
  });

  test('another server version or URL, a cut file, a tampered row: not used, never thrown on', async () => {
    assert.equal(await readZoteroCache(dir, url, 'v2'), undefined);
    assert.equal(await readZoteroCache(dir, 'http://127.0.0.1:9', 'v1'), undefined);
    const file = zoteroCacheFile(dir, url);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 50));
    assert.equal(await readZoteroCache(dir, url, 'v1'), undefined);
    const lines = text.split('\n');
    const rows = JSON.parse(lines[1]);
    rows[0][4].authors = 'not a list';
    rows[1][0] = '../../etc';
    lines[1] = JSON.stringify(rows);
    writeFileSync(file, lines.join('\n'));
    const cached = await readZoteroCache(dir, url, 'v1');
    assert.equal(cached!.entries.length, 1202);
    assert.equal(cached!.state.complete, false, 'entries were dropped: a whole read again');
  });
});

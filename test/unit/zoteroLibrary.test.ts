/**
 * The Zotero library in the workspace model: reads become a few catalog edits (one paper replaced,
 * appended or removed), keys come from Better BibTeX or the item or are generated and made unique,
 * and the model ends up with exactly the library's papers: completion, hover and diagnostics see them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { zoteroItemToPaper, zoteroRecord, ZOTERO_CATALOG_URI } from '../../server/src/catalog/zotero';
import { provideCompletion } from '../../server/src/features/completion';
import { provideDefinition } from '../../server/src/features/definition';
import { noteDiagnostics } from '../../server/src/features/diagnostics';
import { defaultSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { ZoteroLibrary, type LibraryUpdate, type ReadItem } from '../../server/src/service/zoteroLibrary';

let clock = 0;
function item(itemKey: string, title: string, options: { family?: string; year?: string; key?: string; itemType?: string; version?: number } = {}): ReadItem {
  const json = {
    key: itemKey,
    version: options.version ?? 1,
    data: {
      key: itemKey,
      itemType: options.itemType ?? 'journalArticle',
      title,
      creators: [{ creatorType: 'author', firstName: 'A', lastName: options.family ?? 'Doe' }],
      date: options.year ?? '2020',
      dateModified: `2024-01-01T00:00:${String(clock++ % 60).padStart(2, '0')}Z`,
    },
  };
  const paper = zoteroItemToPaper(json, '');
  return { record: zoteroRecord(json)!, paper, key: options.key ? { key: options.key, source: 'better-bibtex' } : undefined };
}

/** Applies a library update to the model the way the glue does. */
function apply(model: WorkspaceModel, library: ZoteroLibrary, update: LibraryUpdate): void {
  if (!model.isCatalog(ZOTERO_CATALOG_URI)) model.setCatalogRead({ uri: ZOTERO_CATALOG_URI, papers: [], problems: [] }, false);
  for (const edit of update.edits) {
    if (edit.kind === 'delta' && model.applyCatalogDelta(ZOTERO_CATALOG_URI, edit.delta)) continue;
    model.setCatalogRead({ uri: ZOTERO_CATALOG_URI, papers: edit.kind === 'replace' ? edit.papers : library.papers(), problems: [] }, false);
  }
  model.finishWork();
}

describe('ZoteroLibrary', () => {
  test('a first read appends papers; an edit replaces one; a deletion removes one', () => {
    const library = new ZoteroLibrary();
    const first = library.update([item('AAAA2222', 'Attention Is All You Need', { family: 'Vaswani', year: '2017', key: 'vaswani2017' }), item('BBBB2222', 'Gaussian Splatting', { family: 'Kerbl', year: '2023', key: 'kerbl2023' })]);
    // Papers appended together are one edit (a page of new items is one update to index).
    assert.deepEqual(first.edits.map((e) => e.kind === 'delta' && [e.delta.from, e.delta.to, e.delta.papers.map((p) => p.key)]), [[0, 0, ['vaswani2017', 'kerbl2023']]]);
    assert.deepEqual(first.changedKeys.sort(), ['kerbl2023', 'vaswani2017']);

    const edited = library.update([item('AAAA2222', 'Attention Is Still All You Need', { family: 'Vaswani', year: '2017', key: 'vaswani2017', version: 2 })]);
    assert.deepEqual(edited.edits.map((e) => e.kind === 'delta' && [e.delta.from, e.delta.to, e.delta.papers.map((p) => p.title)]), [[0, 1, ['Attention Is Still All You Need']]]);
    assert.deepEqual(edited.changedKeys, [], 'same key: no citation changes verdict');

    const removed = library.update([], ['AAAA2222']);
    assert.deepEqual(removed.edits.map((e) => e.kind === 'delta' && [e.delta.from, e.delta.to, e.delta.papers.length]), [[0, 1, 0]]);
    assert.deepEqual(removed.changedKeys, ['vaswani2017']);
    assert.deepEqual(library.papers().map((p) => p.key), ['kerbl2023']);
  });

  test('an item read again unchanged is no edit at all', () => {
    const library = new ZoteroLibrary();
    const read = item('AAAA2222', 'Same', { key: 'same2020' });
    library.update([read]);
    assert.deepEqual(library.update([{ ...read, paper: { ...read.paper! } }]).edits, []);
  });

  test('notes and attachments are remembered (not fetched again) but are no papers', () => {
    const library = new ZoteroLibrary();
    const update = library.update([item('NOTE2222', '', { itemType: 'note' })]);
    assert.deepEqual(update.edits, []);
    assert.equal(library.size, 1);
    assert.equal(library.paperCount, 0);
  });

  test('generated keys: unique with a, b…; an item keeps its key when another with the same base comes', () => {
    const library = new ZoteroLibrary();
    library.update([item('AAAA2222', 'Deep Learning', { family: 'LeCun', year: '2015' })]);
    library.update([item('BBBB2222', 'Deep Learning', { family: 'LeCun', year: '2015' }), item('CCCC2222', 'Deep Learning', { family: 'LeCun', year: '2015' })]);
    assert.deepEqual(library.papers().map((p) => p.key), ['lecunDeepLearning2015', 'lecunDeepLearning2015a', 'lecunDeepLearning2015b']);
    library.update([item('AAAA2222', 'Deep Learning', { family: 'LeCun', year: '2015', version: 5 })]);
    assert.deepEqual(library.papers().map((p) => p.key), ['lecunDeepLearning2015', 'lecunDeepLearning2015a', 'lecunDeepLearning2015b']);
  });

  test('Better BibTeX answering late re-keys the papers that had generated keys', () => {
    const library = new ZoteroLibrary();
    library.update([item('AAAA2222', 'Deep Learning', { family: 'LeCun', year: '2015' })]);
    const update = library.rekey(new Map([['AAAA2222', { key: 'lecun2015deep', source: 'better-bibtex' as const }]]));
    assert.deepEqual(update.changedKeys.sort(), ['lecun2015deep', 'lecunDeepLearning2015']);
    assert.equal(library.entry('AAAA2222')!.keySource, 'better-bibtex');
  });

  test('many changes at once are one whole list', () => {
    const library = new ZoteroLibrary();
    const items = Array.from({ length: 300 }, (_, i) => item(`K${String(i).padStart(7, '0')}`, `Paper ${i}`, { key: `p${i}` }));
    const update = library.update(items);
    assert.deepEqual(update.edits.map((e) => e.kind), ['replace']);
    assert.equal(update.edits[0].kind === 'replace' && update.edits[0].papers.length, 300);
  });

  test('the model follows: completion, definition in Zotero, unknown keys once an item is gone', () => {
    const model = new WorkspaceModel();
    model.setWorkspaceFolders(['file:///ws']);
    const library = new ZoteroLibrary();
    apply(model, library, library.update([item('AAAA2222', 'Attention Is All You Need', { family: 'Vaswani', year: '2017', key: 'vaswani2017' }), item('BBBB2222', 'Gaussian Splatting', { family: 'Kerbl', year: '2023', key: 'kerbl2023' })]));
    const text = 'See [@vasw';
    model.setNote('file:///ws/note.md', 'See [@kerbl2023] and [@vaswani2017].\n');
    const list = provideCompletion(model, text, { line: 0, character: text.length }, defaultSettings);
    assert.deepEqual(list?.items.map((i) => i.label), ['vaswani2017']);
    assert.deepEqual(provideDefinition(model, 'file:///ws/note.md', { line: 0, character: 8 }), [
      { uri: 'zotero://select/library/items/BBBB2222', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    ]);
    assert.deepEqual(noteDiagnostics(model, 'file:///ws/note.md', defaultSettings), []);

    apply(model, library, library.update([], ['BBBB2222']));
    assert.deepEqual(model.catalog(ZOTERO_CATALOG_URI)!.papers.map((p) => p.key), ['vaswani2017']);
    assert.deepEqual(noteDiagnostics(model, 'file:///ws/note.md', defaultSettings).map((d) => d.message), ["Unknown citation key 'kerbl2023': no paper in the catalogs has it."]);
  });
});

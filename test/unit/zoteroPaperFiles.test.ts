/**
 * A paper's attachments (PDF paths, annotations) and notes from Zotero, for PDF notes: through
 * Better BibTeX by citation key, and through the local API by item key when Better BibTeX is not
 * there or does not know the key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { paperAttachments, paperNotes } from '../../server/src/node/zotero/paperFiles';
import { ZoteroStandIn } from '../zotero/standIn';

describe('paper files and notes from Zotero', () => {
  let zotero: ZoteroStandIn;
  let paper: { key: string; zoteroKey: string };
  let pdf: string;

  before(async () => {
    zotero = await ZoteroStandIn.start();
    const itemKey = zotero.add({ title: 'Attention Is All You Need', creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }], date: '2017' });
    pdf = zotero.addChild(itemKey, 'attachment', { title: 'Full Text PDF', contentType: 'application/pdf', linkMode: 'imported_file', path: '/home/me/Zotero/storage/ABCD2345/Vaswani 2017.pdf' });
    zotero.addChild(pdf, 'annotation', { annotationType: 'highlight', annotationText: 'Multi-head attention', annotationComment: 'the key idea', annotationPageLabel: '4', annotationColor: '#ffd400' });
    zotero.addChild(itemKey, 'note', { note: '<p>Read for the <b>seminar</b>.</p>' });
    paper = { key: zotero.citekeyOf(itemKey)!, zoteroKey: itemKey };
  });
  after(() => zotero.stop());

  const expected = () => ({
    itemKey: pdf,
    path: '/home/me/Zotero/storage/ABCD2345/Vaswani 2017.pdf',
    open: `zotero://open-pdf/library/items/${pdf}`,
    annotations: [{ type: 'highlight', text: 'Multi-head attention', comment: 'the key idea', pageLabel: '4', color: '#ffd400' }],
  });

  test('with Better BibTeX: by citation key', async () => {
    const from = zotero.requests.length;
    assert.deepEqual(await paperAttachments(new URL(zotero.url), paper), [expected()]);
    assert.deepEqual(await paperNotes(new URL(zotero.url), paper), ['<p>Read for the <b>seminar</b>.</p>']);
    assert.deepEqual(zotero.requests.slice(from).map((r) => r.rpcMethod), ['item.attachments', 'item.notes']);
  });

  test('without Better BibTeX: the local API, by item key (the file from /file/view/url)', async () => {
    zotero.setBetterBibtex('absent');
    try {
      const attachments = await paperAttachments(new URL(zotero.url), paper);
      assert.deepEqual(attachments, [{ ...expected(), title: 'Full Text PDF', contentType: 'application/pdf' }]);
      assert.deepEqual(await paperNotes(new URL(zotero.url), paper), ['<p>Read for the <b>seminar</b>.</p>']);
    } finally {
      zotero.setBetterBibtex('ready');
    }
  });

  test('a key Better BibTeX does not know (made by LitNotes): the local API too; no item key: its error', async () => {
    const made = { key: 'vaswaniMadeUp2017', zoteroKey: paper.zoteroKey };
    assert.equal((await paperAttachments(new URL(zotero.url), made))[0].path, '/home/me/Zotero/storage/ABCD2345/Vaswani 2017.pdf');
    await assert.rejects(paperNotes(new URL(zotero.url), { key: 'vaswaniMadeUp2017' }), /zero matches for vaswaniMadeUp2017/);
  });
});

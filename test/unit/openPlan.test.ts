import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PaperAttachment } from '../../common/protocol';
import { chooseAttachment, confirmDetail, contributesPdfEditor, planOpen, type OpenContext } from '../../client/src/pdf/openPlan';

function attachment(overrides: Partial<PaperAttachment> = {}): PaperAttachment {
  return {
    label: 'Vaswani - 2017.pdf',
    uri: 'file:///ws/papers/Vaswani%20-%202017.pdf',
    path: '/ws/papers/Vaswani - 2017.pdf',
    state: 'ok',
    document: 'pdf',
    trusted: true,
    origin: 'catalog',
    ...overrides,
  };
}

const outside = attachment({ uri: 'file:///home/ann/Downloads/a.pdf', path: '/home/ann/Downloads/a.pdf', trusted: false });
const inZotero = attachment({ uri: 'file:///home/ann/Zotero/storage/AB12CD34/a.pdf', path: '/home/ann/Zotero/storage/AB12CD34/a.pdf', zoteroKey: 'AB12CD34' });
const snapshot = attachment({ label: 'page.html', uri: 'file:///ws/snap/page.html', path: '/ws/snap/page.html', document: 'html' });
const missing = attachment({ state: 'missing', document: undefined, message: 'The attachment is not there: /ws/papers/gone.pdf. It may have been moved, or the catalog was exported on another computer.' });
const refused = attachment({ label: 'run.sh', state: 'refused', document: undefined, message: 'LitNotes only opens PDF, EPUB and HTML documents, not /tmp/run.sh.' });

function context(overrides: Partial<OpenContext> = {}): OpenContext {
  return { openWith: 'auto', pdfViewerInstalled: false, approved: new Set(), ...overrides };
}

describe('which attachment Open PDF takes', () => {
  test('the one PDF, even beside a snapshot; a pick between two PDFs', () => {
    assert.deepEqual(chooseAttachment('k', [snapshot, inZotero]), { kind: 'one', attachment: inZotero });
    assert.deepEqual(chooseAttachment('k', [inZotero, outside, snapshot]), { kind: 'pick', attachments: [inZotero, outside, snapshot] });
  });

  test('without a PDF: the one other document, or a pick; missing and refused files are never offered', () => {
    assert.deepEqual(chooseAttachment('k', [missing, snapshot, refused]), { kind: 'one', attachment: snapshot });
    assert.deepEqual(chooseAttachment('k', [snapshot, { ...snapshot, label: 'b.epub', document: 'epub' }, missing]).kind, 'pick');
  });

  test('nothing to open: the message names the path, or says the catalog lists no file', () => {
    assert.deepEqual(chooseAttachment('vaswani2017', []), { kind: 'none', message: '“vaswani2017” has no attached file in its catalog entry (the file field).' });
    assert.deepEqual(chooseAttachment('k', [missing]), { kind: 'none', message: missing.message });
    assert.deepEqual(chooseAttachment('k', [missing, refused]), { kind: 'none', message: `${missing.message} (1 more attachment of “k” cannot be opened either.)` });
  });
});

describe('where it opens', () => {
  test('auto: VS Code when a PDF viewer extension is installed, else the system viewer', () => {
    assert.deepEqual(planOpen(inZotero, context({ pdfViewerInstalled: true })), { kind: 'open', target: 'vscode', uri: inZotero.uri, attachment: inZotero });
    assert.deepEqual(planOpen(inZotero, context()), { kind: 'open', target: 'system', uri: inZotero.uri, attachment: inZotero });
  });

  test('vscode without a viewer: the system viewer, and a note saying why', () => {
    const plan = planOpen(inZotero, context({ openWith: 'vscode' }));
    assert.deepEqual(plan, { kind: 'open', target: 'system', uri: inZotero.uri, attachment: inZotero, note: 'No PDF viewer extension is installed in VS Code, so the PDF opens in the system\'s viewer.' });
    assert.equal((planOpen(inZotero, context({ openWith: 'vscode', pdfViewerInstalled: true })) as { target: string }).target, 'vscode');
  });

  test('system: the system viewer even with a viewer extension', () => {
    assert.equal((planOpen(inZotero, context({ openWith: 'system', pdfViewerInstalled: true })) as { target: string }).target, 'system');
  });

  test('snapshots and EPUBs open in the system viewer: VS Code would show their source', () => {
    assert.equal((planOpen(snapshot, context({ pdfViewerInstalled: true })) as { target: string }).target, 'system');
    assert.match((planOpen(snapshot, context({ openWith: 'vscode', pdfViewerInstalled: true })) as { note: string }).note, /VS Code does not show HTML documents/);
  });

  test('zotero: zotero://open-pdf with the storage key; no key: as auto, with a note', () => {
    assert.deepEqual(planOpen(inZotero, context({ openWith: 'zotero' })), { kind: 'open', target: 'zotero', uri: 'zotero://open-pdf/library/items/AB12CD34', attachment: inZotero });
    const plain = planOpen(attachment(), context({ openWith: 'zotero', pdfViewerInstalled: true }));
    assert.deepEqual(plain, { kind: 'open', target: 'vscode', uri: attachment().uri, attachment: attachment(), note: 'Vaswani - 2017.pdf is not in Zotero\'s storage, so it opens outside Zotero.' });
  });

  test('a key that is no Zotero key never reaches the zotero:// URI', () => {
    for (const zoteroKey of ['AB12CD3', 'ab12cd34', 'AB12CD34/../../x', 'AB12CD34?page=1', '']) {
      const plan = planOpen(attachment({ zoteroKey }), context({ openWith: 'zotero' }));
      assert.equal(plan.kind === 'open' && plan.target, 'system', zoteroKey);
    }
  });
});

describe('untrusted paths', () => {
  test('outside the workspace and Zotero storage: the user sees the path first', () => {
    const plan = planOpen(outside, context({ pdfViewerInstalled: true }));
    assert.deepEqual(plan, { kind: 'open', target: 'vscode', uri: outside.uri, attachment: outside, confirmPath: '/home/ann/Downloads/a.pdf' });
    assert.equal((planOpen(outside, context({ openWith: 'system' })) as { confirmPath?: string }).confirmPath, '/home/ann/Downloads/a.pdf');
  });

  test('once approved, the same path opens without asking; another path still asks', () => {
    const approved = new Set([outside.uri]);
    assert.equal((planOpen(outside, context({ approved })) as { confirmPath?: string }).confirmPath, undefined);
    const other = { ...outside, uri: 'file:///home/ann/Downloads/b.pdf', path: '/home/ann/Downloads/b.pdf' };
    assert.equal((planOpen(other, context({ approved })) as { confirmPath?: string }).confirmPath, '/home/ann/Downloads/b.pdf');
  });

  test('in Zotero, an item opens by key: no local path is handed over, nothing to confirm', () => {
    const outsideButKeyed = { ...outside, zoteroKey: 'AB12CD34' };
    assert.equal((planOpen(outsideButKeyed, context({ openWith: 'zotero' })) as { confirmPath?: string }).confirmPath, undefined);
  });

  test('missing and refused attachments are refused with the server\'s message', () => {
    assert.deepEqual(planOpen(missing, context()), { kind: 'refuse', message: missing.message });
    assert.deepEqual(planOpen(refused, context({ openWith: 'system' })), { kind: 'refuse', message: refused.message });
    assert.deepEqual(planOpen({ ...refused, zoteroKey: 'AB12CD34' }, context({ openWith: 'zotero' })), { kind: 'refuse', message: refused.message });
  });

  test('the confirmation names the path on a line of its own and the paper it comes from', () => {
    assert.equal(confirmDetail('k', '/home/ann/Downloads/a.pdf').split('\n')[0], '/home/ann/Downloads/a.pdf');
    assert.match(confirmDetail('k', '/x'), /catalog entry of “k”/);
  });
});

describe('PDF viewer extensions', () => {
  test('an extension with a custom editor for *.pdf counts; others do not', () => {
    assert.equal(contributesPdfEditor({ contributes: { customEditors: [{ viewType: 'pdf.preview', selector: [{ filenamePattern: '*.pdf' }] }] } }), true);
    assert.equal(contributesPdfEditor({ contributes: { customEditors: [{ viewType: 'x', selector: [{ filenamePattern: '*.{png,jpg}' }] }] } }), false);
    assert.equal(contributesPdfEditor({ contributes: { customEditors: 'nonsense' } }), false);
    assert.equal(contributesPdfEditor({}), false);
    assert.equal(contributesPdfEditor(undefined), false);
  });
});

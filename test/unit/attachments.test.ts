import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attachmentFileName, attachmentKind, attachmentUris, displayPath, parseFileField, zoteroStorageKey } from '../../server/src/catalog/attachments';
import { parseBibtex } from '../../server/src/catalog/bibtex';

const catalog = 'file:///home/ann/papers/refs.bib';

/** The `file` field of one BibTeX entry as the reader keeps it, parsed: what Open PDF starts from. */
function attachmentsOf(entry: string) {
  const paper = parseBibtex(entry, catalog).papers[0];
  return paper.files.flatMap((f) => parseFileField(f));
}

function urisOf(entry: string, home?: string): string[] {
  return attachmentsOf(entry).map((a) => attachmentUris(a, catalog, home)[0]);
}

// Each field below is copied from a real export (public repositories), names shortened.
describe('file fields as reference managers write them', () => {
  test('Zotero: description:path:mime-type, relative to the exported .bib, two attachments', () => {
    const entry = '@misc{z, file = {Full Text PDF:files/12/Vaswani et al. - 2017 - Attention.pdf:application/pdf;Snapshot:files/13/page.html:text/html}}';
    assert.deepEqual(attachmentsOf(entry), [
      { description: 'Full Text PDF', path: 'files/12/Vaswani et al. - 2017 - Attention.pdf', type: 'application/pdf' },
      { description: 'Snapshot', path: 'files/13/page.html', type: 'text/html' },
    ]);
    assert.deepEqual(urisOf(entry), [
      'file:///home/ann/papers/files/12/Vaswani%20et%20al.%20-%202017%20-%20Attention.pdf',
      'file:///home/ann/papers/files/13/page.html',
    ]);
  });

  test('Zotero: absolute storage paths, an escaped ; inside a file name', () => {
    const entry = String.raw`@article{l, file = {Full Text PDF:/home/ankl/Zotero/storage/J7DL86N5/Lamprecht et al. - 2019 - Towards FAIR principles for&nbsp\;research&nbsp\;sof.pdf:application/pdf;Snapshot:/home/ankl/Zotero/storage/BYCDA7FL/ds190026.html:text/html}}`;
    const [pdf, html] = attachmentsOf(entry);
    assert.equal(pdf.path, '/home/ankl/Zotero/storage/J7DL86N5/Lamprecht et al. - 2019 - Towards FAIR principles for&nbsp;research&nbsp;sof.pdf');
    assert.equal(html.path, '/home/ankl/Zotero/storage/BYCDA7FL/ds190026.html');
    assert.equal(urisOf(entry)[0], 'file:///home/ankl/Zotero/storage/J7DL86N5/Lamprecht%20et%20al.%20-%202019%20-%20Towards%20FAIR%20principles%20for%26nbsp%3Bresearch%26nbsp%3Bsof.pdf');
    assert.equal(zoteroStorageKey(urisOf(entry)[0]), 'J7DL86N5');
  });

  test('Zotero on Windows: escaped drive colon and backslashes', () => {
    const entry = String.raw`@article{w, file = {ScienceDirect Full Text PDF:C\:\\Users\\miche\\Zotero\\storage\\MKD68W6Y\\Liebig et al. - 2021 - Forecasting dengue.pdf:application/pdf;ScienceDirect Snapshot:C\:\\Users\\miche\\Zotero\\storage\\6E2N77M4\\S2590.html:text/html}}`;
    const [pdf, html] = attachmentsOf(entry);
    assert.deepEqual(pdf, { description: 'ScienceDirect Full Text PDF', path: String.raw`C:\Users\miche\Zotero\storage\MKD68W6Y\Liebig et al. - 2021 - Forecasting dengue.pdf`, type: 'application/pdf' });
    assert.equal(html.path, String.raw`C:\Users\miche\Zotero\storage\6E2N77M4\S2590.html`);
    const uri = urisOf(entry)[0];
    assert.equal(uri, 'file:///c%3A/Users/miche/Zotero/storage/MKD68W6Y/Liebig%20et%20al.%20-%202021%20-%20Forecasting%20dengue.pdf');
    assert.equal(displayPath(uri), String.raw`C:\Users\miche\Zotero\storage\MKD68W6Y\Liebig et al. - 2021 - Forecasting dengue.pdf`);
    assert.equal(zoteroStorageKey(uri), 'MKD68W6Y');
  });

  test('Zotero on Windows: a drive other than C and a file name as the description', () => {
    const entry = String.raw`@article{q, file = {48b6995f.pdf:I\:\\My Drive\\zotero\\storage\\GXTC9KF8\\48b6995f.pdf:application/pdf}}`;
    assert.deepEqual(attachmentsOf(entry), [{ description: '48b6995f.pdf', path: String.raw`I:\My Drive\zotero\storage\GXTC9KF8\48b6995f.pdf`, type: 'application/pdf' }]);
    assert.equal(urisOf(entry)[0], 'file:///i%3A/My%20Drive/zotero/storage/GXTC9KF8/48b6995f.pdf');
  });

  test('Better BibTeX: bare absolute paths separated by ;', () => {
    const entry = '@misc{bbt, file = {/Users/dmitry/Zotero/storage/5A8ADMJ7/2024 - Big Dig.pdf;/Users/dmitry/Zotero/storage/K4CTZQTC/Big_Dig.html}}';
    assert.deepEqual(attachmentsOf(entry), [{ path: '/Users/dmitry/Zotero/storage/5A8ADMJ7/2024 - Big Dig.pdf' }, { path: '/Users/dmitry/Zotero/storage/K4CTZQTC/Big_Dig.html' }]);
    assert.deepEqual(urisOf(entry), ['file:///Users/dmitry/Zotero/storage/5A8ADMJ7/2024%20-%20Big%20Dig.pdf', 'file:///Users/dmitry/Zotero/storage/K4CTZQTC/Big_Dig.html']);
  });

  test('Better BibTeX on Windows: one bare path, escaped', () => {
    const entry = String.raw`@article{d, file = {C\:\\Users\\dunningtond\\Zotero\\storage\\IA5XVLSM\\10402381.2018.html}}`;
    assert.deepEqual(attachmentsOf(entry), [{ path: String.raw`C:\Users\dunningtond\Zotero\storage\IA5XVLSM\10402381.2018.html` }]);
    assert.equal(urisOf(entry)[0], 'file:///c%3A/Users/dunningtond/Zotero/storage/IA5XVLSM/10402381.2018.html');
  });

  test('a Windows path written without escapes keeps its backslashes and drive', () => {
    const entry = String.raw`@misc{u, file = {C:\Zotero\storage\AB12CD34\p.pdf}}`;
    assert.deepEqual(attachmentsOf(entry), [{ path: String.raw`C:\Zotero\storage\AB12CD34\p.pdf` }]);
    assert.equal(urisOf(entry)[0], 'file:///c%3A/Zotero/storage/AB12CD34/p.pdf');
  });

  test('JabRef: :relative:PDF and Description:path:Type, Windows escapes', () => {
    assert.deepEqual(attachmentsOf('@misc{j, file = {:papers/knuth.pdf:PDF;Snapshot:web/knuth.html:text/html}}'), [
      { path: 'papers/knuth.pdf', type: 'PDF' },
      { description: 'Snapshot', path: 'web/knuth.html', type: 'text/html' },
    ]);
    const windows = String.raw`@misc{g, file = {:C\:\\Users\\Greg\\Documents\\Papers\\CiteULike\\general\\winzeler_malaria.pdf:PDF}}`;
    assert.deepEqual(attachmentsOf(windows), [{ path: String.raw`C:\Users\Greg\Documents\Papers\CiteULike\general\winzeler_malaria.pdf`, type: 'PDF' }]);
    assert.deepEqual(attachmentsOf('@misc{k, file = {Main paper:../pdfs/Knuth 1984.pdf:PDF}}'), [{ description: 'Main paper', path: '../pdfs/Knuth 1984.pdf', type: 'PDF' }]);
    assert.equal(urisOf('@misc{k, file = {Main paper:../pdfs/Knuth 1984.pdf:PDF}}')[0], 'file:///home/ann/pdfs/Knuth%201984.pdf');
  });

  test('Mendeley: $\\backslash$ for the drive colon, LaTeX escapes in the name', () => {
    const entry = String.raw`@article{p, file = {:C$\backslash$:/Users/elian/AppData/Local/Mendeley Ltd./Mendeley Desktop/Downloaded/Pritchard et al. - 1997 - A General Strategy.pdf:pdf}}`;
    assert.deepEqual(attachmentsOf(entry), [{ path: 'C:/Users/elian/AppData/Local/Mendeley Ltd./Mendeley Desktop/Downloaded/Pritchard et al. - 1997 - A General Strategy.pdf', type: 'pdf' }]);
    assert.equal(urisOf(entry)[0], 'file:///c%3A/Users/elian/AppData/Local/Mendeley%20Ltd./Mendeley%20Desktop/Downloaded/Pritchard%20et%20al.%20-%201997%20-%20A%20General%20Strategy.pdf');
    assert.deepEqual(attachmentsOf(String.raw`@misc{n, file = {:C$\backslash$:/Users/ws/Downloads/18{\_}21.pdf:pdf}}`), [{ path: 'C:/Users/ws/Downloads/18_21.pdf', type: 'pdf' }]);
  });

  test('Mendeley on macOS: an absolute path without its leading slash gets both readings', () => {
    const entry = '@misc{h, file = {:Users/Fred/Library/Application Support/Mendeley Desktop/Downloaded/Hasselman et al. - 2011.pdf:pdf}}';
    const [attachment] = attachmentsOf(entry);
    assert.deepEqual(attachmentUris(attachment, catalog), [
      'file:///home/ann/papers/Users/Fred/Library/Application%20Support/Mendeley%20Desktop/Downloaded/Hasselman%20et%20al.%20-%202011.pdf',
      'file:///Users/Fred/Library/Application%20Support/Mendeley%20Desktop/Downloaded/Hasselman%20et%20al.%20-%202011.pdf',
    ]);
  });

  test('a path with its type only, a file:// URI, ~, a web link and an empty entry', () => {
    assert.deepEqual(parseFileField('paper.pdf:PDF'), [{ path: 'paper.pdf', type: 'PDF' }]);
    assert.deepEqual(urisOf('@misc{f, file = {:file:///home/ann/My%20Papers/a.pdf:PDF}}'), ['file:///home/ann/My%20Papers/a.pdf']);
    assert.deepEqual(urisOf('@misc{t, file = {~/papers/a.pdf}}', 'file:///home/ann'), ['file:///home/ann/papers/a.pdf']);
    assert.deepEqual(attachmentUris({ path: 'https://arxiv.org/pdf/1706.03762' }, catalog), []);
    assert.deepEqual(attachmentUris({ path: 'file://evil.example/share/a.pdf' }, catalog), []);
    assert.deepEqual(parseFileField(' ; :: ;'), []);
  });

  test('relative paths climb with .. but never above the root', () => {
    assert.equal(attachmentUris({ path: '../../../../../../etc/a.pdf' }, catalog)[0], 'file:///etc/a.pdf');
    assert.equal(attachmentUris({ path: String.raw`files\12\a b.pdf` }, catalog)[0], 'file:///home/ann/papers/files/12/a%20b.pdf');
  });

  test('UNC shares', () => {
    const [a] = parseFileField(String.raw`:\\\\fileserver\\lab\\papers\\a.pdf:PDF`);
    assert.equal(a.path, String.raw`\\fileserver\lab\papers\a.pdf`);
    const uri = attachmentUris(a, catalog)[0];
    assert.equal(uri, 'file://fileserver/lab/papers/a.pdf');
    assert.equal(displayPath(uri), String.raw`\\fileserver\lab\papers\a.pdf`);
  });

  test('kind from extension or type, file name for labels', () => {
    assert.equal(attachmentKind({ path: 'a/b.PDF' }), 'pdf');
    assert.equal(attachmentKind({ path: 'a/noextension', type: 'application/pdf' }), 'pdf');
    assert.equal(attachmentKind({ path: 'a/book.epub', type: 'application/epub+zip' }), 'epub');
    assert.equal(attachmentKind({ path: 'snap.html', type: 'text/html' }), 'html');
    assert.equal(attachmentKind({ path: 'run.sh', type: 'application/pdf' }), 'other');
    assert.equal(attachmentKind({ path: 'evil.desktop' }), 'other');
    assert.equal(attachmentFileName({ path: String.raw`C:\Users\a\Vaswani - 2017.pdf` }), 'Vaswani - 2017.pdf');
    assert.equal(attachmentFileName({ path: 'files/12/a.pdf' }), 'a.pdf');
  });
});

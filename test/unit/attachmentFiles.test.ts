/**
 * `litnotes/attachments` on a real disk: a catalog's file field → the attachments the client gets,
 * checked by name and content, links followed, trusted or not by where they really are.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { firstExisting } from '../../server/src/node/attachmentFiles';
import { pathToUri } from '../../server/src/node/files';
import { attachmentCandidates, describeAttachment, sortAttachments } from '../../server/src/service/paperAttachments';

describe('attachments on disk', () => {
  let root: string;
  let workspace: string;
  let outside: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'litnotes-attachments-'));
    workspace = join(root, 'thesis');
    outside = join(root, 'Downloads');
    mkdirSync(join(workspace, 'papers'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(workspace, 'papers', 'Vaswani - 2017.pdf'), '%PDF-1.4\n1 0 obj\n');
    writeFileSync(join(outside, 'elsewhere.pdf'), '%PDF-1.7\n');
    writeFileSync(join(outside, 'launcher.desktop'), '[Desktop Entry]\nExec=sh\n');
    writeFileSync(join(outside, 'fake.pdf'), '#!/bin/sh\necho pwned\n');
    chmodSync(join(outside, 'fake.pdf'), 0o755);
    mkdirSync(join(outside, 'folder.pdf'));
    // A link inside the workspace to a PDF outside: trusted or not by where the file really is.
    symlinkSync(join(outside, 'elsewhere.pdf'), join(workspace, 'papers', 'linked.pdf'));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  async function attachments(fileField: string) {
    const catalogUri = pathToUri(join(workspace, 'refs.bib'));
    const [paper] = parseBibtex(`@misc{k, title = {T}, file = {${fileField}}}`, catalogUri).papers;
    const trusted = [pathToUri(workspace)];
    const described = await Promise.all(attachmentCandidates(paper).map(async (c) => describeAttachment(c, await firstExisting(c.uris), trusted)));
    return sortAttachments(described);
  }

  test('a PDF in the workspace, relative to the catalog: ok, trusted', async () => {
    assert.deepEqual(await attachments(':papers/Vaswani - 2017.pdf:PDF'), [
      { label: 'Vaswani - 2017.pdf', uri: pathToUri(join(workspace, 'papers', 'Vaswani - 2017.pdf')), path: join(workspace, 'papers', 'Vaswani - 2017.pdf'), state: 'ok', document: 'pdf', trusted: true, origin: 'catalog' },
    ]);
  });

  test('a PDF outside: ok but not trusted (the client asks); a link is judged by its target', async () => {
    const [direct] = await attachments(`${join(outside, 'elsewhere.pdf')}`);
    assert.deepEqual([direct.state, direct.trusted], ['ok', false]);
    const [linked] = await attachments(':papers/linked.pdf:PDF');
    assert.deepEqual([linked.state, linked.trusted, linked.path], ['ok', false, join(outside, 'elsewhere.pdf')]);
  });

  test('refused: a launcher, a script named .pdf, a folder named .pdf; missing: the path named', async () => {
    const result = await attachments(`Launcher:${join(outside, 'launcher.desktop')}:;${join(outside, 'fake.pdf')};${join(outside, 'folder.pdf')};:papers/gone.pdf:PDF`);
    assert.deepEqual(result.map((a) => [a.label, a.state, a.message]), [
      ['gone.pdf', 'missing', `The attachment is not there: ${join(workspace, 'papers', 'gone.pdf')}. It may have been moved, or the catalog was exported on another computer.`],
      ['launcher.desktop', 'refused', `LitNotes only opens PDF, EPUB and HTML documents, not ${join(outside, 'launcher.desktop')}.`],
      ['fake.pdf', 'refused', `LitNotes did not open ${join(outside, 'fake.pdf')}: the name says PDF, but its content is not a document.`],
      ['folder.pdf', 'refused', `The attachment is not a regular file: ${join(outside, 'folder.pdf')}.`],
    ]);
  });

  test('documents first: the PDF before the missing one, whatever the catalog order', async () => {
    const result = await attachments(':papers/gone.pdf:PDF;:papers/Vaswani - 2017.pdf:PDF');
    assert.deepEqual(result.map((a) => a.state), ['ok', 'missing']);
  });
});

/**
 * A citation key is never a path: the literature note of any key (`../../x`, `a/b`, `CON`,
 * `.hidden`, 300 characters, control characters, anything fast-check makes) is a safe file name
 * directly inside the notes folder, inside the workspace folder; different keys get different
 * names; a note that exists is reported as existing (the client then opens it, never overwrites).
 *
 * Short by default (CI); `LITNOTES_LONG_TESTS=1` runs many more generated keys.
 */
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { noteFileName, noteUri } from '../../server/src/notes/noteTemplate';
import { literatureNoteUri } from '../../server/src/service/literatureNotes';
import { newNote } from '../../server/src/service/newNote';
import { isRefusal } from '../../server/src/service/protocolTypes';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

const LONG = process.env.LITNOTES_LONG_TESTS === '1';
const RUNS = LONG ? 5000 : 150;

const folder = 'file:///home/me/ws';
const windowsDevices = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** What makes a file name safe on Linux, macOS and Windows, and not a path. */
function assertSafeFileName(name: string, key: string): void {
  const context = `key ${JSON.stringify(key)} → ${JSON.stringify(name)}`;
  assert.ok(name.endsWith('.md'), context);
  const stem = name.slice(0, -3);
  assert.ok(stem.length > 0 && stem.length <= 120, `${context}: stem length ${stem.length}`);
  assert.ok(utf8Bytes(name) <= 255, `${context}: ${utf8Bytes(name)} bytes`);
  assert.doesNotMatch(name, /[/\\:*?"<>|\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u, `${context}: a character no file name should hold`);
  assert.ok(!stem.startsWith('.') && !stem.startsWith('~') && stem !== '..', `${context}: hidden or a parent`);
  assert.ok(!windowsDevices.test(stem.split('.')[0]), `${context}: a Windows device name`);
  assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name), `${context}: a lone surrogate`);
}

/** The note's URI is `<folder>/<notes folder>/<one segment>`, and decoding it does not climb out. */
function assertInsideNotesFolder(uri: string | undefined, notesPath: string, key: string): void {
  assert.ok(uri, `key ${JSON.stringify(key)}: no note URI`);
  const path = decodeURIComponent(new URL(uri).pathname);
  assert.equal(posix.normalize(path), path, `key ${JSON.stringify(key)}: ${path} is not a normal path`);
  assert.equal(posix.dirname(path), notesPath, `key ${JSON.stringify(key)}: ${path} is not directly in ${notesPath}`);
}

const hostileKeys = [
  '../../x',
  '..',
  '.',
  '',
  'a/b',
  'a\\b',
  '/etc/passwd',
  'C:\\Windows\\x',
  'C:x',
  'CON',
  'con.txt',
  'Nul',
  'LPT1',
  '.hidden',
  '.git',
  '~',
  '~user',
  'x'.repeat(300),
  '𝒜'.repeat(200),
  'é'.repeat(250),
  'tab\tnew\nline\u0000nul\u001b[31m',
  'trailing.',
  'trailing ',
  'bidi\u202eexe.md',
  'a:b*c?d"e<f>g|h',
  '%2e%2e%2fx',
  'file:///etc/passwd',
  'lone\ud800surrogate',
];

describe('a key is never a path', () => {
  for (const key of hostileKeys) {
    test(`${JSON.stringify(key.length > 40 ? key.slice(0, 40) + '…' : key)}: a safe name directly in the notes folder`, () => {
      const name = noteFileName(key);
      assertSafeFileName(name, key);
      assertInsideNotesFolder(noteUri(folder, 'notes', key), '/home/me/ws/notes', key);
      assertInsideNotesFolder(noteUri(folder, 'lit/notes/', key), '/home/me/ws/lit/notes', key);
    });
  }

  test('keys that are safe file names keep their name', () => {
    assert.deepEqual(['vaswani2017', 'smith:2020', 'Doe-Roe_2021.v2', 'Müller2019'].map(noteFileName), ['vaswani2017.md', 'smith_2020~' + noteFileName('smith:2020').split('~')[1], 'Doe-Roe_2021.v2.md', 'Müller2019.md']);
  });

  test('any key (fast-check): a safe name, directly in the notes folder; different keys, different names', () => {
    const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom(...hostileKeys), fc.string({ unit: fc.constantFrom('.', '/', '\\', '~', 'a', ' ', ':', '\u0000', 'é', 'C', 'O', 'N'), maxLength: 12 }));
    fc.assert(
      fc.property(key, key, (a, b) => {
        const name = noteFileName(a);
        assertSafeFileName(name, a);
        assert.equal(noteFileName(a), name, 'deterministic');
        assertInsideNotesFolder(noteUri(folder, 'notes', a), '/home/me/ws/notes', a);
        if (a !== b) assert.notEqual(noteFileName(b), name, `${JSON.stringify(a)} and ${JSON.stringify(b)} share a note`);
      }),
      { numRuns: RUNS, seed: LONG ? undefined : 43 },
    );
  });

  test('a notes folder setting that climbs out of the workspace is refused; the note goes to notes/', () => {
    for (const notesFolder of ['../outside', '/etc', 'C:\\x', 'a/../../b', '~/notes', 'file:///tmp', '\\\\server\\share', 'notes/\u0000']) {
      assert.equal(noteUri(folder, notesFolder, 'k'), undefined, notesFolder);
    }
    const model = new WorkspaceModel();
    model.setWorkspaceFolders([folder]);
    assert.equal(literatureNoteUri(model, '../../k', undefined, { notesFolder: '../../outside' }), `${folder}/notes/${encodeURIComponent(noteFileName('../../k')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
  });

  test('litnotes/newNote for hostile keys: inside the notes folder, content from the template; an existing note is reported as existing', () => {
    const model = new WorkspaceModel();
    model.setWorkspaceFolders([folder]);
    const keys = ['../../x', 'a/b', 'CON', '.hidden', 'x'.repeat(300), 'ctl\u0001key'];
    model.setCatalog(`${folder}/refs.json`, JSON.stringify(keys.map((id) => ({ id, title: `Paper ${id.length}` }))));
    for (const key of keys) {
      const note = newNote(model, key, { notesFolder: '../escape' });
      assert.ok(note && !isRefusal(note), key);
      assertInsideNotesFolder(note.uri, '/home/me/ws/notes', key);
      assert.equal(note.exists, false);
      assert.match(note.content, new RegExp(`^---\\nkey: ${JSON.stringify(key).replace(/[\\[\]().*+?^$|{}]/g, '\\$&')}\\n`));
      // Once the note is in the workspace, newNote says so: the client opens it and never writes over it.
      model.setNote(note.uri, '# My own words\n');
      const again = newNote(model, key, { notesFolder: '../escape' });
      assert.ok(again && !isRefusal(again));
      assert.equal(again.uri, note.uri);
      assert.equal(again.exists, true);
    }
  });
});

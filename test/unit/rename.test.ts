import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prepareRename, provideRename } from '../../server/src/features/rename';
import { isRefusal, type WorkspaceEdit } from '../../server/src/service/protocolTypes';
import { parseSettings } from '../../server/src/service/settings';
import { applyWorkspaceEdit, fixture, where, type Fixture } from './fixture';

const workspace = `%! refs.bib
@article{doe2020, title = {Doe}}
@article{smith, title = {Smith}}
%! more.bib
@misc{doe2020, title = {Doe again}}
%! notes/a.md
See [@doe2020, p. 4; @smith] and @doe2020.
%! notes/doe2020.md
# Doe 2020 [-@doe2020]
`;

const settings = parseSettings({});

function rename(f: Fixture, newName: string, canRenameFiles = false) {
  return provideRename(f.model, f.cursor!.uri, f.cursor!.position, newName, { settings, canRenameFiles });
}

function filesAfter(f: Fixture, edit: ReturnType<typeof rename>): Record<string, string> {
  assert.ok(!isRefusal(edit), JSON.stringify(edit));
  return Object.fromEntries(applyWorkspaceEdit(f.files, edit as WorkspaceEdit));
}

describe('rename', () => {
  test('prepareRename: the key range and the key, from a note or from the catalog', () => {
    const fromNote = fixture(workspace.replace('and @doe2020', 'and @doe|2020'));
    const prepared = prepareRename(fromNote.model, fromNote.cursor!.uri, fromNote.cursor!.position);
    assert.ok(!isRefusal(prepared));
    assert.equal(where({ uri: fromNote.cursor!.uri, range: prepared.range }), 'notes/a.md:0:34-0:41');
    assert.equal(prepared.placeholder, 'doe2020');

    const fromCatalog = fixture(workspace.replace('@article{smith', '@article{smi|th'));
    const p2 = prepareRename(fromCatalog.model, fromCatalog.cursor!.uri, fromCatalog.cursor!.position);
    assert.deepEqual(p2, { range: { start: { line: 1, character: 9 }, end: { line: 1, character: 14 } }, placeholder: 'smith' });
  });

  test('prepareRename refuses off a key and on a key no catalog has', () => {
    const off = fixture(workspace.replace('See', 'S|ee'));
    assert.deepEqual(prepareRename(off.model, off.cursor!.uri, off.cursor!.position), { error: 'Put the cursor on a citation or on a catalog entry key to rename it.' });
    const unknown = fixture(workspace + '%! n.md\n[@ghost|]\n');
    assert.deepEqual(prepareRename(unknown.model, unknown.cursor!.uri, unknown.cursor!.position), {
      error: "No paper in the catalogs has the key 'ghost': there is no entry to rename.",
    });
  });

  test('one edit renames every definition and every citation, from a note', () => {
    const f = fixture(workspace.replace('and @doe2020', 'and @doe|2020'));
    assert.deepEqual(filesAfter(f, rename(f, 'doe2020a')), {
      'refs.bib': '@article{doe2020a, title = {Doe}}\n@article{smith, title = {Smith}}\n',
      'more.bib': '@misc{doe2020a, title = {Doe again}}\n',
      'notes/a.md': 'See [@doe2020a, p. 4; @smith] and @doe2020a.\n',
      'notes/doe2020.md': '# Doe 2020 [-@doe2020a]\n',
    });
  });

  test('from the catalog, to a key that needs braces in Pandoc', () => {
    const f = fixture(workspace.replace('@article{smith', '@article{smi|th'));
    const after = filesAfter(f, rename(f, 'smith:'));
    assert.equal(after['refs.bib'], '@article{doe2020, title = {Doe}}\n@article{smith:, title = {Smith}}\n');
    assert.equal(after['notes/a.md'], 'See [@doe2020, p. 4; @{smith:}] and @doe2020.\n');
  });

  test('a braced citation keeps its braces', () => {
    const f = fixture(`%! refs.bib\n@misc{odd-, title = {Odd}}\n%! n.md\n[@{od|d-}]\n`);
    assert.equal(filesAfter(f, rename(f, 'even'))['n.md'], '[@{even}]\n');
  });

  test('refuses invalid and existing keys with a clear message', () => {
    const f = fixture(workspace.replace('and @doe2020', 'and @doe|2020'));
    assert.deepEqual(rename(f, 'two words'), { error: "'two words' is not a valid citation key: it contains a space." });
    assert.deepEqual(rename(f, 'a{b}'), { error: "'a{b}' is not a valid citation key: it contains '{'." });
    assert.deepEqual(rename(f, 'a,b'), { error: "'a,b' is not a valid citation key: it contains ','." });
    assert.deepEqual(rename(f, 'a@b'), { error: "'a@b' is not a valid citation key: it contains '@'." });
    assert.deepEqual(rename(f, ''), { error: 'A citation key cannot be empty.' });
    assert.deepEqual(rename(f, 'smith'), { error: "A paper with the key 'smith' already exists in refs.bib: choose another key." });
  });

  test('the literature note follows its key when the client can rename files', () => {
    const f = fixture(workspace.replace('and @doe2020', 'and @doe|2020'));
    const edit = rename(f, 'doe2020a', true) as WorkspaceEdit;
    assert.deepEqual(edit.documentChanges?.at(-1), { kind: 'rename', oldUri: 'file:///ws/notes/doe2020.md', newUri: 'file:///ws/notes/doe2020a.md', options: { overwrite: false, ignoreIfExists: true } });
    const after = filesAfter(f, edit);
    assert.equal(after['notes/doe2020a.md'], '# Doe 2020 [-@doe2020a]\n');
    assert.equal(after['notes/doe2020.md'], undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { provideReferences } from '../../server/src/features/references';
import { fixture, where } from './fixture';

const workspace = `%! refs.bib
@misc{doe, title = {Doe}}
@misc{other, title = {Other}}
%! notes/b.md
[@doe; @other] and @doe again.
%! notes/a.md
Intro.

[see @doe, p. 2]
`;

describe('references', () => {
  test('every citation in every note, by note then position', () => {
    const f = fixture(workspace.replace('[see @doe', '[see @d|oe'));
    assert.deepEqual(provideReferences(f.model, f.cursor!.uri, f.cursor!.position, false).map(where), ['notes/a.md:2:6-2:9', 'notes/b.md:0:2-0:5', 'notes/b.md:0:20-0:23']);
  });

  test('with the declaration, from the catalog entry key', () => {
    const f = fixture(workspace.replace('@misc{doe', '@misc{do|e'));
    assert.deepEqual(provideReferences(f.model, f.cursor!.uri, f.cursor!.position, true).map(where), [
      'refs.bib:0:6-0:9',
      'notes/a.md:2:6-2:9',
      'notes/b.md:0:2-0:5',
      'notes/b.md:0:20-0:23',
    ]);
  });

  test('a key nobody cites has only its declaration', () => {
    const f = fixture(workspace + '%! refs2.bib\n@misc{lo|ne, title = {Lone}}\n');
    assert.deepEqual(provideReferences(f.model, f.cursor!.uri, f.cursor!.position, true).map(where), ['refs2.bib:0:6-0:10']);
    assert.deepEqual(provideReferences(f.model, f.cursor!.uri, f.cursor!.position, false), []);
  });
});

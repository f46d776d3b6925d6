import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { provideDefinition } from '../../server/src/features/definition';
import { fixture, where } from './fixture';

describe('go to definition', () => {
  test('from a citation to the key of its entry', () => {
    const f = fixture(`%! refs.bib
% comment
@article{doe2020,
  title = {T}}
%! notes/a.md
See [@doe|2020].
`);
    assert.deepEqual(provideDefinition(f.model, f.cursor!.uri, f.cursor!.position).map(where), ['refs.bib:1:9-1:16']);
  });

  test('every definition when the key is duplicated across catalogs', () => {
    const f = fixture(`%! b.bib
@misc{dup, title = {B}}
%! a.bib
@misc{dup, title = {A}}
%! n.md
@dup|
`);
    assert.deepEqual(provideDefinition(f.model, f.cursor!.uri, f.cursor!.position).map(where), ['a.bib:0:6-0:9', 'b.bib:0:6-0:9']);
  });

  test('nothing for an unknown key or off a citation', () => {
    const f = fixture(`%! refs.bib
@misc{dup, title = {B}}
%! n.md
@nope| and text
`);
    assert.deepEqual(provideDefinition(f.model, f.cursor!.uri, f.cursor!.position), []);
    assert.deepEqual(provideDefinition(f.model, f.cursor!.uri, { line: 0, character: 10 }), []);
  });
});

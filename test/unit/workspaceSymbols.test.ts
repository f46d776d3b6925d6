import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { provideWorkspaceSymbols } from '../../server/src/features/workspaceSymbols';
import { fixture, where } from './fixture';

const workspace = `%! refs.bib
@article{doe2020,
  title = {Sparse Attention for Long Documents},
  author = {Doe, Jane}}
@article{vaswani2017, title = {Attention Is All You Need}, author = {Vaswani, Ashish}}
%! more.bib
@misc{doe2020, title = {Duplicate}}
`;

describe('workspace symbols', () => {
  test('papers by key, title or author: name = key, container = title, location = the entry', () => {
    const f = fixture(workspace);
    const symbols = provideWorkspaceSymbols(f.model, 'vaswani');
    assert.deepEqual(symbols.map((s) => [s.name, s.kind, s.containerName, where(s.location)]), [['vaswani2017', 20, 'Attention Is All You Need', 'refs.bib:3:0-3:86']]);
  });

  test('every definition of a duplicated key; an empty query lists papers by key', () => {
    const f = fixture(workspace);
    assert.deepEqual(provideWorkspaceSymbols(f.model, 'doe2020').map((s) => where(s.location)), ['more.bib:0:0-0:35', 'refs.bib:0:0-2:23']);
    assert.deepEqual(provideWorkspaceSymbols(f.model, '').map((s) => s.name), ['doe2020', 'doe2020', 'vaswani2017']);
  });
});

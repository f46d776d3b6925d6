import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { provideCodeActions } from '../../server/src/features/codeActions';
import { noteDiagnostics } from '../../server/src/features/diagnostics';
import { parseSettings } from '../../server/src/service/settings';
import { applyEdits, fixture, uriOf } from './fixture';

const demoCatalog = readFileSync(new URL('../../examples/demo/papers.bib', import.meta.url), 'utf8');

describe('quick fixes for unknown keys', () => {
  test('replace with the closest keys, the best one preferred, at most five', () => {
    const f = fixture(`%! papers.bib\n${demoCatalog}\n%! reading.md\nA typo to try the quick fix on: [@SeerAtention].\n`);
    const uri = uriOf('reading.md');
    const [diagnostic] = noteDiagnostics(f.model, uri, parseSettings({}));
    const actions = provideCodeActions(f.model, uri, diagnostic.range, [diagnostic]);
    assert.ok(actions.length >= 1 && actions.length <= 5, String(actions.length));
    assert.equal(actions[0].title, "Replace with 'SeerAttention' — SeerAttention: Learning Intrinsic Sparse Attention in Your…");
    assert.equal(actions[0].isPreferred, true);
    assert.equal(actions[0].kind, 'quickfix');
    assert.deepEqual(actions[0].diagnostics, [diagnostic]);
    assert.ok(actions.slice(1).every((a) => a.isPreferred === undefined));
    assert.equal(new Set(actions.map((a) => a.title)).size, actions.length, 'no duplicates');
    assert.equal(applyEdits(f.files.get('reading.md')!, actions[0].edit!.changes![uri]), 'A typo to try the quick fix on: [@SeerAttention].\n');
  });

  test('exact titles and edits on a small catalog; braces added where Pandoc needs them', () => {
    const f = fixture(`%! refs.bib
@misc{smith2020, title = {Sparse Things}}
@misc{smith2021-, title = {Dense Things}}
%! n.md
See @smith202.
`);
    const uri = uriOf('n.md');
    const actions = provideCodeActions(f.model, uri, { start: { line: 0, character: 6 }, end: { line: 0, character: 6 } });
    assert.deepEqual(actions.map((a) => a.title), ["Replace with 'smith2020' — Sparse Things", "Replace with 'smith2021-' — Dense Things"]);
    assert.deepEqual(actions.map((a) => applyEdits(f.files.get('n.md')!, a.edit!.changes![uri])), ['See @smith2020.\n', 'See @{smith2021-}.\n']);
  });

  test('nothing for known keys, outside the range, or without any catalog', () => {
    const f = fixture('%! refs.bib\n@misc{known, title = {K}}\n%! n.md\n@known and @unknwn\n');
    const uri = uriOf('n.md');
    assert.deepEqual(provideCodeActions(f.model, uri, { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }), []);
    const none = fixture('%! n.md\n@unknwn\n');
    assert.deepEqual(provideCodeActions(none.model, uriOf('n.md'), { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }), []);
  });
});

describe('Open PDF on a citation', () => {
  const spec = `%! refs.bib
@misc{pdf2020, title = {With a PDF}, file = {/home/ann/Zotero/storage/AB12CD34/a.pdf}}
@misc{bare, title = {No PDF}}
%! n.md
See [@pdf2020; @bare].
`;
  test('an action running litnotes.openPdf with the key, no edit, for clients that have the command', () => {
    const f = fixture(spec);
    const uri = uriOf('n.md');
    const at = (character: number) => ({ start: { line: 0, character }, end: { line: 0, character } });
    assert.deepEqual(provideCodeActions(f.model, uri, at(7), [], { openPdfCommand: true }), [
      { title: 'Open PDF of pdf2020', command: { title: 'Open PDF', command: 'litnotes.openPdf', arguments: [{ key: 'pdf2020' }] } },
    ]);
    assert.deepEqual(provideCodeActions(f.model, uri, at(18), [], { openPdfCommand: true }), [], 'a paper without a PDF');
    assert.deepEqual(provideCodeActions(f.model, uri, at(7)), [], 'plain LSP clients');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { textUpdate } from '../../server/src/service/catalogIntake';
import { indexStatus } from '../../server/src/service/indexStatus';
import { newNote, templateFileUri } from '../../server/src/service/newNote';
import { paperDetails, searchPapers } from '../../server/src/service/paperSummaries';
import { parseSettings } from '../../server/src/service/settings';
import { fixture, uriOf } from './fixture';

const workspace = `%! refs.bib
@article{doe2020, title = {Sparse Attention for Long Documents}, author = {Doe, Jane and Roe, Richard and Poe, Edgar}, year = 2020,
  doi = {10.1000/sparse.1}, abstract = {We make attention sparse. Code: https://github.com/doe/sparse.}, keywords = {attention, sparsity}}
@misc{lone, title = {A Paper Nobody Cites}}
%! zz/more.bib
@misc{lone, title = {Duplicate}}
%! notes/doe2020.md
# Doe [@doe2020]
%! reading.md
[@doe2020; @lone]
`;

describe('litnotes/* requests', () => {
  test('searchPapers: summaries in search order, with citing notes and the literature note', () => {
    const f = fixture(workspace);
    assert.deepEqual(searchPapers(f.model, 'sparse', undefined, parseSettings({})), [
      {
        key: 'doe2020',
        title: 'Sparse Attention for Long Documents',
        authors: 'Doe et al.',
        year: '2020',
        abstractPreview: 'We make attention sparse. Code: https://github.com/doe/sparse.',
        noteUri: uriOf('notes/doe2020.md'),
        citingNotes: [uriOf('notes/doe2020.md'), uriOf('reading.md')],
        catalogUri: uriOf('refs.bib'),
        catalogLine: 0,
      },
    ]);
  });

  test('paper: the details a command needs', () => {
    const f = fixture(workspace);
    const details = paperDetails(f.model, 'doe2020', parseSettings({}))!;
    assert.equal(details.doi, '10.1000/sparse.1');
    assert.deepEqual(details.codeLinks, ['https://github.com/doe/sparse']);
    assert.deepEqual(details.keywords, ['attention', 'sparsity']);
    assert.deepEqual(details.catalogRange.start, { line: 0, character: 0 });
    assert.equal(paperDetails(f.model, 'nobody', parseSettings({})), null);
  });

  test('newNote: inside the notes folder, existing notes reported, unknown keys and escaping folders refused', () => {
    const f = fixture(workspace);
    const existing = newNote(f.model, 'doe2020', parseSettings({}));
    assert.ok(existing && !('error' in existing));
    assert.equal(existing.uri, uriOf('notes/doe2020.md'));
    assert.equal(existing.exists, true);
    const fresh = newNote(f.model, 'lone', parseSettings({ notesFolder: 'lit/papers' }));
    assert.ok(fresh && !('error' in fresh));
    assert.deepEqual([fresh.uri, fresh.exists], [uriOf('lit/papers/lone.md'), false]);
    assert.match(fresh.content, /A Paper Nobody Cites/);
    const escaping = newNote(f.model, 'lone', parseSettings({ notesFolder: '../../etc' }));
    assert.ok(escaping && !('error' in escaping));
    assert.equal(escaping.uri, uriOf('notes/lone.md'));
    assert.equal(newNote(f.model, 'nobody', parseSettings({})), null);
    assert.equal(templateFileUri(f.model, parseSettings({ noteTemplate: '../outside.mustache' })), undefined);
    assert.equal(templateFileUri(f.model, parseSettings({ noteTemplate: 'templates/note.md' })), uriOf('templates/note.md'));
  });

  test('newNote with a template', () => {
    const f = fixture(workspace);
    assert.deepEqual(newNote(f.model, 'lone', parseSettings({}), '# {{title}} ({{key}})\n'), { uri: uriOf('notes/lone.md'), content: '# A Paper Nobody Cites (lone)\n', exists: false });
  });

  test('indexStatus: papers, notes, catalogs and their problems', () => {
    const f = fixture(workspace);
    assert.deepEqual(indexStatus(f.model, 'ready'), {
      state: 'ready',
      papers: 2,
      notes: 2,
      catalogs: [
        { uri: uriOf('refs.bib'), papers: 2, problems: 1 },
        { uri: uriOf('zz/more.bib'), papers: 1, problems: 1 },
      ],
      problems: 2,
    });
  });

  test('indexStatus while a catalog is indexed: the duplicates found last, all of them once it is done', () => {
    const entries = Array.from({ length: 300 }, (_, i) => `@misc{paper${i}, title = {Paper ${i}}}`).join('\n');
    const f = fixture(`%! a.bib\n${entries}\n`);
    assert.equal(indexStatus(f.model, 'ready').problems, 0);
    f.model.applyCatalogUpdate(textUpdate(undefined, uriOf('b.bib'), entries)!);
    let steps = 0;
    f.model.work(() => ++steps > 3); // part of the definitions: the keys come in a slice at a time
    assert.equal(f.model.hasPendingWork, true);
    assert.deepEqual(indexStatus(f.model, 'indexing').catalogs.map((c) => [c.uri, c.problems]), [
      [uriOf('a.bib'), 0],
      [uriOf('b.bib'), 0],
    ]);
    f.model.finishWork();
    assert.deepEqual(indexStatus(f.model, 'ready').catalogs.map((c) => [c.uri, c.problems]), [
      [uriOf('a.bib'), 101],
      [uriOf('b.bib'), 101],
    ]);
  });
});

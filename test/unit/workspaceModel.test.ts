import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { PaperIndex } from '../../server/src/search/paperIndex';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { fixture, uriOf, where } from './fixture';

const threePapers = [
  '@article{alpha, title = {Alpha Sparse Attention}, year = 2020}',
  '@article{beta, title = {Beta Gaussian Splatting}, year = 2021}',
  '@article{gamma, title = {Gamma Retrieval}, year = 2022}',
].join('\n');

function keysOf(model: WorkspaceModel, path: string): string[] {
  return model.catalog(uriOf(path))!.papers.map((p) => p.key);
}

describe('workspace model: catalogs', () => {
  test('papers by key across catalogs, the first definition by URI is the one shown', () => {
    const { model } = fixture(`%! b.bib
@article{shared, title = {From B}}
%! a.bib
@article{shared, title = {From A}}
@article{only, title = {Only In A}}
`);
    assert.deepEqual(model.keys(), ['only', 'shared']);
    assert.equal(model.paper('shared')!.title, 'From A');
    assert.deepEqual(model.definitions('shared').map((p) => p.source.uri), [uriOf('a.bib'), uriOf('b.bib')]);
    assert.equal(model.paperCount, 2);
  });

  test('a key in two catalogs is a duplicate-key problem on each definition, pointing at the other', () => {
    const { model } = fixture(`%! a.bib
@article{<<shared>>, title = {From A}}
%! lib/b.bib
@article{<<shared>>, title = {From B}}
`);
    const problems = (path: string) =>
      model.catalogProblems(uriOf(path)).map((p) => ({ code: p.code, message: p.message, at: where({ uri: uriOf(path), range: p.range }), related: p.related?.map((r) => `${where(r.location)} ${r.message}`) }));
    assert.deepEqual(problems('a.bib'), [
      { code: 'catalog.duplicate-key', message: "Duplicate citation key 'shared': also defined in b.bib.", at: 'a.bib:0:9-0:15', related: ["lib/b.bib:0:9-0:15 'shared' is also defined here."] },
    ]);
    assert.deepEqual(problems('lib/b.bib'), [
      { code: 'catalog.duplicate-key', message: "Duplicate citation key 'shared': also defined in a.bib.", at: 'lib/b.bib:0:9-0:15', related: ["a.bib:0:9-0:15 'shared' is also defined here."] },
    ]);
    model.removeCatalog(uriOf('lib/b.bib'));
    assert.deepEqual(model.catalogProblems(uriOf('a.bib')), []);
  });

  test('the same text again is not parsed again', () => {
    const model = new WorkspaceModel();
    assert.ok(model.setCatalog(uriOf('a.bib'), threePapers));
    const version = model.version;
    assert.equal(model.setCatalog(uriOf('a.bib'), threePapers), undefined);
    assert.equal(model.version, version);
  });

  test('last good version: a broken read updates what parses and keeps what went missing; a clean read honours deletions', () => {
    const model = new WorkspaceModel();
    const uri = uriOf('zotero.bib');
    model.setCatalog(uri, threePapers);
    // Half-written by an export: beta is edited, gamma is cut off mid-entry.
    const update = model.setCatalog(uri, '@article{alpha, title = {Alpha Sparse Attention}, year = 2020}\n@article{beta, title = {Beta Edited}, year = 2021}\n@article{gamma, title = {Gamma Ret');
    assert.ok(update);
    assert.ok(update.problems > 0, 'the broken read reports its problems');
    assert.match(update.notice ?? '', /^Catalog has parse errors: keeping 1 entries of the last good version until it reads cleanly \(gamma\)\.$/);
    assert.deepEqual(keysOf(model, 'zotero.bib').sort(), ['alpha', 'beta', 'gamma']);
    assert.equal(model.paper('beta')!.title, 'Beta Edited');
    assert.equal(model.paper('gamma')!.title, 'Gamma Retrieval');
    assert.deepEqual(model.search('gamma', 5).map((h) => h.key), ['gamma']);

    // Still broken: no second notice. Then clean without gamma: gamma is gone.
    assert.equal(model.setCatalog(uri, '@article{alpha, title = {A}}\n@article{beta, title = {B')?.notice, undefined);
    model.setCatalog(uri, '@article{alpha, title = {Alpha}}\n@article{beta, title = {Beta}}\n');
    assert.deepEqual(keysOf(model, 'zotero.bib'), ['alpha', 'beta']);
    assert.equal(model.paper('gamma'), undefined);
    assert.deepEqual(model.search('gamma', 5), []);
  });

  test('an empty rewrite of a catalog that had papers keeps them, with one notice', () => {
    const model = new WorkspaceModel();
    const uri = uriOf('zotero.bib');
    model.setCatalog(uri, threePapers);
    const update = model.setCatalog(uri, '  \n');
    assert.equal(update?.notice, 'Catalog is empty: keeping the 3 papers of the last good version.');
    assert.deepEqual(model.catalogProblems(uri).map((p) => [p.code, p.message]), [['catalog.empty', 'Catalog is empty: keeping the 3 papers of the last good version.']]);
    assert.equal(model.paperCount, 3);
    assert.equal(model.setCatalog(uri, '\n')?.notice, undefined);
    model.setCatalog(uri, '@article{alpha, title = {Alpha}}');
    assert.deepEqual(model.keys(), ['alpha']);
    assert.deepEqual(model.catalogProblems(uri), []);
  });

  test('an empty catalog read first is just empty', () => {
    const model = new WorkspaceModel();
    model.setCatalog(uriOf('new.bib'), '');
    assert.equal(model.hasCatalogs(), true);
    assert.deepEqual(model.catalogProblems(uriOf('new.bib')), []);
    assert.equal(model.paperCount, 0);
  });

  test('only changed entries are re-indexed: editing one entry moves the others but does not re-index them', () => {
    const model = new WorkspaceModel();
    const uri = uriOf('a.bib');
    model.setCatalog(uri, threePapers);
    const add = mock.method(PaperIndex.prototype, 'add');
    const remove = mock.method(PaperIndex.prototype, 'remove');
    try {
      model.setCatalog(uri, '% a comment line moves every entry down\n' + threePapers.replace('Beta Gaussian Splatting', 'Beta Gaussian Splatting Revisited'));
      assert.deepEqual(add.mock.calls.map((c) => (c.arguments[0] as readonly { key: string }[]).map((p) => p.key)), [['beta']]);
      assert.equal(remove.mock.callCount(), 0);
      model.setCatalog(uri, threePapers.replace(/^@article\{gamma.*$/m, ''));
      assert.deepEqual(remove.mock.calls.map((c) => c.arguments[0]), [['gamma']]);
    } finally {
      add.mock.restore();
      remove.mock.restore();
    }
    assert.deepEqual(model.search('revisited', 5).map((h) => h.key), []);
    assert.deepEqual(model.search('splatting', 5).map((h) => h.key), ['beta']);
    assert.equal(model.paper('beta')!.source.range.start.line, 1);
  });

  test('removing a catalog takes its papers out; the other definition of a shared key takes over', () => {
    const { model } = fixture(`%! a.bib
@article{shared, title = {From A}}
%! b.bib
@article{shared, title = {From B}}
`);
    model.removeCatalog(uriOf('a.bib'));
    assert.equal(model.paper('shared')!.title, 'From B');
    assert.deepEqual(model.search('shared', 5).map((h) => h.key), ['shared']);
    model.removeCatalog(uriOf('b.bib'));
    assert.equal(model.paper('shared'), undefined);
    assert.equal(model.hasCatalogs(), false);
  });
});

describe('workspace model: notes', () => {
  test('the reverse index: citations of a key by note and position, notes citing it, counts', () => {
    const { model } = fixture(`%! refs.bib
@article{doe, title = {T}}
%! notes/b.md
[@doe] and again @doe.
%! notes/a.md
Only once: [see @doe, p. 4; @other].
`);
    assert.deepEqual(model.citationsOf('doe').map((p) => where({ uri: p.uri, range: p.citation.keyRange })), ['notes/a.md:0:17-0:20', 'notes/b.md:0:2-0:5', 'notes/b.md:0:18-0:21']);
    assert.deepEqual(model.notesCiting('doe'), [uriOf('notes/a.md'), uriOf('notes/b.md')]);
    assert.equal(model.citingCount('doe'), 2);
    assert.deepEqual([...model.citedKeys()].sort(), [['doe', 2], ['other', 1]]);
    // Changed keys to notes to recheck, whichever side is smaller: the keys given or the keys cited.
    assert.deepEqual([...model.notesCitingAny(['other'])], [uriOf('notes/a.md')]);
    assert.deepEqual([...model.notesCitingAny(['x', 'y', 'other', 'doe'])].sort(), [uriOf('notes/a.md'), uriOf('notes/b.md')]);
    assert.deepEqual([...model.notesCitingAny(['nobody', 'cites', 'these'])], []);

    model.setNote(uriOf('notes/b.md'), 'No citations left.');
    assert.deepEqual(model.notesCiting('doe'), [uriOf('notes/a.md')]);
    model.removeNote(uriOf('notes/a.md'));
    assert.deepEqual(model.citationsOf('doe'), []);
    assert.deepEqual([...model.citedKeys()], []);
  });

  test('front matter is parsed once with the note', () => {
    const { model } = fixture(`%! notes/a.md
---
bibliography: [refs.bib, more.json]
---
Text [@x].
`);
    assert.deepEqual(model.note(uriOf('notes/a.md'))!.frontMatter?.bibliography, ['refs.bib', 'more.json']);
  });
});

const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

describe('workspace model: a big catalog indexed in slices', () => {
  const uri = uriOf('big.bib');
  const entries: string[] = [];
  for (let i = 0; i < 1500; i++) {
    entries.push(`@article{key${i}, title = {Study ${i} of ${i % 2 ? 'lattice' : 'plasma'} waves}, author = {Author${i % 50}, A}, year = ${1990 + (i % 30)}, abstract = {Abstract ${i} mentions zebrafish${i % 7} and more.}}`);
  }
  const text = entries.join('\n');
  const queries = ['lattice', 'plasma wav', 'author7', 'key12', 'zebrafish3', 'study 1499', 'waves 1990'];

  test('between slices requests get answers: provisional papers first, then keys and titles, abstracts last; the end result equals indexing at once', () => {
    const reference = new WorkspaceModel();
    reference.setCatalog(uri, text);

    const model = new WorkspaceModel();
    model.addProvisionalPapers(uri, [{ key: 'key7', type: 'misc', title: 'Study 7 of lattice waves', authors: [], keywords: [], files: [], source: { uri, range: zero, keyRange: zero } }]);
    assert.deepEqual(model.search('lattice', 5).map((h) => h.key), ['key7'], 'the provisional paper answers before the read');
    assert.equal(model.paperOrProvisional('key7')?.title, 'Study 7 of lattice waves');
    assert.equal(model.paper('key7'), undefined, 'provisional papers are not definitions');

    model.setCatalogRead(parseBibtex(text, uri), false);
    let steps = 0;
    let sawTitlesWithoutAbstracts = false;
    while (!model.work(() => true)) {
      steps++;
      // Every slice leaves the model answering.
      assert.ok(model.search('lattice', 5).length > 0);
      if (model.search('study 1499', 5)[0]?.key === 'key1499' && model.search('zebrafish3', 5).every((h) => h.key === 'key7')) sawTitlesWithoutAbstracts = true;
    }
    assert.ok(steps > 10, `indexed in ${steps} slices`);
    assert.ok(sawTitlesWithoutAbstracts, 'keys and titles were searchable before abstracts');
    assert.equal(model.paperOrProvisional('key7'), model.paper('key7'), 'the provisional paper is gone');
    for (const query of queries) assert.deepEqual(model.search(query, 20), reference.search(query, 20), query);
    assert.deepEqual(model.keys(), reference.keys());
  });
});

describe('workspace model: many catalog files', () => {
  test('once indexing is done, the first search has nothing left to sort in or prepare: that was done in steps', () => {
    const model = new WorkspaceModel();
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`);
    for (let file = 0; file < 40; file++) {
      const entries = Array.from({ length: 200 }, (_, i) => {
        const n = file * 200 + i;
        const abstract = Array.from({ length: 30 }, (_, w) => words[(n * 31 + w * 17) % words.length]).join(' ');
        return `@article{f${file}p${i}, title = {Title ${n} on topic${n % 97}}, abstract = {${abstract}}}`;
      });
      model.setCatalogRead(parseBibtex(entries.join('\n'), uriOf(`lib/f${file}.bib`)), false);
    }
    let steps = 0;
    while (!model.work(() => true)) steps++;
    const index = (model as unknown as { index: PaperIndex }).index;
    assert.equal(index.needsSettling, false, `after ${steps} steps`);
    assert.equal(model.search('word17', 3).length, 3);
    assert.equal(model.search('title 7999', 1)[0]?.key, 'f39p199');
  });
});


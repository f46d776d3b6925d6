import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { AbstractBlock, abstractOf, type Paper } from '../../server/src/catalog/paper';
import { encodePaperColumns, isEncodedPaperColumns, PaperColumns, plainPaper, type ColumnPaper } from '../../server/src/catalog/paperColumns';
import { readCatalog } from '../../server/src/catalog/readCatalog';
import { provideCompletion, resolveCompletionItem } from '../../server/src/features/completion';
import { provideHover } from '../../server/src/features/hover';
import { batchBytes } from '../../server/src/node/catalogWorker';
import { defaultSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

const fixtures = join(__dirname, '..', 'fixtures');

/** Every catalog the tests have: real BibTeX (bibliotex, the demo), tricky entries, CSL-JSON and YAML. */
function fixtureCatalogs(): { uri: string; text: string }[] {
  const files = [
    ...readdirSync(join(fixtures, 'catalogs', 'bibliotex')).filter((n) => n.endsWith('.bib')).map((n) => join(fixtures, 'catalogs', 'bibliotex', n)),
    ...readdirSync(join(fixtures, 'catalogs', 'reliability')).filter((n) => n.endsWith('.bib')).map((n) => join(fixtures, 'catalogs', 'reliability', n)),
    join(fixtures, 'catalogs', 'tricky.bib'),
    join(fixtures, 'catalogs', 'references.yaml'),
    join(fixtures, 'daily-papers.csl.json'),
    join(__dirname, '..', '..', 'examples', 'demo', 'papers.bib'),
  ];
  return files.map((path) => ({ uri: `file://${path}`, text: readFileSync(path, 'utf8') }));
}

/** Papers as the server's main thread holds a worker's read: sent in columns, read back through views. */
function throughColumns(uri: string, papers: readonly Paper[]): ColumnPaper[] {
  const { columns, abstracts, abstractEnds } = batchBytes(papers);
  return new PaperColumns(uri, columns, new AbstractBlock(abstracts, abstractEnds)).papers();
}

/** A paper as someone reading it sees it: every field read by name, the abstract as text. */
function asRead(paper: Paper): Record<string, unknown> {
  const { storedAbstract: _stored, abstract: _abstract, ...fields } = plainPaper(paper);
  return { ...fields, abstract: abstractOf(paper) || undefined };
}

function modelWith(uri: string, papers: readonly Paper[]): WorkspaceModel {
  const model = new WorkspaceModel();
  model.setCatalogRead({ uri, papers: [...papers], problems: [] }, false);
  model.finishWork();
  return model;
}

describe('papers in columns', () => {
  test('every paper of every fixture catalog reads back field by field as the reader made it', () => {
    let count = 0;
    for (const { uri, text } of fixtureCatalogs()) {
      const papers = readCatalog(text, uri).papers;
      const views = throughColumns(uri, papers);
      assert.deepEqual(views.map(asRead), papers.map(asRead), uri);
      count += papers.length;
    }
    assert.ok(count > 250, `${count} papers`);
  });

  test('what a broken file can hold reads back as it was: a lone surrogate, a literal name, no editors and an empty editors list, empty keywords', () => {
    const source = { uri: 'file:///odd.bib', range: { start: { line: 3, character: 0 }, end: { line: 9, character: 1 } }, keyRange: { start: { line: 3, character: 9 }, end: { line: 3, character: 13 } } };
    const papers: Paper[] = [
      { key: 'k\ud800y', type: 'misc', title: 'Half \udc00 a pair and 😀 a whole one', authors: [{ literal: 'CERN' }, { family: 'Müller', given: 'Jürgen', particle: 'von', suffix: 'Jr.' }], keywords: ['', 'a'], files: [], source },
      { key: 'plain', type: 'book', authors: [], editors: [], keywords: [], files: [':/a.pdf:PDF'], source, year: '2024', zoteroKey: 'ABCD1234' },
    ];
    assert.deepEqual(throughColumns('file:///odd.bib', papers).map(asRead), papers.map(asRead));
  });

  test('completion, its documentation and hover read the same from columns as from the parsed papers', () => {
    const uri = 'file:///ws/papers.bib';
    const { text } = fixtureCatalogs().find((c) => c.uri.endsWith('demo/papers.bib'))!;
    const papers = parseBibtex(text, uri).papers;
    const plain = modelWith(uri, papers);
    const columns = modelWith(uri, throughColumns(uri, papers));
    const note = 'file:///ws/note.md';
    const typed = 'See [@gauss';
    const complete = (model: WorkspaceModel) => {
      const list = provideCompletion(model, typed, { line: 0, character: typed.length }, defaultSettings, { lazyDocumentation: true })!;
      return list.items.map((item) => resolveCompletionItem(model, item));
    };
    const items = complete(columns);
    assert.ok(items.length > 0);
    assert.deepEqual(items, complete(plain));
    const hover = (model: WorkspaceModel) => {
      model.setNote(note, `[@${papers[3].key}]`);
      return provideHover(model, note, { line: 0, character: 3 });
    };
    assert.match(JSON.stringify(hover(columns)), new RegExp(papers[3].title!.slice(0, 20).replace(/[^\w ]/g, '.')));
    assert.deepEqual(hover(columns), hover(plain));
  });

  test('an entry edited above a paper moves it: its place follows, its content stays', () => {
    const uri = 'file:///ws/papers.bib';
    const papers = parseBibtex('@misc{a, title = {A}}\n@misc{b, title = {B}}\n@misc{c, title = {C}}\n', uri).papers;
    const model = modelWith(uri, throughColumns(uri, papers));
    const edited = parseBibtex('\n@misc{a, title = {A, edited},\n  year = 2020}\n', uri).papers;
    model.applyCatalogDelta(uri, { from: 0, to: 1, papers: edited, lineShift: 1 });
    model.finishWork();
    assert.deepEqual(
      ['a', 'b', 'c'].map((key) => [model.paper(key)!.title, model.paper(key)!.source.keyRange.start.line]),
      [['A, edited', 1], ['B', 2], ['C', 3]],
    );
  });

  test('columns that do not hold together are refused (a string or a list outside its table)', () => {
    const good = encodePaperColumns(parseBibtex('@misc{a, author = {X and Y}, keywords = {k}}\n', 'file:///a.bib').papers);
    assert.ok(isEncodedPaperColumns(good));
    const broken = (change: (cells: Int32Array) => void) => {
      const cells = good.cells.slice();
      change(cells);
      return isEncodedPaperColumns({ ...good, cells });
    };
    assert.equal(broken((cells) => (cells[0] = 99)), false, 'the key past the string table');
    assert.equal(broken((cells) => (cells[cells.length - 1] = -50)), false, 'a keyword with an unknown odd string');
    assert.equal(broken((cells) => (cells[23] = cells.length)), false, 'the authors past the cells');
    assert.equal(isEncodedPaperColumns({ ...good, cells: new Int32Array(3) }), false, 'fewer cells than one row');
    assert.equal(isEncodedPaperColumns({ count: 1 }), false);
  });
});

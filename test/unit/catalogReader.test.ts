import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, mock, test } from 'node:test';
import type { Paper } from '../../server/src/catalog/paper';
import { CatalogReader } from '../../server/src/node/catalogReader';
import { AbstractIndex, AbstractWordCounter, type CountedAbstract } from '../../server/src/search/abstractIndex';
import { PaperIndex } from '../../server/src/search/paperIndex';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

const dir = mkdtempSync(join(tmpdir(), 'litnotes-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 3,000 entries: a whole read big enough for the worker to count its abstracts. */
function bigCatalog(): string {
  const words = ['lattice', 'plasma', 'waves', 'spectra', 'muons', 'Müller’s', 'the', 'of', 'phonons', 'x', 'crystals', 'densities'];
  const entries: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const abstract = Array.from({ length: 12 + (i % 9) }, (_, k) => words[(i * 7 + k * k) % words.length]).join(' ');
    entries.push(`@article{key${i},\n  title = {Study ${i}},\n  abstract = {${abstract} zebrafish${i % 13} {\\'e}tude},\n}\n`);
  }
  return entries.join('\n');
}

describe('abstracts counted by the catalog worker', () => {
  test('the index takes counted words as they are, instead of the text', () => {
    const counter = new AbstractWordCounter();
    const counts: number[] = [];
    counter.count('zebra crossings', counts);
    const paper: Paper = { key: 'k', type: 'misc', title: 'Untitled', abstract: 'nothing about it', authors: [], keywords: [], files: [], source: { uri: 'file:///a.bib', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, keyRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } };
    const index = new PaperIndex();
    index.addShortFields([paper]);
    index.addAbstracts([paper], () => ({ vocabulary: counter.vocabulary, counts, at: 0 }));
    assert.deepEqual(index.search('crossing', 5).map((h) => h.key), ['k'], 'a plural counted as its singular');
    assert.deepEqual(index.search('nothing', 5), []);
  });

  test('a whole read through the worker: the counts arrive after the papers, and search answers as if the text was indexed', async () => {
    const text = bigCatalog();
    const path = join(dir, 'big.bib');
    writeFileSync(path, text);
    const uri = 'file:///big.bib';
    const model = new WorkspaceModel();
    let counted = 0;
    let papers: readonly Paper[] = [];
    let allCounted: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allCounted = resolve));
    const reader = new CatalogReader(
      {
        provisional: () => undefined,
        log: () => undefined,
        schedule: (task) => task(),
        abstractWords: (from: string, paper: Paper, words: CountedAbstract) => {
          assert.equal(from, uri);
          assert.equal(paper, papers[counted], 'in the order of the papers');
          model.addAbstractWords(from, paper, words);
          if (++counted === papers.length) allCounted();
        },
      },
      { cacheDir: undefined, server: 'test', workerPath: join(dir, 'no-worker-bundle.js') },
    );
    try {
      const read = await reader.readFile(uri, path);
      assert.equal(read.kind, 'full');
      if (read.kind !== 'full') return;
      papers = read.result.papers;
      assert.equal(papers.length, 3000);
      model.setCatalogRead(read.result, read.blank);
      await done;
      const countedHere = mock.method(AbstractIndex.prototype, 'add');
      model.finishWork();
      assert.equal(countedHere.mock.callCount(), 0, 'no abstract counted again on this thread');
      countedHere.mock.restore();
    } finally {
      reader.dispose();
    }
    const reference = new WorkspaceModel();
    reference.setCatalog(uri, text);
    for (const query of ['zebrafish7', 'phonons crystal', 'muller', 'etude spectra', 'densit', 'study 2999 lattice']) {
      const hits = model.search(query, 20);
      assert.ok(hits.length > 0, query);
      assert.deepEqual(hits, reference.search(query, 20), query);
    }
  });
});

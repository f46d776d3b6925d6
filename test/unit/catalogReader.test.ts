import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, mock, test } from 'node:test';
import { backgroundThreads, threadNiceValues } from './threadNice';
import fc from 'fast-check';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { AbstractBlock, abstractOf, type Paper } from '../../server/src/catalog/paper';
import { PaperColumns } from '../../server/src/catalog/paperColumns';
import { provideHover } from '../../server/src/features/hover';
import { CatalogReader } from '../../server/src/node/catalogReader';
import { utf8InTurns } from '../../server/src/node/utf8InTurns';
import { batchBytes } from '../../server/src/node/catalogWorker';
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
    for (const _ of index.settleAbstracts());
    assert.deepEqual(index.search('crossing', 5).map((h) => h.key), ['k'], 'a plural counted as its singular');
    assert.deepEqual(index.search('nothing', 5), []);
  });

  for (const [spilled, chunked] of [[false, false], [true, false], [true, true]]) {
  test(`a whole read through the worker${spilled ? ', abstracts spilled to a file and counted as read back from it' : ''}${chunked ? ', the file read in chunks' : ''}: the counts arrive after the papers (some before the update is queued), and search answers as if the text was indexed`, async () => {
    const text = bigCatalog();
    const path = join(dir, 'big.bib');
    const spill = spilled ? { cacheDir: mkdtempSync(join(dir, 'counted-spill-')), spillMinBytes: 1, ...(chunked ? { chunkedMinBytes: 1, chunkBytes: 4096 } : {}) } : { cacheDir: undefined };
    writeFileSync(path, text);
    const uri = 'file:///big.bib';
    const model = new WorkspaceModel();
    let counted = 0;
    let papers: readonly Paper[] = [];
    let allCounted: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allCounted = resolve));
    let firstCounted: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (firstCounted = resolve));
    const reader = new CatalogReader(
      {
        provisional: () => undefined,
        log: () => undefined,
        schedule: (task) => task(),
        abstractWords: (from: string, paper: Paper, words: CountedAbstract) => {
          assert.equal(from, uri);
          assert.equal(paper, papers[counted], 'in the order of the papers');
          model.addAbstractWords(paper, words);
          firstCounted();
          if (++counted === papers.length) allCounted();
        },
        abstractWordsComing: (from: string) => {
          assert.equal(from, uri);
          model.abstractWordsComing(from);
        },
        abstractWordsEnded: (from: string) => model.abstractWordsEnded(from),
      },
      { ...spill, server: 'test', workerPath: join(dir, 'no-worker-bundle.js') },
    );
    const countedHere = mock.method(AbstractIndex.prototype, 'add');
    const countedThere = mock.method(AbstractIndex.prototype, 'addCountedInBulk');
    try {
      const read = await reader.readFile(uri, path);
      assert.equal(read.kind, 'full');
      if (read.kind !== 'full') return;
      papers = read.result.papers;
      assert.equal(papers.length, 3000);
      // Counts that come before the read's update is queued are kept for it.
      await first;
      model.setCatalogRead(read.result, read.blank);
      // Indexed now, with the worker's first counts in: the abstracts it has not counted yet are
      // counted here from the back, so each is counted once, by one side.
      model.work(() => false);
      const here = countedHere.mock.calls.map((call) => call.arguments[0] as number);
      const there = countedThere.mock.calls.map((call) => call.arguments[0] as number);
      assert.ok(here.length > 0 && there.length > 0, `both sides counted: ${here.length} here, ${there.length} by the worker`);
      assert.equal(new Set([...here, ...there]).size, here.length + there.length, 'no abstract counted twice');
      assert.equal(here.length + there.length, papers.length);
      assert.ok(Math.min(...here) > Math.max(...there), 'the worker from the front, this thread from the back');
      assert.equal(here[0], papers.length - 32, 'this thread starts with the last papers, where the worker gets last');
      await done;
    } catch (e) {
      reader.dispose();
      throw e;
    } finally {
      countedHere.mock.restore();
      countedThere.mock.restore();
    }
    const reference = new WorkspaceModel();
    reference.setCatalog(uri, text);
    for (const query of ['zebrafish7', 'phonons crystal', 'muller', 'etude spectra', 'densit', 'study 2999 lattice']) {
      const hits = model.search(query, 20);
      assert.ok(hits.length > 0, query);
      assert.deepEqual(hits, reference.search(query, 20), query);
    }
    // The abstracts came as the worker's UTF-8 bytes and read as the text the parser made, accents included.
    const stored = model.paper('key5')!;
    assert.ok(stored.storedAbstract && stored.abstract === undefined, 'kept as bytes');
    assert.match(abstractOf(stored)!, / zebrafish5 étude$/);
    for (const key of ['key0', 'key5', 'key2999']) assert.equal(abstractOf(model.paper(key)!), reference.paper(key)!.abstract, key);
    // Sources came as numbers in the columns; their ranges are the parser's.
    for (const key of ['key0', 'key1234', 'key2999']) {
      const { uri: at, range, keyRange } = model.paper(key)!.source;
      assert.deepEqual({ uri: at, range, keyRange }, reference.paper(key)!.source, key);
    }
    assert.deepEqual(model.paper('key1234')!.source.keyRange, { start: { line: 6170, character: 9 }, end: { line: 6170, character: 16 } });
    reader.dispose(); // after the abstracts are read: a spilled one is read back from the reader's file
  });
  }
});

describe('a batch of papers as the worker sends it', () => {
  test('abstracts in any script come back as written, each in its place; the papers go in columns without them and are left as they were', () => {
    const abstracts = ['Étude des électrons', undefined, 'Emoji 😀 and 漢字 in one', '', 'A lone \ud800 surrogate', 'plain'];
    const papers = parseBibtex(abstracts.map((a, k) => `@misc{k${k}, title = {T${k}}${a === undefined ? '' : `, abstract = {${a}}`}}\n`).join(''), 'file:///b.bib').papers;
    const before = JSON.stringify(papers);
    const { columns, abstracts: bytes, abstractEnds } = batchBytes(papers);
    const block = new AbstractBlock(bytes, abstractEnds);
    assert.deepEqual(
      abstracts.map((_, k) => (block.has(k) ? block.text(k) : undefined)),
      ['Étude des électrons', undefined, 'Emoji 😀 and 漢字 in one', undefined, 'A lone \ufffd surrogate', 'plain'],
    );
    const sent = new PaperColumns('file:///b.bib', columns, block).papers();
    assert.deepEqual(sent.map((p) => [p.key, p.title, abstractOf(p), p.source.keyRange]), papers.map((p, k) => [p.key, p.title, block.text(k) || undefined, p.source.keyRange]));
    assert.equal(JSON.stringify(papers), before, 'the papers are left as they were');
    // Transferred to the main thread: each must own its whole buffer.
    for (const part of [columns.cells, columns.text, columns.ends, bytes, abstractEnds]) assert.equal(part.byteLength, part.buffer.byteLength);
  });
});

describe('abstracts of a big read, spilled to a scratch file', () => {
  const host = { provisional: () => undefined, log: () => undefined, schedule: (task: () => void) => task(), abstractWords: () => undefined, abstractWordsComing: () => undefined, abstractWordsEnded: () => undefined };
  const spills = (cacheDir: string) => readdirSync(cacheDir).filter((name) => name.startsWith('litnotes-abstracts-'));

  test('hover reads the abstract back from the file; two reads are kept per catalog; the files go with the reader, and then no abstract shows', async () => {
    const cacheDir = join(dir, 'spill-cache');
    mkdirSync(cacheDir, { recursive: true });
    // Left by a server that is gone (no process has this pid): removed when a reader starts.
    writeFileSync(join(cacheDir, 'litnotes-abstracts-999999999-1-0.bin'), 'stale');
    const text = bigCatalog();
    const path = join(dir, 'spilled.bib');
    writeFileSync(path, text);
    const uri = 'file:///ws/spilled.bib';
    const reader = new CatalogReader(host, { cacheDir, server: 'test', workerPath: join(dir, 'no-worker-bundle.js'), spillMinBytes: 1 });
    const model = new WorkspaceModel();
    let kept: Paper | undefined;
    try {
      for (let read = 1; read <= 3; read++) {
        const result = await reader.readFile(uri, path, true);
        assert.equal(result.kind, 'full');
        if (result.kind !== 'full') return;
        if (read === 1) {
          model.setCatalogRead(result.result, result.blank);
          model.setNote('file:///ws/note.md', 'As [@key2999] shows.');
          model.finishWork();
          kept = result.result.papers[5];
        }
        assert.deepEqual(spills(cacheDir).length, Math.min(read, 2), `after read ${read}: this read's file and the one before`);
      }
      const hover = provideHover(model, 'file:///ws/note.md', { line: 0, character: 6 });
      // The last batch's abstracts: far into the file.
      const parsed = parseBibtex(text, uri).papers[2999].abstract!;
      assert.match(parsed, /zebrafish9 étude$/);
      assert.equal(hover!.contents.value, ['**Study 2999**', parsed, 'Cited in 1 note'].join('\n\n'));
      assert.equal(model.paper('key2999')!.abstract, undefined, 'not in memory');
    } finally {
      reader.dispose();
    }
    assert.deepEqual(spills(cacheDir), []);
    // The files are gone: no abstract rather than a wrong one.
    assert.equal(abstractOf(model.paper('key2999')!), undefined);
    assert.equal(abstractOf(kept!), undefined);
  });

  test('a read below the size, or without a cache folder, keeps its abstracts in memory', async () => {
    const path = join(dir, 'small.bib');
    writeFileSync(path, bigCatalog());
    const cacheDir = join(dir, 'spill-cache-small');
    for (const options of [{ cacheDir, spillMinBytes: 10 ** 9 }, { cacheDir: undefined, spillMinBytes: 1 }]) {
      const reader = new CatalogReader(host, { ...options, server: 'test', workerPath: join(dir, 'no-worker-bundle.js') });
      try {
        const result = await reader.readFile('file:///ws/small.bib', path);
        assert.equal(result.kind === 'full' && abstractOf(result.result.papers[7])?.endsWith('zebrafish7 étude'), true);
      } finally {
        reader.dispose();
      }
    }
    assert.equal(existsSync(cacheDir) && spills(cacheDir).length > 0, false);
  });
});

describe("an editor's text on its way to the worker", () => {
  test('encoded in slices, it is the UTF-8 of the whole text: surrogate pairs cut by a slice, and text that outgrows the room made for ASCII', () => {
    fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.oneof(fc.constantFrom('😀', '\ud800', '\udc00', 'é', '中', 'a'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 300, size: 'max' }), fc.integer({ min: 2, max: 7 }), async (text, sliceChars) => {
        assert.deepEqual(Buffer.from(await utf8InTurns(text, sliceChars)), Buffer.from(text, 'utf8'));
      }),
    );
  });

  test('a big text still being encoded is not overtaken by a smaller one typed after it: the worker ends on the last text', async () => {
    const host = { provisional: () => undefined, log: () => undefined, schedule: (task: () => void) => task(), abstractWords: () => undefined, abstractWordsComing: () => undefined, abstractWordsEnded: () => undefined };
    const reader = new CatalogReader(host, { cacheDir: undefined, server: 'test', workerPath: join(dir, 'no-worker-bundle.js') });
    const uri = 'file:///ws/open.bib';
    const big = bigCatalog().repeat(8).replaceAll('@article{key', (_, at: number) => `@article{k${at}key`); // 2.5 million characters: three slices
    const small = '@article{last, title = {The last text}}\n';
    try {
      const answered: string[] = [];
      const bigRead = reader.readText(uri, big).then((r) => void answered.push(`big ${r.kind}`));
      const smallRead = reader.readText(uri, small).then((r) => void answered.push(`small ${r.kind === 'full' ? r.result.papers.map((p) => p.key).join() : r.kind}`));
      await Promise.all([bigRead, smallRead]);
      assert.deepEqual(answered, ['big full', 'small last']);
      assert.deepEqual(await reader.readText(uri, small), { kind: 'unchanged' });
    } finally {
      reader.dispose();
    }
  });
});

describe('the catalog workers (the built bundle)', () => {
  const workerPath = join(import.meta.dirname, '../../dist/catalogWorker.js');

  test('a catalog from 1 MB: completion from a skim while it is read, from the cache on the next start', { skip: !existsSync(workerPath) && 'run `npm run build` first', timeout: 50_000 }, async () => {
    const entries = Array.from({ length: 4000 }, (_, i) => `@article{study${i},\n  title = {Study ${i} of Müller lattices},\n  abstract = {${'Phonons in crystals. '.repeat(15)}},\n}\n`);
    const path = join(dir, 'skimmed.bib');
    writeFileSync(path, entries.join('\n'));
    const uri = 'file:///skimmed.bib';
    const cacheDir = join(dir, 'worker-cache');

    /** One start of the server's reader: what reached completion before the read, and how. */
    async function start(): Promise<{ sources: Set<string>; foundBeforeRead: string[]; papers: number }> {
      const model = new WorkspaceModel();
      const sources = new Set<string>();
      let logged: () => void = () => undefined;
      const provisionalLogged = new Promise<void>((resolve) => (logged = resolve));
      const reader = new CatalogReader(
        {
          provisional: (from, piece, source) => {
            sources.add(source);
            model.addProvisionalPiece(from, piece);
          },
          log: (message) => {
            if (/papers from the (skim|cache)/.test(message)) logged();
          },
          schedule: (task) => task(),
          abstractWords: (_from, paper, words) => model.addAbstractWords(paper, words),
          abstractWordsComing: (from) => model.abstractWordsComing(from),
          abstractWordsEnded: (from) => model.abstractWordsEnded(from),
        },
        { cacheDir, server: 'test', workerPath },
      );
      try {
        const reading = reader.readFile(uri, path);
        await provisionalLogged;
        const foundBeforeRead = model.search('study 3999 muller', 5).map((hit) => hit.key);
        const nice = threadNiceValues();
        if (nice) assert.ok((backgroundThreads() ?? 0) > 0, `the workers yield the cores to the main thread: nice values ${JSON.stringify(nice)}`);
        const read = await reading;
        assert.equal(read.kind, 'full');
        await reader.flush();
        return { sources, foundBeforeRead, papers: read.kind === 'full' ? read.result.papers.length : 0 };
      } finally {
        reader.dispose();
      }
    }

    // The workers are unref'd (they must not keep a server alive): a timer keeps this test alive,
    // for a minute at most, so a broken worker fails the test instead of hanging the run.
    const keepAlive = setTimeout(() => undefined, 60_000);
    try {
      const cold = await start();
      assert.deepEqual([...cold.sources], ['skim']);
      assert.deepEqual(cold.foundBeforeRead, ['study3999'], 'the last entry, from the skim');
      assert.equal(cold.papers, 4000);
      const warm = await start();
      assert.deepEqual([...warm.sources], ['cache']);
      assert.deepEqual(warm.foundBeforeRead, ['study3999'], 'the last entry, from the cache');
    } finally {
      clearTimeout(keepAlive);
    }
  });
});

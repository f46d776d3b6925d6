import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { skimBibtex } from '../../server/src/catalog/bibtexSkim';
import { cacheFileOf, decodePiece, decodeText, defaultCacheDir, encodedRow, forEachCachePiece, listItemStarts, pieceBytes, pieceRow, readCache, readCachePieces, writeCache } from '../../server/src/node/catalogCache';
import { paperOfRow, provisionalRow, ProvisionalPapers, searchTextOf, type ProvisionalRow } from '../../server/src/service/provisionalPapers';
import { CatalogWorkerCore } from '../../server/src/node/catalogWorker';

const dir = mkdtempSync(join(tmpdir(), 'litnotes-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const bib = '@article{doe2020, title = {A {Quantum} Title}, author = {Doe, Jane and Roe, Richard}, year = 2020}\n';
const multiline = '@article{doe2020,\n  title = {A {Quantum} Title},\n  author = {Doe, Jane and Roe, Richard},\n  year = 2020,\n}\n';

/** 2,500 entries (`key0`, title `Title 0`…) with abstracts: a catalog of over 1 MB, which gets a cache. */
function entriesOver1MB(key: string, title: string): string[] {
  return Array.from({ length: 2500 }, (_, i) => `@misc{${key}${i},\n  title = {${title} ${i}},\n  abstract = {${'x'.repeat(400)}},\n}\n`);
}

/** Lets the worker's steps (one per turn of the event loop) run. */
async function eventLoopTurns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

function catalogFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('catalog cache', () => {
  test('round trip: the rows written are read back while the catalog is as it was', () => {
    const catalog = catalogFile('a.bib', multiline);
    const cacheDir = join(dir, 'cache-a');
    const rows = skimBibtex(multiline, 'file:///a.bib').map(provisionalRow);
    assert.deepEqual(rows, [['doe2020', 'A Quantum Title', ['Doe', 'Roe'], '2020']]);
    writeCache(cacheDir, catalog, statSync(catalog), '1.0.0', rows.map(encodedRow));
    assert.deepEqual(readCache(cacheDir, catalog, '1.0.0'), rows);
    const papers = rows.map((row) => paperOfRow(row, 'file:///a.bib'));
    assert.equal(papers[0].title, 'A Quantum Title');
    assert.deepEqual(papers[0].authors, [{ family: 'Doe' }, { family: 'Roe' }]);
    assert.deepEqual(readdirSync(cacheDir), [cacheFileOf(cacheDir, catalog).split('/').pop()], 'no temporary file left behind');
  });

  test('invalidated by size, modification time and server version', () => {
    const catalog = catalogFile('b.bib', multiline);
    const cacheDir = join(dir, 'cache-b');
    writeCache(cacheDir, catalog, statSync(catalog), '1.0.0', [encodedRow(['doe2020', 'T', [], ''])]);
    assert.equal(readCache(cacheDir, catalog, '1.0.1'), undefined, 'another server version');
    utimesSync(catalog, new Date(), new Date(Date.now() + 5000));
    assert.equal(readCache(cacheDir, catalog, '1.0.0'), undefined, 'modified since');
    writeCache(cacheDir, catalog, statSync(catalog), '1.0.0', [encodedRow(['doe2020', 'T', [], ''])]);
    writeFileSync(catalog, multiline + '\n');
    assert.equal(readCache(cacheDir, catalog, '1.0.0'), undefined, 'another size');
  });

  test('a broken or foreign cache file is ignored', () => {
    const catalog = catalogFile('c.bib', bib);
    const cacheDir = join(dir, 'cache-c');
    mkdirSync(cacheDir, { recursive: true });
    const file = cacheFileOf(cacheDir, catalog);
    const { size, mtimeMs } = statSync(catalog);
    const header = { format: 'litnotes-catalog-cache/4', server: '1', catalog, size, mtimeMs, papers: 1, pieces: 1 };
    const row = JSON.stringify([['k', 'T', [], '']]) + '\n' + searchTextOf([['k', 'T', [], '']]);
    const lines = (...list: string[]) => list.map((line) => line + '\n').join('');
    for (const text of [
      '{"format": "litnotes-catalog-cache/4", "pap',
      'null',
      lines(JSON.stringify({ ...header, format: 'litnotes-catalog-cache/3' }), JSON.stringify([['k', 'T', [], '']])),
      lines(JSON.stringify({ ...header, catalog: '/etc/passwd' }), row),
      lines(JSON.stringify({ ...header, pieces: 2 }), row),
      lines(JSON.stringify(header), row).slice(0, -1),
      lines(JSON.stringify(header), JSON.stringify([['k', 'T', [], '']])),
      lines(JSON.stringify(header), JSON.stringify([['k', 'T', 'not a list', '']]), '\tk\u0001k k t'),
      lines(JSON.stringify(header), JSON.stringify([{ key: 'k' }]), '\tk\u0001k k'),
      lines(JSON.stringify(header), '[["k", "T", [], ""]', '\tk\u0001k k t'),
    ]) {
      writeFileSync(file, text);
      assert.equal(readCache(cacheDir, catalog, '1'), undefined, text);
    }
    writeFileSync(file, lines(JSON.stringify(header), row));
    assert.deepEqual(readCache(cacheDir, catalog, '1'), [['k', 'T', [], '']]);
  });

  test('rows are written in pieces of 500, each two lines the worker sends unparsed: the rows and their search text', () => {
    const catalog = catalogFile('d.bib', bib);
    const cacheDir = join(dir, 'cache-d');
    const rows = Array.from({ length: 1201 }, (_, i): [string, string, string[], string] => [`k${i}`, `Title ${i} – é`, ['Doe'], '2020']);
    writeCache(cacheDir, catalog, statSync(catalog), '1', rows.map(encodedRow));
    const cached = readCachePieces(cacheDir, catalog, '1')!;
    assert.equal(cached.papers, 1201);
    assert.deepEqual(cached.pieces.map((piece) => decodePiece(piece.rows).length), [500, 500, 201]);
    assert.deepEqual(cached.pieces.flatMap((piece) => decodePiece(piece.rows)), rows);
    assert.deepEqual(cached.pieces.map((piece) => decodeText(piece.text)), [0, 500, 1000].map((from) => searchTextOf(rows.slice(from, from + 500))));
    // What the main thread does with a piece: search its text, decode its rows for the hits only.
    const provisional = new ProvisionalPapers();
    const decoded: number[] = [];
    for (const piece of cached.pieces) {
      const row = pieceRow(piece);
      provisional.addPiece('file:///d.bib', { text: decodeText(piece.text), row: (k) => (decoded.push(k), row(k)) });
    }
    assert.equal(provisional.size, 1201);
    assert.deepEqual(provisional.search('title 1200 e', 5, () => false).map((hit) => hit.key), ['k1200']);
    assert.deepEqual(decoded, [200], 'only the row of the hit was decoded (the 201st of the last piece)');
    assert.deepEqual(cached.pieces.map((piece) => [...piece.rowStarts]), [0, 500, 1000].map((from) => [...pieceBytes(rows.slice(from, from + 500)).rowStarts]), 'rows found in a cached piece where they were written');
    assert.deepEqual(decodePiece(new TextEncoder().encode('[["k", "T"')), [], 'a broken piece gives no rows');
  });

  test('a cache of several megabytes is given a piece at a time as it is read, lines across the reads intact; one cut short gives the pieces before the cut', () => {
    const catalog = catalogFile('stream.bib', bib);
    const cacheDir = join(dir, 'cache-stream');
    // 6,000 rows with long titles in several scripts: about 4 MB, so lines cross the 1 MB reads.
    const rows = Array.from({ length: 6000 }, (_, i): ProvisionalRow => [`k${i}`, `Étude ${i} ${'漢字 and "quotes", [brackets] '.repeat(20)}😀`, ['Doe', 'Müller'], '2020']);
    writeCache(cacheDir, catalog, statSync(catalog), '1', rows.map(encodedRow));
    const file = cacheFileOf(cacheDir, catalog);
    assert.ok(statSync(file).size > 3_000_000);
    const given: ProvisionalRow[][] = [];
    const read = forEachCachePiece(cacheDir, catalog, '1', undefined, (piece) => given.push(decodePiece(piece.rows) as ProvisionalRow[]));
    assert.deepEqual(read, { papers: 6000, complete: true });
    assert.equal(given.length, 12);
    assert.deepEqual(given.flat(), rows);
    // Cut in the middle of the ninth piece's rows: eight pieces were given, and the cache is not whole.
    const bytes = readFileSync(file);
    let cut = 0;
    for (let lines = 0; lines < 1 + 2 * 8 + 1; lines++) cut = bytes.indexOf(10, cut) + 1;
    writeFileSync(file, bytes.subarray(0, cut - 1000));
    const partial: ProvisionalRow[][] = [];
    assert.deepEqual(
      forEachCachePiece(cacheDir, catalog, '1', undefined, (piece) => partial.push(decodePiece(piece.rows) as ProvisionalRow[])),
      { papers: 6000, complete: false },
    );
    assert.deepEqual(partial.flat(), rows.slice(0, 4000));
    assert.equal(readCachePieces(cacheDir, catalog, '1'), undefined, 'the whole-cache reader takes all or nothing');
    assert.equal(forEachCachePiece(cacheDir, catalog, '2', undefined, () => assert.fail('no piece of a foreign cache')), undefined);
  });

  test('one row of a piece decoded alone, as the whole piece decodes it: brackets, commas, quotes and escapes in titles are text', () => {
    const rows: ProvisionalRow[] = [
      ['a"],["b', 'Title with ],[ and "quotes" and a \\ backslash', ['Müller', "O'Brien"], '2020'],
      ['k2', '{Braces}, [brackets]: a list, of [1, 2]', [], ''],
      ['k3', 'Emoji 😀 and 漢字, \u0000 and a tab\t', ['Ng'], '1999'],
      ['k4', '\\"', ['"]'], '"'],
    ];
    const piece = pieceBytes(rows);
    assert.deepEqual(decodePiece(piece.rows), rows);
    const row = pieceRow(piece);
    assert.deepEqual([0, 1, 2, 3].map(row), rows);
    assert.equal(row(4), undefined, 'past the end');
    assert.equal(row(-1), undefined);
    // Cached pieces are cut into rows where the worker reads them back: the same places.
    assert.deepEqual(listItemStarts(piece.rows), piece.rowStarts);
    const bytes = (text: string) => new TextEncoder().encode(text);
    const spaced = bytes(' [ ["k1","T",[],""] , ["k2","U",[],""] ] ');
    assert.deepEqual(listItemStarts(spaced), Uint32Array.from([2, 21, 40]));
    assert.deepEqual([0, 1].map(pieceRow({ rows: spaced, text: bytes(''), rowStarts: listItemStarts(spaced)! })), [['k1', 'T', [], ''], ['k2', 'U', [], '']]);
    assert.deepEqual(listItemStarts(bytes('[]')), Uint32Array.from([2]), 'an empty list has no rows');
    assert.equal(listItemStarts(bytes('[["k", "T"')), undefined, 'cut short');
    assert.equal(listItemStarts(bytes('{"a": 1}')), undefined, 'not a list');
    assert.equal(pieceRow({ ...pieceBytes([['k', 'T', [], '']]), rowStarts: Uint32Array.from([1, 5]) })(0), undefined, 'a row that does not parse');
  });

  test('the cache folder: XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/litnotes');
    assert.match(defaultCacheDir({}), /\.cache\/litnotes$/);
  });

  test('the skim reads one-line values and leaves the rest to the reader', () => {
    const papers = skimBibtex('@string{j = {J}}\n@Article{a1,\n  title = "Plain",\n  journal = j,\n  year = {1999},\n}\n@misc{b2,\n  title = {Over\n two lines},\n}\n', 'file:///s.bib');
    assert.deepEqual(papers.map((p) => [p.key, p.type, p.title, p.year]), [['a1', 'article', 'Plain', '1999'], ['b2', 'misc', undefined, undefined]]);
  });

  test('the skim reads titles and first authors as the reader does: extended names, sorting commands, \slash, quotes', () => {
    const text = String.raw`@book{beauvoir1949,
  title = {Le \enquote{Deuxième} Sexe},
  author = {{family=Beauvoir, given=Simone, prefix=de, useprefix=false} and {family=Doe, given=J.}},
}
@article{hakim2001,
  title = {{AND}\slash {OR} Graphs for OCL$_h$},
  author = {{\noopsort{hakim}}{al-Hakim}, Tawfiq and Roe, R.},
}
`;
    const view = (papers: { key: string; title?: string; authors: { family?: string }[] }[]) => papers.map((p) => [p.key, p.title, p.authors.map((a) => a.family)]);
    assert.deepEqual(view(skimBibtex(text, 'file:///s.bib')), [
      ['beauvoir1949', 'Le “Deuxième” Sexe', ['Beauvoir', 'Doe']],
      ['hakim2001', 'AND/OR Graphs for OCLₕ', ['al-Hakim', 'Roe']],
    ]);
    assert.deepEqual(view(skimBibtex(text, 'file:///s.bib')), view(parseBibtex(text, 'file:///s.bib').papers));
  });

  test('the skim makes no paper of an entry the reader rejects: no type, no key, a key Pandoc cannot cite', () => {
    const text = String.raw`@{WASSA,
}
@schr{"o,}dinger
@article{title="A field, not a key", year = 2020}
@misc{smith#2020, title = {Hash}}
@misc{ok, title = {Read}}
`;
    assert.deepEqual(skimBibtex(text, 'file:///s.bib').map((p) => p.key), ['ok']);
    assert.deepEqual(parseBibtex(text, 'file:///s.bib').papers.map((p) => p.key), ['ok']);
  });
});

describe('the worker skims a large catalog in pieces', () => {
  test('every key once, in file order, over pieces read from disk and cut before entries (multi-byte text included)', () => {
    // About 3,000 entries of 1 KB: more than one piece, with accents across the piece boundaries.
    const entries = Array.from({ length: 3000 }, (_, i) => `@article{k${i},\n  title = {Über Étude ${i}},\n  author = {Müller, Zoë},\n  abstract = {${'é'.repeat(900)}},\n}\n`);
    const catalog = catalogFile('big.bib', entries.join('\n'));
    const provisional: string[] = [];
    let pieces = 0;
    const core = new CatalogWorkerCore((event) => {
      if (event.type !== 'provisional') return;
      pieces++;
      const rows = decodePiece(event.piece.rows);
      assert.equal(decodeText(event.piece.text), searchTextOf(rows), 'the search text of the rows sent');
      for (const row of rows as Parameters<typeof paperOfRow>[0][]) {
        const paper = paperOfRow(row, event.uri);
        provisional.push(`${paper.key} ${paper.title} ${paper.authors[0]?.family}`);
      }
    });
    core.handle({ type: 'configure', cacheDir: undefined, server: 'test' });
    core.handle({ type: 'provisional', uri: 'file:///big.bib', path: catalog });
    assert.ok(pieces > 2, `${pieces} pieces`);
    assert.deepEqual(provisional, entries.map((_, i) => `k${i} Über Étude ${i} Müller`));
  });
});

describe('the worker writes the cache after a pause, or at once when the server shuts down', () => {
  test('a read leaves no cache file until the pause or a flush; the flushed file is valid for the catalog as it is', () => {
    const padding = entriesOver1MB('pad', 'Padding').join('');
    const catalog = catalogFile('flush.bib', multiline + padding);
    const small = catalogFile('small.bib', multiline);
    const cacheDir = join(dir, 'cache-flush');
    const core = new CatalogWorkerCore(() => undefined);
    core.handle({ type: 'configure', cacheDir, server: 'test' });
    core.handle({ type: 'readFile', id: 1, uri: 'file:///flush.bib', path: catalog });
    core.handle({ type: 'readFile', id: 2, uri: 'file:///small.bib', path: small });
    assert.equal(readCache(cacheDir, catalog, 'test'), undefined, 'written before its pause');
    core.flush();
    assert.deepEqual(readCache(cacheDir, catalog, 'test')?.slice(0, 2), [['doe2020', 'A Quantum Title', ['Doe', 'Roe'], '2020'], ['pad0', 'Padding 0', [], '']]);
    assert.equal(readCache(cacheDir, small, 'test'), undefined, 'a small catalog is read faster than its cache');
    core.dispose();
  });

  test('the cache waits until the read\'s abstracts are counted: the index is not ready before, the cache only matters at the next start', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const catalog = catalogFile('counted-first.bib', entriesOver1MB('count', 'Counted').join(''));
    const cacheDir = join(dir, 'cache-counted-first');
    let cachedWhenCounted: unknown = 'not counted';
    const core = new CatalogWorkerCore((event) => {
      if (event.type === 'abstractWords' && event.last) cachedWhenCounted = readCache(cacheDir, catalog, 'test');
    });
    core.handle({ type: 'configure', cacheDir, server: 'test' });
    core.handle({ type: 'readFile', id: 1, uri: 'file:///counted-first.bib', path: catalog });
    t.mock.timers.tick(1000); // the pause is over while the abstracts are being counted, a batch per turn
    await eventLoopTurns(40);
    assert.equal(cachedWhenCounted, undefined, 'no cache before the counts are all sent');
    assert.equal(readCache(cacheDir, catalog, 'test'), undefined, 'nor right after: the write waits for another pause');
    t.mock.timers.tick(1000);
    await eventLoopTurns(40);
    assert.deepEqual(readCache(cacheDir, catalog, 'test')?.[0], ['count0', 'Counted 0', [], '']);
    core.dispose();
  });

  test('a cache write goes in steps: an edit read between two of them ends it, and the edit\'s own write has the edit', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const entries = entriesOver1MB('step', 'Step');
    const catalog = catalogFile('stepped.bib', entries.join(''));
    const cacheDir = join(dir, 'cache-stepped');
    const core = new CatalogWorkerCore(() => undefined);
    core.handle({ type: 'configure', cacheDir, server: 'test' });
    core.handle({ type: 'readFile', id: 1, uri: 'file:///stepped.bib', path: catalog });
    t.mock.timers.tick(1000); // the pause is over: the first step (of six) runs
    assert.equal(readCache(cacheDir, catalog, 'test'), undefined, 'not written in one go');
    const before = statSync(catalog);
    entries[2000] = entries[2000].replace('Step 2000', 'Edited mid-write');
    writeFileSync(catalog, entries.join(''));
    utimesSync(catalog, new Date(), new Date(Date.now() + 5000));
    core.handle({ type: 'readFile', id: 2, uri: 'file:///stepped.bib', path: catalog });
    await eventLoopTurns(20);
    assert.equal(readCache(cacheDir, catalog, 'test', { size: before.size, mtimeMs: before.mtimeMs }), undefined, 'the first write was ended');
    // After an edit the cache waits for five quiet seconds, then goes in steps again.
    t.mock.timers.tick(1000);
    await eventLoopTurns(20);
    assert.equal(readCache(cacheDir, catalog, 'test'), undefined, 'not a second after the edit');
    t.mock.timers.tick(4000);
    await eventLoopTurns(40);
    assert.deepEqual(readCache(cacheDir, catalog, 'test')?.[2000], ['step2000', 'Edited mid-write', [], '']);
    assert.deepEqual(readdirSync(cacheDir).filter((name) => name.endsWith('.tmp')), [], 'no half-written file left');
    core.dispose();
  });

  test('after an edit the cache is the edited catalog\'s, its other rows read back from the cache written before (not kept in memory); an editor\'s text is never written, and does not stop the disk\'s', () => {
    const entries = entriesOver1MB('pad', 'Padding');
    const catalog = catalogFile('edited.bib', entries.join(''));
    const cacheDir = join(dir, 'cache-edited');
    const core = new CatalogWorkerCore(() => undefined);
    core.handle({ type: 'configure', cacheDir, server: 'test' });
    core.handle({ type: 'readFile', id: 1, uri: 'file:///edited.bib', path: catalog });
    core.flush();
    const edit = (i: number, title: string) => {
      entries[i] = entries[i].replace(/title = \{[^}]*\}/, `title = {${title}}`);
      writeFileSync(catalog, entries.join(''));
      utimesSync(catalog, new Date(), new Date(Date.now() + i)); // a new modification time, even within the same millisecond
    };
    edit(1200, 'Edited on disk');
    core.handle({ type: 'readFile', id: 2, uri: 'file:///edited.bib', path: catalog });
    edit(2400, 'Edited again');
    core.handle({ type: 'readFile', id: 3, uri: 'file:///edited.bib', path: catalog });
    core.flush();
    const rows = readCache(cacheDir, catalog, 'test');
    assert.equal(rows?.length, 2500);
    assert.deepEqual([rows![0], rows![1200], rows![2400], rows![2499]], [['pad0', 'Padding 0', [], ''], ['pad1200', 'Edited on disk', [], ''], ['pad2400', 'Edited again', [], ''], ['pad2499', 'Padding 2499', [], '']]);

    // The editor's text (unsaved) between a disk read and its cache write: the disk's is written first, the editor's never.
    edit(5, 'Saved');
    core.handle({ type: 'readFile', id: 4, uri: 'file:///edited.bib', path: catalog });
    core.handle({ type: 'readText', id: 5, uri: 'file:///edited.bib', bytes: Buffer.from(entries.join('').replace('Saved', 'Unsaved')) });
    assert.deepEqual(readCache(cacheDir, catalog, 'test')?.[5], ['pad5', 'Saved', [], ''], 'written before the editor\'s text was read');
    core.flush();
    assert.deepEqual(readCache(cacheDir, catalog, 'test')?.[5], ['pad5', 'Saved', [], '']);

    // With its cache file gone, an edit's rows cannot be completed: no cache is written (the rows were not kept).
    core.handle({ type: 'readFile', id: 6, uri: 'file:///edited.bib', path: catalog });
    core.flush();
    rmSync(cacheDir, { recursive: true });
    edit(7, 'Edited once more');
    core.handle({ type: 'readFile', id: 7, uri: 'file:///edited.bib', path: catalog });
    core.flush();
    assert.equal(readCache(cacheDir, catalog, 'test'), undefined);
    core.dispose();
  });
});

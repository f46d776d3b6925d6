import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CatalogFiles, type CatalogReading } from '../../server/src/node/catalogFiles';
import { DiskFile } from '../../server/src/node/fileVersion';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { collectGarbage } from '../bench/gc';

const uri = 'file:///ws/refs.bib';

function catalog(entries: number, edit?: (i: number) => string | undefined): string {
  const parts = ['@string{jml = {Journal of Machine Learning}}', '@proceedings{conf2020,\n  title = {Proceedings of the Conference},\n  year = 2020,\n}'];
  for (let i = 0; i < entries; i++) {
    parts.push(
      edit?.(i) ??
        `@article{paper${i},\n  title = {Title number ${i} about Müller optics},\n  author = {Doe, Jane and Roe, Richard},\n  journal = jml,\n  year = ${2000 + (i % 20)},\n${i % 3 === 0 ? '  crossref = {conf2020},\n' : ''}  abstract = {An abstract of paper ${i}.},\n}`,
    );
  }
  return parts.join('\n\n') + '\n';
}

/** Reads `next` after `first` through CatalogFiles into a model, as the server does. */
function readTwice(first: string, next: string): { reading: CatalogReading; model: WorkspaceModel } {
  const files = new CatalogFiles();
  const model = new WorkspaceModel();
  const one = files.read(uri, Buffer.from(first));
  assert.equal(one.kind, 'full');
  if (one.kind === 'full') model.setCatalogRead(one.result, one.blank);
  model.finishWork();
  const reading = files.read(uri, Buffer.from(next));
  if (reading.kind === 'full') model.setCatalogRead(reading.result, reading.blank);
  if (reading.kind === 'delta') assert.ok(model.applyCatalogDelta(uri, reading.delta));
  model.finishWork();
  return { reading, model };
}

/**
 * Reads `first`, then each edit of it in turn, through one CatalogFiles into a model, as the
 * server does: every edit must come as a delta (of fewer than `maxPapers` papers, when given) and
 * leave the papers of a whole read. `settle` lets big versions keep checksums after each read.
 */
function readEditsInTurn(first: string, edits: ((text: string) => string)[], options: { settle?: boolean; maxPapers?: number; onDisk?: boolean } = {}): WorkspaceModel {
  const files = new CatalogFiles();
  const model = new WorkspaceModel();
  const one = files.read(uri, Buffer.from(first));
  if (one.kind === 'full') model.setCatalogRead(one.result, one.blank);
  model.finishWork();
  if (options.settle) files.settle();
  assert.deepEqual(files.read(uri, Buffer.from(first)), { kind: 'unchanged' });
  let text = first;
  for (const edit of edits) {
    text = edit(text);
    const reading = options.onDisk ? readFromDisk(files, text) : files.read(uri, Buffer.from(text));
    assert.equal(reading.kind, 'delta');
    if (reading.kind === 'delta') {
      if (options.maxPapers !== undefined) assert.ok(reading.delta.to - reading.delta.from < options.maxPapers, `${reading.delta.to - reading.delta.from} papers read again`);
      assert.ok(model.applyCatalogDelta(uri, reading.delta), 'delta applied');
    }
    model.finishWork();
    if (options.settle) files.settle();
    assertSameAsWholeRead(model, text);
  }
  return model;
}

/**
 * `text` written to a file and read from it as the worker reads a big file it knows: the file must
 * be read a chunk at a time, never into a buffer of its size.
 */
function readFromDisk(files: CatalogFiles, text: string): CatalogReading {
  assert.ok(files.hasChecksums(uri), 'the last version keeps checksums');
  const path = join(mkdtempSync(join(tmpdir(), 'litnotes-edit-')), 'refs.bib');
  writeFileSync(path, text);
  const file = DiskFile.open(path);
  const read = file.read.bind(file);
  let largest = 0;
  file.read = (from, to, into) => {
    largest = Math.max(largest, to - from);
    return read(from, to, into);
  };
  try {
    return files.read(uri, file);
  } finally {
    file.close();
    files.settle(); // from the file, as the worker does right after sending the read
    rmSync(dirname(path), { recursive: true });
    assert.ok(largest <= 1 << 20, `one read of ${largest} bytes`);
  }
}

function assertSameAsWholeRead(model: WorkspaceModel, text: string): void {
  const whole = parseBibtex(text, uri);
  assert.deepEqual(model.catalog(uri)?.papers, whole.papers);
  for (const paper of whole.papers) assert.deepEqual(model.paper(paper.key), paper);
  assert.equal(model.paperCount, new Set(whole.papers.map((p) => p.key)).size);
}

describe('CatalogFiles: reading only what changed', () => {
  const base = catalog(50);

  test('the same bytes again: unchanged', () => {
    const files = new CatalogFiles();
    files.read(uri, Buffer.from(base));
    assert.deepEqual(files.read(uri, Buffer.from(base)), { kind: 'unchanged' });
  });

  test('a title edited in the middle: one paper read again, the same papers as a whole read', () => {
    const next = base.replace('Title number 25 about', 'Title number 25 zqx about');
    const { reading, model } = readTwice(base, next);
    assert.equal(reading.kind, 'delta');
    if (reading.kind === 'delta') assert.deepEqual(reading.delta.papers.map((p) => p.key), ['paper25']);
    assertSameAsWholeRead(model, next);
    assert.deepEqual(model.search('zqx', 5).map((h) => h.key), ['paper25']);
  });

  test('edits one after another on the same file, each a stretch: always the same papers as a whole read', () => {
    const model = readEditsInTurn(base, [
      (t) => t.replace('Title number 40 about', 'Title number 40 — ünïcödé about'),
      (t) => t.replace('  abstract = {An abstract of paper 20.},', '  abstract = {An abstract\nover\nlines of paper 20.},'),
      (t) => t.replace('Title number 45 about', 'Title 45'),
      (t) => t.replace('  abstract = {An abstract\nover\nlines of paper 20.},', '  abstract = {Shorter.},'),
      (t) => t.replace('Title number 41 about', 'Title number 41 zqx about'),
    ]);
    assert.deepEqual(model.search('zqx', 5).map((h) => h.key), ['paper41']);
  });

  test('lines added and removed move the papers after the edit', () => {
    const added = base.replace('  abstract = {An abstract of paper 30.},', '  abstract = {An abstract\nover three\nlines of paper 30.},');
    const first = readTwice(base, added);
    assert.equal(first.reading.kind, 'delta');
    assertSameAsWholeRead(first.model, added);
    const removed = added.replace(/@article\{paper31,[^@]*/, '');
    const second = readTwice(added, removed);
    assert.equal(second.reading.kind, 'delta');
    assertSameAsWholeRead(second.model, removed);
    assert.equal(second.model.paper('paper31'), undefined);
  });

  test('an entry added between two, with non-ASCII text before it: byte offsets stay right', () => {
    const next = base.replace('@article{paper40,', '@article{neu2024, title = {Ünïcödé Straße}, author = {Łukasz, A}}\n\n@article{paper40,');
    const { reading, model } = readTwice(base, next);
    assert.equal(reading.kind, 'delta');
    assertSameAsWholeRead(model, next);
    // And a second edit after the first lands in the right place.
    const files = new CatalogFiles();
    files.read(uri, Buffer.from(base));
    files.read(uri, Buffer.from(next));
    const third = next.replace('Title number 45 about', 'Title number 45 again about');
    const again = files.read(uri, Buffer.from(third));
    assert.equal(again.kind, 'delta');
    if (again.kind === 'delta') assert.deepEqual(again.delta.papers.map((p) => p.key), ['paper45']);
  });

  test('a crossref child edited inherits from its parent; an edited parent reads the whole file', () => {
    const child = base.replace('Title number 27 about', 'Title number 27 new about');
    const one = readTwice(base, child);
    assert.equal(one.reading.kind, 'delta');
    assertSameAsWholeRead(one.model, child);
    assert.equal(one.model.paper('paper27')?.venue, 'Journal of Machine Learning');
    const parent = base.replace('Proceedings of the Conference', 'Proceedings of the Big Conference');
    assert.equal(readTwice(base, parent).reading.kind, 'full');
  });

  test('a broken edit, a new @string or a duplicate key reads the whole file (the last good version rule applies)', () => {
    const broken = base.replace('Title number 20 about', 'Title number 20 {about');
    const { reading, model } = readTwice(base, broken);
    assert.equal(reading.kind, 'full');
    assert.ok(model.paper('paper20'), 'kept from the last good version');
    assert.equal(readTwice(base, base.replace('@article{paper33,', '@string{x = {y}}\n@article{paper33,')).reading.kind, 'full');
    assert.equal(readTwice(base, base.replace('@article{paper33,', '@article{paper34,')).reading.kind, 'full');
  });
});

describe('CatalogFiles: a big file whose last version is kept as checksums', () => {
  // 22,000 entries, 4.4 MB: past the size (4 MiB) from which `settle` drops the bytes.
  const big = catalog(22_000);
  const bigEdits: ((t: string) => string)[] = [
    (t) => t.replace('Title number 8000 about', 'Title number 8000 zqx about'),
    (t) => t.replace('@article{paper9000,', '@article{neu2024, title = {Ünïcödé Straße}, author = {Łukasz, A}}\n\n@article{paper9000,'),
    (t) => t.replace(/@article\{paper12000,[^@]*/, ''),
    (t) => t.replace('  abstract = {An abstract of paper 100.},', '  abstract = {An abstract\nover\nlines of paper 100.},'),
    // The last entry: its bytes lie in the file's last, partial block.
    (t) => t.replace('Title number 21999 about', 'Title number 21999 zqy about'),
  ];

  test('edits one after another, each read as a stretch of a few blocks: always the same papers as a whole read', () => {
    assert.ok(Buffer.byteLength(big) > 4_200_000, `${Buffer.byteLength(big)} bytes`);
    const model = readEditsInTurn(big, bigEdits, { settle: true, maxPapers: 200 });
    assert.deepEqual(model.search('zqx', 5).map((h) => h.key), ['paper8000']);
    assert.deepEqual(model.search('zqy', 5).map((h) => h.key), ['paper21999']);
    assert.equal(model.paper('paper12000'), undefined);
    assert.equal(model.paper('neu2024')?.title, 'Ünïcödé Straße');
  });

  test('the same edits read from the file on disk, a chunk at a time: the same papers', () => {
    const model = readEditsInTurn(big, bigEdits, { settle: true, maxPapers: 200, onDisk: true });
    assert.deepEqual(model.search('zqx', 5).map((h) => h.key), ['paper8000']);
    assert.equal(model.paper('neu2024')?.title, 'Ünïcödé Straße');
  });
});

describe('what a worker keeps between reads', () => {
  test('no slice of the text: after a read and an edited stretch, the state holds a few MB, not the text', () => {
    // V8 keeps a whole string alive while any slice of it lives (strings of 13 characters or more
    // are sliced): a kept key, macro or crossref parent that is a slice holds the file's text.
    const heapUsed = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const padding = 'x'.repeat(2000);
    const text = catalog(6000, (i) => `@article{somebody${i}paperkey, title = {Title ${i} – Müller}, journal = jml, year = 2020, ${i % 3 === 0 ? 'crossref = {conf2020}, ' : ''}abstract = {${padding} ${i}}}`);
    const edited = Buffer.from(text.replace('Title 3000 ', 'Title three thousand '));
    const files = new CatalogFiles();
    assert.equal(files.read(uri, Buffer.from(text)).kind, 'full');
    assert.equal(files.read(uri, edited).kind, 'delta');
    files.settle();
    const withState = heapUsed();
    const bytesWithState = process.memoryUsage().arrayBuffers;
    files.forget(uri);
    const kept = withState - heapUsed();
    const bytesKept = bytesWithState - process.memoryUsage().arrayBuffers;
    assert.ok(text.length > 12_000_000, `${text.length}`);
    assert.ok(kept < 4_000_000, `the state keeps ${Math.round(kept / 1e6)} MB of heap for a ${Math.round(text.length / 1e6)} MB text`);
    // Nor the file's bytes: checksums of its last version instead.
    assert.ok(bytesKept < 1_000_000, `the state keeps ${Math.round(bytesKept / 1e6)} MB of bytes`);
  });
});

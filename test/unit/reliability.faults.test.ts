/**
 * Faults of the file system around a catalog, at the model and at the glue (the real
 * WorkspaceFeeder on a temp folder, in process): a catalog rewritten non-atomically (half a file
 * for a moment, as Zotero's auto-export does), emptied, deleted, renamed, replaced by a directory or
 * a symlink loop, or too large to read. LitNotes keeps its last good index while the file is
 * broken, says what happened once, and recovers by itself when the file is whole again. A server
 * restarted on the same workspace comes back with the same index.
 *
 * The same through the real server process is in reliability.server.test.ts.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Paper } from '../../server/src/catalog/paper';
import { MAX_FILE_BYTES, pathToUri, readText } from '../../server/src/node/files';
import { WorkspaceFeeder, type FeederHost } from '../../server/src/node/workspaceFeeder';
import { defaultSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { computeTopicsNow } from './topicFixture';


const demo = join(import.meta.dirname, '../../examples/demo');
const demoCatalog = readFileSync(join(demo, 'papers.bib'), 'utf8');

function withoutSource(paper: Paper): Omit<Paper, 'source'> {
  const { source: _source, ...rest } = paper;
  return rest;
}

describe('a catalog rewritten in place, at the model', () => {
  const uri = 'file:///ws/papers.bib';

  test('half a file, then the whole: all 64 papers all along, one notice, then clean', () => {
    const model = new WorkspaceModel();
    model.setCatalog(uri, demoCatalog);
    const all = model.papers().map(withoutSource);
    assert.equal(all.length, 64);
    const notices: string[] = [];
    // Cut in the middle of an entry, then a bit further (the exporter is still writing).
    for (const fraction of [0.5, 0.7]) {
      const update = model.setCatalog(uri, demoCatalog.slice(0, Math.floor(demoCatalog.length * fraction)));
      if (update?.notice) notices.push(update.notice);
      assert.deepEqual(model.papers().map(withoutSource), all, `at ${fraction}`);
      assert.ok(model.catalogProblems(uri).some((p) => p.code === 'catalog.parse-error'), 'the cut is a problem');
      assert.deepEqual(model.search('gaussian splatting', 5).length, 5);
    }
    assert.equal(notices.length, 1, notices.join('\n'));
    assert.match(notices[0], /^Catalog has parse errors: keeping \d+ entries of the last good version until it reads cleanly/);
    const whole = model.setCatalog(uri, demoCatalog);
    assert.equal(whole?.notice, undefined);
    assert.deepEqual(model.papers().map(withoutSource), all);
    assert.deepEqual(model.catalogProblems(uri), []);
    assert.deepEqual(model.catalog(uri)?.kept, []);
  });

  test('an empty rewrite keeps the papers with one notice; a clean read that drops an entry honours it', () => {
    const model = new WorkspaceModel();
    model.setCatalog(uri, demoCatalog);
    const first = model.setCatalog(uri, '');
    const second = model.setCatalog(uri, ' \n');
    assert.equal(first?.notice, 'Catalog is empty: keeping the 64 papers of the last good version.');
    assert.equal(second?.notice, undefined, 'said once');
    assert.equal(model.paperCount, 64);
    // A deliberate deletion of an entry (the file reads cleanly) is not a fault.
    const withoutFirst = demoCatalog.replace(/@misc\{PEMF-VVTO,[\s\S]*?\n\}\n/, '');
    model.setCatalog(uri, withoutFirst);
    assert.equal(model.paperCount, 63);
    assert.equal(model.paper('PEMF-VVTO'), undefined);
  });

  test('a restarted server on the same workspace comes back with the same index', () => {
    const notes = new Map([
      ['file:///ws/notes/a.md', 'See [@Feat2GS; @ADen, p. 3] and @DenseGAP.\n'],
      ['file:///ws/notes/b.md', '---\nbibliography: ../papers.bib\n---\n[@Feat2GS] [@unknownKey]\n'],
    ]);
    const index = () => {
      const model = new WorkspaceModel();
      model.setWorkspaceFolders(['file:///ws']);
      model.setCatalog(uri, demoCatalog);
      for (const [noteUri, text] of notes) model.setNote(noteUri, text);
      return model;
    };
    const before = index();
    // The first process went through edits and a broken read before it died; the new one reads the files as they are.
    before.setCatalog(uri, demoCatalog.slice(0, 1000));
    before.setCatalog(uri, demoCatalog);
    const after = index();
    assert.deepEqual(after.papers(), before.papers());
    assert.deepEqual(after.keys(), before.keys());
    for (const query of ['gaussian', 'sparse attention', 'pose', 'xyz']) assert.deepEqual(after.search(query, 20), before.search(query, 20), query);
    assert.deepEqual([...after.citedKeys()], [...before.citedKeys()]);
    assert.deepEqual(computeTopicsNow(after), computeTopicsNow(before));
  });
});

describe('a catalog on disk, through the glue (WorkspaceFeeder)', () => {
  let folder: string;
  let catalogPath: string;
  let catalogUri: string;
  let model: WorkspaceModel;
  let feeder: WorkspaceFeeder;
  const logs: string[] = [];
  const errors: string[] = [];

  const host: FeederHost = {
    log: (message) => logs.push(message),
    error: (message) => errors.push(message),
    openText: () => undefined,
    catalogChanged: () => undefined,
    noteChanged: () => undefined,
  };

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs:\n${logs.join('\n')}\nerrors:\n${errors.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** What the watcher reports after a change, and the re-read it leads to (debounced by the feeder). */
  async function changed(deleted = false): Promise<void> {
    const before = logs.length + errors.length;
    feeder.fileChanged(catalogUri, deleted);
    // A re-read either logs (read, removed) or errs; when the text is the same it does neither: wait for the debounce.
    await Promise.race([until(() => logs.length + errors.length > before, 'the re-read'), new Promise((resolve) => setTimeout(resolve, 400))]);
  }

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'litnotes-faults-'));
    cpSync(demo, folder, { recursive: true });
    catalogPath = join(folder, 'papers.bib');
    catalogUri = pathToUri(catalogPath);
    model = new WorkspaceModel();
    model.setWorkspaceFolders([pathToUri(folder)]);
    feeder = new WorkspaceFeeder(model, host, defaultSettings);
    await feeder.indexWorkspace({ report: () => undefined, isCancelled: () => false });
    assert.equal(model.paperCount, 64);
  });

  after(() => {
    feeder.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  test('half a file on disk, then the whole: 64 papers all along, one notice, recovered', async () => {
    logs.length = 0;
    writeFileSync(catalogPath, demoCatalog.slice(0, demoCatalog.length / 2));
    await changed();
    assert.equal(model.paperCount, 64);
    writeFileSync(catalogPath, demoCatalog.slice(0, (demoCatalog.length * 3) / 4));
    await changed();
    assert.equal(model.paperCount, 64);
    writeFileSync(catalogPath, demoCatalog);
    await changed();
    assert.equal(model.paperCount, 64);
    assert.deepEqual(model.catalogProblems(catalogUri), []);
    assert.equal(logs.filter((l) => l.includes('keeping')).length, 1, logs.join('\n'));
    assert.deepEqual(errors, []);
  });

  test('replaced by a directory, then by a symlink loop: the papers leave with the file, and come back with it', async () => {
    logs.length = 0;
    unlinkSync(catalogPath);
    mkdirSync(catalogPath);
    await changed();
    assert.equal(model.paperCount, 0, 'a directory is not a catalog');
    rmSync(catalogPath, { recursive: true });
    symlinkSync(catalogPath, catalogPath); // a link to itself: stat fails with ELOOP
    await changed();
    assert.equal(model.paperCount, 0);
    assert.deepEqual(errors, [], 'no error storm: the file is simply not there');
    unlinkSync(catalogPath);
    writeFileSync(catalogPath, demoCatalog);
    await changed();
    assert.equal(model.paperCount, 64);
    assert.deepEqual(logs.filter((l) => l.includes('removed')), ['papers.bib: removed.']);
  });

  test('deleted and written again within the debounce (an exporter replacing the file): nothing leaves', async () => {
    logs.length = 0;
    unlinkSync(catalogPath);
    feeder.fileChanged(catalogUri, true);
    writeFileSync(catalogPath, demoCatalog);
    await changed();
    assert.equal(model.paperCount, 64);
    assert.deepEqual(logs.filter((l) => l.includes('removed')), []);
  });

  test('renamed: the old name leaves, the new name is a catalog with the same papers', async () => {
    const renamed = join(folder, 'library.bib');
    renameSync(catalogPath, renamed);
    await changed(true);
    feeder.fileChanged(pathToUri(renamed), false);
    await until(() => model.isCatalog(pathToUri(renamed)), 'the renamed catalog');
    assert.equal(model.isCatalog(catalogUri), false);
    assert.equal(model.paperCount, 64);
    renameSync(renamed, catalogPath);
    feeder.fileChanged(pathToUri(renamed), true);
    feeder.fileChanged(catalogUri, false);
    await until(() => !model.isCatalog(pathToUri(renamed)) && model.isCatalog(catalogUri), 'the rename back');
    assert.equal(model.paperCount, 64);
  });

  test(`a catalog larger than ${MAX_FILE_BYTES / 1024 / 1024} MB is refused with one clear message; the last good index stays`, async () => {
    errors.length = 0;
    truncateSync(catalogPath, MAX_FILE_BYTES + 1024 * 1024); // sparse: no disk space, no memory
    await changed();
    assert.equal(model.paperCount, 64, 'the last good version stays');
    assert.deepEqual(errors, ['Cannot read papers.bib: the file is 257 MB, larger than the 256 MB LitNotes reads; split it or exclude it with litnotes.exclude']);
    await assert.rejects(readText(catalogPath), /larger than the 256 MB/);
    writeFileSync(catalogPath, demoCatalog);
    await changed();
    assert.equal(model.paperCount, 64);
    assert.deepEqual(model.catalogProblems(catalogUri), []);
    assert.equal(errors.length, 1);
  });

  test('invalid UTF-8 on disk reads as U+FFFD, as TextDecoder does; the other entries are untouched', async () => {
    const bytes = Buffer.from(demoCatalog, 'utf8');
    const at = bytes.indexOf('Probing Visual Foundation');
    assert.ok(at > 0);
    const damaged = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xfe, 0x00, 0xc3]), bytes.subarray(at)]);
    writeFileSync(catalogPath, damaged);
    assert.equal(await readText(catalogPath), new TextDecoder().decode(damaged));
    await changed();
    assert.equal(model.paperCount, 64);
    assert.equal(model.paper('Feat2GS')?.title, 'Feat2GS: \ufffd\ufffd\u0000\ufffdProbing Visual Foundation Models with Gaussian Splatting');
    assert.deepEqual(model.catalogProblems(catalogUri), []);
    writeFileSync(catalogPath, demoCatalog);
    await changed();
    assert.equal(model.paper('Feat2GS')?.title, 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting');
  });
});

describe('discovery on a folder with symbolic links', () => {
  test('a folder linked inside the workspace is walked once, under its real path; a loop and a link out are skipped', async () => {
    const { findWorkspaceFiles } = await import('../../server/src/node/discovery');
    const root = mkdtempSync(join(tmpdir(), 'litnotes-links-'));
    const outside = mkdtempSync(join(tmpdir(), 'litnotes-links-out-'));
    try {
      mkdirSync(join(root, 'notes/topic'), { recursive: true });
      writeFileSync(join(root, 'notes/topic/a.md'), '@k\n');
      writeFileSync(join(outside, 'b.md'), '@k\n');
      // `alias` sorts before `notes` and is less deep: walked first before the fix, so a.md had two URIs.
      symlinkSync(join(root, 'notes/topic'), join(root, 'alias'));
      symlinkSync(root, join(root, 'notes/loop'));
      symlinkSync(outside, join(root, 'out'));
      const found = await findWorkspaceFiles(root, { isExcluded: () => false });
      assert.deepEqual(found.notes, [join(root, 'notes/topic/a.md')]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

/**
 * The pure half of catalog intake (service/catalogIntake.ts), in memory: a whole text, then edits
 * given as the bytes both versions share at their start and end. What a user sees: the papers and
 * problems the model ends with, the same as a whole read's, and how few papers an edit reads again.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CatalogIntake, keysComeOrGone, utf8Length, type CatalogEdit, type CatalogReading, type NextVersion } from '../../server/src/service/catalogIntake';
import { catalogDiagnostics } from '../../server/src/features/diagnostics';
import { parseSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

const uri = 'file:///ws/refs.bib';
const base = `@string{jml = {Journal of Machine Learning}}

@article{doe2020,
  title = {Sparse Attention},
  journal = jml,
  year = 2020,
}

@article{roe2021,
  title = {Dense Attention},
  year = 2021,
}

@misc{poe2022,
  title = {The Raven, Revisited},
}
`;

/** The edit from `before` to `after` as the glue gives it: lengths and shared start and end, in bytes. */
function editOf(before: string, after: string): CatalogEdit {
  const a = Buffer.from(before);
  const b = Buffer.from(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < Math.min(a.length, b.length) - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return { oldLength: a.length, newLength: b.length, prefix, suffix, text: (from, to) => b.subarray(from, to).toString('utf8') };
}

/** Reads `base`, then `after` as an edit: the model's papers (key, title, line), and how it was read. */
function readEdit(after: string) {
  const intake = new CatalogIntake();
  const model = new WorkspaceModel();
  model.setCatalogRead(intake.readWhole(uri, base).result, false);
  model.finishWork();
  const delta = intake.readEdit(uri, editOf(base, after));
  if (delta) assert.ok(model.applyCatalogDelta(uri, delta));
  else model.setCatalogRead(intake.readWhole(uri, after).result, false);
  model.finishWork();
  const papers = model.catalog(uri)!.papers.map((p) => `${p.key} ${p.title} @${p.source.range.start.line}`);
  return { delta, papers, model };
}

/** The same papers from a whole read of `text`. */
function wholeRead(text: string): string[] {
  return new CatalogIntake().readWhole(uri, text).result.papers.map((p) => `${p.key} ${p.title} @${p.source.range.start.line}`);
}

/** `next` as a version after `last` (undefined: the first), compared byte by byte; which bytes were decoded. */
function versionOf(last: string | undefined, next: string) {
  const a = last === undefined ? undefined : Buffer.from(last);
  const b = Buffer.from(next);
  const decoded: [number, number][] = [];
  const edit = a && editOf(last!, next);
  const version: NextVersion = {
    lastLength: a?.length,
    length: b.length,
    commonPrefix: () => edit!.prefix,
    isSame: (prefix) => prefix === a!.length && a!.length === b.length,
    commonSuffix: (most) => Math.min(most, edit!.suffix),
    text: (from, to) => (decoded.push([from, to]), b.subarray(from, to).toString('utf8')),
    wholeText: () => (decoded.push([0, b.length]), next),
  };
  return { version, decoded };
}

describe('catalog intake: a new version against the last one read', () => {
  test('the same bytes: unchanged, nothing decoded, the last version kept', () => {
    const intake = new CatalogIntake();
    intake.readVersion(uri, versionOf(undefined, base).version);
    const { version, decoded } = versionOf(base, base);
    assert.deepEqual(intake.readVersion(uri, version), { reading: { kind: 'unchanged' }, keep: 'last' });
    assert.deepEqual(decoded, []);
  });

  test('an edit: only the stretch of the edited entry is decoded and read; the version is kept from the shared start and end', () => {
    const intake = new CatalogIntake();
    intake.readVersion(uri, versionOf(undefined, base).version);
    const after = base.replace('Dense Attention', 'Denser Attention');
    const { version, decoded } = versionOf(base, after);
    const { reading, keep } = intake.readVersion(uri, version);
    assert.equal(reading.kind, 'delta');
    assert.deepEqual(reading.kind === 'delta' && reading.delta.papers.map((p) => [p.key, p.title]), [['roe2021', 'Denser Attention']]);
    const { prefix, suffix } = editOf(base, after);
    assert.deepEqual(keep, { prefix, suffix });
    assert.equal(decoded.length, 1);
    assert.ok(decoded[0][1] - decoded[0][0] < 80, `decoded ${decoded[0]}`);
  });

  test('forced (the taking side could not apply a stretch), or the first version: read whole', () => {
    const intake = new CatalogIntake();
    const first = intake.readVersion(uri, versionOf(undefined, base).version);
    assert.deepEqual([first.reading.kind, first.keep], ['full', 'whole']);
    const after = base.replace('Dense Attention', 'Denser Attention');
    const forced = intake.readVersion(uri, versionOf(base, after).version, true);
    assert.deepEqual([forced.reading.kind, forced.keep], ['full', 'whole']);
    assert.deepEqual(forced.reading.kind === 'full' && forced.reading.result.papers.map((p) => p.title), ['Sparse Attention', 'Denser Attention', 'The Raven, Revisited']);
  });

  test('an edit after a broken read is read whole', () => {
    const intake = new CatalogIntake();
    const broken = base.replace('year = 2021,\n}', 'year = 2021,\n');
    intake.readVersion(uri, versionOf(undefined, broken).version);
    const { reading, keep } = intake.readVersion(uri, versionOf(broken, base).version);
    assert.deepEqual([reading.kind, keep], ['full', 'whole']);
  });
});

describe('catalog intake: an edit reads only its stretch', () => {
  test("a title edited: that paper alone, the ones after it moved as a whole read puts them", () => {
    const after = base.replace('title = {Dense Attention},', 'title = {Dense\n  Attention},');
    const { delta, papers } = readEdit(after);
    assert.deepEqual(delta && { from: delta.from, to: delta.to, keys: delta.papers.map((p) => p.key), lineShift: delta.lineShift }, { from: 1, to: 2, keys: ['roe2021'], lineShift: 1 });
    assert.deepEqual(papers, wholeRead(after));
    assert.deepEqual(papers, ['doe2020 Sparse Attention @2', 'roe2021 Dense Attention @8', 'poe2022 The Raven, Revisited @14']);
  });

  test('an entry added between two others, with a macro from the head of the file', () => {
    const after = base.replace('@misc{poe2022', '@article{new2023, title = {Newer}, journal = jml}\n\n@misc{poe2022');
    const { delta, papers, model } = readEdit(after);
    // The new text starts where poe2022's `@` was: the stretch runs through poe2022 too.
    assert.deepEqual(delta?.papers.map((p) => p.key), ['new2023', 'poe2022']);
    assert.equal(model.paper('new2023')?.venue, 'Journal of Machine Learning');
    assert.deepEqual(papers, wholeRead(after));
  });

  test('an edit the stretch cannot take is read whole: a @string, a duplicate key, the first entry', () => {
    for (const after of [
      base.replace('@misc{poe2022', '@string{x = {y}}\n@misc{poe2022'),
      base.replace('@misc{poe2022', '@misc{doe2020, title = {Again}}\n\n@misc{poe2022'),
      base.replace('Sparse Attention', 'Sparse Attention Again'),
    ]) {
      const { delta, papers } = readEdit(after);
      assert.equal(delta, undefined, after);
      assert.deepEqual(papers, wholeRead(after));
    }
  });

  test('a duplicate key made by an edit: every entry kept and the duplicate a diagnostic on its key', () => {
    const after = base.replace('@misc{poe2022', '@misc{doe2020, title = {Again}}\n\n@misc{poe2022');
    const { model } = readEdit(after);
    assert.deepEqual(model.catalog(uri)!.papers.map((p) => p.key), ['doe2020', 'roe2021', 'doe2020', 'poe2022']);
    assert.deepEqual(
      catalogDiagnostics(model, uri, parseSettings({})).map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [['catalog.duplicate-key', 13, 6]],
    );
  });

  test('after a broken read nothing is read as a stretch until a clean whole read', () => {
    const intake = new CatalogIntake();
    const broken = base.replace('year = 2021,\n}', 'year = 2021,\n');
    assert.ok(intake.readWhole(uri, broken).result.problems.length > 0);
    assert.equal(intake.canReadEdits(uri), false);
    assert.equal(intake.readEdit(uri, editOf(broken, base)), undefined);
    intake.readWhole(uri, base);
    assert.equal(intake.canReadEdits(uri), true);
  });

  test('utf8Length is the UTF-8 encoder\'s length, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => utf8Length(text) === Buffer.byteLength(text, 'utf8')), { numRuns: 2000 });
    assert.equal(utf8Length('Müller 😀 \ud800x'), Buffer.byteLength('Müller 😀 \ud800x'));
  });
});

/** A reading taken in by `intake` (the main thread's), its update applied to the model, as the feeder does. */
function applyReading(intake: CatalogIntake, model: WorkspaceModel, reading: CatalogReading | { kind: 'error'; message: string }) {
  const taken = intake.take(uri, reading);
  model.applyIntakeOutcome(uri, taken);
  return taken;
}

describe('catalog intake: what a reading does to the model', () => {
  test('a whole read, then an edited stretch: updated, with what was read for the log', () => {
    const intake = new CatalogIntake();
    const taking = new CatalogIntake();
    const model = new WorkspaceModel();
    const first = applyReading(taking, model, intake.readWhole(uri, base));
    assert.equal(first.kind === 'updated' && first.what, 'read 3 entries (0 problems)');
    model.finishWork();
    const after = base.replace('Dense Attention', 'Denser Attention');
    const second = applyReading(taking, model, { kind: 'delta', delta: intake.readEdit(uri, editOf(base, after))! });
    assert.equal(second.kind === 'updated' && second.what, 'read 1 edited entries again');
    model.finishWork();
    assert.equal(model.paper('roe2021')?.title, 'Denser Attention');
  });

  test('a stretch the model cannot take (its last read was broken) asks for a whole read; the last good papers stay', () => {
    const intake = new CatalogIntake();
    const taking = new CatalogIntake();
    const model = new WorkspaceModel();
    applyReading(taking, model, intake.readWhole(uri, base));
    model.finishWork();
    const broken = base.replace('year = 2021,\n}', 'year = 2021,\n');
    applyReading(taking, model, new CatalogIntake().readWhole(uri, broken));
    model.finishWork();
    const delta = intake.readEdit(uri, editOf(base, base.replace('Dense Attention', 'Denser Attention')))!;
    assert.deepEqual(applyReading(taking, model, { kind: 'delta', delta }), { kind: 'readWhole' });
    assert.deepEqual(model.catalog(uri)!.papers.map((p) => p.key).sort(), ['doe2020', 'poe2022', 'roe2021']);
  });

  test('a failed read: the provisional papers leave completion, the message is for the log', () => {
    const model = new WorkspaceModel();
    model.addProvisionalPapers(uri, new CatalogIntake().readWhole(uri, base).result.papers);
    assert.deepEqual(model.search('sparse', 10).map((h) => h.key), ['doe2020']);
    assert.deepEqual(applyReading(new CatalogIntake(), model, { kind: 'error', message: 'the catalog worker failed' }), { kind: 'failed', message: 'the catalog worker failed' });
    assert.deepEqual(model.search('sparse', 10), []);
  });

  test('the last-good rule where the worker reads: a broken reading keeps what went missing (one notice), a clean one drops it', () => {
    const reader = new CatalogIntake();
    const taking = new CatalogIntake();
    const model = new WorkspaceModel();
    applyReading(taking, model, reader.readWhole(uri, base));
    const halfWritten = base.slice(0, base.indexOf('@misc{poe2022')) + '@misc{poe2022,\n  title = {The Ra';
    const broken = applyReading(taking, model, reader.readWhole(uri, halfWritten));
    assert.equal(broken.kind === 'updated' && broken.update.notice, 'Catalog has parse errors: keeping 1 entries of the last good version until it reads cleanly (poe2022).');
    model.finishWork();
    assert.equal(model.paper('poe2022')?.title, 'The Raven, Revisited');
    const again = applyReading(taking, model, reader.readWhole(uri, halfWritten + 'v'));
    assert.equal(again.kind === 'updated' && again.update.notice, undefined);
    applyReading(taking, model, reader.readWhole(uri, base.slice(0, base.indexOf('@misc{poe2022'))));
    model.finishWork();
    assert.equal(model.paper('poe2022'), undefined);
    assert.deepEqual(model.catalog(uri)!.kept, []);
  });

  test('a file removed: its papers leave the model, and a later reading of it starts afresh', () => {
    const reader = new CatalogIntake();
    const taking = new CatalogIntake();
    const model = new WorkspaceModel();
    applyReading(taking, model, reader.readWhole(uri, base));
    model.finishWork();
    model.applyCatalogUpdate(taking.remove(uri)!);
    model.finishWork();
    assert.deepEqual([model.isCatalog(uri), model.paperCount, taking.has(uri), taking.remove(uri)], [false, 0, false, undefined]);
    // Nothing of the last good version comes back with a broken reading.
    applyReading(taking, model, reader.readWhole(uri, '@misc{lone, title = {Lone}}\n@misc{cut, title = {Cu'));
    model.finishWork();
    assert.deepEqual(model.keys(), ['lone']);
  });

  test('keys that came or went, not those edited', () => {
    const paper = (key: string) => ({ key });
    assert.deepEqual(keysComeOrGone({ before: [paper('a'), paper('b')], after: [paper('b'), paper('c')] } as never), ['a', 'c']);
  });
});

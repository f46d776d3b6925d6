import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DiskFile, FileVersion } from '../../server/src/node/fileVersion';

/** A 4.2 MB file (checksums are kept from 4 MB on) with a little variety, and the same bytes edited. */
const SIZE = 4_200_000;
const base = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) base[i] = 97 + ((i * 7919) % 26);

const editFields = {
  at: fc.integer({ min: 0, max: SIZE - 1 }),
  removed: fc.integer({ min: 0, max: 40_000 }),
  inserted: fc.string({ maxLength: 40_000 }),
};
const edit = fc.record(editFields);

function edited(e: { at: number; removed: number; inserted: string }): Buffer {
  return Buffer.concat([base.subarray(0, e.at), Buffer.from(e.inserted), base.subarray(Math.min(SIZE, e.at + e.removed))]);
}

function settled(bytes: Buffer): FileVersion {
  const version = new FileVersion(bytes);
  version.settle();
  assert.ok(version.settled, 'a 4.2 MB file keeps checksums');
  return version;
}

describe('FileVersion: the last version of a file as checksums', () => {
  const exact = new FileVersion(base);
  const summed = settled(Buffer.from(base));

  test('the same bytes are equal; a change of one byte anywhere is not (even in the last, partial block)', () => {
    assert.ok(summed.equals(Buffer.from(base)));
    for (const at of [0, 16_383, 16_384, SIZE / 2, SIZE - 17_000, SIZE - 1]) {
      const next = Buffer.from(base);
      next[at] = 0x40;
      assert.equal(summed.equals(next), false, `byte ${at}`);
    }
  });

  test('the common prefix and suffix found from checksums are the exact ones, rounded down to a block', () => {
    fc.assert(
      fc.property(edit, (e) => {
        const next = edited(e);
        const prefix = exact.commonPrefix(next);
        const foundPrefix = summed.commonPrefix(next);
        assert.ok(foundPrefix <= prefix && prefix - foundPrefix < 16_384, `prefix ${foundPrefix} for ${prefix}`);
        const max = Math.min(SIZE, next.length) - foundPrefix;
        const suffix = exact.commonSuffix(next, max);
        const foundSuffix = summed.commonSuffix(next, max);
        assert.ok(foundSuffix <= suffix && suffix - foundSuffix < 16_384, `suffix ${foundSuffix} for ${suffix}`);
        assert.equal(summed.equals(next), next.equals(base));
      }),
      { numRuns: 60 },
    );
  });

  test('a small file keeps its bytes: its changes are found to the byte', () => {
    const small = new FileVersion(Buffer.from('@misc{a,\n  title = {A},\n}\n'));
    small.settle();
    assert.equal(small.settled, false);
    assert.equal(small.commonPrefix(Buffer.from('@misc{a,\n  title = {B},\n}\n')), 20);
  });
});

describe('FileVersion: the next version read from disk against checksums', () => {
  const dir = mkdtempSync(join(tmpdir(), 'litnotes-version-'));
  after(() => rmSync(dir, { recursive: true }));
  let files = 0;
  const onDisk = (bytes: Buffer): DiskFile => {
    const path = join(dir, `v${files++}.bib`);
    writeFileSync(path, bytes);
    return DiskFile.open(path);
  };
  /** The version after `summed`, as CatalogFiles makes it from a file, and settled. */
  const versionFromDisk = (summed: FileVersion, file: DiskFile): FileVersion => {
    const prefix = summed.commonPrefix(file);
    const version = FileVersion.after(summed, file, prefix, summed.commonSuffix(file, Math.min(summed.length, file.length) - prefix));
    file.close();
    version.settle();
    return version;
  };

  test('its checksums, half kept from the last version and half read from the file, find what the next edit changed as a whole read would', () => {
    fc.assert(
      // The first edit keeps the file past 4 MiB, so the version made in memory keeps checksums too.
      fc.property(fc.record({ ...editFields, removed: fc.integer({ min: 0, max: 5000 }) }), edit, (first, second) => {
        const next = edited(first);
        const fromDisk = versionFromDisk(settled(Buffer.from(base)), onDisk(next));
        const fromMemory = settled(next);
        const nextAgain = Buffer.concat([next.subarray(0, Math.min(second.at, next.length)), Buffer.from(second.inserted), next.subarray(Math.min(next.length, second.at + second.removed))]);
        const prefix = fromMemory.commonPrefix(nextAgain);
        assert.equal(fromDisk.commonPrefix(nextAgain), prefix);
        assert.equal(fromDisk.commonSuffix(nextAgain, Math.min(next.length, nextAgain.length) - prefix), fromMemory.commonSuffix(nextAgain, Math.min(next.length, nextAgain.length) - prefix));
        assert.ok(fromDisk.equals(Buffer.from(next)));
        assert.equal(fromDisk.equals(nextAgain), nextAgain.equals(next));
      }),
      { numRuns: 25 },
    );
  });

  test('a file written again before its checksums were made: the next read is not told it is unchanged', () => {
    const file = onDisk(edited({ at: 100_000, removed: 0, inserted: 'zqx' }));
    const prefix = settled(Buffer.from(base)).commonPrefix(file);
    const summed = settled(Buffer.from(base));
    const version = FileVersion.after(summed, file, prefix, summed.commonSuffix(file, SIZE - prefix));
    file.close();
    // Another edit of the same size lands before `settle` (Zotero writing again): the version read
    // is not what is on disk, so its checksums must not be those of the file.
    const again = edited({ at: 2_000_000, removed: 0, inserted: 'zqy' });
    writeFileSync(file.path, again);
    utimesSync(file.path, new Date(), new Date(Date.now() + 5000));
    version.settle();
    assert.equal(version.equals(again), false);
    assert.equal(version.commonPrefix(again), 0);
  });
});


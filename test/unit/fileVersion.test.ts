import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FileVersion } from '../../server/src/node/fileVersion';

/** A 4.2 MB file (checksums are kept from 4 MB on) with a little variety, and the same bytes edited. */
const SIZE = 4_200_000;
const base = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) base[i] = 97 + ((i * 7919) % 26);

const edit = fc.record({
  at: fc.integer({ min: 0, max: SIZE - 1 }),
  removed: fc.integer({ min: 0, max: 40_000 }),
  inserted: fc.string({ maxLength: 40_000 }),
});

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

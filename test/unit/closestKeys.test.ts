import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundedDistance, closestKeys, maxEdits } from '../../server/src/search/closestKeys';

const demoKeys = ['SeerAttention', 'AnchorAttention', 'MoA', 'sparseAttentionSurvey', 'Feat2GS', 'R-Sparse', 'SparseGS-W', 'SaRA'];

describe('closestKeys', () => {
  test('a missing letter: SeerAtention → SeerAttention first', () => {
    assert.deepEqual(closestKeys('SeerAtention', demoKeys, 3), ['SeerAttention']);
  });

  test('swapped neighbours count as one edit (Damerau)', () => {
    assert.equal(boundedDistance('seerattnetion', 'seerattention', 3), 1);
    assert.deepEqual(closestKeys('SeerAttnetion', demoKeys, 1), ['SeerAttention']);
  });

  test('case is ignored; a key differing only in case comes first', () => {
    assert.deepEqual(closestKeys('seerattention', [...demoKeys, 'SeerAttentio'], 2), ['SeerAttention', 'SeerAttentio']);
    assert.deepEqual(closestKeys('feat2gs', demoKeys, 5), ['Feat2GS']);
  });

  test('closest first, ties by key, at most `limit`', () => {
    const keys = ['smith2020b', 'smith2020a', 'smith2021a', 'smyth2020a', 'jones2020a'];
    assert.deepEqual(closestKeys('smith2020', keys, 10), ['smith2020a', 'smith2020b', 'smith2021a', 'smyth2020a']);
    assert.deepEqual(closestKeys('smith2020', keys, 2), ['smith2020a', 'smith2020b']);
  });

  test('keys too far away are not suggested', () => {
    assert.deepEqual(closestKeys('vaswani2017', demoKeys, 5), []);
    assert.deepEqual(closestKeys('MoA', ['MoE', 'LoRA', 'Mamba'], 5), ['MoE']);
  });

  test('the unknown key itself, an empty key or a zero limit give nothing', () => {
    assert.deepEqual(closestKeys('MoA', ['MoA'], 5), []);
    assert.deepEqual(closestKeys('', demoKeys, 5), []);
    assert.deepEqual(closestKeys('SeerAtention', demoKeys, 0), []);
  });

  test('edits allowed grow with the key length, from 1 to 3', () => {
    assert.deepEqual(['MoA', 'SaRA1234', 'SeerAtention', 'sparseAttentionSurvey'].map(maxEdits), [1, 2, 3, 3]);
  });

  test('boundedDistance agrees with the full distance within the bound', () => {
    assert.equal(boundedDistance('kitten', 'sitting', 3), 3);
    assert.equal(boundedDistance('kitten', 'sitting', 2), 3, 'over the bound: bound + 1');
    assert.equal(boundedDistance('ca', 'abc', 3), 3, 'optimal string alignment: no edit of a swapped pair');
    assert.equal(boundedDistance('abc', 'abc', 0), 0);
    assert.equal(boundedDistance('ABC', 'abd', 1), 1);
  });

  test('the result does not depend on the order of the keys', () => {
    const keys = ['smith2020b', 'smith2020a', 'smith2021a', 'smyth2020a'];
    assert.deepEqual(closestKeys('smith2020', [...keys].reverse(), 10), closestKeys('smith2020', keys, 10));
  });

  test('100,000 similar keys: the one-edit key comes first (speed is in the benchmark)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `author${i.toString(36).padStart(4, '0')}zz`);
    const found = closestKeys('author00a0z', keys, 3);
    assert.equal(found[0], 'author00a0zz');
    assert.equal(found.length, 3);
  });
});

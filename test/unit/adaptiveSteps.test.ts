import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveSteps } from '../../server/src/service/adaptiveSteps';

/** Runs the steps on a clock that each item moves forward by `costOf(item)` ms; returns the step sizes. */
function stepSizes(count: number, costOf: (item: number) => number, options: { targetMs?: number; max?: number } = {}) {
  let clock = 0;
  const seen: number[] = [];
  const sizes: number[] = [];
  const items = Array.from({ length: count }, (_, i) => i);
  for (const _ of adaptiveSteps(items, (step) => {
    sizes.push(step.length);
    for (const item of step) { clock += costOf(item); seen.push(item); }
  }, { ...options, now: () => clock })) { /* one step per turn */ }
  assert.deepEqual(seen, items, 'every item once, in order');
  return sizes;
}

test('cheap items: steps start at four and at most double, up to the cap of 64', () => {
  assert.deepEqual(stepSizes(2000, () => 0.001), [4, 8, 16, 32, ...Array(30).fill(64), 20]);
});

test('each step is sized from what the last one cost per item, so a step stays near the target', () => {
  // 0.125 ms an item: 2 ms hold 16 items.
  assert.deepEqual(stepSizes(100, () => 0.125), [4, 8, 16, 16, 16, 16, 16, 8]);
});

test('after a slow step (cold code), the next is small; it grows back once items are cheap again', () => {
  const cost = (item: number) => (item < 12 ? 5 : 0.01); // the first 12 items: 5 ms each
  const sizes = stepSizes(400, cost);
  // 4 slow items take 20 ms: one item at a time until the slow ones are through (items 4 to 12).
  assert.deepEqual(sizes, [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64, 64, 64, 64, 64, 5]);
});

test('no step is empty and none is skipped when an item is slower than the whole target', () => {
  const sizes = stepSizes(5, () => 50);
  assert.deepEqual(sizes, [4, 1]);
});

test('the target and cap can be set', () => {
  assert.deepEqual(stepSizes(100, () => 1, { targetMs: 8, max: 6 }), [4, ...Array(16).fill(6)]);
});

test('nothing to do: no step, no yield', () => {
  assert.deepEqual([...adaptiveSteps([], () => assert.fail('no step'))], []);
});

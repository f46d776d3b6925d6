import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import SearchableMap from 'minisearch/SearchableMap';
import { Vocabulary } from '../../server/src/search/vocabulary';

/** Words over a small alphabet, so prefixes and near misses are common (accents included). */
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'é', 'n'), minLength: 0, maxLength: 9 });

function fuzzy(vocabulary: Vocabulary, query: string, distance: number): [string, number][] {
  const found: [string, number][] = [];
  vocabulary.fuzzy(query, distance, (w, d) => found.push([w, d]));
  return found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function oracleFuzzy(map: SearchableMap<number>, query: string, distance: number): [string, number][] {
  return [...map.fuzzyGet(query, distance)].map(([w, [, d]]): [string, number] => [w, d]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('the short fields\' vocabulary', () => {
  test('prefix and typo lookups find what MiniSearch\'s radix tree finds, with the same distances, through adds, deletes and merges', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), word), { maxLength: 9000 }), fc.array(word, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (operations, queries, distance) => {
        const vocabulary = new Vocabulary();
        const oracle = new SearchableMap<number>();
        for (const [deleting, w] of operations) {
          if (deleting) {
            if (oracle.has(w)) vocabulary.delete(w);
            oracle.delete(w);
          } else if (!oracle.has(w)) {
            vocabulary.add(w);
            oracle.set(w, 1);
          }
        }
        for (const query of queries) {
          assert.deepEqual(fuzzy(vocabulary, query, distance), oracleFuzzy(oracle, query, distance), `fuzzy ${query} ${distance}`);
          assert.deepEqual([...vocabulary.withPrefix(query)].sort(), [...oracle.atPrefix(query).keys()].sort(), `prefix ${query}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a typo lookup in a real-sized vocabulary: the words one or two edits away, nothing else', () => {
    const vocabulary = new Vocabulary();
    const add = (w: string) => vocabulary.add(w);
    for (const w of ['sparse', 'sparsity', 'spares', 'parse', 'sparser', 'spars', 'attention', 'sparse-coding']) add(w);
    for (let i = 0; i < 20000; i++) add(`filler${i}`);
    assert.deepEqual(fuzzy(vocabulary, 'sprase', 2), [['sparse', 2]]);
    assert.deepEqual(fuzzy(vocabulary, 'spasre', 2), [['spares', 2], ['spars', 2], ['sparse', 2]]);
    assert.deepEqual(fuzzy(vocabulary, 'sparse', 1), [['parse', 1], ['spars', 1], ['sparse', 0], ['sparser', 1]]);
    assert.deepEqual([...vocabulary.withPrefix('spar')].sort(), ['spares', 'spars', 'sparse', 'sparse-coding', 'sparser', 'sparsity']);
  });

  test('a word deleted and added again is found once', () => {
    const vocabulary = new Vocabulary();
    for (const w of ['graph', 'graphs', 'grape']) vocabulary.add(w);
    vocabulary.delete('graph');
    assert.deepEqual(fuzzy(vocabulary, 'graph', 1), [['grape', 1], ['graphs', 1]]);
    vocabulary.add('graph');
    assert.deepEqual(fuzzy(vocabulary, 'graph', 1), [['grape', 1], ['graph', 0], ['graphs', 1]]);
    assert.deepEqual([...vocabulary.withPrefix('grap')].sort(), ['grape', 'graph', 'graphs']);
  });

  test('lookups made ahead in steps after a bulk load find the same words; words that come meanwhile are not lost', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => `w${(i * 7919) % 40_000}x`);
    const ahead = new Vocabulary();
    const asked = new Vocabulary();
    for (const w of [...words, 'sparse', 'sparsity', 'spares']) {
      ahead.add(w);
      asked.add(w);
    }
    const steps = [...ahead.prepareSteps()].length;
    assert.ok(steps >= 2, `${steps} steps`);
    for (const query of ['sprase', 'w1234x', 'w99']) assert.deepEqual(fuzzy(ahead, query, 2), fuzzy(asked, query, 2), query);
    assert.deepEqual([...ahead.withPrefix('spar')].sort(), ['spares', 'sparse', 'sparsity']);
    assert.equal([...ahead.prepareSteps()].length, 0, 'made already');

    // Words added half-way, enough to be merged in: the steps give up on what they made, the words are found.
    const preparing = asked.prepareSteps();
    preparing.next();
    preparing.next();
    asked.add('sparser');
    for (let i = 0; i < 5000; i++) asked.add(`v${i}y`);
    for (const _ of preparing) { /* the rest */ }
    const fresh = new Vocabulary();
    for (const w of [...words, 'sparse', 'sparsity', 'spares', 'sparser', ...Array.from({ length: 5000 }, (_, i) => `v${i}y`)]) fresh.add(w);
    for (const query of ['sparse', 'v123y', 'v4999y', 'w1234x', 'w39999x', 'w0x']) assert.deepEqual(fuzzy(asked, query, 1), fuzzy(fresh, query, 1), query);
    assert.deepEqual(fuzzy(asked, 'sparse', 1), [['sparse', 0], ['sparser', 1]]);
  });
});

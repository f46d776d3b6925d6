/**
 * The bench's own arithmetic and sampling: a wrong percentile or a query that is not what it
 * claims would make every figure of the report wrong. `node --import tsx --test test/bench/bench.test.ts`
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Paper } from '../../server/src/catalog/paper';
import { scanFloor, sampleEntries } from './catalogReading';
import { asTyped, prng, recallSample, typingQueries, withTypo } from './queries';
import { percentile } from './stats';
import { formatTable, meets } from './targets';
import { labelCoverage, nmi } from './topicsQuality';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function paper(key: string, title: string, family = 'Doe'): Paper {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { key, type: 'article', title, authors: [{ family }], keywords: [], files: [], source: { uri: 'file:///c.bib', range, keyRange: range } };
}

/** Optimal string alignment distance: a typo is one insertion, deletion, substitution or swap. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('percentile', () => {
  test('nearest rank: p50 of 1..10 is 5, p99 is 10, p10 is 1', () => {
    const samples = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5];
    assert.equal(percentile(samples, 50), 5);
    assert.equal(percentile(samples, 99), 10);
    assert.equal(percentile(samples, 10), 1);
  });

  test('p99 of 300 samples is the third largest', () => {
    const samples = Array.from({ length: 300 }, (_, i) => i + 1);
    assert.equal(percentile(samples, 99), 297);
  });
});

describe('typos', () => {
  test('every typo is exactly one edit away and keeps the first letter', () => {
    const random = prng(9);
    for (const word of ['superconductivity', 'attention', 'muon', 'gaussian', 'abc']) {
      for (let i = 0; i < 200; i++) {
        const typo = withTypo(word, random);
        assert.equal(editDistance(word, typo), 1, `${word} → ${typo}`);
        assert.equal(typo[0], word[0]);
      }
    }
  });
});

describe('recall queries', () => {
  const papers = [
    paper('a', 'Sparse attention for long documents'),
    paper('b', 'Sparse attention in vision transformers'),
    paper('c', 'Muon spin rotation in thin films'),
    paper('d', 'Thin films of niobium'),
    paper('e', 'Attention'),
  ];

  test('title words in title order; one-word titles are left out as ambiguous', () => {
    const sample = recallSample(papers, 5, 5);
    assert.equal(sample.queries.length, 4);
    assert.equal(sample.ambiguous, 1);
    for (const query of sample.queries) {
      const title = papers.find((p) => p.key === query.key)!.title!.toLowerCase();
      const positions = query.words.map((w) => title.indexOf(w));
      assert.ok(positions.every((p) => p >= 0), `${query.text} comes from "${title}"`);
      assert.deepEqual(positions, [...positions].sort((x, y) => x - y));
      assert.ok(query.words.length >= 2);
    }
  });

  test('the same seed gives the same queries; typo queries differ by one edit in one word', () => {
    const one = recallSample(papers, 4, 5);
    assert.deepEqual(recallSample(papers, 4, 5), one);
    one.typoQueries.forEach((typo, i) => {
      const words = one.queries[i].words;
      const changed = typo.words.filter((w, j) => w !== words[j]);
      assert.equal(changed.length, 1);
    });
  });

  test('more words are added until at most 5 titles hold them all', () => {
    const many = [
      ...Array.from({ length: 8 }, (_, i) => paper(`dl${i}`, `Deep learning for topic ${['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta'][i]}`)),
    ];
    for (const query of recallSample(many, 8, 3).queries) {
      const holding = many.filter((p) => query.words.every((w) => p.title!.toLowerCase().split(' ').includes(w)));
      assert.ok(holding.length <= 5, `${query.text} matches ${holding.length} titles`);
      assert.ok(holding.some((p) => p.key === query.key));
    }
  });

  test('completion queries join words with "-": a space would end the citation', () => {
    assert.equal(asTyped(['sparse', 'attention']), 'sparse-attention');
    for (const query of typingQueries(papers, 12, 1)) assert.doesNotMatch(query.text, /\s/);
  });
});

describe('scan floor and samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'litnotes-bench-'));
  const path = join(dir, 'c.bib');
  writeFileSync(path, '@string{v1 = {Journal}}\n\n@article{a,\n  title = {A},\n  journal = v1,\n}\n\n@misc{b,\n  title = {B},\n}\n\n@book{c,\n  title = {C},\n  year = 2020,\n}\n');

  test('the floor counts entry starts (with @string) and fields', () => {
    const floor = scanFloor(path);
    assert.equal(floor.entries, 4);
    assert.equal(floor.fields, 5);
  });

  test('a sample is the header and the first entries, cut before the next entry', () => {
    const sample = sampleEntries(path, 2);
    assert.equal(sample.entries, 2);
    assert.equal(sample.text, '@string{v1 = {Journal}}\n\n@article{a,\n  title = {A},\n  journal = v1,\n}\n\n@misc{b,\n  title = {B},\n}\n\n');
  });
});

describe('targets', () => {
  test('≤ and ≥ limits, and a missing figure fails its target', () => {
    assert.equal(meets({ label: 'p99', value: 15, unit: 'ms', target: { op: '≤', limit: 15 } }), true);
    assert.equal(meets({ label: 'p99', value: 15.1, unit: 'ms', target: { op: '≤', limit: 15 } }), false);
    assert.equal(meets({ label: 'recall', value: 0.98, unit: '%', target: { op: '≥', limit: 0.99 } }), false);
    assert.equal(meets({ label: 'x', value: NaN, unit: 'ms', target: { op: '≤', limit: 1 } }), false);
    assert.equal(meets({ label: 'entries', value: 10, unit: '' }), undefined);
  });

  test('the table shows figure (right-aligned), target and verdict side by side', () => {
    const table = formatTable('T', [
      { label: 'hover p99', value: 0.42, unit: 'ms', target: { op: '≤', limit: 1 } },
      { label: 'recall', value: 0.985, unit: '%', target: { op: '≥', limit: 0.99 }, note: '985/1000' },
    ]);
    assert.equal(table, ['T', '-'.repeat(41), 'hover p99  0.42 ms  ≤ 1 ms    ✓', 'recall      98.5 %  ≥ 99.0 %  ✗  985/1000'].join('\n'));
  });
});

describe('topic scores', () => {
  test('NMI: the same partition under other names is 1, an independent one 0', () => {
    assert.equal(nmi(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y']), 1);
    assert.equal(nmi(['a', 'b', 'a', 'b'], ['x', 'x', 'y', 'y']), 0);
  });

  test('label coverage: the share of a topic’s papers that say every word of its label, plurals and case aside', () => {
    const [speech, graphs] = labelCoverage([
      {
        label: 'Speech',
        texts: ['Causal discovery from interventions', 'Fair classifiers', 'Pruning speech models', 'Knowledge graph completion'],
      },
      { label: 'Graph Neural Networks', texts: ['A graph neural network for molecules', 'Graph Neural Networks are expressive', 'Graph kernels'] },
    ]);
    assert.deepEqual(speech, { label: 'Speech', size: 4, share: 0.25 });
    assert.deepEqual(graphs, { label: 'Graph Neural Networks', size: 3, share: 2 / 3 });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PaperSort, TopicSource } from '../../common/protocol';
import type { Paper } from '../../server/src/catalog/paper';
import { listTopics, papersOfTopic, type TopicTreeInput } from '../../server/src/search/topicTree';
import type { DerivedTopics } from '../../server/src/search/topics';

const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
function paper(key: string, fields: Partial<Paper> = {}): Paper {
  return { key, type: 'article', authors: [], keywords: [], files: [], source: { uri: 'file:///a.bib', range: r, keyRange: r }, ...fields };
}

const papers: Paper[] = [
  paper('zeta', { title: 'Zeta Functions', year: '2019', keywords: ['Pruning', 'sparsity'] }),
  paper('alpha', { title: 'Ádvanced Pruning', year: '2021', keywords: ['pruning '] }),
  paper('beta', { title: 'beta Pruning', year: '2021', keywords: ['Pruning'] }),
  paper('gamma', { title: 'Gaussian Splatting', date: '2023-05' }),
  paper('delta', { title: 'Dense Matching' }),
  paper('untitled', { year: '2024' }),
];

const derived: DerivedTopics = {
  topics: [
    { id: 'gaussian-splatt', label: 'Gaussian Splatting', keys: ['gamma', 'zeta'] },
    { id: 'prun', label: 'Pruning', keys: ['alpha', 'beta', 'gamma'] },
    { id: 'other', label: 'Other', keys: ['delta', 'untitled'] },
  ],
};

const cited: Record<string, number> = { alpha: 1, beta: 3, zeta: 3 };

function input(source: TopicSource, filterKeys?: string[]): TopicTreeInput {
  return { papers, derived, source, filterKeys: filterKeys && new Set(filterKeys), citationCount: (key) => cited[key] ?? 0 };
}

const keysOf = (source: TopicSource, topicId: string, sort: PaperSort = 'title', filter?: string[]) =>
  papersOfTopic(input(source, filter), topicId, sort).map((p) => p.key);

describe('listTopics', () => {
  test('catalog: keywords merged case-insensitively, labelled by the most common spelling; "No topic" last', () => {
    assert.deepEqual(listTopics(input('catalog')), [
      { id: 'kw:pruning', label: 'Pruning', count: 3, source: 'catalog' },
      { id: 'kw:sparsity', label: 'sparsity', count: 1, source: 'catalog' },
      { id: 'none', label: 'No topic', count: 3, source: 'none' },
    ]);
  });

  test('derived: only derived topics, for every paper, "Other" last', () => {
    assert.deepEqual(listTopics(input('derived')), [
      { id: 'derived:gaussian-splatt', label: 'Gaussian Splatting', count: 2, source: 'derived' },
      { id: 'derived:prun', label: 'Pruning', count: 3, source: 'derived' },
      { id: 'derived:other', label: 'Other', count: 2, source: 'derived' },
    ]);
  });

  test('both: keywords where the catalog has them, derived topics for the rest', () => {
    assert.deepEqual(listTopics(input('both')), [
      // gamma only: zeta has keywords, so its derived topic does not apply.
      { id: 'derived:gaussian-splatt', label: 'Gaussian Splatting', count: 1, source: 'derived' },
      { id: 'derived:prun', label: 'Pruning', count: 1, source: 'derived' },
      { id: 'kw:pruning', label: 'Pruning', count: 3, source: 'catalog' },
      { id: 'kw:sparsity', label: 'sparsity', count: 1, source: 'catalog' },
      { id: 'derived:other', label: 'Other', count: 2, source: 'derived' },
    ]);
  });

  test('the filter counts only matching papers and drops empty topics', () => {
    assert.deepEqual(listTopics(input('catalog', ['zeta', 'delta'])), [
      { id: 'kw:pruning', label: 'Pruning', count: 1, source: 'catalog' },
      { id: 'kw:sparsity', label: 'sparsity', count: 1, source: 'catalog' },
      { id: 'none', label: 'No topic', count: 1, source: 'none' },
    ]);
    assert.deepEqual(listTopics(input('derived', [])), []);
  });

  test('a paper the derived topics do not know yet goes to "Other"', () => {
    const newer = { ...input('derived'), papers: [...papers, paper('fresh', { title: 'Fresh' })] };
    assert.equal(listTopics(newer).find((t) => t.id === 'derived:other')?.count, 3);
  });
});

describe('papersOfTopic', () => {
  test('a paper with two keywords is under both', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning'), ['alpha', 'beta', 'zeta']);
    assert.deepEqual(keysOf('catalog', 'kw:sparsity'), ['zeta']);
    assert.deepEqual(keysOf('derived', 'derived:gaussian-splatt'), ['gamma', 'zeta']);
  });

  test('by title: case- and accent-insensitive, missing titles last', () => {
    assert.deepEqual(keysOf('catalog', 'none'), ['delta', 'gamma', 'untitled']);
    // "Ádvanced" sorts as "advanced", "beta" before "Zeta" whatever the case.
    assert.deepEqual(keysOf('derived', 'derived:prun'), ['alpha', 'beta', 'gamma']);
  });

  test('by year: newest first, missing years last, ties by title', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning', 'year'), ['alpha', 'beta', 'zeta']);
    assert.deepEqual(keysOf('catalog', 'none', 'year'), ['untitled', 'gamma', 'delta']);
  });

  test('by citations: most cited first, ties by title', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning', 'cited'), ['beta', 'zeta', 'alpha']);
    assert.deepEqual(keysOf('derived', 'derived:other', 'cited'), ['delta', 'untitled']);
  });

  test('the filter applies to a topic\'s papers', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning', 'title', ['zeta', 'beta']), ['beta', 'zeta']);
  });

  test('an unknown topic, or one from another source, has no papers', () => {
    assert.deepEqual(keysOf('catalog', 'kw:nothing'), []);
    assert.deepEqual(keysOf('catalog', 'derived:prun'), []);
    assert.deepEqual(keysOf('derived', 'kw:pruning'), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PaperSort, TopicSource } from '../../common/protocol';
import type { Paper } from '../../server/src/catalog/paper';
import { TopicIndex } from '../../server/src/search/topicIndex';
import type { TopicResult } from '../../server/src/search/topicResult';
import { groupTopics, listTopics, papersOfTopic, topicPathOf, type TopicTreeInput } from '../../server/src/search/topicTree';

const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
function paper(key: string, fields: Partial<Paper> = {}): Paper {
  return { key, type: 'article', authors: [], keywords: [], files: [], source: { uri: 'file:///a.bib', range: r, keyRange: r }, ...fields };
}

const papers: Paper[] = [
  paper('zeta', { title: 'Zeta Functions', year: '2019', keywords: ['Pruning', 'sparsity'] }),
  paper('alpha', { title: 'Ádvanced Pruning', year: '2021', keywords: ['pruning '] }),
  paper('beta', { title: 'beta Pruning', year: '2021', keywords: ['Pruning'] }),
  paper('gamma', { title: 'Gaussian Splatting', date: '2023-05' }),
  paper('eta', { title: 'Sparse-View Splatting' }),
  paper('theta', { title: 'Dynamic Splatting' }),
  paper('delta', { title: 'Dense Matching' }),
  paper('untitled', { year: '2024' }),
];

/**
 * What the model gives: "Gaussian Splatting" opens into two subtopics, "Pruning" lists papers, the
 * model's display order puts Pruning first; "Other" last.
 */
const result: TopicResult = {
  topics: [
    { id: 'prun', label: 'Pruning', terms: ['pruning', 'sparsity'], size: 3 },
    { id: 'gs', label: 'Gaussian Splatting', terms: ['gaussian', 'splatting', '3dgs'], size: 4 },
    { id: 'gs-dyn', label: 'Dynamic Scenes', terms: ['dynamic'], parentId: 'gs', size: 2 },
    { id: 'gs-sparse', label: 'Sparse Views', terms: ['sparse view'], parentId: 'gs', size: 2 },
    { id: 'other', label: 'Other', terms: [], size: 1 },
  ],
  placements: [
    { key: 'alpha', topic: 'prun', related: ['beta'] },
    { key: 'beta', topic: 'prun', related: [] },
    { key: 'delta', topic: 'other', related: [] },
    { key: 'eta', topic: 'gs-sparse', also: 'prun', related: [] },
    { key: 'gamma', topic: 'gs-dyn', related: [] },
    { key: 'theta', topic: 'gs-dyn', related: [] },
    { key: 'untitled', topic: 'other', related: [] },
    { key: 'zeta', topic: 'gs-sparse', related: [] },
  ],
};
const index = TopicIndex.fromResult(result);

const cited: Record<string, number> = { alpha: 1, beta: 3, zeta: 3 };

function input(source: TopicSource, options: { filter?: string[]; topics?: TopicIndex; computing?: boolean; papers?: Paper[] } = {}): TopicTreeInput {
  return {
    papers: options.papers ?? papers,
    topics: 'topics' in options ? options.topics : index,
    computing: options.computing ?? false,
    source,
    filterKeys: options.filter && new Set(options.filter),
    citationCount: (key) => cited[key] ?? 0,
  };
}

const topicsOf = (source: TopicSource, parentId?: string, options: Parameters<typeof input>[1] = {}) =>
  listTopics(groupTopics(input(source, options)), parentId).map((t) => `${t.label} ${t.count}${t.subtopics ? ` ▸${t.subtopics}` : ''}`);
const keysOf = (source: TopicSource, topicId: string, sort: PaperSort = 'title', filter?: string[]) =>
  papersOfTopic(groupTopics(input(source, { filter })), topicId, sort).map((p) => p.key);

describe('listTopics', () => {
  test('catalog: keywords merged case-insensitively, labelled by the most common spelling; "No topic" last', () => {
    assert.deepEqual(listTopics(groupTopics(input('catalog'))), [
      { id: 'kw:pruning', label: 'Pruning', count: 3, source: 'catalog' },
      { id: 'kw:sparsity', label: 'sparsity', count: 1, source: 'catalog' },
      { id: 'none', label: 'No topic', count: 5, source: 'none' },
    ]);
  });

  test('derived: the model\'s top-level topics in its order with their terms and subtopics, "Other" last', () => {
    assert.deepEqual(listTopics(groupTopics(input('derived'))), [
      { id: 'derived:prun', label: 'Pruning', count: 2, source: 'derived', terms: ['pruning', 'sparsity'] },
      { id: 'derived:gs', label: 'Gaussian Splatting', count: 4, source: 'derived', terms: ['gaussian', 'splatting', '3dgs'], subtopics: 2 },
      { id: 'derived:other', label: 'Other', count: 2, source: 'derived', terms: [] },
    ]);
  });

  test('derived: every paper once at the top level, however deep its topic', () => {
    const top = listTopics(groupTopics(input('derived')));
    const listed = top.flatMap((t) => keysOf('derived', t.id));
    assert.deepEqual([...listed].sort(), papers.map((p) => p.key).sort());
  });

  test('a topic\'s subtopics, with their counts', () => {
    assert.deepEqual(topicsOf('derived', 'derived:gs'), ['Dynamic Scenes 2', 'Sparse Views 2']);
    assert.deepEqual(topicsOf('derived', 'derived:prun'), []);
    assert.deepEqual(topicsOf('derived', 'derived:nothing'), []);
  });

  test('both: keywords where the catalog has them, the model\'s topics for the rest', () => {
    // zeta has keywords: its model topic does not apply, and "Sparse Views" keeps one paper.
    assert.deepEqual(topicsOf('both'), ['Pruning 3', 'sparsity 1', 'Gaussian Splatting 3 ▸2', 'Other 2']);
    assert.deepEqual(topicsOf('both', 'derived:gs'), ['Dynamic Scenes 2', 'Sparse Views 1']);
  });

  test('the filter counts only matching papers and drops empty topics and subtopics', () => {
    assert.deepEqual(topicsOf('catalog', undefined, { filter: ['zeta', 'delta'] }), ['Pruning 1', 'sparsity 1', 'No topic 1']);
    // Only the sparse-view papers: Gaussian Splatting keeps one subtopic.
    assert.deepEqual(topicsOf('derived', undefined, { filter: ['eta', 'zeta'] }), ['Gaussian Splatting 2 ▸1']);
    assert.deepEqual(topicsOf('derived', 'derived:gs', { filter: ['eta', 'zeta'] }), ['Sparse Views 2']);
    assert.deepEqual(topicsOf('derived', undefined, { filter: [] }), []);
  });

  test('while the model computes, papers it has not placed are under "Indexing topics…"; the others stay where they were', () => {
    const fresh = [...papers, paper('fresh', { title: 'Fresh' })];
    assert.deepEqual(topicsOf('derived', undefined, { papers: fresh, computing: true }), ['Pruning 2', 'Gaussian Splatting 4 ▸2', 'Other 2', 'Indexing topics… 1']);
    assert.deepEqual(topicsOf('derived', undefined, { topics: undefined, computing: true }), ['Indexing topics… 8']);
    // Keyword topics need no model.
    assert.deepEqual(topicsOf('both', undefined, { topics: undefined, computing: true }), ['Pruning 3', 'sparsity 1', 'Indexing topics… 5']);
  });

  test('a paper the model left out, with nothing being computed, goes to "Other"', () => {
    const fresh = [...papers, paper('fresh', { title: 'Fresh' })];
    assert.deepEqual(topicsOf('derived', undefined, { papers: fresh }), ['Pruning 2', 'Gaussian Splatting 4 ▸2', 'Other 3']);
  });
});

describe('papersOfTopic', () => {
  test('a topic with subtopics holds all of their papers; a subtopic its own', () => {
    assert.deepEqual(keysOf('derived', 'derived:gs'), ['theta', 'gamma', 'eta', 'zeta']);
    assert.deepEqual(keysOf('derived', 'derived:gs-sparse'), ['eta', 'zeta']);
  });

  test('a paper with two keywords is under both', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning'), ['alpha', 'beta', 'zeta']);
    assert.deepEqual(keysOf('catalog', 'kw:sparsity'), ['zeta']);
  });

  test('by title: case- and accent-insensitive, missing titles last', () => {
    assert.deepEqual(keysOf('catalog', 'none'), ['delta', 'theta', 'gamma', 'eta', 'untitled']);
    // "Ádvanced" sorts as "advanced", "beta" before "Zeta" whatever the case.
    assert.deepEqual(keysOf('derived', 'derived:prun'), ['alpha', 'beta']);
  });

  test('by year: newest first, missing years last, ties by title', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning', 'year'), ['alpha', 'beta', 'zeta']);
    assert.deepEqual(keysOf('catalog', 'none', 'year'), ['untitled', 'gamma', 'delta', 'theta', 'eta']);
  });

  test('by citations: most cited first, ties by title', () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning', 'cited'), ['beta', 'zeta', 'alpha']);
    assert.deepEqual(keysOf('derived', 'derived:other', 'cited'), ['delta', 'untitled']);
  });

  test("the filter applies to a topic's papers", () => {
    assert.deepEqual(keysOf('catalog', 'kw:pruning', 'title', ['zeta', 'beta']), ['beta', 'zeta']);
    assert.deepEqual(keysOf('derived', 'derived:gs', 'title', ['zeta', 'beta']), ['zeta']);
  });

  test('an unknown topic, or one from another source, has no papers', () => {
    assert.deepEqual(keysOf('catalog', 'kw:nothing'), []);
    assert.deepEqual(keysOf('catalog', 'derived:prun'), []);
    assert.deepEqual(keysOf('derived', 'kw:pruning'), []);
  });
});

describe('topicPathOf', () => {
  test('from the top level down to the topic listing the paper', () => {
    const groups = groupTopics(input('derived'));
    assert.deepEqual(topicPathOf(groups, 'eta'), ['derived:gs', 'derived:gs-sparse']);
    assert.deepEqual(topicPathOf(groups, 'alpha'), ['derived:prun']);
    assert.deepEqual(topicPathOf(groups, 'nobody'), []);
  });

  test('a paper under two keywords: the first as the tree lists them', () => {
    assert.deepEqual(topicPathOf(groupTopics(input('catalog')), 'zeta'), ['kw:pruning']);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import type { Paper } from '../../server/src/catalog/paper';
import { phraseTopics, type DerivedTopic, type DerivedTopics } from '../bench/phraseTopics';
import { shuffled } from './topicFixture';

const demoPath = join(__dirname, '..', '..', 'examples', 'demo', 'papers.bib');
const demo = parseBibtex(readFileSync(demoPath, 'utf8'), 'file:///demo/papers.bib').papers;

function topicLabelled(result: DerivedTopics, ...fragments: string[]): DerivedTopic {
  const topic = result.topics.find((t) => fragments.some((f) => t.label.toLowerCase().includes(f)));
  assert.ok(topic, `no topic labelled ${fragments.join(' or ')}: ${result.topics.map((t) => t.label).join(', ')}`);
  return topic;
}

describe('phraseTopics on the demo catalog', () => {
  const result = phraseTopics(demo);

  test('finds the research themes a reader recognises, with the right papers', () => {
    assert.deepEqual(topicLabelled(result, 'gaussian splatting').keys, ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W']);
    assert.deepEqual(topicLabelled(result, 'sparse-view', 'sparse view').keys, ['ADen', 'LM-Gaussian', 'SpaRP', 'SparseGS-W', 'UpFusion']);
    assert.deepEqual(topicLabelled(result, 'semantic correspondence').keys, ['distillationDiffusionFeatures', 'taleTwoFeatures']);
    assert.deepEqual(topicLabelled(result, 'sparse attention').keys, ['AnchorAttention', 'MMInference', 'MoA', 'SeerAttention', 'sparseFrontierSparse']);
    assert.deepEqual(topicLabelled(result, 'autoencoder').keys, ['adaptiveSparseAllocation', 'principledEvaluationsSparse', 'probingRepresentationalPower']);
    assert.deepEqual(topicLabelled(result, 'recommend').keys, ['OneRec', 'dynamicSparseLearning', 'refiningContrastiveLearning']);
    const retrieval = topicLabelled(result, 'retriev').keys;
    assert.ok(retrieval.includes('Mistral-SPLADE') || retrieval.includes('composedImageRetrieval'), retrieval.join());
    const pruning = topicLabelled(result, 'prun').keys;
    for (const key of ['efficientPruningText', 'sparseModelSoups', 'CoreMatching']) assert.ok(pruning.includes(key), key);
  });

  test('labels are title-cased phrases as titles write them', () => {
    const labels = result.topics.map((t) => t.label);
    for (const label of ['Gaussian Splatting', 'Sparse Attention', 'Semantic Correspondence', 'Sparse Autoencoders', 'Pruning', 'Recommendation']) {
      assert.ok(labels.includes(label), `${label} in ${labels.join(', ')}`);
    }
  });

  test('"sparse", in almost every paper, is not a topic on its own', () => {
    assert.ok(!result.topics.some((t) => t.label.toLowerCase() === 'sparse'));
  });

  test('a sensible number of topics, none holding more than 40% of the papers', () => {
    assert.ok(result.topics.length >= 6 && result.topics.length <= 18, `${result.topics.length} topics`);
    for (const topic of result.topics) assert.ok(topic.keys.length <= 0.4 * demo.length, `${topic.label}: ${topic.keys.length}`);
    // Not one topic per paper either.
    assert.ok(result.topics.filter((t) => t.keys.length >= 3).length >= 6);
  });

  test('every paper is in at least one topic; leftovers in "Other", last', () => {
    const placed = new Set(result.topics.flatMap((t) => t.keys));
    assert.deepEqual([...placed].sort(), demo.map((p) => p.key).sort());
    const other = result.topics[result.topics.length - 1];
    assert.deepEqual([other.id, other.label], ['other', 'Other']);
    for (const topic of result.topics.slice(0, -1)) {
      for (const key of topic.keys) assert.ok(!other.keys.includes(key), `${key} is in ${topic.label} and Other`);
    }
  });

  test('a paper can be in several topics', () => {
    const topicsOf = (key: string) => result.topics.filter((t) => t.keys.includes(key)).map((t) => t.label);
    assert.ok(topicsOf('LM-Gaussian').length >= 2, topicsOf('LM-Gaussian').join());
  });

  test('topics are sorted by label and keys within a topic are sorted', () => {
    const labels = result.topics.slice(0, -1).map((t) => t.label.toLowerCase());
    assert.deepEqual(labels, [...labels].sort());
    for (const topic of result.topics) assert.deepEqual(topic.keys, [...topic.keys].sort());
  });

  test('identical for a shuffled input', () => {
    assert.deepEqual(phraseTopics(shuffled(demo, 1)), result);
    assert.deepEqual(phraseTopics(shuffled(demo, 42)), result);
  });

  test('ids are stable and unique', () => {
    const ids = result.topics.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(topicLabelled(result, 'gaussian splatting').id, 'gaussian-splatt');
  });
});

describe('phraseTopics edge cases', () => {
  const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const paper = (key: string, title?: string, abstract?: string): Paper => ({
    key,
    type: 'misc',
    title,
    abstract,
    authors: [],
    keywords: [],
    files: [],
    source: { uri: 'file:///a.bib', range: r, keyRange: r },
  });

  /** Unrelated papers, so the phrases under test stay under a quarter of the catalog. */
  const fillers = 'Apples Bananas Cherries Dates Elderberries Figs Grapes Honeydew Kiwis Lemons Mangos Nectarines Olives Pears'
    .split(' ')
    .map((word, i) => paper(`z${i}`, `${word} Alone`));

  test('no papers, no topics', () => {
    assert.deepEqual(phraseTopics([]), { topics: [] });
  });

  test('papers without titles or abstracts go to "Other"', () => {
    assert.deepEqual(phraseTopics([paper('b'), paper('a', '')]), { topics: [{ id: 'other', label: 'Other', keys: ['a', 'b'] }] });
  });

  test('a phrase is not made across punctuation or stop words', () => {
    const papers = [
      paper('a', 'Optical Lattices: Cold Atoms'),
      paper('b', 'Optical Lattices, Cold Atoms'),
      paper('c', 'Lattices of Cold Atoms'),
      paper('d', 'Graphene Sheets'),
      paper('e', 'Graphene Ribbons'),
      paper('f', 'Graphene Dots'),
      ...fillers,
    ];
    const labels = phraseTopics(papers).topics.map((t) => t.label);
    assert.ok(!labels.some((l) => /lattices cold/i.test(l)), labels.join());
    assert.ok(labels.includes('Cold Atoms'), labels.join());
    assert.ok(labels.includes('Graphene'), labels.join());
  });

  test('accents and case do not split a phrase; the most common spelling labels it', () => {
    const papers = [
      paper('a', 'Études of Phase Transitions'),
      paper('b', 'More phase transitions'),
      paper('c', 'Phase Transitions Again'),
      ...fillers,
    ];
    const topic = phraseTopics(papers).topics.find((t) => t.label === 'Phase Transitions');
    assert.deepEqual(topic?.keys, ['a', 'b', 'c']);
  });
});

describe('phraseTopics on the bibliotex collection (~2,800 entries)', () => {
  const root = '/work/shared/data/bibliotex';
  const present = existsSync(root);

  test('a sensible number of topics, all papers placed, none too big', { skip: !present && 'bibliotex not present' }, (t) => {
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.bib')).sort();
    const byKey = new Map<string, Paper>();
    for (const file of files) {
      for (const p of parseBibtex(readFileSync(join(root, file), 'utf8'), `file://${join(root, file)}`).papers) byKey.set(p.key, p);
    }
    const papers = [...byKey.values()];
    const started = performance.now();
    const result = phraseTopics(papers);
    t.diagnostic(`${papers.length} papers → ${result.topics.length} topics in ${Math.round(performance.now() - started)} ms`);

    assert.ok(papers.length > 2000);
    assert.ok(result.topics.length >= 10 && result.topics.length <= 41, `${result.topics.length} topics`);
    const placed = new Set(result.topics.flatMap((topic) => topic.keys));
    assert.equal(placed.size, papers.length);
    for (const topic of result.topics) assert.ok(topic.keys.length <= 0.4 * papers.length, topic.label);
    // Words a physicist recognises.
    const labels = result.topics.map((topic) => topic.label);
    for (const label of ['NMR', 'Muon', 'Thin Films']) assert.ok(labels.includes(label), labels.join(', '));
  });
});

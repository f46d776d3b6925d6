import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTopics } from '../../server/src/search/topicModel';
import type { TopicDocument, TopicEntry, TopicResult } from '../../server/src/search/topicResult';
import { shuffled } from './topicFixture';

/** Three clearly separate groups of papers; every paper also says "efficient" and "sparse" (a catch-all). */
const splatting: TopicDocument[] = [
  ['gs-sparse', 'Sparse-View Gaussian Splatting with Depth Priors', 'We reconstruct scenes from a few input views with 3D Gaussian splatting. Depth priors regularize the Gaussians so novel view synthesis stays sharp.'],
  ['gs-dynamic', 'Dynamic Gaussian Splatting for Moving Scenes', 'Gaussian splatting is extended to dynamic scenes: each Gaussian moves over time, giving real-time novel view synthesis of video.'],
  ['gs-compress', 'Compressing 3D Gaussian Splatting Scenes', 'Scenes made of millions of Gaussians take gigabytes. We prune and quantize the Gaussians of 3D Gaussian splatting for compact novel view rendering.'],
  ['gs-relight', 'Relightable Gaussian Splatting', 'We decompose the Gaussians of a splatting scene into materials and lighting, so novel view synthesis can relight the scene.'],
  ['gs-slam', 'Gaussian Splatting SLAM', 'A SLAM system that maps the scene with 3D Gaussian splatting while tracking the camera, rendering novel views in real time.'],
  ['gs-avatar', 'Animatable Human Avatars with Gaussian Splatting', 'Gaussians attached to a body model give animatable avatars; splatting renders novel views of the person in real time.'],
].map(([key, title, abstract]) => ({ key, title, abstract: `${abstract} The method is efficient and sparse.` }));

const reinforcement: TopicDocument[] = [
  ['rl-offline', 'Conservative Offline Reinforcement Learning', 'Offline reinforcement learning learns a policy from a fixed dataset of transitions. A conservative value function keeps the policy close to the data.'],
  ['rl-explore', 'Curiosity-Driven Exploration in Reinforcement Learning', 'Sparse rewards make exploration hard. An intrinsic curiosity reward, a kind of reward shaping, lets the reinforcement learning agent explore.'],
  ['rl-multi', 'Multi-Agent Reinforcement Learning with Communication', 'Agents learn to communicate while learning their policies; reinforcement learning of the messages improves the team reward.'],
  ['rl-model', 'Model-Based Reinforcement Learning with World Models', 'A learned world model of the environment lets the agent plan; reinforcement learning of the policy uses imagined rollouts and rewards.'],
  ['rl-robot', 'Reinforcement Learning for Robot Manipulation', 'A robot learns grasping policies by reinforcement learning in simulation, with rewards shaped for manipulation, then transfers them.'],
  ['rl-reward', 'Reward Shaping for Reinforcement Learning Agents', 'Shaped rewards speed up reinforcement learning: the agent learns a policy faster when the reward says more about progress.'],
].map(([key, title, abstract]) => ({ key, title, abstract: `${abstract} The method is efficient and sparse.` }));

const fewShot: TopicDocument[] = [
  ['fs-proto', 'Prototypical Networks for Few-Shot Learning', 'Few-shot learning classifies new classes from a handful of labelled examples. Each class is a prototype in an embedding space.'],
  ['fs-meta', 'Meta-Learning Initializations for Few-Shot Learning', 'A meta-learned initialization adapts to a new few-shot task in a few gradient steps, from a handful of support examples.'],
  ['fs-relation', 'Relation Networks for Few-Shot Learning', 'A relation module compares query images with the support examples of each class, for few-shot learning of new classes.'],
  ['fs-text', 'Few-Shot Learning of Text Classifiers', 'Text classifiers for new classes from a handful of examples: few-shot learning with a support set and episodic training.'],
  ['fs-cross', 'Cross-Domain Few-Shot Learning', 'Few-shot learning when the new classes come from another domain than the base classes: support examples from a new domain.'],
  ['fs-transductive', 'Transductive Few-Shot Learning', 'The query examples of a few-shot task are used together with the support set: transductive few-shot learning of new classes.'],
].map(([key, title, abstract]) => ({ key, title, abstract: `${abstract} The method is efficient and sparse.` }));

const catalog = [...splatting, ...reinforcement, ...fewShot];

function topicOf(result: TopicResult, key: string): TopicEntry {
  const placement = result.placements.find((p) => p.key === key);
  assert.ok(placement, `${key} is placed`);
  const topic = result.topics.find((t) => t.id === placement.topic);
  assert.ok(topic, `${key}'s topic ${placement.topic} exists`);
  return topic;
}

/** Keys per top-level label, sorted: what the tree shows, whatever the ids. */
function membership(result: TopicResult): Record<string, string[]> {
  const byId = new Map(result.topics.map((t) => [t.id, t]));
  const out: Record<string, string[]> = {};
  for (const placement of result.placements) {
    let topic = byId.get(placement.topic) as TopicEntry;
    while (topic.parentId !== undefined) topic = byId.get(topic.parentId) as TopicEntry;
    (out[topic.label] ??= []).push(placement.key);
  }
  for (const keys of Object.values(out)) keys.sort();
  return out;
}

const keys = (docs: readonly TopicDocument[]) => docs.map((d) => d.key).sort();

describe('buildTopics on three separate groups of papers', () => {
  const result = buildTopics(catalog);

  test('three topics, labelled by the phrase that sets each apart, with exactly their papers', () => {
    assert.deepEqual(membership(result), {
      'Gaussian Splatting': keys(splatting),
      'Reinforcement Learning': keys(reinforcement),
      'Few-Shot Learning': keys(fewShot),
    });
  });

  test('topic ids are the labels’ slugs; the tooltip terms are the topic’s own words', () => {
    const top = result.topics.filter((t) => t.parentId === undefined);
    assert.deepEqual(top.map((t) => [t.id, t.label, t.size]), [
      ['few-shot-learning', 'Few-Shot Learning', 6],
      ['gaussian-splatting', 'Gaussian Splatting', 6],
      ['reinforcement-learning', 'Reinforcement Learning', 6],
    ]);
    const splattingTerms = top[1].terms.map((t) => t.toLowerCase());
    // Words of its titles ("Moving Scenes", "Sparse-View"), not of the abstracts' prose.
    assert.deepEqual(splattingTerms, ['scenes', 'view']);
    assert.ok(!splattingTerms.some((t) => t.includes('splatting')), 'no term repeats the label');
    assert.deepEqual(top[2].terms, ['Reward', 'Reward Shaping']);
    for (const topic of top) assert.ok(topic.terms.length <= 6, topic.terms.join());
  });

  test('a word every paper says is no label, nor a fragment of a phrase or a generic word', () => {
    const labels = result.topics.map((t) => t.label.toLowerCase());
    for (const bad of ['efficient', 'sparse', 'shot', 'few', 'reinforcement', 'learning', 'gaussian', 'method']) assert.ok(!labels.includes(bad), labels.join());
  });

  test('each paper is placed once, in key order, none in Other', () => {
    assert.deepEqual(result.placements.map((p) => p.key), keys(catalog));
    assert.ok(!result.topics.some((t) => t.id === 'other'));
  });

  test('related papers come from the same topic, the closest first', () => {
    const related = (key: string) => result.placements.find((p) => p.key === key)?.related ?? [];
    for (const doc of catalog) {
      const own = topicOf(result, doc.key).id;
      assert.ok(related(doc.key).length > 0 && related(doc.key).length <= 3, doc.key);
      for (const other of related(doc.key)) assert.equal(topicOf(result, other).id, own, `${doc.key} → ${other}`);
    }
    // The two papers on reward shaping.
    assert.equal(related('rl-explore')[0], 'rl-reward');
  });

  test('the same papers in any order give the same result', () => {
    assert.deepEqual(buildTopics(catalog), result);
    assert.deepEqual(buildTopics(shuffled(catalog, 7)), result);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'plain JSON');
  });
});

describe('buildTopics keeps its topics when one paper changes', () => {
  const before = buildTopics(catalog);
  const unchanged = (after: TopicResult, except: string) => {
    for (const placement of before.placements) {
      if (placement.key === except) continue;
      const now = after.placements.find((p) => p.key === placement.key);
      assert.equal(now?.topic, placement.topic, placement.key);
    }
    for (const topic of before.topics) {
      const now = after.topics.find((t) => t.id === topic.id);
      assert.equal(now?.label, topic.label, topic.id);
    }
  };

  test('a paper added goes to the topic it fits; every other placement, id and label stays', () => {
    const added: TopicDocument = { key: 'gs-urban', title: 'Urban-Scale Gaussian Splatting', abstract: 'City blocks rendered from novel views with 3D Gaussian splatting, the Gaussians streamed in real time.' };
    const after = buildTopics([...catalog, added], { previous: before });
    unchanged(after, added.key);
    assert.equal(topicOf(after, added.key).label, 'Gaussian Splatting');
    assert.equal(after.topics.find((t) => t.label === 'Gaussian Splatting')?.size, 7);
    // Placed against the previous centroids, not clustered again.
    assert.equal(after.model?.changes, 1);
  });

  test('related papers after small changes: the new paper gets its own, a removed paper is listed nowhere', () => {
    const related = (result: TopicResult, key: string) => result.placements.find((p) => p.key === key)?.related ?? [];
    const added: TopicDocument = { key: 'rl-shaping-2', title: 'Potential-Based Reward Shaping', abstract: 'Reward shaping with potentials keeps the optimal policy of the reinforcement learning agent; an intrinsic curiosity reward is a kind of reward shaping.' };
    const after = buildTopics([...catalog, added], { previous: before });
    assert.deepEqual(related(after, added.key).slice(0, 2).sort(), ['rl-explore', 'rl-reward']);
    // Another topic: untouched.
    for (const key of keys(splatting)) assert.deepEqual(related(after, key), related(before, key), key);

    const removed = buildTopics(catalog.filter((d) => d.key !== 'rl-reward'), { previous: before });
    for (const placement of removed.placements) assert.ok(!placement.related.includes('rl-reward'), placement.key);
    assert.ok(related(removed, 'rl-explore').length > 0);
  });

  test('a paper edited moves; a paper removed leaves; the rest stays', () => {
    const edited = catalog.map((d) => (d.key === 'fs-text' ? { key: 'fs-text', title: 'Offline Reinforcement Learning from Text Rewards', abstract: 'An agent learns a policy by offline reinforcement learning, rewards given as text.' } : d));
    const afterEdit = buildTopics(edited, { previous: before });
    unchanged(afterEdit, 'fs-text');
    assert.equal(topicOf(afterEdit, 'fs-text').label, 'Reinforcement Learning');

    const afterRemove = buildTopics(catalog.filter((d) => d.key !== 'gs-slam'), { previous: before });
    unchanged(afterRemove, 'gs-slam');
    assert.ok(!afterRemove.placements.some((p) => p.key === 'gs-slam'));
    assert.equal(afterRemove.topics.find((t) => t.label === 'Gaussian Splatting')?.size, 5);
  });

  test('many changes cluster again, and topics that stay keep their ids and labels', () => {
    const methods = ['Transformers', 'Graph Networks', 'Diffusion', 'Language Models', 'Evolutionary Couplings', 'Templates', 'Contact Maps', 'Equivariant Networks', 'Multiple Sequence Alignments', 'Energy Functions', 'Fragment Assembly', 'Coevolution', 'Attention', 'Distance Geometry', 'Residue Embeddings', 'Side Chains', 'Folding Pathways', 'Ensembles'];
    const proteins: TopicDocument[] = methods.map((method, i) => ({
      key: `protein-${i}`,
      title: `Protein Structure Prediction with ${method}`,
      abstract: `We predict the folded protein structure of an amino acid sequence using ${method.toLowerCase()}. Protein structure prediction accuracy improves on residues and contacts.`,
    }));
    const after = buildTopics([...catalog, ...proteins], { previous: before });
    assert.equal(after.model?.changes, 0, 'clustered again');
    const groups = membership(after);
    assert.deepEqual(groups['Gaussian Splatting'], keys(splatting));
    assert.deepEqual(groups['Reinforcement Learning'], keys(reinforcement));
    assert.deepEqual(groups['Few-Shot Learning'], keys(fewShot));
    for (const doc of proteins) assert.match(topicOf(after, doc.key).label, /^Protein/, doc.key);
    for (const topic of before.topics) assert.equal(after.topics.find((t) => t.id === topic.id)?.label, topic.label, topic.id);
  });
});

/**
 * A synthetic catalog: `themes` × `subthemes` groups of papers, each group with its own words, each
 * theme sharing words across its subthemes.
 */
function syntheticCatalog(themes: number, subthemes: number, perGroup: number): { docs: TopicDocument[]; group: Map<string, string> } {
  const syllables = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'vu', 'ze', 'bo', 'di'];
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const word = (seed: number) => {
    let w = '';
    for (let n = seed; w.length < 8; n = Math.floor(n / 12) + 7 * w.length + 3) w += syllables[n % 12];
    return w;
  };
  const docs: TopicDocument[] = [];
  const group = new Map<string, string>();
  for (let t = 0; t < themes; t++) {
    const themeWords = Array.from({ length: 6 }, (_, i) => word(1000 + t * 37 + i * 5));
    for (let s = 0; s < subthemes; s++) {
      const subWords = Array.from({ length: 8 }, (_, i) => word(5000 + t * 911 + s * 53 + i * 7));
      for (let p = 0; p < perGroup; p++) {
        const pick = (words: string[], n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]);
        const key = `t${t}s${s}p${p}`;
        docs.push({ key, title: pick([...subWords, ...themeWords], 4).join(' '), abstract: [...pick(themeWords, 8), ...pick(subWords, 10)].join(' ') });
        group.set(key, `t${t}s${s}`);
      }
    }
  }
  return { docs, group };
}

describe('buildTopics on a big catalog', () => {
  const { docs, group } = syntheticCatalog(2, 5, 30);
  const result = buildTopics(docs, { topicCount: 2 });

  test('a topic of more papers than a screen opens into subtopics; no leaf lists more than 60', () => {
    const top = result.topics.filter((t) => t.parentId === undefined && t.id !== 'other');
    assert.equal(top.length, 2);
    for (const topic of top) {
      assert.equal(topic.size, 150);
      const children = result.topics.filter((t) => t.parentId === topic.id);
      assert.ok(children.length >= 2, `${topic.label} opens`);
      assert.equal(children.reduce((sum, c) => sum + c.size, 0), 150);
    }
    const leafSizes = new Map<string, number>();
    for (const p of result.placements) leafSizes.set(p.topic, (leafSizes.get(p.topic) ?? 0) + 1);
    for (const [id, size] of leafSizes) assert.ok(size <= 60, `${id}: ${size}`);
  });

  test('each subtopic holds the papers of one group', () => {
    const leaves = new Map<string, Set<string>>();
    for (const p of result.placements) {
      const set = leaves.get(p.topic) ?? new Set();
      set.add(group.get(p.key) as string);
      leaves.set(p.topic, set);
    }
    const mixed = [...leaves].filter(([, groups]) => groups.size > 1);
    assert.deepEqual(mixed, []);
  });

  test('labels are unique across the whole tree, ids too', () => {
    const labels = result.topics.map((t) => t.label.toLowerCase());
    assert.equal(new Set(labels).size, labels.length, labels.join());
    assert.equal(new Set(result.topics.map((t) => t.id)).size, result.topics.length);
  });

  test('few papers: a handful still gets a topic, nothing gets lost', () => {
    const small = buildTopics(catalog.slice(0, 3));
    assert.deepEqual(small.placements.map((p) => p.key), ['gs-compress', 'gs-dynamic', 'gs-sparse']);
    assert.deepEqual(buildTopics([]), { topics: [], placements: [] });
    const empty = buildTopics([{ key: 'x' }, { key: 'y', title: '' }]);
    assert.deepEqual(empty.placements.map((p) => p.topic), ['other', 'other']);
  });
});

/**
 * Three fields, each a tight group (every paper says the same phrases) and a loose one (the field's
 * phrase, then words each paper shares with one neighbour only): six communities, three topics
 * asked, so three merges.
 */
function fieldsCatalog(): { docs: TopicDocument[]; field: Map<string, string> } {
  const fields = [
    { name: 'protein', tight: 'Protein Folding', phrases: ['residue contacts', 'structure prediction', 'amino acid sequences'], loose: 'Protein Design',
      words: ['enzyme', 'catalysis', 'antibody', 'epitope', 'backbone', 'scaffold', 'pore', 'membrane', 'solubility', 'mutation', 'binder', 'affinity'] },
    { name: 'speech', tight: 'Speech Recognition', phrases: ['acoustic models', 'word error rate', 'spoken utterances'], loose: 'Speech Synthesis',
      words: ['vocoder', 'waveform', 'prosody', 'intonation', 'singing', 'pitch', 'emotion', 'expressiveness', 'cloning', 'timbre', 'phoneme', 'duration'] },
    { name: 'graph', tight: 'Graph Partitioning', phrases: ['balanced cuts', 'vertex separators', 'spectral bisection'], loose: 'Graph Drawing',
      words: ['layout', 'crossings', 'planarity', 'rotation', 'orthogonal', 'bends', 'force', 'springs', 'hierarchy', 'layering', 'annotation', 'placement'] },
  ];
  const docs: TopicDocument[] = [];
  const field = new Map<string, string>();
  for (const f of fields) {
    for (let i = 0; i < 6; i++) {
      const key = `${f.name}-tight-${i}`;
      docs.push({ key, title: `${f.tight} with ${titleCase(f.phrases[i % 3])}`, abstract: `${f.tight}: ${f.phrases.join(', ')}; ${f.tight.toLowerCase()}.` });
      field.set(key, f.name);
    }
    for (let i = 0; i < 6; i++) {
      // Words 2i, 2i+1 and those of the next paper: each shared with one neighbour in a ring.
      const own = [0, 1, 2, 3].map((j) => f.words[(2 * i + j) % f.words.length]);
      const key = `${f.name}-loose-${i}`;
      docs.push({ key, title: `${f.loose} of ${titleCase(own[0])} and ${titleCase(own[1])}`, abstract: `${own.join(', ')}; ${f.name}.` });
      field.set(key, f.name);
    }
  }
  return { docs, field };
}

const titleCase = (text: string) => text.replace(/\b\w/g, (c) => c.toUpperCase());

describe('buildTopics merging communities down to the topics asked', () => {
  const { docs, field } = fieldsCatalog();
  const result = buildTopics(docs, { topicCount: 3 });

  test('a loose community joins the field it is linked to, not another loose one: each topic is one field', () => {
    const fieldsOf = Object.entries(membership(result)).map(([label, members]) => `${label}: ${[...new Set(members.map((key) => field.get(key)))].join(' + ')}`);
    assert.deepEqual(fieldsOf.sort(), ['Graph Drawing: graph', 'Protein Design: protein', 'Speech Recognition: speech']);
  });
});

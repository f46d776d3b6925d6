/**
 * The Papers view's requests as a client sends them: `litnotes/topics` (top level and a topic's
 * subtopics), `litnotes/topicPapers` (all papers under a topic), `litnotes/relatedPapers`, and what
 * paper summaries say about topics.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TopicSource } from '../../common/protocol';
import { paperDetails, searchPapers } from '../../server/src/service/paperSummaries';
import { parseSettings } from '../../server/src/service/settings';
import { prepareTopicGroupsFor, topicGroupsInTurns, topicGroupsOf } from '../../server/src/service/topicGroups';
import { TopicIndex } from '../../server/src/search/topicIndex';
import { relatedPapers, topicPapers, topics } from '../../server/src/service/topicRequests';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { fixture } from './fixture';
import { computeTopicsNow, showTopics } from './topicFixture';

const workspace = `%! refs.bib
@article{splat1, title = {3D Gaussian Splatting}, author = {Kerbl, Bernhard}, year = 2023}
@article{splat2, title = {Dynamic Gaussians}, year = 2024}
@article{splat3, title = {Sparse-View Splatting}, year = 2024}
@article{pose1, title = {Camera Pose Estimation}, year = 2022}
@article{tagged, title = {A Tagged Paper}, keywords = {My Tag}}
%! notes/a.md
[@splat1]
`;

const result = {
  topics: [
    { id: 'gs', label: 'Gaussian Splatting', terms: ['gaussian', 'splatting'], size: 4 },
    { id: 'gs-dyn', label: 'Dynamic Scenes', terms: ['dynamic'], parentId: 'gs', size: 2 },
    { id: 'gs-sparse', label: 'Sparse Views', terms: ['sparse view'], parentId: 'gs', size: 2 },
    { id: 'pose', label: 'Pose Estimation', terms: ['pose', 'camera'], size: 1 },
  ],
  placements: [
    { key: 'pose1', topic: 'pose', related: ['splat3'] },
    { key: 'splat1', topic: 'gs-dyn', related: ['splat2', 'splat3', 'pose1'] },
    { key: 'splat2', topic: 'gs-dyn', related: ['splat1'] },
    { key: 'splat3', topic: 'gs-sparse', also: 'pose', related: ['splat1', 'pose1'] },
    { key: 'tagged', topic: 'gs-sparse', also: 'pose', related: [] },
  ],
};

const settings = (source: TopicSource = 'both') => parseSettings({ topics: { source } });

function ready(source: TopicSource = 'both') {
  const f = fixture(workspace);
  showTopics(f.model, result);
  return { model: f.model, settings: settings(source) };
}

describe('litnotes/topics and litnotes/topicPapers', () => {
  test('top level: labels, counts, subtopics and terms; a topic with subtopics opens into them', () => {
    const { model, settings } = ready('derived');
    const top = topics(model, {}, settings);
    assert.deepEqual(
      top.topics.map((t) => [t.label, t.count, t.subtopics ?? 0, t.terms?.join(' ')]),
      [
        ['Gaussian Splatting', 4, 2, 'gaussian splatting'],
        ['Pose Estimation', 1, 0, 'pose camera'],
      ],
    );
    assert.equal(top.totalPapers, 5);
    assert.equal(top.computing, undefined);
    assert.deepEqual(topics(model, { parentId: 'derived:gs' }, settings).topics.map((t) => `${t.label} ${t.count}`), ['Dynamic Scenes 2', 'Sparse Views 2']);
  });

  test('topicPapers of a topic with subtopics gives every paper under it: a client reading the top level sees each paper once', () => {
    const { model, settings } = ready('derived');
    assert.deepEqual(topicPapers(model, { topicId: 'derived:gs' }, settings).map((p) => p.key), ['splat1', 'tagged', 'splat2', 'splat3']);
    assert.deepEqual(topicPapers(model, { topicId: 'derived:gs-sparse' }, settings).map((p) => p.key), ['tagged', 'splat3']);
    const all = topics(model, {}, settings).topics.flatMap((t) => topicPapers(model, { topicId: t.id }, settings).map((p) => p.key));
    assert.deepEqual(all.sort(), ['pose1', 'splat1', 'splat2', 'splat3', 'tagged']);
  });

  test('both: the catalog\'s tags where a paper has them, the model\'s topics for the others', () => {
    const { model, settings } = ready('both');
    assert.deepEqual(topics(model, {}, settings).topics.map((t) => `${t.label} ${t.count}`), ['My Tag 1', 'Gaussian Splatting 3', 'Pose Estimation 1']);
    // Sparse Views holds one paper now: a subtopic alone is still a subtopic.
    assert.deepEqual(topics(model, { parentId: 'derived:gs' }, settings).topics.map((t) => `${t.label} ${t.count}`), ['Dynamic Scenes 2', 'Sparse Views 1']);
  });

  test('the filter narrows topics and subtopics', () => {
    const { model, settings } = ready('derived');
    assert.deepEqual(topics(model, { filter: 'dynamic' }, settings).topics.map((t) => `${t.label} ${t.count} ▸${t.subtopics ?? 0}`), ['Gaussian Splatting 1 ▸1']);
    assert.deepEqual(topicPapers(model, { topicId: 'derived:gs', filter: 'dynamic' }, settings).map((p) => p.key), ['splat2']);
  });

  test('before the model\'s first result every paper is under "Indexing topics…", and the answer says topics are computing', () => {
    const f = fixture(workspace);
    const answer = topics(f.model, {}, settings('derived'));
    assert.deepEqual(answer.topics.map((t) => `${t.label} ${t.count}`), ['Indexing topics… 5']);
    assert.equal(answer.computing, true);
    assert.equal(topicPapers(f.model, { topicId: answer.topics[0].id }, settings('derived')).length, 5);
    // Catalog topics need no model.
    assert.equal(topics(f.model, {}, settings('catalog')).computing, undefined);
  });

  test('a paper added after the last result waits under "Indexing topics…"; the others keep their topics', () => {
    const { model, settings } = ready('derived');
    model.setCatalog('file:///ws/more.bib', '@misc{fresh, title = {Fresh}}\n');
    const answer = topics(model, {}, settings);
    assert.deepEqual(answer.topics.map((t) => `${t.label} ${t.count}`), ['Gaussian Splatting 4', 'Pose Estimation 1', 'Indexing topics… 1']);
    assert.equal(answer.computing, true);
  });
});

describe('paper summaries and litnotes/relatedPapers', () => {
  test('a summary says its second fit and how many related papers it has', () => {
    const { model, settings } = ready('derived');
    const [splat3] = searchPapers(model, 'sparse view splatting', 1, settings);
    assert.equal(splat3.alsoTopic, 'Pose Estimation');
    assert.equal(splat3.relatedCount, 2);
    assert.equal(searchPapers(model, 'dynamic gaussians', 1, settings)[0].alsoTopic, undefined);
  });

  test('a paper listed under its catalog tag shows no second fit of the model', () => {
    const { model, settings } = ready('both');
    assert.equal(searchPapers(model, 'tagged', 1, settings)[0].alsoTopic, undefined);
  });

  test('relatedPapers: summaries, most related first, at most `limit` (and never more than three)', () => {
    const { model, settings } = ready();
    assert.deepEqual(relatedPapers(model, { key: 'splat1' }, settings).map((p) => [p.key, p.title]), [
      ['splat2', 'Dynamic Gaussians'],
      ['splat3', 'Sparse-View Splatting'],
      ['pose1', 'Camera Pose Estimation'],
    ]);
    assert.deepEqual(relatedPapers(model, { key: 'splat1', limit: 1 }, settings).map((p) => p.key), ['splat2']);
    assert.equal(relatedPapers(model, { key: 'splat1', limit: 50 }, settings).length, 3);
    assert.deepEqual(relatedPapers(model, { key: 'nobody' }, settings), []);
  });

  test('paper details say where the tree lists the paper', () => {
    const { model, settings } = ready('both');
    assert.deepEqual(paperDetails(model, 'splat3', settings)?.topicPath, ['derived:gs', 'derived:gs-sparse']);
    assert.deepEqual(paperDetails(model, 'tagged', settings)?.topicPath, ['kw:my tag']);
  });
});

describe('the demo catalog through the requests, as the tree asks', () => {
  const demo = readFileSync(join(import.meta.dirname, '../../examples/demo/papers.bib'), 'utf8');

  test('derived: every paper exactly once among the top-level topics\' papers, and at exactly one leaf', () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///demo/papers.bib', demo);
    computeTopicsNow(model);
    const s = settings('derived');
    const top = topics(model, {}, s).topics;
    const listed = top.flatMap((t) => topicPapers(model, { topicId: t.id }, s).map((p) => p.key));
    assert.equal(listed.length, 64);
    assert.equal(new Set(listed).size, 64);
    const leaves = (parentId?: string): string[] =>
      topics(model, { parentId }, s).topics.flatMap((t) => (t.subtopics ? leaves(t.id) : topicPapers(model, { topicId: t.id }, s).map((p) => p.key)));
    assert.deepEqual(leaves().sort(), [...listed].sort());
  });
});

describe('the tree\'s grouping made between requests', () => {
  const many = Array.from({ length: 12_000 }, (_, i) => `@misc{p${i}, title = {Paper ${i}}${i % 7 === 0 ? `, keywords = {Tag ${i % 3}}` : ''}}`).join('\n');
  /** A result placing the many papers in two topics, one with two subtopics. */
  const manyResult = (n: number) => ({
    topics: [
      { id: 'a', label: 'Alpha', terms: ['alpha'], size: 0 },
      { id: 'a1', label: 'Alpha One', terms: ['one'], parentId: 'a', size: 0 },
      { id: 'a2', label: 'Alpha Two', terms: ['two'], parentId: 'a', size: 0 },
      { id: 'b', label: 'Beta', terms: ['beta'], size: 0 },
    ],
    placements: Array.from({ length: n }, (_, i) => ({ key: `p${i}`, topic: ['a1', 'a2', 'b'][i % 3], related: [] })),
  });
  const counting = () => {
    const turns = { count: 0, nextTurn: async () => void turns.count++ };
    return turns;
  };
  /** What the tree shows, walked as it asks: topics, subtopics, each topic's papers. */
  const walk = (model: WorkspaceModel, s: ReturnType<typeof settings>, grouping: Awaited<ReturnType<typeof topicGroupsInTurns>>, parentId?: string): string[] =>
    topics(model, { parentId }, s, grouping).topics.flatMap((t) => [
      `${t.label} ${t.count}: ${topicPapers(model, { topicId: t.id, sort: 'title' }, s, grouping).map((p) => p.key).join(' ')}`,
      ...(t.subtopics ? walk(model, s, grouping, t.id) : []),
    ]);

  test('the first request gets the grouping a step at a time, other work running between the steps; then it is made', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('derived');
    const turns = counting();
    // The tree asks for its topics and for a topic's papers at once: one grouping serves both.
    const [forTopics, forPapers] = await Promise.all([topicGroupsInTurns(model, undefined, s, turns), topicGroupsInTurns(model, undefined, s, turns)]);
    assert.equal(forTopics, forPapers);
    assert.ok(turns.count >= 4, `${turns.count} turns`);
    assert.deepEqual(topics(model, {}, s, forTopics).topics.map((t) => `${t.label} ${t.count}`), ['Indexing topics… 12000']);
    assert.equal(topicPapers(model, { topicId: topics(model, {}, s).topics[0].id }, s, forPapers).length, 12_000);
    // Made: the next request answers at once.
    turns.count = 0;
    await topicGroupsInTurns(model, undefined, s, turns);
    assert.equal(turns.count, 0);
  });

  test('the tree\'s first question before any grouping: answered at once, every paper waiting, and told when its topics are grouped', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('both');
    let told = 0;
    const first = await topicGroupsInTurns(model, undefined, s, counting(), () => told++, 'answered');
    const answer = topics(model, {}, s, first);
    assert.deepEqual(answer.topics.map((t) => `${t.label} ${t.count}`), ['Indexing topics… 12000']);
    assert.equal(answer.computing, true);
    assert.equal(told, 0);
    while (told === 0) await new Promise((resolve) => setImmediate(resolve));
    const made = topics(model, {}, s, await topicGroupsInTurns(model, undefined, s, counting(), () => told++, 'answered'));
    assert.deepEqual(made.topics.map((t) => `${t.label} ${t.count}`), ['Tag 0 572', 'Tag 1 572', 'Tag 2 571', 'Indexing topics… 10285']);
    assert.equal(told, 1);
  });

  test('in turns or at once, the tree is the same: topics, subtopics, counts and papers (keywords, subtopics, a filter)', async () => {
    for (const source of ['both', 'derived', 'catalog'] as const) {
      for (const filter of [undefined, 'paper 11']) {
        const inTurns = new WorkspaceModel();
        const atOnce = new WorkspaceModel();
        for (const model of [inTurns, atOnce]) {
          model.setCatalog('file:///ws/many.bib', many);
          showTopics(model, manyResult(11_990)); // the last ten are not placed yet
          model.setCatalog('file:///ws/more.bib', '@misc{fresh, title = {Fresh}}\n');
        }
        const s = settings(source);
        let clock = 0;
        let taken = 0;
        const turns = { nextTurn: async () => void taken++, now: () => (clock += 2) }; // two steps a turn
        const grouped = await topicGroupsInTurns(inTurns, filter, s, turns);
        assert.ok(taken >= 1, `made in ${taken} turns`);
        const expected = walk(atOnce, s, topicGroupsOf(atOnce, filter, s));
        assert.deepEqual(walk(inTurns, s, grouped), expected, `${source} ${filter}`);
        assert.ok(expected.length >= 2, `${source} ${filter}: ${expected.length} topics`);
      }
    }
  });

  test('papers changed after a grouping: the request answers at once with the last tree, said computing, and the client is told when the new one is made', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('catalog');
    const turns = counting();
    await topicGroupsInTurns(model, undefined, s, turns);
    model.setCatalog('file:///ws/more.bib', '@misc{extra, title = {Extra}, keywords = {Tag 1}}\n');
    let told = 0;
    turns.count = 0;
    const last = await topicGroupsInTurns(model, undefined, s, turns, () => told++);
    assert.equal(told, 0, 'answered before the new grouping is made');
    const answer = topics(model, {}, s, last);
    assert.deepEqual(answer.topics.map((t) => `${t.label} ${t.count}`), ['Tag 0 572', 'Tag 1 572', 'Tag 2 571', 'No topic 10285']);
    assert.equal(answer.computing, true);
    // Asked again before it is made: still the last one, and the one grouping under way serves both.
    assert.equal(topics(model, {}, s, await topicGroupsInTurns(model, undefined, s, turns, () => told++)).computing, true);
    while (told === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(turns.count >= 4, `${turns.count} turns`);
    assert.equal(told, 2);
    const made = await topicGroupsInTurns(model, undefined, s, turns);
    const now = topics(model, {}, s, made);
    assert.deepEqual(now.topics.map((t) => `${t.label} ${t.count}`), ['Tag 0 572', 'Tag 1 573', 'Tag 2 571', 'No topic 10285']);
    assert.equal(now.computing, undefined);
  });

  test('papers changing while the tree is grouped (catalogs still read): the next question gets that grouping, said computing, not every paper waiting', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('both');
    let told = 0;
    let turn = 0;
    const turns = { nextTurn: async () => void (++turn === 3 && model.setCatalog('file:///ws/more.bib', '@misc{extra, title = {Extra}}\n')) };
    await topicGroupsInTurns(model, undefined, s, turns, () => told++, 'answered');
    for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(told, 0, 'made for papers that changed: not told');
    const next = topics(model, {}, s, await topicGroupsInTurns(model, undefined, s, { nextTurn: async () => {} }, () => told++, 'answered'));
    assert.deepEqual(next.topics.map((t) => `${t.label} ${t.count}`), ['Tag 0 572', 'Tag 1 572', 'Tag 2 571', 'Indexing topics… 10285']);
    assert.equal(next.computing, true);
  });

  test('a small library\'s tree is waited for (a few turns): never a moment of the last tree or of every paper waiting', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/few.bib', Array.from({ length: 500 }, (_, i) => `@misc{f${i}, title = {Few ${i}}, keywords = {Tag}}`).join('\n'));
    const s = settings('catalog');
    const first = await topicGroupsInTurns(model, undefined, s, counting(), undefined, 'answered');
    assert.deepEqual(topics(model, {}, s, first).topics.map((t) => `${t.label} ${t.count}`), ['Tag 500']);
    model.setCatalog('file:///ws/more.bib', '@misc{extra, title = {Extra}}\n');
    const next = topics(model, {}, s, await topicGroupsInTurns(model, undefined, s, counting(), undefined, 'answered'));
    assert.deepEqual(next.topics.map((t) => `${t.label} ${t.count}`), ['Tag 500', 'No topic 1']);
    assert.equal(next.computing, undefined);
  });

  test('a model result is grouped before it is shown: until then the tree is the last result\'s, then the new one at once', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('derived');
    const turns = counting();
    await topicGroupsInTurns(model, undefined, s, turns);
    model.topics.takeChanges(); // handed to the model
    const result = TopicIndex.fromResult(manyResult(12_000));
    const preparing = prepareTopicGroupsFor(model, result, model.topics.computingAfterResult, s, turns);
    const meanwhile = await topicGroupsInTurns(model, undefined, s, turns);
    assert.deepEqual(topics(model, {}, s, meanwhile).topics.map((t) => `${t.label} ${t.count}`), ['Indexing topics… 12000']);
    await preparing;
    assert.ok(turns.count >= 4, `${turns.count} turns`);
    model.topics.computed(result);
    turns.count = 0;
    const shown = await topicGroupsInTurns(model, undefined, s, turns);
    assert.equal(turns.count, 0, 'made before it was shown');
    const answer = topics(model, {}, s, shown);
    assert.deepEqual(answer.topics.map((t) => `${t.label} ${t.count} ▸${t.subtopics ?? 0}`), ['Alpha 8000 ▸2', 'Beta 4000 ▸0']);
    assert.equal(answer.computing, undefined);
    assert.deepEqual(walk(model, s, shown), walk(model, s, topicGroupsOf(model, undefined, s)));

    // Another result shown without being grouped first (the cache of the last session): the last tree, said computing, until it is made.
    const other = manyResult(12_000);
    other.placements.forEach((p) => (p.topic = 'b'));
    model.topics.show(TopicIndex.fromResult(other));
    let told = 0;
    const outdated = await topicGroupsInTurns(model, undefined, s, turns, () => told++);
    assert.deepEqual(topics(model, {}, s, outdated).topics.map((t) => `${t.label} ${t.count} ${t.subtopics ?? 0}`), ['Alpha 8000 2', 'Beta 4000 0']);
    assert.equal(topics(model, {}, s, outdated).computing, true);
    while (told === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(topics(model, {}, s, await topicGroupsInTurns(model, undefined, s, turns)).topics.map((t) => `${t.label} ${t.count}`), ['Beta 12000']);
  });

  test('a filtered request is made in steps too, and keeps only the papers the filter finds', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('derived');
    const grouped = await topicGroupsInTurns(model, 'paper 11999', s, { nextTurn: async () => {} });
    assert.ok(grouped.filterKeys?.has('p11999'));
    assert.deepEqual(topicPapers(model, { topicId: topics(model, { filter: 'paper 11999' }, s, grouped).topics[0].id, filter: 'paper 11999' }, s, grouped).map((p) => p.key).slice(0, 1), ['p11999']);
  });
});

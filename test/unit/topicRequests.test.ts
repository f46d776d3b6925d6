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
import { topicGroupsInTurns } from '../../server/src/service/topicGroups';
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
  const many = Array.from({ length: 12_000 }, (_, i) => `@misc{p${i}, title = {Paper ${i}}}`).join('\n');

  test('a request that comes before the grouping is made gets it a step at a time, other work running between the steps', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('derived');
    let turns = 0;
    const nextTurn = async () => {
      turns++;
    };
    // The tree asks for its topics and for a topic's papers at once: one grouping serves both.
    const [forTopics, forPapers] = await Promise.all([topicGroupsInTurns(model, undefined, s, nextTurn), topicGroupsInTurns(model, undefined, s, nextTurn)]);
    assert.equal(forTopics, forPapers);
    assert.ok(turns >= 4, `${turns} turns`);
    const stepsAlone = turns;
    assert.deepEqual(topics(model, {}, s, forTopics).topics.map((t) => `${t.label} ${t.count}`), ['Indexing topics… 12000']);
    assert.equal(topicPapers(model, { topicId: topics(model, {}, s).topics[0].id }, s, forPapers).length, 12_000);
    // Made: the next request answers at once.
    turns = 0;
    await topicGroupsInTurns(model, undefined, s, nextTurn);
    assert.equal(turns, 0);

    // Papers change, and again between two steps of the grouping: the request answers with the papers as they are then.
    model.setCatalog('file:///ws/more.bib', '@misc{extra, title = {Extra}}\n');
    let changed = false;
    turns = 0;
    const answer = await topicGroupsInTurns(model, undefined, s, async () => {
      if (!changed) model.setCatalog('file:///ws/even-more.bib', '@misc{extra2, title = {Extra}}\n');
      changed = true;
      turns++;
    });
    assert.deepEqual(topics(model, {}, s, answer).topics.map((t) => `${t.label} ${t.count}`), ['Indexing topics… 12002']);
    assert.ok(turns > stepsAlone, 'made again for the papers as they are');
  });

  test('a filtered request is made in steps too, and keeps only the papers the filter finds', async () => {
    const model = new WorkspaceModel();
    model.setCatalog('file:///ws/many.bib', many);
    const s = settings('derived');
    const grouped = await topicGroupsInTurns(model, 'paper 11999', s, async () => {});
    assert.ok(grouped.filterKeys?.has('p11999'));
    assert.deepEqual(topicPapers(model, { topicId: topics(model, { filter: 'paper 11999' }, s, grouped).topics[0].id, filter: 'paper 11999' }, s, grouped).map((p) => p.key).slice(0, 1), ['p11999']);
  });
});

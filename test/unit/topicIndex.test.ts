import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { packTopics, TopicIndex, TopicIndexBuilder } from '../../server/src/search/topicIndex';
import type { TopicResult } from '../../server/src/search/topicResult';

const result: TopicResult = {
  topics: [
    { id: 'gs', label: 'Gaussian Splatting', terms: ['gaussian', 'splatting'], size: 3 },
    { id: 'gs-dyn', label: 'Dynamic Scenes', terms: ['dynamic'], parentId: 'gs', size: 2 },
    { id: 'gs-sparse', label: 'Sparse Views', terms: ['sparse view'], parentId: 'gs', size: 1 },
    { id: 'pose', label: 'Pose Estimation', terms: ['pose'], size: 1 },
  ],
  placements: [
    { key: 'b', topic: 'gs-dyn', also: 'pose', related: ['a', 'c', '__proto__'] },
    { key: 'a', topic: 'gs-dyn', related: ['b'] },
    { key: '__proto__', topic: 'pose', related: [] },
    { key: 'c', topic: 'gs-sparse', related: ['gone', 'a'] },
  ],
};

describe('TopicIndex', () => {
  const index = TopicIndex.fromResult(result);

  test('a paper\'s topic, second fit and related papers (keys are any text, "__proto__" too)', () => {
    assert.deepEqual(index.placement('b'), { topic: result.topics[1], also: result.topics[3], related: ['a', 'c', '__proto__'] });
    assert.deepEqual(index.placement('__proto__'), { topic: result.topics[3], also: undefined, related: [] });
    // A related key the result does not place is dropped.
    assert.deepEqual(index.placement('c')?.related, ['a']);
    assert.equal(index.placement('nobody'), undefined);
    assert.equal(index.size, 4);
  });

  test('top-level topics, subtopics, paths and the papers under a topic with its subtopics', () => {
    assert.deepEqual(index.subtopicsOf().map((t) => t.id), ['gs', 'pose']);
    assert.deepEqual(index.subtopicsOf('gs').map((t) => t.id), ['gs-dyn', 'gs-sparse']);
    assert.equal(index.subtopicCount('gs'), 2);
    assert.deepEqual(index.pathTo('gs-sparse'), ['gs', 'gs-sparse']);
    assert.deepEqual(index.keysUnder('gs'), ['a', 'b', 'c']);
    assert.deepEqual(index.keysUnder('gs-dyn'), ['a', 'b']);
    assert.deepEqual(index.keysUnder('nothing'), []);
  });

  test('round trip through pieces gives the same result, placements in key order', () => {
    const back = index.toResult();
    assert.deepEqual(back.topics, result.topics);
    assert.deepEqual(back.placements.map((p) => p.key), ['__proto__', 'a', 'b', 'c']);
    assert.deepEqual(back.placements.find((p) => p.key === 'b'), result.placements[0]);
  });

  test('a parent cycle in a broken result neither hangs nor crashes', () => {
    const cyclic = TopicIndex.fromResult({
      topics: [
        { id: 'x', label: 'X', terms: [], parentId: 'y', size: 1 },
        { id: 'y', label: 'Y', terms: [], parentId: 'x', size: 1 },
      ],
      placements: [{ key: 'k', topic: 'x', related: [] }],
    });
    assert.deepEqual(cyclic.keysUnder('x'), ['k']);
    assert.ok(cyclic.pathTo('x').length <= 2);
  });
});

describe('TopicIndexBuilder: pieces from a worker or a cache file', () => {
  const pieces = packTopics(result);

  test('built piece by piece', () => {
    const builder = new TopicIndexBuilder(JSON.parse(pieces.head));
    for (const piece of pieces.rows) assert.equal(builder.add(JSON.parse(piece)), true);
    assert.deepEqual(builder.finish()?.toResult(), TopicIndex.fromResult(result).toResult());
  });

  test('anything not written by packTopics gives no index', () => {
    const head = JSON.parse(pieces.head) as { topics: unknown[]; papers: number };
    const rows = JSON.parse(pieces.rows[0]) as unknown[][];
    const build = (h: unknown, r: unknown) => {
      const builder = new TopicIndexBuilder(h);
      builder.add(r);
      return builder.finish();
    };
    assert.ok(build(head, rows));
    assert.equal(build({ ...head, papers: 5 }, rows), undefined, 'a piece missing');
    assert.equal(build({ ...head, topics: [{ id: 'x' }] }, rows), undefined, 'a topic without label');
    assert.equal(build(null, rows), undefined);
    assert.equal(build(head, [...rows].reverse()), undefined, 'keys out of order');
    assert.equal(build(head, rows.map((row) => [row[0], 99, -1])), undefined, 'a topic number out of range');
    assert.equal(build(head, rows.map((row) => [...row.slice(0, 3), 1e9])), undefined, 'a related row out of range');
    assert.equal(build(head, '[not rows]'), undefined);
  });
});

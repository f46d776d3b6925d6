import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compactDocument } from '../../server/src/node/compactDocument';
import { buildTopics, topicTextHash } from '../../server/src/search/topicModel';
import type { TopicDocument } from '../../server/src/search/topicResult';

const docs: TopicDocument[] = [
  { key: 'a', title: 'Sparse Attention for Long Documents', abstract: 'Sparse attention — “local” windows and β-sparsity — reads long documents.', keywords: ['attention'] },
  { key: 'b', title: 'Sparse Attention in Vision Transformers', abstract: 'Vision transformers with sparse attention over image patches.' },
  { key: 'c', title: 'Gaussian Splatting of Dynamic Scenes', abstract: 'Gaussians move over time: dynamic scenes rendered by splatting.' },
  { key: 'd', title: 'Compact Gaussian Splatting' },
];

describe('compactDocument (how the topic worker keeps a paper)', () => {
  test('reads as the paper it was made from: the same text, the same hash of it', () => {
    for (const doc of docs) {
      const compact = compactDocument(doc);
      assert.equal(compact.abstract, doc.abstract);
      assert.equal(compact.textHash, topicTextHash(doc));
    }
  });

  test('the model gives the same topics, placements and hashes from compact documents as from plain ones', () => {
    assert.deepEqual(buildTopics(docs.map(compactDocument)), buildTopics(docs));
  });
});

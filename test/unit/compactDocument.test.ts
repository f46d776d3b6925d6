import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compactCutDocument, compactDocument, documentHash } from '../../server/src/node/compactDocument';
import { cutDocument } from '../../server/src/service/topicDocuments';
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

  test('cut as it is hashed (the topic worker): the same abstract, hashes and topics as cut first, then kept', () => {
    const separators = [' ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '  '];
    const long = Array.from({ length: 340 }, (_, i) => `wörd${i}${separators[i % separators.length]}`).join('');
    for (const doc of [...docs, { key: 'long', title: 'A Long Abstract', abstract: long, keywords: ['length'] }, { key: 'exact', abstract: long.split(/\s+/).slice(0, 300).join(' ') + ' ' }]) {
      const cutFirst = compactDocument(cutDocument(doc));
      const cutWhileHashed = compactCutDocument(doc, 300);
      assert.equal(cutWhileHashed.abstract, cutFirst.abstract, doc.key);
      assert.equal(documentHash(cutWhileHashed), documentHash(cutFirst), doc.key);
      assert.equal(cutWhileHashed.textHash, cutFirst.textHash, doc.key);
    }
    assert.equal(compactCutDocument({ key: 'long', abstract: long }, 300).abstract?.split(/\s+/).length, 300);
  });

  test('the model gives the same topics, placements and hashes from compact documents as from plain ones', () => {
    assert.deepEqual(buildTopics(docs.map(compactDocument)), buildTopics(docs));
  });
});

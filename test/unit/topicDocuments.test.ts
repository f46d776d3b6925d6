import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Paper } from '../../server/src/catalog/paper';
import { ABSTRACT_WORDS, firstWords, topicDocument } from '../../server/src/service/topicDocuments';

const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const paper = (fields: Partial<Paper>): Paper => ({ key: 'k', type: 'article', authors: [], keywords: [], files: [], source: { uri: 'file:///a.bib', range: r, keyRange: r }, ...fields });

describe('what the topic model reads of a paper', () => {
  test('key, title, keywords, and the abstract up to its 300th word', () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const doc = topicDocument(paper({ title: 'Sparse Attention', abstract: words.join(' '), keywords: ['attention'] }));
    assert.equal(ABSTRACT_WORDS, 300);
    assert.deepEqual(doc, { key: 'k', title: 'Sparse Attention', abstract: words.slice(0, 300).join(' '), keywords: ['attention'] });
  });

  test('an abstract of a usual length (about 220 words) is read whole: its end tells topics apart too', () => {
    const abstract = Array.from({ length: 220 }, (_, i) => `w${i}`).join(' ');
    assert.equal(topicDocument(paper({ abstract })).abstract, abstract);
  });

  test('words are runs without white space of any kind; a shorter text comes back whole', () => {
    assert.equal(firstWords('one\ttwo\n\nthree\u00a0four  five', 3), 'one\ttwo\n\nthree');
    assert.equal(firstWords('  leading spaces here ', 2), '  leading spaces');
    assert.equal(firstWords('just two', 5), 'just two');
    assert.equal(firstWords('', 5), '');
  });

  test('a paper with nothing but a key', () => {
    assert.deepEqual(topicDocument(paper({})), { key: 'k' });
  });
});

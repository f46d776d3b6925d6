import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchWords } from '../../server/src/search/tokenize';

test('searchable words: folded, plus the parts of camel-case words, and nothing more for plain words', () => {
  assert.deepEqual(searchWords('LangSplatV2 Feat2GS MMInference'), ['langsplatv2', 'lang', 'splat', 'v2', 'feat2gs', 'feat2', 'gs', 'mminference', 'mm', 'inference']);
  assert.deepEqual(searchWords('Gaussian splatting, sparse-view 3D'), ['gaussian', 'splatting', 'sparse', 'view', '3d', '3', 'd']);
  assert.deepEqual(searchWords('ÉtudeDes Müller naïveBayes'), ['etudedes', 'etude', 'des', 'muller', 'naivebayes', 'naive', 'bayes']);
});

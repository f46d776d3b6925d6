import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { foldAccents, rawWords, searchWords } from '../../server/src/search/tokenize';

test('searchable words: folded, plus the parts of camel-case words, and nothing more for plain words', () => {
  assert.deepEqual(searchWords('LangSplatV2 Feat2GS MMInference'), ['langsplatv2', 'lang', 'splat', 'v2', 'feat2gs', 'feat2', 'gs', 'mminference', 'mm', 'inference']);
  assert.deepEqual(searchWords('Gaussian splatting, sparse-view 3D'), ['gaussian', 'splatting', 'sparse', 'view', '3d', '3', 'd']);
  assert.deepEqual(searchWords('ÉtudeDes Müller naïveBayes'), ['etudedes', 'etude', 'des', 'muller', 'naivebayes', 'naive', 'bayes']);
});

/** searchWords as the Unicode regex defines it: each raw word folded, then its camel-case parts. */
function searchWordsByRegex(text: string): string[] {
  const boundary = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
  return rawWords(text).flatMap((raw) => {
    const parts = raw.split(boundary);
    return [foldAccents(raw), ...(parts.length > 1 ? parts.map(foldAccents) : [])];
  });
}

test('the one-pass scan of ASCII text gives the words the Unicode regex gives, for any text', () => {
  const ascii = fc.string({ unit: fc.constantFrom(...'aZm09 -_.,:;/\\{}()\'"XyQk\t\n') });
  const mixed = fc.string({ unit: fc.constantFrom(...'aZ0 -éÉüßŁ漢😀\u0301', 'Ab', 'cD', 'MMi', 'x2Y') });
  for (const texts of [ascii, mixed]) {
    fc.assert(fc.property(texts, (text) => assert.deepEqual(searchWords(text), searchWordsByRegex(text))), { numRuns: 2000 });
  }
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenBuffer, tokenizeInto, tokenizeUtf8Into, WordTable } from '../../server/src/search/topicTerms';

/** The word stems and phrase breaks ("|") a text gives, read as text or as its UTF-8 bytes, into one word table. */
function read(text: string, words: WordTable, asBytes: boolean): string {
  const out = new TokenBuffer();
  if (asBytes) tokenizeUtf8Into(new TextEncoder().encode(text), 1, words, out);
  else tokenizeInto(text, 1, words, out);
  return Array.from(out.ids.subarray(0, out.length), (id) => (id < 0 ? '|' : words.stems[id])).join(' ');
}

describe('tokenizeUtf8Into (the worker keeps abstracts as UTF-8)', () => {
  const texts = [
    'Few-Shot Learning of Sparse Attention, with 3D Gaussian Splatting (3DGS).',
    'Ünïcödé wörds — “curly quotes” and β-NMR of La₁₋ₓSrₓCuO₄; naïve café Müller.',
    'Math letters 𝒜𝒷𝒸 and emoji 😀 inside words: x😀y, CJK 𝠀 extension; 日本語 text.',
    'A lone surrogate \ud800 between words, tabs\tand\nnewlines, en–dash and non‑breaking‑hyphen.',
    '',
    'ALL CAPS TITLE: Zero-Shot Out-of-Distribution Detection in 2024',
  ];
  for (const text of texts) {
    test(`the same terms and breaks as the text: ${JSON.stringify(text.slice(0, 40))}`, () => {
      const words = new WordTable();
      const asText = read(text, words, false);
      // The same table, as the model shares one per run: ids found either way must agree.
      assert.equal(read(text, words, true), asText);
      // And on a fresh table, where the bytes meet each word first.
      const fresh = new WordTable();
      assert.equal(read(text, fresh, true), read(text, fresh, false));
    });
  }

  test('reads words as a reader would: stems, stop words and prose left out, breaks at punctuation', () => {
    assert.equal(read('Sparse attention, for long documents.', new WordTable(), true), 'sparse attention | long document |');
  });
});

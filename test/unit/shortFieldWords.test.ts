import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Paper, Person } from '../../server/src/catalog/paper';
import { ShortFieldWords } from '../../server/src/search/shortFieldWords';
import { isStopWord, plainWords, rawWords, searchWords, singular, umlautSpelling } from '../../server/src/search/tokenize';

/** The words as the index took them before ShortFieldWords: each text through searchWords. */
function reference(paper: Paper): string[][] {
  const content = (text: string | undefined) => (text ? searchWords(text).filter((word) => !isStopWord(word)).map(singular) : []);
  const person = (p: Person) =>
    [p.family, p.given, p.particle, p.literal].flatMap((part) => (part ? [...searchWords(part), ...rawWords(part).flatMap((raw) => umlautSpelling(raw) ?? [])] : []));
  const keyWords = new Set(searchWords(paper.key));
  for (const word of [...keyWords]) for (const part of word.split(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u)) if (part.length >= 2) keyWords.add(part);
  return [[...keyWords], content(paper.title), paper.authors.flatMap(person).map(singular), paper.keywords.flatMap(content), content(paper.venue), paper.year ? plainWords(paper.year) : []];
}

function paper(key: string, title: string, authors: Person[], keywords: string[] = [], venue?: string): Paper {
  return { key, type: 'article', title, authors, keywords, venue, year: '2024', files: [], source: { uri: 'file:///c.bib', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, keyRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } } as Paper;
}

test('a paper\'s words: the key cut at digits, title and venue without stop words, names with their German spelling, camel-case parts', () => {
  const words = new ShortFieldWords().of(
    paper('mueller2020LangSplat', 'The LangSplat Models of Étude-Des Crossings', [{ family: 'Müller', given: 'Jörg' }, { literal: 'OpenAI Team' }], ['Gaussian Splatting'], 'Proceedings of NeurIPS'),
  );
  assert.deepEqual(words, [
    ['mueller2020langsplat', 'mueller2020', 'lang', 'splat', 'mueller', '2020', 'langsplat'],
    ['langsplat', 'lang', 'splat', 'model', 'etude', 'des', 'crossing'],
    ['muller', 'mueller', 'jorg', 'joerg', 'openai', 'open', 'ai', 'team'],
    ['gaussian', 'splatting'],
    ['proceeding', 'neurip', 'neur', 'ips'],
    ['2024'],
  ]);
});

test('the same words as each text through the Unicode tokenizer, for any text: ASCII, accents, CJK, astral letters and emoji, marks, lone surrogates', () => {
  const unit = fc.constantFrom(...'aZm09 -_.,:/{}()\'"XyQk\t', 'é', 'É', 'Ü', 'ü', 'ß', 'ø', 'Ł', '漢', '😀', '𝐀', '\u0301', '\ud800', 'Ab', 'cD', 'MMi', 'x2Y', 'ABz', 'HTTPServer', 'z9Q', 'The ', ' of ', 'es ', 'ies');
  const text = fc.string({ unit, maxLength: 24 });
  const person = fc.record({ family: text, given: fc.option(text, { nil: undefined }), literal: fc.option(text, { nil: undefined }) });
  const words = new ShortFieldWords(); // one for every run: entries are shared across papers
  fc.assert(
    fc.property(text, text, fc.array(person, { maxLength: 3 }), fc.array(text, { maxLength: 2 }), text, (key, title, authors, keywords, venue) => {
      const p = paper(key, title, authors, keywords, venue);
      assert.deepEqual(words.of(p), reference(p));
    }),
    { numRuns: 3000 },
  );
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import type { Paper } from '../../server/src/catalog/paper';
import { AbstractWordCounter, type CountedAbstract } from '../../server/src/search/abstractIndex';
import { PaperIndex } from '../../server/src/search/paperIndex';
import { plainWords } from '../../server/src/search/tokenize';
import { collectGarbage } from '../bench/gc';
import { generatePapers } from '../bench/generate';
import { prng, withTypo } from '../bench/queries';

const demoPath = join(__dirname, '..', '..', 'examples', 'demo', 'papers.bib');
const demo = parseBibtex(readFileSync(demoPath, 'utf8'), 'file:///demo/papers.bib').papers;

function demoIndex(): PaperIndex {
  const index = new PaperIndex();
  index.add(demo);
  return index;
}

function keys(index: PaperIndex, query: string, limit = 10): string[] {
  return index.search(query, limit).map((hit) => hit.key);
}

const SPLATTING = ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W'];

/** A small catalog with the fields the demo lacks: authors, years, venues, keywords. */
const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
/**
 * 3,000 untitled papers (`${keyPrefix}0`…) whose abstracts are `words` words drawn with a seeded
 * generator from 300 made-up ones (`${wordPrefix}aa`…): every run the same, every word frequent.
 */
function randomAbstracts(wordPrefix: string, keyPrefix: string, seed: number, words: number): { vocabulary: string[]; papers: Paper[] } {
  const vocabulary = Array.from({ length: 300 }, (_, i) => `${wordPrefix}${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const papers = Array.from({ length: 3000 }, (_, i) => paper(`${keyPrefix}${i}`, { title: 'Untitled', abstract: Array.from({ length: words }, () => vocabulary[Math.floor(random() * 300)]).join(' ') }));
  return { vocabulary, papers };
}

/** Counts the papers' abstracts as the worker does, into `counted`. */
function countAbstracts(counter: AbstractWordCounter, papers: readonly Paper[], counted: Map<Paper, CountedAbstract>): void {
  for (const p of papers) {
    const counts: number[] = [];
    counter.count(p.abstract, counts);
    counted.set(p, { vocabulary: counter.vocabulary, counts, at: 0 });
  }
}

function paper(key: string, fields: Partial<Paper>): Paper {
  return { key, type: 'article', authors: [], keywords: [], files: [], source: { uri: 'file:///a.bib', range: r, keyRange: r }, ...fields };
}
const authored = [
  paper('vaswani2017attention', {
    title: 'Attention Is All You Need',
    authors: [{ family: 'Vaswani', given: 'Ashish' }, { family: 'Shazeer', given: 'Noam' }],
    year: '2017',
    venue: 'NeurIPS',
    abstract: 'The dominant sequence transduction models are based on recurrent networks.',
  }),
  paper('mueller2020optics', {
    title: 'Optical Lattices',
    authors: [{ family: 'Müller', given: 'Jörg' }],
    year: '2020',
    venue: 'Physical Review Letters',
    keywords: ['quantum gases'],
  }),
  paper('smith2019transformers', {
    title: 'Why Vaswani Style Transformers Generalize',
    authors: [{ family: 'Smith', given: 'Jane' }],
    year: '2019',
    abstract: 'We revisit the architecture of Vaswani et al. and the attention of Shazeer.',
  }),
  paper('dupont2021gases', {
    title: 'Ultracold Gases',
    authors: [{ family: 'Dupont', given: 'Élodie' }],
    year: '2021',
    abstract: 'Experiments after Müller on optical lattices.',
  }),
];

describe('PaperIndex on the demo catalog', () => {
  const index = demoIndex();

  test('indexes every paper', () => {
    assert.equal(demo.length, 64);
    assert.equal(index.size, 64);
  });

  test('"g", "ga", "gau"… while "gauss" is typed: never an empty list, the Gaussian Splatting titles in it from the first letter', () => {
    for (let n = 1; n <= 'gauss'.length; n++) {
      const hits = keys(index, 'gauss'.slice(0, n), 20);
      for (const key of SPLATTING) assert.ok(hits.includes(key), `"${'gauss'.slice(0, n)}": ${hits.join()}`);
    }
    // A letter no key starts with still completes title words ("Gaussian", "Gradient"), not only keys.
    assert.ok(!demo.some((p) => p.key.toLowerCase().startsWith('g')));
  });

  test('"gauss": the four Gaussian Splatting titles first, before abstract-only mentions', () => {
    const hits = keys(index, 'gauss');
    assert.deepEqual(hits.slice(0, 4).sort(), SPLATTING);
    // EDGS only speaks of Gaussians in its abstract: it may come, but after the titles.
    assert.ok(hits.includes('EDGS'), hits.join());
    assert.ok(hits.indexOf('EDGS') > 3);
  });

  test('"seer": SeerAttention first (key and title word)', () => {
    assert.equal(keys(index, 'seer')[0], 'SeerAttention');
  });

  test('"sparse autoenc": the three sparse autoencoder papers, then only weaker matches', () => {
    const hits = keys(index, 'sparse autoenc');
    assert.deepEqual(hits.slice(0, 3).sort(), ['adaptiveSparseAllocation', 'principledEvaluationsSparse', 'probingRepresentationalPower']);
  });

  test('"retriev": papers with retrieval/retrievers in the title first', () => {
    const hits = keys(index, 'retriev');
    assert.deepEqual(hits.slice(0, 6).sort(), [
      'FineCIR',
      'Mistral-SPLADE',
      'OneRec',
      'competitiveSearchRelevance',
      'composedImageRetrieval',
      'interpolateInterpolatePrf',
    ]);
  });

  test('typos: "gausian splating" still finds the splatting papers', () => {
    assert.deepEqual(keys(index, 'gausian splating', 5).slice(0, 4).sort(), SPLATTING);
  });

  test('"Feat2": key prefix first', () => {
    assert.equal(keys(index, 'Feat2')[0], 'Feat2GS');
  });

  test('an exact key (any case) comes before key prefixes and text matches', () => {
    assert.deepEqual(keys(index, 'moa'), ['MoA']);
    assert.equal(keys(index, 'r-sparse')[0], 'R-Sparse');
    // "sparse" is a prefix of several keys: those come before papers that only say "sparse".
    const keyed = demo.filter((p) => p.key.toLowerCase().startsWith('sparse')).map((p) => p.key);
    assert.deepEqual(keys(index, 'sparse', keyed.length).sort(), keyed.sort());
  });

  test('"semantic correspondence": the three semantic correspondence papers on top', () => {
    assert.deepEqual(keys(index, 'semantic correspondence', 3).sort(), [
      'distillationDiffusionFeatures',
      'sparseSemanticMap',
      'taleTwoFeatures',
    ]);
  });

  test('a title word outranks the same word only in the abstract', () => {
    // "pruning" is in three titles; other papers only mention it in their abstracts.
    const hits = keys(index, 'pruning ');
    assert.deepEqual(hits.slice(0, 3).sort(), ['CoreMatching', 'efficientPruningText', 'sparseModelSoups']);
    assert.ok(hits.length > 3, 'abstract mentions are found too');
  });

  test('words are AND-ed: every hit has both words when some paper does', () => {
    const hits = keys(index, 'diffusion pruning', 20);
    assert.equal(hits[0], 'efficientPruningText');
    for (const key of hits) {
      const p = demo.find((paper) => paper.key === key) as Paper;
      const text = `${p.title} ${p.abstract}`.toLowerCase();
      assert.ok(text.includes('diffusion') && text.includes('prun'), key);
    }
  });

  test('falls back to OR when no paper has every word', () => {
    const hits = keys(index, 'splatting recommendation ', 20);
    assert.deepEqual(hits.slice(0, 6).sort(), ['dynamicSparseLearning', 'refiningContrastiveLearning', ...SPLATTING].sort());
  });

  test('an empty or blank query finds nothing; limit is respected', () => {
    assert.deepEqual(index.search('', 10), []);
    assert.deepEqual(index.search('   ', 10), []);
    assert.equal(index.search('sparse', 3).length, 3);
    assert.deepEqual(index.search('sparse', 0), []);
  });

  test('nothing found for words no paper has', () => {
    assert.deepEqual(index.search('zzzzqqq', 10), []);
  });

  test('scores never increase down the list and ties are ordered by key', () => {
    const hits = index.search('sparse', 64);
    for (let i = 1; i < hits.length; i++) {
      assert.ok(hits[i - 1].score >= hits[i].score);
      if (hits[i - 1].score === hits[i].score) assert.ok(hits[i - 1].key < hits[i].key);
    }
  });

  test('the same results whatever order the papers were added in', () => {
    const reversed = new PaperIndex();
    reversed.add([...demo].reverse());
    for (const query of ['gauss', 'sparse att', 'retrieval ', 'dense correspondence']) {
      assert.deepEqual(reversed.search(query, 10), index.search(query, 10), query);
    }
  });

  test('a word typed as a prefix finds abstracts that use it, also words that came with papers added after the last search', () => {
    const index = new PaperIndex();
    index.add([paper('a1', { title: 'Untitled', abstract: 'We study transduction with recurrent networks.' })]);
    assert.deepEqual(keys(index, 'transd'), ['a1']);
    index.add([paper('a2', { title: 'Untitled', abstract: 'A transducer for speech.' })]);
    assert.deepEqual(keys(index, 'transd').sort(), ['a1', 'a2']);
    assert.deepEqual(keys(index, 'transduce'), ['a2']);
  });

  test('abstracts past one chunk of the posting log (65,536): every paper with a word is found', () => {
    const { vocabulary, papers: many } = randomAbstracts('term', 'p', 7, 40);
    const big = new PaperIndex();
    for (let i = 0; i < many.length; i += 100) big.addShortFields(many.slice(i, i + 100));
    for (let i = 0; i < many.length; i += 100) big.addAbstracts(many.slice(i, i + 100));
    // A paper edited while the rows are being sorted: its postings are logged behind the sorted ones.
    const steps = big.settleAbstracts();
    steps.next();
    const edited = [paper('p0', { title: 'Untitled', abstract: 'termzz only' })];
    big.addShortFields(edited);
    big.addAbstracts(edited);
    for (const _ of steps);
    for (const word of [vocabulary[0], vocabulary[150], vocabulary[299], 'termzz']) {
      const expected = [...many.slice(1), paper('p0', { abstract: 'termzz only' })].filter((p) => p.abstract!.split(' ').includes(word)).map((p) => p.key).sort();
      assert.deepEqual(big.search(`${word} `, 5000).map((hit) => hit.key).sort(), expected, word);
    }
  });

  test('abstracts counted elsewhere (the worker) added in bulk, with an edit, a removal and another sort while they are sorted in: found as if their text was indexed', () => {
    const { vocabulary, papers: many } = randomAbstracts('word', 'q', 11, 100);
    const counter = new AbstractWordCounter();
    const counted = new Map<Paper, CountedAbstract>();
    countAbstracts(counter, many, counted);
    const big = new PaperIndex();
    for (let i = 0; i < many.length; i += 100) big.addShortFields(many.slice(i, i + 100));
    for (let i = 0; i < many.length; i += 100) big.addAbstracts(many.slice(i, i + 100), (p) => counted.get(p));
    // Not searched before they are sorted in (a search would sort them all at once).
    assert.deepEqual(big.search(`${vocabulary[0]} `, 5), []);
    const steps = big.settleAbstracts();
    steps.next();
    // An edit sorts everything in at once while the sliced sort waits: that one's result is dropped.
    const edited = paper('q1', { title: 'Untitled', abstract: 'wordzz again' });
    big.add([edited]);
    big.remove(['q2']);
    // More papers in bulk, with words never seen, before the sliced sort goes on.
    const later = Array.from({ length: 50 }, (_, i) => paper(`later${i}`, { title: 'Untitled', abstract: `wordnew${i % 5} ${vocabulary[i]}` }));
    countAbstracts(counter, later, counted);
    big.addShortFields(later);
    big.addAbstracts(later, (p) => counted.get(p));
    for (const _ of steps);
    for (const _ of big.settleAbstracts());
    const final = [many[0], edited, ...many.slice(3), ...later];
    const reference = new PaperIndex();
    reference.add(final);
    for (const word of [vocabulary[0], vocabulary[150], vocabulary[299], 'wordzz', 'wordnew3']) {
      const expected = final.filter((p) => p.abstract!.split(' ').includes(word)).map((p) => p.key).sort();
      assert.deepEqual(big.search(`${word} `, 5000).map((hit) => hit.key).sort(), expected, word);
      assert.deepEqual(big.search(word, 20), reference.search(word, 20), `${word}: the same ranking`);
    }
  });

  test('a bulk load in slices finds what one add finds', () => {
    const sliced = new PaperIndex();
    for (let i = 0; i < demo.length; i += 10) sliced.addShortFields(demo.slice(i, i + 10));
    for (let i = 0; i < demo.length; i += 10) sliced.addAbstracts(demo.slice(i, i + 10));
    for (const _ of sliced.settleAbstracts());
    for (const query of ['gauss', 'sparse att', 'retrieval ', 'dense correspondence', 'pruning']) {
      assert.deepEqual(sliced.search(query, 10), index.search(query, 10), query);
    }
  });
});

describe('PaperIndex on authors, years, venues and keywords', () => {
  const index = new PaperIndex();
  index.add(authored);

  test('a surname finds the author first, before a paper naming them in title or abstract', () => {
    assert.deepEqual(keys(index, 'vaswani'), ['vaswani2017attention', 'smith2019transformers']);
    assert.deepEqual(keys(index, 'shazeer'), ['vaswani2017attention', 'smith2019transformers']);
  });

  test('an abstract counts one term per word whatever its case and accents (spellings are folded once each)', () => {
    const counter = new AbstractWordCounter();
    const counts: number[] = [];
    counter.count('Sparse sparse SPARSE Müller muller Mu\u0308ller MÜLLER the Sparse', counts);
    const [length, distinct, ...terms] = counts;
    assert.deepEqual(
      { length, distinct, terms: terms.map((t) => [counter.vocabulary[Math.floor(t / 256)], t % 256]) },
      { length: 8, distinct: 2, terms: [['sparse', 4], ['muller', 4]] },
    );
  });

  test('counting an abstract sliced from a big text keeps none of that text (the worker would keep the whole catalog)', () => {
    const counter = new AbstractWordCounter();
    const countSliceOfBigText = (): void => {
      // 40 MB of catalog, and an abstract that V8 keeps as a slice of it, with words new to the counter.
      const catalog = `${'x'.repeat(40_000_000)} Distinctivelongword anotherdistinctword ${'y'.repeat(20)}`;
      const abstract = catalog.slice(40_000_000);
      counter.count(abstract, []);
    };
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    countSliceOfBigText();
    collectGarbage();
    const kept = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    assert.deepEqual(counter.vocabulary.slice(0, 2), ['distinctivelongword', 'anotherdistinctword']);
    assert.ok(kept < 10, `the counter keeps ${kept.toFixed(1)} MB`);
  });

  test('accents fold both ways, and "mueller" finds "Müller"', () => {
    assert.deepEqual(keys(index, 'muller'), ['mueller2020optics', 'dupont2021gases']);
    assert.deepEqual(keys(index, 'mueller ')[0], 'mueller2020optics');
    assert.deepEqual(keys(index, 'Müller')[0], 'mueller2020optics');
    assert.deepEqual(keys(index, 'elodie'), ['dupont2021gases']);
    assert.deepEqual(keys(index, 'jorg'), ['mueller2020optics']);
  });

  test('year, venue and keywords are searchable', () => {
    assert.deepEqual(keys(index, '2019'), ['smith2019transformers']);
    assert.deepEqual(keys(index, 'neurips'), ['vaswani2017attention']);
    assert.deepEqual(keys(index, 'quantum'), ['mueller2020optics']);
  });

  test('surname and year together narrow to one paper', () => {
    assert.deepEqual(keys(index, 'vaswani 2017'), ['vaswani2017attention']);
  });

  test('a key part typed alone finds the paper (doe2020quantum → quantum, 2020)', () => {
    assert.deepEqual(keys(index, 'optics'), ['mueller2020optics']);
  });
});

describe('PaperIndex updates', () => {
  test('remove takes papers out of results and size', () => {
    const index = demoIndex();
    index.remove(['SeerAttention', 'not-a-key']);
    assert.equal(index.size, 63);
    assert.ok(!keys(index, 'seer', 64).includes('SeerAttention'));
    assert.ok(!keys(index, 'sparse attention', 64).includes('SeerAttention'));
  });

  test('adding a key again replaces the paper', () => {
    const index = demoIndex();
    const seer = demo.find((p) => p.key === 'SeerAttention') as Paper;
    index.add([{ ...seer, title: 'Completely Different Words', abstract: undefined }]);
    assert.equal(index.size, 64);
    assert.ok(!keys(index, 'intrinsic', 64).includes('SeerAttention'));
    assert.deepEqual(keys(index, 'completely different'), ['SeerAttention']);
  });

  test('replaceAll starts over', () => {
    const index = demoIndex();
    index.replaceAll(authored);
    assert.equal(index.size, 4);
    assert.deepEqual(index.search('gauss', 10), []);
    assert.deepEqual(keys(index, 'vaswani')[0], 'vaswani2017attention');
  });

  test('a word typed before a paper brings it is found once the paper is in (expansions of earlier queries are not reused)', () => {
    const index = demoIndex();
    // Words no demo paper has: looked up (exact, typo walk, prefix) and found nowhere, twice.
    for (let i = 0; i < 2; i++) assert.deepEqual(keys(index, 'hyperwombat marsupial ', 64).concat(keys(index, 'hyperwombta ', 64)), []);
    index.add([paper('wombat2031', { title: 'Hyperwombat Marsupial' })]);
    assert.deepEqual(keys(index, 'hyperwombat marsupial '), ['wombat2031']);
    assert.deepEqual(keys(index, 'hyperwombta '), ['wombat2031'], 'one typo away');
    // And gone again once removed.
    index.remove(['wombat2031']);
    assert.deepEqual(keys(index, 'hyperwombat marsupial '), []);
  });

  test('many removals compact the index without changing results', () => {
    const index = new PaperIndex();
    const many: Paper[] = [];
    for (let i = 0; i < 3000; i++) {
      many.push(paper(`p${i}`, { title: `Study number ${i} of ${i % 2 === 0 ? 'lattices' : 'gases'}`, abstract: `An abstract about topic${i % 7}.` }));
    }
    index.add(many);
    index.remove(many.slice(0, 2500).map((p) => p.key));
    assert.equal(index.size, 500);
    assert.equal(keys(index, 'lattices', 1000).length, 250);
    assert.equal(keys(index, 'topic3 ', 1000).length, many.slice(2500).filter((_, i) => (i + 2500) % 7 === 3).length);
  });
});

describe('PaperIndex ranking for what people remember of a title', () => {
  const papers = [
    paper('krajewski1991ternary', { title: 'Ternary compounds', abstract: 'Defects in nitrides and other ternary compounds.' }),
    paper('ray2019ternary', { title: 'Ternary phases revisited', abstract: 'Nitrides with a defect structure.' }),
    paper('mukhtarova2012estimation', { title: 'Estimation of defect densities in ternary nitrides', abstract: 'We estimate.' }),
    paper('lee2017polyomni', { title: 'Sample density and its measurement', abstract: 'Samples.' }),
    paper('mckiernan2010toward', { title: 'Toward applications of metals', abstract: 'Metals.' }),
    // Shorter titles with only some of the words: first when a typo is not understood.
    paper('bishop1996density', { title: 'Density' }),
    paper('cava1993toward', { title: 'Toward applications' }),
  ];
  const index = new PaperIndex();
  index.add(papers);

  test('a title holding every typed word beats a rare word in key and title with the rest in the abstract', () => {
    assert.equal(keys(index, 'defect ternary nitrides')[0], 'mukhtarova2012estimation');
  });

  test('two neighbouring letters swapped count as one typo', () => {
    assert.equal(keys(index, 'sampel density')[0], 'lee2017polyomni');
    assert.deepEqual(keys(index, 'densiyt ').sort(), ['bishop1996density', 'lee2017polyomni', 'mukhtarova2012estimation']);
  });

  test('a typo in a plural is measured against the singular', () => {
    assert.equal(keys(index, 'toward applications mekals')[0], 'mckiernan2010toward');
  });
});

describe('PaperIndex ties', () => {
  test('more tied papers than the limit: the first keys in order, whatever order they were added in', () => {
    const keysAdded = Array.from({ length: 300 }, (_, i) => `k${String((i * 7919) % 300).padStart(3, '0')}`);
    const index = new PaperIndex();
    for (let i = 0; i < keysAdded.length; i += 50) index.add(keysAdded.slice(i, i + 50).map((key) => paper(key, { title: 'Same title' })));
    assert.deepEqual(keys(index, 'k', 5), ['k000', 'k001', 'k002', 'k003', 'k004']);
    assert.deepEqual(keys(index, 'same title', 3), ['k000', 'k001', 'k002']);
  });
});

describe('PaperIndex: the best few are the first few of the whole ranking', () => {
  // A generated catalog (the bench's generator: real titles, names and abstract sentences): common
  // title words are in hundreds of titles, so a search for the best few can stop early, and must
  // still find exactly the papers, in the order and with the scores, of ranking every match.
  const generated = generatePapers(2500, 7).papers;
  const asPaper = (p: (typeof generated)[number], title = p.title) =>
    paper(p.key, {
      title,
      authors: p.authors.map((name) => (name.includes(',') ? { family: name.split(',')[0].trim(), given: name.split(',')[1].trim() } : { literal: name })),
      year: String(p.year),
      venue: p.venue,
      keywords: p.keywords ?? [],
      abstract: p.abstract,
    });
  const random = prng(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const typed: string[] = [];
  for (let i = 0; i < 40; i++) {
    const p = pick(generated);
    const words = plainWords(p.title).filter((w) => w.length >= 3);
    if (words.length === 0) continue;
    const surname = plainWords(p.authors[0] ?? '')[0] ?? 'doe';
    const typo = withTypo(pick(words), random);
    for (const query of [pick(words), `${pick(words)}-${pick(words)}`, `${pick(words)} ${pick(words)} ${pick(words)}`, `${surname}-${pick(words)}`, `${typo} ${pick(words)}`, p.key.slice(0, 8)]) {
      for (let n = 1; n <= query.length; n++) typed.push(query.slice(0, n));
      typed.push(`${query} `);
    }
  }

  function assertBestAreFirst(index: PaperIndex): void {
    let cut = 0;
    for (const query of typed) {
      const whole = index.search(query, generated.length);
      for (const limit of [1, 5, 50]) {
        if (whole.length > limit) cut++;
        assert.deepEqual(index.search(query, limit), whole.slice(0, limit), `"${query}", best ${limit}`);
      }
    }
    assert.ok(cut > typed.length, `searches with more matches than asked for: ${cut}`);
  }

  test('every keystroke of title words, surnames, typos and keys', () => {
    const index = new PaperIndex();
    index.add(generated.map((p) => asPaper(p)));
    assertBestAreFirst(index);
  });

  test('after removals and replaced papers (their old postings are still in the index)', () => {
    const index = new PaperIndex();
    index.add(generated.map((p) => asPaper(p)));
    index.remove(generated.filter((_, i) => i % 7 === 0).map((p) => p.key));
    index.add(generated.filter((_, i) => i % 5 === 0).map((p, i) => asPaper(p, generated[(i * 13) % generated.length].title)));
    assertBestAreFirst(index);
  });
});

/** Zotero's item JSON and Better BibTeX's CSL-JSON → the Paper every feature reads; where keys come from. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  generatedCitationKey,
  isCitableItem,
  itemKeyOfSelectUri,
  ownCitationKey,
  usableCitationKey,
  zoteroCslToPaper,
  zoteroItemToPaper,
  zoteroSelectUri,
} from '../../server/src/catalog/zotero';

/** An item as Zotero 7's local API sends it (format=json), trimmed to what matters. */
const item = {
  key: 'X8QZ9JHM',
  version: 1204,
  library: { type: 'user', id: 0, name: 'My Library' },
  meta: { creatorSummary: 'Vaswani et al.', parsedDate: '2017-06-12', numChildren: 2 },
  data: {
    key: 'X8QZ9JHM',
    version: 1204,
    itemType: 'conferencePaper',
    title: 'Attention Is All You <i>Need</i>',
    creators: [
      { creatorType: 'author', firstName: 'Ashish', lastName: 'Vaswani' },
      { creatorType: 'author', firstName: 'Noam', lastName: 'Shazeer' },
      { creatorType: 'editor', firstName: 'Isabelle', lastName: 'Guyon' },
      { creatorType: 'author', name: 'Google Brain' },
    ],
    abstractNote: 'The dominant sequence transduction models are based on complex recurrent networks.\n\nWe propose the Transformer.',
    date: 'June 12, 2017',
    proceedingsTitle: 'Advances in Neural Information Processing Systems',
    conferenceName: 'NeurIPS 2017',
    publisher: 'Curran Associates',
    volume: '30',
    pages: '5998--6008',
    DOI: 'https://doi.org/10.48550/arXiv.1706.03762',
    url: 'https://arxiv.org/abs/1706.03762v7',
    extra: 'Citation Key: vaswani2017attention\narXiv: 1706.03762',
    tags: [{ tag: 'transformers' }, { tag: 'attention', type: 1 }],
    collections: ['ABCD2345'],
    relations: {},
    dateAdded: '2023-01-05T10:00:00Z',
    dateModified: '2024-03-01T09:30:00Z',
  },
};

describe('Zotero items → papers', () => {
  test('every field a feature shows, from Zotero 7 JSON', () => {
    const paper = zoteroItemToPaper(item, 'vaswani2017attention');
    assert.deepEqual(paper, {
      key: 'vaswani2017attention',
      type: 'paper-conference',
      title: 'Attention Is All You Need',
      authors: [{ given: 'Ashish', family: 'Vaswani' }, { given: 'Noam', family: 'Shazeer' }, { literal: 'Google Brain' }],
      editors: [{ given: 'Isabelle', family: 'Guyon' }],
      year: '2017',
      date: '2017-06-12',
      venue: 'Advances in Neural Information Processing Systems',
      publisher: 'Curran Associates',
      volume: '30',
      pages: '5998–6008',
      abstract: 'The dominant sequence transduction models are based on complex recurrent networks.\n\nWe propose the Transformer.',
      doi: '10.48550/arXiv.1706.03762',
      url: 'https://arxiv.org/abs/1706.03762v7',
      arxiv: '1706.03762v7',
      keywords: ['transformers', 'attention'],
      files: [],
      zoteroKey: 'X8QZ9JHM',
      source: { uri: 'zotero:library', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, keyRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    });
  });

  test('notes, attachments, annotations and trashed items are not papers', () => {
    for (const itemType of ['note', 'attachment', 'annotation']) {
      assert.equal(isCitableItem({ key: 'AAAA2222', data: { itemType } }), false);
      assert.equal(zoteroItemToPaper({ key: 'AAAA2222', version: 1, data: { key: 'AAAA2222', itemType } }, 'k'), undefined);
    }
    assert.equal(isCitableItem({ key: 'AAAA2222', data: { itemType: 'book', deleted: 1 } }), false);
    assert.equal(isCitableItem({ key: 'AAAA2222', data: { itemType: 'book' } }), true);
  });

  test('an item key that is not plain letters and digits makes no paper (it would go into a URI)', () => {
    assert.equal(zoteroItemToPaper({ key: '../etc', version: 1, data: { itemType: 'book', title: 'x' } }, 'k'), undefined);
    assert.equal(zoteroItemToPaper({ version: 1, data: { itemType: 'book', title: 'x' } }, 'k'), undefined);
  });

  test('odd values are not text: objects and lists in fields are left out, never thrown on', () => {
    const paper = zoteroItemToPaper({ key: 'AAAA2222', version: 1, data: { itemType: 'book', title: { html: '<b>x</b>' }, creators: 'nobody', tags: [null, 3, { tag: 'ok' }], date: ['2020'] } }, 'k');
    assert.deepEqual(paper && { title: paper.title, authors: paper.authors, keywords: paper.keywords, year: paper.year }, { title: undefined, authors: [], keywords: ['ok'], year: undefined });
  });

  test('a thesis: the university is the publisher; a case: its name is the title', () => {
    const thesis = zoteroItemToPaper({ key: 'AAAA2222', version: 1, data: { itemType: 'thesis', title: 'On Splats', university: 'Inria', date: '2024' } }, 'k');
    assert.deepEqual([thesis?.type, thesis?.publisher], ['thesis', 'Inria']);
    const legalCase = zoteroItemToPaper({ key: 'AAAA2223', version: 1, data: { itemType: 'case', caseName: 'Roe v. Wade', dateDecided: '1973' } }, 'k');
    assert.deepEqual([legalCase?.type, legalCase?.title, legalCase?.year], ['legal_case', 'Roe v. Wade', '1973']);
  });
});

describe('citation keys of Zotero items', () => {
  test("Zotero's Citation Key field first, then a pinned key in Extra", () => {
    assert.deepEqual(ownCitationKey({ data: { itemType: 'book', citationKey: 'fromField', extra: 'Citation Key: fromExtra' } }), { key: 'fromField', source: 'citation-key-field' });
    assert.deepEqual(ownCitationKey(item), { key: 'vaswani2017attention', source: 'extra' });
    assert.deepEqual(ownCitationKey({ data: { itemType: 'book', extra: 'bibtex: oldStyle' } }), { key: 'oldStyle', source: 'extra' });
    assert.equal(ownCitationKey({ data: { itemType: 'book', extra: 'tex.note: nothing' } }), undefined);
  });

  test('keys that cannot be cited as they are are not used', () => {
    assert.equal(usableCitationKey('has space'), undefined);
    assert.equal(usableCitationKey('a{b}'), undefined);
    assert.equal(usableCitationKey('me@home'), undefined);
    assert.equal(usableCitationKey(''), undefined);
    assert.equal(usableCitationKey(42), undefined);
    assert.equal(usableCitationKey(' ok:key-1 '), 'ok:key-1');
  });

  test('the fallback key: Better BibTeX default pattern, ASCII, the item key when there are no letters', () => {
    const paper = zoteroItemToPaper(item, 'x')!;
    assert.equal(generatedCitationKey(paper, 'X8QZ9JHM'), 'vaswaniAttentionAllYou2017');
    assert.equal(generatedCitationKey({ authors: [{ family: 'Leimkühler' }], title: '3D Gaussian Splatting for Real-Time Rendering', year: '2023' }, 'K'), 'leimkuhler3DGaussianSplatting2023');
    assert.equal(generatedCitationKey({ authors: [], title: '', year: '' }, 'ABCD2345'), 'zotero-ABCD2345');
  });
});

describe("Better BibTeX's CSL-JSON → papers", () => {
  test('item.search results: the citekey is the key, the item key comes from the URI', () => {
    const paper = zoteroCslToPaper({
      id: 'http://zotero.org/users/local/abcdEFGH/items/X8QZ9JHM',
      type: 'article-journal',
      title: 'Attention Is All You Need',
      author: [{ family: 'Vaswani', given: 'Ashish' }],
      issued: { 'date-parts': [[2017, 6, 12]] },
      citekey: 'vaswaniAttentionAllYou2017',
      library: 'My Library',
    });
    assert.deepEqual([paper?.key, paper?.zoteroKey, paper?.title, paper?.year, paper?.source.uri], ['vaswaniAttentionAllYou2017', 'X8QZ9JHM', 'Attention Is All You Need', '2017', 'zotero:library']);
  });
});

describe('zotero://select URIs', () => {
  test('built only from plain item keys, read back only in that form', () => {
    assert.equal(zoteroSelectUri('X8QZ9JHM'), 'zotero://select/library/items/X8QZ9JHM');
    assert.equal(zoteroSelectUri('X8QZ/../..'), undefined);
    assert.equal(itemKeyOfSelectUri('zotero://select/library/items/X8QZ9JHM'), 'X8QZ9JHM');
    assert.equal(itemKeyOfSelectUri('zotero://select/library/items/X8QZ9JHM?x=1'), undefined);
    assert.equal(itemKeyOfSelectUri('zotero://open-pdf/library/items/X8QZ9JHM'), undefined);
    assert.equal(itemKeyOfSelectUri('command:workbench.action.reload'), undefined);
  });
});

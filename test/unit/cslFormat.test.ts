import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Paper } from '../../server/src/catalog/paper';
import { range } from '../../server/src/core/types';
import { CitationStyleError, formatReferences, toCsl } from '../../server/src/catalog/cslFormat';

function paper(fields: Partial<Paper> & { key: string }): Paper {
  return {
    type: 'misc',
    authors: [],
    keywords: [],
    files: [],
    source: { uri: 'file:///ws/papers.bib', range: range(0, 0, 3, 1), keyRange: range(0, 6, 0, 6 + fields.key.length) },
    ...fields,
  };
}

const vaswani = paper({
  key: 'vaswani2017',
  type: 'inproceedings',
  title: 'Attention Is All You Need',
  authors: [{ given: 'Ashish', family: 'Vaswani' }, { given: 'Noam', family: 'Shazeer' }, { given: 'Niki', family: 'Parmar' }],
  year: '2017',
  venue: 'Advances in Neural Information Processing Systems',
  volume: '30',
  pages: '5998--6008',
});
const lecun = paper({
  key: 'lecun1998',
  type: 'article',
  title: 'Gradient-Based Learning Applied to Document Recognition',
  authors: [{ given: 'Yann', family: 'LeCun' }, { given: 'Léon', family: 'Bottou' }, { given: 'Yoshua', family: 'Bengio' }, { given: 'Patrick', family: 'Haffner' }],
  year: '1998',
  venue: 'Proceedings of the IEEE',
  volume: '86',
  issue: '11',
  pages: '2278--2324',
  doi: 'https://doi.org/10.1109/5.726791',
});
/** A demo catalog entry: @misc with title and abstract only. */
const feat2gs = paper({ key: 'Feat2GS', title: 'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting', abstract: 'Given that...' });
/** Names as the BibTeX reader gives them after LaTeX decoding: G{\"o}del, van der Maaten, Erd{\H{o}}s, {\v{S}}koda. */
const unicode = paper({
  key: 'goedel1931',
  type: 'article',
  title: 'Über formal unentscheidbare Sätze',
  authors: [{ given: 'Kurt', family: 'Gödel' }, { given: 'Laurens', particle: 'van der', family: 'Maaten' }, { given: 'Paul', family: 'Erdős' }, { given: 'Šárka', family: 'Škoda' }],
  year: '1931',
  venue: 'Monatshefte',
  volume: '38',
  pages: '173-198',
});

describe('formatReferences', () => {
  test('APA (the default), sorted by author, one reference per line', () => {
    assert.equal(
      formatReferences([vaswani, lecun, feat2gs]),
      [
        'Feat2GS: Probing Visual Foundation Models with Gaussian Splatting. (n.d.).',
        'LeCun, Y., Bottou, L., Bengio, Y., & Haffner, P. (1998). Gradient-Based Learning Applied to Document Recognition. Proceedings of the IEEE, 86(11), 2278–2324. https://doi.org/10.1109/5.726791',
        'Vaswani, A., Shazeer, N., & Parmar, N. (2017). Attention Is All You Need. Advances in Neural Information Processing Systems, 30, 5998–6008.',
      ].join('\n'),
    );
  });

  test('Vancouver, numbered in the given order', () => {
    assert.equal(
      formatReferences([vaswani, lecun, feat2gs], 'vancouver'),
      [
        '1. Vaswani A, Shazeer N, Parmar N. Attention Is All You Need. In: Advances in Neural Information Processing Systems. 2017. p. 5998–6008.',
        '2. LeCun Y, Bottou L, Bengio Y, Haffner P. Gradient-Based Learning Applied to Document Recognition. Proceedings of the IEEE. 1998;86(11):2278–324. doi:10.1109/5.726791',
        '3. Feat2GS: Probing Visual Foundation Models with Gaussian Splatting.',
      ].join('\n'),
    );
  });

  test('Harvard', () => {
    assert.equal(
      formatReferences([lecun], 'harvard1'),
      'LeCun, Y. et al. (1998) “Gradient-Based Learning Applied to Document Recognition,” Proceedings of the IEEE, 86(11), pp. 2278–2324. Available at: https://doi.org/10.1109/5.726791.',
    );
  });

  test('names decoded from LaTeX keep their letters, particles stay with the family name', () => {
    assert.equal(
      formatReferences([unicode]),
      'Gödel, K., van der Maaten, L., Erdős, P., & Škoda, Š. (1931). Über formal unentscheidbare Sätze. Monatshefte, 38, 173–198.',
    );
    assert.equal(
      formatReferences([unicode], 'vancouver'),
      '1. Gödel K, van der Maaten L, Erdős P, Škoda Š. Über formal unentscheidbare Sätze. Monatshefte. 1931;38:173–98.',
    );
  });

  test('HTML: citeproc markup, catalog text escaped, no attribute built from the key', () => {
    const hostile = paper({ key: 'x"><script>alert(1)</script>', type: 'book', title: '<script>alert(1)</script> & <img src=x onerror=alert(1)>', authors: [{ family: 'Doe', given: 'J.' }], year: '2020' });
    assert.equal(
      formatReferences([vaswani, hostile], 'apa', 'html'),
      '<div class="csl-bib-body">\n' +
        '  <div class="csl-entry">Doe, J. (2020). <i>&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62;</i>.</div>\n' +
        '  <div class="csl-entry">Vaswani, A., Shazeer, N., &#38; Parmar, N. (2017). Attention Is All You Need. <i>Advances in Neural Information Processing Systems</i>, <i>30</i>, 5998–6008.</div>\n' +
        '</div>',
    );
  });

  test('odd papers never throw: no authors, no year, no title, unknown type, odd dates', () => {
    const odd = [
      paper({ key: 'noTitle', type: 'article' }),
      paper({ key: 'weird', type: 'WeIrD', title: 'Weird', authors: [{ given: 'Only' }, {}], year: 'forthcoming', pages: '12' }),
      paper({ key: 'badDate', type: 'book', title: 'Big', authors: [{ family: 'X' }], date: '2020-13-45', year: '2020' }),
    ];
    assert.equal(formatReferences(odd), ['noTitle. (n.d.).', 'Only. (forthcoming). Weird (p. 12).', 'X. (2020). Big.'].join('\n'));
    assert.equal(formatReferences(odd, 'vancouver'), ['1. noTitle.', '2. Only. Weird. forthcoming. p. 12.', '3. X. Big. 2020.'].join('\n'));
  });

  test('no papers, no references', () => {
    assert.equal(formatReferences([]), '');
  });

  test('a custom CSL style given as XML', () => {
    const tiny = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Tiny</title><id>tiny</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <sort><key variable="issued"/></sort>
    <layout suffix=".">
      <names variable="author"><name form="short" and="symbol" delimiter=", "/></names>
      <date variable="issued" prefix=" [" suffix="]"><date-part name="year"/></date>
      <text variable="title" prefix=" " text-case="uppercase"/>
    </layout>
  </bibliography>
</style>`;
    assert.equal(formatReferences([vaswani, lecun], 'tiny.csl', 'text', tiny), 'LeCun, Bottou, Bengio, & Haffner [1998] GRADIENT-BASED LEARNING APPLIED TO DOCUMENT RECOGNITION.\nVaswani, Shazeer, & Parmar [2017] ATTENTION IS ALL YOU NEED.');
    // A second style is a second engine, not the first one cached under the same name.
    const other = tiny.replace('text-case="uppercase"', 'text-case="lowercase"');
    assert.equal(formatReferences([vaswani], 'other.csl', 'text', other), 'Vaswani, Shazeer, & Parmar [2017] attention is all you need.');
    assert.equal(formatReferences([vaswani], 'tiny.csl', 'text', tiny), 'Vaswani, Shazeer, & Parmar [2017] ATTENTION IS ALL YOU NEED.');
  });

  test('a style that cannot be used is a CitationStyleError naming it', () => {
    assert.throws(() => formatReferences([vaswani], 'chicago'), new CitationStyleError('Unknown citation style "chicago": use apa, vancouver, harvard1 or a CSL style file.'));
    assert.throws(() => formatReferences([vaswani], 'notes.txt', 'text', 'just text'), new CitationStyleError('The citation style "notes.txt" is not CSL: no <style> element.'));
    assert.throws(
      () => formatReferences([vaswani], 'empty.csl', 'text', '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"></style>'),
      (error: unknown) => error instanceof CitationStyleError && error.message.startsWith('The citation style "empty.csl" could not be used: '),
    );
  });
});

describe('toCsl', () => {
  test('maps a BibTeX paper to CSL-JSON', () => {
    assert.deepEqual(toCsl(lecun), {
      id: 'lecun1998',
      type: 'article-journal',
      title: 'Gradient-Based Learning Applied to Document Recognition',
      author: [{ family: 'LeCun', given: 'Yann' }, { family: 'Bottou', given: 'Léon' }, { family: 'Bengio', given: 'Yoshua' }, { family: 'Haffner', given: 'Patrick' }],
      issued: { 'date-parts': [[1998]] },
      'container-title': 'Proceedings of the IEEE',
      volume: '86',
      issue: '11',
      page: '2278-2324',
      DOI: '10.1109/5.726791',
    });
  });

  test('types, dates, particles, institutions and arXiv preprints', () => {
    assert.equal(toCsl(vaswani).type, 'paper-conference');
    assert.equal(toCsl(paper({ key: 'k', type: 'incollection' })).type, 'chapter');
    assert.equal(toCsl(paper({ key: 'k', type: 'phdthesis' })).type, 'thesis');
    assert.equal(toCsl(paper({ key: 'k', type: 'webpage' })).type, 'webpage');
    assert.equal(toCsl(feat2gs).type, 'document');
    const preprint = toCsl(paper({ key: 'k', arxiv: 'arXiv:1706.03762', date: '2017-06-12', authors: [{ literal: 'Google Brain' }, { given: 'Laurens', particle: 'van der', family: 'Maaten', suffix: 'Jr.' }] }));
    assert.equal(preprint.type, 'article');
    assert.equal(preprint.URL, 'https://arxiv.org/abs/1706.03762');
    assert.deepEqual(preprint.issued, { 'date-parts': [[2017, 6, 12]] });
    assert.deepEqual(preprint.author, [{ literal: 'Google Brain' }, { family: 'Maaten', given: 'Laurens', 'non-dropping-particle': 'van der', suffix: 'Jr.' }]);
    assert.deepEqual(toCsl(paper({ key: 'k', year: 'in press' })).issued, { literal: 'in press' });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Paper } from '../../server/src/catalog/paper';
import { normalizeArxiv, normalizeDoi, paperLinks, urlsIn } from '../../server/src/service/paperLinks';

function paper(fields: Partial<Paper>): Paper {
  const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { key: 'k', type: 'article', authors: [], keywords: [], files: [], source: { uri: 'file:///ws/refs.bib', range: r, keyRange: r }, ...fields };
}

describe('paperLinks', () => {
  test('DOI, arXiv and URL, each built or checked as https', () => {
    const links = paperLinks(paper({ doi: 'https://doi.org/10.1002/(SICI)1097-4636', arxiv: 'arXiv:2401.01234v2', url: 'https://proj.example.org/' }));
    assert.deepEqual(links, {
      doi: { id: '10.1002/(SICI)1097-4636', url: 'https://doi.org/10.1002/%28SICI%291097-4636' },
      arxiv: { id: '2401.01234v2', url: 'https://arxiv.org/abs/2401.01234v2' },
      url: 'https://proj.example.org/',
      code: [],
      pages: [],
    });
  });

  test('the URL field is dropped when it is the DOI or arXiv page again, and arXiv comes from it', () => {
    assert.deepEqual(paperLinks(paper({ url: 'https://arxiv.org/abs/2312.00001' })), {
      arxiv: { id: '2312.00001', url: 'https://arxiv.org/abs/2312.00001' },
      code: [],
      pages: [],
    });
    assert.equal(paperLinks(paper({ doi: '10.1000/xyz', url: 'https://doi.org/10.1000/xyz' })).url, undefined);
  });

  test('code hosts and project pages found in the abstract, without sentence punctuation', () => {
    const abstract =
      'Code at https://github.com/fanegg/Feat2GS. Models (https://huggingface.co/org/model) and https://fanegg.github.io/Feat2GS/, ' +
      'see also http://insecure.example.org/page and https://github.com/fanegg/Feat2GS again.';
    assert.deepEqual(paperLinks(paper({ abstract })), {
      code: ['https://github.com/fanegg/Feat2GS', 'https://huggingface.co/org/model'],
      pages: ['https://fanegg.github.io/Feat2GS/'],
    });
  });

  test('hostile fields give no links', () => {
    assert.deepEqual(paperLinks(paper({ doi: 'javascript:alert(1)', arxiv: '../../etc', url: 'command:x', abstract: 'javascript:alert(1) file:///etc/passwd' })), {
      code: [],
      pages: [],
    });
  });

  test('normalizers', () => {
    assert.equal(normalizeDoi('doi: 10.1145/3292500.3330701'), '10.1145/3292500.3330701');
    assert.equal(normalizeDoi('10.12/x'), undefined);
    assert.equal(normalizeArxiv('hep-th/9901001'), 'hep-th/9901001');
    assert.equal(normalizeArxiv('2401.1'), undefined);
    assert.deepEqual(urlsIn('(see https://a.org/x_(y)).'), ['https://a.org/x_(y)']);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { provideDocumentLinks } from '../../server/src/features/documentLinks';
import { parseSettings } from '../../server/src/service/settings';
import { fixture, pathOf, uriOf, where } from './fixture';

const workspace = `%! refs.bib
@misc{withNote, title = {Has a Note}, doi = {10.1000/abc}}
@misc{withDoi, title = {Has a DOI}, doi = {10.1000/xyz}, url = {https://example.org/x}}
@misc{withArxiv, title = {Has arXiv}, url = {https://arxiv.org/abs/2401.01234}}
@misc{withHttpUrl, title = {Plain http}, url = {http://example.org/insecure}}
@misc{withHttpsUrl, title = {https}, url = {https://example.org/secure}}
@misc{nothing, title = {No Links}}
%! notes/withNote.md
# My note
%! reading.md
[@withNote] [@withDoi] [@withArxiv] [@withHttpUrl] [@withHttpsUrl] [@nothing] [@unknown]
`;

describe('document links', () => {
  test('a literature note first, then DOI, arXiv, an https URL; otherwise no link', () => {
    const f = fixture(workspace);
    const links = provideDocumentLinks(f.model, uriOf('reading.md'), parseSettings({}));
    assert.deepEqual(
      links.map((l) => [where({ uri: uriOf('reading.md'), range: l.range }), l.target && pathOf(l.target), l.tooltip]),
      [
        ['reading.md:0:1-0:10', 'notes/withNote.md', 'Open the literature note notes/withNote.md'],
        ['reading.md:0:13-0:21', 'https://doi.org/10.1000/xyz', 'Open DOI 10.1000/xyz'],
        ['reading.md:0:24-0:34', 'https://arxiv.org/abs/2401.01234', 'Open arXiv 2401.01234'],
        ['reading.md:0:52-0:65', 'https://example.org/secure', 'Open https://example.org/secure'],
      ],
    );
  });

  test('the notes folder comes from the settings', () => {
    const f = fixture(workspace.replace('%! notes/withNote.md', '%! lit/withNote.md'));
    const [first] = provideDocumentLinks(f.model, uriOf('reading.md'), parseSettings({ notesFolder: 'lit' }));
    assert.equal(first.target, uriOf('lit/withNote.md'));
    const [fallback] = provideDocumentLinks(f.model, uriOf('reading.md'), parseSettings({}));
    assert.equal(fallback.target, 'https://doi.org/10.1000/abc');
  });

  test('a notes folder outside the workspace is never used', () => {
    const f = fixture(workspace);
    const [first] = provideDocumentLinks(f.model, uriOf('reading.md'), parseSettings({ notesFolder: '../elsewhere' }));
    assert.equal(first.target, uriOf('notes/withNote.md'));
  });

  test('a note does not link to itself', () => {
    const f = fixture(workspace.replace('# My note', '# My note [@withNote]'));
    const links = provideDocumentLinks(f.model, uriOf('notes/withNote.md'), parseSettings({}));
    assert.deepEqual(links.map((l) => l.target), ['https://doi.org/10.1000/abc']);
  });
});

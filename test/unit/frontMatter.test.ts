/**
 * parseFrontMatter: Pandoc's YAML metadata block at the top of a note, its `bibliography:` paths,
 * and broken YAML reported as a problem where it is, never thrown.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FRONT_MATTER_BIBLIOGRAPHY, FRONT_MATTER_PARSE_ERROR, parseFrontMatter } from '../../server/src/notes/frontMatter';
import { range } from '../../server/src/core/types';

describe('parseFrontMatter', () => {
  test('a string bibliography, the data, and the range up to the closing line', () => {
    const front = parseFrontMatter('---\ntitle: On attention\nbibliography: refs.bib\n---\n\nText @a.\n');
    assert.deepEqual(front, {
      range: range(0, 0, 3, 3),
      data: { title: 'On attention', bibliography: 'refs.bib' },
      bibliography: ['refs.bib'],
      problems: [],
    });
  });

  test('a list of bibliographies in both YAML styles, paths kept as written', () => {
    assert.deepEqual(parseFrontMatter('---\nbibliography: [a.bib, "../shared/b.json"]\n---\n')?.bibliography, ['a.bib', '../shared/b.json']);
    assert.deepEqual(parseFrontMatter('---\nbibliography:\n  - a.bib\n  - sub dir/c.yaml\n...\nText')?.bibliography, ['a.bib', 'sub dir/c.yaml']);
  });

  test('Pandoc closes the block with `...` too, and allows trailing spaces on the delimiters', () => {
    const front = parseFrontMatter('--- \nbibliography: refs.bib\n...  \nText');
    assert.deepEqual(front?.range, range(0, 0, 2, 5));
    assert.deepEqual(front?.bibliography, ['refs.bib']);
  });

  test('no front matter: not at the top, never closed, or `---` followed by a blank line (a rule)', () => {
    assert.equal(parseFrontMatter('Text\n---\nbibliography: x.bib\n---\n'), undefined);
    assert.equal(parseFrontMatter('---\nbibliography: x.bib\n\nText without a closing line'), undefined);
    assert.equal(parseFrontMatter('---\n\nbibliography: x.bib\n---\n'), undefined);
    assert.equal(parseFrontMatter(''), undefined);
  });

  test('Windows line breaks and a byte order mark', () => {
    const front = parseFrontMatter('\ufeff---\r\nbibliography: refs.bib\r\n---\r\nText');
    assert.deepEqual(front?.bibliography, ['refs.bib']);
    assert.deepEqual(front?.range, range(0, 0, 2, 3));
  });

  test('broken YAML is a problem at the place of the error; the data is undefined', () => {
    const front = parseFrontMatter('---\ntitle: ok\nbibliography: [a.bib\n---\nText');
    assert.ok(front);
    assert.equal(front.data, undefined);
    assert.deepEqual(front.bibliography, []);
    // The unclosed `[` is reported at the end of the YAML's last line, not on the closing `---`.
    assert.deepEqual(front.problems, [
      {
        code: FRONT_MATTER_PARSE_ERROR,
        message: 'The front matter is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        range: range(2, 20, 2, 20),
      },
    ]);
  });

  test('duplicate keys are a problem too', () => {
    const front = parseFrontMatter('---\nbibliography: a.bib\nbibliography: b.bib\n---\n');
    assert.deepEqual(front?.problems.map((p) => [p.code, p.range.start.line]), [[FRONT_MATTER_PARSE_ERROR, 2]]);
  });

  test('a bibliography that is not a path or a list of paths is a problem on its line', () => {
    const front = parseFrontMatter('---\ntitle: x\nbibliography: {file: a.bib}\n---\n');
    assert.deepEqual(front?.bibliography, []);
    assert.deepEqual(front?.problems, [
      { code: FRONT_MATTER_BIBLIOGRAPHY, message: '`bibliography:` must be a file path or a list of file paths.', range: range(2, 0, 2, 27) },
    ]);
    const list = parseFrontMatter('---\nbibliography: [a.bib, 3, null]\n---\n');
    assert.deepEqual(list?.bibliography, ['a.bib']);
    assert.deepEqual(list?.problems.map((p) => p.code), [FRONT_MATTER_BIBLIOGRAPHY, FRONT_MATTER_BIBLIOGRAPHY]);
  });

  test('no bibliography, an empty one, or YAML that is not a mapping', () => {
    assert.deepEqual(parseFrontMatter('---\ntitle: x\n---\n')?.bibliography, []);
    assert.deepEqual(parseFrontMatter('---\nbibliography:\n---\n')?.bibliography, []);
    assert.deepEqual(parseFrontMatter('---\n- a\n- b\n---\n')?.bibliography, []);
    assert.deepEqual(parseFrontMatter('---\n---\nText'), { range: range(0, 0, 1, 3), data: null, bibliography: [], problems: [] });
  });

  test('an alias bomb is refused as a problem, not expanded', () => {
    const bomb = ['---', 'a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]', '---'].join('\n');
    const front = parseFrontMatter(bomb);
    assert.ok(front);
    assert.equal(front.data, undefined);
    assert.deepEqual(front.problems.map((p) => p.code), [FRONT_MATTER_PARSE_ERROR]);
  });
});

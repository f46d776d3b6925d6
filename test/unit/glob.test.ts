import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globMatcher, globToRegExp } from '../../server/src/node/glob';

describe('glob', () => {
  const cases: [string, string, boolean][] = [
    ['**/node_modules/**', 'node_modules', true],
    ['**/node_modules/**', 'a/node_modules/b/c.md', true],
    ['**/node_modules/**', 'a/node_modulesx/b', false],
    ['**/.git/**', '.git', true],
    ['*.bib', 'a.bib', true],
    ['*.bib', 'x/a.bib', false],
    ['**/*.bib', 'a.bib', true],
    ['**/*.bib', 'x/y/a.bib', true],
    ['refs/{a,b}.bib', 'refs/b.bib', true],
    ['refs/{a,b}.bib', 'refs/c.bib', false],
    ['refs/[ab].bib', 'refs/a.bib', true],
    ['refs/?.bib', 'refs/ab.bib', false],
    ['lib/papers.bib', 'lib/papers.bib', true],
    ['a.b', 'axb', false],
    ['./lib/*.json', 'lib/refs.json', true],
    ['**', 'x/y', true],
  ];
  for (const [glob, path, expected] of cases) {
    test(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => assert.equal(globToRegExp(glob).test(path), expected));
  }

  test('a matcher over no globs matches nothing; over several, any', () => {
    assert.equal(globMatcher([])('a.bib'), false);
    assert.equal(globMatcher(['', '**/*.md', 'x.bib'])('x.bib'), true);
  });
});

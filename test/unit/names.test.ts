import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNames } from '../../server/src/catalog/names';
import { personFullName, shortAuthors } from '../../server/src/catalog/paper';

describe('BibTeX names', () => {
  test('"Last, First", "First Last", a braced company and "others"', () => {
    assert.deepEqual(parseNames('Last, First and First Last and {Company, Inc.} and others'), [
      { family: 'Last', given: 'First' },
      { family: 'Last', given: 'First' },
      { literal: 'Company, Inc.' },
      { literal: 'others' },
    ]);
  });

  test('von particles in both orders, several words long', () => {
    assert.deepEqual(parseNames('Ludwig van Beethoven and van Beethoven, Ludwig and Jean de la Fontaine and de la Fontaine, Jean'), [
      { given: 'Ludwig', particle: 'van', family: 'Beethoven' },
      { given: 'Ludwig', particle: 'van', family: 'Beethoven' },
      { given: 'Jean', particle: 'de la', family: 'Fontaine' },
      { given: 'Jean', particle: 'de la', family: 'Fontaine' },
    ]);
  });

  test('von runs to the last lower-case word before the family name, as BibTeX reads it', () => {
    assert.deepEqual(parseNames('Van de Water, R and Charles Louis de La Vallée Poussin'), [
      { particle: 'Van de', family: 'Water', given: 'R' },
      { given: 'Charles Louis', particle: 'de', family: 'La Vallée Poussin' },
    ]);
  });

  test('"Last, Jr, First" gives the suffix', () => {
    assert.deepEqual(parseNames('Ford, Jr., Henry and van der Merwe, III, Piet'), [
      { family: 'Ford', suffix: 'Jr.', given: 'Henry' },
      { particle: 'van der', family: 'Merwe', suffix: 'III', given: 'Piet' },
    ]);
  });

  test('"and" splits only at brace depth 0, in any case, across lines; "Anderson" is not a separator', () => {
    assert.deepEqual(parseNames('{Barnes and Noble} AND Anderson, Andy\n  and\tSmith, J.'), [
      { literal: 'Barnes and Noble' },
      { family: 'Anderson', given: 'Andy' },
      { family: 'Smith', given: 'J.' },
    ]);
  });

  test('LaTeX in every part is decoded; braces protect a multi-word family name', () => {
    assert.deepEqual(parseNames('G{\\"o}del, Kurt and Paul {Erd\\H{o}s} and {\\v{S}}koda, Jan and Mario {De Rosa}'), [
      { family: 'Gödel', given: 'Kurt' },
      { given: 'Paul', family: 'Erdős' },
      { family: 'Škoda', given: 'Jan' },
      { given: 'Mario', family: 'De Rosa' },
    ]);
  });

  test('a lower-case special character makes a particle: {\\"u}ber is "von"', () => {
    assert.deepEqual(parseNames('Hans {\\"u}ber Alles'), [{ given: 'Hans', particle: 'über', family: 'Alles' }]);
  });

  test('DBLP homonym numbers are not part of the name', () => {
    assert.deepEqual(parseNames('Sebastian Gruber 0001 and Xu 0002, Xingyu'), [
      { given: 'Sebastian', family: 'Gruber' },
      { family: 'Xu', given: 'Xingyu' },
    ]);
  });

  test('empty parts and stray white space give no empty people', () => {
    assert.deepEqual(parseNames('  Doe, J.  and  and Roe '), [{ family: 'Doe', given: 'J.' }, { family: 'Roe' }]);
    assert.deepEqual(parseNames(''), []);
  });

  test('short labels and full names read naturally', () => {
    assert.equal(shortAuthors(parseNames('Zyla, P. A. and others')), 'Zyla et al.');
    assert.equal(shortAuthors(parseNames('Doe, J. and Roe, R.')), 'Doe and Roe');
    assert.equal(shortAuthors(parseNames('van Beethoven, Ludwig')), 'van Beethoven');
    assert.equal(personFullName(parseNames('van der Merwe, III, Piet')[0]), 'Piet van der Merwe III');
  });
});

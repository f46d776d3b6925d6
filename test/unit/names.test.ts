import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNames } from '../../server/src/catalog/names';
import { personFullName, shortAuthors } from '../../server/src/catalog/paper';
import { provideCompletion } from '../../server/src/features/completion';
import { paperHoverMarkdown } from '../../server/src/features/hover';
import { paperSummary } from '../../server/src/service/paperSummaries';
import { parseSettings } from '../../server/src/service/settings';
import { fixture } from './fixture';

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


  test('an unbraced tilde accent is no tie: Ib\\\'a\\~nez stays one word, while ~ still joins words', () => {
    // As a DeerLab export writes it; the tie reading gave the family name "Fábregas Ibá nez".
    assert.deepEqual(parseNames("F\\'abregas Ib\\'a\\~nez, L. and Jeschke, G."), [
      { family: 'Fábregas Ibáñez', given: 'L.' },
      { family: 'Jeschke', given: 'G.' },
    ]);
    assert.deepEqual(parseNames("Luis F\\'abregas~Ib\\'a\\~nez"), [{ given: 'Luis Fábregas', family: 'Ibáñez' }]);
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

describe('biblatex extended names (Better BibTeX writes them for names with particles)', () => {
  test('family/given/prefix/suffix, braced or not, among classic names; useprefix and ids steer sorting only', () => {
    assert.deepEqual(parseNames('{family=Beauvoir, given=Simone, prefix=de, useprefix=false} and {family=Doe, given=J.}'), [
      { family: 'Beauvoir', given: 'Simone', particle: 'de' },
      { family: 'Doe', given: 'J.' },
    ]);
    assert.deepEqual(parseNames('Grobecker, Pascal and family=Nimwegen, given=Erik, prefix=van, useprefix=true and Sakoparnig, Thomas'), [
      { family: 'Grobecker', given: 'Pascal' },
      { family: 'Nimwegen', given: 'Erik', particle: 'van' },
      { family: 'Sakoparnig', given: 'Thomas' },
    ]);
    assert.deepEqual(parseNames('family=Doe, suffix=Jr, given=John, given-i=J, id=doe-j, sortingnamekeytemplatename=test'), [{ family: 'Doe', given: 'John', suffix: 'Jr' }]);
  });

  test('values braced, quoted or with LaTeX; spaces around "="; keys in any case', () => {
    assert.deepEqual(parseNames('{given={David}, family={Spoel}, prefix={van der}, useprefix=false} and Family = {G{\\"o}del}, Given = Kurt'), [
      { family: 'Spoel', given: 'David', particle: 'van der' },
      { family: 'Gödel', given: 'Kurt' },
    ]);
    // Quotes and braces keep commas and "and" inside one part.
    assert.deepEqual(parseNames('"family={Robert and Sons, Inc.}" and given={Jean Charles}, prefix=de la, family={Vallée, Poussin}'), [
      { family: 'Robert and Sons, Inc.' },
      { family: 'Vallée, Poussin', given: 'Jean Charles', particle: 'de la' },
    ]);
  });

  test('initials only (`given-i`) stand for the given name; `family-i` adds nothing', () => {
    assert.deepEqual(parseNames("given-i=P.D., family=D'Antuono and family=Doe, family-i={Do}"), [
      { family: "D'Antuono", given: 'P.D.' },
      { family: 'Doe' },
    ]);
  });

  test('an "=" in a classic name is no extended name', () => {
    assert.deepEqual(parseNames('{Smith=Jones} and Doe, J.=x and A=B, C=D'), [
      { literal: 'Smith=Jones' },
      { family: 'Doe', given: 'J.=x' },
      { family: 'A=B', given: 'C=D' },
    ]);
  });
});

describe('sorting commands in names print nothing', () => {
  test('{\\noopsort{hakim}}{al-Hakim} is al-Hakim; a sort key inside a name does not change its parts', () => {
    assert.deepEqual(parseNames('{\\noopsort{hakim}}{al-Hakim}, Tawfiq and {\\noopsort{Rayleigh}}{Lord Rayleigh} and Ludwig {\\noopsort{Beethoven}}van Beethoven'), [
      { family: 'al-Hakim', given: 'Tawfiq' },
      { family: 'Lord Rayleigh' },
      // BibTeX reads a braced command by the first letter inside it (B): "van" is no particle here.
      { given: 'Ludwig van', family: 'Beethoven' },
    ]);
  });
});

describe('what a user sees of these names: completion, hover, the Papers tree', () => {
  const spec = String.raw`%! refs.bib
@book{beauvoir1949,
  title = {Le Deuxième Sexe},
  author = {{family=Beauvoir, given=Simone, prefix=de, useprefix=false} and {family=Doe, given=J.}},
  date = {1949},
}
@article{hakim2001,
  title = {Arabic Names},
  author = {{\noopsort{hakim}}{al-Hakim}, Tawfiq and Roe, R. and Poe, E.},
  year = {2001},
}
%! notes/a.md
[@|
`;
  const f = fixture(spec);
  const paper = (key: string) => f.model.paper(key)!;

  test('the Papers tree and completion show "de Beauvoir and Doe" and "al-Hakim et al."', () => {
    assert.deepEqual(['beauvoir1949', 'hakim2001'].map((key) => paperSummary(f.model, paper(key), { notesFolder: 'notes' }).authors), ['de Beauvoir and Doe', 'al-Hakim et al.']);
    const items = provideCompletion(f.model, '[@', { line: 0, character: 2 }, parseSettings({}))!.items;
    const shown = (key: string) => JSON.stringify(items.find((i) => i.label === key));
    assert.ok(shown('beauvoir1949').includes('de Beauvoir and Doe'), shown('beauvoir1949'));
    assert.ok(shown('hakim2001').includes('al-Hakim et al.'), shown('hakim2001'));
    assert.ok(!/family=|noopsort|hakimal/.test(shown('beauvoir1949') + shown('hakim2001')));
  });

  test('the hover names every author in full', () => {
    assert.match(paperHoverMarkdown(f.model, paper('beauvoir1949')), /^Simone de Beauvoir, J\. Doe · 1949$/m);
    assert.match(paperHoverMarkdown(f.model, paper('hakim2001')), /^Tawfiq al-Hakim, R\. Roe, E\. Poe · 2001$/m);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { catalogDiagnostics, noteDiagnostics } from '../../server/src/features/diagnostics';
import { parseSettings } from '../../server/src/service/settings';
import { fixture, uriOf, where } from './fixture';

const catalog = `%! refs.bib
@misc{SeerAttention, title = {SeerAttention: Learning Intrinsic Sparse Attention in Your LLMs}}
@misc{MoA, title = {MoA: Mixture of Sparse Attention}}
`;

function show(uri: string, diagnostics: ReturnType<typeof noteDiagnostics>) {
  return diagnostics.map((d) => ({ at: where({ uri, range: d.range }), severity: d.severity, code: d.code, source: d.source, message: d.message }));
}

describe('diagnostics in notes', () => {
  test('an unknown key: warning on the key, with the closest key as a hint', () => {
    const f = fixture(catalog + '%! n.md\nKnown [@MoA], typo [@SeerAtention], unknown @nothingLikeIt.\n');
    assert.deepEqual(show(uriOf('n.md'), noteDiagnostics(f.model, uriOf('n.md'), parseSettings({}))), [
      { at: 'n.md:0:21-0:33', severity: 2, code: 'citation.unknown-key', source: 'litnotes', message: "Unknown citation key 'SeerAtention': no paper in the catalogs has it. Did you mean 'SeerAttention'?" },
      { at: 'n.md:0:45-0:58', severity: 2, code: 'citation.unknown-key', source: 'litnotes', message: "Unknown citation key 'nothingLikeIt': no paper in the catalogs has it." },
    ]);
  });

  test('severity from the settings; off hides the rule', () => {
    const f = fixture(catalog + '%! n.md\n[@nope]\n');
    assert.deepEqual(noteDiagnostics(f.model, uriOf('n.md'), parseSettings({ diagnostics: { unknownKey: 'error' } })).map((d) => d.severity), [1]);
    assert.deepEqual(noteDiagnostics(f.model, uriOf('n.md'), parseSettings({ diagnostics: { unknownKey: 'hint' } })).map((d) => d.severity), [4]);
    assert.deepEqual(noteDiagnostics(f.model, uriOf('n.md'), parseSettings({ diagnostics: { unknownKey: 'off' } })), []);
  });

  test('no catalog at all: nothing is flagged', () => {
    const f = fixture('%! n.md\n[@anything] @else\n');
    assert.deepEqual(noteDiagnostics(f.model, uriOf('n.md'), parseSettings({})), []);
  });

  test('citations in code are not checked', () => {
    const f = fixture(catalog + '%! n.md\n`@nope` and\n\n```\n[@nope]\n```\n');
    assert.deepEqual(noteDiagnostics(f.model, uriOf('n.md'), parseSettings({})), []);
  });
});

describe('diagnostics in catalogs', () => {
  test('duplicate keys across catalogs, with related locations', () => {
    const f = fixture(catalog + '%! more.bib\n@misc{MoA, title = {Again}}\n');
    assert.deepEqual(catalogDiagnostics(f.model, uriOf('more.bib'), parseSettings({})), [
      {
        range: { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } },
        severity: 2,
        code: 'catalog.duplicate-key',
        source: 'litnotes',
        message: "Duplicate citation key 'MoA': also defined in refs.bib.",
        relatedInformation: [{ location: { uri: uriOf('refs.bib'), range: { start: { line: 1, character: 6 }, end: { line: 1, character: 9 } } }, message: "'MoA' is also defined here." }],
      },
    ]);
    assert.deepEqual(catalogDiagnostics(f.model, uriOf('more.bib'), parseSettings({ diagnostics: { duplicateKey: 'off' } })), []);
  });

  test('the same library exported twice: the first 100 duplicates marked, one more diagnostic counts the rest', () => {
    const entries = Array.from({ length: 250 }, (_, i) => `@misc{paper${i}, title = {Paper ${i}}}`);
    const csl = JSON.stringify(entries.map((_, i) => ({ id: `paper${i}`, type: 'article', title: `Paper ${i}` })));
    const f = fixture(`%! library.bib\n${entries.join('\n')}\n%! library.json\n${csl}\n%! other.bib\n@misc{paper7, title = {Seven}}\n`);
    const shown = show(uriOf('library.bib'), catalogDiagnostics(f.model, uriOf('library.bib'), parseSettings({})));
    assert.equal(shown.length, 101);
    assert.deepEqual(shown[0], { at: 'library.bib:0:6-0:12', severity: 2, code: 'catalog.duplicate-key', source: 'litnotes', message: "Duplicate citation key 'paper0': also defined in library.json." });
    assert.equal(shown[7].message, "Duplicate citation key 'paper7': also defined in library.json, other.bib.");
    assert.equal(shown[99].at, 'library.bib:99:6-99:13');
    assert.deepEqual(shown[100], { at: 'library.bib:100:6-100:14', severity: 2, code: 'catalog.duplicate-key', source: 'litnotes', message: '150 more keys of this file are defined in other catalogs too (only the first 100 are marked; this file shares keys with library.json, other.bib).' });
    // The file with one shared key is not affected by the others' count.
    assert.deepEqual(show(uriOf('other.bib'), catalogDiagnostics(f.model, uriOf('other.bib'), parseSettings({}))).map((d) => d.message), ["Duplicate citation key 'paper7': also defined in library.bib, library.json."]);
    assert.deepEqual(catalogDiagnostics(f.model, uriOf('library.json'), parseSettings({ diagnostics: { duplicateKey: 'off' } })), []);
  });

  test('duplicate keys found in steps give what finding them at once gives, also when a catalog changes meanwhile', () => {
    const entries = Array.from({ length: 9000 }, (_, i) => `@misc{paper${i}, title = {Paper ${i}}}`).join('\n');
    const atOnce = fixture(`%! a.bib\n${entries}\n%! b.bib\n${entries}\n`);
    const expected = catalogDiagnostics(atOnce.model, uriOf('b.bib'), parseSettings({}));
    assert.equal(expected.at(-1)?.message, '8,900 more keys of this file are defined in other catalogs too (only the first 100 are marked; this file shares keys with a.bib).');

    const inSteps = fixture(`%! a.bib\n${entries}\n%! b.bib\n${entries}\n`);
    let steps = 0;
    for (const settling = inSteps.model.settleDuplicates(); !settling.next().done; ) {
      // The status meanwhile counts the duplicates found last (none yet), not all of them at once.
      assert.equal(inSteps.model.catalogProblemCount(uriOf('b.bib')), 0);
      steps++;
    }
    assert.ok(steps >= 2, `${steps} steps`);
    assert.equal(inSteps.model.catalogProblemCount(uriOf('b.bib')), 101);
    assert.deepEqual(catalogDiagnostics(inSteps.model, uriOf('b.bib'), parseSettings({})), expected);

    // Settling left half-way (a newer pass took over): the status finds the duplicates again.
    const abandoned = fixture(`%! a.bib\n${entries}\n%! b.bib\n${entries}\n`);
    const halfWay = abandoned.model.settleDuplicates();
    halfWay.next();
    halfWay.return();
    assert.equal(abandoned.model.catalogProblemCount(uriOf('b.bib')), 101);

    const changed = fixture(`%! a.bib\n${entries}\n%! b.bib\n${entries}\n`);
    const settling = changed.model.settleDuplicates();
    settling.next();
    changed.model.setCatalog(uriOf('c.bib'), '@misc{paper1, title = {Again}}\n');
    while (!settling.next().done);
    assert.deepEqual(
      show(uriOf('c.bib'), catalogDiagnostics(changed.model, uriOf('c.bib'), parseSettings({}))).map((d) => d.message),
      ["Duplicate citation key 'paper1': also defined in a.bib, b.bib."],
    );
  });

  test('parse errors with the parseError severity', () => {
    const f = fixture('%! broken.bib\n@misc{ok, title = {Fine}}\n@misc{bad, title = {Unclosed\n');
    const diagnostics = catalogDiagnostics(f.model, uriOf('broken.bib'), parseSettings({}));
    assert.ok(diagnostics.length > 0);
    for (const d of diagnostics) {
      assert.equal(d.severity, 1);
      assert.equal(d.source, 'litnotes');
      assert.match(d.code, /^catalog\./);
    }
    assert.deepEqual(catalogDiagnostics(f.model, uriOf('broken.bib'), parseSettings({ diagnostics: { parseError: 'information' } })).map((d) => d.severity), diagnostics.map(() => 3));
  });

  test('entries with no type, no key or a key Pandoc cannot cite: on the entry head, under the parseError severity', () => {
    const f = fixture('%! acl.bib\nSchr@schr{\\"o,}dinger\n@{WASSA,\n}\n@inproceedings{,\n  title = "No key"}\n@misc{ok, title = {Fine}}\n');
    assert.deepEqual(f.model.paper('ok')?.title, 'Fine');
    assert.deepEqual(
      show(uriOf('acl.bib'), catalogDiagnostics(f.model, uriOf('acl.bib'), parseSettings({}))).map((d) => [d.at, d.severity, d.code]),
      [
        ['acl.bib:0:4-0:13', 1, 'catalog.uncitable-key'],
        ['acl.bib:1:0-1:7', 1, 'catalog.missing-type'],
        ['acl.bib:3:0-3:15', 1, 'catalog.missing-key'],
      ],
    );
    assert.deepEqual(catalogDiagnostics(f.model, uriOf('acl.bib'), parseSettings({ diagnostics: { parseError: 'warning' } })).map((d) => d.severity), [2, 2, 2]);
    assert.deepEqual(catalogDiagnostics(f.model, uriOf('acl.bib'), parseSettings({ diagnostics: { parseError: 'off' } })), []);
  });
});

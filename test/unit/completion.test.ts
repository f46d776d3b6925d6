import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { provideCompletion, resolveCompletionItem } from '../../server/src/features/completion';
import { defaultSettings, parseSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { applyEdits, fixture, uriOf, type Fixture } from './fixture';

const catalog = `%! refs.bib
@article{doe2020, title = {Sparse Attention for Long Documents}, author = {Doe, Jane and Roe, Richard and Poe, Edgar}, year = 2020, journal = {Journal of Sparse Things},
  abstract = {We make attention *sparse* and <b>fast</b>.}}
@inproceedings{smith2021, title = {Gaussian Splatting at Scale}, author = {Smith, John}, year = 2021, booktitle = {CVPR}}
@misc{weird-, title = {A Key Ending in a Dash}}
@misc{lone, title = {Another Paper Nobody Cites}}
%! notes/cited.md
[@smith2021] [@smith2021] [@doe2020]
%! notes/more.md
[@smith2021]
`;

function complete(f: Fixture, maxItems = 50) {
  const text = f.files.get(f.cursor!.path)!;
  return provideCompletion(f.model, text, f.cursor!.position, parseSettings({ completion: { maxItems } }));
}

/** The note's text after accepting the completion item labelled `label`. */
function accept(f: Fixture, label: string): string {
  const item = complete(f)!.items.find((i) => i.label === label)!;
  return applyEdits(f.files.get(f.cursor!.path)!, [item.textEdit!]);
}

describe('completion', () => {
  test('nothing typed after @: the papers cited in most notes first, then the rest by title', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@|\n');
    const list = complete(f)!;
    assert.equal(list.isIncomplete, true);
    assert.deepEqual(list.items.map((i) => i.label), ['smith2021', 'doe2020', 'weird-', 'lone']);
    assert.deepEqual(list.items.map((i) => i.sortText), ['00000', '00001', '00002', '00003']);
  });

  test('a typed prefix searches titles and authors, not only keys; the list is capped', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@splat|]\n');
    assert.deepEqual(complete(f)!.items.map((i) => i.label), ['smith2021']);
    const capped = fixture(catalog + '%! notes/new.md\nSee @|\n');
    assert.deepEqual(complete(capped, 2)!.items.map((i) => i.label), ['smith2021', 'doe2020']);
  });

  test('every field of an item, exactly', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@spars|]\n');
    const item = complete(f)!.items[0];
    assert.deepEqual(item, {
      label: 'doe2020',
      kind: 18,
      detail: 'Sparse Attention for Long Documents',
      labelDetails: { description: 'Doe et al. · 2020' },
      documentation: {
        kind: 'markdown',
        value: '**Sparse Attention for Long Documents**\n\nJane Doe, Richard Roe, Edgar Poe · 2020 · *Journal of Sparse Things*\n\nWe make attention \\*sparse\\* and \\<b\\>fast\\</b\\>.',
      },
      sortText: '00000',
      filterText: '@spars',
      textEdit: { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 11 } }, newText: '@doe2020' },
      data: { key: 'doe2020' },
    });
  });

  test('accepting an item replaces exactly the typed @prefix', () => {
    assert.equal(accept(fixture(catalog + '%! notes/new.md\nSee [@gauss|] now.\n'), 'smith2021'), 'See [@smith2021] now.\n');
    assert.equal(accept(fixture(catalog + '%! notes/new.md\n@smi|\n'), 'smith2021'), '@smith2021\n');
    assert.equal(accept(fixture(catalog + '%! notes/new.md\n[see @doe2020; @gau|, p. 4]\n'), 'smith2021'), '[see @doe2020; @smith2021, p. 4]\n');
  });

  test('braces only for keys that need them in Pandoc', () => {
    assert.equal(accept(fixture(catalog + '%! notes/new.md\n[@dash|]\n'), 'weird-'), '[@{weird-}]\n');
    assert.equal(accept(fixture(catalog + '%! notes/new.md\n[@{gauss|}]\n'), 'smith2021'), '[@smith2021]\n');
  });

  test('no completion outside a citation', () => {
    assert.equal(complete(fixture(catalog + '%! notes/new.md\nWrite to someone@exa|mple.org\n')), undefined);
    assert.equal(complete(fixture(catalog + '%! notes/new.md\n```\n@smi|\n```\n')), undefined);
  });

  test('resolve brings the whole abstract and the formatted reference', () => {
    const f = fixture(catalog + '%! notes/new.md\n[@spars|]\n');
    const item = complete(f)!.items[0];
    const resolved = resolveCompletionItem(f.model, item, 'Doe, J., Roe, R., & Poe, E. (2020). Sparse attention for long documents. *Journal*.');
    assert.equal(
      resolved.documentation!.value,
      '**Sparse Attention for Long Documents**\n\nJane Doe, Richard Roe, Edgar Poe · 2020 · *Journal of Sparse Things*\n\nWe make attention \\*sparse\\* and \\<b\\>fast\\</b\\>.\n\nDoe, J., Roe, R., \\& Poe, E. (2020). Sparse attention for long documents. \\*Journal\\*.',
    );
    assert.deepEqual({ ...resolved, documentation: undefined }, { ...item, documentation: undefined });
  });

  test('for a client that resolves documentation, the list leaves it out and resolve brings it', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@spars|]\n');
    const text = f.files.get(f.cursor!.path)!;
    const eager = provideCompletion(f.model, text, f.cursor!.position, defaultSettings)!.items;
    const lazy = provideCompletion(f.model, text, f.cursor!.position, defaultSettings, true)!.items;
    assert.deepEqual(lazy.map((i) => i.documentation), [undefined]);
    assert.deepEqual(lazy, eager.map((i) => ({ ...i, documentation: undefined })).map(({ documentation: _, ...rest }) => rest));
    assert.match(resolveCompletionItem(f.model, lazy[0]).documentation!.value, /^\*\*Sparse Attention for Long Documents\*\*\n\nJane Doe/);
  });

  test('long abstracts are shortened in the list and whole on resolve', () => {
    const abstract = 'word '.repeat(200).trim();
    const f = fixture(`%! refs.bib\n@misc{long, title = {Long}, abstract = {${abstract}}}\n%! n.md\n@lon|\n`);
    const item = complete(f)!.items[0];
    const listed = item.documentation!.value.split('\n\n')[1];
    assert.ok(listed.length <= 301 && listed.endsWith('…'), listed);
    assert.equal(resolveCompletionItem(f.model, item).documentation!.value.split('\n\n')[1], abstract);
  });
});

describe('completion on the demo catalog', () => {
  const model = new WorkspaceModel();
  model.setCatalog(uriOf('papers.bib'), readFileSync(new URL('../../examples/demo/papers.bib', import.meta.url), 'utf8'));

  test('typing @gauss gives the Gaussian-splatting papers first', () => {
    const text = 'Splatting: [@gauss';
    const list = provideCompletion(model, text, { line: 0, character: text.length }, defaultSettings)!;
    assert.deepEqual(list.items.slice(0, 4).map((i) => i.label).sort(), ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W']);
    assert.ok(list.items.length <= 50);
  });

  test('typing @seer gives SeerAttention first', () => {
    const text = '@seer';
    assert.equal(provideCompletion(model, text, { line: 0, character: 5 }, defaultSettings)!.items[0].label, 'SeerAttention');
  });
});

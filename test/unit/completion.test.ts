import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { provideCompletion, resolveCompletionItem, SEARCH_TIP, type CompletionClient } from '../../server/src/features/completion';
import { paperOfLiteratureNote } from '../../server/src/service/literatureNotes';
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

/** What VS Code tells the server (and our client asks for). */
const vscode: CompletionClient = { lazyDocumentation: true, labelDetails: true, editStartsAtCursor: true };

function complete(f: Fixture, maxItems = 50, client: CompletionClient = {}) {
  const text = f.files.get(f.cursor!.path)!;
  // With the note's URI, as the server asks: the note index's layout of this version is used.
  return provideCompletion(f.model, text, f.cursor!.position, parseSettings({ completion: { maxItems } }), client, f.cursor!.uri);
}

const labels = (f: Fixture, maxItems = 50) => complete(f, maxItems)!.items.map((i) => i.label);

/** The note's text after accepting the completion item labelled `label` (its edit and any additional edits). */
function accept(f: Fixture, label: string, client: CompletionClient = {}): string {
  const item = complete(f, 50, client)!.items.find((i) => i.label === label)!;
  return applyEdits(f.files.get(f.cursor!.path)!, [item.textEdit!, ...(item.additionalTextEdits ?? [])]);
}

describe('completion rows', () => {
  test('in VS Code: the key, then "Author et al. Year · Title"; the edit starts at the cursor and an additional edit removes the typed @words', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@spars|]\n');
    const item = complete(f, 50, vscode)!.items[0];
    assert.deepEqual(item, {
      label: 'doe2020',
      kind: 18,
      labelDetails: { detail: ' Doe et al. 2020 · Sparse Attention for Long Documents' },
      sortText: '00000',
      filterText: '@spars',
      textEdit: { range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 } }, newText: '@doe2020' },
      additionalTextEdits: [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 11 } }, newText: '' }],
      data: { key: 'doe2020' },
    });
  });

  test('any other client: one edit over the typed @words, authors, year and title in `detail`, the details in the list', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@spars|]\n');
    const item = complete(f)!.items[0];
    assert.deepEqual(item, {
      label: 'doe2020',
      kind: 18,
      detail: 'Doe et al. 2020 · Sparse Attention for Long Documents',
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

  test('authors and year first; a long title is shortened at a word, without the key when it starts with it; one or two authors are named; missing parts are left out', () => {
    const f = fixture(`%! refs.bib
@misc{long, title = {A Very Long Title About Sparse Attention That Goes On and On About Things Nobody Reads}, author = {Doe, Jane and Roe, Richard}, year = 2020}
@misc{alone, author = {Smith, John}}
@misc{bare, title = {Only a Title}}
@misc{nothing}
@misc{LM-Gaussian, title = {LM-Gaussian: Boost Sparse-view 3D Gaussian Splatting}, author = {Yu, Hanyang}, year = 2024}
@misc{key:, title = {key: only}}
%! n.md
@|
`);
    const details = Object.fromEntries(complete(f, 50, vscode)!.items.map((i) => [i.label, i.labelDetails]));
    assert.deepEqual(details, {
      long: { detail: ' Doe and Roe 2020 · A Very Long Title About Sparse Attention That Goes On and…' },
      alone: { detail: ' Smith' },
      bare: { detail: ' Only a Title' },
      'LM-Gaussian': { detail: ' Yu 2024 · Boost Sparse-view 3D Gaussian Splatting' },
      'key:': { detail: ' key: only' },
      nothing: undefined,
    });
  });

  test('catalog text in a row stays text: no markup is made of it', () => {
    const f = fixture('%! refs.bib\n@misc{x, title = {<img src=x> **bold** [link](command:rm)}, author = {`Tick`, Tom}}\n%! n.md\n@|\n');
    const item = complete(f, 50, vscode)!.items[0];
    assert.deepEqual(item.labelDetails, { detail: ' `Tick` · <img src=x> **bold** [link](command:rm)' });
  });

  test('the details: the title once, then authors, year and venue, then the abstract, escaped', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@gauss|]\n');
    const item = complete(f, 50, vscode)!.items[0];
    assert.equal(item.documentation, undefined, 'resolved when shown');
    assert.equal(resolveCompletionItem(f.model, item).documentation!.value, '**Gaussian Splatting at Scale**\n\nJohn Smith · 2021 · *CVPR*');
    const sparse = complete(fixture(catalog + '%! notes/new.md\nSee [@spars|]\n'), 50, vscode)!.items[0];
    assert.equal(
      resolveCompletionItem(f.model, sparse).documentation!.value,
      '**Sparse Attention for Long Documents**\n\nJane Doe, Richard Roe, Edgar Poe · 2020 · *Journal of Sparse Things*\n\nWe make attention \\*sparse\\* and \\<b\\>fast\\</b\\>.',
    );
  });

  test('a title match does not put letters of the key between the edit and the cursor, in any client order stays the server\'s', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@gauss|]\n');
    const items = complete(f, 50, vscode)!.items;
    for (const item of items) {
      assert.deepEqual(item.textEdit!.range.start, f.cursor!.position, 'nothing between the edit start and the cursor for VS Code to highlight');
      assert.equal(item.filterText, '@gauss');
    }
    assert.deepEqual(items.map((i) => i.sortText), items.map((_, i) => String(i).padStart(5, '0')));
  });
});

describe('accepting an item', () => {
  for (const [name, client] of [['one edit', {}], ['VS Code', vscode]] as const) {
    test(`replaces exactly the typed @words (${name})`, () => {
      assert.equal(accept(fixture(catalog + '%! notes/new.md\nSee [@gauss|] now.\n'), 'smith2021', client), 'See [@smith2021] now.\n');
      assert.equal(accept(fixture(catalog + '%! notes/new.md\n@smi|\n'), 'smith2021', client), '@smith2021\n');
      assert.equal(accept(fixture(catalog + '%! notes/new.md\n[see @doe2020; @gau|, p. 4]\n'), 'smith2021', client), '[see @doe2020; @smith2021, p. 4]\n');
      assert.equal(accept(fixture(catalog + '%! notes/new.md\n[@sparse-att|]\n'), 'doe2020', client), '[@doe2020]\n');
      assert.equal(accept(fixture(catalog + '%! notes/new.md\n[@smi|th2021]\n'), 'smith2021', client), '[@smith2021]\n', 'inside a key: the whole key');
      assert.equal(accept(fixture(catalog + '%! notes/new.md\nSee [@|\n'), 'lone', client), 'See [@lone\n');
    });

    test(`braces only for keys that need them in Pandoc (${name})`, () => {
      assert.equal(accept(fixture(catalog + '%! notes/new.md\n[@dash|]\n'), 'weird-', client), '[@{weird-}]\n');
      assert.equal(accept(fixture(catalog + '%! notes/new.md\n[@{gauss|}]\n'), 'smith2021', client), '[@smith2021]\n');
    });
  }

  test('no completion outside a citation', () => {
    assert.equal(complete(fixture(catalog + '%! notes/new.md\nWrite to someone@exa|mple.org\n')), undefined);
    assert.equal(complete(fixture(catalog + '%! notes/new.md\n```\n@smi|\n```\n')), undefined);
    assert.equal(complete(fixture(catalog + '%! notes/new.md\nA list item - with a dash-|\n')), undefined, 'a dash (a trigger character) in prose');
  });

  test('the layout of the version typed, not of the version indexed: a fence opened since means code', () => {
    const f = fixture(catalog + '%! notes/new.md\nIntro\n\nSee [@smi|]\n');
    const uri = f.cursor!.uri;
    const indexed = f.files.get('notes/new.md')!;
    const position = f.cursor!.position;
    const settings = parseSettings({});
    assert.deepEqual(provideCompletion(f.model, indexed, position, settings, {}, uri)?.items.map((i) => i.label), ['smith2021']);
    // The editor's newer text (the index has not seen it): a fence opened above the citation, the
    // same length as the line it replaces, so every offset of the old layout still fits the new text.
    const typed = indexed.replace('Intro\n', '```sh\n');
    assert.equal(provideCompletion(f.model, typed, position, settings, {}, uri), undefined);
    // Once indexed, the same: the kept layout is that version's.
    f.model.setNote(uri, typed);
    assert.equal(provideCompletion(f.model, typed, position, settings, {}, uri), undefined);
    f.model.setNote(uri, indexed);
    assert.deepEqual(provideCompletion(f.model, indexed, position, settings, {}, uri)?.items.map((i) => i.label), ['smith2021']);
  });

  test("code spans and HTML in the cursor's paragraph, with the kept layout", () => {
    assert.equal(complete(fixture(catalog + '%! notes/new.md\nOne paragraph.\n\nSome `code @smi|` here\n')), undefined);
    assert.equal(complete(fixture(catalog + '%! notes/new.md\nOne paragraph.\n\n<!-- @smi| -->\n')), undefined);
    assert.deepEqual(labels(fixture(catalog + '%! notes/new.md\nSome `code` then [@smi|]\n\n`open\n')), ['smith2021']);
  });
});

describe('several words after @', () => {
  const papers = `%! refs.bib
@article{doe2020, title = {Sparse Attention for Long Documents}, author = {Doe, Jane}, year = 2020}
@article{dense2019, title = {Dense Attention Revisited}, author = {Roe, Richard}, year = 2019}
@article{sparseCoding, title = {Sparse Coding of Images}, author = {Poe, Edgar}, year = 2018}
@article{smith-2020, title = {Gaussian Splatting at Scale}, author = {Smith, John}, year = 2020}
@article{splat2020, title = {Faster Gaussian Splatting}, author = {Smith, Anna}, year = 2020}
@article{smithson2020, title = {Elsewhere}, author = {Smithson, Jo}, year = 2020}
`;

  test('words joined by -, _ or + must all be found (title, authors or key), in any order; the last one may be unfinished', () => {
    for (const typed of ['sparse-attention', 'attention-sparse', 'sparse_att', 'sparse+attention', 'doe-sparse']) {
      assert.deepEqual(labels(fixture(`${papers}%! n.md\n[@${typed}|]\n`)), ['doe2020'], typed);
    }
    assert.deepEqual(labels(fixture(`${papers}%! n.md\n[@gaussian-splat|]\n`)).sort(), ['smith-2020', 'splat2020']);
  });

  test('a key that starts with the typed text comes first, its punctuation included; then the papers with every word', () => {
    assert.deepEqual(labels(fixture(`${papers}%! n.md\n[@smith-2020|]\n`)), ['smith-2020', 'splat2020']);
    assert.deepEqual(labels(fixture(`${papers}%! n.md\n[@smith-20|]\n`)), ['smith-2020', 'splat2020']);
    assert.deepEqual(labels(fixture(`${papers}%! n.md\n[@sparse|]\n`)), ['sparseCoding', 'doe2020']);
  });

  test('when no paper has every word, the papers with the most of them', () => {
    assert.deepEqual(labels(fixture(`${papers}%! n.md\n[@sparse-attention-zebra|]\n`)).slice(0, 1), ['doe2020']);
  });
});

describe('[@ with nothing typed', () => {
  test('the papers cited in the notes edited last come first (a note\'s last citations first), then the others in catalog order', () => {
    // cited.md, then more.md, then new.md were written: more.md's citation, then cited.md's from its end.
    const f = fixture(catalog + '%! notes/new.md\nSee [@|\n');
    const list = complete(f, 50, vscode)!;
    assert.equal(list.isIncomplete, true);
    assert.deepEqual(list.items.map((i) => i.label), ['smith2021', 'doe2020', 'weird-', 'lone']);
    assert.deepEqual(list.items.map((i) => i.sortText), ['00000', '00001', '00002', '00003']);
  });

  test('an edit brings a note\'s citations to the front; a file\'s time orders notes read from disk', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@|\n');
    f.model.setNote(uriOf('notes/more.md'), '[@smith2021] again', 3_000);
    f.model.setNote(uriOf('notes/cited.md'), '[@lone] and [@doe2020]', 5_000);
    f.model.setNote(uriOf('notes/old.md'), '[@{weird-}]', 1_000);
    assert.deepEqual(labels(f), ['doe2020', 'lone', 'smith2021', 'weird-']);
    f.model.setNote(uriOf('notes/old.md'), '[@{weird-}] again', 9_000);
    assert.deepEqual(labels(f), ['weird-', 'doe2020', 'lone', 'smith2021']);
    f.model.removeNote(uriOf('notes/old.md'));
    assert.deepEqual(labels(f), ['doe2020', 'lone', 'smith2021', 'weird-']);
  });

  test('a paper opened (its literature note, a command) comes in by when it was opened; unknown keys and repeats are left out', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@|\n');
    f.model.setNote(uriOf('notes/cited.md'), '[@doe2020] [@nosuchkey] [@doe2020]', 1_000);
    f.model.setNote(uriOf('notes/more.md'), '[@smith2021]', 3_000);
    f.model.setNote(uriOf('notes/new.md'), 'See [@', 3_500);
    f.model.paperOpened('lone', 2_000);
    f.model.paperOpened('gone-from-the-catalog', 2_500);
    assert.deepEqual(labels(f), ['smith2021', 'lone', 'doe2020', 'weird-']);
    f.model.paperOpened('weird-', 4_000);
    assert.deepEqual(labels(f), ['weird-', 'smith2021', 'lone', 'doe2020']);
    assert.deepEqual(labels(f, 2), ['weird-', 'smith2021']);
  });

  test('a literature note opened is its paper opened; other notes are not', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@|\n');
    const settings = parseSettings({});
    assert.equal(paperOfLiteratureNote(f.model, uriOf('notes/lone.md'), settings), 'lone');
    assert.equal(paperOfLiteratureNote(f.model, uriOf('notes/weird-.md'), settings), 'weird-');
    assert.equal(paperOfLiteratureNote(f.model, uriOf('notes/cited.md'), settings), undefined, 'no paper has that key');
    assert.equal(paperOfLiteratureNote(f.model, uriOf('elsewhere/lone.md'), settings), undefined, 'not in the notes folder');
    assert.equal(paperOfLiteratureNote(f.model, uriOf('notes/lone.md'), parseSettings({ notesFolder: 'lit' })), undefined);
  });

  test('the rest in the order the catalog lists them, not sorted', () => {
    const f = fixture('%! refs.bib\n@misc{zeta, title = {Zebras}}\n@misc{alpha, title = {Aardvarks}}\n@misc{mid, title = {Moles}}\n%! n.md\n@|\n');
    assert.deepEqual(labels(f), ['zeta', 'alpha', 'mid']);
  });

  test('a bare @ at the start of a word offers the same', () => {
    const f = fixture(catalog + '%! notes/new.md\nas shown by @|\n');
    assert.deepEqual(labels(f), ['smith2021', 'doe2020', 'weird-', 'lone']);
  });

  test('while the catalog is still read: its skimmed papers, recently cited ones first', () => {
    const model = new WorkspaceModel();
    const bib = readFileSync(new URL('../../examples/demo/papers.bib', import.meta.url), 'utf8');
    const skimmed = parseBibtex(bib, uriOf('papers.bib')).papers;
    model.addProvisionalPapers(uriOf('papers.bib'), skimmed);
    model.setNote(uriOf('notes/a.md'), 'See [@SeerAttention] and [@nosuchkey].');
    const text = 'Now [@';
    const list = provideCompletion(model, text, { line: 0, character: text.length }, defaultSettings, vscode)!;
    assert.deepEqual(list.items.slice(0, 4).map((i) => i.label), ['SeerAttention', ...skimmed.slice(0, 3).map((p) => p.key).filter((k) => k !== 'SeerAttention')].slice(0, 4));
    assert.equal(list.items.length, 50);
    assert.deepEqual(list.items[0].labelDetails, { detail: ' Gao et al. 2024 · Learning Intrinsic Sparse Attention in Your LLMs' });
  });

  test('the details of these papers end with how to search; typed searches do not', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@|\n');
    const first = complete(f, 50, vscode)!.items[0];
    assert.match(resolveCompletionItem(f.model, first).documentation!.value, new RegExp(`\\n\\n---\\n\\n${SEARCH_TIP.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    assert.equal(SEARCH_TIP, '*Type words of a title, an author or a key after `@`; join several words with `-`, as in `@sparse-attention`.*');
    const typed = complete(fixture(catalog + '%! notes/new.md\nSee [@gau|\n'), 50, vscode)!.items[0];
    assert.doesNotMatch(resolveCompletionItem(f.model, typed).documentation!.value, /Type words/);
  });
});

describe('completion documentation', () => {
  test('resolve brings the whole abstract and keeps the rest of the item', () => {
    const f = fixture(catalog + '%! notes/new.md\n[@spars|]\n');
    const item = complete(f)!.items[0];
    const resolved = resolveCompletionItem(f.model, item);
    assert.equal(
      resolved.documentation!.value,
      '**Sparse Attention for Long Documents**\n\nJane Doe, Richard Roe, Edgar Poe · 2020 · *Journal of Sparse Things*\n\nWe make attention \\*sparse\\* and \\<b\\>fast\\</b\\>.',
    );
    assert.deepEqual({ ...resolved, documentation: undefined }, { ...item, documentation: undefined });
  });

  test('for a client that resolves documentation, the list leaves it out', () => {
    const f = fixture(catalog + '%! notes/new.md\nSee [@spars|]\n');
    const eager = complete(f)!.items;
    const lazy = complete(f, 50, { lazyDocumentation: true })!.items;
    assert.deepEqual(lazy.map((i) => i.documentation), [undefined]);
    assert.deepEqual(lazy, eager.map(({ documentation: _, ...rest }) => rest));
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

  test('typing @sparse-attention gives the sparse-attention papers', () => {
    const text = '[@sparse-attention';
    const labels = provideCompletion(model, text, { line: 0, character: text.length }, defaultSettings)!.items.slice(0, 3).map((i) => i.label);
    assert.ok(labels.includes('SeerAttention'), labels.join());
  });
});

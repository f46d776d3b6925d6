import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IndexStatus } from '../../common/protocol';
import { pickText } from '../../client/src/plainText';
import { statusView } from '../../client/src/statusModel';

const relative = (uri: string) => uri.replace('file:///ws/', '');

function status(overrides: Partial<IndexStatus> = {}): IndexStatus {
  return {
    state: 'ready',
    papers: 64,
    notes: 3,
    catalogs: [{ uri: 'file:///ws/refs/papers.bib', papers: 60, problems: 0 }, { uri: 'file:///ws/extra.json', papers: 4, problems: 0 }],
    problems: 0,
    ...overrides,
  };
}

describe('status item', () => {
  test('ready: the number of papers, click focuses the Papers view, catalogs listed by path', () => {
    assert.deepEqual(statusView(status(), relative), {
      text: '$(book) 64 papers',
      tooltip: 'LitNotes: 64 papers in 2 catalogs, 3 notes\nextra.json: 4 papers\nrefs/papers.bib: 60 papers',
      click: 'focusPapers',
      busy: false,
    });
  });

  test('problems: a warning, click opens the Problems panel', () => {
    const view = statusView(status({ problems: 2, catalogs: [{ uri: 'file:///ws/a.bib', papers: 1, problems: 2 }] }), relative);
    assert.equal(view.text, '$(warning) 64 papers, 2 catalog problems');
    assert.equal(view.click, 'showProblems');
    assert.equal(view.tooltip, 'LitNotes: 64 papers in 1 catalog, 3 notes\na.bib: 1 paper, 2 problems');
  });

  test('indexing, starting, and no catalog', () => {
    assert.equal(statusView(status({ state: 'indexing' }), relative).text, '$(sync~spin) Indexing…');
    assert.equal(statusView(status({ state: 'indexing' }), relative).busy, true);
    assert.equal(statusView(undefined, relative).text, '$(sync~spin) Starting…');
    const empty = statusView(status({ papers: 0, notes: 0, catalogs: [] }), relative);
    assert.equal(empty.text, '$(book) 0 papers');
    assert.match(empty.tooltip, /No catalog found/);
    assert.equal(statusView(status({ papers: 1, problems: 1 }), relative).text, '$(warning) 1 paper, 1 catalog problem');
  });
});

describe('quick pick text', () => {
  test('catalog text cannot draw icons and stays on one line', () => {
    assert.equal(pickText('A $(alert) title\n  on two lines'), 'A \\$(alert) title on two lines');
    assert.equal(pickText(undefined), '');
  });
});

describe('status item with the Zotero library', () => {
  const zoteroCatalog = { uri: 'zotero:library', papers: 302, problems: 0 };
  test('live: papers counted, the library named in the tooltip with its state', () => {
    const view = statusView(status({ papers: 302, catalogs: [zoteroCatalog], zotero: { state: 'live', papers: 302, message: '302 papers from your Zotero library, live (citation keys from Better BibTeX 7.0.29).' } }), relative);
    assert.deepEqual(view, {
      text: '$(book) 302 papers',
      tooltip: 'LitNotes: 302 papers in 1 catalog, 3 notes\nZotero library: 302 papers\nZotero: 302 papers from your Zotero library, live (citation keys from Better BibTeX 7.0.29).',
      click: 'focusPapers',
      busy: false,
    });
  });

  test('not reachable: a warning in the bar, the reason and what to do in the tooltip, click shows the output', () => {
    const message = 'Zotero not reachable — papers from the last sync (2024-05-01 10:00 UTC). Start Zotero…';
    const view = statusView(status({ papers: 302, catalogs: [zoteroCatalog], zotero: { state: 'unreachable', papers: 302, message } }), relative);
    assert.equal(view.text, '$(warning) 302 papers · Zotero not reachable');
    assert.equal(view.click, 'showOutput');
    assert.ok(view.tooltip.endsWith(`\nZotero: ${message}`));
    assert.equal(statusView(status({ zotero: { state: 'localApiOff', papers: 0, message: 'x' } }), relative).text, "$(warning) 64 papers · Zotero's local API is off");
  });

  test('reading: busy; off: nothing about Zotero', () => {
    const reading = statusView(status({ zotero: { state: 'reading', papers: 10, message: 'Reading your Zotero library: 100 of 2000 items…' } }), relative);
    assert.deepEqual([reading.text, reading.busy], ['$(sync~spin) 64 papers · reading Zotero…', true]);
    assert.equal(statusView(status({ zotero: { state: 'off', papers: 0, message: 'off', available: true } }), relative).text, '$(book) 64 papers');
  });
});

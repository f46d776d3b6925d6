import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { PaperSummary, Topic } from '../../common/protocol';
import {
  describeNode,
  escapeMarkdown,
  filterHeader,
  noteNodes,
  paperNode,
  paperTooltip,
  parentOf,
  topicNode,
  yearAndAuthors,
  type PaperNode,
  type TopicNode,
} from '../../client/src/tree/treeModel';

const topic: Topic = { id: 'derived:attention', label: 'Attention', count: 2, source: 'derived' };

function paper(overrides: Partial<PaperSummary> = {}): PaperSummary {
  return {
    key: 'doe2024',
    title: 'Sparse Attention',
    authors: 'Doe',
    year: '2024',
    venue: 'NeurIPS',
    abstractPreview: 'We study sparse attention.',
    citingNotes: [],
    catalogUri: 'file:///ws/papers.bib',
    catalogLine: 12,
    ...overrides,
  };
}

describe('topic nodes', () => {
  test('label, count as description, icon by source, collapsible', () => {
    const view = describeNode(topicNode(topic));
    assert.equal(view.label, 'Attention');
    assert.equal(view.description, '2');
    assert.equal(view.icon, 'lightbulb');
    assert.equal(view.contextValue, 'topic');
    assert.equal(view.collapsible, 'collapsed');
    assert.equal(view.tooltip, '**Attention**\n\n2 papers · Derived from titles and abstracts');
    assert.equal(view.open, undefined);
  });

  test('under a filter, topics open by themselves, with ids of their own per filter', () => {
    const filtered = topicNode(topic, 'wombat');
    assert.equal(describeNode(filtered).collapsible, 'expanded');
    assert.notEqual(filtered.id, topicNode(topic).id);
    assert.notEqual(filtered.id, topicNode(topic, 'gauss').id);
    assert.equal(describeNode(topicNode(topic, '')).collapsible, 'collapsed');
  });

  test('catalog topics and papers without a topic have their own icons', () => {
    assert.equal(describeNode(topicNode({ ...topic, source: 'catalog' })).icon, 'tag');
    assert.equal(describeNode(topicNode({ ...topic, id: 'none', source: 'none', label: 'Other' })).icon, 'library');
  });
});

describe('paper nodes', () => {
  test('title as label, "year · first author" as description, catalog entry on click without a note', () => {
    const view = describeNode(paperNode(topic.id, paper()));
    assert.equal(view.label, 'Sparse Attention');
    assert.equal(view.description, '2024 · Doe');
    assert.equal(view.icon, 'book');
    assert.equal(view.contextValue, 'paper');
    assert.equal(view.collapsible, 'none');
    assert.deepEqual(view.open, { uri: 'file:///ws/papers.bib', line: 12 });
  });

  test('a paper with a literature note shows the notebook icon and opens the note', () => {
    const view = describeNode(paperNode(topic.id, paper({ noteUri: 'file:///ws/notes/doe2024.md' })));
    assert.equal(view.icon, 'notebook');
    assert.equal(view.contextValue, 'paperWithNote');
    assert.equal(view.collapsible, 'collapsed');
    assert.deepEqual(view.open, { uri: 'file:///ws/notes/doe2024.md' });
  });

  test('the key stands in for a missing title; multi-line titles are shown on one line', () => {
    assert.equal(describeNode(paperNode(topic.id, paper({ title: undefined }))).label, 'doe2024');
    assert.equal(describeNode(paperNode(topic.id, paper({ title: '  Sparse\n   Attention ' }))).label, 'Sparse Attention');
  });

  test('the description has only the parts that are known', () => {
    assert.equal(yearAndAuthors({ year: '2024' }), '2024');
    assert.equal(yearAndAuthors({ authors: 'Doe et al.' }), 'Doe et al.');
    assert.equal(yearAndAuthors({}), '');
    assert.equal(describeNode(paperNode(topic.id, paper({ year: undefined, authors: undefined }))).description, undefined);
  });
});

describe('paper marks: a note, a PDF, annotations newer than the note', () => {
  /** Which inline and context menu items package.json shows for a node (its `viewItem` when clauses). */
  function menuCommands(contextValue: string): string[] {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const items: { command: string; when: string }[] = pkg.contributes.menus['view/item/context'];
    return [...new Set(items.filter((item) => {
      const m = /viewItem =~ \/(.*)\/$/.exec(item.when);
      return m !== null && new RegExp(m[1]).test(contextValue);
    }).map((item) => item.command))].sort();
  }

  test('a PDF: "PDF" in the description, a context value ending in +pdf', () => {
    const view = describeNode(paperNode(topic.id, paper({ hasPdf: true })));
    assert.equal(view.description, '2024 · Doe · PDF');
    assert.equal(view.contextValue, 'paper+pdf');
    assert.equal(describeNode(paperNode(topic.id, paper({ hasPdf: true, noteUri: 'file:///ws/notes/doe2024.md' }))).contextValue, 'paperWithNote+pdf');
    assert.match(paperTooltip(paper({ hasPdf: true })), /No literature note yet · has a PDF · cited in 0 notes$/);
  });

  test('annotations newer than the note: marked in the description, the icon and the tooltip', () => {
    const behind = describeNode(paperNode(topic.id, paper({ hasPdf: true, noteUri: 'file:///ws/notes/doe2024.md', annotationsNewer: true })));
    assert.equal(behind.description, '2024 · Doe · PDF · new annotations');
    assert.equal(behind.icon, 'notebook');
    assert.equal(behind.iconColor, 'charts.orange');
    assert.match(behind.tooltip!, /Annotations in Zotero are newer than the note: Update Literature Note brings them in\.$/);
    const upToDate = describeNode(paperNode(topic.id, paper({ hasPdf: true, noteUri: 'file:///ws/notes/doe2024.md', annotationsNewer: false })));
    assert.equal(upToDate.description, '2024 · Doe · PDF');
    assert.equal(upToDate.iconColor, undefined);
    // Without a note there is nothing to be behind: no mark.
    assert.equal(describeNode(paperNode(topic.id, paper({ annotationsNewer: true }))).description, '2024 · Doe');
  });

  test('the menus each kind of paper gets: Open PDF only with a PDF, open or create the note by its state, Update Literature Note with a note', () => {
    const always = ['litnotes.copyKey', 'litnotes.copyReference', 'litnotes.goToCatalogEntry', 'litnotes.openPaperLink', 'litnotes.showCitingNotes'];
    assert.deepEqual(menuCommands('paper'), [...always, 'litnotes.createNote'].sort());
    assert.deepEqual(menuCommands('paper+pdf'), [...always, 'litnotes.createNote', 'litnotes.openPdf'].sort());
    assert.deepEqual(menuCommands('paperWithNote'), [...always, 'litnotes.openNote', 'litnotes.updateNote'].sort());
    assert.deepEqual(menuCommands('paperWithNote+pdf'), [...always, 'litnotes.openNote', 'litnotes.openPdf', 'litnotes.updateNote'].sort());
    assert.deepEqual(menuCommands('topic'), []);
    assert.deepEqual(menuCommands('note'), []);
  });
});

describe('tooltips', () => {
  test('key, title, authors, year, venue, abstract preview and note status', () => {
    assert.equal(
      paperTooltip(paper({ citingNotes: ['file:///ws/notes/a.md'] })),
      [
        '**Sparse Attention**',
        'Doe · 2024 · NeurIPS',
        'Key: doe2024',
        'We study sparse attention\\.',
        'No literature note yet · cited in 1 note',
      ].join('\n\n'),
    );
  });

  test('catalog text cannot make links, images, HTML, emphasis or autolinks', () => {
    const evil = paper({
      title: '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold**',
      authors: '![x](https://evil.example/p.png)',
      abstractPreview: 'see https://evil.example and <command:foo>',
      key: 'a_b*c',
    });
    const tooltip = paperTooltip(evil);
    assert.equal(
      tooltip.split('\n\n')[0],
      '**\\[click\\]\\(command\\:workbench\\.action\\.terminal\\.new\\) \\<img src\\=x onerror\\=alert\\(1\\)\\> \\*\\*bold\\*\\***',
    );
    assert.equal(tooltip.split('\n\n')[2], 'Key: a\\_b\\*c');
    // Outside of backslash escapes, no Markdown/HTML syntax character survives.
    const unescaped = tooltip.replace(/\\./g, '').replace(/^\*\*|\*\*$/gm, '');
    assert.doesNotMatch(unescaped, /[[\]()<>!*_`]/);
    assert.doesNotMatch(unescaped, /https:\/\//);
  });

  test('escapeMarkdown escapes each syntax character once', () => {
    assert.equal(escapeMarkdown('a\\b'), 'a\\\\b');
    assert.equal(escapeMarkdown('# 1. x'), '\\# 1\\. x');
    assert.equal(escapeMarkdown('plain words'), 'plain words');
  });
});

describe('note nodes', () => {
  test('the literature note first, then the notes citing the paper, no duplicates', () => {
    const parent = paperNode(topic.id, paper({ noteUri: 'file:///ws/notes/doe2024.md', citingNotes: ['file:///ws/a.md', 'file:///ws/notes/doe2024.md', 'file:///ws/my%20notes/b.md'] }));
    const notes = noteNodes(parent).map(describeNode);
    assert.deepEqual(
      notes.map((n) => [n.label, n.description, n.icon, n.contextValue]),
      [
        ['doe2024.md', 'literature note', 'notebook', 'note'],
        ['a.md', 'cites it', 'references', 'note'],
        ['b.md', 'cites it', 'references', 'note'],
      ],
    );
    assert.deepEqual(notes[2]!.open, { uri: 'file:///ws/my%20notes/b.md' });
    assert.equal(notes[2]!.tooltip, '\\/ws\\/my notes\\/b\\.md');
  });
});

describe('ids', () => {
  test('stable across refreshes: built from topic id, key and note URI', () => {
    const first = paperNode(topic.id, paper({ citingNotes: ['file:///ws/a.md'] }));
    const again = paperNode(topic.id, paper({ title: 'Changed title', citingNotes: ['file:///ws/a.md'] }));
    assert.equal(topicNode(topic).id, 'derived%3Aattention');
    assert.equal(first.id, 'derived%3Aattention/doe2024');
    assert.equal(again.id, first.id);
    assert.equal(noteNodes(first)[0]!.id, 'derived%3Aattention/doe2024/file%3A%2F%2F%2Fws%2Fa.md');
  });

  test('the same paper under two topics has two ids; slashes inside parts cannot collide', () => {
    assert.notEqual(paperNode('a', paper()).id, paperNode('b', paper()).id);
    assert.notEqual(paperNode('a/b', paper({ key: 'c' })).id, paperNode('a', paper({ key: 'b/c' })).id);
  });
});

describe('reveal parent chain', () => {
  test('note → paper → topic → root', () => {
    const topicN: TopicNode = topicNode(topic);
    const paperN: PaperNode = paperNode(topic.id, paper({ noteUri: 'file:///ws/notes/doe2024.md' }));
    const noteN = noteNodes(paperN)[0]!;
    const papers = (topicId: string, key: string) => (topicId === topic.id && key === 'doe2024' ? paperN : undefined);
    const topics = (topicId: string) => (topicId === topic.id ? topicN : undefined);
    assert.equal(parentOf(noteN, papers, topics), paperN);
    assert.equal(parentOf(paperN, papers, topics), topicN);
    assert.equal(parentOf(topicN, papers, topics), undefined);
  });
});

describe('filter header', () => {
  test('no filter: nothing; a filter: its description; nothing found: a message', () => {
    assert.deepEqual(filterHeader('', 3), {});
    assert.deepEqual(filterHeader('  ', 0), {});
    assert.deepEqual(filterHeader(' sparse  attention ', 2), { description: 'Filter: sparse attention', message: 'Papers matching “sparse attention”' });
    assert.deepEqual(filterHeader('zzz', 0), { description: 'Filter: zzz', message: 'No papers match “zzz”. Clear the filter to see all papers.' });
  });
});

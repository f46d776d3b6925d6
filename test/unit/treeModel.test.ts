import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { PaperSummary, Topic } from '../../common/protocol';
import {
  childrenSource,
  describeNode,
  escapeMarkdown,
  filterHeader,
  paperChildren,
  paperNode,
  paperTooltip,
  parentOf,
  relatedPickItem,
  topicNode,
  yearAndAuthors,
  type NoteNode,
  type RelatedNode,
} from '../../client/src/tree/treeModel';

const topic: Topic = { id: 'derived:attention', label: 'Attention', count: 2, source: 'derived' };
const topicN = topicNode(topic);
const noteNodes = (parent: ReturnType<typeof paperNode>) => paperChildren(parent).filter((n): n is NoteNode => n.kind === 'note');

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
    assert.equal(view.tooltip, '**Attention**\n\n2 papers\n\nDerived from titles and abstracts');
    assert.equal(view.open, undefined);
  });

  test('the tooltip of a derived topic: its size, subtopics and top terms (escaped)', () => {
    const big: Topic = { ...topic, label: 'Gaussian Splatting', count: 140, subtopics: 3, terms: ['gaussian splatting', '3dgs', 'novel view', '[x](command:y)'] };
    assert.equal(
      describeNode(topicNode(big)).tooltip,
      '**Gaussian Splatting**\n\n140 papers · 3 subtopics\n\nTop terms: gaussian splatting, 3dgs, novel view, \\[x\\]\\(command\\:y\\)\n\nDerived from titles and abstracts',
    );
  });

  test('a topic with subtopics opens into them; one without lists its papers', () => {
    assert.deepEqual(childrenSource(topicNode({ ...topic, subtopics: 2 })), { request: 'topics', parentId: 'derived:attention' });
    assert.deepEqual(childrenSource(topicN), { request: 'topicPapers', topicId: 'derived:attention' });
  });

  test('a subtopic\'s id is below its topic\'s, and it opens under a filter like its topic', () => {
    const parent = topicNode({ ...topic, subtopics: 1 }, 'gauss');
    const sub = topicNode({ id: 'derived:attention/long', label: 'Long Context', count: 1, source: 'derived' }, 'gauss', parent);
    assert.equal(sub.id, `${parent.id}/derived%3Aattention%2Flong`);
    assert.equal(describeNode(sub).collapsible, 'expanded');
    assert.equal(parentOf(sub), parent);
  });

  test('papers waiting for their topic: "Indexing topics…" with a spinning icon and a tooltip saying why', () => {
    const view = describeNode(topicNode({ id: 'indexing', label: 'Indexing topics…', count: 12, source: 'none' }));
    assert.equal(view.icon, 'sync~spin');
    assert.match(view.tooltip ?? '', /12 papers\n\nTopics are being computed from titles and abstracts/);
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
    const view = describeNode(paperNode(topicN, paper()));
    assert.equal(view.label, 'Sparse Attention');
    assert.equal(view.description, '2024 · Doe');
    assert.equal(view.icon, 'book');
    assert.equal(view.contextValue, 'paper');
    assert.equal(view.collapsible, 'none');
    assert.deepEqual(view.open, { uri: 'file:///ws/papers.bib', line: 12 });
  });

  test('a paper with a literature note shows the notebook icon and opens the note', () => {
    const view = describeNode(paperNode(topicN, paper({ noteUri: 'file:///ws/notes/doe2024.md' })));
    assert.equal(view.icon, 'notebook');
    assert.equal(view.contextValue, 'paperWithNote');
    assert.equal(view.collapsible, 'collapsed');
    assert.deepEqual(view.open, { uri: 'file:///ws/notes/doe2024.md' });
  });

  test('the key stands in for a missing title; multi-line titles are shown on one line', () => {
    assert.equal(describeNode(paperNode(topicN, paper({ title: undefined }))).label, 'doe2024');
    assert.equal(describeNode(paperNode(topicN, paper({ title: '  Sparse\n   Attention ' }))).label, 'Sparse Attention');
  });

  test('a clear second fit shows as "also: …" in the description and the tooltip, never as a second row', () => {
    const view = describeNode(paperNode(topicN, paper({ alsoTopic: 'Pose Estimation' })));
    assert.equal(view.description, '2024 · Doe · also: Pose Estimation');
    assert.match(view.tooltip ?? '', /\n\nAlso fits: Pose Estimation\n\n/);
    assert.equal(describeNode(paperNode(topicN, paper({ year: undefined, authors: undefined, alsoTopic: 'Pose' }))).description, 'also: Pose');
  });

  test('the description has only the parts that are known', () => {
    assert.equal(yearAndAuthors({ year: '2024' }), '2024');
    assert.equal(yearAndAuthors({ authors: 'Doe et al.' }), 'Doe et al.');
    assert.equal(yearAndAuthors({}), '');
    assert.equal(describeNode(paperNode(topicN, paper({ year: undefined, authors: undefined }))).description, undefined);
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
    const view = describeNode(paperNode(topicN, paper({ hasPdf: true })));
    assert.equal(view.description, '2024 · Doe · PDF');
    assert.equal(view.contextValue, 'paper+pdf');
    assert.equal(describeNode(paperNode(topicN, paper({ hasPdf: true, noteUri: 'file:///ws/notes/doe2024.md' }))).contextValue, 'paperWithNote+pdf');
    assert.match(paperTooltip(paper({ hasPdf: true })), /No literature note yet · has a PDF · cited in 0 notes$/);
  });

  test('annotations newer than the note: marked in the description, the icon and the tooltip', () => {
    const behind = describeNode(paperNode(topicN, paper({ hasPdf: true, noteUri: 'file:///ws/notes/doe2024.md', annotationsNewer: true })));
    assert.equal(behind.description, '2024 · Doe · PDF · new annotations');
    assert.equal(behind.icon, 'notebook');
    assert.equal(behind.iconColor, 'charts.orange');
    assert.match(behind.tooltip!, /Annotations in Zotero are newer than the note: Update Literature Note brings them in\.$/);
    const upToDate = describeNode(paperNode(topicN, paper({ hasPdf: true, noteUri: 'file:///ws/notes/doe2024.md', annotationsNewer: false })));
    assert.equal(upToDate.description, '2024 · Doe · PDF');
    assert.equal(upToDate.iconColor, undefined);
    // Without a note there is nothing to be behind: no mark.
    assert.equal(describeNode(paperNode(topicN, paper({ annotationsNewer: true }))).description, '2024 · Doe');
  });

  test('the menus each kind of paper gets: Open PDF only with a PDF, open or create the note by its state, Update Literature Note with a note', () => {
    const always = ['litnotes.copyKey', 'litnotes.copyReference', 'litnotes.goToCatalogEntry', 'litnotes.openPaperLink', 'litnotes.showCitingNotes', 'litnotes.showRelatedPapers'];
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

describe('related papers', () => {
  test('a paper with related papers opens into its notes, then "Related", whose children the server gives', () => {
    const parent = paperNode(topicN, paper({ noteUri: 'file:///ws/notes/doe2024.md', relatedCount: 3 }));
    const children = paperChildren(parent);
    assert.deepEqual(children.map((c) => [c.kind, describeNode(c).label, describeNode(c).description]), [
      ['note', 'doe2024.md', 'literature note'],
      ['related', 'Related', '3'],
    ]);
    const related = children[1] as RelatedNode;
    assert.equal(describeNode(related).icon, 'sparkle');
    assert.equal(describeNode(related).collapsible, 'collapsed');
    assert.deepEqual(childrenSource(related), { request: 'relatedPapers', key: 'doe2024' });
    assert.deepEqual(childrenSource(parent), { request: 'none', children });
  });

  test('a paper with only related papers can open; one with none and no notes cannot', () => {
    assert.equal(describeNode(paperNode(topicN, paper({ relatedCount: 1 }))).collapsible, 'collapsed');
    assert.equal(describeNode(paperNode(topicN, paper({ relatedCount: 0 }))).collapsible, 'none');
  });

  test('a related paper is a paper row: same label, opens its note or entry, and leads back up', () => {
    const parent = paperNode(topicN, paper({ relatedCount: 1 }));
    const related = paperChildren(parent)[0] as RelatedNode;
    const row = paperNode(related, paper({ key: 'kim2021', title: 'Sparse Transformers', catalogLine: 40 }));
    const view = describeNode(row);
    assert.equal(view.label, 'Sparse Transformers');
    assert.deepEqual(view.open, { uri: 'file:///ws/papers.bib', line: 40 });
    assert.equal(view.contextValue, 'paper', 'the paper commands apply');
    assert.equal(row.id, 'derived%3Aattention/doe2024/:related/kim2021');
    assert.equal(parentOf(row), related);
    assert.equal(parentOf(related), parent);
  });

  test('the quick pick of "Show Related Papers": title, year and authors, the key', () => {
    assert.deepEqual(relatedPickItem(paper({ key: 'kim2021', title: 'Sparse\n Transformers', year: '2021', authors: 'Kim' })), {
      label: 'Sparse Transformers',
      description: '2021 · Kim',
      detail: '@kim2021',
    });
    assert.deepEqual(relatedPickItem(paper({ key: 'x', title: undefined, year: undefined, authors: undefined })), { label: 'x', description: undefined, detail: '@x' });
  });
});

describe('note nodes', () => {
  test('the literature note first, then the notes citing the paper, no duplicates', () => {
    const parent = paperNode(topicN, paper({ noteUri: 'file:///ws/notes/doe2024.md', citingNotes: ['file:///ws/a.md', 'file:///ws/notes/doe2024.md', 'file:///ws/my%20notes/b.md'] }));
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
    const first = paperNode(topicN, paper({ citingNotes: ['file:///ws/a.md'] }));
    const again = paperNode(topicNode(topic), paper({ title: 'Changed title', citingNotes: ['file:///ws/a.md'] }));
    assert.equal(topicN.id, 'derived%3Aattention');
    assert.equal(first.id, 'derived%3Aattention/doe2024');
    assert.equal(again.id, first.id);
    assert.equal(noteNodes(first)[0]!.id, 'derived%3Aattention/doe2024/file%3A%2F%2F%2Fws%2Fa.md');
  });

  test('the same paper under two topics has two ids; slashes inside parts cannot collide', () => {
    const under = (id: string) => topicNode({ ...topic, id });
    assert.notEqual(paperNode(under('a'), paper()).id, paperNode(under('b'), paper()).id);
    assert.notEqual(paperNode(under('a/b'), paper({ key: 'c' })).id, paperNode(under('a'), paper({ key: 'b/c' })).id);
  });
});

describe('reveal parent chain', () => {
  test('note → paper → subtopic → topic → root', () => {
    const top = topicNode({ ...topic, subtopics: 1 });
    const sub = topicNode({ ...topic, id: 'derived:sub' }, '', top);
    const paperN = paperNode(sub, paper({ noteUri: 'file:///ws/notes/doe2024.md' }));
    const noteN = noteNodes(paperN)[0]!;
    assert.equal(parentOf(noteN), paperN);
    assert.equal(parentOf(paperN), sub);
    assert.equal(parentOf(sub), top);
    assert.equal(parentOf(top), undefined);
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

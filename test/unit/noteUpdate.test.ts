/**
 * "Update Literature Note" on a workspace: what the note becomes after the catalog changed, after
 * annotating in Zotero (through the Zotero stand-in), and what happens to a block edited by hand.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderNote } from '../../server/src/notes/noteTemplate';
import { readPaperZoteroData } from '../../server/src/node/zotero/paperExtras';
import { literatureNotes, noteUpdate } from '../../server/src/service/noteUpdate';
import { paperSummary } from '../../server/src/service/paperSummaries';
import { parseSettings } from '../../server/src/service/settings';
import { ZoteroStandIn } from '../zotero/standIn';
import { applyEdits, fixture, uriOf } from './fixture';

const settings = parseSettings({});
const bib = (title: string, venue = 'NeurIPS') => `@article{vaswaniAttentionAllYou2017, title = {${title}}, author = {Vaswani, Ashish and Shazeer, Noam}, year = 2017,
  journal = {${venue}}, abstract = {The dominant sequence transduction models.}, doi = {10.48550/arXiv.1706.03762}}
`;

/** A note as LitNotes created it, with the user's writing added below the block. */
function userNote(title: string): string {
  const f = fixture(`%! refs.bib\n${bib(title)}`);
  const created = renderNote(f.model.paper('vaswaniAttentionAllYou2017')!, undefined, '2024-05-01');
  return created.replace('## Key points\n\n- \n', '## Key points\n\n- Attention replaces recurrence: my own words.\n');
}

function workspace(title: string, note: string, venue?: string) {
  return fixture(`%! refs.bib\n${bib(title, venue)}%! notes/vaswaniAttentionAllYou2017.md\n${note}`, { cursor: false });
}

describe('Update Literature Note', () => {
  test('the catalog changed: the block follows, the user\'s text and the front matter stay byte for byte', () => {
    const note = userNote('Attention is all you need');
    const f = workspace('Attention is all you need', note, 'Advances in Neural Information Processing Systems');
    const uri = uriOf('notes/vaswaniAttentionAllYou2017.md');
    const result = noteUpdate(f.model, uri, note, settings);
    assert.equal(result.status, 'updated');
    assert.equal(result.key, 'vaswaniAttentionAllYou2017');
    const updated = applyEdits(note, [result.edit!]);
    assert.equal(updated, result.newText);
    const [beforeOld, afterOld] = [note.slice(0, note.indexOf('<!-- litnotes:begin')), note.slice(note.indexOf('<!-- litnotes:end'))];
    assert.ok(updated.startsWith(beforeOld), 'front matter and heading unchanged (they are outside the block)');
    assert.ok(updated.endsWith(afterOld), 'everything from the end marker on unchanged');
    assert.match(updated, /- Attention replaces recurrence: my own words\./);
    assert.match(updated, /^\[@vaswaniAttentionAllYou2017\] — Ashish Vaswani, Noam Shazeer \(2017\), \*Advances in Neural Information Processing Systems\*$/m);
    // The title is in the front matter and heading, outside the block: a new title changes nothing.
    const g = workspace('A New Title', note);
    assert.equal(noteUpdate(g.model, uri, note, settings).status, 'unchanged');
  });

  test('an abstract fixed in the catalog: exactly that line of the block changes', () => {
    const note = userNote('Attention');
    const f = fixture(`%! refs.bib\n${bib('Attention').replace('transduction models.', 'transduction models are recurrent.')}%! notes/vaswaniAttentionAllYou2017.md\n${note}`, { cursor: false });
    const result = noteUpdate(f.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), note, settings);
    const before = note.split('\n');
    const after = result.newText!.split('\n');
    const changed = before.map((line, i) => (line === after[i] ? undefined : [line, after[i]])).filter(Boolean);
    assert.deepEqual(changed.map((c) => c![1].startsWith('<!-- litnotes:begin') ? 'begin marker (new hash)' : c![1]), ['begin marker (new hash)', '> The dominant sequence transduction models are recurrent.']);
  });

  test('a block edited by hand: reported as edited, with both texts for the difference; nothing applied', () => {
    const note = userNote('Attention').replace('> The dominant sequence transduction models.', '> The dominant sequence transduction models. (I disagree!)');
    const f = workspace('Attention', note);
    const result = noteUpdate(f.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), note, settings);
    assert.equal(result.status, 'edited');
    assert.match(result.message!, /^The generated block of “vaswaniAttentionAllYou2017” was edited by hand \(line 14\)\.$/);
    assert.equal(result.oldText, note);
    assert.doesNotMatch(result.newText!, /I disagree/);
  });

  test('a note without a block: an edit appending one, offered, never applied silently', () => {
    const note = '---\nkey: vaswaniAttentionAllYou2017\n---\n\n# My old note\n\nThoughts.\n';
    const f = fixture(`%! refs.bib\n${bib('A')}%! notes/attention.md\n${note}`, { cursor: false });
    const result = noteUpdate(f.model, uriOf('notes/attention.md'), note, settings);
    assert.equal(result.status, 'noBlock');
    assert.equal(result.key, 'vaswaniAttentionAllYou2017', 'found by the front matter key');
    assert.ok(result.newText!.startsWith(note + '\n<!-- litnotes:begin generated hash='));
  });

  test('not a literature note, damaged markers, a broken template: a message, no edit', () => {
    const f = fixture(`%! refs.bib\n${bib('A')}%! notes/reading.md\nSee [@vaswaniAttentionAllYou2017].\n%! notes/vaswaniAttentionAllYou2017.md\n<!-- litnotes:begin generated -->\nx\n`, { cursor: false });
    assert.equal(noteUpdate(f.model, uriOf('notes/reading.md'), 'See [@vaswaniAttentionAllYou2017].\n', settings).status, 'notLiteratureNote');
    const broken = noteUpdate(f.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), '<!-- litnotes:begin generated -->\nx\n', settings);
    assert.deepEqual([broken.status, broken.message, broken.edit], ['broken', 'The generated block that begins on line 1 has no "<!-- litnotes:end -->" marker.', undefined]);
    const template = noteUpdate(f.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), 'x', settings, '{{#generated}}{{title}');
    assert.equal(template.status, 'broken');
    assert.deepEqual(literatureNotes(f.model, settings), [{ uri: uriOf('notes/vaswaniAttentionAllYou2017.md'), key: 'vaswaniAttentionAllYou2017' }]);
  });

  test('a user template\'s {{#generated}} section is the block; without one, the built-in section is used', () => {
    const template = '# {{title}}\n\n{{#generated}}\nBy {{authorsText}}, {{year}}.\n{{/generated}}\n\n## Mine\n';
    const f = fixture(`%! refs.bib\n${bib('Attention')}`, { cursor: false });
    const paper = f.model.paper('vaswaniAttentionAllYou2017')!;
    const note = renderNote(paper, template, '2024-05-01');
    assert.match(note, /^# Attention\n\n<!-- litnotes:begin generated hash=[0-9a-z]+ · [^\n]* -->\nBy Ashish Vaswani, Noam Shazeer, 2017\.\n<!-- litnotes:end -->\n\n## Mine\n$/);
    const g = workspace('Attention', note);
    assert.equal(noteUpdate(g.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), note, settings, template).status, 'unchanged');
    assert.equal(noteUpdate(g.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), note, settings, '# {{title}}\n').status, 'updated', 'no section: the built-in block content');
  });
});

describe('Update Literature Note with Zotero annotations and notes (stand-in)', () => {
  let zotero: ZoteroStandIn;
  let pdf: string;

  before(async () => {
    zotero = await ZoteroStandIn.start();
    const item = zotero.add({ citekey: 'vaswaniAttentionAllYou2017', title: 'Attention Is All You Need', creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }], date: '2017' });
    pdf = zotero.addChild(item, 'attachment', { title: 'Full Text PDF', contentType: 'application/pdf', path: '/home/me/Zotero/storage/ABCD2345/vaswani.pdf', linkMode: 'imported_file' });
    // Added out of reading order: page 5 first, then page 2.
    zotero.addChild(pdf, 'annotation', { annotationType: 'highlight', annotationText: 'Multi-head attention allows the model to jointly attend', annotationComment: 'key idea', annotationPageLabel: '5', annotationColor: '#ffd400', annotationSortIndex: '00004|000120|00300' });
    zotero.addChild(pdf, 'annotation', { annotationType: 'underline', annotationText: 'dispensing with recurrence <script>x</script>', annotationPageLabel: '2', annotationColor: '#2ea8e5', annotationSortIndex: '00001|000010|00100' });
    zotero.addChild(pdf, 'annotation', { annotationType: 'note', annotationComment: 'Compare with [ByteNet](javascript:alert(1))', annotationPageLabel: '6', annotationColor: '#5fb236', annotationSortIndex: '00005|000000|00000' });
    zotero.addChild(item, 'note', { note: '<div data-schema-version="8"><h1>Reading notes</h1><p>Read <b>twice</b>; see <a href="https://arxiv.org/abs/1706.03762">arXiv</a> and <a href="command:workbench.action.terminal.new">this</a>.</p></div>' });
  });
  after(() => zotero.stop());

  test('highlights in reading order with page, colour and comment; Zotero notes as Markdown; all inert', async () => {
    const data = await readPaperZoteroData(zotero.url, 'vaswaniAttentionAllYou2017');
    assert.equal(data.problem, undefined);
    const note = userNote('Attention');
    const f = workspace('Attention', note);
    const result = noteUpdate(f.model, uriOf('notes/vaswaniAttentionAllYou2017.md'), note, settings, undefined, data.extras);
    assert.equal(result.status, 'updated');
    const block = result.newText!.slice(result.newText!.indexOf('## Annotations'), result.newText!.indexOf('<!-- litnotes:end'));
    assert.equal(
      block,
      [
        '## Annotations',
        '',
        '- “dispensing with recurrence \\<script\\>x\\</script\\>” (p. 2) · blue',
        '- “Multi-head attention allows the model to jointly attend” (p. 5) · yellow',
        '  - key idea',
        '- Note (p. 6): Compare with \\[ByteNet\\](javascript:alert(1))',
        '',
        '## Zotero notes',
        '',
        '### Reading notes',
        '',
        'Read **twice**; see [arXiv](https://arxiv.org/abs/1706.03762) and this.',
        '',
      ].join('\n'),
    );
    assert.ok(result.newText!.includes('- Attention replaces recurrence: my own words.'));
    assert.match(data.newestAnnotation ?? '', /^\d{4}-\d\d-\d\d/);
    assert.deepEqual(data.attachments, [{ attachment: { path: '/home/me/Zotero/storage/ABCD2345/vaswani.pdf', description: 'Zotero' }, zoteroKey: pdf }]);
  });

  test('the Papers view marks a note behind Zotero\'s annotations until the note is updated', async () => {
    const data = await readPaperZoteroData(zotero.url, 'vaswaniAttentionAllYou2017');
    const uri = uriOf('notes/vaswaniAttentionAllYou2017.md');
    const old = userNote('Attention');
    const f = workspace('Attention', old);
    const summary = () => paperSummary(f.model, f.model.paper('vaswaniAttentionAllYou2017')!, settings);
    assert.equal(summary().annotationsNewer, undefined, 'nothing known of Zotero yet');
    f.model.annotationDates.set('vaswaniAttentionAllYou2017', data.newestAnnotation!);
    assert.equal(summary().annotationsNewer, true, 'the note was written before any annotation');
    const result = noteUpdate(f.model, uri, old, settings, undefined, data.extras, data.newestAnnotation);
    assert.match(result.newText!, new RegExp(`<!-- litnotes:begin generated hash=[0-9a-z]+ annotations=${data.newestAnnotation} · `));
    f.model.setNote(uri, result.newText!);
    assert.equal(summary().annotationsNewer, undefined, 'up to date after the update');
    assert.equal(noteUpdate(f.model, uri, result.newText!, settings, undefined, data.extras, data.newestAnnotation).status, 'unchanged');
    f.model.annotationDates.set('vaswaniAttentionAllYou2017', '2999-01-01T00:00:00Z');
    assert.equal(summary().annotationsNewer, true, 'a newer annotation in Zotero');
  });

  test('Zotero not answering: a problem to log, and the note still updates from the catalog', async () => {
    const data = await readPaperZoteroData('http://127.0.0.1:9', 'vaswaniAttentionAllYou2017');
    assert.match(data.problem ?? '', /^Zotero's annotations and notes of “vaswaniAttentionAllYou2017” could not be read: /);
    assert.deepEqual(data.extras, { annotations: [], notes: [] });
  });
});

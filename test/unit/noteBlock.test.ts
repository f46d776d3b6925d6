import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { annotationsNewerThanBlock, appendBlock, blockHash, findBlock, renderBlock, updateBlock } from '../../server/src/notes/noteBlock';

const notice = ' · LitNotes rewrites this block on "Update Literature Note"; write outside it -->';

function note(content: string, before = '# Title\n\n', after = '\n## My notes\n\nWhat I think.\n'): string {
  return before + renderBlock(content) + after;
}

describe('the generated block', () => {
  test('written between two HTML comments, the begin marker holding the hash of the content', () => {
    assert.equal(renderBlock('[@doe2020] — Jane Doe\n\n> Abstract.\n'), `<!-- litnotes:begin generated hash=${blockHash('[@doe2020] — Jane Doe\n\n> Abstract.')}${notice}\n[@doe2020] — Jane Doe\n\n> Abstract.\n<!-- litnotes:end -->\n`);
    assert.equal(renderBlock('a\nb', '\r\n'), `<!-- litnotes:begin generated hash=${blockHash('a\nb')}${notice}\r\na\r\nb\r\n<!-- litnotes:end -->\r\n`);
  });

  test('an update replaces the block only: the exact edit', () => {
    const text = note('Old title\n\n> Old abstract.');
    const update = updateBlock(text, 'New title\n\n> New abstract.');
    assert.equal(update.kind, 'update');
    if (update.kind !== 'update') return;
    assert.equal(update.edited, false);
    assert.equal(update.text, note('New title\n\n> New abstract.'));
    assert.equal(text.slice(0, update.edit.start), '# Title\n\n');
    assert.equal(text.slice(update.edit.end), '<!-- litnotes:end -->\n\n## My notes\n\nWhat I think.\n');
  });

  test('nothing to do when the block already says it (trailing blanks and line ends do not count)', () => {
    assert.equal(updateBlock(note('Same\n\n> Text.'), 'Same\n\n> Text.\n\n').kind, 'unchanged');
    assert.equal(updateBlock(note('Same').replace(/\n/g, '\r\n'), 'Same').kind, 'unchanged');
  });

  test('a block edited by hand is detected, even when the catalog did not change', () => {
    const edited = note('Generated line.').replace('Generated line.', 'Generated line, and my remark.');
    const update = updateBlock(edited, 'Generated line.');
    assert.equal(update.kind === 'update' && update.edited, true);
    const trimmedOnly = note('Line one.  \nLine two.').replace('Line one.  ', 'Line one.');
    assert.equal(updateBlock(trimmedOnly, 'Line one.\nLine two.').kind, 'unchanged', 'an editor trimming trailing spaces is no edit');
    const noHash = note('x').replace(/ hash=[0-9a-z]+/, '');
    assert.equal(updateBlock(noHash, 'x').kind === 'update' && (updateBlock(noHash, 'x') as { edited: boolean }).edited, true, 'a marker typed by hand: treated as edited');
  });

  test('no block, or damaged markers: nothing changes, the message says where', () => {
    assert.deepEqual(updateBlock('# Just my note\n', 'x'), { kind: 'none' });
    assert.deepEqual(findBlock('a\n<!-- litnotes:begin generated hash=1 -->\nb\n'), { kind: 'broken', message: 'The generated block that begins on line 2 has no "<!-- litnotes:end -->" marker.' });
    assert.deepEqual(findBlock('a\n<!-- litnotes:end -->\n'), { kind: 'broken', message: 'The note has a "litnotes:end" marker on line 2 without a "litnotes:begin" before it.' });
    assert.equal(findBlock(note('x') + note('y')).kind, 'broken');
    assert.match((findBlock(note('x') + note('y')) as { message: string }).message, /second generated block \(line 12\)/);
  });

  test('markers shown inside fenced code are examples, not a block', () => {
    const example = '```markdown\n<!-- litnotes:begin generated -->\n<!-- litnotes:end -->\n```\n';
    assert.deepEqual(findBlock(example), { kind: 'none' });
    const search = findBlock(example + note('real'));
    assert.equal(search.kind === 'found' && search.block.beginLine, 6);
  });

  test('the newest Zotero annotation the block holds: stamped in the begin marker, compared for the tree', () => {
    const withStamp = renderBlock('x', '\n', '2024-05-01T10:00:00Z');
    assert.match(withStamp, /^<!-- litnotes:begin generated hash=[0-9a-z]+ annotations=2024-05-01T10:00:00Z · /);
    assert.equal(findBlock(withStamp).kind === 'found' && (findBlock(withStamp) as { block: { annotations?: string } }).block.annotations, '2024-05-01T10:00:00Z');
    assert.equal(annotationsNewerThanBlock(withStamp, '2024-05-02T08:00:00Z'), true);
    assert.equal(annotationsNewerThanBlock(withStamp, '2024-05-01T10:00:00Z'), false);
    assert.equal(annotationsNewerThanBlock(withStamp, undefined), false);
    assert.equal(annotationsNewerThanBlock(renderBlock('x'), '2020-01-01T00:00:00Z'), true, 'a block written before any annotation');
    assert.equal(annotationsNewerThanBlock('# no block\n', '2024-05-02T08:00:00Z'), false);
    assert.equal(renderBlock('x', '\n', '2024-05-01 10:00" onload="x').includes('annotations='), false, 'only an ISO time is written');
    // Same content, a newer annotation date (an annotation deleted, another edited back): the stamp moves.
    assert.equal(updateBlock(withStamp, 'x', '2024-05-01T10:00:00Z').kind, 'unchanged');
    assert.equal(updateBlock(withStamp, 'x', '2024-06-01T10:00:00Z').kind, 'update');
  });

  test('appending a block to a note that has none: after a blank line, in the note\'s line ending', () => {
    assert.deepEqual(appendBlock('# T\n\nText.\n', 'x'), { start: 11, end: 11, newText: '\n' + renderBlock('x') });
    assert.deepEqual(appendBlock('# T\r\n\r\nText.', 'x').newText, '\r\n\r\n' + renderBlock('x', '\r\n'));
    assert.deepEqual(appendBlock('', 'x').newText, renderBlock('x'));
  });
});

/** Text a user might write around the block: any characters, lines, CRLF or LF, even marker look-alikes in code. */
const userLine = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')),
  fc.constantFrom('', '# Heading', '- [ ] todo', '> quote', '<!-- my own comment -->', '<!-- litnotes:beginner -->', '    <!-- indented -->', 'Text with [@doe2020].', '\t', '   '),
);
const userText = fc.array(userLine, { maxLength: 12 });

describe('update in place (property)', () => {
  test('random text around the block: everything outside it is identical byte for byte, in LF and CRLF notes', () => {
    fc.assert(
      fc.property(userText, userText, fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), fc.boolean(), (beforeLines, afterLines, oldContent, newContent, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const before = beforeLines.map((l) => l + eol).join('');
        const after = afterLines.map((l) => eol + l).join('');
        const old = oldContent.replace(/<!--/g, '<!- -');
        const text = before + renderBlock(old, eol) + after;
        const update = updateBlock(text, newContent.replace(/<!--/g, '<!- -'));
        if (update.kind === 'unchanged') return;
        assert.equal(update.kind, 'update', JSON.stringify(text));
        if (update.kind !== 'update') return;
        assert.equal(update.edited, false, 'LitNotes\' own block is not "edited"');
        // Outside the replaced stretch: the same bytes; the stretch starts and ends on line starts.
        assert.equal(update.text.slice(0, update.edit.start), before);
        assert.ok(update.text.endsWith('<!-- litnotes:end -->' + eol + after));
        assert.equal(update.text.slice(update.edit.start + update.edit.newText.length), text.slice(update.edit.end));
        // The new block uses the note's line ending only, and a second update is a no-op.
        const block = update.edit.newText;
        assert.equal(crlf ? /(?<!\r)\n/.test(block) : block.includes('\r\n<!--'), false);
        assert.equal(updateBlock(update.text, newContent.replace(/<!--/g, '<!- -')).kind, 'unchanged');
      }),
      { numRuns: 400, seed: 18 },
    );
  });

  test('any change inside the block by hand is detected', () => {
    fc.assert(
      fc.property(userText, fc.string({ minLength: 1, maxLength: 80 }), fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), (afterLines, content, insertion, at) => {
        const clean = content.replace(/<!--/g, '<!- -');
        const text = '# T\n\n' + renderBlock(clean) + afterLines.map((l) => '\n' + l).join('');
        const search = findBlock(text);
        assert.equal(search.kind, 'found');
        if (search.kind !== 'found') return;
        const { contentStart, endStart } = search.block;
        const position = contentStart + (at % (endStart - contentStart + 1));
        const edited = text.slice(0, position) + insertion.replace(/<!--/g, '<!- -') + text.slice(position);
        const changed = findBlock(edited);
        if (changed.kind !== 'found') return; // the insertion broke a marker line: reported as broken, never overwritten
        const current = edited.slice(changed.block.contentStart, changed.block.endStart);
        fc.pre(blockHash(current) !== blockHash(clean)); // whitespace-only insertions at line ends are no edit
        const update = updateBlock(edited, clean);
        assert.equal(update.kind === 'update' && update.edited, true);
      }),
      { numRuns: 400, seed: 18 },
    );
  });
});

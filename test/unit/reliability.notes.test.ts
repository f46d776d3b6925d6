/**
 * Reliability of notes: what a notes folder really holds (huge lines, unclosed code fences,
 * thousands of citations in one paragraph, broken front matter, binary files with a .md name) goes
 * through the whole service (note index, completion, hover, diagnostics, references) without a
 * throw, with exact citations, in linear time. Citation-level corner cases are in citations.test.ts;
 * this file checks the notes as the workspace model holds them.
 *
 * Short by default (CI); `LITNOTES_LONG_TESTS=1` runs more cases on bigger inputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Position, Range } from '../../server/src/core/types';
import { provideCompletion } from '../../server/src/features/completion';
import { noteDiagnostics } from '../../server/src/features/diagnostics';
import { provideHover } from '../../server/src/features/hover';
import { provideReferences } from '../../server/src/features/references';
import { completionContext } from '../../server/src/notes/citationContext';
import { findCitations } from '../../server/src/notes/citations';
import { parseFrontMatter } from '../../server/src/notes/frontMatter';
import { defaultSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { assertLinear } from './linearTime';

const LONG = process.env.LITNOTES_LONG_TESTS === '1';
const RUNS = LONG ? 2000 : 100;
const SCALE = LONG ? 4 : 1;

const notesFolder = join(import.meta.dirname, '../fixtures/notes/reliability');
const catalog = '@misc{before, title = {Before}}\n@misc{after, title = {After}}\n';
const catalogUri = 'file:///ws/refs.bib';

function modelWith(notes: Record<string, string>): WorkspaceModel {
  const model = new WorkspaceModel();
  model.setWorkspaceFolders(['file:///ws']);
  model.setCatalog(catalogUri, catalog);
  for (const [path, text] of Object.entries(notes)) model.setNote(`file:///ws/${path}`, text);
  return model;
}

/** LSP lines: `\r\n`, `\r` and `\n` each end one. */
function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function textAt(text: string, range: Range): string | undefined {
  const all = lines(text);
  if (range.start.line !== range.end.line) return undefined;
  return all[range.start.line]?.slice(range.start.character, range.end.character);
}

/** Every citation's key range holds its key, its range starts at `@` (or `-@`), in document order. */
function assertCitationsHoldTheirKeys(text: string, context: string): void {
  let previous: Position | undefined;
  for (const citation of findCitations(text)) {
    assert.equal(textAt(text, citation.keyRange), citation.key, `${context}: key range of '${citation.key}'`);
    assert.match(textAt(text, citation.range) ?? '@', citation.suppressAuthor ? /^-@/ : /^@/, context);
    const start = citation.range.start;
    assert.ok(!previous || start.line > previous.line || (start.line === previous.line && start.character > previous.character), `${context}: citations out of order`);
    previous = start;
  }
}

/** Every feature at every line start and a few characters in: no throw. */
function exerciseFeatures(model: WorkspaceModel, uri: string, text: string): void {
  const all = lines(text);
  const step = Math.max(1, Math.floor(all.length / 200));
  for (let line = 0; line < all.length; line += step) {
    for (const character of [0, 1, Math.floor(all[line].length / 2), all[line].length]) {
      const position = { line, character };
      provideCompletion(model, text, position, defaultSettings);
      provideHover(model, uri, position);
      provideReferences(model, uri, position, true);
    }
  }
  noteDiagnostics(model, uri, defaultSettings);
}

describe('notes as a notes folder really holds them', () => {
  test('an unclosed code fence runs to the end of the note: only the citation before it counts', () => {
    const text = readFileSync(join(notesFolder, 'unclosed-fence.md'), 'utf8');
    assert.deepEqual(findCitations(text).map((c) => [c.key, c.keyRange.start.line, c.keyRange.start.character]), [['before', 5, 19]]);
    const model = modelWith({ 'unclosed-fence.md': text });
    assert.equal(model.note('file:///ws/unclosed-fence.md')?.frontMatter?.bibliography[0], 'refs.bib');
    exerciseFeatures(model, 'file:///ws/unclosed-fence.md', text);
  });

  test('broken front matter is one problem on its line; the citations below still count', () => {
    const text = readFileSync(join(notesFolder, 'broken-front-matter.md'), 'utf8');
    const front = parseFrontMatter(text)!;
    assert.deepEqual(front.bibliography, []);
    assert.deepEqual(front.problems.map((p) => [p.code, p.range.start.line]), [['front-matter.parse-error', 1]]);
    assert.deepEqual(findCitations(text).map((c) => c.key), ['after', 'before']);
    const model = modelWith({ 'broken.md': text });
    assert.deepEqual(noteDiagnostics(model, 'file:///ws/broken.md', defaultSettings).map((d) => d.code), ['front-matter.parse-error']);
  });

  test('a binary file with a .md name (decoded as the server decodes it) indexes without a throw', () => {
    const text = new TextDecoder('utf-8').decode(readFileSync(join(notesFolder, 'binary.md')));
    assert.ok(text.includes('\u0000') && text.includes('\ufffd'), 'the fixture holds NUL bytes and invalid UTF-8');
    assertCitationsHoldTheirKeys(text, 'binary.md');
    const model = modelWith({ 'binary.md': text });
    assert.equal(model.noteCount, 1);
    exerciseFeatures(model, 'file:///ws/binary.md', text);
  });

  test('random bytes with a .md name: findCitations, front matter and every feature never throw', { timeout: 120_000 }, () => {
    const decoder = new TextDecoder('utf-8');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, withFrontMatter) => {
        const text = (withFrontMatter ? '---\nbibliography: ' : '') + decoder.decode(bytes);
        assertCitationsHoldTheirKeys(text, JSON.stringify(text.slice(0, 80)));
        const model = modelWith({ 'x.md': text });
        exerciseFeatures(model, 'file:///ws/x.md', text);
      }),
      { numRuns: RUNS, seed: LONG ? undefined : 3 },
    );
  });

  test(`a ${5 * SCALE} MB line ending in a citation: found at its exact place, completion answers on it`, { timeout: 60_000 }, () => {
    const line = 'word '.repeat(SCALE * 1024 * 1024) + '[@after]';
    const text = `# Title\n\n${line}\nnext [@bef`;
    assert.deepEqual(findCitations(text).map((c) => [c.key, c.keyRange]), [
      ['after', { start: { line: 2, character: line.length - 6 }, end: { line: 2, character: line.length - 1 } }],
      ['bef', { start: { line: 3, character: 7 }, end: { line: 3, character: 10 } }], // being typed
    ]);
    const model = modelWith({ 'huge.md': text });
    const list = provideCompletion(model, text, { line: 3, character: 10 }, defaultSettings);
    assert.deepEqual(list?.items.map((i) => i.label), ['before']);
    assert.deepEqual(provideReferences(model, catalogUri, { line: 1, character: 8 }, false).map((l) => l.range.start), [{ line: 2, character: line.length - 6 }]);
  });

  test('ten thousand citations in one paragraph: all indexed, references and the cited count exact', () => {
    const count = 10_000 * SCALE;
    const text = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? '[@before, p. 1]' : '@after says')).join(' ');
    const model = modelWith({ 'many.md': text });
    assert.equal(model.note('file:///ws/many.md')?.citations.length, count);
    assert.equal(model.citationsOf('before').length, count / 2);
    assert.equal(model.citingCount('after'), 1);
    assert.deepEqual(noteDiagnostics(model, 'file:///ws/many.md', defaultSettings), []);
    const hover = provideHover(model, 'file:///ws/many.md', { line: 0, character: 3 });
    assert.equal(hover?.contents.value, '**Before**\n\nCited in 1 note');
  });

  test('completion context at any position of damaged notes: undefined or a range on the cursor line', { timeout: 60_000 }, () => {
    const piece = fc.constantFrom('@', '[', ']', ';', '{', '}', '`', '```', '\n', '\r\n', ' ', 'a', 'key', '-@', '<!--', '---\n', '\u0000', '\ud800', '𝒜', '$');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.nat(), fc.nat(), (pieces, lineSeed, charSeed) => {
        const text = pieces.join('');
        const all = lines(text);
        const line = lineSeed % all.length;
        const position = { line, character: charSeed % (all[line].length + 1) };
        const context = completionContext(text, position);
        if (!context) return;
        assert.ok(context.range.end.line === line && context.range.end.character >= position.character - 0 && context.range.start.line <= line, JSON.stringify({ text, position, context }));
      }),
      { numRuns: RUNS * 5, seed: LONG ? undefined : 23 },
    );
  });

  test('front matter: random YAML damage, alias bombs and deep nesting are problems, never throws', { timeout: 60_000 }, () => {
    const bomb = '---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nbibliography: refs.bib\n---\n';
    const bombed = parseFrontMatter(bomb)!;
    assert.ok(bombed.problems.length >= 1, 'an alias bomb is a problem');
    const deep = parseFrontMatter(`---\nx: ${'['.repeat(10_000 * SCALE)}\n---\n`)!;
    assert.ok(deep.problems.length >= 1);
    const piece = fc.constantFrom('bibliography:', ' ', '\n', '- ', '[', ']', '{', '}', ':', '"', "'", '&a', '*a', '!!', '#', '---', '...', 'refs.bib', '\t', '\u0000', '%YAML');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = `---\n${pieces.join('')}\n---\nBody @before.\n`;
        const front = parseFrontMatter(text);
        const lineCount = lines(text).length;
        for (const problem of front?.problems ?? []) assert.ok(problem.range.end.line < lineCount, JSON.stringify(problem));
        for (const entry of front?.bibliography ?? []) assert.equal(typeof entry, 'string');
      }),
      { numRuns: RUNS * 5, seed: LONG ? undefined : 29 },
    );
  });
});

describe('notes take linear time', () => {
  const cases: [string, (n: number) => string, (text: string) => unknown, number][] = [
    ['a note indexed with many citations', (n) => '[@a; @b, p. 4] and @c says '.repeat(n), (t) => modelWith({ 'a.md': t }), 2000],
    ['front matter with many broken lines', (n) => '---\n' + 'a: [b: {c\n'.repeat(n) + '---\n', parseFrontMatter, 500],
    ['front matter with many bibliography entries', (n) => '---\nbibliography:\n' + '- refs.bib\n'.repeat(n) + '---\n', parseFrontMatter, 500],
    ['completion context on a long line of open groups', (n) => '[see @a; '.repeat(n), (t) => completionContext(t, { line: 0, character: t.length }), 5000],
  ];
  for (const [name, make, run, n0] of cases) {
    test(name, { timeout: 120_000 }, () => assertLinear(name, make, run, n0 * SCALE));
  }
});

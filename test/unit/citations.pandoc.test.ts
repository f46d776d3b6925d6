/**
 * Pandoc is the oracle: for every tricky note in test/fixtures/notes/ (and the demo notes), the
 * citations `pandoc -f markdown -t json` reads (its `Cite` nodes, in order) are exactly the ones
 * findCitations finds: same keys, same order, same "in a bracketed group", same "suppress author"
 * in brackets.
 * Skipped, with a message, when pandoc is not installed.
 *
 * One file, deviations.md, holds LitNotes' deliberate differences: bare URLs are not citations
 * (Pandoc reads `https://x.org/@user` as a citation of `user` unless `autolink_bare_uris` is on),
 * and an unclosed code fence runs to the end of the note (CommonMark; Pandoc 2 reads it as text).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCitations } from '../../server/src/notes/citations';

const fixtures = join(process.cwd(), 'test/fixtures/notes');
const demo = join(process.cwd(), 'examples/demo');
const pandocVersion = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
const skip = pandocVersion.error || pandocVersion.status !== 0 ? 'pandoc is not installed: the Pandoc oracle test needs it (apt install pandoc)' : false;

/** What a test compares for one citation: `key`, `-key` when the author is suppressed, `[key]` in a group. */
type Seen = string;

function seen(key: string, suppressAuthor: boolean, grouped: boolean): Seen {
  // Outside brackets `-@key` suppresses the author since Pandoc 3; Pandoc 2 ignores the `-`
  // there. LitNotes reports what is written, so only bracketed citations are compared on it.
  return grouped ? `[${suppressAuthor ? '-' : ''}${key}]` : key;
}

interface PandocCitation {
  citationId: string;
  citationMode: { t: 'AuthorInText' | 'SuppressAuthor' | 'NormalCitation' };
  citationPrefix: unknown[];
  citationSuffix: unknown[];
}

/** The citations of pandoc's JSON AST, in reading order: a citation's prefix, its key, its suffix. */
function pandocCitations(markdown: string): Seen[] {
  const result = spawnSync('pandoc', ['-f', 'markdown', '-t', 'json'], { input: markdown, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`pandoc failed: ${result.stderr}`);
  const out: Seen[] = [];
  const walk = (node: unknown, inGroup: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child, inGroup);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const element = node as { t?: string; c?: unknown };
    if (element.t === 'Cite') {
      const [citations, content] = element.c as [PandocCitation[], { t: string; c?: unknown }[]];
      // An author-in-text citation (`@a [p. 4]`, `-@a [@b]`) starts its Cite; the rest of that Cite is bracketed.
      const first = content[0];
      const textual = first?.t === 'Str' && typeof first.c === 'string' && /^-?@/.test(first.c);
      citations.forEach((citation, index) => {
        const mode = citation.citationMode.t;
        const grouped = inGroup || (mode !== 'AuthorInText' && !(textual && index === 0));
        walk(citation.citationPrefix, grouped);
        out.push(seen(citation.citationId, mode === 'SuppressAuthor', grouped));
        walk(citation.citationSuffix, grouped);
      });
      return;
    }
    for (const value of Object.values(element)) walk(value, inGroup);
  };
  const ast = JSON.parse(result.stdout) as { blocks: unknown };
  // Only the body: LitNotes never reads citations in the front matter.
  walk(ast.blocks, false);
  return out;
}

function ours(markdown: string): Seen[] {
  return findCitations(markdown).map((c) => seen(c.key, c.suppressAuthor, c.groupRange !== undefined));
}

const notes = readdirSync(fixtures).filter((name) => name.endsWith('.md') && name !== 'deviations.md');
const demoNotes = [
  'reading-list.md',
  ...readdirSync(join(demo, 'notes'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('notes', name)),
];

describe('findCitations agrees with pandoc', { skip }, () => {
  test('the corpus has at least 40 tricky citations', () => {
    const total = notes.reduce((sum, name) => sum + pandocCitations(readFileSync(join(fixtures, name), 'utf8')).length, 0);
    assert.ok(total >= 40, `only ${total} citations in test/fixtures/notes`);
  });

  for (const name of notes) {
    test(`test/fixtures/notes/${name}`, () => {
      const text = readFileSync(join(fixtures, name), 'utf8');
      assert.deepEqual(ours(text), pandocCitations(text));
    });
  }

  for (const name of demoNotes) {
    test(`examples/demo/${name}`, () => {
      const text = readFileSync(join(demo, name), 'utf8');
      assert.deepEqual(ours(text), pandocCitations(text));
    });
  }

  test('the same text with Windows line breaks', () => {
    for (const name of notes) {
      const text = readFileSync(join(fixtures, name), 'utf8').replace(/\n/g, '\r\n');
      assert.deepEqual(ours(text), pandocCitations(text), name);
    }
  });

  test('deviations.md: bare URLs and an unclosed fence are the only differences', () => {
    const text = readFileSync(join(fixtures, 'deviations.md'), 'utf8');
    assert.deepEqual(pandocCitations(text), ['user', 'doi', 'after', 'infence']);
    assert.deepEqual(ours(text), ['after']);
  });
});

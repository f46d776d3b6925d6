/**
 * The citation grammar, tokenized the way VS Code does it: VS Code's own Markdown grammar
 * (test/fixtures/grammar/markdown.tmLanguage.json) with ours injected, through vscode-textmate
 * and the Oniguruma wasm. What a user sees is the colour of each piece of text, so the test
 * snapshots `token → scopes` for tricky lines, and checks the grammar colours exactly the keys
 * the server reads as citations.
 *
 * Rewrite the snapshot after an intended change: `UPDATE_SNAPSHOTS=1 node --import tsx --test test/unit/grammar.test.ts`.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { citationGrammarJson } from '../../scripts/citationGrammar';
import type { Citation } from '../../server/src/notes/citation';

const root = process.cwd();
const fixtures = join(root, 'test/fixtures/grammar');
const grammarPath = join(root, 'syntaxes/citations.tmLanguage.json');
const notePath = join(fixtures, 'citations.md');
const snapshotPath = join(fixtures, 'citations.expected.txt');
const keyScope = 'entity.name.citation.key.litnotes';

/**
 * Stand-in for VS Code's `text.html.derivative` (the HTML grammar is large and not needed): it
 * gives tags and comments the scope names the real one uses, so the selector's exclusions are tested.
 */
const htmlStub = {
  scopeName: 'text.html.derivative',
  patterns: [
    { begin: '<!--', end: '-->', name: 'comment.block.html' },
    { match: '</?[a-zA-Z][^>]*>', name: 'meta.tag.inline.any.html' },
  ],
};

async function loadMarkdownWithCitations(): Promise<IGrammar> {
  const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    'text.html.markdown': join(fixtures, 'markdown.tmLanguage.json'),
    'text.markdown.citation.litnotes': grammarPath,
  };
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const file = files[scopeName];
      if (file) return parseRawGrammar(readFileSync(file, 'utf8'), file);
      if (scopeName === 'text.html.derivative') return parseRawGrammar(JSON.stringify(htmlStub), 'html.json');
      // Embedded languages (source.yaml, source.python, ...): an empty grammar is enough, code is
      // never looked into. It must exist: vscode-textmate drops a fenced block rule whose only
      // include is missing, and the block would lose its `meta.embedded` scope.
      return parseRawGrammar(JSON.stringify({ scopeName, patterns: [] }), `${scopeName}.json`);
    },
    // As package.json's `injectTo: ["text.html.markdown"]`.
    getInjections: (scopeName) => (scopeName === 'text.html.markdown' ? ['text.markdown.citation.litnotes'] : undefined),
  });
  const grammar = await registry.loadGrammar('text.html.markdown');
  if (!grammar) throw new Error('Markdown grammar did not load');
  return grammar;
}

interface Token {
  line: number;
  start: number;
  text: string;
  scopes: string[];
}

function tokenize(grammar: IGrammar, text: string): Token[] {
  const tokens: Token[] = [];
  let state: StateStack = INITIAL;
  text.split('\n').forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const t of result.tokens) {
      // The root scope is on every token: leaving it out keeps the snapshot readable.
      const scopes = t.scopes.filter((s) => s !== 'text.html.markdown');
      tokens.push({ line, start: t.startIndex, text: lineText.slice(t.startIndex, t.endIndex), scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

function snapshot(text: string, tokens: Token[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((lineText, line) => {
    out.push(`${line + 1}: ${lineText}`);
    for (const t of tokens.filter((t) => t.line === line && t.text !== '')) {
      out.push(`  ${JSON.stringify(t.text)} → ${t.scopes.join(' ') || '(none)'}`);
    }
  });
  return out.join('\n') + '\n';
}

/** `line:character key` for every token the grammar colours as a key, in document order. */
function grammarKeys(tokens: Token[]): string[] {
  return tokens.filter((t) => t.scopes.includes(keyScope)).map((t) => `${t.line}:${t.start} ${t.text}`);
}

describe('citation grammar', () => {
  let grammar: IGrammar;
  const note = readFileSync(notePath, 'utf8');
  before(async () => {
    grammar = await loadMarkdownWithCitations();
  });

  test('the committed JSON is what scripts/citationGrammar.ts generates', () => {
    assert.equal(readFileSync(grammarPath, 'utf8'), citationGrammarJson(), 'run `npx tsx scripts/citationGrammar.ts`');
  });

  test('declares the scope name and injection package.json points at', () => {
    const json = JSON.parse(readFileSync(grammarPath, 'utf8')) as { scopeName: string; injectionSelector: string };
    assert.equal(json.scopeName, 'text.markdown.citation.litnotes');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes?: { grammars?: { scopeName: string; path: string; injectTo?: string[] }[] } };
    assert.deepEqual(
      manifest.contributes?.grammars?.find((g) => g.scopeName === json.scopeName),
      { scopeName: 'text.markdown.citation.litnotes', path: './syntaxes/citations.tmLanguage.json', injectTo: ['text.html.markdown'] },
    );
    for (const part of json.injectionSelector.split(',')) {
      assert.match(part.trim(), /^L:/, 'our patterns must win over Markdown link shortcuts such as [@key]');
      for (const excluded of ['-markup.fenced_code', '-markup.inline.raw', '-markup.raw', '-meta.embedded', '-meta.link.inline', '-markup.underline.link']) {
        assert.ok(part.includes(excluded), `${part} excludes ${excluded}`);
      }
    }
  });

  test('tokens and scopes of the tricky lines match the snapshot', () => {
    const actual = snapshot(note, tokenize(grammar, note));
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(snapshotPath)) {
      writeFileSync(snapshotPath, actual);
      if (process.env.UPDATE_SNAPSHOTS !== '1') assert.fail(`snapshot written to ${snapshotPath}: review it and run again`);
      return;
    }
    assert.equal(actual, readFileSync(snapshotPath, 'utf8'), 'snapshot differs: review, then UPDATE_SNAPSHOTS=1 to accept');
  });

  test('colours exactly these keys, and nothing in code, HTML, URLs or e-mail addresses', () => {
    // line:character (zero-based, UTF-16) and key, as Pandoc reads the fixture.
    assert.deepEqual(grammarKeys(tokenize(grammar, note)), [
      '4:12 vaswani2017',
      '6:15 a', '6:19 b',
      '7:29 doe:2020',
      '8:1 key', '8:31 smith_04', '8:57 roe.x',
      // `\[` is an escaped bracket, not a group, but the `@esc` after it is an author-in-text citation.
      '11:48 esc',
      '13:26 https://example.com/bib?name=foobar&date=2000',
      '14:23 doe', '14:29 doe', '14:35 doe', '14:42 doe', '14:48 doe', '14:55 doe', '14:62 doe', '14:69 x+y', '14:74 a#1', '14:79 b/c/d',
      '15:44 2020survey', '15:56 _private',
      '16:15 Müller2019', '16:31 Дмитриев',
      '17:8 bold', '17:30 emph',
      '18:34 inspan',
      '20:22 listed', '21:19 cont',
      '22:19 quoted',
      '24:11 tabled',
    ]);
  });

  test('a line without citations gets no citation scope at all', () => {
    const lines = ['Write to someone@example.org.', 'Costs $5 @ 3 each.', 'Mail first.last@example.org or ü@ex.org.', 'A URL https://x.org/@user here.'];
    for (const line of lines) {
      const scopes = tokenize(grammar, line).flatMap((t) => t.scopes);
      assert.deepEqual(scopes.filter((s) => s.endsWith('.litnotes')), [], line);
    }
  });

  test('a group is one scope from [ to ], with the @, the key and the locator', () => {
    const tokens = tokenize(grammar, 'See [@doe, p. 4].').map((t) => `${t.text}|${t.scopes.filter((s) => s.endsWith('.litnotes')).join(' ')}`);
    assert.deepEqual(tokens, [
      'See |',
      '[|meta.citation.group.litnotes punctuation.definition.citation.group.begin.litnotes',
      '@|meta.citation.group.litnotes punctuation.definition.citation.litnotes',
      'doe|meta.citation.group.litnotes entity.name.type.citation.litnotes entity.name.citation.key.litnotes',
      ', p. 4|meta.citation.group.litnotes meta.citation.locator.litnotes',
      ']|meta.citation.group.litnotes punctuation.definition.citation.group.end.litnotes',
      '.|',
    ]);
  });

  test('colours the same keys, at the same places, as findCitations', async (t) => {
    const modulePath = join(root, 'server/src/notes/citations.ts');
    if (!existsSync(modulePath)) {
      t.skip('server/src/notes/citations.ts is not there yet: cannot compare the grammar with findCitations');
      return;
    }
    const { findCitations } = (await import(modulePath)) as { findCitations(text: string): Citation[] };
    const serverKeys = findCitations(note).map((c) => `${c.keyRange.start.line}:${c.keyRange.start.character} ${c.key}`);
    // Pandoc reads Markdown inside an HTML block and `[@x]: url` as citations; VS Code's Markdown
    // grammar scopes both as HTML / link definition, where an injection cannot reach. Exactly these differ.
    const outOfGrammarReach = ['38:20 inhtml', '43:2 deflabel'];
    assert.deepEqual(outOfGrammarReach.filter((k) => serverKeys.includes(k)), outOfGrammarReach);
    assert.deepEqual(grammarKeys(tokenize(grammar, note)), serverKeys.filter((k) => !outOfGrammarReach.includes(k)));
  });
});

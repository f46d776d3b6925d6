/**
 * Catalog text is inert wherever it is rendered: hover, completion documentation (and its resolved
 * form), the Papers view's tooltips, document links and notes created from templates. Hostile
 * catalog entries (HTML, Markdown links and images to `command:`, `file:` and `javascript:` URIs,
 * reference definitions, autolinks, backticks, LaTeX, entities, control characters) go through the
 * real reader and workspace model; the Markdown we produce is parsed with markdown-it and must hold
 * no HTML, no image, and only links we built: https DOI/arXiv pages or the entry's validated URL.
 *
 * Short by default (CI); `LITNOTES_LONG_TESTS=1` runs many more generated entries.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';
import { describeNode, paperNode, topicNode } from '../../client/src/tree/treeModel';
import { isCitableCslId } from '../../server/src/catalog/citableKey';
import type { Paper } from '../../server/src/catalog/paper';
import { provideCompletion, resolveCompletionItem } from '../../server/src/features/completion';
import { provideDocumentLinks } from '../../server/src/features/documentLinks';
import { provideHover } from '../../server/src/features/hover';
import { noteView, renderNote } from '../../server/src/notes/noteTemplate';
import { paperLinks } from '../../server/src/service/paperLinks';
import { paperSummary } from '../../server/src/service/paperSummaries';
import { defaultSettings } from '../../server/src/service/settings';
import { topics } from '../../server/src/service/topicRequests';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { computeTopicsNow } from './topicFixture';

const LONG = process.env.LITNOTES_LONG_TESTS === '1';
const RUNS = LONG ? 1000 : 60;

/** What hostile catalogs hold: markup, links and images to dangerous URIs, code, LaTeX, entities. */
const hostilePieces = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="command:workbench.action.terminal.new">x</a>',
  '[x](command:foo)',
  '[x](command:workbench.action.openSettings?%5B%22x%22%5D "t")',
  '![i](file:///etc/passwd)',
  '![i](https://tracker.example/pixel.png)',
  '[x](javascript:alert(1))',
  'javascript:alert(1)',
  '[ref]',
  '\n[ref]: command:foo\n',
  '<command:foo>',
  '<file:///etc/passwd>',
  '<https://evil.example>',
  'https://evil.example/path',
  'www.evil.example',
  'mailto:a@b.example',
  '`code`',
  '```\nfenced\n```',
  '\\textbf{bold} \\href{javascript:x}{y} $\\alpha$ \\url{file:///etc/passwd}',
  '&lt;script&gt;',
  '&#106;avascript:alert(1)',
  '*em* _em_ **strong**',
  '\n# Heading\n',
  '\n- item\n',
  '\n1. item\n',
  '\n> quote\n',
  '|a|b|\n|-|-|',
  '$(gear)',
  '\u0000\u0007\u001b[31m',
  '\u202e',
  '\\',
  ']',
  '[',
  '(',
  ')',
  '<',
  '>',
  '"',
  "'",
  '\n\n',
];
const hostileText = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...hostilePieces) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(' '));

const hostileUrl = fc.constantFrom(
  'javascript:alert(1)',
  'command:workbench.action.terminal.new',
  'file:///etc/passwd',
  'data:text/html,<script>alert(1)</script>',
  'https://user:pass@evil.example/',
  'https://example.org/paper?x=1)](command:foo)',
  'https://example.org/a b<c>"d`',
  'vscode://extension/x',
  'http://example.org/ok',
  ' https://example.org/trimmed ',
  '//evil.example/x',
  '',
);
const hostileDoi = fc.constantFrom('10.1000/xyz)](command:foo)', '10.1000/<script>', 'javascript:alert(1)', 'doi:10.1000/abc def', '10.1000/ok', 'https://doi.org/10.1000/ok2', '10.1000/`x`');
const hostileKey = fc.constantFrom('k1', '../../x', 'a/b', 'CON', '.hidden', '<script>', '[x](command:foo)', 'k`x`', 'k\u0000', 'k*y*', 'a b');

interface HostileEntry {
  key: string;
  title: string;
  abstract: string;
  family: string;
  given: string;
  venue: string;
  url: string;
  doi: string;
  keyword: string;
  note: string;
}

const hostileEntry: fc.Arbitrary<HostileEntry> = fc.record({
  key: hostileKey,
  title: hostileText,
  abstract: hostileText,
  family: hostileText,
  given: hostileText,
  venue: hostileText,
  url: hostileUrl,
  doi: hostileDoi,
  keyword: hostileText,
  note: hostileText,
});

/** The entries as a CSL-JSON catalog (no escaping layer of its own: text reaches the model as written). */
function cslCatalog(entries: readonly HostileEntry[]): string {
  return JSON.stringify(
    entries.map((e, i) => ({
      id: `${e.key}-${i}`,
      type: 'article-journal',
      title: e.title,
      abstract: e.abstract,
      author: [{ family: e.family, given: e.given }, { literal: e.given }],
      'container-title': e.venue,
      URL: e.url,
      DOI: e.doi,
      keyword: e.keyword,
      note: e.note,
      issued: { 'date-parts': [[2024]] },
    })),
  );
}

const markdown = new MarkdownIt({ html: true });
const linkifying = new MarkdownIt({ html: true, linkify: true });
// markdown-it drops javascript:, vbscript:, file: and data: links itself; other renderers may not,
// so the check sees every link the Markdown would make.
markdown.validateLink = () => true;
linkifying.validateLink = () => true;

interface Found {
  html: string[];
  images: string[];
  links: string[];
}

/** HTML, images and link targets markdown-it finds in a Markdown string (inline tokens included). */
function inspect(md: InstanceType<typeof MarkdownIt>, text: string): Found {
  const found: Found = { html: [], images: [], links: [] };
  const visit = (tokens: ReturnType<InstanceType<typeof MarkdownIt>['parse']>) => {
    for (const token of tokens) {
      if (token.type === 'html_block' || token.type === 'html_inline') found.html.push(token.content);
      if (token.type === 'image') found.images.push(String(token.attrGet('src') ?? ''));
      if (token.type === 'link_open') found.links.push(String(token.attrGet('href') ?? ''));
      if (token.children) visit(token.children);
    }
  };
  visit(md.parse(text, {}));
  return found;
}

/**
 * The Markdown is inert: no HTML and no image; every link one of `allowed` (as markdown-it
 * normalizes it). A renderer that links bare URLs (VS Code's, GFM) makes only http(s) or mailto links.
 */
function assertInert(text: string, allowed: readonly string[], context: string): void {
  const found = inspect(markdown, text);
  assert.deepEqual(found.html, [], `${context}: HTML in\n${text}`);
  assert.deepEqual(found.images, [], `${context}: image in\n${text}`);
  const expected = new Set(allowed.map((u) => markdown.normalizeLink(u)));
  for (const href of found.links) assert.ok(expected.has(href), `${context}: link to ${href} that LitNotes did not build, in\n${text}`);
  const linkified = inspect(linkifying, text);
  assert.deepEqual(linkified.html, []);
  for (const href of linkified.links) assert.match(href, /^(?:https?:\/\/|mailto:)/, `${context}: a linkifying renderer makes a ${href} link`);
}

/** fc.assert, with the failed assertion's own message in the report (node's runner drops `cause`). */
function holds<T>(property: fc.IProperty<T>, parameters: fc.Parameters<T>): void {
  const details = fc.check(property, parameters);
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  assert.fail(`${error}\nCounterexample: ${fc.stringify(details.counterexample)} (seed ${details.seed}, path ${details.counterexamplePath})`);
}

function builtLinks(paper: Paper): string[] {
  const links = paperLinks(paper);
  const all = [links.doi?.url, links.arxiv?.url, links.url, ...links.code, ...links.pages].filter((u): u is NonNullable<typeof u> => !!u);
  for (const url of all) assert.match(url, /^https?:\/\/[^\s]+$/, 'paperLinks only builds http(s) URLs');
  return all;
}

function modelOf(entries: readonly HostileEntry[]): WorkspaceModel {
  const model = new WorkspaceModel();
  model.setWorkspaceFolders(['file:///ws']);
  model.setCatalog('file:///ws/refs.json', cslCatalog(entries));
  return model;
}

describe('catalog text is inert wherever it is rendered', () => {
  test('the check itself: catalog text rendered as it is fails it', () => {
    assert.throws(() => assertInert('Title <script>alert(1)</script>', [], 'raw'), /HTML/);
    assert.throws(() => assertInert('<img src=x onerror=alert(1)>', [], 'raw'), /HTML/);
    assert.throws(() => assertInert('[x](command:foo)', [], 'raw'), /command:foo/);
    assert.throws(() => assertInert('![i](file:///etc/passwd)', [], 'raw'), /image/);
    assert.throws(() => assertInert('[ref]\n\n[ref]: javascript:alert(1)', [], 'raw'), /link/);
    assert.throws(() => assertInert('<command:foo>', [], 'raw'), /link/);
    assert.throws(() => assertInert('[DOI](https://doi.org/10.1/x)', ['https://doi.org/10.1/y'], 'raw'), /did not build/);
    assertInert('[DOI](https://doi.org/10.1/x) \\<script\\>', ['https://doi.org/10.1/x'], 'escaped');
  });

  test('hover, completion documentation and resolved items: no HTML, no image, only links LitNotes built', { timeout: 120_000 }, () => {
    holds(
      fc.property(fc.array(hostileEntry, { minLength: 1, maxLength: 4 }), (entries) => {
        const model = modelOf(entries);
        // An id with white space is no paper (Pandoc cannot cite it): nothing of it is rendered.
        const citable = entries.filter((e, i) => isCitableCslId(`${e.key}-${i}`)).length;
        assert.equal(model.paperCount, citable);
        const note = model.papers().map((p) => `[@{${p.key}}]`).join(' ') + '\n@';
        const noteUri = 'file:///ws/notes/a.md';
        model.setNote(noteUri, note);
        for (const paper of model.papers()) {
          const citation = model.citationsOf(paper.key)[0]?.citation;
          if (!citation) continue; // a key Pandoc cannot read in braces (`}` or `\0`): no citation to hover
          const hover = provideHover(model, noteUri, citation.keyRange.start);
          assert.ok(hover, `hover on ${JSON.stringify(paper.key)}`);
          assert.equal(hover.contents.kind, 'markdown');
          assertInert(hover.contents.value, builtLinks(paper), `hover of ${JSON.stringify(paper.key)}`);
        }
        const list = provideCompletion(model, note, { line: 1, character: 1 }, defaultSettings);
        assert.equal(list?.items.length ?? 0, citable);
        for (const item of list!.items) {
          const doc = item.documentation as { kind: string; value: string };
          assertInert(doc.value, [], `completion documentation of ${item.label}`);
          const resolved = resolveCompletionItem(model, item).documentation as { value: string };
          assertInert(resolved.value, [], `resolved documentation of ${item.label}`);
        }
        const citations = model.note(noteUri)!.citations;
        for (const link of provideDocumentLinks(model, noteUri, defaultSettings)) {
          const cited = citations.find((c) => JSON.stringify(c.range) === JSON.stringify(link.range));
          assert.ok(cited, `document link at ${JSON.stringify(link.range)} is on a citation`);
          assert.ok(builtLinks(model.paper(cited.key)!).includes(link.target as never), `document link ${link.target} is one of the cited paper's built links`);
          assert.match(link.target ?? '', /^https:\/\//);
        }
      }),
      { numRuns: RUNS, seed: LONG ? undefined : 31 },
    );
  });

  test('the Papers view: paper, topic and note tooltips hold no HTML, image or link', { timeout: 120_000 }, () => {
    holds(
      fc.property(fc.array(hostileEntry, { minLength: 1, maxLength: 4 }), (entries) => {
        const model = modelOf(entries);
        // Derived topics' labels and terms are catalog text too.
        computeTopicsNow(model);
        const parent = topicNode({ id: 'topic', label: 'Topic', count: 1, source: 'derived' });
        for (const paper of model.papers()) {
          const view = describeNode(paperNode(parent, paperSummary(model, paper, defaultSettings)));
          assertInert(view.tooltip ?? '', [], `tooltip of ${JSON.stringify(paper.key)}`);
          assert.doesNotMatch(view.label, /\n/);
        }
        for (const source of ['catalog', 'derived'] as const) {
          for (const topic of topics(model, {}, { ...defaultSettings, topics: { source } } as typeof defaultSettings).topics) {
            assertInert(describeNode(topicNode(topic)).tooltip ?? '', [], `tooltip of topic ${JSON.stringify(topic.label)}`);
          }
        }
      }),
      { numRuns: RUNS, seed: LONG ? undefined : 37 },
    );
  });

  test('notes from the built-in template: the front matter holds the catalog text as YAML strings, the body is inert', { timeout: 120_000 }, () => {
    holds(
      fc.property(hostileEntry, (entry) => {
        const model = modelOf([entry]);
        const paper = model.papers()[0];
        if (!isCitableCslId(`${entry.key}-0`)) {
          assert.equal(paper, undefined, 'an id Pandoc cannot cite is no paper');
          return;
        }
        const note = renderNote(paper, undefined, '2026-01-02');
        const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(note);
        assert.ok(match, `front matter then body:\n${note}`);
        const data = parseYaml(match[1]) as Record<string, unknown>;
        // Data, not markup: the YAML gives back exactly what the catalog said (lone surrogates aside).
        const wellFormed = (s: string) => s.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
        assert.equal(data.key, wellFormed(paper.key));
        assert.equal(data.title, wellFormed(paper.title ?? paper.key));
        assert.deepEqual(data.tags, paper.keywords.map(wellFormed));
        assert.equal(data.created, '2026-01-02');
        const view = noteView(paper, '2026-01-02');
        // The only HTML: the generated block's two markers, exactly as LitNotes writes them.
        const markers = /^<!-- litnotes:(?:begin generated hash=[0-9a-z]+ · LitNotes rewrites this block on "Update Literature Note"; write outside it|end) -->$/gm;
        assert.equal(match[2].match(markers)?.length, 2, 'one begin and one end marker');
        assertInert(match[2].replace(markers, ''), view.links.map((l) => l.url), `note body of ${JSON.stringify(paper.key)}`);
        for (const link of view.links) assert.match(link.url, /^https?:\/\//);
      }),
      { numRuns: RUNS * 2, seed: LONG ? undefined : 41 },
    );
  });

  test('user templates are data: triple mustaches, inherited names and partials render inert text, no code runs', () => {
    const model = modelOf([
      { key: 'k', title: '<script>alert(1)</script> [x](command:foo)', abstract: '![i](file:///etc/passwd)', family: '<b>', given: '`x`', venue: 'javascript:alert(1)', url: 'javascript:alert(1)', doi: '10.1000/ok', keyword: '[k](command:k)', note: '' },
    ]);
    const paper = model.papers()[0];
    const template = [
      '{{{title}}} {{&abstract}} {{venue}}',
      '{{title.constructor}}{{authors.map}}{{__proto__}}{{toString}}{{constructor.constructor}}|',
      '{{#authors}}{{{name}}};{{/authors}}',
      '{{> partial}}',
      '{{#links}}[{{label}}]({{url}}){{/links}}',
    ].join('\n');
    const note = renderNote(paper, template, '2026-01-02');
    assert.equal(
      note,
      [
        '\\<script\\>alert(1)\\</script\\> \\[x\\](command:foo) !\\[i\\](file:///etc/passwd) javascript:alert(1)',
        '|',
        // Authors are `given family`; the second is a literal. A standalone partial line renders nothing.
        '\\`x\\` \\<b\\>;\\`x\\`;',
        '[DOI](https://doi.org/10.1000/ok)',
      ].join('\n'),
    );
    assertInert(note, ['https://doi.org/10.1000/ok'], 'user template');
  });
});

/**
 * package.json conventions: what VS Code and the Marketplace show users must be complete and
 * consistent with the client code (commands registered, context keys set, files present).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Command { command: string; title: string; category?: string; icon?: string }
interface MenuItem { command: string; when?: string; group?: string }
interface Setting { type?: string; default?: unknown; description?: string; markdownDescription?: string; enum?: unknown[]; enumDescriptions?: string[] }

const commands: Command[] = pkg.contributes.commands;
const commandIds = new Set(commands.map((c) => c.command));
const settings: Record<string, Setting> = pkg.contributes.configuration.properties;
const menus: Record<string, MenuItem[]> = pkg.contributes.menus;

function clientSources(dir = join(root, 'client', 'src')): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? clientSources(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}
const client = clientSources();

describe('commands', () => {
  test('every command has a title and the category LitNotes', () => {
    for (const c of commands) {
      assert.ok(c.title?.trim(), `${c.command} has no title`);
      assert.equal(c.category, 'LitNotes', `${c.command} category`);
      assert.match(c.command, /^litnotes\.[a-zA-Z]+$/);
    }
  });

  test('the commands the user knows are all there', () => {
    const expected = [
      'litnotes.insertCitation', 'litnotes.openNote', 'litnotes.createNote', 'litnotes.openPaperLink', 'litnotes.copyKey',
      'litnotes.copyReference', 'litnotes.goToCatalogEntry', 'litnotes.showCitingNotes', 'litnotes.revealInPapers',
      'litnotes.filterPapers', 'litnotes.clearFilter', 'litnotes.sortPapers', 'litnotes.refreshPapers',
      'litnotes.restartServer', 'litnotes.showOutput', 'litnotes.createSampleCatalog', 'litnotes.openPdf', 'litnotes.showRelatedPapers',
    ];
    for (const id of expected) assert.ok(commandIds.has(id), `missing ${id}`);
    assert.equal(commandIds.size, commands.length, 'duplicate command ids');
  });

  test('contributed and registered commands are the same set', () => {
    const registered = new Set([...client.matchAll(/register(?:TextEditor)?Command\(\s*'([^']+)'/g)].map((m) => m[1]));
    assert.deepEqual([...registered].sort(), [...commandIds].sort());
  });

  test('commands in view title menus have codicon icons', () => {
    for (const item of menus['view/title']!.filter((i) => i.group?.startsWith('navigation'))) {
      assert.match(commands.find((c) => c.command === item.command)?.icon ?? '', /^\$\([a-z-]+\)$/, item.command);
    }
  });
});

describe('menus', () => {
  test('every menu item references an existing command', () => {
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) assert.ok(commandIds.has(item.command), `${menu}: ${item.command}`);
    }
  });

  test('tree item menus apply to paper nodes of the Papers view only', () => {
    for (const item of menus['view/item/context']!) {
      assert.match(item.when ?? '', /^view == litnotes\.papers && viewItem =~ \/\^paper[^ ]*\/$/, item.command);
    }
  });

  test('the editor context menu shows only in notes and catalogs', () => {
    for (const item of menus['editor/context']!) assert.match(item.when ?? '', /editorLangId == markdown/, item.command);
  });

  test('Insert Citation is offered only in editable Markdown; Clear Filter only while filtering', () => {
    const palette = new Map(menus.commandPalette!.map((i) => [i.command, i.when]));
    assert.equal(palette.get('litnotes.insertCitation'), 'editorLangId == markdown && !editorReadonly');
    assert.equal(palette.get('litnotes.clearFilter'), 'litnotes.filtered');
  });

  test('every litnotes.* context key used in a when clause is set by the client', () => {
    const whens = [...Object.values(menus).flat(), ...pkg.contributes.viewsWelcome].map((i: { when?: string }) => i.when ?? '').join(' ');
    const keys = new Set([...whens.matchAll(/\blitnotes\.[a-zA-Z]+\b/g)].map((m) => m[0]).filter((k) => k !== 'litnotes.papers'));
    assert.ok(keys.size >= 3);
    for (const key of keys) assert.match(client, new RegExp(`setContext\\([^)]*'${key.replace('.', '\\.')}'`), key);
  });
});

describe('settings', () => {
  const table: Record<string, { type: string; default: unknown; enum?: string[] }> = {
    'litnotes.catalogs': { type: 'array', default: [] },
    'litnotes.exclude': { type: 'array', default: ['**/node_modules/**', '**/.git/**'] },
    'litnotes.notesFolder': { type: 'string', default: 'notes' },
    'litnotes.noteTemplate': { type: 'string', default: '' },
    'litnotes.citationStyle': { type: 'string', default: 'apa' },
    'litnotes.topics.source': { type: 'string', default: 'both', enum: ['both', 'catalog', 'derived'] },
    'litnotes.topics.count': { type: 'number', default: 0 },
    'litnotes.papers.sort': { type: 'string', default: 'title', enum: ['title', 'year', 'cited'] },
    'litnotes.completion.maxItems': { type: 'number', default: 50 },
    'litnotes.diagnostics.unknownKey': { type: 'string', default: 'warning', enum: ['error', 'warning', 'information', 'hint', 'off'] },
    'litnotes.diagnostics.duplicateKey': { type: 'string', default: 'warning', enum: ['error', 'warning', 'information', 'hint', 'off'] },
    'litnotes.diagnostics.parseError': { type: 'string', default: 'error', enum: ['error', 'warning', 'information', 'hint', 'off'] },
    'litnotes.pdf.openWith': { type: 'string', default: 'auto', enum: ['auto', 'vscode', 'system', 'zotero'] },
    'litnotes.zotero.enabled': { type: 'boolean', default: false },
    'litnotes.zotero.url': { type: 'string', default: 'http://127.0.0.1:23119' },
    'litnotes.trace.server': { type: 'string', default: 'off', enum: ['off', 'messages', 'verbose'] },
  };

  test('exactly the settings of the table, with their types, defaults and enums', () => {
    assert.deepEqual(Object.keys(settings).sort(), Object.keys(table).sort());
    for (const [name, expected] of Object.entries(table)) {
      const s = settings[name]!;
      assert.equal(s.type, expected.type, name);
      assert.deepEqual(s.default, expected.default, name);
      assert.deepEqual(s.enum, expected.enum, name);
    }
  });

  test('every setting has a type, a default and a description; enums describe each value', () => {
    for (const [name, s] of Object.entries(settings)) {
      assert.ok(s.type, `${name} type`);
      assert.ok('default' in s, `${name} default`);
      assert.ok((s.description ?? s.markdownDescription ?? '').trim().length > 10, `${name} description`);
      if (s.enum) assert.equal(s.enumDescriptions?.length, s.enum.length, `${name} enumDescriptions`);
    }
  });
});

describe('extension manifest', () => {
  test('activation events', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:markdown'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/*.bib'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/*.csl.json'));
    // Commands and views activate the extension implicitly since VS Code 1.74.
    assert.ok(!pkg.activationEvents.some((e: string) => e === '*' || e.startsWith('onCommand:') || e.startsWith('onView:')));
  });

  test('engines.vscode is at most 1.139 and not older than the API types used', () => {
    const engine = /^\^(\d+)\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
    assert.ok(engine, pkg.engines.vscode);
    assert.ok(Number(engine[1]) === 1 && Number(engine[2]) <= 139);
    const types = /(\d+)\.(\d+)/.exec(pkg.devDependencies['@types/vscode'])!;
    assert.ok(Number(types[2]) <= Number(engine[2]), '@types/vscode must not be newer than engines.vscode (vsce refuses)');
  });

  test('works in untrusted workspaces, honestly not in virtual ones', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.capabilities.virtualWorkspaces.supported, false);
    assert.ok(pkg.capabilities.virtualWorkspaces.description);
  });

  test('the Papers view lives in its own activity-bar container with an existing icon', () => {
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'litnotes');
    assert.ok(container);
    assert.ok(existsSync(join(root, container.icon)));
    assert.match(readFileSync(join(root, container.icon), 'utf8'), /currentColor/);
    assert.deepEqual(pkg.contributes.views.litnotes.map((v: { id: string }) => v.id), ['litnotes.papers']);
    assert.match(client, /papersViewId = 'litnotes\.papers'/);
    for (const welcome of pkg.contributes.viewsWelcome) assert.equal(welcome.view, 'litnotes.papers');
  });

  test('Marketplace fields: icon, repository, license, main', () => {
    assert.ok(existsSync(join(root, pkg.icon)) && pkg.icon.endsWith('.png'));
    assert.ok(pkg.repository.url);
    assert.ok(existsSync(join(root, 'LICENSE')));
    assert.equal(pkg.main, './dist/extension.js');
  });

  test('the citation grammar is injected into Markdown', () => {
    assert.deepEqual(pkg.contributes.grammars, [
      { scopeName: 'text.markdown.citation.litnotes', path: './syntaxes/citations.tmLanguage.json', injectTo: ['text.html.markdown'] },
    ]);
  });

  test('packaging: bundles only, no runtime dependencies, allowlist .vscodeignore', () => {
    assert.equal(pkg.dependencies, undefined);
    assert.match(pkg.scripts.package, /--production && vsce package --no-dependencies/);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(ignore[0], '**');
    for (const kept of ['!dist/extension.js', '!dist/server.js', '!media/**', '!syntaxes/**', '!README.md', '!CHANGELOG.md', '!LICENSE', '!package.json']) {
      assert.ok(ignore.includes(kept), kept);
    }
    // Every bundle esbuild makes (the workers too: the server starts them from beside itself) goes in.
    const bundles = [...readFileSync(join(root, 'esbuild.mjs'), 'utf8').matchAll(/outfile: '([^']+)'/g)].map((m) => m[1]);
    assert.ok(bundles.includes('dist/topicWorker.js'), bundles.join(', '));
    for (const bundle of bundles) assert.ok(ignore.includes(`!${bundle}`), `${bundle} is left out of the VSIX`);
  });
});

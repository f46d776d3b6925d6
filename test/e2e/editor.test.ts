// The real-editor suite: the PACKAGED VSIX in code-server (VS Code 1.139), driven by Playwright in
// Debian's Chromium. One code-server per run (fresh user data under .e2e/), one browser context
// and one fresh copy of examples/demo per scenario. Each scenario leaves a screenshot in
// test-results/e2e/<name>.png; a failing one also leaves the extension host logs (the LitNotes
// output channel among them) in test-results/e2e/<name>-logs/.
// Run with scripts/e2e.sh (installs code-server, packages the VSIX), or after both:
//   node --import tsx --test test/e2e/editor.test.ts
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { ZoteroStandIn } from '../zotero/standIn';
import { renderNote } from '../../server/src/notes/noteTemplate';
import { writeCatalog } from '../bench/generate';
import { extensionHostLogDirs, litnotesServerPids, projectRoot, startCodeServer, waitFor, type CodeServer } from './codeServer';
import { fileWhen, positionOf, Workbench } from './workbench';

const results = join(projectRoot, 'test-results', 'e2e');
const vsix = process.env.LITNOTES_VSIX ?? join(projectRoot, `litnotes-${packageVersion()}.vsix`);
const demoPapers = 64;
const gaussianSplatting = ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W'];
const topFourAreGaussianSplatting = (labels: string[]) => labels.slice(0, 4).sort().join() === gaussianSplatting.join();
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let runDir: string;
let browser: Browser;
let trusted: CodeServer;
let zotero: ZoteroStandIn;
let failures = 0;

/**
 * One scenario in its own browser context and workspace copy. Screenshot always; on failure the
 * extension host logs too, so a red CI run says why without a rerun.
 */
function scenario(
  name: string,
  body: (workbench: Workbench) => Promise<void>,
  server: () => CodeServer = () => trusted,
  prepare?: (folder: string) => void,
  address: (code: CodeServer, folder: string) => string = (code, folder) => code.url(folder),
): void {
  test(name, { timeout: 300_000 }, async () => {
    const code = server();
    const folder = code.newWorkspace(name);
    prepare?.(folder);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const workbench = new Workbench(page, folder);
    try {
      await page.goto(address(code, folder), { timeout: 120_000 });
      await body(workbench);
      await page.screenshot({ path: join(results, `${name}.png`) });
    } catch (error) {
      failures++;
      await page.screenshot({ path: join(results, `${name}.png`) }).catch(() => undefined);
      const logs = join(results, `${name}-logs`);
      for (const dir of extensionHostLogDirs(code.userDataDir)) cpSync(dir, join(logs, dir.slice(code.userDataDir.length)), { recursive: true });
      throw error;
    } finally {
      await context.close();
    }
  });
}

describe('LitNotes in a real VS Code (code-server) from the packaged VSIX', () => {
  before(async () => {
    rmSync(results, { recursive: true, force: true });
    mkdirSync(results, { recursive: true });
    mkdirSync(join(projectRoot, '.e2e'), { recursive: true });
    runDir = mkdtempSync(join(projectRoot, '.e2e', 'run-'));
    // A stand-in of Zotero 7 + Better BibTeX on 127.0.0.1: its URL is a user setting (machine scope).
    zotero = await ZoteroStandIn.start({ generate: 40 });
    zotero.add({ title: 'Attention Is All You Need', creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }], date: '2017', abstractNote: 'We propose a new simple network architecture, the Transformer, based solely on attention mechanisms.', publicationTitle: 'NeurIPS' });
    trusted = await startCodeServer({ stateDir: join(runDir, 'trusted'), vsix, workspaceTrust: false, settings: { 'litnotes.zotero.url': zotero.url } });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  });

  after(async () => {
    await browser?.close();
    await trusted?.stop();
    await zotero?.stop();
    // Kept on failure for a look (workspaces, code-server.log); a passing run leaves nothing behind.
    if (runDir && failures === 0 && !process.env.LITNOTES_KEEP_E2E) rmSync(runDir, { recursive: true, force: true });
  });

  scenario('demo', async (wb) => {
    // What `bash scripts/demo.sh` opens: its profile and its address.
    await wb.activeTab('reading-list.md', 120_000);
    await wb.waitForPapers(demoPapers);
    const rows = wb.page.locator('.part.sidebar .monaco-list-row');
    await waitFor('the Papers view beside the note, with its topics', async () => /LitNotes|Papers/i.test(await wb.page.locator('.part.sidebar .composite.title').innerText()) && (await rows.count()) >= 5, 60_000);
    const tabs = await wb.page.locator('.tabs-container .tab').allInnerTexts();
    assert.deepEqual(tabs.map((tab) => tab.replace(/\s+/g, '')), ['reading-list.md'], 'only the note is open: no Welcome page');
    assert.doesNotMatch(await wb.statusBarText(), /Restricted Mode/);
    assert.equal(await wb.page.locator('.monaco-editor:focus-within').count(), 1, 'the note keeps the focus while the Papers view opens');
    await wb.page.screenshot({ path: join(results, 'demo-first-screen.png') });
  }, () => trusted, undefined, (code, folder) => code.demoUrl(folder));

  scenario('completion', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.openFile('reading-list.md');
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('See [@gauss', { delay: 20 });
    const items = await wb.suggestions(4, topFourAreGaussianSplatting);
    assert.deepEqual(items.slice(0, 4).map((item) => item.label).sort(), gaussianSplatting);
    // A row reads like a reference: the key, "Author et al. Year · Title" (without the key the title starts with).
    const row = (key: string) => items.find((item) => item.label === key);
    assert.deepEqual(row('LM-Gaussian'), { label: 'LM-Gaussian', detail: 'Yu et al. 2024 · Boost Sparse-view 3D Gaussian Splatting with Large Model…', details: '', highlighted: '' });
    assert.deepEqual(row('Feat2GS'), { label: 'Feat2GS', detail: 'Chen et al. 2024 · Probing Visual Foundation Models with Gaussian Splatting', details: '', highlighted: '' });
    // Papers found by their titles: no letter of a key is highlighted as if it matched "gauss".
    assert.deepEqual(items.map((item) => item.highlighted).filter(Boolean), []);
    // The details (Ctrl+Space): the title once, the authors, year and venue, the abstract.
    // Ctrl+Space toggles the details. Once in CI a press left the list without them (the list is
    // incomplete and asked the server again after the last letter): pressed again, a few seconds
    // apart, while they do not show.
    const details = wb.page.locator('.suggest-details .body');
    for (let attempt = 0; attempt < 3 && !(await details.isVisible()); attempt++) {
      await wb.page.keyboard.press('Control+Space');
      await details.waitFor({ timeout: 5_000 }).catch(() => undefined);
    }
    await details.waitFor({ timeout: 5_000 });
    const detailsText = await waitFor('the details of the first row', async () => {
      const text = await details.innerText();
      return /Hanyang Yu/.test(text) || /Yue Chen/.test(text) ? text : undefined;
    });
    assert.equal(detailsText.split('Boost Sparse-view 3D Gaussian Splatting').length + detailsText.split('Probing Visual Foundation Models').length - 2, 1, `the title once: ${detailsText}`);
    await wb.page.screenshot({ path: join(results, 'completion-widget.png') });
    await wb.page.keyboard.press('Enter');
    await waitFor('the key in the editor', async () => (await wb.editorText()).includes(`See [@${items[0].label}`));
    await wb.page.keyboard.press('Control+S');
    const saved = await fileWhen(join(wb.folder, 'reading-list.md'), 'the saved note', (text) => text.includes('See [@'));
    // Accepting replaced the typed `@gauss` with `@key` (no `@@key`, nothing left of "gauss");
    // the `]` is there when the editor auto-closed the bracket while typing.
    assert.match(saved.split('\n').at(-1) ?? '', new RegExp(`^See \\[@${items[0].label}\\]?$`));
  });

  scenario('completion-nothing-typed-and-words', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.openFile('reading-list.md');
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    // Nothing typed: the papers cited in the note being written, its last citations first.
    await wb.page.keyboard.type('Next [@', { delay: 20 });
    const recent = await wb.suggestions(3, (labels) => labels[0] === 'adaptiveSparseAllocation');
    assert.deepEqual(recent.slice(0, 3).map((item) => item.label), ['adaptiveSparseAllocation', 'principledEvaluationsSparse', 'dynamicSparseLearning']);
    // Several words joined by `-`: the list stays open at the `-` and finds papers with both words.
    await wb.page.keyboard.type('sparse-attention', { delay: 60 });
    // The list of the whole typed text: the lists of `sparse-a`, `sparse-at`… (SeerAttention 6th) may show first.
    const found = await wb.suggestions(3, (labels) => labels.slice(0, 3).includes('SeerAttention'));
    assert.ok(found.slice(0, 3).some((item) => item.label === 'SeerAttention'), found.map((item) => item.label).join(', '));
    assert.equal(found.find((item) => item.label === 'SeerAttention')?.detail, 'Gao et al. 2024 · Learning Intrinsic Sparse Attention in Your LLMs');
    await wb.page.screenshot({ path: join(results, 'completion-words.png') });
    await wb.page.keyboard.press('Escape');
  });

  scenario('hover', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.openFile('reading-list.md');
    const hover = await wb.hover('Mistral-SPLADE', 'Mistral-SPLADE: LLMs for better Learned Sparse Retrieval');
    assert.match(hover, /Learned Sparse Retrievers \(LSR\) have evolved into an effective retrieval strategy/);
  });

  scenario('unknown-key', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.openFile('reading-list.md');
    // The squiggle sits under the unknown key, on the typo's line.
    const typoLine = wb.page.locator('.editor-instance .view-line', { hasText: 'SeerAtention' });
    const squiggle = wb.page.locator('.editor-instance .squiggly-warning').first();
    await squiggle.waitFor({ timeout: 30_000 });
    // Decorations are drawn again when diagnostics are republished: measure once both are laid out.
    const onTypoLine = await waitFor('the squiggle and the typo line laid out', async () => {
      const [lineBox, squiggleBox] = [await typoLine.boundingBox(), await squiggle.boundingBox()];
      return lineBox && squiggleBox ? { same: Math.abs(lineBox.y - squiggleBox.y) < lineBox.height } : undefined;
    });
    assert.ok(onTypoLine.same, 'the warning squiggle is not on the typo line');

    await wb.page.keyboard.press('Control+Shift+M');
    const problem = wb.page.locator('.markers-panel .monaco-list-row', { hasText: "Unknown citation key 'SeerAtention'" });
    await problem.waitFor({ timeout: 15_000 });
    assert.match(await problem.innerText(), /Did you mean 'SeerAttention'\?/);

    await wb.page.locator('.editor-instance .view-lines').first().click();
    await wb.cursorOn('reading-list.md', 'SeerAtention', 3);
    const fix = wb.page.locator('.action-widget .monaco-list-row', { hasText: "Replace with 'SeerAttention'" });
    // Ctrl+. right after Go to Line can reach the closing quick input instead: ask again until the menu shows.
    await waitFor('the quick fix menu', async () => {
      await wb.page.keyboard.press('Escape');
      await wb.page.keyboard.press('Control+.');
      return fix.waitFor({ timeout: 5000 }).then(() => true);
    }, 45_000);
    await wb.page.screenshot({ path: join(results, 'unknown-key-quick-fix.png') });
    await fix.click();
    await wb.page.keyboard.press('Control+S');
    const saved = await fileWhen(join(wb.folder, 'reading-list.md'), 'the fixed note', (text) => !text.includes('SeerAtention'));
    assert.equal(saved.split('\n').at(-2), 'A typo to try the quick fix on: [@SeerAttention].');
    await waitFor('the warning to go away', async () => (await wb.page.locator('.editor-instance .squiggly-warning').count()) === 0);
  });

  scenario('definition-and-rename', async (wb) => {
    await wb.waitForPapers(demoPapers);
    const bib = readFileSync(join(wb.folder, 'papers.bib'), 'utf8');

    // F12 on a citation opens papers.bib at the entry.
    await wb.openFile('reading-list.md');
    await wb.cursorOn('reading-list.md', 'Mistral-SPLADE', 4);
    await wb.page.keyboard.press('F12');
    await wb.activeTab('papers.bib');
    const entry = positionOf(bib, '@misc{Mistral-SPLADE,');
    await waitFor('the cursor on the entry', async () => (await wb.cursor()).startsWith(`Ln ${entry.line},`));

    // F2 on a citation renames the key in every note and in the catalog.
    await wb.openFile('notes/gaussian-splatting.md');
    await wb.cursorOn('notes/gaussian-splatting.md', 'LM-Gaussian', 3);
    await wb.page.keyboard.press('F2');
    const input = wb.page.locator('.rename-box input');
    await input.waitFor({ timeout: 15_000 });
    assert.equal(await input.inputValue(), 'LM-Gaussian');
    await input.fill('LMGaussian2024');
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'gaussian-splatting.md' }).waitFor();
    await wb.runCommand('File: Save All');
    const read = (file: string) => fileWhen(join(wb.folder, file), `${file} renamed`, (text) => text.includes('LMGaussian2024'));
    assert.equal((await read('notes/gaussian-splatting.md')).split('\n')[2], '- [@LMGaussian2024] adds large-model priors for sparse-view reconstruction.');
    assert.match(await read('notes/Feat2GS.md'), /^\[@LMGaussian2024; @SparseGS-W\]\.$/m);
    const renamedBib = await read('papers.bib');
    assert.ok(renamedBib.includes('@misc{LMGaussian2024,'));
    // The old key is gone as a key; the abstract's prose ("we introduce LM-Gaussian, a method") stays.
    assert.ok(!renamedBib.includes('{LM-Gaussian,'), 'papers.bib still defines the old key');
    for (const file of ['notes/gaussian-splatting.md', 'notes/Feat2GS.md', 'reading-list.md']) {
      assert.ok(!readFileSync(join(wb.folder, file), 'utf8').includes('@LM-Gaussian'), `${file} still cites the old key`);
    }
  });

  scenario('papers-view', async (wb) => {
    await wb.waitForPapers(demoPapers);
    const rows = await wb.showPapers();
    await untilTopicsComputed(rows);
    const topics = await rows.allInnerTexts();
    assert.ok(topics.length >= 5, `too few topics: ${topics.join(' | ')}`);
    for (const row of topics) assert.match(row, /\n?\s*\d+$/, `a topic without its count: ${row}`);
    // Each paper in one place: the top-level counts add up to the library.
    // (The count is the row's description: a label may end in a digit, and innerText joins the two.)
    const counts = await rows.locator('.label-description').allInnerTexts();
    assert.equal(counts.reduce((sum, count) => sum + Number(count.trim()), 0), demoPapers, `counts: ${counts.join(' | ')}`);

    // Topic → its papers → the notes citing them.
    const paper = await openTopicHolding(wb, 'LM-Gaussian: Boost Sparse-view 3D Gaussian Splatting');
    await paper.locator('.monaco-tl-twistie').click();
    await rows.filter({ hasText: /gaussian-splatting\.md\s*cites it/ }).waitFor();
    await rows.filter({ hasText: /Feat2GS\.md\s*cites it/ }).waitFor();
    await openTopicHolding(wb, 'LangSplatV2: High-dimensional 3D Language Gaussian Splatting');

    // "Create Literature Note" from a paper's context menu writes notes/<key>.md from the template.
    const langSplat = rows.filter({ hasText: 'LangSplatV2: High-dimensional' });
    await langSplat.click({ button: 'right' });
    const createNote = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: 'Create Literature Note' });
    await createNote.click();
    const notePath = join(wb.folder, 'notes', 'LangSplatV2.md');
    const note = await waitFor('notes/LangSplatV2.md on disk', async () => {
      if (existsSync(notePath)) return readFileSync(notePath, 'utf8');
      // A click can land while the menu is still settling: it stays open and nothing runs. Choose the item again.
      if (await createNote.isVisible()) await createNote.click({ timeout: 2000 });
      return undefined;
    });
    const paperEntry = parseBibtex(readFileSync(join(wb.folder, 'papers.bib'), 'utf8'), 'file:///papers.bib').papers.find((p) => p.key === 'LangSplatV2');
    assert.ok(paperEntry);
    const date = /\d{4}-\d{2}-\d{2}/.exec(note)?.[0];
    assert.equal(note, renderNote(paperEntry, undefined, date));
    await wb.activeTab('LangSplatV2.md');
    // The tree shows the new note under its paper.
    await waitFor('the new note in the tree', async () => {
      if ((await rows.filter({ hasText: /LangSplatV2\.md\s*literature note/ }).count()) > 0) return true;
      const twistie = langSplat.locator('.monaco-tl-twistie.collapsed');
      if ((await twistie.count()) > 0) await twistie.click();
      return false;
    });
  });

  scenario('papers-view-related', async (wb) => {
    await wb.waitForPapers(demoPapers);
    const rows = await wb.showPapers();
    await untilTopicsComputed(rows);
    // A wider sidebar, as someone reading titles in it would make it.
    await widenSidebar(wb, 620);

    // Reveal in Papers from a citation: the tree opens the paper's topic (and subtopic) and selects it.
    await wb.openFile('notes/gaussian-splatting.md');
    await wb.cursorOn('notes/gaussian-splatting.md', '@LangSplatV2', 3);
    await wb.runCommand('LitNotes: Reveal in Papers');
    const paper = rows.filter({ hasText: 'LangSplatV2: High-dimensional 3D Language Gaussian Splatting' }).first();
    await paper.waitFor({ timeout: 30_000 });
    const topic = wb.page.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { has: wb.page.locator('.codicon-lightbulb') }).first();
    await topic.waitFor();
    // Its tooltip: the topic's size and top terms.
    await topic.hover();
    const tooltip = await waitFor('the topic tooltip', async () => {
      const text = (await wb.page.locator('.monaco-hover-content, .workbench-hover').allInnerTexts()).join('\n');
      return /\d+ papers/.test(text) && /Top terms:/.test(text) ? text : undefined;
    });
    assert.match(tooltip, /Derived from titles and abstracts/);
    await wb.page.mouse.move(900, 600);

    // The paper opens into its notes and "Related", which lists the papers most like it.
    await paper.locator('.monaco-tl-twistie').click();
    const related = rows.filter({ hasText: /^Related\s*\d$/ }).first();
    await related.waitFor();
    await related.locator('.monaco-tl-twistie').click();
    const relatedLevel = Number(await related.getAttribute('aria-level'));
    const relatedRows = wb.page.locator(`.part.sidebar .monaco-list-row[aria-level="${relatedLevel + 1}"]`);
    await waitFor('related papers under "Related"', async () => (await relatedRows.count()) >= 1);
    const firstRelated = (await relatedRows.first().innerText()).split('\n')[0];
    // A click on a related paper opens it like any paper row (its note, or its catalog entry).
    await relatedRows.first().click();
    await waitFor('the related paper opened', async () => (await wb.page.locator('.tabs-container .tab.active').innerText()).length > 0);
    // The README's picture: the tree beside the note the researcher is writing.
    await wb.openFile('notes/gaussian-splatting.md');
    await wb.page.mouse.move(900, 600);
    await wb.page.screenshot({ path: join(projectRoot, 'docs', 'screenshots', 'papers-view.png') });

    // The hover of a citation ends with its related papers; "Show Related Papers" lists them too.
    await wb.openFile('notes/gaussian-splatting.md');
    await wb.hover('LangSplatV2', 'Related papers:');
    await wb.page.keyboard.press('Escape');
    await wb.cursorOn('notes/gaussian-splatting.md', '@LangSplatV2', 3);
    await wb.runCommand('LitNotes: Show Related Papers', 'Papers related to LangSplatV2');
    const picks = await wb.settledPickRows();
    assert.ok((await picks.count()) >= 1 && (await picks.count()) <= 3);
    assert.ok((await picks.allInnerTexts()).some((text) => text.includes(firstRelated)), `${firstRelated} in the quick pick`);
    await wb.page.keyboard.press('Escape');
  });

  scenario('papers-view-subtopics', async (wb) => {
    // A big library: 2,000 generated papers beside the demo's, topics derived from titles and
    // abstracts only (the generator gives a third of them keywords, which `both` would list first).
    mkdirSync(join(wb.folder, '.vscode'), { recursive: true });
    writeFileSync(join(wb.folder, '.vscode', 'settings.json'), JSON.stringify({ 'litnotes.topics.source': 'derived' }));
    const generated = writeCatalog(join(wb.folder, '..', `${basename(wb.folder)}-generated`), 2000, 0);
    cpSync(generated.bibPath, join(wb.folder, 'library.bib'));
    await wb.waitForPapers(demoPapers + generated.entries);
    const rows = await wb.showPapers();
    await untilTopicsComputed(rows);
    await widenSidebar(wb, 620);
    // The top level is an overview: tens of topics, none listing thousands of papers.
    const level = (n: number) => wb.page.locator(`.part.sidebar .monaco-list-row[aria-level="${n}"]`);
    const top = level(1);
    const topTexts = await top.allInnerTexts();
    assert.ok(topTexts.length >= 8 && topTexts.length <= 30, topTexts.join(' | '));
    // The biggest topic is too big to scan: it opens into subtopics, each a topic again; papers are at its leaves.
    const counts = topTexts.map((text) => Number(/(\d+)\s*$/.exec(text)?.[1] ?? 0));
    assert.ok(Math.max(...counts) > 60, topTexts.join(' | '));
    const big = top.nth(counts.indexOf(Math.max(...counts)));
    await big.locator('.monaco-tl-twistie').click();
    const subtopics = level(2);
    await waitFor('subtopics', async () => (await subtopics.count()) >= 2);
    assert.equal(await subtopics.locator('.codicon-book, .codicon-notebook').count(), 0, 'no paper directly under a topic with subtopics');
    assert.ok((await subtopics.locator('.codicon-lightbulb').count()) >= 2);
    const sub = subtopics.first();
    const subCount = Number(/(\d+)$/.exec((await sub.innerText()).trim())?.[1]);
    assert.ok(subCount > 0 && subCount <= 200, `a subtopic of ${subCount} papers`);
    await sub.locator('.monaco-tl-twistie').click();
    const papers = level(3);
    await waitFor('the subtopic\'s papers', async () => (await papers.count()) >= Math.min(subCount, 5));
    await wb.page.screenshot({ path: join(projectRoot, 'docs', 'screenshots', 'papers-view-subtopics.png') });
  });

  scenario('insert-citation', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.openFile('notes/gaussian-splatting.md');
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('More in', { delay: 20 });
    await wb.runCommand('LitNotes: Insert Citation', 'Insert Citation');
    // One change of the query, so one search, and its answer in place: a late answer would re-order
    // the rows between finding one and clicking it.
    await wb.page.locator('.quick-input-widget .quick-input-box input').fill('gaussian splatting');
    const rows = await wb.settledPickRows();
    // Tick two boxes of the multi-select pick; the count beside the input follows.
    const picked = ['LangSplatV2: High-dimensional', 'Feat2GS: Probing'];
    for (const [i, title] of picked.entries()) {
      // The label's hover tooltip of the row just ticked covers the next row: move it away first.
      await wb.page.mouse.move(5, 500);
      await wb.page.locator('.context-view .hover-contents').waitFor({ state: 'hidden' });
      // Two quick clicks on the list read as a double click: let the widget settle in between.
      await wb.page.waitForTimeout(600);
      await rows.filter({ hasText: title }).first().locator('.monaco-checkbox').click();
      await wb.page.locator('.quick-input-widget .quick-input-count', { hasText: `${i + 1} Selected` }).waitFor({ timeout: 10_000 });
    }
    await wb.page.screenshot({ path: join(results, 'insert-citation-pick.png') });
    // OK, as a mouse user accepts (Enter would toggle the focused checkbox instead).
    await wb.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    await waitFor('the citation in the editor', async () => (await wb.editorText()).includes('More in [@'));
    await wb.page.keyboard.press('Control+S');
    const saved = await fileWhen(join(wb.folder, 'notes/gaussian-splatting.md'), 'the saved note', (text) => text.includes('More in [@'));
    assert.equal(saved.split('\n').filter((line) => line.startsWith('More in')).join('\n'), 'More in [@LangSplatV2; @Feat2GS]');
  });

  scenario('catalog-change-on-disk', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.showPapers();
    // Another program (Zotero's auto-export, a git pull) changes the catalog behind the editor's back.
    appendFileSync(join(wb.folder, 'papers.bib'), '\n@misc{Hyperwombat2031,\n  title = {Hyperwombat: Splatting Marsupials at Scale},\n  abstract = {We splat wombats with cubic Gaussians.},\n}\n');
    await wb.waitForPapers(demoPapers + 1, 30_000);
    await wb.openFile('reading-list.md');
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('[@wombat', { delay: 20 });
    const items = await wb.suggestions(1, (labels) => labels[0] === 'Hyperwombat2031');
    assert.equal(items[0].label, 'Hyperwombat2031');
    await wb.page.keyboard.press('Escape');
    // The tree has it too: search it with the view's filter.
    await wb.showPapers();
    await wb.runCommand('LitNotes: Filter Papers', 'Filter Papers');
    await wb.page.keyboard.type('wombat');
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: 'Hyperwombat: Splatting Marsupials at Scale' }).waitFor({ timeout: 15_000 });
  });

  scenario('pdf-and-note-update', async (wb) => {
    // A paper with its PDF beside the catalog (Zotero's export writes it so), and its literature
    // note written a while ago: the venue has changed in the catalog since, and the user wrote
    // their own key points below the generated block.
    mkdirSync(join(wb.folder, 'pdfs'));
    const pdfPath = join(wb.folder, 'pdfs', 'Vaswani 2017 - Attention.pdf');
    writeFileSync(pdfPath, tinyPdf('Attention Is All You Need'));
    const entry = (venue: string) => `@inproceedings{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  booktitle = {${venue}},
  year = {2017},
  abstract = {The dominant sequence transduction models are based on complex recurrent or convolutional neural networks. We propose the Transformer, based solely on attention mechanisms.},
  file = {Full Text PDF:pdfs/Vaswani 2017 - Attention.pdf:application/pdf},
}
`;
    const paperOf = (venue: string) => parseBibtex(entry(venue), 'file:///attention.bib').papers[0];
    const old = renderNote(paperOf('NIPS'), undefined, '2024-05-01');
    const written = old.replace('## Key points\n\n- \n', '## Key points\n\n- Self-attention replaces recurrence: constant path length between positions.\n');
    writeFileSync(join(wb.folder, 'notes', 'vaswani2017.md'), written);
    writeFileSync(join(wb.folder, 'attention.bib'), entry('Advances in Neural Information Processing Systems'));
    await wb.waitForPapers(demoPapers + 1);

    // Update Literature Note: only the block changes, to what the catalog says now.
    await wb.openFile('notes/vaswani2017.md');
    await runExactCommand(wb, 'LitNotes: Update Literature Note');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'vaswani2017.md' }).waitFor({ timeout: 30_000 });
    await wb.runCommand('File: Save All');
    const updated = await fileWhen(join(wb.folder, 'notes', 'vaswani2017.md'), 'the updated note on disk', (text) => text.includes('*Advances in Neural Information Processing Systems*'));
    const begin = written.indexOf('<!-- litnotes:begin');
    const end = written.indexOf('<!-- litnotes:end -->');
    const fresh = renderNote(paperOf('Advances in Neural Information Processing Systems'), undefined, '2024-05-01');
    const freshBlock = fresh.slice(fresh.indexOf('<!-- litnotes:begin'), fresh.indexOf('<!-- litnotes:end -->'));
    assert.equal(updated, written.slice(0, begin) + freshBlock + written.slice(end));
    assert.match(updated, /- Self-attention replaces recurrence: constant path length between positions\./);
    await wb.page.locator('.editor-instance .view-lines').first().click();
    await wb.page.keyboard.press('Control+Home');
    await wb.page.screenshot({ path: join(results, 'note-updated.png') });

    // A block edited by hand is not overwritten silently: the difference opens, a dialog asks.
    const handEdited = updated.replace('attention mechanisms.', 'attention mechanisms. (My remark, typed into the block.)');
    writeFileSync(join(wb.folder, 'notes', 'vaswani2017.md'), handEdited);
    await waitFor('the editor to show the hand edit', async () => (await wb.editorText()).includes('My remark'));
    await runExactCommand(wb, 'LitNotes: Update Literature Note');
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'was edited by hand' });
    await dialog.waitFor({ timeout: 30_000 });
    await wb.page.locator('.monaco-diff-editor').first().waitFor();
    await wb.page.screenshot({ path: join(results, 'note-edited-diff.png') });
    await dialog.locator('.monaco-button', { hasText: 'Replace the Block' }).click();
    // Saved once the edit is in the editor (Save All before it saved the hand-edited text again).
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'vaswani2017.md' }).waitFor({ timeout: 30_000 });
    await wb.runCommand('File: Save All');
    assert.equal(await fileWhen(join(wb.folder, 'notes', 'vaswani2017.md'), 'the block replaced', (text) => !text.includes('My remark')), updated);
    await wb.runCommand('Notifications: Clear All Notifications');

    // The hover offers Open PDF; the command opens the fixture PDF (no PDF viewer extension here:
    // the system viewer), and the log says how it resolved.
    await wb.cursorOn('notes/vaswani2017.md', '@vaswani2017', 3);
    await wb.page.keyboard.press('Control+K');
    await wb.page.keyboard.press('Control+I');
    const hover = await wb.hoverContaining('Open PDF');
    assert.match(hover, /Attention Is All You Need/);
    await wb.page.screenshot({ path: join(results, 'open-pdf-hover.png') });
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('LitNotes: Open PDF');
    const line = await waitFor('Open PDF in the LitNotes log', async () => litnotesLog(trusted.userDataDir).split('\n').find((l) => l.includes('Open PDF vaswani2017:')), 30_000);
    assert.match(line, new RegExp(`Open PDF vaswani2017: with the system viewer ${pdfPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  scenario('server-killed', async (wb) => {
    await wb.waitForPapers(demoPapers);
    await wb.openFile('reading-list.md');
    const warnings = wb.page.locator('.editor-instance .squiggly-warning');
    await warnings.first().waitFor({ timeout: 30_000 });
    const rows = await wb.showPapers();
    await untilTopicsComputed(rows);
    const firstTopic = (await rows.first().innerText()).trim();
    const topicRow = rows.filter({ hasText: new RegExp(`^${firstTopic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*')}$`) });
    await topicRow.waitFor({ timeout: 30_000 });
    const problemsBefore = await wb.page.locator('#status\\.problems').innerText();

    // The server dies mid-work (out of memory, killed by the user): the client starts a new one.
    const killed = litnotesServerPids(trusted);
    assert.ok(killed.length > 0, 'no LitNotes server process found');
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const restarted = await waitFor('a new LitNotes server', async () => {
      const now = litnotesServerPids(trusted).filter((pid) => !killed.includes(pid));
      return now.length > 0 && now;
    }, 60_000);
    assert.equal(restarted.length, 1, 'one new server, not one per restart attempt');
    await wb.waitForPapers(demoPapers, 60_000);

    // Everything is back, once: the warning, the Problems count, the tree, hover and completion.
    await waitFor('the warning back', async () => (await warnings.count()) > 0);
    await waitFor('the same Problems count', async () => (await wb.page.locator('#status\\.problems').innerText()) === problemsBefore);
    await waitFor('the tree back, each topic once', async () => (await topicRow.count()) === 1);
    await wb.hover('Mistral-SPLADE', 'Mistral-SPLADE: LLMs for better Learned Sparse Retrieval');
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.editor-instance .view-lines').first().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('[@gauss', { delay: 20 });
    assert.deepEqual((await wb.suggestions(4, topFourAreGaussianSplatting)).slice(0, 4).map((item) => item.label).sort(), gaussianSplatting);
  });

  // The Zotero library, no catalog file: the demo's papers.bib removed, the source on for this folder.
  const zoteroWorkspace = (enabled: boolean) => (folder: string) => {
    rmSync(join(folder, 'papers.bib'));
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'litnotes.zotero.enabled': enabled }));
    appendFileSync(join(folder, 'reading-list.md'), '\nThe transformer: [@vaswaniAttentionAllYou2017].\n');
  };

  scenario('zotero-library', async (wb) => {
    const papers = zotero.itemCount;
    // No .bib here to activate LitNotes: a note does, as it does for a user.
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
    await wb.openFile('reading-list.md');
    await wb.waitForPapers(papers);
    // A paper only Zotero has: completion, then its hover with the abstract.
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('See [@vaswaniAtt', { delay: 20 });
    const items = await wb.suggestions(1, (labels) => labels[0] === 'vaswaniAttentionAllYou2017');
    assert.equal(items[0].label, 'vaswaniAttentionAllYou2017');
    await wb.page.keyboard.press('Escape');
    const hover = await wb.hover('vaswaniAttentionAllYou2017', 'Attention Is All You Need');
    assert.match(hover, /the Transformer, based solely on attention mechanisms/);
    await wb.page.keyboard.press('Escape');

    // Added in Zotero: there within seconds, no restart.
    zotero.add({ title: 'Splatting Wombats at Scale', creators: [{ firstName: 'W', lastName: 'Ombat' }], date: '2031', citekey: 'ombat2031wombats' });
    await wb.waitForPapers(papers + 1, 60_000);
    await wb.page.locator('.editor-instance .view-lines').first().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('[@ombat', { delay: 20 });
    assert.equal((await wb.suggestions(1, (labels) => labels[0] === 'ombat2031wombats'))[0].label, 'ombat2031wombats');
    await wb.page.keyboard.press('Escape');

    // Zotero closed: the status says so, the papers stay.
    await zotero.stop();
    try {
      await waitFor('"Zotero not reachable" in the status bar', async () => /\bZotero not reachable\b/.test(await wb.statusBarText()), 60_000);
      assert.match(await wb.statusBarText(), new RegExp(`\\b${papers + 1} papers\\b`));
      await wb.page.screenshot({ path: join(results, 'zotero-not-reachable.png') });
      const again = await wb.hover('vaswaniAttentionAllYou2017', 'Attention Is All You Need');
      assert.match(again, /based solely on attention mechanisms/);
    } finally {
      await zotero.restart();
    }
  }, () => trusted, zoteroWorkspace(true));

  scenario('zotero-welcome', async (wb) => {
    // No catalog, the source off, Zotero answering: the Papers view offers the library.
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
    await wb.page.locator('.activitybar .action-item a[aria-label^="LitNotes"]').click();
    const offer = wb.page.locator('.part.sidebar .welcome-view-content a, .part.sidebar .welcome-view-content .monaco-button', { hasText: 'Use My Zotero Library' });
    await offer.waitFor({ timeout: 60_000 });
    await wb.page.screenshot({ path: join(results, 'zotero-welcome-offer.png') });
    await offer.click();
    await wb.waitForPapers(zotero.itemCount, 60_000);
    // The workspace said off: the workspace says on now, the user's settings are untouched.
    const settings = await fileWhen(join(wb.folder, '.vscode', 'settings.json'), 'the workspace setting', (text) => text.includes('true'));
    assert.equal(JSON.parse(settings)['litnotes.zotero.enabled'], true);
  }, () => trusted, zoteroWorkspace(false));

  describe('Restricted Mode', () => {
    let untrusted: CodeServer;
    before(async () => {
      untrusted = await startCodeServer({ stateDir: join(runDir, 'untrusted'), vsix, workspaceTrust: true });
    });
    after(async () => {
      await untrusted?.stop();
    });

    scenario('restricted-mode', async (wb) => {
      // A folder opened for the first time: VS Code asks (desktop) or opens it in Restricted Mode
      // with a banner (code-server). Either way the user does not trust it.
      const decline = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" });
      const restricted = wb.page.locator('.statusbar', { hasText: 'Restricted Mode' });
      await waitFor('the trust dialog or Restricted Mode', async () => (await decline.isVisible()) || (await restricted.isVisible()), 60_000);
      if (await decline.isVisible()) await decline.click();
      await restricted.waitFor();
      await wb.waitForPapers(demoPapers);
      await wb.openFile('reading-list.md');
      await wb.hover('OneRec', 'OneRec: Unifying Retrieve and Rank with Generative Recommender');
      await wb.page.keyboard.press('Escape');
      await wb.page.locator('.editor-instance .view-lines').first().click();
      await wb.page.keyboard.press('Control+End');
      await wb.page.keyboard.press('Enter');
      await wb.page.keyboard.type('[@gauss', { delay: 20 });
      const items = await wb.suggestions(4, topFourAreGaussianSplatting);
      assert.deepEqual(items.slice(0, 4).map((item) => item.label).sort(), gaussianSplatting);
    }, () => untrusted);
  });
});

/** Runs the palette row whose label is exactly `title` (a fuzzy match could rank a longer title first). */
async function runExactCommand(wb: Workbench, title: string): Promise<void> {
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('F1');
  await wb.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
  await wb.page.keyboard.type(title);
  const row = wb.page.locator('.quick-input-widget .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await row.first().click();
}

/** A one-page PDF showing `title`, with a correct cross-reference table (any viewer opens it). */
function tinyPdf(title: string): string {
  const stream = `BT /F1 24 Tf 72 720 Td (${title}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  return pdf + `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
}

/** The LitNotes output channel's log files of the run, concatenated. */
function litnotesLog(userDataDir: string): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/LitNotes\.log$/.test(entry.name)) texts.push(readFileSync(path, 'utf8'));
    }
  };
  if (existsSync(join(userDataDir, 'logs'))) walk(join(userDataDir, 'logs'));
  return texts.join('\n');
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Waits until the Papers view no longer shows papers waiting under "Indexing topics…". */
async function untilTopicsComputed(rows: Locator): Promise<void> {
  await waitFor('topics computed', async () => (await rows.count()) > 0 && (await rows.filter({ hasText: 'Indexing topics' }).count()) === 0, 120_000);
}

/** Drags the sash between the sidebar and the editor to make the sidebar `width` pixels wide. */
async function widenSidebar(wb: Workbench, width: number): Promise<void> {
  const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
  if (!sidebar) return;
  const sash = { x: sidebar.x + sidebar.width, y: sidebar.y + sidebar.height / 2 };
  await wb.page.mouse.move(sash.x, sash.y);
  await wb.page.mouse.down();
  await wb.page.mouse.move(sidebar.x + width, sash.y, { steps: 8 });
  await wb.page.mouse.up();
}

/**
 * The row of a paper of the Papers view, its topic (and subtopic) opened as a user looks for it:
 * topic after topic, from the top, each closed again when the paper is not under it.
 */
async function openTopicHolding(wb: Workbench, title: string): Promise<Locator> {
  const row = (level: number) => wb.page.locator(`.part.sidebar .monaco-list-row[aria-level="${level}"]`);
  const paper = wb.page.locator('.part.sidebar .monaco-list-row', { hasText: title }).first();
  const search = async (level: number): Promise<boolean> => {
    if (await paper.isVisible()) return true;
    const count = await row(level).count();
    for (let position = 1; position <= count; position++) {
      const topic = row(level).and(wb.page.locator(`[aria-posinset="${position}"]`)).first();
      if ((await topic.count()) === 0 || (await topic.locator('.codicon-lightbulb').count()) === 0) continue;
      await topic.locator('.monaco-tl-twistie').click();
      await waitFor('the topic open', async () => (await topic.getAttribute('aria-expanded')) === 'true' && (await row(level + 1).count()) > 0);
      if ((await paper.isVisible()) || (await search(level + 1))) return true;
      await topic.locator('.monaco-tl-twistie').click();
      await waitFor('the topic closed', async () => (await topic.getAttribute('aria-expanded')) === 'false');
    }
    return false;
  };
  assert.ok(await search(1), `"${title}" under no topic`);
  return paper;
}


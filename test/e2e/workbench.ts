/**
 * What a user does in the VS Code workbench, in Playwright terms: open a file, put the cursor on a
 * word, run a command, read the status bar. Every wait polls the real UI; no fixed sleeps beyond
 * letting a widget settle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './codeServer';

export class Workbench {
  constructor(readonly page: Page, readonly folder: string) {}

  /** The workbench loaded and LitNotes' status item reports its index. */
  async waitForPapers(count: number, timeoutMs = 180_000): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
    await waitFor(`the status item "${count} papers"`, async () => new RegExp(`\\b${count} papers\\b`).test(await this.statusBarText()), timeoutMs);
  }

  statusBarText(): Promise<string> {
    return this.page.locator('.statusbar').innerText();
  }

  /**
   * Shows the LitNotes container's Papers view. Through the command palette, not the activity-bar
   * icon: the icon toggles, and the view also shows itself once in a new folder (a click landing
   * just after that closed the side bar).
   */
  async showPapers(): Promise<Locator> {
    const sidebar = this.page.locator('.part.sidebar');
    const title = sidebar.locator('.composite.title', { hasText: /LitNotes|Papers/i });
    if (!(await title.isVisible().catch(() => false))) await this.runCommand('View: Show LitNotes');
    await title.waitFor({ timeout: 15_000 });
    const rows = sidebar.locator('.monaco-list-row');
    await rows.first().waitFor({ timeout: 30_000 });
    return rows;
  }

  /** Quick Open (Ctrl+P) by workspace-relative path, then wait until its editor is active. */
  async openFile(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop() ?? relativePath;
    // On a loaded machine Quick Open can take Enter before its list has the file, and it also lists
    // files the earlier scenarios opened: when its Enter leaves the file inactive, a tab it already
    // has is clicked, as a user would, else the whole step is tried again.
    for (let attempt = 1; ; attempt++) {
      await waitFor(`quick open for ${relativePath}`, async () => {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+P');
        await this.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 3000 });
        return true;
      });
      await this.page.keyboard.type(relativePath);
      await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10_000 });
      await this.page.keyboard.press('Enter');
      try {
        await this.activeTab(name, attempt < 3 ? 15_000 : 60_000);
        return;
      } catch (e) {
        const tab = this.page.locator('.tabs-container .tab', { hasText: name });
        if ((await tab.count()) === 1) {
          await this.page.keyboard.press('Escape');
          await tab.click();
          await this.activeTab(name);
          return;
        }
        if (attempt >= 3) throw e;
      }
    }
  }

  /** Waits until the active editor tab is `name`. */
  async activeTab(name: string, timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: timeoutMs });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /** The visible lines of the active editor, as the user reads them. */
  async editorText(): Promise<string> {
    const text = await this.page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
    return text.replace(/\u00a0/g, ' ');
  }

  /** Go to Line (Ctrl+G) with 1-based line and column, the way the status bar counts. */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await this.page.keyboard.type(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await waitFor(`the cursor at ${line}:${column}`, async () => (await this.cursor()) === `Ln ${line}, Col ${column}`);
  }

  /** Puts the cursor `offset` characters into the first `needle` of the open file `relativePath` (as on disk). */
  async cursorOn(relativePath: string, needle: string, offset = 1): Promise<void> {
    const { line, column } = positionOf(readFileSync(join(this.folder, relativePath), 'utf8'), needle, offset);
    await this.goTo(line, column);
  }

  /** "Ln 12, Col 5" from the status bar. */
  async cursor(): Promise<string> {
    return (await this.page.locator('#status\\.editor\\.selection').innerText()).trim();
  }

  /** A word in the active editor, for the mouse. */
  word(text: string): Locator {
    return this.page.locator('.editor-instance .monaco-editor .view-lines').first().getByText(text, { exact: true }).first();
  }

  /** F1, the command's title as the palette shows it, Enter; then the quick input titled `asks` when given. */
  async runCommand(title: string, asks?: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
    await this.page.keyboard.type(title);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
    if (asks) await this.page.locator('.quick-input-widget .quick-input-title', { hasText: asks }).waitFor({ timeout: 30_000 });
  }

  /** The quick input's rows once its search has settled: the same rows twice, 400 ms apart. */
  async settledPickRows(): Promise<Locator> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    let last = '';
    await waitFor('the quick pick to settle', async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const now = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).join('\n');
      const settled = now !== '' && now === last;
      last = now;
      return settled;
    });
    return rows;
  }

  /**
   * The rows of the suggest widget once it shows at least `min` of them: the label (a key), the
   * text right after it (`labelDetails.detail`: "Author et al. Year · Title"), the text on the right
   * and the letters of the label the editor highlights.
   * The widget first shows the list of an earlier keystroke, filtered by VS Code, until the
   * server's answer for the whole prefix arrives. Two equal reads in a row are enough when that
   * answer is quick; `until` says what the final list must look like, for assertions that
   * would otherwise read a stale list on a busy machine. On timeout the error shows the last list.
   */
  async suggestions(min: number, until?: (labels: string[]) => boolean): Promise<SuggestionRow[]> {
    let previous = '';
    let lastLabels: string[] = [];
    try {
      return await waitFor(`${min} completion items, ${until ? 'as expected' : 'settled'}`, async () => {
        const rows = this.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
        // One read of every row at once: the widget re-renders its rows as answers come, and a row
        // read one call at a time can be gone before the next call.
        const items = await rows.evaluateAll((elements) =>
          elements.map((row) => ({
            // The list recycles its row elements: the DOM order is not the order on screen.
            index: Number(row.getAttribute('data-index')),
            label: row.querySelector('.label-name')?.textContent ?? '',
            detail: (row.querySelector('.signature-label')?.textContent ?? '').trim(),
            details: row.querySelector('.details-label')?.textContent ?? '',
            highlighted: [...row.querySelectorAll('.label-name .highlight')].map((h) => h.textContent ?? '').join(''),
          })),
        );
        if (items.length < min) return undefined;
        items.sort((a, b) => a.index - b.index);
        lastLabels = items.map((item) => item.label);
        if (until && !until(lastLabels)) return undefined;
        // An incomplete list is asked again at each keystroke: read it until two reads agree.
        const seen = JSON.stringify(items);
        if (seen !== previous) {
          previous = seen;
          return undefined;
        }
        return items.map(({ label, detail, details, highlighted }) => ({ label, detail, details, highlighted }));
      });
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; last seen: ${lastLabels.join(', ')}`);
    }
  }

  /** The text of the visible hover once it contains `expected`. */
  async hoverContaining(expected: string, timeoutMs = 20_000): Promise<string> {
    return waitFor(`a hover with "${expected}"`, async () => {
      const text = (await this.page.locator('.monaco-hover-content').allInnerTexts()).join('\n');
      return text.includes(expected) ? text : undefined;
    }, timeoutMs);
  }

  /** Moves the mouse over a word until its hover shows `expected` (hovers can be dismissed by the first move). */
  async hover(word: string, expected: string): Promise<string> {
    const target = this.word(word);
    return waitFor(`the hover of ${word}`, async () => {
      const box = await target.boundingBox();
      if (!box) return undefined;
      await this.page.mouse.move(box.x + 2, box.y + box.height / 2);
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
      return this.hoverContaining(expected, 4000);
    }, 30_000);
  }
}

export interface SuggestionRow {
  label: string;
  /** Right after the label, dimmed (`labelDetails.detail`), trimmed. */
  detail: string;
  /** On the right (`labelDetails.description`, or `detail` on the focused row of a plain item). */
  details: string;
  /** The letters of the label shown highlighted as matching what was typed. */
  highlighted: string;
}

/** 1-based line and column of `offset` characters into the first `needle` in `text`. */
export function positionOf(text: string, needle: string, offset = 0): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" is not in the file`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

/** Reads a workspace file until `check` accepts it: saving reaches the disk a moment after the keypress. */
export function fileWhen(path: string, what: string, check: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  return waitFor(what, async () => {
    const text = readFileSync(path, 'utf8');
    return check(text) ? text : undefined;
  }, timeoutMs);
}

// Neovim (Debian's, 0.7 or later) as a second LSP client: the bundled server, started the way the
// README tells Neovim users (`node dist/server.js --stdio`, no initialization options), on a temp
// copy of the demo workspace. neovim.lua drives it headless and writes what it got as JSON.
// Needs `npm run build` first (dist/server.js).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const server = join(root, 'dist', 'server.js');

interface CompletionItem {
  label: string;
  textEdit?: { newText: string };
}
interface NeovimResult {
  completion?: CompletionItem[];
  hover?: { contents: { kind: string; value: string } | string };
  error?: string;
}

function neovimVersion(): [number, number] | undefined {
  const run = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  const match = /NVIM v(\d+)\.(\d+)/.exec(run.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function hoverText(hover: NeovimResult['hover']): string {
  if (!hover) return '';
  return typeof hover.contents === 'string' ? hover.contents : hover.contents.value;
}

describe('Neovim as an LSP client', () => {
  let workspace: string;
  let result: NeovimResult;

  before(() => {
    const version = neovimVersion();
    assert.ok(version, 'nvim is not installed: bash scripts/setup-system.sh');
    assert.ok(version[0] > 0 || version[1] >= 7, `Neovim ${version.join('.')} is older than 0.7`);
    assert.ok(existsSync(server), 'dist/server.js is missing: npm run build');

    workspace = mkdtempSync(join(tmpdir(), 'litnotes-nvim-'));
    cpSync(join(root, 'examples', 'demo'), workspace, { recursive: true });
    const note = join(workspace, 'notes', 'probe.md');
    writeFileSync(note, 'See [@gauss\n\nHover [@Feat2GS].\n');
    const out = join(workspace, 'result.json');
    const run = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${join(import.meta.dirname, 'neovim.lua')}`], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, LITNOTES_NODE: process.execPath, LITNOTES_SERVER: server, LITNOTES_ROOT: workspace, LITNOTES_NOTE: note, LITNOTES_OUT: out },
    });
    assert.ok(existsSync(out), `Neovim wrote no result (exit ${run.status}, signal ${run.signal}):\n${run.stderr}`);
    result = JSON.parse(readFileSync(out, 'utf8')) as NeovimResult;
    assert.equal(result.error, undefined);
  });

  after(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('completion for [@gauss lists the Gaussian-splatting papers first', () => {
    const labels = (result.completion ?? []).map((item) => item.label);
    assert.deepEqual(labels.slice(0, 4).sort(), ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W']);
    // The edit replaces the typed `@gauss` with the key, so accepting inserts `[@Feat2GS`, not `[@@Feat2GS`.
    assert.equal(result.completion?.[0]?.textEdit?.newText, `@${labels[0]}`);
  });

  test('hover on a citation shows the title and the abstract', () => {
    const text = hoverText(result.hover);
    assert.match(text, /Feat2GS: Probing Visual Foundation Models with Gaussian Splatting/);
    assert.match(text, /Given that visual foundation models \(VFMs\) are trained on extensive datasets/);
  });
});

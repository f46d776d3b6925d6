/**
 * `[@` with nothing typed, the server's own work, in two checkouts of LitNotes in turns (A B A B):
 * the figure of a change without the LSP round trip and the machine's scheduling (wall and CPU time).
 *   node --max-old-space-size=8000 --import tsx test/bench/emptyCitationAB.ts --size 100k --a <checkout> --b <checkout>
 * Each checkout's own WorkspaceModel reads the bench catalog and notes (`npm run bench:data`); then
 * 200 times a citation is added to a note and `[@` is completed on the line after it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDataDir } from './generate';
import { percentile, round } from './stats';

interface Checkout {
  name: string;
  model: { setCatalog(uri: string, text: string): unknown; setNote(uri: string, text: string, editedAt?: number): unknown };
  complete(text: string, position: { line: number; character: number }): unknown;
  wall: number[];
  cpu: number[];
}

function arg(name: string, fallback?: string): string {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? process.argv[at + 1] : fallback;
  if (value === undefined) throw new Error(`${name} is missing`);
  return value;
}

async function load(name: string, dir: string, catalogUri: string, bib: string, notes: readonly (readonly [string, string])[]): Promise<Checkout> {
  const module = (path: string) => import(pathToFileURL(join(resolve(dir), path)).href);
  const { WorkspaceModel } = await module('server/src/service/workspaceModel.ts');
  const { provideCompletion } = await module('server/src/features/completion.ts');
  const { defaultSettings } = await module('server/src/service/settings.ts');
  const started = performance.now();
  const model = new WorkspaceModel();
  model.setCatalog(catalogUri, bib);
  for (const [uri, text] of notes) model.setNote(uri, text);
  console.log(`${name}: ${dir} read in ${Math.round(performance.now() - started)} ms`);
  // What VS Code's client asks for; a checkout from before these options takes the object as `lazyDocumentation`.
  const client = { lazyDocumentation: true, labelDetails: true, editStartsAtCursor: true };
  return { name, model, complete: (text, position) => provideCompletion(model, text, position, defaultSettings, client), wall: [], cpu: [] };
}

async function main(): Promise<void> {
  const root = benchDataDir(arg('--size', '10k'));
  const bib = readFileSync(join(root, 'catalog.bib'), 'utf8');
  const notes = readdirSync(join(root, 'notes')).map((name) => [pathToFileURL(join(root, 'notes', name)).href, readFileSync(join(root, 'notes', name), 'utf8')] as const);
  const keys = [...bib.matchAll(/^@\w+\{([^,\s]+),/gm)].map((m) => m[1]);
  const catalogUri = pathToFileURL(join(root, 'catalog.bib')).href;
  const a = await load('A', arg('--a'), catalogUri, bib, notes);
  const b = await load('B', arg('--b'), catalogUri, bib, notes);

  const noteUri = pathToFileURL(join(root, 'bench-empty-ab.md')).href;
  let cited = '';
  for (let i = 0; i < 200; i++) {
    cited += `Cited [@${keys[(i * 7919) % keys.length]}].\n`;
    const text = `${cited}\nSee [@`;
    for (const checkout of i % 2 ? [b, a] : [a, b]) {
      checkout.model.setNote(noteUri, text, Date.now());
      const cpu = process.cpuUsage();
      const started = performance.now();
      checkout.complete(text, { line: i + 2, character: 6 });
      checkout.wall.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      checkout.cpu.push((used.user + used.system) / 1000);
    }
  }
  for (const { name, wall, cpu } of [a, b]) {
    console.log(`${name}: wall p50 ${round(percentile(wall, 50))} ms, p99 ${round(percentile(wall, 99))} ms; CPU p50 ${round(percentile(cpu, 50))} ms, p99 ${round(percentile(cpu, 99))} ms (${wall.length} requests)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

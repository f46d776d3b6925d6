/**
 * The Zotero library at scale: `npm run bench:zotero [-- --items 20000] [--json]` (build first;
 * run under `flock /tmp/litnotes-bench.lock`). A stand-in of Zotero 7 + Better BibTeX with a
 * generated library, the built server over stdio with the Zotero source on and no catalog file:
 *
 * - cold start (no cache): the first completion that offers a Zotero paper, the whole library read,
 *   the longest a completion waited meanwhile (requests one after the other, 20 ms apart);
 * - idle: what polling costs Zotero and the server while nothing changes (requests, bytes, CPU);
 * - an edit in Zotero: until the hover shows it, and what reading it cost (requests, bytes, CPU);
 * - warm start: the first completion from the cache, Zotero answering, and with Zotero closed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspSession } from './lspSession';
import { round } from './stats';
import { formatTable, type Row } from './targets';
import { ZoteroStandIn } from '../zotero/standIn';

const argv = process.argv.slice(2);
const itemsArg = argv.indexOf('--items');
const ITEMS = itemsArg >= 0 ? Number(argv[itemsArg + 1]) : 20_000;
const JSON_OUT = argv.includes('--json');
const IDLE_MS = 30_000;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits until the server uses less than 30 ms of CPU in 3 s (at most 2 minutes). */
async function settle(session: LspSession): Promise<void> {
  const deadline = performance.now() + 120_000;
  for (let before = session.cpuMs(); performance.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const now = session.cpuMs();
    if (now - before < 30) return;
    before = now;
  }
}

function workspace(): { root: string; note: string } {
  const root = mkdtempSync(join(tmpdir(), 'litnotes-bench-zotero-'));
  mkdirSync(join(root, 'notes'));
  writeFileSync(join(root, 'notes', 'draft.md'), '# Draft\n\n');
  return { root, note: join(root, 'notes', 'draft.md') };
}

async function main(): Promise<void> {
  const generated = performance.now();
  const zotero = await ZoteroStandIn.start({ generate: ITEMS });
  // The first item added: on the first page the server reads (oldest first).
  const probeKey = zotero.citekeyOf(zotero.keys()[0])!;
  const generateMs = performance.now() - generated;
  const { root } = workspace();
  const cacheHome = mkdtempSync(join(tmpdir(), 'litnotes-bench-zotero-cache-'));
  process.env.XDG_CACHE_HOME = cacheHome; // the server's cache goes here, not to ~/.cache
  const settings = { zotero: { enabled: true, url: zotero.url } };
  const rows: Row[] = [];
  const figures: Record<string, number | undefined> = {};
  const note = `file://${join(root, 'notes', 'draft.md')}`;
  const text = `See [@${probeKey.slice(0, Math.min(probeKey.length, 12))}\n`;
  const at = { line: 0, character: text.indexOf('\n') };

  // ---- cold start -------------------------------------------------------------------------
  let session = new LspSession({ root, settings });
  await session.initialize();
  await session.open(note, text);
  let longest = 0;
  let firstCompletion: number | undefined;
  const coldFrom = zotero.requests.length;
  await until('the whole library', async () => {
    const { keys, ms } = await session.complete(note, at);
    // While the library is read: from the first page on (before it the server is starting up).
    if (firstCompletion !== undefined) longest = Math.max(longest, ms);
    if (firstCompletion === undefined && keys.length > 0) firstCompletion = session.now();
    const status = session.lastStatus?.zotero;
    return status?.state === 'live' && status.papers === ITEMS;
  }, 600_000, 20);
  const liveAt = session.now();
  const cold = zotero.requests.slice(coldFrom);
  rows.push(
    { label: `first completion from Zotero (cold, ${ITEMS.toLocaleString('en-US')} items)`, value: firstCompletion, unit: 'ms', target: { op: '≤', limit: 5000 } },
    { label: 'whole library read (cold)', value: liveAt, unit: 'ms', note: `${cold.length} requests, ${round(cold.reduce((s, r) => s + r.bytes, 0) / 2 ** 20)} MB` },
    { label: 'longest completion wait while the library is read', value: longest, unit: 'ms', target: { op: '≤', limit: 250 } },
  );
  figures.firstCompletionColdMs = firstCompletion;
  figures.libraryReadMs = liveAt;
  figures.longestCompletionMs = longest;

  // ---- idle ---------------------------------------------------------------------------------
  // After the read the server still works a while (topics of the new papers, the cache): idle starts when that is done.
  await settle(session);
  const idleFrom = zotero.requests.length;
  const idleCpu = session.cpuMs();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = zotero.requests.slice(idleFrom);
  const idleCpuMs = session.cpuMs() - idleCpu;
  const perMinute = (n: number) => (n * 60_000) / IDLE_MS;
  // The same server idle without the Zotero source: what polling adds.
  const baseline = new LspSession({ root, settings: { zotero: { enabled: false, url: zotero.url } } });
  await baseline.initialize();
  await baseline.ready();
  await settle(baseline);
  const baselineCpu = baseline.cpuMs();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const baselineCpuMs = baseline.cpuMs() - baselineCpu;
  await baseline.close();
  rows.push(
    { label: 'idle: requests to Zotero per minute', value: perMinute(idle.length), unit: '', note: `${idle.filter((r) => r.status === 304).length} of ${idle.length} answered 304` },
    { label: 'idle: bytes from Zotero per minute', value: perMinute(idle.reduce((s, r) => s + r.bytes, 0)) / 1024, unit: '', target: { op: '≤', limit: 64 }, note: 'kB' },
    { label: 'idle: server CPU per minute', value: perMinute(idleCpuMs), unit: 'ms', target: { op: '≤', limit: 1000 }, note: `without the Zotero source: ${round(perMinute(baselineCpuMs))} ms` },
  );
  figures.idleRequestsPerMinute = perMinute(idle.length);
  figures.idleServerCpuMsPerMinute = perMinute(idleCpuMs);

  // ---- an edit in Zotero -----------------------------------------------------------------------
  const edited = zotero.keys()[Math.floor(ITEMS / 2)];
  const editedKey = zotero.citekeyOf(edited)!;
  const hoverText = `Read [@${editedKey}].\n`;
  const hoverNote = `file://${join(root, 'notes', 'hover.md')}`;
  await session.open(hoverNote, hoverText);
  const updateFrom = zotero.requests.length;
  const updateCpu = session.cpuMs();
  const updateMainCpu = session.mainThreadCpuMs();
  const editedAt = performance.now();
  zotero.edit(edited, { title: 'Edited in Zotero a moment ago' });
  await until('the edit in the hover', async () => (await session.hover(hoverNote, { line: 0, character: 8 })).text?.includes('Edited in Zotero a moment ago'), 60_000, 50);
  const visibleMs = performance.now() - editedAt;
  // The update is done once its requests are: wait for the next 304.
  await until('the next quiet poll', async () => zotero.requests.slice(updateFrom).some((r, i, all) => r.status === 304 && i > 0 && all.slice(0, i).some((x) => x.status === 200)), 30_000, 100);
  const update = zotero.requests.slice(updateFrom).filter((r) => r.status !== 304);
  // All the work the edit started, the topic worker's re-run included: until the server is quiet again.
  await settle(session);
  const updateCpuMs = session.cpuMs() - updateCpu;
  const updateMainCpuMs = session.mainThreadCpuMs() - updateMainCpu;
  rows.push(
    { label: 'an edit in Zotero, until the hover shows it', value: visibleMs, unit: 'ms', target: { op: '≤', limit: 10_000 }, note: 'polls every 5 s' },
    { label: 'the edit: requests to Zotero', value: update.length, unit: '', note: update.map((r) => r.path.replace(/^\/api\/users\/0\/items\/top\?/, '').slice(0, 40)).join(' | ') },
    { label: 'the edit: bytes from Zotero', value: update.reduce((s, r) => s + r.bytes, 0) / 1024, unit: '', target: { op: '≤', limit: 2048 }, note: `kB (the whole library: ${round(cold.reduce((s, r) => s + r.bytes, 0) / 1024)} kB)` },
    { label: 'the edit: server CPU, main thread', value: updateMainCpuMs, unit: 'ms', target: { op: '≤', limit: 500 }, note: 'the read of the change, its indexing, diagnostics' },
    { label: 'the edit: server CPU, all threads', value: updateCpuMs, unit: 'ms', note: 'with the topic worker, which runs the model again over the whole library' },
  );
  figures.editVisibleMs = visibleMs;
  figures.editBytes = update.reduce((s, r) => s + r.bytes, 0);
  figures.editServerCpuMs = updateCpuMs;
  figures.editMainThreadCpuMs = updateMainCpuMs;
  const memory = session.memory();
  rows.push({ label: 'server memory (RSS, peak)', value: memory.peakMB, unit: 'MB', note: `now ${round(memory.rssMB)} MB` });
  await session.close();

  // ---- warm starts ----------------------------------------------------------------------------
  const warmKey = zotero.citekeyOf(zotero.keys()[Math.floor(ITEMS * 0.7)])!;
  const warmText = `See [@${warmKey}\n`;
  const warmNote = `file://${join(root, 'notes', 'warm.md')}`;
  const warmAt = { line: 0, character: warmText.indexOf('\n') };
  for (const zoteroRunning of [true, false]) {
    if (!zoteroRunning) await zotero.stop();
    session = new LspSession({ root, settings });
    await session.initialize();
    await session.open(warmNote, warmText);
    // A paper from the middle of the library: not one the first piece happens to hold.
    const first = await until('a completion from the cache', async () => ((await session.complete(warmNote, warmAt)).keys.includes(warmKey) ? session.now() : undefined), 120_000, 20);
    rows.push({ label: `first completion, warm start (Zotero ${zoteroRunning ? 'running' : 'closed'})`, value: first, unit: 'ms', target: { op: '≤', limit: 2000 } });
    figures[zoteroRunning ? 'firstCompletionWarmMs' : 'firstCompletionOfflineMs'] = first;
    await session.close();
  }

  console.log(formatTable(`Zotero library, ${ITEMS.toLocaleString('en-US')} items (stand-in generated in ${round(generateMs)} ms)`, rows));
  if (JSON_OUT) console.log(JSON.stringify({ items: ITEMS, ...figures }));
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheHome, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

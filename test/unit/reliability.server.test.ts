/**
 * The real server process (`node dist/server.js --stdio`, as any LSP client starts it) under the
 * conditions of a real notes folder: 10,000+ files with node_modules, .git, a files.exclude pattern,
 * symlinks (a loop, one to outside, one to inside) and a binary .md; a catalog rewritten on disk in
 * two halves with a pause (Zotero's auto-export); ten thousand completion and hover requests in a
 * burst while the catalog is rewritten, some cancelled; and restarts on the same workspace.
 * Waits on real readiness, never on fixed sleeps; the figures it measures are printed as test
 * diagnostics (`# ...` lines) for the README.
 *
 * Short by default (CI: 2,000 files, 2,000 requests); `LITNOTES_LONG_TESTS=1` uses 20,000 files and
 * 10,000 requests.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

const LONG = process.env.LITNOTES_LONG_TESTS === '1';
const FILES = LONG ? 20_000 : 2000;
const REQUESTS = LONG ? 10_000 : 2000;

const serverPath = join(import.meta.dirname, '../../dist/server.js');
const demo = join(import.meta.dirname, '../../examples/demo');
const demoCatalog = readFileSync(join(demo, 'papers.bib'), 'utf8');

interface Server {
  process: ChildProcess;
  connection: ProtocolConnection;
  logs: string[];
  messages: string[];
}

interface IndexStatus {
  state: string;
  papers: number;
  notes: number;
  problems: number;
}

interface CompletionList {
  items: { label: string }[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function start(folder: string): Server {
  // The catalog cache goes beside the test's folder, not to the user's ~/.cache.
  const child = spawn(process.execPath, [serverPath, '--stdio'], { cwd: folder, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: `${folder}-cache` } });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const server: Server = { process: child, connection, logs: [], messages: [] };
  connection.onNotification('window/logMessage', (params: { message: string }) => void server.logs.push(params.message));
  connection.onNotification('window/showMessage', (params: { message: string }) => void server.messages.push(params.message));
  connection.listen();
  return server;
}

async function initialize(server: Server, folder: string): Promise<void> {
  await server.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(folder).href,
    capabilities: {},
    // All papers in one completion list, and a files.exclude pattern as VS Code sends it.
    initializationOptions: { settings: { completion: { maxItems: 1000 } }, filesExclude: { '**/drafts/**': true, '**/*.tmp.md': false } },
  });
  await server.connection.sendNotification('initialized', {});
}

async function status(server: Server): Promise<IndexStatus> {
  return (await server.connection.sendRequest('litnotes/indexStatus')) as IndexStatus;
}

/** Polls the cheap `litnotes/indexStatus` request until ready; the slowest answer is the server's responsiveness. */
async function untilReady(server: Server): Promise<{ status: IndexStatus; maxLatency: number; indexing: number; answered: number }> {
  const started = performance.now();
  let maxLatency = 0;
  let answered = 0;
  for (;;) {
    const sent = performance.now();
    const current = await status(server);
    maxLatency = Math.max(maxLatency, performance.now() - sent);
    answered++;
    if (current.state === 'ready') return { status: current, maxLatency, indexing: performance.now() - started, answered };
    if (performance.now() - started > 120_000) throw new Error('the server never became ready');
    await pause(5);
  }
}

async function stop(server: Server): Promise<number | null> {
  await server.connection.sendRequest('shutdown');
  const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
  await server.connection.sendNotification('exit');
  const code = await exited;
  server.connection.dispose();
  return code;
}

/** Resident memory of a process, from /proc (Linux). */
function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

/**
 * The workspace: the demo (64 papers, 4 notes), FILES generated notes in 100 folders, and what must
 * not be indexed: node_modules, .git, drafts/ (files.exclude), a symlink loop, a symlink to a folder
 * outside, a symlink to a folder inside (indexed once, not twice). Plus a binary file named .md.
 */
function makeWorkspace(): { folder: string; outside: string; expectedNotes: number } {
  const folder = mkdtempSync(join(tmpdir(), 'litnotes-reliability-'));
  const outside = mkdtempSync(join(tmpdir(), 'litnotes-outside-'));
  cpSync(demo, folder, { recursive: true });
  for (let d = 0; d < 100; d++) {
    const dir = join(folder, 'notes/generated', `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES / 100; f++) writeFileSync(join(dir, `n${f}.md`), `# Note ${d}-${f}\n\nOn [@Feat2GS; @ADen, p. ${f}] and @unknown${f % 7}.\n`);
  }
  for (const hidden of ['node_modules/pkg', '.git/objects', 'drafts', 'notes/drafts']) {
    mkdirSync(join(folder, hidden), { recursive: true });
    writeFileSync(join(folder, hidden, 'hidden.bib'), '@misc{hiddenPaper, title = {Must not be indexed}}\n');
    writeFileSync(join(folder, hidden, 'hidden.md'), 'Cites [@hiddenPaper].\n');
  }
  writeFileSync(join(outside, 'outside.bib'), '@misc{outsidePaper, title = {Outside the workspace}}\n');
  writeFileSync(join(outside, 'outside.md'), 'Outside.\n');
  symlinkSync(folder, join(folder, 'loop'));
  symlinkSync(outside, join(folder, 'outside-link'));
  symlinkSync(join(folder, 'notes/generated/d0'), join(folder, 'inside-link'));
  writeFileSync(join(folder, 'notes/scan.pdf.md'), Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))]));
  return { folder, outside, expectedNotes: 4 + FILES + 1 };
}

describe(`the server process on a ${FILES.toLocaleString('en')}-file workspace`, () => {
  let folder: string;
  let outside: string;
  let expectedNotes: number;
  let server: Server;
  let firstIndex: { status: IndexStatus; maxLatency: number; indexing: number; answered: number };
  const noteUri = () => pathToFileURL(join(folder, 'notes/reading.md')).href;

  before(async () => {
    ({ folder, outside, expectedNotes } = makeWorkspace());
    server = start(folder);
    await initialize(server, folder);
    firstIndex = await untilReady(server);
    // An open note to complete in: `[@` at the end, nothing typed yet, so every paper is offered.
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: noteUri(), languageId: 'markdown', version: 1, text: 'See [@Feat2GS].\n[@' } });
  });

  after(async () => {
    if (server.process.exitCode === null) await stop(server);
    rmSync(folder, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  async function completionCount(): Promise<number> {
    const list = (await server.connection.sendRequest('textDocument/completion', { textDocument: { uri: noteUri() }, position: { line: 1, character: 2 } })) as CompletionList;
    return list.items.length;
  }

  test('indexes only what it should, and answers while it indexes', (t) => {
    const { status: ready, maxLatency, indexing, answered } = firstIndex;
    assert.deepEqual({ papers: ready.papers, notes: ready.notes, problems: ready.problems }, { papers: 64, notes: expectedNotes, problems: 0 });
    assert.ok(!server.logs.some((l) => /hidden|outside/i.test(l)), server.logs.join('\n'));
    t.diagnostic(`indexed ${ready.notes} notes and ${ready.papers} papers in ${Math.round(indexing)} ms; ${answered} status requests answered meanwhile, slowest ${Math.round(maxLatency)} ms`);
    // Responsive: no answer waited for a large part of the indexing (it yields between files).
    assert.ok(answered >= 3, `only ${answered} answers during indexing`);
    assert.ok(maxLatency < Math.max(indexing / 3, 200), `a status request waited ${Math.round(maxLatency)} ms of ${Math.round(indexing)} ms of indexing`);
  });

  test('the binary .md is a note with no citations; excluded and linked-out papers are unknown', async () => {
    const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: noteUri() }, position: { line: 0, character: 7 } });
    assert.ok(hover, 'hover works next to the binary note');
    const symbols = (await server.connection.sendRequest('workspace/symbol', { query: 'hiddenPaper' })) as unknown[];
    assert.deepEqual(symbols, []);
    const outsideSymbols = (await server.connection.sendRequest('workspace/symbol', { query: 'outsidePaper' })) as unknown[];
    assert.deepEqual(outsideSymbols, []);
  });

  test('the catalog rewritten in two halves with a pause: all 64 papers during and after, said once', async (t) => {
    const path = join(folder, 'papers.bib');
    const logsBefore = server.logs.length;
    const fd = openSync(path, 'w'); // truncates: for a moment the file is empty
    writeSync(fd, demoCatalog.slice(0, demoCatalog.length / 2));
    fsyncSync(fd);
    await until(() => server.logs.slice(logsBefore).some((l) => l.includes('keeping')), 'the half file to be read');
    const during = await completionCount();
    const statusDuring = await status(server);
    writeSync(fd, demoCatalog.slice(demoCatalog.length / 2));
    closeSync(fd);
    await until(async () => (await status(server)).problems === 0, 'the whole file to be read');
    const afterCount = await completionCount();
    const lines = server.logs.slice(logsBefore);
    t.diagnostic(lines.join(' | '));
    assert.equal(during, 64);
    assert.equal(statusDuring.papers, 64);
    assert.ok(statusDuring.problems > 0, 'the half file is reported while it is broken');
    assert.equal(afterCount, 64);
    assert.equal(lines.filter((l) => l.includes('keeping')).length, 1, lines.join('\n'));
    assert.deepEqual(server.messages, [], 'no pop-ups for a file that is being written');
  });

  test(`${REQUESTS.toLocaleString('en')} completion and hover requests in a burst while the catalog is rewritten, every tenth cancelled, three times: each answered or cancelled, memory back to its level`, { timeout: 600_000 }, async (t) => {
    const pid = server.process.pid!;
    const rssBefore = rssMegabytes(pid);
    const path = join(folder, 'papers.bib');

    const burst = async () => {
      const started = performance.now();
      const requests: Promise<{ value?: unknown; error?: unknown }>[] = [];
      const cancelled = new Set<number>();
      let rewrites = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const source = new CancellationTokenSource();
        const params = { textDocument: { uri: noteUri() }, position: i % 2 === 0 ? { line: 1, character: 2 } : { line: 0, character: 7 } };
        // Settled into a value at once: a cancelled request's rejection is expected, not unhandled.
        requests.push(server.connection.sendRequest(i % 2 === 0 ? 'textDocument/completion' : 'textDocument/hover', params, source.token).then((value) => ({ value }), (error: unknown) => ({ error })));
        if (i % 10 === 0) {
          source.cancel();
          cancelled.add(i);
        }
        // Zotero rewrites the catalog meanwhile, in two halves.
        if (i % (REQUESTS / 4) === 0) {
          writeFileSync(path, demoCatalog.slice(0, demoCatalog.length / 2));
          rewrites++;
        } else if (i % (REQUESTS / 4) === REQUESTS / 8) writeFileSync(path, demoCatalog);
        if (i % 500 === 0) await pause(1); // let the writes and the watcher through
      }
      const settled = await Promise.all(requests);
      const elapsed = performance.now() - started;
      let answered = 0;
      let cancelledAnswers = 0;
      for (const [i, result] of settled.entries()) {
        if (!('error' in result)) {
          answered++;
          const value = result.value as CompletionList | { contents: { value: string } } | null;
          if (i % 2 === 0) assert.equal((value as CompletionList).items.length, 64, `completion ${i} during the rewrites`);
          else assert.match((value as { contents: { value: string } }).contents.value, /^\*\*Feat2GS: Probing/, `hover ${i}`);
        } else {
          // The only error a request may end with is the cancellation it asked for.
          assert.ok(cancelled.has(i), `request ${i} failed without being cancelled: ${String(result.error)}`);
          assert.equal((result.error as { code?: number }).code, -32800, String(result.error));
          cancelledAnswers++;
        }
      }
      assert.equal(answered + cancelledAnswers, REQUESTS);
      writeFileSync(path, demoCatalog);
      await until(async () => (await status(server)).problems === 0, 'the catalog to read cleanly');
      const rssPeak = rssMegabytes(pid);
      // V8 gives memory back on its own schedule: let it, with a few quiet requests.
      for (let i = 0; i < 30; i++) {
        await completionCount();
        await pause(100);
      }
      return { elapsed, answered, cancelledAnswers, rewrites, rssPeak, rssSettled: rssMegabytes(pid) };
    };

    // RSS after a burst says little alone (V8 keeps the pages it grew to for the next burst, and
    // may take two bursts to find its size); a leak shows as growth from burst to burst after that.
    const runs = [await burst(), await burst(), await burst()];
    for (const [n, run] of runs.entries()) {
      t.diagnostic(`burst ${n + 1}: ${REQUESTS} requests (${run.rewrites} rewrites) in ${Math.round(run.elapsed)} ms, ${run.answered} answered, ${run.cancelledAnswers} cancelled; RSS ${Math.round(run.rssPeak)} MB at its end, ${Math.round(run.rssSettled)} MB settled`);
    }
    t.diagnostic(`RSS ${Math.round(rssBefore)} MB before the bursts`);
    const [, second, third] = runs;
    assert.ok(third.rssSettled <= second.rssSettled * 1.15 + 32, `RSS grew from ${Math.round(second.rssSettled)} MB after the second burst to ${Math.round(third.rssSettled)} MB after the third: a leak`);
    assert.equal((await status(server)).papers, 64);
  });

  test('restarted twice on the same workspace: the same index each time, clean exits, no growth', { timeout: 300_000 }, async (t) => {
    const reference = await status(server);
    const completion = await completionCount();
    assert.equal(await stop(server), 0);
    const figures: string[] = [];
    for (let run = 0; run < 2; run++) {
      server = start(folder);
      await initialize(server, folder);
      const { indexing } = await untilReady(server);
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: noteUri(), languageId: 'markdown', version: 1, text: 'See [@Feat2GS].\n[@' } });
      const again = await status(server);
      assert.deepEqual({ papers: again.papers, notes: again.notes, problems: again.problems }, { papers: reference.papers, notes: reference.notes, problems: reference.problems });
      assert.equal(await completionCount(), completion);
      figures.push(`run ${run + 2}: ${Math.round(indexing)} ms to index, RSS ${Math.round(rssMegabytes(server.process.pid!))} MB`);
      if (run === 0) assert.equal(await stop(server), 0);
    }
    t.diagnostic(figures.join('; '));
  });
});

/**
 * The built server as any LSP client meets it: `node dist/server.js --stdio`, no initialization
 * options, no client capabilities, a workspace folder (a temp copy of examples/demo). Waits on real
 * readiness (`litnotes/indexStatus` says ready), never on a fixed sleep. `npm test` builds first.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

const serverPath = join(import.meta.dirname, '../../dist/server.js');
const demo = join(import.meta.dirname, '../../examples/demo');

describe('server over stdio, no initialization options', () => {
  let folder: string;
  let server: ChildProcess;
  let connection: ProtocolConnection;
  const logs: string[] = [];
  const diagnostics = new Map<string, { code: string; message: string; range: unknown }[]>();
  const papersChanged: { keys?: string[]; notes?: string[]; topics?: boolean }[] = [];
  /** Waits until a litnotes/papersChanged lists `key`. */
  const changedKey = async (key: string) => {
    const deadline = Date.now() + 10_000;
    while (!papersChanged.some((c) => c.keys?.includes(key)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return papersChanged.some((c) => c.keys?.includes(key));
  };

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'litnotes-stdio-'));
    cpSync(demo, folder, { recursive: true });
    // What discovery must skip: a symlink loop, node_modules, a JSON file that is not a CSL list.
    symlinkSync(folder, join(folder, 'loop'));
    mkdirSync(join(folder, 'node_modules/pkg'), { recursive: true });
    writeFileSync(join(folder, 'node_modules/pkg/refs.bib'), '@misc{hidden, title = {Hidden}}\n');
    writeFileSync(join(folder, 'node_modules/pkg/README.md'), '# not a note\n');
    writeFileSync(join(folder, 'package.json'), '{ "name": "not-a-catalog", "type": "module" }\n');
    // The catalog cache goes to a folder of this test, not the user's ~/.cache.
    const cacheHome = mkdtempSync(join(tmpdir(), 'litnotes-stdio-cache-'));
    server = spawn(process.execPath, [serverPath, '--stdio'], { cwd: folder, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
    connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      logs.push(params.message);
    });
    connection.onNotification('litnotes/papersChanged', (change: { keys?: string[] }) => {
      papersChanged.push(change);
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: { code: string; message: string; range: unknown }[] }) => {
      diagnostics.set(params.uri, params.diagnostics);
    });
    connection.listen();
    const result = await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: {} });
    assert.equal((result as { serverInfo: { name: string } }).serverInfo.name, 'litnotes');
    await connection.sendNotification('initialized', {});
    await waitUntilReady(connection);
  });

  after(async () => {
    await connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
    connection.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  test('indexes the demo catalog and notes and logs per catalog file', async () => {
    const status = (await connection.sendRequest('litnotes/indexStatus')) as { state: string; papers: number; notes: number; problems: number };
    assert.deepEqual({ state: status.state, papers: status.papers, notes: status.notes, problems: status.problems }, { state: 'ready', papers: 64, notes: 4, problems: 0 });
    assert.ok(logs.some((line) => /^papers\.bib: read 64 entries \(0 problems\) in \d+ ms\.$/.test(line)), logs.join('\n'));
  });

  test('publishes the unknown key of a closed note once indexing is done', async () => {
    const uri = pathToFileURL(join(folder, 'reading-list.md')).href;
    const deadline = Date.now() + 10_000;
    while (!diagnostics.has(uri) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(diagnostics.get(uri), [
      {
        range: { start: { line: 6, character: 34 }, end: { line: 6, character: 46 } },
        severity: 2,
        code: 'citation.unknown-key',
        source: 'litnotes',
        message: "Unknown citation key 'SeerAtention': no paper in the catalogs has it. Did you mean 'SeerAttention'?",
      },
    ]);
    assert.equal([...diagnostics.keys()].length, 1, [...diagnostics.keys()].join(', '));
  });

  test('a catalog rewritten on disk is read again (no client watching: fs.watch)', async () => {
    appendFileSync(join(folder, 'papers.bib'), '\n@misc{addedLater, title = {Added Later on Disk}}\n');
    const deadline = Date.now() + 10_000;
    let papers = 0;
    while (Date.now() < deadline) {
      papers = ((await connection.sendRequest('litnotes/indexStatus')) as { papers: number }).papers;
      if (papers === 65) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(papers, 65);
    assert.ok(await changedKey('addedLater'), JSON.stringify(papersChanged));
  });

  test('completion at [@gauss gives the Gaussian-splatting papers first', async () => {
    const uri = pathToFileURL(join(folder, 'notes/gaussian-splatting.md')).href;
    const text = readFileSync(join(folder, 'notes/gaussian-splatting.md'), 'utf8') + '\nAlso [@gauss\n';
    const line = text.split('\n').length - 2;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    const list = (await connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line, character: 'Also [@gauss'.length },
    })) as { isIncomplete: boolean; items: { label: string; textEdit: { newText: string; range: unknown } }[] };
    assert.equal(list.isIncomplete, true);
    assert.deepEqual(list.items.slice(0, 4).map((i) => i.label).sort(), ['Feat2GS', 'LM-Gaussian', 'LangSplatV2', 'SparseGS-W']);
    assert.deepEqual(list.items[0].textEdit.range, { start: { line, character: 6 }, end: { line, character: 12 } });
  });

  test('hover on a citation shows the title and the abstract', async () => {
    const uri = pathToFileURL(join(folder, 'notes/Feat2GS.md')).href;
    const text = readFileSync(join(folder, 'notes/Feat2GS.md'), 'utf8');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('@Feat2GS'));
    assert.ok(line >= 0, 'the demo note cites @Feat2GS');
    const hover = (await connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character: lines[line].indexOf('@Feat2GS') + 2 },
    })) as { contents: { kind: string; value: string } };
    assert.equal(hover.contents.kind, 'markdown');
    assert.ok(hover.contents.value.startsWith('**Feat2GS: Probing Visual Foundation Models with Gaussian Splatting**\n\n'), hover.contents.value);
    assert.ok(hover.contents.value.includes('how well do they understand the 3D world?'), hover.contents.value);
  });

  test('the Papers view as any client asks for it: topics computed off the main thread, each paper once at the top level, related papers', async () => {
    type Topics = { topics: { id: string; label: string; count: number; subtopics?: number }[]; totalPapers: number; computing?: boolean };
    let answer = (await connection.sendRequest('litnotes/topics', {})) as Topics;
    const deadline = Date.now() + 20_000;
    while (answer.computing && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = (await connection.sendRequest('litnotes/topics', {})) as Topics;
    }
    assert.equal(answer.computing, undefined, 'topics computed');
    assert.ok(logs.some((line) => /^Topics: \d+ topics of \d+ papers in \d+ ms \(topic worker\)\.$/.test(line)), logs.join('\n'));
    assert.ok(answer.topics.length >= 5, answer.topics.map((t) => t.label).join(', '));
    const keys: string[] = [];
    for (const topic of answer.topics) {
      const papers = (await connection.sendRequest('litnotes/topicPapers', { topicId: topic.id })) as { key: string }[];
      assert.equal(papers.length, topic.count, topic.label);
      keys.push(...papers.map((p) => p.key));
    }
    assert.equal(keys.length, answer.totalPapers);
    assert.equal(new Set(keys).size, answer.totalPapers);
    const related = (await connection.sendRequest('litnotes/relatedPapers', { key: 'Feat2GS' })) as { key: string; title?: string }[];
    assert.ok(Array.isArray(related) && related.length <= 3 && related.every((p) => p.key !== 'Feat2GS' && typeof p.title === 'string'), JSON.stringify(related));
  });

  test('a key gone from the catalog on disk is reported in the closed note that cites it, once indexing is done', async () => {
    const uri = pathToFileURL(join(folder, 'notes/sparse-attention.md')).href;
    assert.equal(diagnostics.get(uri)?.length ?? 0, 0, 'no problem before');
    const catalog = join(folder, 'papers.bib');
    writeFileSync(catalog, readFileSync(catalog, 'utf8').replace(/@misc\{MoA,[\s\S]*?\n\}\n/, ''));
    const deadline = Date.now() + 10_000;
    while (!diagnostics.get(uri)?.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(diagnostics.get(uri)?.map((d) => [d.code, d.message.split(':')[0]]), [['citation.unknown-key', "Unknown citation key 'MoA'"]]);
    assert.ok(await changedKey('MoA'), JSON.stringify(papersChanged));
  });

  test('a title edited in the open catalog: papersChanged lists that paper alone', async () => {
    const catalog = join(folder, 'papers.bib');
    const uri = pathToFileURL(catalog).href;
    const text = readFileSync(catalog, 'utf8');
    const match = /@\w+\{(\w+),[^@]*?title\s*=\s*\{/.exec(text)!;
    const key = match[1];
    // The earlier tests' writes on disk may still be coming in (fs.watch sees a write in pieces): wait for a quiet spell.
    for (let seen = -1; seen !== papersChanged.length; ) {
      seen = papersChanged.length;
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    papersChanged.length = 0;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'bibtex', version: 1, text } });
    const at = match.index + match[0].length;
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text.slice(0, at) + 'Renamed: ' + text.slice(at) }] });
    assert.ok(await changedKey(key), JSON.stringify(papersChanged));
    assert.deepEqual(papersChanged.filter((c) => c.keys?.length).map((c) => c.keys), [[key]]);
    await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });
});

async function waitUntilReady(connection: ProtocolConnection): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await connection.sendRequest('litnotes/indexStatus')) as { state: string };
    if (status.state === 'ready') return;
    if (Date.now() > deadline) throw new Error('the server never became ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

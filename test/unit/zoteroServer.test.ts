/**
 * The built server with the Zotero library and no catalog file, as any LSP client meets it:
 * `node dist/server.js --stdio`, the two settings in the initialization options, a stand-in of
 * Zotero 7 + Better BibTeX on 127.0.0.1. Completion, hover, definition (into Zotero), diagnostics;
 * an item added in Zotero appears; Zotero closed keeps the papers and says so; the next start has
 * them from the cache; the picker inserts what the user picked. Waits on real readiness, polling.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { IndexStatus } from '../../common/protocol';
import { ZoteroStandIn } from '../zotero/standIn';

const serverPath = join(import.meta.dirname, '../../dist/server.js');

interface Server {
  process: ChildProcess;
  connection: ProtocolConnection;
  logs: string[];
  diagnostics: Map<string, { code: string; message: string }[]>;
  /** Every diagnostic ever published, in order. */
  published: { uri: string; message: string }[];
}

async function startServer(folder: string, cacheHome: string, settings: unknown): Promise<Server> {
  const child = spawn(process.execPath, [serverPath, '--stdio'], { cwd: folder, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const server: Server = { process: child, connection, logs: [], diagnostics: new Map(), published: [] };
  connection.onNotification('window/logMessage', (params: { message: string }) => {
    server.logs.push(params.message);
  });
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: { code: string; message: string }[] }) => {
    server.diagnostics.set(params.uri, params.diagnostics);
    for (const d of params.diagnostics) server.published.push({ uri: params.uri, message: d.message });
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: {}, initializationOptions: { settings } });
  await connection.sendNotification('initialized', {});
  return server;
}

async function stopServer(server: Server): Promise<void> {
  await server.connection.sendRequest('shutdown');
  const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
  await server.connection.sendNotification('exit');
  assert.equal(await exited, 0);
  server.connection.dispose();
}

async function status(server: Server): Promise<IndexStatus> {
  return (await server.connection.sendRequest('litnotes/indexStatus')) as IndexStatus;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('server with the Zotero library and no catalog file', () => {
  let folder: string;
  let cacheHome: string;
  let zotero: ZoteroStandIn;
  let server: Server;
  let vaswaniItem: string;
  const noteUri = () => pathToFileURL(join(folder, 'notes/reading.md')).href;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'litnotes-zotero-'));
    cacheHome = mkdtempSync(join(tmpdir(), 'litnotes-zotero-cache-'));
    mkdirSync(join(folder, 'notes'));
    writeFileSync(join(folder, 'notes/reading.md'), '# Reading\n\nTransformers [@vaswaniAttentionAllYou2017] and [@nobodyKnowsThis2020].\n');
    zotero = await ZoteroStandIn.start({ generate: 300 });
    vaswaniItem = zotero.add({
      title: 'Attention Is All You Need',
      creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }, { firstName: 'Noam', lastName: 'Shazeer' }],
      date: '2017-06-12',
      abstractNote: 'The dominant sequence transduction models are based on complex recurrent or convolutional neural networks. We propose the **Transformer**.',
      publicationTitle: 'NeurIPS',
      tags: ['transformers'],
    });
    // The second page comes late: for a while the library is there, but not all of it.
    const undo = zotero.fault({ path: /format=json&sort=dateAdded&direction=asc&start=100&/, fault: { kind: 'delay', ms: 1500 }, times: 1 });
    server = await startServer(folder, cacheHome, { zotero: { enabled: true, url: zotero.url } });
    // Open while the library comes in: an open note is checked at every change of the catalogs.
    const draft = pathToFileURL(join(folder, 'notes/open.md')).href;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: draft, languageId: 'markdown', version: 1, text: 'Open: [@vaswaniAttentionAllYou2017].\n' } });
    await until('the library', async () => {
      const s = await status(server);
      return s.state === 'ready' && s.zotero?.state === 'live' && s.zotero;
    });
    undo();
  });

  after(async () => {
    await stopServer(server);
    await zotero.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  });

  test('the status: the papers of the library, live, keys from Better BibTeX', async () => {
    const s = await status(server);
    assert.equal(s.papers, 301);
    assert.deepEqual(s.catalogs, [{ uri: 'zotero:library', papers: 301, problems: 0 }]);
    assert.equal(s.zotero!.message, '301 papers from your Zotero library, live (citation keys from Better BibTeX 7.0.29).');
    assert.ok(server.logs.some((line) => /^Zotero: read 301 papers \(301 items\) in \d+ ms, keys from Better BibTeX 7\.0\.29\.$/.test(line)), server.logs.join('\n'));
  });

  test('completion of a Zotero paper, hover with its abstract (escaped), definition into Zotero', async () => {
    const uri = noteUri();
    const text = 'See [@vaswaniAtt\n';
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(join(folder, 'notes/draft.md')).href, languageId: 'markdown', version: 1, text } });
    const list = (await server.connection.sendRequest('textDocument/completion', { textDocument: { uri: pathToFileURL(join(folder, 'notes/draft.md')).href }, position: { line: 0, character: 16 } })) as { items: { label: string }[] };
    assert.equal(list.items[0].label, 'vaswaniAttentionAllYou2017');

    const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 20 } })) as { contents: { value: string } };
    assert.ok(hover.contents.value.startsWith('**Attention Is All You Need**\n\nAshish Vaswani, Noam Shazeer · 2017 · *NeurIPS*'), hover.contents.value);
    assert.ok(hover.contents.value.includes('We propose the \\*\\*Transformer\\*\\*.'), hover.contents.value);

    const definition = await server.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 2, character: 20 } });
    assert.deepEqual(definition, [{ uri: `zotero://select/library/items/${vaswaniItem}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
  });

  test('an unknown key in a closed note is reported; the Zotero key is not; no diagnostics for the library', async () => {
    const diagnostics = await until('diagnostics', async () => server.diagnostics.get(noteUri()));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.message.split(':')[0]]), [['citation.unknown-key', "Unknown citation key 'nobodyKnowsThis2020'"]]);
    assert.ok(![...server.diagnostics.keys()].some((uri) => uri.startsWith('zotero')));
    // Not even while the library was coming in: no warning to take back.
    assert.deepEqual(server.published.filter((d) => d.message.includes('vaswaniAttentionAllYou2017')), []);
  });

  test('an item added in Zotero appears without a restart; its citation stops being unknown', async () => {
    const polls = zotero.requests.length;
    zotero.add({ key: 'NEWITEM2', title: 'Nobody Knows This', creators: [{ firstName: 'No', lastName: 'Body' }], date: '2020', citekey: 'nobodyKnowsThis2020' });
    await until('the new paper', async () => (await status(server)).papers === 302);
    await until('the diagnostic gone', async () => server.diagnostics.get(noteUri())?.length === 0);
    // Polls answered 304 while nothing changed; the change read its items, not the library.
    const read = zotero.requestsTo(/format=json/, polls);
    assert.ok(read.every((r) => !/start=/.test(r.path) || /sort=dateModified/.test(r.path)), read.map((r) => r.path).join('\n'));
  });

  test('Zotero closed: the papers stay, the status says so; back: live again', async () => {
    await zotero.stop();
    const offline = await until('unreachable', async () => {
      const s = await status(server);
      return s.zotero?.state === 'unreachable' && s;
    });
    assert.equal(offline.papers, 302);
    assert.match(offline.zotero!.message, /^Zotero not reachable — papers from the last sync \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\. Nothing answers at http:\/\/127\.0\.0\.1:\d+: Zotero is not running there\. Start Zotero \(7 or later\) with its local API on: Settings → Advanced → “Allow other applications on this computer to communicate with Zotero”\.$/);
    const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: noteUri() }, position: { line: 2, character: 20 } })) as { contents: { value: string } };
    assert.ok(hover.contents.value.startsWith('**Attention Is All You Need**'));
    assert.equal(server.logs.filter((line) => line.startsWith('Zotero: Zotero not reachable')).length, 1, 'said once, not at every retry');

    await zotero.restart();
    await until('live again', async () => (await status(server)).zotero?.state === 'live', 60_000);
  });

  test("the local API off: the status says how to turn it on", async () => {
    zotero.setLocalApi(false);
    try {
      const s = await until('local API off', async () => {
        const current = await status(server);
        return current.zotero?.state === 'localApiOff' && current;
      });
      assert.match(s.zotero!.message, /^Zotero's local API is off — papers from the last sync .*\. Turn it on in Zotero: Settings → Advanced → “Allow other applications on this computer to communicate with Zotero”\.$/);
      assert.equal(s.papers, 302);
    } finally {
      zotero.setLocalApi(true);
    }
    await until('live again', async () => (await status(server)).zotero?.state === 'live', 60_000);
  });

  test('Cite from Zotero: the picker answers with the Pandoc citation picked', async () => {
    const answer = server.connection.sendRequest('litnotes/zoteroCite');
    await zotero.waitForPicker();
    zotero.pick(['vaswaniAttentionAllYou2017', 'nobodyKnowsThis2020']);
    assert.deepEqual(await answer, { text: '[@vaswaniAttentionAllYou2017; @nobodyKnowsThis2020]' });
  });

  test('a new start without Zotero has every paper from the cache', async () => {
    await stopServer(server);
    await zotero.stop();
    server = await startServer(folder, cacheHome, { zotero: { enabled: true, url: zotero.url } });
    const s = await until('papers from the cache', async () => {
      const current = await status(server);
      return current.zotero?.state === 'unreachable' && current;
    });
    assert.equal(s.papers, 302);
    const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: noteUri() }, position: { line: 2, character: 20 } })) as { contents: { value: string } };
    assert.ok(hover.contents.value.includes('We propose the'), hover.contents.value);
    assert.ok(server.logs.some((line) => /^Zotero: 302 papers from the last sync/.test(line)), server.logs.join('\n'));
    await zotero.restart();
  });
});

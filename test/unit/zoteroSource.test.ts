/**
 * The Zotero source in-process, against the stand-in, with short polls: Zotero 7 without sync
 * (edits without versions), no Better BibTeX (keys from the items) and Better BibTeX coming later,
 * bad answers during a read (nothing lost, the read finishes later), deletions, a big library read
 * in pages while the model answers searches.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { ZoteroStatus } from '../../common/protocol';
import { ZOTERO_CATALOG_URI } from '../../server/src/catalog/zotero';
import { WorkspaceFeeder } from '../../server/src/node/workspaceFeeder';
import { ZoteroSource } from '../../server/src/node/zotero/zoteroSource';
import { defaultSettings } from '../../server/src/service/settings';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { ZoteroStandIn } from '../zotero/standIn';

interface Setup {
  model: WorkspaceModel;
  source: ZoteroSource;
  logs: string[];
  statuses: ZoteroStatus[];
  cacheDir: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(url: string, options: { pollMs?: number; timeoutMs?: number; cacheDir?: string } = {}): Setup {
  const model = new WorkspaceModel();
  const logs: string[] = [];
  const statuses: ZoteroStatus[] = [];
  const feeder = new WorkspaceFeeder(model, { log: (m) => logs.push(m), error: (m) => logs.push(m), openText: () => undefined, catalogChanged: () => undefined, noteChanged: () => undefined }, defaultSettings);
  const cacheDir = options.cacheDir ?? mkdtempSync(join(tmpdir(), 'litnotes-zotero-source-'));
  const source = new ZoteroSource(
    {
      log: (message) => logs.push(message),
      apply: (edits, changedKeys, papers) => feeder.applySourceEdits(ZOTERO_CATALOG_URI, edits, changedKeys, papers),
      remove: () => feeder.removeSourceCatalog(ZOTERO_CATALOG_URI),
      provisional: (papers) => feeder.addSourceProvisional(ZOTERO_CATALOG_URI, papers),
      status: (status) => statuses.push(status),
    },
    { cacheDir, server: 'test', pollMs: options.pollMs ?? 40, maxRetryMs: 80, timeoutMs: options.timeoutMs ?? 2000, fingerprintEvery: 2 },
  );
  source.configure({ enabled: true, url });
  cleanups.push(() => {
    source.dispose();
    feeder.dispose();
  });
  if (!options.cacheDir) cleanups.push(() => rmSync(cacheDir, { recursive: true, force: true }));
  return { model, source, logs, statuses, cacheDir };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function standIn(options: Parameters<typeof ZoteroStandIn.start>[0]): Promise<ZoteroStandIn> {
  const zotero = await ZoteroStandIn.start(options);
  cleanups.push(() => zotero.stop());
  return zotero;
}

describe('Zotero source', () => {
  test('Zotero 7 without sync: no versions, yet an edit, an addition and a deletion come through', async () => {
    const zotero = await standIn({ versioning: 'unsynced', generate: 30 });
    const { model, source } = setup(zotero.url);
    await until('live', () => source.status.state === 'live');
    assert.equal(model.paperCount, 30);
    const [edited, removed] = zotero.keys();
    zotero.edit(edited, { title: 'Edited Without Sync' });
    const added = zotero.add({ title: 'Added Without Sync', creators: [{ lastName: 'New' }], date: '2024', citekey: 'newAdded2024' });
    zotero.remove(removed);
    await until('the changes', () => model.paper('newAdded2024') && !model.paper(zotero.citekeyOf(removed)!) && model.paper(zotero.citekeyOf(edited)!)?.title === 'Edited Without Sync');
    assert.equal(model.paperCount, 30);
    assert.equal(model.paper('newAdded2024')!.zoteroKey, added);
  });

  test('a synced edit reads that item, not the library; a deletion reads the list of keys once', async () => {
    const zotero = await standIn({ generate: 200 });
    const { model, source } = setup(zotero.url);
    await until('live', () => source.status.state === 'live');
    const [edited, removed] = zotero.keys();
    let from = zotero.requests.length;
    zotero.edit(edited, { title: 'Edited and synced' });
    await until('the edit', () => model.paper(zotero.citekeyOf(edited)!)?.title === 'Edited and synced');
    const afterEdit = zotero.requests.slice(from).filter((r) => r.status === 200).map((r) => r.path.replace('/api/users/0/items/top?', ''));
    assert.ok(!afterEdit.some((path) => path.startsWith('format=versions') && !path.includes('since=')), afterEdit.join('\n'));
    assert.ok(afterEdit.some((path) => path.includes(`itemKey=${edited}&`)), afterEdit.join('\n'));

    from = zotero.requests.length;
    zotero.remove(removed);
    await until('the deletion', () => model.paperCount === 199);
    const afterDelete = zotero.requests.slice(from).map((r) => r.path.replace('/api/users/0/items/top?', ''));
    assert.equal(afterDelete.filter((path) => path === 'format=versions').length, 1, afterDelete.join('\n'));
  });

  test('without Better BibTeX: keys from the Citation Key field, Extra, else made like its default', async () => {
    const zotero = await standIn({ betterBibtex: 'absent' });
    zotero.add({ title: 'From The Field', creators: [{ lastName: 'Field' }], date: '2021', citationKeyField: 'fieldKey2021' });
    zotero.add({ title: 'Pinned In Extra', creators: [{ lastName: 'Extra' }], date: '2022', extra: 'Citation Key: extraKey2022' });
    zotero.add({ title: 'Nothing At All', creators: [{ lastName: 'Made' }], date: '2023' });
    zotero.add({ title: 'Nothing At All', creators: [{ lastName: 'Made' }], date: '2023' });
    const { model, source } = setup(zotero.url);
    await until('live', () => source.status.state === 'live');
    assert.deepEqual(model.keys(), ['extraKey2022', 'fieldKey2021', 'madeNothingAll2023', 'madeNothingAll2023a']);
    assert.match(source.status.message, /^4 papers from your Zotero library, live \(citation keys from Zotero’s Citation Key field \(or Extra\), else made like Better BibTeX’s default; install Better BibTeX for its keys\)\.$/);
  });

  test('Better BibTeX starting (its calls wait): keys from the items first, its keys once it is ready', async () => {
    const zotero = await standIn({ betterBibtex: 'starting' });
    zotero.add({ title: 'Nothing At All', creators: [{ lastName: 'Made' }], date: '2023', citekey: 'made2023nothing' });
    const { model, source } = setup(zotero.url, { timeoutMs: 300 });
    await until('live', () => source.status.state === 'live', 20_000);
    assert.deepEqual(model.keys(), ['madeNothingAll2023']);
    zotero.setBetterBibtex('ready');
    await until("Better BibTeX's key", () => model.paper('made2023nothing'));
    assert.equal(model.paper('madeNothingAll2023'), undefined);
    assert.equal(source.status.betterBibtex, '7.0.29');
  });

  test('malformed JSON in the middle of the first read: the pages read stay, the read finishes later', async () => {
    const zotero = await standIn({ generate: 250 });
    const undo = zotero.fault({ path: /start=100/, fault: { kind: 'malformed' }, times: 1 });
    const { model, source, logs, statuses } = setup(zotero.url);
    await until('live', () => source.status.state === 'live');
    undo();
    assert.equal(model.paperCount, 250);
    const failure = statuses.find((s) => s.state === 'error');
    assert.ok(failure, statuses.map((s) => s.state).join(' '));
    assert.equal(failure.papers, 100);
    assert.match(failure.message, /^Zotero \(items\) sent something that is not JSON .* — papers from the last sync/);
    assert.equal(logs.filter((l) => l.includes('not JSON')).length, 1);
  });

  test('a JSON-RPC error for the keys: the keys from the items for that read, said once in the log', async () => {
    const zotero = await standIn({});
    zotero.add({ title: 'Pinned In Extra', creators: [{ lastName: 'Extra' }], date: '2022', extra: 'Citation Key: extraKey2022', citekey: 'bbtKey2022' });
    zotero.fault({ path: /json-rpc/, rpcMethod: 'item.citationkey', fault: { kind: 'rpc-error', code: -32603, message: 'Error: database is locked' }, times: 1 });
    const { model, source, logs } = setup(zotero.url);
    await until('live', () => source.status.state === 'live');
    assert.ok(logs.includes('Zotero: Better BibTeX could not do item.citationkey: Error: database is locked (JSON-RPC error -32603); keys from the items until Better BibTeX answers again.'), logs.join('\n'));
    await until("Better BibTeX's key once it answers", () => model.paper('bbtKey2022'));
  });

  test('a hanging Zotero: a timeout, said in the status; the papers stay', async () => {
    const zotero = await standIn({ generate: 5 });
    const { model, source } = setup(zotero.url, { timeoutMs: 200 });
    await until('live', () => source.status.state === 'live');
    zotero.fault({ path: /api/, fault: { kind: 'hang' } });
    zotero.edit(zotero.keys()[0], { title: 'Changed while hanging' });
    const status = await until('error', () => source.status.state === 'error' && source.status);
    assert.match(status.message, /^Zotero did not answer \/api\/users\/0\/items\/top within 0\.2 s\. — papers from the last sync/);
    assert.equal(model.paperCount, 5);
  });

  test('turned off: the papers leave; on again: from the cache at once', async () => {
    const zotero = await standIn({ generate: 12 });
    const { model, source, cacheDir } = setup(zotero.url);
    await until('live', () => source.status.state === 'live');
    await source.flush();
    source.configure({ enabled: false, url: zotero.url });
    assert.equal(model.paperCount, 0);
    assert.equal(source.status.state, 'off');
    await zotero.stop();
    source.configure({ enabled: true, url: zotero.url });
    await until('cached papers', () => model.paperCount === 12);
    assert.equal((await until('unreachable', () => source.status.state === 'unreachable' && source.status)).papers, 12);
    assert.ok(cacheDir);
  });

  test('an edit after the library is cached adds one short line to the cache; a start from it shows the edit', async () => {
    const zotero = await standIn({ generate: 300 });
    const first = setup(zotero.url);
    await until('live', () => first.source.status.state === 'live');
    await first.source.flush();
    const file = readdirSync(first.cacheDir).find((name) => name.startsWith('zotero-'))!;
    const library = readFileSync(join(first.cacheDir, file));
    const [edited] = zotero.keys();
    zotero.edit(edited, { title: 'Edited After The Cache' });
    await until('the edit', () => first.model.paper(zotero.citekeyOf(edited)!)?.title === 'Edited After The Cache');
    await first.source.flush();
    const after = readFileSync(join(first.cacheDir, file));
    assert.ok(after.subarray(0, library.length).equals(library), 'the library as written before, byte for byte');
    const added = after.subarray(library.length).toString('utf8');
    assert.equal(added.split('\n').length, 2, added);
    assert.match(added, /Edited After The Cache/);
    first.source.dispose();

    await zotero.stop();
    const second = setup(zotero.url, { cacheDir: first.cacheDir });
    await until('cached papers', () => second.model.paperCount === 300);
    assert.equal(second.model.paper(zotero.citekeyOf(edited)!)?.title, 'Edited After The Cache');
  });

  test('a library of 1,500 items: read in 15 pages, searchable while it comes', async () => {
    const zotero = await standIn({ generate: 1500 });
    const { model, source, statuses } = setup(zotero.url);
    const seen = new Set<number>();
    while (source.status.state !== 'live') {
      seen.add(model.paperCount);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(model.paperCount, 1500);
    assert.ok([...seen].some((n) => n > 0 && n < 1500), 'papers were there before the whole library was read');
    assert.ok(statuses.some((s) => s.state === 'reading' && /^Reading your Zotero library: \d+ of 1500 items…$/.test(s.message)));
    assert.equal(zotero.requestsTo(/format=json&sort=dateAdded/).length, 15);
  });
});

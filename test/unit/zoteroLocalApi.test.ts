/**
 * The local API client against the stand-in of Zotero 7: pages, versions and 304s, items by key,
 * recent edits without a sync, children, and every way Zotero can fail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZoteroError } from '../../server/src/node/zotero/http';
import { LocalApiClient } from '../../server/src/node/zotero/localApi';
import { ZoteroStandIn } from '../zotero/standIn';

const vaswani = { title: 'Attention Is All You Need', creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }], date: '2017-06-12', abstractNote: 'The dominant sequence transduction models…' };

async function rejected(promise: Promise<unknown>): Promise<ZoteroError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ZoteroError, `a ZoteroError, not ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('local API client', () => {
  let zotero: ZoteroStandIn;
  let api: LocalApiClient;

  before(async () => {
    zotero = await ZoteroStandIn.start({ items: [vaswani], generate: 249 });
    api = new LocalApiClient(new URL(zotero.url), { timeoutMs: 2000 });
  });
  after(() => zotero.stop());

  test('reads the whole library in pages of 100, oldest added first, with its version', async () => {
    const from = zotero.requests.length;
    const seen: number[] = [];
    const keys: string[] = [];
    const { total, libraryVersion } = await api.readAll((page, done) => {
      seen.push(done);
      for (const item of page.items) keys.push((item as { key: string }).key);
    });
    assert.deepEqual(seen, [100, 200, 250]);
    assert.equal(total, 250);
    assert.equal(libraryVersion, 250);
    assert.equal(new Set(keys).size, 250);
    const first = zotero.requestsTo(/items\/top/, from)[0];
    assert.match(first.path, /format=json/);
    assert.match(first.path, /sort=dateAdded&direction=asc/);
    assert.equal(first.headers['zotero-api-version'], '3');
  });

  test('a page is an item of Zotero 7 JSON: key, version, meta and data', async () => {
    const page = await api.page(0, 1);
    const item = page.items[0] as { key: string; version: number; meta: { parsedDate: string }; data: Record<string, unknown> };
    assert.equal(item.data.title, 'Attention Is All You Need');
    assert.equal(item.meta.parsedDate, '2017-06-12');
    assert.equal(item.data.key, item.key);
  });

  test('a server capped at 100 per page (the web API) is read to the end all the same', async () => {
    zotero.maxLimit = 100;
    try {
      const capped = new LocalApiClient(new URL(zotero.url), { pageSize: 500 });
      let count = 0;
      await capped.readAll((page) => {
        count += page.items.length;
      });
      assert.equal(count, 250);
    } finally {
      zotero.maxLimit = undefined;
    }
  });

  test('versions: every item key with its version; 304 when nothing changed since', async () => {
    const all = await api.versions();
    assert.equal(all!.versions.size, 250);
    assert.equal(all!.libraryVersion, zotero.libraryVersion);
    const from = zotero.requests.length;
    assert.equal(await api.versions({ ifChangedSince: zotero.libraryVersion }), undefined);
    const request = zotero.requests[from];
    assert.equal(request.status, 304);
    assert.equal(request.headers['if-modified-since-version'], String(zotero.libraryVersion));
    assert.equal(request.bytes, 0);
  });

  test('an edit raises the version: the next conditional read has it', async () => {
    const before = zotero.libraryVersion;
    const key = zotero.keys()[3];
    zotero.edit(key, { title: 'Edited in Zotero' });
    const changed = await api.versions({ ifChangedSince: before, since: before });
    assert.ok(changed);
    assert.equal(changed.libraryVersion, before + 1);
    assert.deepEqual([...changed.versions], [[key, before + 1]]);
  });

  test('items by key come back in batches of 50, only the ones asked for', async () => {
    const keys = zotero.keys().slice(0, 120);
    const from = zotero.requests.length;
    const items = await api.itemsByKey([...keys, 'NOSUCHKY']);
    assert.deepEqual(items.map((i) => (i as { key: string }).key).sort(), [...keys].sort());
    assert.equal(zotero.requestsTo(/itemKey=/, from).length, 3);
  });

  test('recent edits by dateModified, newest first, down to the given moment', async () => {
    const keys = zotero.keys();
    zotero.edit(keys[10], { title: 'First edit' });
    const since = (((await api.itemsByKey([keys[10]]))[0] as { data: { dateModified: string } }).data.dateModified);
    zotero.edit(keys[20], { title: 'Second edit' });
    const recent = await api.modifiedSince(since);
    assert.deepEqual(recent.map((i) => (i as { data: { title: string } }).data.title), ['Second edit', 'First edit']);
  });

  test('the fingerprint: size, version and the most recently modified item', async () => {
    const key = zotero.keys()[30];
    zotero.edit(key, { title: 'Newest' });
    const fingerprint = await api.fingerprint();
    assert.deepEqual({ total: fingerprint.total, version: fingerprint.libraryVersion, newest: fingerprint.newestKey }, { total: 250, version: zotero.libraryVersion, newest: key });
  });

  test('children: notes, attachments and annotations of an item', async () => {
    const parent = zotero.keys()[0];
    zotero.addChild(parent, 'note', { note: '<p>My note</p>' });
    zotero.addChild(parent, 'attachment', { title: 'Full Text PDF', contentType: 'application/pdf', path: '/home/me/Zotero/storage/AAAA2222/paper.pdf', linkMode: 'imported_file' });
    const children = (await api.children(parent)) as { data: { itemType: string } }[];
    assert.deepEqual(children.map((c) => c.data.itemType).sort(), ['attachment', 'note']);
    // Children are not top-level items: the library's list is unchanged.
    assert.equal((await api.versions())!.versions.size, 250);
  });
});

describe('local API client: Zotero 7 without sync', () => {
  test('versions stay 0, never 304; an edit shows in the fingerprint and in the recent edits', async () => {
    const zotero = await ZoteroStandIn.start({ versioning: 'unsynced', generate: 20 });
    try {
      const api = new LocalApiClient(new URL(zotero.url));
      const before = await api.fingerprint();
      assert.equal(before.libraryVersion, 0);
      const key = zotero.keys()[5];
      zotero.edit(key, { title: 'Edited, not synced' });
      const versions = await api.versions();
      assert.equal(versions!.versions.get(key), 0);
      const afterEdit = await api.fingerprint();
      assert.equal(afterEdit.newestKey, key);
      assert.notEqual(afterEdit.newestModified, before.newestModified);
      const recent = await api.modifiedSince(afterEdit.newestModified!);
      assert.deepEqual(recent.map((i) => (i as { key: string }).key), [key]);
    } finally {
      await zotero.stop();
    }
  });
});

describe('local API client: failures', () => {
  let zotero: ZoteroStandIn;
  let api: LocalApiClient;

  before(async () => {
    zotero = await ZoteroStandIn.start({ generate: 5 });
    api = new LocalApiClient(new URL(zotero.url), { timeoutMs: 300 });
  });
  after(() => zotero.stop());

  test('local API off: HTTP 403, and how to turn it on', async () => {
    zotero.setLocalApi(false);
    try {
      const error = await rejected(api.fingerprint());
      assert.equal(error.kind, 'http');
      assert.equal(error.status, 403);
      assert.match(error.message, /local API is off \(Local API is not enabled\)\. Turn it on in Zotero: Settings → Advanced → “Allow other applications on this computer to communicate with Zotero”/);
    } finally {
      zotero.setLocalApi(true);
    }
  });

  test('malformed JSON is an error that names the endpoint', async () => {
    const undo = zotero.fault({ path: /items/, fault: { kind: 'malformed' } });
    try {
      const error = await rejected(api.page(0));
      assert.equal(error.kind, 'malformed');
      assert.match(error.message, /^Zotero \(items\) sent something that is not JSON/);
    } finally {
      undo();
    }
  });

  test('an HTTP error says the status and what Zotero said', async () => {
    const undo = zotero.fault({ path: /items/, fault: { kind: 'status', status: 500, body: 'An error occurred\n' } });
    try {
      const error = await rejected(api.versions());
      assert.equal(error.status, 500);
      assert.equal(error.message, 'Zotero answered /api/users/0/items/top with HTTP 500: An error occurred.');
    } finally {
      undo();
    }
  });

  test('a hanging answer times out', async () => {
    const undo = zotero.fault({ path: /items/, fault: { kind: 'hang' } });
    try {
      const started = Date.now();
      const error = await rejected(api.fingerprint());
      assert.equal(error.kind, 'timeout');
      assert.ok(Date.now() - started < 2000);
      assert.equal(error.message, 'Zotero did not answer /api/users/0/items/top within 0.3 s.');
    } finally {
      undo();
    }
  });

  test('a connection reset is "unreachable"', async () => {
    const undo = zotero.fault({ path: /items/, fault: { kind: 'reset' } });
    try {
      assert.equal((await rejected(api.fingerprint())).kind, 'unreachable');
    } finally {
      undo();
    }
  });

  test('Zotero closed: unreachable, saying so', async () => {
    const closed = await ZoteroStandIn.start();
    const url = closed.url;
    await closed.stop();
    const error = await rejected(new LocalApiClient(new URL(url)).fingerprint());
    assert.equal(error.kind, 'unreachable');
    assert.equal(error.message, `Nothing answers at ${url}: Zotero is not running there.`);
  });

  test("a server that refuses format=versions or sort is read without them", async () => {
    const undo = [
      zotero.fault({ path: /format=versions/, fault: { kind: 'status', status: 400, body: "Invalid 'format' value 'versions'" } }),
      zotero.fault({ path: /sort=/, fault: { kind: 'status', status: 400, body: "Invalid 'sort' value 'dateAdded'" } }),
    ];
    try {
      const client = new LocalApiClient(new URL(zotero.url));
      assert.equal((await client.versions())!.versions.size, 5);
      assert.equal((await client.page(0)).items.length, 5);
      assert.match(zotero.requests.at(-1)!.path, /^\/api\/users\/0\/items\/top\?format=json&start=0&limit=100$/);
    } finally {
      for (const u of undo) u();
    }
  });

  test('a Zotero without /items/top is read through /items', async () => {
    const undo = zotero.fault({ path: /items\/top/, fault: { kind: 'status', status: 404, body: 'No endpoint found\n' } });
    try {
      const client = new LocalApiClient(new URL(zotero.url));
      const versions = await client.versions();
      assert.equal(versions!.versions.size, 5);
      assert.ok(zotero.requests.at(-1)!.path.startsWith('/api/users/0/items?'));
    } finally {
      undo();
    }
  });
});

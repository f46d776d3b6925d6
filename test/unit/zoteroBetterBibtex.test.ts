/**
 * Better BibTeX's endpoints against the stand-in: JSON-RPC (keys, search, export in both result
 * shapes, attachments with annotations, notes, errors in HTTP 200 answers), the pull export and
 * the CAYW picker (probe first; the pick waits for the user and can be cancelled).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BetterBibtexClient } from '../../server/src/node/zotero/betterBibtex';
import { caywPick, caywProbe } from '../../server/src/node/zotero/cayw';
import { ZoteroError } from '../../server/src/node/zotero/http';
import { pullExport } from '../../server/src/node/zotero/pullExport';
import { ZoteroStandIn } from '../zotero/standIn';

async function rejected(promise: Promise<unknown>): Promise<ZoteroError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ZoteroError, `a ZoteroError, not ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('Better BibTeX JSON-RPC client', () => {
  let zotero: ZoteroStandIn;
  let bbt: BetterBibtexClient;
  let vaswani: string;
  let kerbl: string;

  before(async () => {
    zotero = await ZoteroStandIn.start();
    vaswani = zotero.add({ title: 'Attention Is All You Need', creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }], date: '2017', abstractNote: 'Sequence transduction.' });
    kerbl = zotero.add({ title: '3D Gaussian Splatting for Real-Time Radiance Field Rendering', creators: [{ firstName: 'Bernhard', lastName: 'Kerbl' }], date: '2023' });
    bbt = new BetterBibtexClient(new URL(zotero.url), { timeoutMs: 1000 });
  });
  after(() => zotero.stop());

  test('api.ready gives both versions', async () => {
    assert.deepEqual(await bbt.ready(), { zotero: '7.0.15', betterbibtex: '7.0.29' });
    const request = zotero.requests.at(-1)!;
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.rpcMethod, 'api.ready');
  });

  test('item.citationkey: item key → citation key, unknown keys left out', async () => {
    const keys = await bbt.citationKeys([vaswani, kerbl, 'NOSUCHKY']);
    assert.deepEqual([...keys], [
      [vaswani, 'vaswaniAttentionAllYou2017'],
      [kerbl, 'kerbl3DGaussianSplatting2023'],
    ]);
  });

  test('item.search: CSL-JSON with the citekey', async () => {
    const found = await bbt.search('gaussian');
    assert.deepEqual(found.map((i) => [i.citekey, i.title]), [['kerbl3DGaussianSplatting2023', '3D Gaussian Splatting for Real-Time Radiance Field Rendering']]);
  });

  test('item.export: the text, from current and from older Better BibTeX', async () => {
    const current = await bbt.export(['vaswaniAttentionAllYou2017'], 'Better BibTeX');
    assert.match(current, /^@article\{vaswaniAttentionAllYou2017,\n {2}title = \{\{Attention Is All You Need\}\}/);
    zotero.exportShape = 'array';
    try {
      assert.equal(await bbt.export(['vaswaniAttentionAllYou2017'], 'Better BibTeX'), current);
    } finally {
      zotero.exportShape = 'string';
    }
  });

  test('a JSON-RPC error comes in an HTTP 200 answer: its message and code', async () => {
    const error = await rejected(bbt.export(['noSuchKey2020'], 'Better BibTeX'));
    assert.equal(error.kind, 'rpc');
    assert.equal(error.code, -32602);
    assert.equal(error.message, 'Better BibTeX could not do item.export: not found: noSuchKey2020 (JSON-RPC error -32602)');
    assert.equal(zotero.requests.at(-1)!.status, 200);
  });

  test('an unknown method is JSON-RPC error -32601', async () => {
    const error = await rejected(bbt.call('item.nosuch', []));
    assert.equal(error.code, -32601);
  });

  test('item.attachments: PDF paths and their annotations', async () => {
    const pdf = zotero.addChild(vaswani, 'attachment', { title: 'Full Text PDF', contentType: 'application/pdf', path: '/home/me/Zotero/storage/ABCD2345/vaswani.pdf', linkMode: 'imported_file' });
    zotero.addChild(pdf, 'annotation', { annotationType: 'highlight', annotationText: 'multi-head attention', annotationComment: 'key idea', annotationPageLabel: '4', annotationColor: '#ffd400' });
    const attachments = await bbt.attachments('vaswaniAttentionAllYou2017');
    assert.equal(attachments.length, 1);
    assert.equal(attachments[0].path, '/home/me/Zotero/storage/ABCD2345/vaswani.pdf');
    assert.equal(attachments[0].open, `zotero://open-pdf/library/items/${pdf}`);
    assert.deepEqual(attachments[0].annotations.map((a) => [a.annotationText, a.annotationComment, a.annotationPageLabel]), [['multi-head attention', 'key idea', '4']]);
  });

  test('item.notes: the notes of each paper, by citation key', async () => {
    zotero.addChild(kerbl, 'note', { note: '<p>Splats are <b>fast</b>.</p>' });
    const notes = await bbt.notes(['kerbl3DGaussianSplatting2023']);
    assert.deepEqual([...notes], [['kerbl3DGaussianSplatting2023', ['<p>Splats are <b>fast</b>.</p>']]]);
  });

  test('a fault injected as JSON-RPC error (id null) is read as one', async () => {
    const undo = zotero.fault({ path: /json-rpc/, rpcMethod: 'item.citationkey', fault: { kind: 'rpc-error', code: -32603, message: 'Error: database is locked' } });
    try {
      const error = await rejected(bbt.citationKeys([vaswani]));
      assert.equal(error.message, 'Better BibTeX could not do item.citationkey: Error: database is locked (JSON-RPC error -32603)');
    } finally {
      undo();
    }
  });

  test('malformed JSON in an HTTP 200 answer', async () => {
    const undo = zotero.fault({ path: /json-rpc/, fault: { kind: 'malformed' } });
    try {
      const error = await rejected(bbt.ready());
      assert.equal(error.kind, 'malformed');
      assert.match(error.message, /^Better BibTeX \(api\.ready\) sent something that is not JSON/);
    } finally {
      undo();
    }
  });

  test('while Better BibTeX starts, calls wait: a deadline turns that into a timeout', async () => {
    zotero.setBetterBibtex('starting');
    try {
      const error = await rejected(bbt.ready(200));
      assert.equal(error.kind, 'timeout');
    } finally {
      zotero.setBetterBibtex('ready');
    }
  });

  test('without Better BibTeX: "not installed"', async () => {
    zotero.setBetterBibtex('absent');
    try {
      const error = await rejected(bbt.ready());
      assert.equal(error.status, 404);
      assert.equal(error.message, 'Better BibTeX is not installed in Zotero (no /better-bibtex/json-rpc).');
    } finally {
      zotero.setBetterBibtex('ready');
    }
  });
});

describe('Better BibTeX pull export', () => {
  test('the library as Better CSL JSON (ids are citation keys) and as BibLaTeX', async () => {
    const zotero = await ZoteroStandIn.start();
    try {
      zotero.add({ title: 'Attention Is All You Need', creators: [{ firstName: 'Ashish', lastName: 'Vaswani' }], date: '2017' });
      const json = JSON.parse(await pullExport(new URL(zotero.url), 'json')) as { id: string; title: string }[];
      assert.deepEqual(json.map((i) => [i.id, i.title]), [['vaswaniAttentionAllYou2017', 'Attention Is All You Need']]);
      assert.equal(zotero.requests.at(-1)!.path, '/better-bibtex/export/library?/1/library.json');
      assert.match(await pullExport(new URL(zotero.url), 'biblatex'), /^@article\{vaswaniAttentionAllYou2017,/);
      const error = await rejected(pullExport(new URL(zotero.url), 'json', { libraryId: 7 }));
      assert.equal(error.message, 'Better BibTeX could not export library 7 as json (HTTP 404: Could not export bibliography: library 7 does not exist).');
    } finally {
      await zotero.stop();
    }
  });
});

describe('Better BibTeX CAYW picker', () => {
  let zotero: ZoteroStandIn;
  before(async () => {
    zotero = await ZoteroStandIn.start();
  });
  after(() => zotero.stop());

  test('probe: ready, or starting while Better BibTeX loads', async () => {
    assert.equal(await caywProbe(new URL(zotero.url)), 'ready');
    zotero.setBetterBibtex('starting');
    assert.equal(await caywProbe(new URL(zotero.url)), 'starting');
    zotero.setBetterBibtex('ready');
  });

  test('probe without Better BibTeX, and with Zotero closed', async () => {
    zotero.setBetterBibtex('absent');
    try {
      assert.match((await rejected(caywProbe(new URL(zotero.url)))).message, /^Better BibTeX is not installed in Zotero/);
    } finally {
      zotero.setBetterBibtex('ready');
    }
    const closed = await ZoteroStandIn.start();
    const url = closed.url;
    await closed.stop();
    assert.equal((await rejected(caywProbe(new URL(url)))).kind, 'unreachable');
  });

  test('the pick waits for the user, then gives Pandoc citations in brackets', async () => {
    const picked = caywPick(new URL(zotero.url));
    await zotero.waitForPicker();
    assert.match(zotero.requests.at(-1)!.path, /^\/better-bibtex\/cayw\?format=pandoc&brackets=1$/);
    zotero.pick(['vaswaniAttentionAllYou2017', 'kerbl3DGaussianSplatting2023'], { locator: '5' });
    assert.equal(await picked, '[@vaswaniAttentionAllYou2017, p. 5; @kerbl3DGaussianSplatting2023]');
  });

  test('a cancelled pick is an empty answer; a pick given up in the editor is cancelled', async () => {
    const cancelled = caywPick(new URL(zotero.url));
    await zotero.waitForPicker();
    zotero.pick([]);
    assert.equal(await cancelled, '');

    const controller = new AbortController();
    const givenUp = caywPick(new URL(zotero.url), { signal: controller.signal });
    await zotero.waitForPicker();
    controller.abort();
    assert.equal((await rejected(givenUp)).kind, 'cancelled');
    zotero.pick([]);
  });
});

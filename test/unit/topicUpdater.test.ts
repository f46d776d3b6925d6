/**
 * Topics off the main thread: the worker's logic (documents kept, changes only, `previous` passed,
 * the cache) and the main thread's side (node/topicUpdater.ts) with the worker's logic in-process,
 * as tests run without the bundle; the built bundle once at the end.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { backgroundThreads, threadNiceValues } from './threadNice';
import { buildTopics } from '../../server/src/search/topicModel';
import type { TopicDocument, TopicResult } from '../../server/src/search/topicResult';
import { readTopicCache, topicCacheFileOf, writeTopicCache } from '../../server/src/node/topicCache';
import { ownBytes } from '../../server/src/node/catalogCache';
import { TopicUpdater } from '../../server/src/node/topicUpdater';
import { packTopics, type TopicIndex } from '../../server/src/search/topicIndex';
import { cutDocument, topicDocument } from '../../server/src/service/topicDocuments';
import { TopicWorkerCore, type TopicWorkerEvent } from '../../server/src/node/topicWorker';
import { parseSettings } from '../../server/src/service/settings';
import { topics } from '../../server/src/service/topicRequests';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

const demo = readFileSync(join(import.meta.dirname, '../../examples/demo/papers.bib'), 'utf8');
const demoUri = 'file:///ws/papers.bib';
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'litnotes-topics-'));
  dirs.push(dir);
  return dir;
}

/** A model that records what it was given and answers with the topic model. */
function recordingModel() {
  const calls: { docs: TopicDocument[]; previous?: TopicResult; topicCount?: number }[] = [];
  const model = (docs: readonly TopicDocument[], options: { previous?: TopicResult; topicCount?: number } = {}) => {
    calls.push({ docs: [...docs], previous: options.previous, topicCount: options.topicCount });
    // The model's own state rides along in its result (the next run's `previous`).
    return { ...buildTopics(docs, options), model: { run: calls.length } } as unknown as TopicResult;
  };
  return { calls, model };
}

describe('the topic worker', () => {
  const doc = (key: string, title: string): TopicDocument => ({ key, title });
  /** What the model reads of a document, as a plain object. */
  const fields = (d: TopicDocument): TopicDocument => {
    const plain: TopicDocument = { key: d.key };
    if (d.title !== undefined) plain.title = d.title;
    if (d.abstract !== undefined) plain.abstract = d.abstract;
    if (d.keywords !== undefined) plain.keywords = d.keywords;
    return plain;
  };

  test('keeps abstracts as bytes and hands the model the same text, whatever its characters', () => {
    const { calls, model } = recordingModel();
    const core = new TopicWorkerCore(() => undefined, model);
    const abstract = 'Sparse attention — “über” fast: 𝒪(n log n) in β-VAE latents, 3×3 kernels, 稀疏注意力.';
    core.handle({ type: 'documents', documents: [{ key: 'a', title: 'Sparse Attention', abstract, keywords: ['attention'] }, doc('b', 'Pruning')], removed: [] });
    core.handle({ type: 'compute', id: 1 });
    assert.deepEqual(calls[0].docs.map(fields), [{ key: 'a', title: 'Sparse Attention', abstract, keywords: ['attention'] }, doc('b', 'Pruning')]);
    // Held as UTF-8, not as a string (two bytes a character once one is outside Latin-1).
    assert.ok(!Object.values(calls[0].docs[0]).includes(abstract));
    // The same text again is no change.
    core.handle({ type: 'documents', documents: [{ key: 'a', title: 'Sparse Attention', abstract, keywords: ['attention'] }], removed: [] });
    core.handle({ type: 'compute', id: 2 });
    assert.equal(calls.length, 1);
    core.dispose();
  });

  test('a whole abstract handed over (the main thread does not cut it) reaches the model cut at its 300th word, as `topicDocument` cuts it', () => {
    const { calls, model } = recordingModel();
    const core = new TopicWorkerCore(() => undefined, model);
    const long = { key: 'long', title: 'Long', abstract: Array.from({ length: 450 }, (_, i) => `w${i}`).join(' ') };
    const short = { key: 'short', abstract: 'a short\tabstract  of five words' };
    core.handle({ type: 'documents', documents: [long, short], removed: [] });
    core.handle({ type: 'compute', id: 1 });
    assert.deepEqual(calls[0].docs.map(fields), [
      { key: 'long', title: 'Long', abstract: Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ') },
      { key: 'short', abstract: 'a short\tabstract  of five words' },
    ]);
    // The same paper handed over cut (the cache's documents, an older server): the same document, no change.
    core.handle({ type: 'documents', documents: [cutDocument(long)], removed: [] });
    core.handle({ type: 'compute', id: 2 });
    assert.equal(calls.length, 1);
    core.dispose();
  });

  test('keeps every paper\'s text, runs the model only when one changed, and passes its last result as `previous`', () => {
    const events: TopicWorkerEvent[] = [];
    const { calls, model } = recordingModel();
    const core = new TopicWorkerCore((event) => events.push(event), model);
    core.handle({ type: 'configure', cacheDir: undefined, server: 'test', workspace: 'w' });
    core.handle({ type: 'documents', documents: [doc('b', 'Gaussian Splatting'), doc('a', 'Pose Estimation')], removed: [] });
    core.handle({ type: 'compute', id: 1 });
    assert.deepEqual(calls[0].docs.map((d) => d.key), ['a', 'b'], 'in key order');
    assert.equal(calls[0].previous, undefined);

    // The same text again: no run, an answer without a result.
    core.handle({ type: 'documents', documents: [doc('a', 'Pose Estimation')], removed: [] });
    core.handle({ type: 'compute', id: 2 });
    assert.equal(calls.length, 1);
    const second = events.filter((e) => e.type === 'result')[1];
    assert.equal(second.type === 'result' && second.head, undefined);

    // One paper edited, one gone, one added: the model sees all papers as they are now, and its last result.
    core.handle({ type: 'documents', documents: [doc('a', 'Camera Pose Estimation'), doc('c', 'Dynamic Gaussian Splatting')], removed: ['b'] });
    core.handle({ type: 'compute', id: 3 });
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[1].docs.map(fields), [doc('a', 'Camera Pose Estimation'), doc('c', 'Dynamic Gaussian Splatting')]);
    assert.deepEqual(calls[1].previous?.placements.map((p) => p.key), ['a', 'b']);
    core.dispose();
  });

  test('an abstract edited, even to one of the same length, or a keyword: the model runs again; the same text sent again: it does not', () => {
    const { calls, model } = recordingModel();
    const core = new TopicWorkerCore(() => undefined, model);
    core.handle({ type: 'configure', cacheDir: undefined, server: 'test', workspace: 'w' });
    const paper = { key: 'a', title: 'Pose Estimation', abstract: 'We estimate camera poses from two views.', keywords: ['pose'] };
    core.handle({ type: 'documents', documents: [paper], removed: [] });
    core.handle({ type: 'compute', id: 1 });
    core.handle({ type: 'documents', documents: [{ ...paper }], removed: [] });
    core.handle({ type: 'compute', id: 2 });
    assert.equal(calls.length, 1, 'the same text');
    core.handle({ type: 'documents', documents: [{ ...paper, abstract: 'We estimate camera poses from ten views.' }], removed: [] });
    core.handle({ type: 'compute', id: 3 });
    assert.equal(calls.length, 2, 'an abstract of the same length');
    assert.equal(calls[1].docs[0].abstract, 'We estimate camera poses from ten views.');
    core.handle({ type: 'documents', documents: [{ ...paper, abstract: 'We estimate camera poses from ten views.', keywords: ['pose', 'camera'] }], removed: [] });
    core.handle({ type: 'compute', id: 4 });
    assert.equal(calls.length, 3, 'a keyword');
    core.dispose();
  });

  test('litnotes.topics.count: another number of topics runs the model again on the same papers', () => {
    const { calls, model } = recordingModel();
    const core = new TopicWorkerCore(() => undefined, model);
    core.handle({ type: 'documents', documents: [doc('a', 'A')], removed: [] });
    core.handle({ type: 'compute', id: 1 });
    core.handle({ type: 'compute', id: 2, topicCount: 12 });
    core.handle({ type: 'compute', id: 3, topicCount: 12 });
    assert.deepEqual(calls.map((c) => c.topicCount), [undefined, 12]);
  });

  test('a model that throws is logged, and answered with no result', () => {
    const events: TopicWorkerEvent[] = [];
    const core = new TopicWorkerCore((event) => events.push(event), () => {
      throw new Error('boom');
    });
    core.handle({ type: 'documents', documents: [doc('a', 'A')], removed: [] });
    core.handle({ type: 'compute', id: 1 });
    assert.match(events[0].type === 'log' ? events[0].message : '', /The topic model failed: Error: boom/);
    assert.deepEqual(events[1].type === 'result' && [events[1].id, events[1].head], [1, undefined]);
  });
});

/** Resolves when `check` holds, polled each turn of the event loop (the updater works in slices). */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startUpdater(model: WorkspaceModel, cacheDir: string | undefined, options: { recorder?: ReturnType<typeof recordingModel>; indexing?: () => boolean; topicCount?: () => number } = {}) {
  const logs: string[] = [];
  let changes = 0;
  const updater = new TopicUpdater(
    model,
    { log: (m) => logs.push(m), topicsChanged: () => changes++, indexing: options.indexing ?? (() => false), topicCount: options.topicCount },
    { cacheDir, server: 'test', workspace: 'file:///ws', workerPath: '/no/topicWorker.js', delayMs: 1, model: options.recorder?.model },
  );
  return { updater, logs, changes: () => changes };
}

const derived = parseSettings({ topics: { source: 'derived' } });

/** The model's topics shown: several of them, holding every paper, none waiting. */
function assertAllPlaced(model: WorkspaceModel): void {
  const shown = topics(model, {}, derived).topics;
  assert.ok(shown.length >= 5 && !shown.some((t) => t.id === 'indexing'), shown.map((t) => t.label).join(', '));
  assert.equal(shown.reduce((sum, t) => sum + t.count, 0), model.paperCount);
}
const labels = (model: WorkspaceModel) => topics(model, {}, derived).topics.map((t) => t.label);

describe('topics kept up to date off the main thread (TopicUpdater)', () => {
  test('"Indexing topics…" until the model answers, then its topics; nothing runs while catalogs are still read', async () => {
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    assert.deepEqual(labels(model), ['Indexing topics…']);
    let indexing = true;
    const recorder = recordingModel();
    const { updater, changes } = startUpdater(model, undefined, { recorder, indexing: () => indexing });
    updater.catalogChanged();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(recorder.calls.length, 0, 'waits for the index');
    indexing = false;
    await until(() => !model.topics.computing, 'topics');
    assert.ok(changes() > 0, 'the tree was told');
    assert.ok(!labels(model).includes('Indexing topics…'));
    assertAllPlaced(model);
    assert.equal(recorder.calls[0].docs.length, 64);
    assert.equal(recorder.calls[0].topicCount, undefined, '0: the model chooses');
    updater.dispose();
  });

  test('a result is grouped for the tree before it is shown: until the grouping is made the tree keeps "Indexing topics…"', async () => {
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    const asked: (TopicIndex | undefined)[] = [];
    let grouped: () => void = () => undefined;
    let told = 0;
    const updater = new TopicUpdater(
      model,
      {
        log: () => undefined,
        topicsChanged: () => told++,
        indexing: () => false,
        prepareTree(result) {
          asked.push(result);
          if (result) return new Promise<void>((resolve) => (grouped = resolve));
        },
      },
      { cacheDir: undefined, server: 'test', workspace: 'w', workerPath: '/no/topicWorker.js', delayMs: 1 },
    );
    updater.catalogChanged();
    await until(() => asked.some((result) => result !== undefined), 'the result handed to the tree\'s grouping');
    const result = asked.find((r) => r !== undefined)!;
    assert.equal(result.size, 64);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(model.topics.current, undefined, 'not shown before its grouping is made');
    assert.equal(model.topics.computing, true);
    assert.equal(told, 0);
    grouped();
    await until(() => !model.topics.computing, 'shown');
    assert.equal(model.topics.current, result);
    assert.equal(told, 1, 'the tree was told');
    assert.ok(!labels(model).includes('Indexing topics…'));
    updater.dispose();
  });

  test('the number of topics set by the user reaches the model', async () => {
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    const recorder = recordingModel();
    const { updater } = startUpdater(model, undefined, { recorder, topicCount: () => 9 });
    updater.catalogChanged();
    await until(() => !model.topics.computing, 'topics');
    assert.equal(recorder.calls[0].topicCount, 9);
    updater.dispose();
  });

  test('an edited entry: only its key is handed over; the model sees every paper as it is now, and its last result', async () => {
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    const recorder = recordingModel();
    const { updater } = startUpdater(model, undefined, { recorder });
    updater.catalogChanged();
    await until(() => !model.topics.computing, 'the first topics');
    const edited = demo.replace('title = {{Feat2GS}:', 'title = {Feature Probing {Feat2GS}:');
    assert.ok(edited !== demo, 'the title was edited');
    model.setCatalog(demoUri, edited);
    assert.equal(model.topics.computing, true);
    updater.catalogChanged();
    await until(() => recorder.calls.length === 2 && !model.topics.computing, 'the second run');
    assert.equal(recorder.calls[1].docs.length, 64);
    assert.match(recorder.calls[1].docs.find((d) => d.key === 'Feat2GS')?.title ?? '', /^Feature Probing Feat2GS:/);
    assert.equal(recorder.calls[1].previous?.placements.length, 64, 'stable ids: the last result is passed');
    updater.dispose();
  });

  test('the cache: a second start shows the last topics at once, and the model does not run again for the same papers', async () => {
    const cacheDir = tempDir();
    const first = new WorkspaceModel();
    first.setCatalog(demoUri, demo);
    const one = startUpdater(first, cacheDir);
    one.updater.catalogChanged();
    await until(() => !first.topics.computing, 'the first topics');
    await one.updater.flush();
    one.updater.dispose();
    assert.ok(existsSync(topicCacheFileOf(cacheDir, 'file:///ws')));
    const shownFirst = labels(first);

    const second = new WorkspaceModel();
    second.setCatalog(demoUri, demo);
    const recorder = recordingModel();
    const two = startUpdater(second, cacheDir, { recorder, indexing: () => true });
    await until(() => second.topics.current !== undefined, 'the cached topics');
    assert.ok(two.logs.some((l) => /^Topics of the last session: \d+ topics of 64 papers/.test(l)), two.logs.join('\n'));
    // Still indexing, yet the tree shows the last session's topics, not "Indexing topics…".
    assert.deepEqual(labels(second), shownFirst);
    two.updater.dispose();

    const third = new WorkspaceModel();
    third.setCatalog(demoUri, demo);
    const three = startUpdater(third, cacheDir, { recorder });
    three.updater.catalogChanged();
    await until(() => third.topics.current !== undefined && !third.topics.computing, 'topics');
    assert.equal(recorder.calls.length, 0, 'the same papers: the cached result stands');
    assert.deepEqual(labels(third), shownFirst);

    // A paper added: the model runs, with the cached result as `previous`.
    third.setCatalog('file:///ws/more.bib', '@misc{fresh, title = {Fresh Gaussian Splatting}}\n');
    three.updater.catalogChanged();
    await until(() => recorder.calls.length === 1 && !third.topics.computing, 'the new topics');
    assert.deepEqual(recorder.calls[0].previous?.placements.length, 64);
    three.updater.dispose();
  });

  test('the cache hands the model its whole last result, its own state included', async () => {
    const cacheDir = tempDir();
    const recorder = recordingModel();
    const first = new WorkspaceModel();
    first.setCatalog(demoUri, demo);
    const one = startUpdater(first, cacheDir, { recorder });
    one.updater.catalogChanged();
    await until(() => !first.topics.computing, 'the first topics');
    await one.updater.flush();
    one.updater.dispose();

    const second = new WorkspaceModel();
    second.setCatalog(demoUri, demo.replace('title = {{Feat2GS}:', 'title = {Feature Probing {Feat2GS}:'));
    const two = startUpdater(second, cacheDir, { recorder });
    two.updater.catalogChanged();
    await until(() => recorder.calls.length === 2 && !second.topics.computing, 'the second run');
    assert.deepEqual((recorder.calls[1].previous as unknown as { model: unknown }).model, { run: 1 });
    two.updater.dispose();
  });

  test('the worker\'s "nothing new" arriving while the cache is still being parsed: the cached topics are shown', async () => {
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    const { updater } = startUpdater(model, undefined);
    const docs = [...model.keysInAnyOrder()].map((key) => topicDocument(model.paper(key)!));
    const pieces = packTopics(buildTopics(docs));
    const receive = (event: TopicWorkerEvent) => (updater as unknown as { receive(e: TopicWorkerEvent): void }).receive(event);
    // What a worker started with a cache of the same papers sends, both in one turn: the cache, then
    // "nothing new" for the first compute (a loaded machine parses the cache in several slices).
    model.topics.takeChanges();
    receive({ type: 'cached', head: ownBytes(pieces.head), rows: pieces.rows.map(ownBytes) });
    receive({ type: 'result', id: 1, topics: 0, papers: 0, ms: 0 });
    await until(() => !model.topics.computing, 'the result');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(model.topics.current, 'the cached topics are shown, not "Indexing topics…" for ever');
    assert.equal(model.topics.current.size, 64);
    updater.dispose();
  });

  test('a cache cut short, or of another server version, is ignored without a word', () => {
    const cacheDir = tempDir();
    const result = buildTopics([{ key: 'a', title: 'Alpha' }]);
    writeTopicCache(cacheDir, 'file:///ws', 'test', 'x', result);
    assert.deepEqual(readTopicCache(cacheDir, 'file:///ws', 'test')?.result, result);
    assert.equal(readTopicCache(cacheDir, 'file:///ws', 'other'), undefined);
    assert.equal(readTopicCache(cacheDir, 'file:///other', 'test'), undefined);
    const file = topicCacheFileOf(cacheDir, 'file:///ws');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, lines.slice(0, 2).join('\n') + '\n');
    assert.equal(readTopicCache(cacheDir, 'file:///ws', 'test'), undefined);
  });

  test('a broken or foreign cache file is ignored: topics are computed', async () => {
    const cacheDir = tempDir();
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    // A topic without a label: the shape of a cache, not a result.
    writeFileSync(topicCacheFileOf(cacheDir, 'file:///ws'), '{"format":"litnotes-topics-cache/1","server":"test","workspace":"file:///ws","documents":"x","pieces":1}\n[{"id":"x"}]\n[{"key":"a","topic":"x","related":[]}]\n{}\n');
    const { updater, logs } = startUpdater(model, cacheDir);
    updater.catalogChanged();
    await until(() => !model.topics.computing, 'topics');
    assert.ok(logs.some((l) => /topics cache of the last session is broken/.test(l)), logs.join('\n'));
    assertAllPlaced(model);
    updater.dispose();
  });
});

describe('the topic worker (the built bundle)', () => {
  const workerPath = join(import.meta.dirname, '../../dist/topicWorker.js');
  test('computes the demo\'s topics on its own thread, which stops once its cache is written; the next change starts one that gets every paper again', { skip: !existsSync(workerPath) && 'run `npm run build` first', timeout: 60_000 }, async () => {
    const cacheDir = tempDir();
    const model = new WorkspaceModel();
    model.setCatalog(demoUri, demo);
    const updater = new TopicUpdater(model, { log: () => undefined, topicsChanged: () => undefined, indexing: () => false }, { cacheDir, server: 'test', workspace: 'w', workerPath, delayMs: 1, retireAfterMs: 200 });
    const background = backgroundThreads() ?? 0;
    updater.catalogChanged();
    await until(() => !model.topics.computing, 'topics');
    assert.equal(model.topics.current?.size, 64);
    const nice = threadNiceValues();
    if (nice) assert.equal((backgroundThreads() ?? 0) - background, 1, `the topic worker yields the cores to the main thread: nice values ${JSON.stringify(nice)}`);
    await until(() => !updater.workerRunning, 'the worker stopped');
    assert.ok(existsSync(topicCacheFileOf(cacheDir, 'w')), 'the cache written as it stopped');
    const before = model.topics.current;

    model.setCatalog('file:///ws/more.bib', '@misc{fresh, title = {Sparse Attention for Long Documents}}\n');
    updater.catalogChanged();
    await until(() => model.topics.current !== before && !model.topics.computing, 'the topics of 65 papers');
    assert.equal(model.topics.current?.size, 65, 'the new worker got every paper, not only the new one');
    updater.dispose();
  });
});

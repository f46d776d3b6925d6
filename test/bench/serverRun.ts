/**
 * The server measured through LSP, as an editor uses it: a cold start until the first useful
 * completion and until everything is indexed (with the longest the server stayed deaf meanwhile),
 * then completion keystroke by keystroke, hover, memory, an edited note, an edited catalog entry.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../../server/src/node/catalogCache';
import { pathToUri } from '../../server/src/node/files';
import { topicCacheFileOf } from '../../server/src/node/topicCache';
import { LspSession, type SessionOptions } from './lspSession';
import { asTyped, type RecallQuery, type TypingQuery } from './queries';
import { percentile } from './stats';

export interface ServerRunInput {
  root: string;
  catalogFile: string;
  /** The query typed while the server starts: must find something once the catalog is read. */
  firstQuery: string;
  typing: TypingQuery[];
  hoverKeys: string[];
  recallChecks: RecallQuery[];
  typoChecks: RecallQuery[];
  /** Keys cited by the note-edit run. */
  noteKeys: string[];
  nodeFlags?: string[];
  /** A copy of dist/server.js: others may rebuild dist/ while the bench runs. */
  serverPath: string;
  log: (line: string) => void;
}

export interface ServerRunResult {
  firstCompletionColdMs: number;
  firstCompletionWarmMs: number;
  /** Whether the warm figure comes from a second start with an on-disk cache. */
  warmFromCache: boolean;
  fullIndexMs: number;
  /** CPU time the server used until ready (user + system). */
  cpuAtReadyMs: number;
  /** CPU time until the first completion answer. */
  cpuAtFirstCompletionMs: number;
  /** The server's own log: reading the catalog (parse and index). */
  serverCatalogMs: number | undefined;
  /** Reading every note with no catalog to read. */
  notesScanMs: number;
  /** Reading every note while the worker reads the catalog (they share the main thread). */
  notesScanBesideCatalogMs: number;
  maxBlockMs: number;
  probes: number;
  /** From the index ready until `litnotes/topics` no longer says `computing`. */
  topicsReadyMs: number;
  /** The same on the second start, with the topics cached by the first. */
  topicsReadyWarmMs: number | undefined;
  /** The longest a probe waited from the index ready until topics were ready. */
  topicsMaxBlockMs: number;
  topicsProbes: number;
  /** The slowest `litnotes/topics` answer meanwhile (polled every 50 ms, as a tree refreshing). */
  topicsRequestMaxMs: number;
  /** The server's log line of the topic worker's run. */
  topicsLog: string | undefined;
  /** Top-level topics then shown. */
  topLevelTopics: number;
  completionRequests: number;
  completionP50Ms: number;
  completionP99Ms: number;
  completionMaxMs: number;
  /** p99 per query kind, to see which kind is slow. */
  completionP99ByKind: Record<string, number>;
  hoverRequests: number;
  hoverFound: number;
  hoverP50Ms: number;
  hoverP99Ms: number;
  /** The same round trips to a server answering null at once (lspFloorServer.cjs). */
  hoverFloorP50Ms: number;
  hoverFloorP99Ms: number;
  /** At the moment the index is ready, and the highest until then (VmHWM). */
  rssAtReadyMB: number;
  peakAtReadyMB: number;
  /** After the topic model's first run. */
  rssMB: number;
  /** The highest of the whole session. */
  peakRssMB: number;
  lspRecallTop5: string;
  lspTypoRecallTop10: string;
  noteEditP50Ms: number;
  noteEditMaxMs: number;
  incrementalUpdateMs: number;
  /** Time to `ready` for a folder of MANY_CATALOGS small .bib files cut from the catalog (a LaTeX or per-collection library). */
  manyCatalogsMs: number;
  manyCatalogsPapers: number;
  manyCatalogsFiles: number;
  incrementalDidChangeMs: number | undefined;
  incrementalDidChangeNote: string;
  incrementalNote: string;
  /** `[@` with nothing typed, everything indexed, each request after a note edit. */
  emptyCitationMs: number[];
  /** `see @` (a bare `@` at a word start) with nothing typed. */
  emptyAtWordStartMs: number[];
  /** `[@` asked again and again while the server starts without a cache, and with the cache it left. */
  emptyDuringColdStart: EmptyDuringStart;
  emptyDuringWarmStart: EmptyDuringStart;
}

export interface EmptyDuringStart {
  /** ms since initialize of the first answer with papers in it. */
  firstPapersMs: number;
  /** Every answer's latency until the index was ready. */
  ms: number[];
  /** Answers without papers after the first one that had some (should be none). */
  emptyAfterFirst: number;
}

const NOTE = 'bench-note.md';
const HEADER = '# Bench\n\n';
/** Beyond this size VS Code does not sync a file to extensions, so no server ever gets didChange for it. */
const EDITOR_SYNC_LIMIT = 50 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long the server took to read the notes, from its log line. */
function notesReadMs(session: LspSession): number {
  const line = session.logs.find((l) => /^Read \d+ notes in \d+ ms/.test(l.message));
  return line ? Number(/in (\d+) ms/.exec(line.message)![1]) : NaN;
}

/** Files a cache could live in: the workspace's top level and the usual cache folder. */
function cacheCandidates(root: string): Set<string> {
  const places = [root, join(homedir(), '.cache', 'litnotes'), join(root, '.litnotes')];
  const found = new Set<string>();
  for (const place of places) {
    if (!existsSync(place) || !statSync(place).isDirectory()) continue;
    for (const name of readdirSync(place)) found.add(join(place, name));
  }
  return found;
}

/** Sends a cheap request every 20 ms until stopped; the slowest answer is how long the server stayed deaf. */
function startProbe(session: LspSession, uri: string): { stop(): Promise<{ max: number; count: number }> } {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const timer = setInterval(() => {
    pending.push(session.hover(uri, { line: 0, character: 0 }).then((r) => void latencies.push(r.ms)));
  }, 20);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      return { max: Math.max(0, ...latencies), count: latencies.length };
    },
  };
}

/** How long topics took once the index was ready, and the longest the server stayed deaf meanwhile. */
interface TopicsPhase {
  topicsReadyMs: number;
  topicsMaxBlockMs: number;
  topicsProbes: number;
  topicsRequestMaxMs: number;
  topicsLog: string | undefined;
  topLevelTopics: number;
}

/** Polls `litnotes/topics` every 50 ms (as the Papers view does on each status) until it no longer says `computing`. */
async function topicsPhase(session: LspSession, uri: string, readyAt: number): Promise<TopicsPhase> {
  const probe = startProbe(session, uri);
  let requestMax = 0;
  let last = await session.topics();
  const deadline = performance.now() + 300_000;
  while (last.result.computing && performance.now() < deadline) {
    requestMax = Math.max(requestMax, last.ms);
    await sleep(50);
    last = await session.topics();
  }
  requestMax = Math.max(requestMax, last.ms);
  const topicsReadyMs = last.result.computing ? NaN : session.now() - readyAt;
  const { max, count } = await probe.stop();
  const topicsLog = session.logs.find((l) => /^Topics: \d+ topics/.test(l.message))?.message;
  return { topicsReadyMs, topicsMaxBlockMs: max, topicsProbes: count, topicsRequestMaxMs: requestMax, topicsLog, topLevelTopics: last.result.topics.length };
}

/** Cold start: time to the first non-empty completion, to `ready`, and the longest block meanwhile. */
async function coldStart(
  session: LspSession,
  input: ServerRunInput,
): Promise<{ firstCompletionMs: number; fullIndexMs: number; maxBlockMs: number; probes: number; cpuAtFirstCompletionMs: number; cpuAtReadyMs: number; memoryAtReady: { rssMB: number; peakMB: number }; topics: TopicsPhase }> {
  await session.initialize();
  const noteUri = session.uriOf(NOTE);
  const text = `${HEADER}[@${input.firstQuery}`;
  await session.open(noteUri, text);
  const probe = startProbe(session, noteUri);
  const end = { line: 2, character: 2 + input.firstQuery.length };
  let firstCompletionMs = NaN;
  while (Number.isNaN(firstCompletionMs)) {
    const { keys } = await session.complete(noteUri, end);
    if (keys.length > 0) firstCompletionMs = session.now();
    else await sleep(10);
  }
  const cpuAtFirstCompletionMs = session.cpuMs();
  input.log(`  first completion for "${input.firstQuery}" after ${Math.round(firstCompletionMs)} ms (${session.isReady ? 'index ready' : 'still indexing'})`);
  const fullIndexMs = await session.ready();
  const cpuAtReadyMs = session.cpuMs();
  // At the moment of ready, before the topic worker's run: the topics phase has its own figures.
  const memoryAtReady = session.memory();
  input.log(`  index ready after ${Math.round(fullIndexMs)} ms (${Math.round(cpuAtReadyMs)} ms CPU), RSS ${Math.round(memoryAtReady.rssMB)} MB (peak ${Math.round(memoryAtReady.peakMB)} MB)`);
  const { max, count } = await probe.stop();
  const topics = await topicsPhase(session, noteUri, fullIndexMs);
  input.log(`  topics ready ${Math.round(topics.topicsReadyMs)} ms after the index (${topics.topicsLog ?? 'no log line'}); longest block meanwhile ${Math.round(topics.topicsMaxBlockMs)} ms`);
  return { firstCompletionMs, fullIndexMs, maxBlockMs: max, probes: count, cpuAtFirstCompletionMs, cpuAtReadyMs, memoryAtReady, topics };
}

async function completionLatency(session: LspSession, typing: readonly TypingQuery[]): Promise<{ all: number[]; byKind: Map<string, number[]> }> {
  const uri = session.uriOf(NOTE);
  const all: number[] = [];
  const byKind = new Map<string, number[]>();
  for (const query of typing) {
    await session.replace(uri, `${HEADER}[@`);
    for (let i = 1; i <= query.text.length; i++) {
      const started = performance.now();
      await session.edit(uri, { line: 2, character: 1 + i }, { line: 2, character: 1 + i }, query.text[i - 1]);
      await session.complete(uri, { line: 2, character: 2 + i });
      const ms = performance.now() - started;
      all.push(ms);
      const list = byKind.get(query.kind) ?? [];
      list.push(ms);
      byKind.set(query.kind, list);
    }
  }
  return { all, byKind };
}

async function hoverLatency(session: LspSession, keys: readonly string[]): Promise<{ ms: number[]; found: number }> {
  const uri = session.uriOf('bench-hover.md');
  await session.open(uri, keys.map((key) => `- [@${key}]`).join('\n') + '\n');
  const ms: number[] = [];
  let found = 0;
  for (let line = 0; line < keys.length; line++) {
    const result = await session.hover(uri, { line, character: 5 });
    ms.push(result.ms);
    if (result.text) found++;
  }
  return { ms, found };
}

/** Hover round trips to a server that answers null at once (`lspFloorServer.cjs`): what no server can go under here. */
async function hoverFloor(root: string, count: number): Promise<number[]> {
  return inSession({ root, serverPath: join(__dirname, 'lspFloorServer.cjs') }, async (session) => {
    await session.initialize();
    const uri = session.uriOf('bench-hover.md');
    const ms: number[] = [];
    for (let i = 0; i < count; i++) ms.push((await session.hover(uri, { line: i, character: 5 })).ms);
    return ms;
  });
}

/**
 * `[@` with nothing typed, as a user starts a citation, and `see @` (a bare `@` at a word start):
 * before each pair a citation is added to a note, so what was cited recently changes every time.
 */
async function emptyCitationLatency(session: LspSession, keys: readonly string[], rounds: number): Promise<{ bracket: number[]; wordStart: number[] }> {
  const uri = session.uriOf('bench-empty.md');
  await session.open(uri, HEADER);
  const bracket: number[] = [];
  const wordStart: number[] = [];
  let cited = '';
  for (let i = 0; i < rounds; i++) {
    cited += `Cited [@${keys[i % keys.length]}].\n`;
    await session.replace(uri, `${HEADER}${cited}\nSee [@`);
    const line = 2 + cited.split('\n').length;
    bracket.push((await session.complete(uri, { line, character: 6 })).ms);
    await session.replace(uri, `${HEADER}${cited}\nsee @`);
    wordStart.push((await session.complete(uri, { line, character: 5 })).ms);
  }
  return { bracket, wordStart };
}

/**
 * A start with `[@` typed in a note: asked every 20 ms (one request at a time) until the index is
 * ready. `storagePath` is the cache folder: empty for a cold start, what the cold start left for a warm one.
 */
async function emptyCitationDuringStart(input: ServerRunInput, settings: Record<string, unknown>, storagePath: string): Promise<EmptyDuringStart> {
  return inSession({ root: input.root, settings, serverPath: input.serverPath, storagePath }, async (session) => {
    await session.initialize();
    const uri = session.uriOf(NOTE);
    await session.open(uri, `${HEADER}See [@`);
    let firstPapersMs = NaN;
    let emptyAfterFirst = 0;
    const ms: number[] = [];
    while (!session.isReady) {
      const answer = await session.complete(uri, { line: 2, character: 6 });
      ms.push(answer.ms);
      if (answer.keys.length > 0 && Number.isNaN(firstPapersMs)) firstPapersMs = session.now();
      else if (answer.keys.length === 0 && !Number.isNaN(firstPapersMs)) emptyAfterFirst++;
      await sleep(20);
    }
    return { firstPapersMs, ms, emptyAfterFirst };
  });
}

/** A server started for `run` alone, and closed after it whatever happens. */
async function inSession<T>(options: SessionOptions, run: (session: LspSession) => Promise<T>): Promise<T> {
  const session = new LspSession(options);
  try {
    return await run(session);
  } finally {
    await session.close();
  }
}

async function lspRecall(session: LspSession, queries: readonly RecallQuery[], k: number): Promise<string> {
  const uri = session.uriOf(NOTE);
  let found = 0;
  for (const query of queries) {
    const typed = asTyped(query.words);
    await session.replace(uri, `${HEADER}[@${typed}`);
    const { keys } = await session.complete(uri, { line: 2, character: 2 + typed.length });
    if (keys.slice(0, k).includes(query.key)) found++;
  }
  return `${found}/${queries.length}`;
}

/** An edited note: a citation appended, then go to definition on it; the answer proves the note was re-read. */
async function noteEdits(session: LspSession, root: string, keys: readonly string[]): Promise<number[]> {
  const notesDir = join(root, 'notes');
  const name = readdirSync(notesDir).find((n) => n.endsWith('.md'));
  if (!name) return [];
  const uri = session.uriOf(`notes/${name}`);
  let text = readFileSync(join(notesDir, name), 'utf8');
  await session.open(uri, text);
  const times: number[] = [];
  for (const key of keys) {
    const line = text.split('\n').length - 1;
    const started = performance.now();
    await session.edit(uri, { line, character: 0 }, { line, character: 0 }, `[@${key}]\n`);
    text = text + `[@${key}]\n`;
    const { uris } = await session.definition(uri, { line, character: 3 });
    if (uris.length > 0) times.push(performance.now() - started);
  }
  return times;
}

/** Where an entry's title line is, near the middle of the catalog: the entry a user edits. */
function titleNearMiddle(text: string): { offset: number; key: string } {
  return titleAt(text, 0.5);
}

/** The start of the first title after `fraction` of the text, and its entry's key. */
function titleAt(text: string, fraction: number): { offset: number; key: string } {
  const offset = text.indexOf('\n  title = {', Math.floor(text.length * fraction)) + '\n  title = {'.length;
  const entryStart = text.lastIndexOf('\n@', offset);
  const key = /^\n@\w+\{([^,]+),/.exec(text.slice(entryStart, offset))![1];
  return { offset, key };
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/** Polls completion for `word` until its keys satisfy `done` (or gives up after `timeoutMs`). */
async function untilCompletion(session: LspSession, word: string, done: (keys: string[]) => boolean, timeoutMs: number): Promise<boolean> {
  const uri = session.uriOf(NOTE);
  await session.replace(uri, `${HEADER}[@${word}`);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const { keys } = await session.complete(uri, { line: 2, character: 2 + word.length });
    if (done(keys)) return true;
    await sleep(5);
  }
  return false;
}

/** One entry's title edited on disk (as Zotero's auto-export rewrites the file), then put back. */
async function diskEdit(session: LspSession, catalogPath: string, catalogUri: string, log: (line: string) => void): Promise<number> {
  const original = readFileSync(catalogPath, 'utf8');
  const { offset, key } = titleNearMiddle(original);
  const word = 'zqxdiskedit';
  let restored = false;
  try {
    writeFileSync(catalogPath, original.slice(0, offset) + word + ' ' + original.slice(offset));
    const started = performance.now();
    await session.fileChanged(catalogUri);
    const ok = await untilCompletion(session, word, (keys) => keys.includes(key), 300_000);
    const ms = performance.now() - started;
    log(`  disk edit of ${key} ${ok ? 'reflected' : 'NOT reflected'} after ${Math.round(ms)} ms`);
    writeFileSync(catalogPath, original);
    restored = true;
    await session.fileChanged(catalogUri);
    // Wait for the server to read the file back, so the next measurement starts from a quiet server.
    if (!(await untilCompletion(session, word, (keys) => !keys.includes(key), 300_000))) log('  the restored catalog was not read back within 300 s');
    return ok ? ms : NaN;
  } finally {
    if (!restored) writeFileSync(catalogPath, original);
  }
}

/**
 * The catalog open in the editor and one entry's title edited there (incremental didChange): once
 * right after the open, then three times a second apart, as someone who opened the file and went to
 * the entry. The first edit waits behind the open itself (the 18 MB didOpen at 10k, its line
 * offsets and its read): it is reported, the median of the others is the figure.
 */
async function didChangeEdits(session: LspSession, catalogPath: string, catalogUri: string, log: (line: string) => void): Promise<{ rightAfterOpenMs: number; edits: number[] }> {
  let text = readFileSync(catalogPath, 'utf8');
  await session.open(catalogUri, text, 'bibtex');
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    if (i > 0) await sleep(1000);
    const { offset, key } = titleAt(text, 0.2 + i * 0.2);
    const word = `zqxbufferedit${'abcd'[i]}`;
    const at = positionOf(text, offset);
    const started = performance.now();
    await session.edit(catalogUri, at, at, word + ' ');
    text = text.slice(0, offset) + word + ' ' + text.slice(offset);
    const ok = await untilCompletion(session, word, (keys) => keys.includes(key), 300_000);
    const ms = performance.now() - started;
    log(`  editor edit of ${key} ${i === 0 ? 'right after the open ' : ''}${ok ? 'reflected' : 'NOT reflected'} after ${Math.round(ms)} ms`);
    times.push(ok ? ms : NaN);
  }
  return { rightAfterOpenMs: times[0], edits: times.slice(1) };
}

/** Files and entries per file of the many-catalogs folder: bibliotex, the real collection, has 517 files of 5 entries on average. */
const MANY_CATALOGS = 500;
const ENTRIES_PER_CATALOG = 6;

/** Cuts the first MANY_CATALOGS × ENTRIES_PER_CATALOG entries of the catalog into small files (each with the macros) and times a cold start on them. */
async function manyCatalogsReady(catalogPath: string, dir: string, serverPath: string | undefined): Promise<{ ms: number; papers: number; files: number }> {
  const text = readFileSync(catalogPath, 'utf8');
  const macros = text.match(/^@string\{.*$/gm) ?? [];
  const entries = text.split(/\n(?=@)/).filter((entry) => entry.startsWith('@') && !entry.startsWith('@string'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let papers = 0;
  let files = 0;
  for (let i = 0; i < MANY_CATALOGS; i++) {
    const slice = entries.slice(i * ENTRIES_PER_CATALOG, (i + 1) * ENTRIES_PER_CATALOG);
    if (slice.length === 0) break;
    papers += slice.length;
    files++;
    writeFileSync(join(dir, `part-${String(i).padStart(3, '0')}.bib`), [...macros, ...slice].join('\n') + '\n');
  }
  return inSession({ root: dir, serverPath }, async (session) => {
    await session.initialize();
    return { ms: await session.ready(), papers, files };
  });
}

export async function runServer(input: ServerRunInput): Promise<ServerRunResult> {
  const catalogPath = join(input.root, input.catalogFile);
  const settings = { catalogs: [input.catalogFile] };
  // The topics of an earlier run of the bench on this folder would be shown, not computed: a cold start has none.
  rmSync(topicCacheFileOf(defaultCacheDir(), pathToUri(input.root)), { force: true });
  const cacheBefore = cacheCandidates(input.root);

  input.log('cold start…');
  const session = new LspSession({ root: input.root, settings, nodeFlags: input.nodeFlags, serverPath: input.serverPath });
  const catalogUri = session.uriOf(input.catalogFile);
  try {
    const cold = await coldStart(session, input);
    const catalogLog = session.logs.find((l) => /: read \d+ entries/.test(l.message));
    const serverCatalogMs = catalogLog ? Number(/in (\d+) ms/.exec(catalogLog.message)?.[1]) : undefined;
    // The server reads notes while the worker reads the catalog, and logs how long that took.
    const notesScanBesideCatalogMs = notesReadMs(session);
    const memory = session.memory();

    input.log(`completion: ${input.typing.length} queries typed keystroke by keystroke…`);
    const completion = await completionLatency(session, input.typing);
    input.log(`hover: ${input.hoverKeys.length} citations…`);
    const hover = await hoverLatency(session, input.hoverKeys);
    const floor = await hoverFloor(input.root, input.hoverKeys.length);
    input.log('[@ with nothing typed…');
    const empty = await emptyCitationLatency(session, input.noteKeys, 100);
    input.log('recall through LSP…');
    const lspRecallTop5 = await lspRecall(session, input.recallChecks, 5);
    const lspTypoRecallTop10 = await lspRecall(session, input.typoChecks, 10);
    input.log('note edits…');
    const notes = await noteEdits(session, input.root, input.noteKeys);
    input.log('catalog entry edited on disk…');
    // The median of three: one edit can meet the worker's cache write and its garbage collection.
    const edits: number[] = [];
    for (let i = 0; i < 3; i++) edits.push(await diskEdit(session, catalogPath, catalogUri, input.log));
    const incrementalUpdateMs = percentile(edits, 50);
    let incrementalDidChangeMs: number | undefined;
    let incrementalDidChangeNote = '';
    const incrementalNote = `median of ${edits.map(Math.round).join(', ')} ms: disk edit + didChangeWatchedFiles (includes the server’s 100 ms debounce)`;
    if (statSync(catalogPath).size <= EDITOR_SYNC_LIMIT) {
      input.log('catalog entry edited in the editor…');
      const { rightAfterOpenMs, edits: bufferEdits } = await didChangeEdits(session, catalogPath, catalogUri, input.log);
      incrementalDidChangeMs = percentile(bufferEdits, 50);
      incrementalDidChangeNote = `median of ${bufferEdits.map(Math.round).join(', ')} ms, a second apart; ${Math.round(rightAfterOpenMs)} ms for an edit sent right after the open`;
    }
    const finalMemory = session.memory();
    await session.close();

    // A second start only means something when the first one left a cache behind.
    const cacheAfter = [...cacheCandidates(input.root)].filter((p) => !cacheBefore.has(p));
    let firstCompletionWarmMs = cold.firstCompletionMs;
    let topicsReadyWarmMs: number | undefined;
    const warmFromCache = cacheAfter.length > 0;
    if (warmFromCache) {
      input.log(`warm start (cache: ${cacheAfter.join(', ')})…`);
      const warm = await inSession({ root: input.root, settings, serverPath: input.serverPath }, (session) => coldStart(session, input));
      firstCompletionWarmMs = warm.firstCompletionMs;
      topicsReadyWarmMs = warm.topics.topicsReadyMs;
    }

    // The notes alone: a catalog setting that names no file leaves only the notes to index.
    input.log('notes alone…');
    const notesScanMs = await inSession({ root: input.root, settings: { catalogs: ['no-such-catalog.bib'] }, serverPath: input.serverPath }, async (notesOnly) => {
      await notesOnly.initialize();
      await notesOnly.ready();
      return notesReadMs(notesOnly);
    });

    input.log('[@ typed while the server starts, without a cache and with it…');
    const startCache = join(input.root, '..', 'empty-citation-cache');
    rmSync(startCache, { recursive: true, force: true });
    mkdirSync(startCache, { recursive: true });
    const emptyDuringColdStart = await emptyCitationDuringStart(input, settings, startCache);
    const emptyDuringWarmStart = await emptyCitationDuringStart(input, settings, startCache);
    rmSync(startCache, { recursive: true, force: true });

    input.log(`${MANY_CATALOGS} small catalogs…`);
    const manyCatalogs = await manyCatalogsReady(catalogPath, join(input.root, '..', 'many-catalogs'), input.serverPath);

    const byKind: Record<string, number> = {};
    for (const [kind, list] of completion.byKind) byKind[kind] = percentile(list, 99);
    return {
      firstCompletionColdMs: cold.firstCompletionMs,
      firstCompletionWarmMs,
      warmFromCache,
      topicsReadyWarmMs,
      fullIndexMs: cold.fullIndexMs,
      cpuAtReadyMs: cold.cpuAtReadyMs,
      cpuAtFirstCompletionMs: cold.cpuAtFirstCompletionMs,
      serverCatalogMs,
      notesScanMs,
      manyCatalogsMs: manyCatalogs.ms,
      manyCatalogsPapers: manyCatalogs.papers,
      manyCatalogsFiles: manyCatalogs.files,
      notesScanBesideCatalogMs,
      maxBlockMs: cold.maxBlockMs,
      probes: cold.probes,
      ...cold.topics,
      completionRequests: completion.all.length,
      completionP50Ms: percentile(completion.all, 50),
      completionP99Ms: percentile(completion.all, 99),
      completionMaxMs: Math.max(...completion.all),
      completionP99ByKind: byKind,
      hoverRequests: hover.ms.length,
      hoverFound: hover.found,
      hoverP50Ms: percentile(hover.ms, 50),
      hoverP99Ms: percentile(hover.ms, 99),
      hoverFloorP50Ms: percentile(floor, 50),
      hoverFloorP99Ms: percentile(floor, 99),
      rssAtReadyMB: cold.memoryAtReady.rssMB,
      peakAtReadyMB: cold.memoryAtReady.peakMB,
      rssMB: memory.rssMB,
      peakRssMB: Math.max(memory.peakMB, finalMemory.peakMB),
      lspRecallTop5,
      lspTypoRecallTop10,
      noteEditP50Ms: percentile(notes, 50),
      noteEditMaxMs: Math.max(...notes),
      incrementalUpdateMs,
      incrementalDidChangeMs,
      incrementalDidChangeNote,
      incrementalNote,
      emptyCitationMs: empty.bracket,
      emptyAtWordStartMs: empty.wordStart,
      emptyDuringColdStart,
      emptyDuringWarmStart,
    };
  } catch (e) {
    session.process.kill();
    throw e;
  }
}

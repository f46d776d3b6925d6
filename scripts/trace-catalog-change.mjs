#!/usr/bin/env node
/**
 * `node scripts/trace-catalog-change.mjs [--calls] [--json]`: which files a catalog change goes through, traced
 * in the running code, not read off it. Every function of server/src is compiled with a hook at its
 * entry (TypeScript's transformer, no other change); a workspace of one `.bib` file is indexed by the
 * real WorkspaceFeeder and WorkspaceModel (the catalog worker in-process, as without its bundle), and
 * then two edits of one entry are traced from the feeder to the end of indexing:
 *   - on disk: the watcher reports the file changed (WorkspaceFeeder.fileChanged);
 *   - in the editor: its text is fed (WorkspaceFeeder.feedCatalog).
 *
 * Printed for each: the files control stays in, in order ("stays", seen at every call: a helper's
 * answer counts as a return to its caller), and how many of those stays return to a file already
 * left; the calls from file to file, as a tree; and the calls back, into an earlier stage of the
 * pipeline (STAGES) or into a file that calls the caller: a pipeline in one direction has none.
 * Calling a closure one was handed (an arrow function, a function expression: a callback, a host's
 * method) is no call into the file that wrote it; what the closure calls, that file calls.
 * The catalog worker runs in-process (its messages are turns of the event loop), as in tests.
 * Stays are counted over the catalog pipeline's files (STATIONS); the readers of a format and the
 * plain helpers (catalog/, core/, tokenizers…) count as part of the stay of the file calling them.
 * They are also counted for each thread alone (the worker's: below its code on the stack).
 * `--calls` also prints every call between two files (caller file → file.function); `--json` ends
 * with one line of JSON: per edit, the stays, the calls between pipeline files and the calls back.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** CommonJS loading for server/src, compiled here (see `.ts` below); the bundle is CommonJS too. */
const load = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverSrc = path.join(root, 'server', 'src') + path.sep;
const showCalls = process.argv.includes('--calls');

/**
 * The catalog pipeline's files, as ARCHITECTURE.md draws it, by stage: a change should only go from
 * a stage to a later one. The other files (readers of a format, plain helpers) are part of the stay
 * of the file calling them.
 */
const STAGES = new Map([
  ['server.ts', 0],
  ['node/workspaceFeeder.ts', 1], // which file, when; the editor's text wins
  ['node/catalogReader.ts', 2], // the read: the worker channel, file reads, the disk cache
  ['node/catalogWorker.ts', 2],
  ['node/catalogFiles.ts', 2],
  ['node/fileVersion.ts', 2],
  ['node/cacheRows.ts', 2],
  ['node/catalogCache.ts', 2],
  ['service/catalogIntake.ts', 3], // a reading → a catalog update (the last-good rule)
  ['service/catalogStore.ts', 3], // (the last-good rule, until it moved into the intake)
  ['service/workspaceModel.ts', 4], // papers by key, indexed in slices, `changes`
  ['service/provisionalPapers.ts', 4],
  ['search/paperIndex.ts', 5],
]);
const STATIONS = new Set(STAGES.keys());

// ---- compiling server/src with a hook at every function's entry ------------------------------

const files = [];
function fileIndex(file) {
  const relative = path.relative(serverSrc, file).split(path.sep).join('/');
  let at = files.indexOf(relative);
  if (at < 0) at = files.push(relative) - 1;
  return at;
}

function entryHook(fileAt) {
  return (context) => {
    const f = context.factory;
    const hookCall = (name, closure) =>
      f.createExpressionStatement(
        f.createCallExpression(f.createIdentifier('__litnotesTrace'), undefined, [f.createNumericLiteral(fileAt), f.createStringLiteral(name), closure ? f.createTrue() : f.createFalse()]),
      );
    const nameOf = (node) => {
      if (node.name && ts.isIdentifier(node.name)) return node.name.text;
      if (node.name && ts.isPrivateIdentifier(node.name)) return node.name.text;
      if (node.parent && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) return node.parent.name.text;
      if (node.parent && ts.isPropertyAssignment(node.parent) && node.parent.name && ts.isIdentifier(node.parent.name)) return node.parent.name.text;
      return '(anonymous)';
    };
    const visit = (node) => {
      node = ts.visitEachChild(node, visit, context);
      const isFunction =
        ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
      if (!isFunction || !node.body) return node;
      const name = nameOf(ts.getOriginalNode(node));
      const body = ts.isBlock(node.body) ? node.body : f.createBlock([f.createReturnStatement(node.body)], true);
      const closure = ts.isArrowFunction(node) || ts.isFunctionExpression(node);
      const traced = f.updateBlock(body, [hookCall(name, closure), ...body.statements]);
      if (ts.isFunctionDeclaration(node)) return f.updateFunctionDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, traced);
      if (ts.isMethodDeclaration(node)) return f.updateMethodDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.questionToken, node.typeParameters, node.parameters, node.type, traced);
      if (ts.isFunctionExpression(node)) return f.updateFunctionExpression(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, traced);
      if (ts.isArrowFunction(node)) return f.updateArrowFunction(node, node.modifiers, node.typeParameters, node.parameters, node.type, node.equalsGreaterThanToken, traced);
      if (ts.isGetAccessorDeclaration(node)) return f.updateGetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, node.type, traced);
      return f.updateSetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, traced);
    };
    return (sourceFile) => ts.visitNode(sourceFile, visit);
  };
}

load.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const transformers = filename.startsWith(serverSrc) ? { before: [entryHook(fileIndex(filename))] } : undefined;
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    transformers,
  });
  module._compile(outputText, filename);
};

// ---- recording ---------------------------------------------------------------------------------

let recording = false;
/** Per call: the server/src file it came from (undefined: from the event loop), the file and function called. */
let calls = [];
const fileOfPath = new Map();
function serverFileOf(fileName) {
  if (!fileName || !fileName.startsWith(serverSrc)) return undefined;
  let at = fileOfPath.get(fileName);
  if (at === undefined) fileOfPath.set(fileName, (at = fileIndex(fileName)));
  return at;
}

const workerPath = path.join(serverSrc, 'node', 'catalogWorker.ts');
const workerFile = fileIndex(workerPath);

Error.stackTraceLimit = 200;
globalThis.__litnotesTrace = (fileAt, name, closure) => {
  // Calling a closure one was handed (a callback, a host's method written as an arrow) is no call
  // into its file; what the closure calls, its own file calls.
  if (!recording || closure) return;
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, sites) => sites;
  const holder = {};
  Error.captureStackTrace(holder, globalThis.__litnotesTrace);
  const sites = holder.stack;
  Error.prepareStackTrace = previous;
  // sites[0] is the traced function itself; the caller is the nearest server/src frame below it.
  let from;
  for (let i = 1; i < sites.length && from === undefined; i++) from = serverFileOf(sites[i].getFileName());
  // On the worker thread: below a frame of the worker's code (in-process, its messages are handled there).
  const worker = fileAt === workerFile || sites.some((site) => site.getFileName() === workerPath);
  calls.push({ from, file: fileAt, name, worker });
};

// ---- the scenario ------------------------------------------------------------------------------

function catalogText(titleOfTen) {
  const entries = [];
  for (let i = 0; i < 30; i++) {
    const title = i === 10 ? titleOfTen : `Study ${i} of sparse attention`;
    entries.push(`@article{key${i},\n  title = {${title}},\n  author = {Doe, Jane and Roe, Richard},\n  journal = {Journal of Tests},\n  year = {${2000 + i}},\n  abstract = {We look at case ${i} of attention that is sparse.}\n}\n`);
  }
  return entries.join('\n');
}

/** The pipeline files control stays in, in order, over the calls given; how many stays return to a file already left. */
function staysOf(list) {
  const stations = [];
  for (const call of list) {
    for (const at of [call.from, call.file]) {
      if (at === undefined || !STATIONS.has(files[at])) continue;
      if (stations[stations.length - 1] !== at) stations.push(at);
    }
  }
  const left = new Set();
  let returns = 0;
  for (let i = 0; i < stations.length; i++) {
    if (left.has(stations[i])) returns++;
    if (i > 0) left.add(stations[i - 1]);
  }
  return { stations, returns, files: new Set(stations).size };
}

function report(title, from) {
  const { stations, returns, files: fileCount } = staysOf(calls);
  console.log(`\n${title}\n  from ${from}, until the feeder says the catalog changed (indexing done)`);
  console.log(`  ${stations.length} stays in ${fileCount} files, ${returns} returns to a file already left:`);
  console.log('    ' + stations.map((at) => files[at].replace(/\.ts$/, '')).join(' → '));
  const threads = {};
  for (const [thread, list] of [['main', calls.filter((c) => !c.worker)], ['worker', calls.filter((c) => c.worker)]]) {
    const stays = staysOf(list);
    threads[thread] = { stays: stays.stations.length, files: stays.files, returns: stays.returns };
    console.log(`  ${thread} thread alone: ${stays.stations.length} stays in ${stays.files} files, ${stays.returns} returns:`);
    console.log('    ' + stays.stations.map((at) => files[at].replace(/\.ts$/, '')).join(' → '));
  }

  // Calls between stations (a helper's calls count as its caller's: the nearest station on the stack).
  const edges = new Map();
  for (const call of calls) {
    if (call.from === undefined || call.from === call.file) continue;
    const key = `${files[call.from]} → ${files[call.file]}`;
    const edge = edges.get(key) ?? { from: call.from, to: call.file, count: 0, names: new Set() };
    edge.count++;
    edge.names.add(call.name);
    edges.set(key, edge);
  }
  // The calls between pipeline files as a tree: each file under the file that called it first.
  const stationEdges = [...edges.values()].filter((e) => STATIONS.has(files[e.from]) && STATIONS.has(files[e.to]));
  console.log(`  calls between pipeline files (${stationEdges.length}), each file under the one that called it first (⇒: a message to the worker thread):`);
  const printed = new Set();
  const print = (at, depth) => {
    printed.add(at);
    for (const e of stationEdges) {
      if (e.from !== at) continue;
      const hop = files[e.to] === 'node/catalogWorker.ts' && e.names.has('handle') ? '⇒ ' : '';
      const names = [...e.names].slice(0, 5).join(', ') + (e.names.size > 5 ? ', …' : '');
      const seen = printed.has(e.to);
      console.log(`    ${'   '.repeat(depth)}${hop}${files[e.to].replace(/\.ts$/, '')}  (${names})${seen ? '  ↑ above' : ''}`);
      if (!seen) print(e.to, depth + 1);
    }
  };
  const firstFile = calls.find((c) => STATIONS.has(files[c.file]))?.file;
  if (firstFile !== undefined) {
    console.log(`    ${files[firstFile].replace(/\.ts$/, '')}`);
    print(firstFile, 1);
  }
  // A call back: an edge a → b where b reaches a through the calls (a cycle in the call graph).
  const next = new Map();
  for (const e of edges.values()) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from).add(e.to);
  }
  const reaches = (a, b) => {
    const seen = new Set([a]);
    const todo = [a];
    while (todo.length > 0) {
      const x = todo.pop();
      if (x === b) return true;
      for (const y of next.get(x) ?? []) {
        if (seen.has(y)) continue;
        seen.add(y);
        todo.push(y);
      }
    }
    return false;
  };
  const back = [...edges.values()].filter((e) => reaches(e.to, e.from) || STAGES.get(files[e.to]) < STAGES.get(files[e.from]));
  console.log(`  calls back (to an earlier stage, or a file calling one that calls it): ${back.length === 0 ? 'none' : ''}`);
  for (const e of back) console.log(`    ${files[e.from]} → ${files[e.to]}  (${[...e.names].join(', ')})`);
  if (showCalls) {
    console.log('  every call between two files, in order:');
    for (const call of calls) if (call.from !== call.file) console.log(`    ${call.from === undefined ? '(event loop)' : files[call.from]} → ${files[call.file]}.${call.name}`);
  }
  return {
    stays: stations.length,
    files: fileCount,
    returns,
    threads,
    back: back.map((e) => `${files[e.from]} → ${files[e.to]}`),
    calls: stationEdges.map((e) => `${files[e.from]} → ${files[e.to]}`),
  };
}

async function main() {
  const { WorkspaceModel } = load('../server/src/service/workspaceModel.ts');
  const { WorkspaceFeeder } = load('../server/src/node/workspaceFeeder.ts');
  const { defaultSettings } = load('../server/src/service/settings.ts');

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-trace-'));
  const bibPath = path.join(folder, 'refs.bib');
  const uri = pathToFileURL(bibPath).href;
  fs.writeFileSync(bibPath, catalogText('Original title'));
  const open = new Map();
  let changed;
  const host = {
    log: () => undefined,
    error: (message) => console.error(message),
    openText: (u) => open.get(u),
    catalogChanged: (u) => changed?.(u),
    noteChanged: () => undefined,
  };
  const model = new WorkspaceModel();
  model.setWorkspaceFolders([pathToFileURL(folder).href]);
  const feeder = new WorkspaceFeeder(model, host, defaultSettings);
  feeder.useCatalogReader({ cacheDir: undefined, server: 'trace' });
  await feeder.indexWorkspace({ report: () => undefined, isCancelled: () => false });
  await feeder.whenIndexed();
  if (model.paperCount !== 30) throw new Error(`expected 30 papers, found ${model.paperCount}`);
  const untilChanged = () => new Promise((resolve) => (changed = resolve));

  fs.writeFileSync(bibPath, catalogText('Edited on disk'));
  calls = [];
  recording = true;
  let done = untilChanged();
  feeder.fileChanged(uri, false);
  await done;
  recording = false;
  if (model.paper('key10')?.title !== 'Edited on disk') throw new Error('the disk edit did not reach the model');
  const disk = report('A disk edit of one entry of refs.bib', 'WorkspaceFeeder.fileChanged');

  const text = catalogText('Edited in the editor');
  open.set(uri, text);
  calls = [];
  recording = true;
  done = untilChanged();
  await feeder.feedCatalog(uri, text);
  await done;
  recording = false;
  if (model.paper('key10')?.title !== 'Edited in the editor') throw new Error('the editor edit did not reach the model');
  const editor = report('An editor edit of one entry of refs.bib', 'WorkspaceFeeder.feedCatalog');

  feeder.dispose();
  fs.rmSync(folder, { recursive: true, force: true });
  console.log(`\nsummary: disk ${disk.stays} stays / ${disk.files} files / ${disk.returns} returns / ${disk.back.length} calls back; editor ${editor.stays} / ${editor.files} / ${editor.returns} / ${editor.back.length}`);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ disk, editor }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

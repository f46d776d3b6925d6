/**
 * The bench's topics phase alone (serverRun.ts topicsPhase), with every slow answer listed: a start
 * until the index is ready, then `litnotes/topics` polled every 50 ms until it no longer says
 * computing, and a hover every 20 ms meanwhile. Prints each topics answer over 20 ms and each hover
 * over 30 ms with its time after ready (`c`: said computing; in brackets the topics listed), and
 * the server's log lines. To compare two builds, copy each one's dist/{server,catalogWorker,topicWorker}.js
 * to a folder and run them in turns:
 *   flock /tmp/litnotes-bench.lock npx tsx test/bench/topicsPhaseProbe.ts --server <folder> [--size 100k] [--label A]
 *     [--prof <dir>: CPU profiles of every thread] [--preload <file>: node --require for the server]
 * The topic cache is deleted first (topics computed, not read back); the catalog cache is kept in `--store`.
 */
import { rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LspSession } from './lspSession';
import { benchDataDir } from './generate';
import { topicCacheFileOf } from '../../server/src/node/topicCache';
import { pathToUri } from '../../server/src/node/files';

const arg = (name: string, fallback?: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const serverDir = arg('--server')!;
  const root = benchDataDir(arg('--size', '100k')!);
  const label = arg('--label', serverDir)!;
  const store = arg('--store', join(root, '..', 'topics-phase-store'))!;
  mkdirSync(store, { recursive: true });
  rmSync(topicCacheFileOf(store, pathToUri(root)), { force: true });
  const prof = arg('--prof');
  const session = new LspSession({ root, settings: { catalogs: ['catalog.bib'] }, serverPath: join(serverDir, 'server.js'), storagePath: store, nodeFlags: [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), ...(arg('--preload') ? ['--require', arg('--preload')!] : [])] });
  await session.initialize();
  const uri = session.uriOf('bench-note.md');
  await session.open(uri, '# Bench\n\n');
  const readyAt = await session.ready();
  const readyWall = Date.now();
  console.log(`ready wall ${readyWall} server pid ${session.pid}`);
  const probes: { at: number; ms: number }[] = [];
  const pending: Promise<void>[] = [];
  const timer = setInterval(() => {
    const at = session.now();
    pending.push(session.hover(uri, { line: 0, character: 0 }).then((r) => void probes.push({ at, ms: r.ms })));
  }, 20);
  const answers: { at: number; ms: number; computing: boolean; n: number }[] = [];
  for (;;) {
    const at = session.now();
    const { result, ms } = await session.topics();
    answers.push({ at, ms, computing: !!result.computing, n: result.topics.length });
    if (!result.computing) break;
    await sleep(50);
  }
  const topicsReady = session.now() - readyAt;
  clearInterval(timer);
  await Promise.all(pending);
  const rel = (t: number) => Math.round(t - readyAt);
  const modelLog = session.logs.find((l) => /^Topics: \d+ topics/.test(l.message));
  console.log(`${label}: ready ${Math.round(readyAt)} ms; topics ready +${Math.round(topicsReady)} ms; ${modelLog?.message} (log at +${modelLog ? rel(modelLog.at) : '?'})`);
  const slow = answers.filter((a) => a.ms > 20);
  console.log(`  topics answers: ${answers.length}, max ${Math.round(Math.max(...answers.map((a) => a.ms)))} ms; > 20 ms: ${slow.map((a) => `+${rel(a.at)}:${Math.round(a.ms)}${a.computing ? 'c' : ''}(${a.n})`).join(' ')}`);
  const slowProbes = probes.filter((p) => p.ms > 30);
  console.log(`  probes: ${probes.length}, max ${Math.round(Math.max(...probes.map((p) => p.ms)))} ms; > 30 ms: ${slowProbes.map((p) => `+${rel(p.at)}:${Math.round(p.ms)}`).join(' ')}`);
  for (const l of session.logs.filter((l) => l.at > readyAt - 100)) console.log(`  log +${rel(l.at)} ${l.message.slice(0, 160)}`);
  await session.close();
}
main().catch((e) => { console.error(e); process.exit(1); });

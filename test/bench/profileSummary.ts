/**
 * Where the server's time went: `npx tsx test/bench/profileSummary.ts <file.cpuprofile> [top]`.
 * Give the ready time the bench printed as `until` to see the cold start alone.
 * `npm run bench -- --profile` writes the server's profile and the bundle it ran to bench-data/run-<size>/. Prints self
 * time per function (file:line) and, per source file, self time summed: the bottleneck list.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * esbuild writes `// server/src/search/paperIndex.ts` before each module of the bundle: a line of
 * dist/server.js → the source file it came from.
 */
function bundleSources(bundlePath: string): (line: number) => string | undefined {
  let text: string;
  try {
    text = readFileSync(bundlePath, 'utf8');
  } catch {
    return () => undefined;
  }
  const starts: { line: number; file: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const match = /^\/\/ ([\w@./-]+\.(?:ts|js|mjs|cjs))$/.exec(line);
    if (match) starts.push({ line: i, file: match[1] });
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].line <= line) {
        found = starts[mid].file;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** Self time by function and by source file, between `fromMs` and `untilMs` of the profile (all of it by default). */
export function summarize(profile: CpuProfile, top: number, bundlePath: string, untilMs = Infinity, fromMs = 0): string {
  const sourceOf = bundleSources(bundlePath);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs > untilMs * 1000) break;
    if (elapsedUs < fromMs * 1000) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file = (frame.url.endsWith('/server.js') ? sourceOf(frame.lineNumber) : undefined) ?? (frame.url.replace(/^file:\/\/.*\//, '') || '(native)');
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const total = Math.min(untilMs, (profile.endTime - profile.startTime) / 1000) - fromMs;
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ${((us / 10 / total) | 0).toString().padStart(3)} %  ${name}`);
  return [`profile: ${total.toFixed(0)} ms`, 'self time by function:', ...list(byFunction), 'self time by file:', ...list(byFile)].join('\n');
}

if (require.main === module) {
  const [file, top, until, from] = process.argv.slice(2);
  if (!file) throw new Error('Usage: tsx test/bench/profileSummary.ts <file.cpuprofile> [top] [until ms, e.g. the ready time] [from ms]');
  // The bench copies the bundle it ran next to the profile.
  console.log(summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 30), join(dirname(file), 'server.js'), Number(until ?? Infinity), Number(from ?? 0)));
}

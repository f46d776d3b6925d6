/**
 * One timed topic run in its own process (started by topics.ts with `--trace-gc`): reads documents
 * from a JSON file, builds the topics with the model as esbuild bundles it (the worker runs the
 * bundle; under tsx every imported function is a getter call), then again with one paper added
 * (the previous result given). Prints markers around each phase so the parent reads the heap's
 * peak from the GC trace.
 */
import { readFileSync } from 'node:fs';
import { compactDocument } from '../../server/src/node/compactDocument';
import { collectGarbage } from './gc';
import { suspectLabels } from './topicsQuality';
import type { buildTopics as BuildTopics } from '../../server/src/search/topicModel';
import type { TopicDocument } from '../../server/src/search/topicResult';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle the parent built, loaded at run time
const { buildTopics } = require(process.argv[3]) as { buildTopics: typeof BuildTopics };
/**
 * The documents as the worker holds them: strings of their own (as a structured clone makes them;
 * JSON.parse's are slices of the whole file, which they keep in memory) and abstracts as UTF-8
 * bytes, so the peak heap is the worker's.
 */
function readDocuments(path: string): TopicDocument[] {
  return structuredClone(JSON.parse(readFileSync(path, 'utf8')) as TopicDocument[]).map(compactDocument);
}
const docs = readDocuments(process.argv[2]);
const added = docs.pop() as TopicDocument;
collectGarbage();
// The documents' memory: the heap they use (nearly all of it now) and their bytes outside it.
const { heapUsed: heapBefore, arrayBuffers: outsideHeap } = process.memoryUsage();
console.log(`@@phase full ${heapBefore}`);
let started = performance.now();
let cpu = process.cpuUsage();
const result = buildTopics(docs);
const fullMs = performance.now() - started;
cpu = process.cpuUsage(cpu);
const fullCpuMs = (cpu.user + cpu.system) / 1000;
const heapAfter = process.memoryUsage().heapUsed;
console.log(`@@end ${heapAfter}`);
collectGarbage();
const retained = process.memoryUsage().heapUsed - heapBefore;

console.log(`@@phase incremental ${process.memoryUsage().heapUsed}`);
started = performance.now();
const next = buildTopics([...docs, added], { previous: result });
const incrementalMs = performance.now() - started;
console.log(`@@end ${process.memoryUsage().heapUsed}`);

const nextTopic = new Map(next.placements.map((p) => [p.key, p.topic]));
const counts = new Map<string, number>();
for (const p of result.placements) counts.set(p.topic, (counts.get(p.topic) ?? 0) + 1);
let largestLeaf = 0;
for (const [id, count] of counts) if (id !== 'other') largestLeaf = Math.max(largestLeaf, count);
const top = result.topics.filter((t) => t.parentId === undefined && t.id !== 'other');
const other = result.topics.find((t) => t.id === 'other')?.size ?? 0;
const json = JSON.stringify(result);
console.log(
  `@@result ${JSON.stringify({
    papers: docs.length,
    fullMs,
    fullCpuMs,
    incrementalMs,
    retainedBytes: retained,
    documentsBytes: heapBefore + outsideHeap,
    outsideHeapBytes: outsideHeap,
    resultBytes: json.length,
    topTopics: top.length,
    nodes: result.topics.length,
    largestTop: Math.max(...top.map((t) => t.size)) / docs.length,
    largestLeaf,
    other: other / docs.length,
    changedPlacements: result.placements.filter((p) => nextTopic.get(p.key) !== p.topic).length,
    suspect: suspectLabels(result.topics.filter((t) => t.id !== 'other').map((t) => t.label)),
  })}`,
);

/**
 * The on-disk cache of the last topics, in the catalog cache's folder: a warm start shows the
 * topics of the last session at once, and hands the whole result (with the model's own state) back
 * to the model as `previous`, so topic ids and labels stay the same across restarts.
 *
 * One file per workspace, named by a hash of its folders, in lines:
 *   { format: TOPIC_CACHE_FORMAT, server, workspace, documents, pieces }
 *   the topics (JSON list)
 *   the placements, PLACEMENTS_PER_LINE per line (JSON lists)
 *   the rest of the result (the model's state), as one JSON object
 * `documents` fingerprints the papers the result was computed from: when the papers of the new
 * start have the same, the model need not run again. The file is used only when format, server
 * version and workspace match and every line is there; what the main thread gets from it is
 * checked row by row (topicIndex.ts), and the file name is computed, never read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TopicResult } from '../search/topicResult';

export const TOPIC_CACHE_FORMAT = 'litnotes-topics-cache/1';
const PLACEMENTS_PER_LINE = 2000;

export interface CachedTopics {
  /** The fingerprint of the papers the result was computed from. */
  documents: string;
  result: TopicResult;
}

export function topicCacheFileOf(cacheDir: string, workspace: string): string {
  return path.join(cacheDir, `topics-${createHash('sha256').update(workspace).digest('hex').slice(0, 24)}.json`);
}

export function writeTopicCache(cacheDir: string, workspace: string, server: string, documents: string, result: TopicResult): void {
  const { topics, placements, ...rest } = result;
  const lines: string[] = [];
  for (let i = 0; i < placements.length; i += PLACEMENTS_PER_LINE) lines.push(JSON.stringify(placements.slice(i, i + PLACEMENTS_PER_LINE)));
  const header = JSON.stringify({ format: TOPIC_CACHE_FORMAT, server, workspace, documents, pieces: lines.length });
  mkdirSync(cacheDir, { recursive: true });
  const file = topicCacheFileOf(cacheDir, workspace);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, [header, JSON.stringify(topics), ...lines, JSON.stringify(rest)].join('\n') + '\n');
  renameSync(temporary, file); // never a half-written cache file
}

/** The cached topics of `workspace`, or undefined when there are none usable (missing, foreign, cut short, not JSON). */
export function readTopicCache(cacheDir: string, workspace: string, server: string): CachedTopics | undefined {
  try {
    const lines = readFileSync(topicCacheFileOf(cacheDir, workspace), 'utf8').split('\n');
    const header: unknown = JSON.parse(lines[0]);
    if (!isRecord(header) || header.format !== TOPIC_CACHE_FORMAT || header.server !== server || header.workspace !== workspace) return undefined;
    const { documents, pieces } = header;
    // Header, topics, the pieces, the rest, and the empty string after the last newline.
    if (typeof documents !== 'string' || typeof pieces !== 'number' || lines.length !== pieces + 4 || lines[lines.length - 1] !== '') return undefined;
    const topics: unknown = JSON.parse(lines[1]);
    const placements = lines.slice(2, 2 + pieces).flatMap((line) => JSON.parse(line) as unknown);
    const rest: unknown = JSON.parse(lines[2 + pieces]);
    if (!Array.isArray(topics) || !isRecord(rest) || !placements.every(isRecord)) return undefined;
    // The shape only: the worker checks the result (topicIndex.ts) before it uses it.
    return { documents, result: { ...rest, topics, placements } as unknown as TopicResult };
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

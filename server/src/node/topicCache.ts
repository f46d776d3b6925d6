/**
 * The on-disk cache of the last topics (a `TopicResult` as pieces, see search/topicIndex.ts), in the
 * catalog cache's folder: a warm start shows the topics of the last session at once, and passes
 * them to the model as `previous` so topic ids and labels stay the same across restarts.
 *
 * One file per workspace, named by a hash of its folders, in lines:
 *   { format: TOPIC_CACHE_FORMAT, server, workspace, documents }
 *   the result's head, then its pieces of rows, one per line
 * `documents` fingerprints the papers the result was computed from: when the papers of the new
 * start have the same, the model need not run again. The file is used only when format, server
 * version and workspace match and every piece is there; its text is untrusted like any cache (the
 * main thread checks every row), and the file name is computed, never read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TopicPieces } from '../search/topicIndex';
import { ownBytes } from './catalogCache';

export const TOPIC_CACHE_FORMAT = 'litnotes-topics-cache/1';

export interface CachedTopics {
  /** The fingerprint of the papers the result was computed from. */
  documents: string;
  head: Uint8Array;
  rows: Uint8Array[];
}

export function topicCacheFileOf(cacheDir: string, workspace: string): string {
  return path.join(cacheDir, `topics-${createHash('sha256').update(workspace).digest('hex').slice(0, 24)}.json`);
}

export function writeTopicCache(cacheDir: string, workspace: string, server: string, documents: string, pieces: TopicPieces): void {
  mkdirSync(cacheDir, { recursive: true });
  const file = topicCacheFileOf(cacheDir, workspace);
  const temporary = `${file}.${process.pid}.tmp`;
  const header = JSON.stringify({ format: TOPIC_CACHE_FORMAT, server, workspace, documents, pieces: pieces.rows.length });
  writeFileSync(temporary, [header, pieces.head, ...pieces.rows].join('\n') + '\n');
  renameSync(temporary, file); // never a half-written cache file
}

/** The cached topics of `workspace` as bytes to send (not parsed here), or undefined when there are none usable. */
export function readTopicCache(cacheDir: string, workspace: string, server: string): CachedTopics | undefined {
  let lines: string[];
  let header: unknown;
  try {
    lines = readFileSync(topicCacheFileOf(cacheDir, workspace), 'utf8').split('\n');
    header = JSON.parse(lines[0]);
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null) return undefined;
  const { format, server: writtenBy, workspace: of, documents, pieces } = header as Record<string, unknown>;
  if (format !== TOPIC_CACHE_FORMAT || writtenBy !== server || of !== workspace || typeof documents !== 'string' || typeof pieces !== 'number') return undefined;
  // Header, head, the pieces, and the empty string after the last newline: anything else is cut short.
  if (lines.length !== pieces + 3 || lines[lines.length - 1] !== '') return undefined;
  return { documents, head: ownBytes(lines[1]), rows: lines.slice(2, -1).map(ownBytes) };
}

/**
 * File I/O for the glue: `file://` URIs ↔ paths (encoded the way VS Code encodes them, so a URI the
 * client sends and one made from a path compare equal), reading files, reading their first bytes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSegment } from '../service/uri';

/** Characters `encodeSegment` keeps as they are, and the separator. */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

export function pathToUri(filePath: string): string {
  let p = path.resolve(filePath);
  if (process.platform === 'win32') {
    p = p.replace(/\\/g, '/').replace(/^([A-Za-z]):/, (_m, drive: string) => '/' + drive.toLowerCase() + ':');
  }
  // Most paths need no escaping: 10,000 notes' URIs were 60 ms of a start, segment by segment.
  return 'file://' + (PLAIN_PATH.test(p) ? p : p.split('/').map(encodeSegment).join('/'));
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The same URI in our one encoding; non-file URIs (untitled:) are returned as they are. */
export function normalizeUri(uri: string): string {
  const p = uriToPath(uri);
  return p === undefined ? uri : pathToUri(p);
}

/**
 * The largest file LitNotes reads. A catalog of 100,000 entries is under 200 MB; past this, reading
 * would only exhaust the server's memory (and V8 cannot hold a string of more than 512 MB).
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** A file's text (invalid UTF-8 becomes U+FFFD); refuses files larger than `maxBytes` with a message for the user. */
export async function readText(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  return (await readTextAndTime(filePath, maxBytes)).text;
}

/** `readText`, and when the file was last modified (ms since the epoch). */
export async function readTextAndTime(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<{ text: string; modifiedAt: number }> {
  const { size, mtimeMs } = await fs.stat(filePath);
  if (size > maxBytes) {
    throw new Error(`the file is ${megabytes(size)}, larger than the ${megabytes(maxBytes)} LitNotes reads; split it or exclude it with litnotes.exclude`);
  }
  return { text: await fs.readFile(filePath, 'utf8'), modifiedAt: mtimeMs };
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** The first `bytes` bytes as text: enough to sniff a file's format without reading it all. */
export async function readHead(filePath: string, bytes = 4096): Promise<string> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

export async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await fs.stat(filePath)).isFile();
  } catch {
    return false;
  }
}

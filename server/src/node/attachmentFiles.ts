/**
 * What the disk says about an attachment's candidate paths: whether it is there, a regular file,
 * and its first bytes, after following links (the opener would follow them too, so the checks see
 * the real file and the real location). service/paperAttachments.ts decides from these facts.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HEAD_BYTES, type FileFacts } from '../service/attachmentSafety';
import { pathToUri, uriToPath } from './files';

/** The first candidate that exists (links followed), else the facts of the first one. */
export async function firstExisting(uris: readonly string[]): Promise<FileFacts> {
  let first: FileFacts | undefined;
  for (const uri of uris) {
    const facts = await fileFacts(uri);
    if (facts.exists) return facts;
    first ??= facts;
  }
  return first ?? { uri: uris[0] ?? '', exists: false, isFile: false, head: new Uint8Array() };
}

export async function fileFacts(uri: string): Promise<FileFacts> {
  const missing: FileFacts = { uri, exists: false, isFile: false, head: new Uint8Array() };
  const filePath = uriToPath(uri);
  if (!filePath) return missing;
  let real: string;
  try {
    real = await fs.realpath(filePath);
  } catch {
    return missing;
  }
  const realUri = pathToUri(real);
  try {
    const stat = await fs.stat(real);
    if (!stat.isFile()) return { uri: realUri, exists: true, isFile: false, head: new Uint8Array() };
    return { uri: realUri, exists: true, isFile: true, head: await readHead(real) };
  } catch {
    return { ...missing, uri: realUri };
  }
}

async function readHead(filePath: string): Promise<Uint8Array> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The user's home folder as a `file://` URI (for `~/` in `file` fields). */
export function homeUri(): string {
  return pathToUri(os.homedir());
}

/** Zotero's default storage folder, `~/Zotero/storage` (on every platform). */
export function defaultZoteroStorageUri(): string {
  return pathToUri(path.join(os.homedir(), 'Zotero', 'storage'));
}

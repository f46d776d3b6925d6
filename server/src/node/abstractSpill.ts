/**
 * The abstracts of a big catalog read, spilled by the catalog worker to a scratch file beside the
 * catalog cache and read back when one is shown (hover, completion documentation, the paper view,
 * topics). At 100,000 papers they are 130 MB that the server kept in memory for the few it shows;
 * reading one back takes microseconds.
 *
 * One file per whole read of a catalog, `litnotes-abstracts-<pid>-<thread>-<n>.bin`, written once
 * and never changed. A new whole read deletes the file of the read before the last (the last one's
 * papers are still shown while the new ones are indexed); the server deletes its files when it
 * stops, and a server starting deletes those of processes that are gone. A spill that cannot be
 * written keeps its abstracts in memory; one that cannot be read shows none, never wrong ones.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { ExternalBytes } from '../catalog/paper';

const PREFIX = 'litnotes-abstracts-';
/** Spill files kept per catalog: the last whole read's and the one before (still shown until replaced). */
const KEPT_PER_CATALOG = 2;
/** A reader closes its file after this long unused. */
const READER_IDLE_MS = 2000;

/** The file the abstracts of one read are appended to (worker side). */
export class SpillFile {
  private position = 0;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends `bytes`; their offset in the file, or undefined when the file cannot take them (disk full). */
  append(bytes: Uint8Array): number | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const at = this.position;
      for (let written = 0; written < bytes.length; ) written += writeSync(this.fd, bytes, written, bytes.length - written, at + written);
      this.position += bytes.length;
      return at;
    } catch {
      this.close(); // the rest of the read keeps its abstracts in memory
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The worker's spill files, per catalog URI, in `dir`. */
export class AbstractSpills {
  private readonly files = new Map<string, string[]>();
  private next = 0;

  constructor(private readonly dir: string) {
    removeStaleSpills(dir);
  }

  /** A new file for a whole read of `uri`, or undefined when none can be made (the abstracts stay in memory). */
  start(uri: string): SpillFile | undefined {
    let file: SpillFile;
    try {
      mkdirSync(this.dir, { recursive: true });
      file = new SpillFile(path.join(this.dir, `${PREFIX}${process.pid}-${threadId}-${this.next++}.bin`));
    } catch {
      return undefined;
    }
    const files = this.files.get(uri) ?? [];
    files.push(file.path);
    while (files.length > KEPT_PER_CATALOG) removeSpill(files.shift()!);
    this.files.set(uri, files);
    return file;
  }

  /** A file `start` gave for a read that was given up (read again another way): no reader will ask for it. */
  discard(uri: string, file: SpillFile): void {
    file.close();
    removeSpill(file.path);
    const files = this.files.get(uri);
    if (files?.includes(file.path)) files.splice(files.indexOf(file.path), 1);
  }

  forget(uri: string): void {
    for (const file of this.files.get(uri) ?? []) removeSpill(file);
    this.files.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.files.keys()]) this.forget(uri);
  }
}

/** The main thread's reading side: one per spill file, its descriptor open while it is in use. */
export class SpillReader {
  private fd: number | undefined;
  private idle: NodeJS.Timeout | undefined;

  constructor(readonly path: string) {}

  /** The bytes of a block written at `at` in the file. */
  block(at: number): ExternalBytes {
    return { read: (start, end) => this.read(at + start, at + end) };
  }

  read(start: number, end: number): Uint8Array | undefined {
    try {
      this.fd ??= openSync(this.path, 'r');
      const bytes = Buffer.allocUnsafe(end - start);
      let done = 0;
      while (done < bytes.length) {
        const read = readSync(this.fd, bytes, done, bytes.length - done, start + done);
        if (read === 0) return undefined; // shorter than written: not our file any more
        done += read;
      }
      this.closeWhenIdle();
      return bytes;
    } catch {
      this.close();
      return undefined;
    }
  }

  private closeWhenIdle(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), READER_IDLE_MS);
    this.idle.unref?.();
  }

  close(): void {
    clearTimeout(this.idle);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Deletes a spill file (the server stopping); a file already gone is fine. */
export function removeSpill(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Gone already, or the folder went away.
  }
}

/** Spill files left by servers that did not stop cleanly (killed, crashed). */
export function removeStaleSpills(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(PREFIX) ? /^(\d+)-/.exec(name.slice(PREFIX.length))?.[1] : undefined;
    if (pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid))) removeSpill(path.join(dir, name));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/**
 * What CatalogFiles keeps of the last version of a file, to tell what the next version changed.
 *
 * Right after a read it holds the bytes and compares exactly (memcmp). Once `settle` runs (the
 * catalog worker calls it after sending a read) a file of SETTLE_MIN_BYTES or more keeps only a
 * CRC-32 per block instead, twice: blocks counted from the start and blocks counted from the end,
 * so a common prefix and a common suffix are found however much the length changed. The bytes were
 * 176 MB of the server's memory at 100,000 papers; the checksums are 90 KB, and checking a new
 * version against them takes one pass of zlib's CRC (about 40 ms for 176 MB here).
 *
 * A prefix or suffix found by checksums ends on a block boundary, so it is at most the true one:
 * the reader then re-reads a little more than the edit, never less. A changed block with the same
 * CRC-32 would go unseen (a 2^-32 chance per changed block, none for changes within 32 bits).
 *
 * Against checksums, the next version need not be in memory: a `DiskFile` is read a chunk at a
 * time through one small buffer, and the version it becomes keeps the old checksums where the two
 * agree and computes the rest at `settle`, after the edit is sent. Reading the whole 176 MB file
 * into a new buffer for each edit took 90–180 ms, and up to 760 ms on a busy machine.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as zlib from 'node:zlib';

const BLOCK = 16 * 1024;
const SETTLE_MIN_BYTES = 4 * 1024 * 1024;
/** Blocks read from a file at a time (1 MB). */
const CHUNK_BLOCKS = 64;
/** zlib.crc32 came with Node 20.15 and 22.2; an older editor's Node keeps the bytes. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** The bytes of one version of a file: in memory, or read from the file when asked for. */
export interface ByteSource {
  readonly length: number;
  /** Bytes [from, to): a view of the memory, or read into `into` (a new buffer without it). */
  read(from: number, to: number, into?: Buffer): Buffer;
}

export function bytesInMemory(buffer: Buffer): ByteSource {
  return { length: buffer.length, read: (from, to) => buffer.subarray(from, to) };
}

/** What tells one version of a file on disk from another without reading it. */
interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** A file open for reading, its size fixed when opened. */
export class DiskFile implements ByteSource {
  readonly length: number;
  readonly stamp: Stamp;

  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {
    const { size, mtimeMs, ino } = fstatSync(fd!);
    this.stamp = { size, mtimeMs, ino };
    this.length = size;
  }

  static open(path: string): DiskFile {
    return new DiskFile(path, openSync(path, 'r'));
  }

  read(from: number, to: number, into?: Buffer): Buffer {
    if (this.fd === undefined) throw new Error(`${this.path} was read after it was closed`);
    const length = to - from;
    const out = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const n = readSync(this.fd, out, done, length - done, from + done);
      if (n === 0) throw new Error('the file got shorter while it was read');
      done += n;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A version read from disk against checksums: what `settle` needs to make its own. */
interface Pending {
  path: string;
  stamp: Stamp;
  /** The version before, none for a file read whole from disk in chunks. */
  before: FileVersion | undefined;
  /** Block-aligned common prefix and suffix with `before`: their checksums are `before`'s. */
  prefix: number;
  suffix: number;
}

export class FileVersion {
  /** CRC-32 of each whole block: `head[k]` of bytes [k·BLOCK, (k+1)·BLOCK), `tail[k]` of the k-th block from the end. */
  private head: Uint32Array | undefined;
  private tail: Uint32Array | undefined;
  private pending: Pending | undefined;

  constructor(
    private bytes: Buffer | undefined,
    readonly length = bytes!.length,
  ) {}

  /**
   * The version after `before`, given how much of them is the same. A file on disk stays there when
   * `before` keeps checksums; anything else is read into memory.
   */
  static after(before: FileVersion, next: ByteSource, prefix: number, suffix: number): FileVersion {
    if (!(next instanceof DiskFile) || !before.head) return new FileVersion(next.read(0, next.length));
    const version = new FileVersion(undefined, next.length);
    version.pending = { path: next.path, stamp: next.stamp, before, prefix, suffix };
    return version;
  }

  /**
   * A big file read whole from disk a chunk at a time (its bytes were never in memory at once): it
   * gets its checksums from the disk at `settle`, as an edited version does, if it is still the file read.
   */
  static onDisk(file: DiskFile): FileVersion {
    const version = new FileVersion(undefined, file.length);
    version.pending = { path: file.path, stamp: file.stamp, before: undefined, prefix: 0, suffix: 0 };
    return version;
  }

  /** Keeps checksums instead of the bytes, for a big file (see the top of this file). */
  settle(): void {
    if (this.pending) return this.settleFromDisk(this.pending);
    const bytes = this.bytes;
    if (!bytes || !crc32 || bytes.length < SETTLE_MIN_BYTES) return;
    const source = bytesInMemory(bytes);
    const blocks = Math.floor(bytes.length / BLOCK);
    this.head = new Uint32Array(blocks);
    this.tail = new Uint32Array(blocks);
    forwardCrcs(source, 0, blocks, (k, crc) => void (this.head![k] = crc));
    backwardCrcs(source, 0, blocks, (k, crc) => void (this.tail![k] = crc));
    this.bytes = undefined;
  }

  get settled(): boolean {
    return this.bytes === undefined && this.pending === undefined;
  }

  /** Whether this version is compared by checksums (or will be, once settled). */
  get hasChecksums(): boolean {
    return this.head !== undefined || this.pending !== undefined;
  }

  equals(next: ByteSource | Buffer): boolean {
    const source = asSource(next);
    return this.isSame(source, this.commonPrefix(source));
  }

  /** Whether `next`, with `prefix` in common with this version (from commonPrefix), is this version. */
  isSame(next: ByteSource, prefix: number): boolean {
    if (next.length !== this.length) return false;
    if (this.bytes) return prefix === this.length;
    const tail = this.tail;
    if (!tail) return false;
    // The bytes past the last whole block are in the first block from the end.
    return prefix === Math.floor(this.length / BLOCK) * BLOCK && (this.length % BLOCK === 0 || (tail.length > 0 && crcOf(next, next.length - BLOCK) === tail[0]));
  }

  /** How many bytes at the start `next` has in common with this version (at most: see the top). */
  commonPrefix(next: ByteSource | Buffer): number {
    this.settlePending();
    const source = asSource(next);
    const n = Math.min(this.length, source.length);
    const old = this.bytes;
    if (old) {
      const bytes = source.read(0, n);
      let i = 0;
      while (i + BLOCK <= n && old.compare(bytes, i, i + BLOCK, i, i + BLOCK) === 0) i += BLOCK;
      while (i < n && old[i] === bytes[i]) i++;
      return i;
    }
    if (!this.head) return 0; // the file changed while it was read: nothing is known in common
    const head = this.head;
    let k = 0;
    forwardCrcs(source, 0, Math.min(head.length, Math.floor(n / BLOCK)), (block, crc) => {
      if (crc !== head[block]) return false;
      k++;
    });
    return k * BLOCK;
  }

  /** How many bytes at the end `next` has in common with this version, at most `max`. */
  commonSuffix(next: ByteSource | Buffer, max: number): number {
    this.settlePending();
    const source = asSource(next);
    const old = this.bytes;
    if (old) {
      const bytes = source.read(Math.max(0, source.length - max), source.length);
      const end = bytes.length;
      let k = 0;
      while (k + BLOCK <= max && old.compare(bytes, end - k - BLOCK, end - k, old.length - k - BLOCK, old.length - k) === 0) k += BLOCK;
      while (k < max && old[old.length - 1 - k] === bytes[end - 1 - k]) k++;
      return k;
    }
    if (!this.tail) return 0;
    const tail = this.tail;
    let k = 0;
    backwardCrcs(source, 0, Math.min(tail.length, Math.floor(Math.min(max, source.length) / BLOCK)), (block, crc) => {
      if (crc !== tail[block]) return false;
      k++;
    });
    return k * BLOCK;
  }

  private settlePending(): void {
    if (this.pending) this.settleFromDisk(this.pending);
  }

  /**
   * The checksums of a version left on disk: `before`'s for the common prefix and suffix, the
   * file's for the rest. When the file is no longer the one read (written again meanwhile, or
   * while it was read) no checksum is made: the next read compares nothing and reads it whole.
   */
  private settleFromDisk({ path, stamp, before, prefix, suffix }: Pending): void {
    this.pending = undefined;
    let file: DiskFile | undefined;
    try {
      file = DiskFile.open(path);
      const now = file.stamp;
      if (now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs || now.ino !== stamp.ino) return;
      const blocks = Math.floor(this.length / BLOCK);
      const head = new Uint32Array(blocks);
      const tail = new Uint32Array(blocks);
      const headKept = before ? Math.min(blocks, prefix / BLOCK) : 0;
      const tailKept = before ? Math.min(blocks, suffix / BLOCK) : 0;
      if (before) {
        head.set(before.head!.subarray(0, headKept));
        tail.set(before.tail!.subarray(0, tailKept));
      }
      forwardCrcs(file, headKept * BLOCK, blocks - headKept, (k, crc) => void (head[headKept + k] = crc));
      backwardCrcs(file, tailKept * BLOCK, blocks - tailKept, (k, crc) => void (tail[tailKept + k] = crc));
      this.head = head;
      this.tail = tail;
    } catch {
      // Gone or unreadable: the next read finds out and says so.
    } finally {
      file?.close();
    }
  }
}

function asSource(next: ByteSource | Buffer): ByteSource {
  return Buffer.isBuffer(next) ? bytesInMemory(next) : next;
}

let chunk: Buffer | undefined;

/** A buffer for one chunk of a file, shared: the reads are synchronous. */
function chunkBuffer(): Buffer {
  return (chunk ??= Buffer.allocUnsafe(CHUNK_BLOCKS * BLOCK));
}

/** CRC-32 of `count` blocks from byte `start`, in order, until `visit` returns false. */
function forwardCrcs(source: ByteSource, start: number, count: number, visit: (block: number, crc: number) => boolean | void): void {
  for (let k = 0; k < count; ) {
    const n = Math.min(CHUNK_BLOCKS, count - k);
    const from = start + k * BLOCK;
    const bytes = source.read(from, from + n * BLOCK, chunkBuffer());
    for (let j = 0; j < n; j++, k++) if (visit(k, crc32!(bytes.subarray(j * BLOCK, (j + 1) * BLOCK))) === false) return;
  }
}

/** CRC-32 of `count` blocks counted from the end, from `skip` bytes before the end, until `visit` returns false. */
function backwardCrcs(source: ByteSource, skip: number, count: number, visit: (block: number, crc: number) => boolean | void): void {
  const end = source.length - skip;
  for (let k = 0; k < count; ) {
    const n = Math.min(CHUNK_BLOCKS, count - k);
    const to = end - k * BLOCK;
    const bytes = source.read(to - n * BLOCK, to, chunkBuffer());
    for (let j = 0; j < n; j++, k++) if (visit(k, crc32!(bytes.subarray((n - j - 1) * BLOCK, (n - j) * BLOCK))) === false) return;
  }
}

function crcOf(source: ByteSource, from: number): number {
  return crc32!(source.read(from, from + BLOCK, chunkBuffer()));
}

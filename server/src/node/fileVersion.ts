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
 */
import * as zlib from 'node:zlib';

const BLOCK = 16 * 1024;
const SETTLE_MIN_BYTES = 4 * 1024 * 1024;
/** zlib.crc32 came with Node 20.15 and 22.2; an older editor's Node keeps the bytes. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export class FileVersion {
  readonly length: number;
  private bytes: Buffer | undefined;
  /** CRC-32 of each whole block: `head[k]` of bytes [k·BLOCK, (k+1)·BLOCK), `tail[k]` of the k-th block from the end. */
  private head: Uint32Array | undefined;
  private tail: Uint32Array | undefined;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
    this.length = bytes.length;
  }

  /** Keeps checksums instead of the bytes, for a big file (see the top of this file). */
  settle(): void {
    const bytes = this.bytes;
    if (!bytes || !crc32 || bytes.length < SETTLE_MIN_BYTES) return;
    const blocks = Math.floor(bytes.length / BLOCK);
    this.head = new Uint32Array(blocks);
    this.tail = new Uint32Array(blocks);
    for (let k = 0; k < blocks; k++) {
      this.head[k] = headCrc(bytes, k);
      this.tail[k] = tailCrc(bytes, k);
    }
    this.bytes = undefined;
  }

  get settled(): boolean {
    return this.bytes === undefined;
  }

  equals(next: Buffer): boolean {
    if (next.length !== this.length) return false;
    if (this.bytes) return this.bytes.equals(next);
    return this.commonPrefix(next) === Math.floor(this.length / BLOCK) * BLOCK && this.commonSuffix(next, BLOCK) >= this.length % BLOCK;
  }

  /** How many bytes at the start `next` has in common with this version (at most: see the top). */
  commonPrefix(next: Buffer): number {
    const old = this.bytes;
    const n = Math.min(this.length, next.length);
    if (old) {
      let i = 0;
      while (i + BLOCK <= n && old.compare(next, i, i + BLOCK, i, i + BLOCK) === 0) i += BLOCK;
      while (i < n && old[i] === next[i]) i++;
      return i;
    }
    const head = this.head!;
    let k = 0;
    while ((k + 1) * BLOCK <= n && headCrc(next, k) === head[k]) k++;
    return k * BLOCK;
  }

  /** How many bytes at the end `next` has in common with this version, at most `max`. */
  commonSuffix(next: Buffer, max: number): number {
    const old = this.bytes;
    if (old) {
      let k = 0;
      while (k + BLOCK <= max && old.compare(next, next.length - k - BLOCK, next.length - k, old.length - k - BLOCK, old.length - k) === 0) k += BLOCK;
      while (k < max && old[old.length - 1 - k] === next[next.length - 1 - k]) k++;
      return k;
    }
    const tail = this.tail!;
    let k = 0;
    while ((k + 1) * BLOCK <= Math.min(max, next.length) && k < tail.length && tailCrc(next, k) === tail[k]) k++;
    return k * BLOCK;
  }
}

function headCrc(bytes: Buffer, k: number): number {
  return crc32!(bytes.subarray(k * BLOCK, (k + 1) * BLOCK));
}

function tailCrc(bytes: Buffer, k: number): number {
  return crc32!(bytes.subarray(bytes.length - (k + 1) * BLOCK, bytes.length - k * BLOCK));
}

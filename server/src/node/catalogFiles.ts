/**
 * Reading catalog files, as the catalog worker does it (node/catalogWorker.ts), off the server's
 * main thread: the whole file once, then only what changed. This side keeps what `FileVersion`
 * keeps of each file's last version (its bytes, or checksums for a big file), compares bytes and
 * reads them, and cuts a big file into chunks; what is compared and read of a new version, and how,
 * is service/catalogIntake.ts (`readVersion`). Plain and synchronous, so tests run it in-process.
 */
import type { Paper } from '../catalog/paper';
import { CatalogIntake, type CatalogReading, type ChunkedReading, type TextChunk } from '../service/catalogIntake';
import { bytesInMemory, DiskFile, FileVersion, type ByteSource } from './fileVersion';

export type { CatalogReading, ChunkedReading } from '../service/catalogIntake';

/** A file read in chunks is cut about every this many bytes (at the next line starting an entry). */
export const CHUNK_BYTES = 8 * 2 ** 20;
/** How far past the wanted size a cut is looked for at a time. */
const CUT_SEARCH_BYTES = 2 ** 20;

export class CatalogFiles {
  /** The last version read per URI (every format), to tell an unchanged file at once. */
  private readonly versions = new Map<string, FileVersion>();
  /** Node's own UTF-8 length: the byte offsets of a 176 MB catalog are counted in one pass of it. */
  private readonly intake = new CatalogIntake((text) => Buffer.byteLength(text, 'utf8'));

  forget(uri: string): void {
    this.versions.delete(uri);
    this.intake.forget(uri);
  }

  /** Lets the last versions of big files keep checksums instead of their bytes: call it once a read is sent. */
  settle(): void {
    for (const version of this.versions.values()) version.settle();
  }

  /** Whether the last version of `uri` keeps checksums: the next can then be read from disk a piece at a time. */
  hasChecksums(uri: string): boolean {
    return this.versions.get(uri)?.hasChecksums === true;
  }

  /** Whether `uri` was read before (a skim or the cache is only worth it on the first read). */
  has(uri: string): boolean {
    return this.versions.has(uri);
  }

  /**
   * A new version of the file (what is read of it: service/catalogIntake.ts, `readVersion`); `full`
   * forces a whole read (the main thread could not apply a delta); `text` is `bytes` decoded, when
   * the caller has it already. A `DiskFile` is read only where it must be when the last version
   * keeps checksums (see node/fileVersion.ts).
   */
  read(uri: string, input: Buffer | DiskFile, full = false, text?: string): CatalogReading {
    const next = Buffer.isBuffer(input) ? bytesInMemory(input) : input;
    const last = this.versions.get(uri);
    let bytes: Buffer | undefined;
    const whole = () => (bytes ??= Buffer.isBuffer(input) ? input : input.read(0, input.length));
    const { reading, keep } = this.intake.readVersion(
      uri,
      {
        lastLength: last?.length,
        length: next.length,
        commonPrefix: () => last!.commonPrefix(next),
        isSame: (prefix) => last!.isSame(next, prefix),
        commonSuffix: (most) => last!.commonSuffix(next, most),
        text: (from, to) => next.read(from, to).toString('utf8'),
        wholeText: () => text ?? whole().toString('utf8'),
      },
      full,
    );
    if (keep === 'whole') this.versions.set(uri, new FileVersion(whole()));
    else if (keep !== 'last') this.versions.set(uri, FileVersion.after(last!, next, keep.prefix, keep.suffix));
    return reading;
  }

  /**
   * A whole read of a BibTeX file on disk a chunk at a time (see BibtexChunkReader), its papers
   * going to `take` chunk by chunk (those at `deferred` given again to `replace` at the end);
   * undefined when it must be read whole with `read` (then `take` may have had papers, which the
   * caller drops). The version kept gets its checksums from the disk. A file starting with a byte
   * order mark is read whole.
   */
  readInChunks(
    uri: string,
    file: ByteSource,
    take: (papers: Paper[], deferred: readonly number[]) => void,
    replace: (index: number, paper: Paper) => void,
    chunkBytes = CHUNK_BYTES,
  ): ChunkedReading | undefined {
    if (file.length >= 3 && file.read(0, 3).equals(BOM)) return undefined;
    const reading = this.intake.readWholeInChunks(uri, textChunks(file, chunkBytes), take, replace, (from, to) => file.read(from, to).toString('utf8'));
    if (reading) this.versions.set(uri, file instanceof DiskFile ? FileVersion.onDisk(file) : new FileVersion(file.read(0, file.length)));
    else this.forget(uri);
    return reading;
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The file's text in chunks of about `chunkBytes`, each cut before a line that starts an entry
 * (`@type{` or `@type(` right after a line break) and running on to the end of that entry's head.
 */
export function* textChunks(source: ByteSource, chunkBytes: number): Generator<TextChunk> {
  for (let start = 0; start < source.length || start === 0; ) {
    let cut = -1;
    let head = 0;
    let bytes: Buffer | undefined;
    for (let want = start + chunkBytes; cut < 0 && want < source.length; want += CUT_SEARCH_BYTES) {
      bytes = source.read(start, Math.min(source.length, want + CUT_SEARCH_BYTES));
      for (let at = bytes.indexOf('\n@', want - start - 1); at >= 0; at = bytes.indexOf('\n@', at + 1)) {
        head = entryHeadLength(bytes, at + 1);
        if (head > 0) {
          cut = at + 1;
          break;
        }
      }
    }
    if (cut < 0) {
      bytes = source.read(start, source.length);
      const text = bytes.toString('utf8');
      yield { text, end: text.length, byteStart: start };
      return;
    }
    // The head is ASCII: as many characters as bytes.
    const text = bytes!.toString('utf8', 0, cut + head);
    bytes = undefined;
    yield { text, end: text.length - head, byteStart: start };
    start += cut;
  }
}

/** The length of `@letters{` (or `(`, blanks before it) at `at`, 0 when no entry starts there. */
function entryHeadLength(bytes: Buffer, at: number): number {
  let i = at + 1;
  while (i < bytes.length && ((bytes[i] >= 65 && bytes[i] <= 90) || (bytes[i] >= 97 && bytes[i] <= 122))) i++;
  if (i === at + 1) return 0;
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 9 || bytes[i] === 10 || bytes[i] === 13 || bytes[i] === 12)) i++;
  return i < bytes.length && (bytes[i] === 123 || bytes[i] === 40) ? i + 1 - at : 0;
}

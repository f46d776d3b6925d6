/**
 * Reading catalog files, as the catalog worker does it (node/catalogWorker.ts), off the server's
 * main thread: the whole file once, then only what changed. This side keeps what `FileVersion`
 * keeps of each file's last version (its bytes, or checksums for a big file) and compares the next
 * with it; what is read of an edit, and how, is service/catalogIntake.ts. Plain and synchronous, so
 * tests run it in-process.
 */
import { CatalogIntake, type CatalogReading } from '../service/catalogIntake';
import { bytesInMemory, FileVersion, type DiskFile } from './fileVersion';

export type { CatalogReading } from '../service/catalogIntake';

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
   * A new version of the file; `full` forces a whole read (the main thread could not apply a
   * delta); `text` is `bytes` decoded, when the caller has it already. A `DiskFile` is read only
   * where it must be when the last version keeps checksums (see node/fileVersion.ts).
   */
  read(uri: string, input: Buffer | DiskFile, full = false, text?: string): CatalogReading {
    const next = Buffer.isBuffer(input) ? bytesInMemory(input) : input;
    const last = this.versions.get(uri);
    if (!full && last) {
      const prefix = last.commonPrefix(next);
      if (last.isSame(next, prefix)) return { kind: 'unchanged' };
      if (this.intake.canReadEdits(uri)) {
        const suffix = last.commonSuffix(next, Math.min(last.length, next.length) - prefix);
        this.versions.set(uri, FileVersion.after(last, next, prefix, suffix));
        const delta = this.intake.readEdit(uri, {
          oldLength: last.length,
          newLength: next.length,
          prefix,
          suffix,
          text: (from, to) => next.read(from, to).toString('utf8'),
        });
        if (delta) return { kind: 'delta', delta };
      }
    }
    const bytes = Buffer.isBuffer(input) ? input : input.read(0, input.length);
    this.versions.set(uri, new FileVersion(bytes));
    return this.intake.readWhole(uri, text ?? bytes.toString('utf8'));
  }
}

/**
 * The fallback when the client cannot watch files for us (no dynamic `didChangeWatchedFiles`):
 * `fs.watch` on each catalog file. Editors and Zotero often replace a file (write a temp file, then
 * rename), which ends a watch on the old inode, so a watch is renewed after every event.
 */
import { watch, type FSWatcher } from 'node:fs';

export class FileWatcher {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onChange: (filePath: string) => void) {}

  watch(filePath: string): void {
    if (this.watchers.has(filePath)) return;
    try {
      const watcher = watch(filePath, { persistent: false }, () => {
        this.unwatch(filePath);
        this.onChange(filePath);
        // Renewed after the change is handled: the path may point at a new file by then.
        setTimeout(() => this.watch(filePath), 50);
      });
      watcher.on('error', () => this.unwatch(filePath));
      this.watchers.set(filePath, watcher);
    } catch {
      // The file is gone or cannot be watched: changes will come from the editor or a restart.
    }
  }

  unwatch(filePath: string): void {
    this.watchers.get(filePath)?.close();
    this.watchers.delete(filePath);
  }

  dispose(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

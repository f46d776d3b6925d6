/**
 * The Zotero library as the workspace model holds it: every item read (key, version, last change),
 * the papers of the citable ones in catalog order, and their citation keys. A read of some items
 * (a page, the items an edit changed) becomes the few edits that bring the catalog along: one
 * paper replaced, appended or removed, or the whole list when many changed at once, so an edit in
 * Zotero costs the model the papers it touched, not the library.
 *
 * Keys: Better BibTeX's, else the item's own (Citation Key field, Extra), else a generated one
 * (`generatedCitationKey`) made unique in the library with `a`, `b`, … and kept while its item
 * keeps the same base, so a key does not move because another item came.
 */
import type { Paper } from '../catalog/paper';
import { generatedCitationKey, type ZoteroKeySource, type ZoteroRecord } from '../catalog/zotero';
import type { CatalogDelta } from './catalogIntake';

export interface ZoteroEntry {
  record: ZoteroRecord;
  /** The paper, for citable items. */
  paper?: Paper;
  keySource?: ZoteroKeySource;
  /** For generated keys: the key before it was made unique. */
  baseKey?: string;
}

/** One item as read: its record, and its paper (any key: the library sets it) with the key it gives itself. */
export interface ReadItem {
  record: ZoteroRecord;
  paper?: Paper;
  key?: { key: string; source: ZoteroKeySource };
}

export type SourceEdit = { kind: 'delta'; delta: CatalogDelta } | { kind: 'replace'; papers: Paper[] };

export interface LibraryUpdate {
  edits: SourceEdit[];
  /** Citation keys that came or went. */
  changedKeys: string[];
  /** Items whose paper was added, changed or removed. */
  changedItems: number;
}

interface Change {
  itemKey: string;
  before: Paper | undefined;
  after: Paper | undefined;
}

/** Above this many papers changed at once, the whole list is handed over (the model compares by content). */
const MAX_DELTAS = 256;

export class ZoteroLibrary {
  private readonly entries = new Map<string, ZoteroEntry>();
  /** Item keys of the papers, in catalog order, and where each is. */
  private order: string[] = [];
  private position = new Map<string, number>();
  /** Citation key → how many papers use it: generated keys avoid them. */
  private readonly keyUse = new Map<string, number>();
  /** The library's version at the last read (`Last-Modified-Version`), 0 when Zotero has none. */
  version = 0;
  /** The latest `dateModified` read: edits at or after it are what a sync without versions looks for. */
  watermark = '';
  /** Whether a whole read of the library finished (until then nothing is removed for being absent). */
  complete = false;
  /** Items read or removed since `takeChanged`: what a cache has to add to what it wrote. */
  private changedSinceTaken = new Set<string>();

  get size(): number {
    return this.entries.size;
  }

  get paperCount(): number {
    return this.order.length;
  }

  papers(): Paper[] {
    return this.order.map((itemKey) => this.entries.get(itemKey)!.paper!);
  }

  entry(itemKey: string): ZoteroEntry | undefined {
    return this.entries.get(itemKey);
  }

  /** Item key → version of every item read. */
  versions(): Map<string, number> {
    const versions = new Map<string, number>();
    for (const [itemKey, entry] of this.entries) versions.set(itemKey, entry.record.version);
    return versions;
  }

  itemKeys(): string[] {
    return [...this.entries.keys()];
  }

  /** Items read (new or changed) and items gone from Zotero → the catalog edits. */
  update(items: readonly ReadItem[], removed: readonly string[] = []): LibraryUpdate {
    const changes: Change[] = [];
    for (const itemKey of removed) {
      const entry = this.entries.get(itemKey);
      if (!entry) continue;
      this.entries.delete(itemKey);
      this.changedSinceTaken.add(itemKey);
      if (entry.paper) {
        this.releaseKey(entry.paper.key);
        changes.push({ itemKey, before: entry.paper, after: undefined });
      }
    }
    for (const item of items) {
      const itemKey = item.record.itemKey;
      const before = this.entries.get(itemKey);
      if (item.record.dateModified > this.watermark) this.watermark = item.record.dateModified;
      const entry: ZoteroEntry = { record: item.record };
      this.changedSinceTaken.add(itemKey);
      if (item.paper) {
        if (before?.paper) this.releaseKey(before.paper.key);
        const paper = { ...item.paper };
        if (item.key) {
          paper.key = item.key.key;
          entry.keySource = item.key.source;
        } else {
          const base = generatedCitationKey(paper, itemKey);
          // The same base keeps the key it had: another item with that base does not take it over.
          paper.key = before?.keySource === 'generated' && before.baseKey === base && before.paper && !this.keyUse.has(before.paper.key) ? before.paper.key : this.uniqueKey(base);
          entry.keySource = 'generated';
          entry.baseKey = base;
        }
        this.useKey(paper.key);
        entry.paper = paper;
      } else if (before?.paper) {
        this.releaseKey(before.paper.key);
      }
      this.entries.set(itemKey, entry);
      if (entry.paper || before?.paper) {
        if (!before?.paper || !entry.paper || !samePaper(before.paper, entry.paper)) changes.push({ itemKey, before: before?.paper, after: entry.paper });
      }
    }
    return this.edits(changes);
  }

  /** New citation keys for items whose key source changed (Better BibTeX appeared or answered late). */
  rekey(keys: ReadonlyMap<string, { key: string; source: ZoteroKeySource }>): LibraryUpdate {
    const items: ReadItem[] = [];
    for (const [itemKey, key] of keys) {
      const entry = this.entries.get(itemKey);
      if (entry?.paper && entry.paper.key !== key.key) items.push({ record: entry.record, paper: entry.paper, key });
    }
    return this.update(items);
  }

  /** The entries read and the item keys removed since the last call. */
  takeChanged(): { entries: ZoteroEntry[]; removed: string[] } {
    const entries: ZoteroEntry[] = [];
    const removed: string[] = [];
    for (const itemKey of this.changedSinceTaken) {
      const entry = this.entries.get(itemKey);
      if (entry) entries.push(entry);
      else removed.push(itemKey);
    }
    this.changedSinceTaken = new Set();
    return { entries, removed };
  }

  /** The library as a cache stores it, and back. */
  snapshot(): ZoteroEntry[] {
    return [...this.entries.values()];
  }

  restore(entries: readonly ZoteroEntry[], state: { version: number; watermark: string; complete: boolean }): void {
    this.entries.clear();
    this.keyUse.clear();
    this.order = [];
    for (const entry of entries) {
      this.entries.set(entry.record.itemKey, entry);
      if (entry.paper) {
        this.useKey(entry.paper.key);
        this.order.push(entry.record.itemKey);
      }
    }
    this.reposition();
    this.version = state.version;
    this.watermark = state.watermark;
    this.complete = state.complete;
    this.changedSinceTaken = new Set();
  }

  /** Where each change goes in the catalog's list, as deltas applied one after the other (or one whole list). */
  private edits(changes: Change[]): LibraryUpdate {
    const changedKeys = new Set<string>();
    const edits: SourceEdit[] = [];
    const bulk = changes.length > MAX_DELTAS;
    for (const { itemKey, before, after: paper } of changes) {
      const at = this.position.get(itemKey);
      // A key changed when it came, went or moved; the same key with other fields did not.
      if (before?.key !== paper?.key) {
        if (before) changedKeys.add(before.key);
        if (paper) changedKeys.add(paper.key);
      }
      if (at !== undefined && paper) {
        if (!bulk) edits.push({ kind: 'delta', delta: { from: at, to: at + 1, papers: [paper], lineShift: 0 } });
      } else if (at !== undefined) {
        this.order.splice(at, 1);
        this.position.delete(itemKey);
        for (let i = at; i < this.order.length; i++) this.position.set(this.order[i], i);
        if (!bulk) edits.push({ kind: 'delta', delta: { from: at, to: at + 1, papers: [], lineShift: 0 } });
      } else if (paper) {
        this.position.set(itemKey, this.order.length);
        this.order.push(itemKey);
        // Papers appended one after the other are one edit: a page of new items is one update to index.
        const last = edits.at(-1);
        if (last?.kind === 'delta' && last.delta.from === last.delta.to && last.delta.from + last.delta.papers.length === this.order.length - 1) last.delta.papers.push(paper);
        else if (!bulk) edits.push({ kind: 'delta', delta: { from: this.order.length - 1, to: this.order.length - 1, papers: [paper], lineShift: 0 } });
      }
    }
    if (bulk) edits.push({ kind: 'replace', papers: this.papers() });
    return { edits, changedKeys: [...changedKeys], changedItems: changes.length };
  }

  private reposition(): void {
    this.position = new Map(this.order.map((itemKey, i) => [itemKey, i]));
  }

  private uniqueKey(base: string): string {
    if (!this.keyUse.has(base)) return base;
    for (let i = 0; ; i++) {
      const suffix = String.fromCharCode(97 + (i % 26)).repeat(1 + Math.floor(i / 26));
      if (!this.keyUse.has(base + suffix)) return base + suffix;
    }
  }

  private useKey(key: string): void {
    this.keyUse.set(key, (this.keyUse.get(key) ?? 0) + 1);
  }

  private releaseKey(key: string): void {
    const uses = (this.keyUse.get(key) ?? 0) - 1;
    if (uses > 0) this.keyUse.set(key, uses);
    else this.keyUse.delete(key);
  }
}

/** Papers from Zotero hold plain values only: JSON says whether two say the same, field by field (a cached paper has its fields in another order). */
function samePaper(a: Paper, b: Paper): boolean {
  const fieldsA = Object.keys(a).filter((k) => k !== 'source');
  if (fieldsA.length !== Object.keys(b).filter((k) => k !== 'source').length) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  return fieldsA.every((k) => JSON.stringify(x[k]) === JSON.stringify(y[k]));
}

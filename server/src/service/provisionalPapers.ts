/**
 * Papers known before their catalog is indexed: a quick skim of the file (keys and titles) or the
 * on-disk cache of the last start. They answer completion and hover while the real read is parsed
 * and indexed, and go away as soon as it is: they never replace reading the catalog.
 * Searched by a plain scan (every query word must start a word of key, title or authors): slower
 * than the index, but ready the moment the list arrives.
 */
import type { Paper } from '../catalog/paper';
import { foldAccents, plainWords } from '../search/tokenize';
import type { SearchHit } from '../search/paperIndex';

/** After folding, catalog text is nearly all ASCII: a plain class is several times faster than \p{L}. */
const NOT_WORD = /[^a-z0-9\u00c0-\uffff]+/g;

interface Entry {
  paper: Paper;
  lowerKey: string;
  /** ' word word …': a query word w matches where ' ' + w occurs. */
  words: string;
}

export class ProvisionalPapers {
  private readonly byUri = new Map<string, Entry[]>();
  private readonly byKey = new Map<string, Paper>();

  get size(): number {
    return this.byKey.size;
  }

  add(uri: string, papers: readonly Paper[]): void {
    let list = this.byUri.get(uri);
    if (!list) this.byUri.set(uri, (list = []));
    for (const paper of papers) {
      const names = paper.authors.map((a) => [a.family, a.literal].filter(Boolean).join(' ')).join(' ');
      // Cheaper than the index's words (no camel-case parts): 100,000 of these are made at once.
      // One flat string, space first: `' ' + words` made a rope that every first search flattened (200 ms at 100k).
      const words = foldAccents(` ${paper.key} ${paper.title ?? ''} ${names}`).replace(NOT_WORD, ' ');
      list.push({ paper, lowerKey: paper.key.toLowerCase(), words });
      if (!this.byKey.has(paper.key)) this.byKey.set(paper.key, paper);
    }
  }

  clear(uri: string): void {
    const list = this.byUri.get(uri);
    if (!list) return;
    this.byUri.delete(uri);
    for (const entry of list) if (this.byKey.get(entry.paper.key) === entry.paper) this.byKey.delete(entry.paper.key);
  }

  paper(key: string): Paper | undefined {
    return this.byKey.get(key);
  }

  /** Exact key, then key prefix (by key), then other matches in catalog order; `skip` drops keys found elsewhere. */
  search(query: string, limit: number, skip: (key: string) => boolean): SearchHit[] {
    const words = plainWords(query);
    if (words.length === 0 || limit <= 0) return [];
    const lower = query.trim().toLowerCase();
    const needles = words.map((w) => ' ' + w);
    const keyHits: SearchHit[] = [];
    const otherHits: SearchHit[] = [];
    const seen = new Set<string>();
    for (const list of this.byUri.values()) {
      for (const entry of list) {
        const keyMatch = entry.lowerKey.startsWith(lower);
        if (!keyMatch && (otherHits.length >= limit || !needles.every((needle) => entry.words.includes(needle)))) continue;
        const key = entry.paper.key;
        if (seen.has(key) || skip(key)) continue;
        seen.add(key);
        if (keyMatch) keyHits.push({ key, score: entry.lowerKey === lower ? 3 : 2 });
        else otherHits.push({ key, score: 1 });
      }
    }
    keyHits.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return [...keyHits, ...otherHits].slice(0, limit);
  }
}

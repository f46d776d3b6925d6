/**
 * CSL-JSON (Zotero, Better BibTeX exports) and CSL-YAML (Pandoc `references:`) readers.
 * JSON is parsed with JSON.parse (fast at 100k items) and a small scanner finds each item's
 * range and its `id`; YAML goes through the `yaml` package, whose nodes carry their ranges.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { Problem } from '../core/types';
import { LineIndex } from './bibtex';
import type { CatalogFileResult } from './catalogFile';
import { arxivFromDoi, arxivFromUrl, normalizeDoi, splitKeywords } from './identifiers';
import type { Paper, Person } from './paper';

interface ItemSpan {
  start: number;
  end: number;
  idStart?: number;
  idEnd?: number;
}

export function parseCslJson(text: string, uri: string): CatalogFileResult {
  const lines = new LineIndex(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    return { uri, papers: [], problems: [{ code: 'catalog.parse-error', message: `This CSL-JSON file is not valid JSON (${message}); fix it or export it again. The last good version stays in use.`, range: lines.range(at, at + 1) }] };
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.items) ? data.items : undefined;
  if (!items) {
    return { uri, papers: [], problems: [{ code: 'catalog.parse-error', message: 'A CSL-JSON catalog is a list of items ([ {"id": ...}, ... ]).', range: lines.range(0, 1) }] };
  }
  const spans = scanJsonItems(text, Array.isArray(data) ? 1 : 2);
  return toResult(items, (index) => spans[index], uri, lines);
}

export function parseCslYaml(text: string, uri: string): CatalogFileResult {
  const lines = new LineIndex(text);
  const document = parseDocument(text, { uniqueKeys: false });
  const problems: Problem[] = document.errors.map((error) => ({
    code: 'catalog.parse-error',
    message: `CSL-YAML: ${error.message.split('\n')[0]}`,
    range: lines.range(error.pos[0], error.pos[1]),
  }));
  let sequence = document.contents as YamlNode | null;
  if (isMap(sequence)) sequence = (sequence.get('references', true) as YamlNode | undefined) ?? null;
  if (!isSeq(sequence)) {
    if (problems.length === 0) problems.push({ code: 'catalog.parse-error', message: 'A CSL-YAML catalog is a list of items, or a `references:` list.', range: lines.range(0, 1) });
    return { uri, papers: [], problems };
  }
  const nodes = sequence.items as YamlNode[];
  const items = nodes.map((node) => (node && typeof (node as { toJSON?: unknown }).toJSON === 'function' ? (node as { toJSON(): unknown }).toJSON() : node));
  const result = toResult(items, (index) => {
    const node = nodes[index];
    if (!node?.range) return undefined;
    const span: ItemSpan = { start: node.range[0], end: node.range[1] };
    if (isMap(node)) {
      const id = node.get('id', true);
      if (isScalar(id) && id.range) {
        span.idStart = id.range[0];
        span.idEnd = id.range[1];
        // A quoted id's range includes its quotes: the key range is the text inside.
        const first = text[span.idStart];
        if (first === '"' || first === "'") {
          span.idStart++;
          span.idEnd--;
        }
      }
    }
    return span;
  }, uri, lines);
  result.problems.unshift(...problems);
  return result;
}

function toResult(items: unknown[], spanOf: (index: number) => ItemSpan | undefined, uri: string, lines: LineIndex): CatalogFileResult {
  const papers: Paper[] = [];
  const problems: Problem[] = [];
  const first = new Map<string, Paper>();
  items.forEach((item, index) => {
    const span = spanOf(index) ?? { start: 0, end: 0 };
    const range = lines.range(span.start, span.end);
    if (!isObject(item) || item.id === undefined || item.id === null || String(item.id).trim() === '') {
      problems.push({ code: 'catalog.missing-key', message: `Item ${index + 1} has no "id": CSL items need an id to be cited. The item is skipped.`, range: lines.range(span.start, Math.min(span.end, span.start + 1)) });
      return;
    }
    const keyRange = span.idStart !== undefined && span.idEnd !== undefined ? lines.range(span.idStart, span.idEnd) : range;
    const paper = cslToPaper(item, { uri, range, keyRange });
    const earlier = first.get(paper.key);
    if (earlier) {
      problems.push({
        code: 'catalog.duplicate-key',
        message: `Duplicate key '${paper.key}': another item in this file has the same id; citations use the first one.`,
        range: keyRange,
        related: [{ location: { uri, range: earlier.source.keyRange }, message: `First definition of '${paper.key}'` }],
      });
    } else first.set(paper.key, paper);
    papers.push(paper);
  });
  return { uri, papers, problems };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return text(value[0]);
  const string = String(value).replace(/\s+/g, ' ').trim();
  return string || undefined;
}

function persons(value: unknown): Person[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((p) => {
    const person: Person = {};
    const family = text(p.family);
    const given = text(p.given);
    const particle = [text(p['dropping-particle']), text(p['non-dropping-particle'])].filter(Boolean).join(' ');
    if (family) person.family = family;
    if (given) person.given = given;
    if (particle) person.particle = particle;
    if (text(p.suffix)) person.suffix = text(p.suffix);
    if (text(p.literal)) person.literal = text(p.literal);
    return person;
  });
}

function issued(value: unknown): { year?: string; date?: string } {
  if (!isObject(value)) return typeof value === 'string' ? { year: /\d{4}/.exec(value)?.[0], date: value } : {};
  const parts = Array.isArray(value['date-parts']) && Array.isArray(value['date-parts'][0]) ? (value['date-parts'][0] as unknown[]) : undefined;
  if (parts && parts.length > 0 && parts[0] !== null && parts[0] !== undefined && String(parts[0]) !== '') {
    const [y, m, d] = parts.map((p) => String(p));
    return { year: y, date: [y, m?.padStart(2, '0'), d?.padStart(2, '0')].filter(Boolean).join('-') };
  }
  const raw = text(value.raw) ?? text(value.literal);
  return raw ? { year: /\d{4}/.exec(raw)?.[0], date: raw } : {};
}

export function cslToPaper(item: Record<string, unknown>, source: Paper['source']): Paper {
  const url = text(item.URL);
  const doi = normalizeDoi(text(item.DOI));
  const { year, date } = issued(item.issued);
  const keyword = item.keyword;
  const paper: Paper = {
    key: String(item.id),
    type: text(item.type) ?? 'document',
    title: text(item.title),
    authors: persons(item.author),
    year,
    date,
    venue: text(item['container-title']) ?? text(item['event-title']),
    publisher: text(item.publisher),
    volume: text(item.volume),
    issue: text(item.issue),
    pages: text(item.page)?.replace(/--?/g, '–'),
    abstract: text(item.abstract),
    doi,
    url,
    arxiv: arxivFromUrl(url) ?? arxivFromDoi(doi) ?? (String(item.archive ?? '').toLowerCase() === 'arxiv' ? text(item.number) : undefined),
    keywords: splitKeywords([Array.isArray(keyword) ? keyword.map(String) : text(keyword), Array.isArray(item.tags) ? item.tags.map(String) : undefined]),
    files: [],
    note: text(item.note),
    source,
  };
  const editors = persons(item.editor);
  if (editors.length) paper.editors = editors;
  for (const name of Object.keys(paper) as (keyof Paper)[]) if (paper[name] === undefined) delete paper[name];
  return paper;
}

/**
 * Finds the ranges of the items of a CSL-JSON list (objects at `itemDepth` containers deep) and
 * of each item's own `"id"` value. Strings are skipped with their escapes; one linear pass.
 */
function scanJsonItems(text: string, itemDepth: number): ItemSpan[] {
  const spans: ItemSpan[] = [];
  let depth = 0;
  let current: ItemSpan | undefined;
  let lastKeyAtItemLevel: string | undefined;
  let expectingValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      if (current && depth === itemDepth + 1) {
        if (expectingValue) {
          if (lastKeyAtItemLevel === 'id' && current.idStart === undefined) {
            current.idStart = start + 1;
            current.idEnd = i;
          }
          expectingValue = false;
        } else lastKeyAtItemLevel = text.slice(start + 1, i);
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (c === 123 && depth === itemDepth) {
        current = { start: i, end: i };
        spans.push(current);
      }
      depth++;
      expectingValue = false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (c === 125 && depth === itemDepth && current) {
        current.end = i + 1;
        current = undefined;
      }
    } else if (c === 58 /* : */ && current && depth === itemDepth + 1) {
      expectingValue = true;
    } else if (c === 44 /* , */ && current && depth === itemDepth + 1) {
      expectingValue = false;
    } else if (expectingValue && current && depth === itemDepth + 1 && c > 32 && lastKeyAtItemLevel === 'id' && current.idStart === undefined) {
      // A numeric id: `"id": 42`.
      let j = i;
      while (j < text.length && /[0-9A-Za-z.+-]/.test(text[j])) j++;
      current.idStart = i;
      current.idEnd = j;
      i = j - 1;
      expectingValue = false;
    }
  }
  return spans;
}

/**
 * CSL-JSON (Zotero, Better BibTeX exports) and CSL-YAML (Pandoc `references:`) readers.
 * JSON is parsed with JSON.parse (fast at 100k items) and a small scanner finds each item's
 * range and its `id`; YAML goes through the `yaml` package, whose nodes carry their ranges.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { Problem } from '../core/types';
import { LineIndex, readerFailure } from './bibtex';
import { isCitableCslId } from './citableKey';
import type { CatalogFileResult } from './catalogFile';
import { arxivFromDoi, arxivFromUrl, normalizeDoi, splitKeywords } from './identifiers';
import type { Paper, Person } from './paper';

interface ItemSpan {
  start: number;
  end: number;
  idStart?: number;
  idEnd?: number;
}

/** Reads a CSL-JSON file (a list of items, or `{ "items": [...] }`). Never throws. */
export function parseCslJson(text: string, uri: string): CatalogFileResult {
  try {
    return readCslJson(text, uri);
  } catch (error) {
    return { uri, papers: [], problems: [readerFailure(error)] };
  }
}

/** Reads a CSL-YAML file (a list of items, or Pandoc's `references:`). Never throws. */
export function parseCslYaml(text: string, uri: string): CatalogFileResult {
  try {
    return readCslYaml(text, uri);
  } catch (error) {
    return { uri, papers: [], problems: [readerFailure(error)] };
  }
}

function readCslJson(text: string, uri: string): CatalogFileResult {
  const lines = new LineIndex(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const error = jsonSyntaxError(text);
    return {
      uri,
      papers: [],
      problems: [{ code: 'catalog.parse-error', message: `This CSL-JSON file is not valid JSON: ${error.message}. Fix it there or export the catalog again.`, range: lines.range(error.offset, Math.min(error.offset + 1, text.length)) }],
    };
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.items) ? data.items : undefined;
  if (!items) {
    return { uri, papers: [], problems: [{ code: 'catalog.parse-error', message: 'A CSL-JSON catalog is a list of items ([ {"id": ...}, ... ]).', range: lines.range(0, Math.min(1, text.length)) }] };
  }
  const spans = scanJsonItems(text, !Array.isArray(data));
  return toResult(text, items, (index) => spans[index], uri, lines);
}

function readCslYaml(text: string, uri: string): CatalogFileResult {
  const lines = new LineIndex(text);
  // Only the first document: Pandoc's front-matter shape closes it with `---` (and a Markdown body may follow).
  const document = parseDocument(text.slice(0, firstDocumentEnd(text)), { uniqueKeys: false });
  const problems: Problem[] = document.errors.map((error) => ({
    code: 'catalog.parse-error',
    // yaml's message repeats the place ("at line 3, column 1:"); the range already shows it.
    message: `This CSL-YAML file has a syntax error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}. Fix it there; the items around it still read.`,
    // yaml places errors at the end of the input one character past it.
    range: lines.range(Math.min(error.pos[0], text.length), Math.min(error.pos[1], text.length)),
  }));
  let sequence = document.contents as YamlNode | null;
  if (isMap(sequence)) sequence = (sequence.get('references', true) as YamlNode | undefined) ?? null;
  if (!isSeq(sequence)) {
    if (problems.length === 0) problems.push({ code: 'catalog.parse-error', message: 'A CSL-YAML catalog is a list of items, or a `references:` list.', range: lines.range(0, Math.min(1, text.length)) });
    return { uri, papers: [], problems };
  }
  const nodes = sequence.items as YamlNode[];
  const items = nodes.map((node) => (node && typeof (node as { toJSON?: unknown }).toJSON === 'function' ? (node as { toJSON(): unknown }).toJSON() : node));
  const result = toResult(text, items, (index) => {
    const node = nodes[index];
    if (!node?.range) return undefined;
    // A block node's range runs to the next item's line; the item ends at its last character.
    let end = node.range[1];
    while (end > node.range[0] && /\s/.test(text[end - 1])) end--;
    const span: ItemSpan = { start: node.range[0], end };
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

/** Where the first YAML document ends: at a `---` line that closes an opening `---`, else the whole text. */
function firstDocumentEnd(text: string): number {
  let opened = false;
  // Line by line: blank and comment lines may come before the opening `---`.
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end).trimEnd();
    if (line === '---') {
      if (opened) return start;
      opened = true;
    } else if (!opened && line.trim() !== '' && !line.trimStart().startsWith('#')) return text.length;
    start = end + 1;
  }
  return text.length;
}

function toResult(text: string, items: unknown[], spanOf: (index: number) => ItemSpan | undefined, uri: string, lines: LineIndex): CatalogFileResult {
  const papers: Paper[] = [];
  const problems: Problem[] = [];
  const first = new Map<string, Paper>();
  items.forEach((item, index) => {
    const span = spanOf(index) ?? { start: 0, end: 0 };
    const range = lines.range(span.start, span.end);
    if (!isObject(item) || item.id === undefined || item.id === null || String(item.id).trim() === '') {
      // The item's first line: enough to find it, not a squiggle over a whole abstract.
      const firstLineEnd = Math.min(span.end, lineEndAfter(text, span.start));
      problems.push({
        code: 'catalog.missing-key',
        message: `Item ${index + 1} has no "id": CSL items need an id to be cited. Add "id: yourKey" to it; until then it is skipped.`,
        range: lines.range(span.start, firstLineEnd),
      });
      return;
    }
    const keyRange = span.idStart !== undefined && span.idEnd !== undefined ? lines.range(span.idStart, span.idEnd) : range;
    if (!isCitableCslId(String(item.id))) {
      problems.push({
        code: 'catalog.uncitable-key',
        message: `Pandoc cannot cite the id ${JSON.stringify(String(item.id))} of item ${index + 1}: a citation '@{id}' holds no spaces and balanced braces. Rename it; until then it is skipped.`,
        range: keyRange,
      });
      return;
    }
    const paper = cslToPaper(item, { uri, range, keyRange });
    const earlier = first.get(paper.key);
    if (earlier) {
      problems.push({
        code: 'catalog.duplicate-key',
        message: `Duplicate key '${paper.key}': an item on line ${earlier.source.keyRange.start.line + 1} of this file has the same id; rename one of them.`,
        range: keyRange,
        related: [{ location: { uri, range: earlier.source.keyRange }, message: `First definition of '${paper.key}'` }],
      });
    } else first.set(paper.key, paper);
    papers.push(paper);
  });
  return { uri, papers, problems };
}

function lineEndAfter(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline > offset && text[newline - 1] === '\r' ? newline - 1 : newline;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field as display text: strings and numbers; a list gives its first entry; objects are not text. */
function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const string = String(value).replace(/\s+/g, ' ').trim();
  return string || undefined;
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

/**
 * CSL's rich-text tags in titles (`<i>`, `<b>`, `<sup>`, `<sub>`, `<span class="nocase">`) → plain
 * display text: the tags are markup for formatters, and catalog text never becomes markup here.
 * Zotero's titles carry the same tags.
 */
export function richText(title: string | undefined): string | undefined {
  if (!title || !title.includes('<')) return title;
  return title
    .replace(/<(sup|sub)>(\d+)<\/\1>/g, (_, tag: string, digits: string) =>
      [...digits].map((d) => (tag === 'sup' ? SUPERSCRIPT_DIGITS : SUBSCRIPT_DIGITS)[Number(d)]).join(''),
    )
    .replace(/<\/?(?:i|b|sup|sub|span)(?:\s[^>]*)?>/g, '');
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
  if (typeof value === 'number') return { year: String(value), date: String(value) };
  if (typeof value === 'string') return { year: /\d{4}/.exec(value)?.[0], date: value.trim() };
  // pandoc-citeproc's older YAML: `issued: [{year: 2019, month: 5}]`.
  if (Array.isArray(value) && isObject(value[0]) && value[0].year !== undefined) {
    const { year: y, month: m, day: d } = value[0];
    return issued({ 'date-parts': [[y, m, d].filter((part) => part !== undefined && part !== null)] });
  }
  if (!isObject(value)) return {};
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
    title: richText(text(item.title)),
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
 * Finds the range of each item of a CSL-JSON list (the top-level array, or the `items` array of
 * a wrapping object) and of each item's own `"id"` value. One linear pass over char codes;
 * strings are skipped with their escapes. Runs only on text JSON.parse accepted.
 */
function scanJsonItems(text: string, wrapped: boolean): ItemSpan[] {
  const spans: ItemSpan[] = [];
  let depth = 0;
  // Depth inside the items list: 1 for a top-level array; found at its `[` for `{"items": [...]}`.
  let listDepth = wrapped ? -1 : 1;
  let current: ItemSpan | undefined;
  let key: string | undefined; // last key read at depth 1 (wrapper) or at the item's top level
  let afterColon = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44 /* , */) continue;
    if (c === 58 /* : */) {
      afterColon = true;
      continue;
    }
    const valueStart = i;
    const isValue = afterColon || depth === listDepth;
    const atItemTop = current !== undefined && depth === listDepth + 1;
    if (depth === listDepth && c !== 93 /* ] */) {
      current = { start: i, end: i };
      spans.push(current);
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (c === 91 && wrapped && depth === 1 && afterColon && key === 'items' && listDepth < 0) listDepth = 2;
      depth++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === listDepth && current) current.end = i + 1;
      if (depth < listDepth) current = undefined;
    } else {
      // A string, number or literal: skip it whole.
      if (c === 34 /* " */) {
        for (i++; i < n; i++) {
          const d = text.charCodeAt(i);
          if (d === 92 /* \ */) i++;
          else if (d === 34) break;
        }
      } else {
        while (i + 1 < n && !/[\s,:\]}]/.test(text[i + 1])) i++;
      }
      if (!isValue && (depth === 1 || atItemTop)) key = c === 34 ? text.slice(valueStart + 1, i) : undefined;
      if (isValue && atItemTop && key === 'id' && current && current.idStart === undefined) {
        current.idStart = c === 34 ? valueStart + 1 : valueStart;
        current.idEnd = c === 34 ? i : i + 1;
      }
      if (depth === listDepth && current) current.end = i + 1;
    }
    afterColon = false;
  }
  return spans;
}

/**
 * Where and why JSON.parse failed: Node's messages give no position for most errors, and a user
 * needs the place. Runs only after a failure; one pass with an explicit stack (no recursion).
 */
export function jsonSyntaxError(text: string): { offset: number; message: string } {
  const n = text.length;
  const stack: number[] = []; // 123 for an object, 91 for an array
  // What may come next: a value, a key (or `}` right after `{`), `:`, or `,`/closer.
  let expect: 'value' | 'firstValue' | 'key' | 'firstKey' | 'colon' | 'next' | 'end' = 'value';
  const unexpected = (i: number, wanted: string) => ({ offset: i, message: `expected ${wanted} but found '${text[i]}'` });
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    // Not 0xfeff: JSON.parse rejects a byte order mark (readCatalog drops the one at the start).
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (expect === 'end') return unexpected(i, 'the end of the file after the list');
    if (expect === 'colon') {
      if (c !== 58) return unexpected(i, "':' after a property name");
      expect = 'value';
      continue;
    }
    if (expect === 'next') {
      const top = stack[stack.length - 1];
      if (c === 44) expect = top === 123 ? 'key' : 'value';
      else if ((c === 125 && top === 123) || (c === 93 && top === 91)) {
        stack.pop();
        expect = stack.length ? 'next' : 'end';
      } else return unexpected(i, top === 123 ? "',' or '}'" : "',' or ']'");
      continue;
    }
    if ((expect === 'firstKey' && c === 125) || (expect === 'firstValue' && c === 93)) {
      stack.pop();
      expect = stack.length ? 'next' : 'end';
      continue;
    }
    const wantKey: boolean = expect === 'key' || expect === 'firstKey';
    if (wantKey) {
      if (c === 125 && expect === 'key') return { offset: i, message: "a trailing comma before '}'" };
      if (c !== 34) return unexpected(i, 'a property name in double quotes');
    }
    if (c === 34) {
      const start = i;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          const escape = /^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(i + 1, i + 6));
          if (!escape) return { offset: i, message: `an invalid escape '\\${text[i + 1] ?? ''}' in a string (write a backslash as \\\\)` };
          i += escape[0].length;
        } else if (d === 34) break;
        else if (d < 32) return { offset: i, message: 'a line break or control character inside a string (escape it as \\n)' };
      }
      if (i >= n) return { offset: start, message: 'a string that is never closed' };
      expect = wantKey ? 'colon' : 'next';
    } else if (c === 123 || c === 91) {
      stack.push(c);
      expect = c === 123 ? 'firstKey' : 'firstValue';
    } else if (c === 93 && expect === 'value' && stack[stack.length - 1] === 91) {
      return { offset: i, message: "a trailing comma before ']'" };
    } else {
      const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
      if (!literal) return unexpected(i, 'a value');
      i += literal[0].length - 1;
      expect = 'next';
    }
  }
  if (stack.length) return { offset: n, message: `the file ends before its ${stack[stack.length - 1] === 123 ? "'}'" : "']'"} is closed` };
  return { offset: 0, message: expect === 'value' ? 'the file is empty' : 'unknown error' };
}

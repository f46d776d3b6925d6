/**
 * Literature notes: where the note for a paper goes (a safe file name in the notes folder) and what
 * it starts with (a Mustache template filled from the paper).
 *
 * Catalog text is untrusted. A key never becomes a path outside the notes folder; catalog text in a
 * note is Markdown-neutralised (no HTML, links, images or code from a title) and quoted in the YAML
 * front matter. Templates are logic-less Mustache: no code runs, unknown tags render empty.
 */
import Mustache from 'mustache';
import { abstractOf, personFullName, type Paper } from '../catalog/paper';
import { hashText } from '../core/hash';
import { defaultNoteTemplate } from './defaultNoteTemplate';
import { defuseMarkers, renderBlock } from './noteBlock';

// ---------------------------------------------------------------------------------------------
// File names

/** Longest file name stem (before `.md`), in UTF-16 units; also kept under 240 UTF-8 bytes (ext4: 255). */
const maxStemChars = 120;
const maxStemBytes = 240;
/** Characters kept as they are in a file name; everything else is replaced. `~` is not one: it marks a hash. */
const safeChar = /[\p{L}\p{M}\p{N}_\-.+=,()@]/u;
const windowsReserved = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * The file name of a paper's literature note: `<key>.md` when the key is a safe file name as it
 * is, otherwise a sanitized name with `~` and a hash of the key, so different keys get different
 * names. Never empty, never a path, never hidden, never a Windows device name, at most 120
 * characters before `.md`.
 */
export function noteFileName(key: string): string {
  let stem = '';
  let changed = false;
  for (const ch of key) {
    if (safeChar.test(ch)) stem += ch;
    else {
      stem += '_';
      changed = true;
    }
  }
  // A leading dot hides the file (and `..` would be a parent); Windows drops trailing dots.
  if (stem.startsWith('.')) {
    stem = '_' + stem.slice(1);
    changed = true;
  }
  if (windowsReserved.test(stem.split('.')[0]!)) {
    stem = '_' + stem;
    changed = true;
  }
  if (stem === '') {
    stem = '_';
    changed = true;
  }
  if (!changed && stem.length <= maxStemChars && utf8Length(stem) <= maxStemBytes) return `${stem}.md`;
  const suffix = `~${hashText(key)}`;
  return `${truncate(stem, maxStemChars - suffix.length, maxStemBytes - suffix.length)}${suffix}.md`;
}

/**
 * The URI of the note for `key`: `<workspace folder>/<notes folder>/<file name>`. The notes folder
 * is a path relative to the workspace folder (`notes`, `lit/notes`, `` for the folder itself);
 * undefined when it is absolute or climbs out of the workspace folder.
 */
export function noteUri(workspaceFolderUri: string, notesFolder: string, key: string): string | undefined {
  const segments = relativeSegments(notesFolder);
  if (!segments) return undefined;
  const base = workspaceFolderUri.replace(/\/+$/, '');
  return [base, ...segments.map(encodeUriSegment), encodeUriSegment(noteFileName(key))].join('/');
}

/** The folder's segments, `.` and `..` resolved; undefined for absolute paths or paths that leave the root. */
function relativeSegments(folder: string): string[] | undefined {
  const trimmed = folder.trim();
  // `/x`, `\x`, `\\server\share`, `C:\x`, `C:x`, `file:///x`, `~/x` (a shell would expand it).
  if (/^[/\\~]/.test(trimmed) || trimmed.includes(':')) return undefined;
  if (/\p{Cc}/u.test(trimmed)) return undefined;
  const out: string[] = [];
  for (const segment of trimmed.split(/[/\\]+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out;
}

function encodeUriSegment(segment: string): string {
  // encodeURIComponent leaves !'()* alone; VS Code's URIs encode them, so do the same.
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function truncate(text: string, maxChars: number, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (out.length + ch.length > maxChars || bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}


// ---------------------------------------------------------------------------------------------
// Templates

/** A template that cannot be used (unclosed tag or section); `message` is for the user. */
export class NoteTemplateError extends Error {
  override name = 'NoteTemplateError';
}

export interface NoteLink {
  label: string;
  url: string;
}

/** What a template sees. Plain fields are Markdown-neutralised; `yaml` holds the same fields quoted for YAML. */
export interface NoteView {
  key: string;
  /** The title, or the key when the paper has none. */
  title: string;
  authors: { name: string }[];
  authorsText?: string;
  year?: string;
  venue?: string;
  abstract?: string;
  doi?: string;
  doiUrl?: string;
  url?: string;
  arxiv?: string;
  arxivUrl?: string;
  /** DOI, arXiv and URL links, http(s) only. */
  links: NoteLink[];
  keywords: string[];
  /** The day the note is written, `YYYY-MM-DD`. */
  date: string;
  /** Pandoc citation of the paper: `[@key]`, or `[@{odd key}]`. */
  citation: string;
  /** `@key` or `@{odd key}`. */
  citeKey: string;
  yaml: Record<string, string>;
  /** The paper's PDF annotations from Zotero, in reading order (empty without the Zotero source). */
  annotations: AnnotationView[];
  hasAnnotations: boolean;
  /** The paper's Zotero notes as Markdown (empty without the Zotero source). */
  zoteroNotes: { markdown: string }[];
  hasZoteroNotes: boolean;
}

/** One annotation as a template sees it; text fields are Markdown-neutralised. */
export interface AnnotationView {
  /** `highlight`, `underline`, `note`, `image`, `ink`, `text`. */
  type: string;
  /** The highlighted text (empty for notes and images). */
  text?: string;
  comment?: string;
  /** The page label the PDF shows (`3`, `iv`). */
  page?: string;
  /** `#ffd400` */
  color?: string;
  /** `yellow`, `red`, … for Zotero's palette; undefined for other colours. */
  colorName?: string;
  isHighlight: boolean;
  isNote: boolean;
  isImage: boolean;
}

/** What comes from Zotero for a paper's note block (annotations and notes already turned into views). */
export interface ZoteroExtras {
  annotations: AnnotationView[];
  /** Markdown, made safe by notes/zoteroNotes.ts. */
  notes: string[];
}

/** The section of a template that is the generated block: `{{#generated}}…{{/generated}}`, at the top level. */
export const GENERATED_SECTION = 'generated';

/**
 * Fills a Mustache template (the built-in one by default) for a paper. `date` is today's date
 * unless given (`YYYY-MM-DD`). The template's `{{#generated}}…{{/generated}}` section becomes the
 * note's generated block, between its markers (noteBlock.ts), so "Update Literature Note" can
 * refresh it later. Throws NoteTemplateError when the template is broken.
 */
export function renderNote(paper: Paper, template: string = defaultNoteTemplate, date: string = today(), zotero?: ZoteroExtras): string {
  const tokens = parseTemplate(template);
  const render = renderer(paper, template, date, zotero);
  const at = generatedSectionIndex(tokens);
  if (at < 0) return render(tokens);
  const section = tokens[at];
  return render(tokens.slice(0, at)) + renderBlock(render(section[4] as Mustache.TemplateSpans)) + render(tokens.slice(at + 1));
}

/**
 * The content of the note's generated block as the template makes it now: its
 * `{{#generated}}` section, or the built-in template's when the user's template has none.
 */
export function renderGeneratedContent(paper: Paper, template: string = defaultNoteTemplate, date: string = today(), zotero?: ZoteroExtras): string {
  let tokens = parseTemplate(template);
  let at = generatedSectionIndex(tokens);
  if (at < 0) {
    template = defaultNoteTemplate;
    tokens = parseTemplate(template);
    at = generatedSectionIndex(tokens);
  }
  return renderer(paper, template, date, zotero)(tokens[at][4] as Mustache.TemplateSpans);
}

/** Whether the template has a generated section (new notes made from it get a block). */
export function hasGeneratedSection(template: string): boolean {
  return generatedSectionIndex(parseTemplate(template)) >= 0;
}

function parseTemplate(template: string): Mustache.TemplateSpans {
  try {
    return Mustache.parse(template);
  } catch (error) {
    throw new NoteTemplateError(`The note template cannot be used: ${describeParseError(error, template)}`);
  }
}

function generatedSectionIndex(tokens: Mustache.TemplateSpans): number {
  return tokens.findIndex((token) => token[0] === '#' && token[1] === GENERATED_SECTION);
}

function renderer(paper: Paper, template: string, date: string, zotero: ZoteroExtras | undefined): (tokens: Mustache.TemplateSpans) => string {
  const context = new Mustache.Context(noteView(paper, date, zotero));
  // Values are neutralised in the view already, so `{{x}}` and `{{{x}}}` give the same text; the
  // escape is per render (never the global Mustache.escape) and only lets strings through.
  const escape = (value: unknown): string => (typeof value === 'string' ? value : '');
  const writer = new Mustache.Writer();
  // @types/mustache types renderTokens' tokens as string[][]; they are the parser's TemplateSpans.
  // Generated text never holds a block marker of its own (a Zotero note could spell one out).
  return (tokens) => defuseMarkers(writer.renderTokens(onlyOwnFields(tokens) as unknown as string[][], context, undefined, template, { escape }));
}

export function noteView(paper: Paper, date: string, zotero?: ZoteroExtras): NoteView {
  const authors = paper.authors.map(personFullName).filter((n) => n !== '');
  const doi = normalizeDoi(paper.doi);
  const doiUrl = doi && /^10\.\d+\//.test(doi) ? safeUrl(`https://doi.org/${doi}`) : undefined;
  const url = safeUrl(paper.url);
  const arxiv = paper.arxiv?.trim().replace(/^arxiv:\s*/i, '') || undefined;
  const arxivUrl = arxiv && /^([a-z-]+(\.[a-z]{2})?\/\d{7}|\d{4}\.\d{4,5})(v\d+)?$/i.test(arxiv) ? safeUrl(`https://arxiv.org/abs/${arxiv}`) : undefined;
  const links: NoteLink[] = [];
  for (const [label, href] of [['DOI', doiUrl], ['arXiv', arxivUrl], ['URL', url]] as const) {
    if (href && !links.some((l) => l.url === href)) links.push(record({ label, url: href }));
  }
  const title = paper.title?.trim() ? paper.title : paper.key;
  const citeKey = pandocCiteKey(paper.key);
  const abstract = abstractOf(paper);
  const yamlFields: Record<string, string | undefined> = {
    key: paper.key, title, authorsText: authors.join(', ') || undefined, year: paper.year, venue: paper.venue,
    abstract, doi, doiUrl, url, arxiv, arxivUrl, date,
  };
  const yaml = record<Record<string, string>>({});
  for (const [name, value] of Object.entries(yamlFields)) if (value !== undefined) yaml[name] = yamlString(value);
  yaml.authors = yamlList(authors);
  yaml.keywords = yamlList(paper.keywords);
  return record<NoteView>({
    key: markdownText(paper.key),
    title: markdownText(title),
    authors: authors.map((name) => record({ name: markdownText(name) })),
    authorsText: optional(authors.join(', ')),
    year: optional(paper.year),
    venue: optional(paper.venue),
    abstract: optional(abstract),
    doi: optional(doi),
    doiUrl,
    url,
    arxiv: optional(arxiv),
    arxivUrl,
    links,
    keywords: paper.keywords.map(markdownText),
    date,
    citation: citeKey ? `[${citeKey}]` : markdownText(paper.key),
    citeKey: citeKey ?? markdownText(paper.key),
    yaml,
    annotations: (zotero?.annotations ?? []).map((a) => record({ ...a })),
    hasAnnotations: (zotero?.annotations.length ?? 0) > 0,
    zoteroNotes: (zotero?.notes ?? []).filter((n) => n.trim() !== '').map((markdown) => record({ markdown })),
    hasZoteroNotes: (zotero?.notes ?? []).some((n) => n.trim() !== ''),
  });
}

/** `@key` when Pandoc reads the key as it is, `@{key}` when it needs braces, undefined when it cannot be cited safely. */
function pandocCiteKey(key: string): string | undefined {
  if (/^[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*$/u.test(key) && !/[<>]/.test(key)) return `@${key}`;
  // Braces, brackets, backticks or angle brackets inside a braced key would let Markdown see a link or HTML.
  if (key !== '' && !/[{}[\]()<>`\\\p{Cc}]/u.test(key)) return `@{${key}}`;
  return undefined;
}

function optional(text: string | undefined): string | undefined {
  return text && text.trim() ? markdownText(text) : undefined;
}

/**
 * Catalog text as inert Markdown on one line: whitespace (newlines too) collapsed, control
 * characters dropped, and the characters that would start HTML, a link, an image, code,
 * emphasis, a citation or a table cell escaped with a backslash; a leading `#`, `-`, `+`, `=` or
 * `1.` cannot start a heading or list.
 */
export function markdownText(text: string): string {
  const line = text.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
  return line
    .replace(/[\\`*_[\]<>@|]/g, '\\$&')
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A JSON string is a YAML double-quoted scalar; characters YAML does not allow in a stream are escaped too. */
function yamlString(text: string): string {
  const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return JSON.stringify(wellFormed).replace(/[\u007F-\u009F\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function yamlList(items: readonly string[]): string {
  return `[${items.map(yamlString).join(', ')}]`;
}

function normalizeDoi(doi: string | undefined): string | undefined {
  const trimmed = doi?.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  return trimmed || undefined;
}

/**
 * An http(s) URL, normalised, with the characters that could end a Markdown link destination or
 * start markup percent-encoded; undefined for anything else (javascript:, file:, data:, garbage).
 */
function safeUrl(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.href.replace(/[()[\]<>`'"*\\ ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Mustache looks names up with `in`: views without a prototype keep `{{constructor}}` and friends empty. */
function record<T extends object>(fields: T): T {
  return Object.assign(Object.create(null) as T, fields);
}

const inherited = new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype), ...Object.getOwnPropertyNames(String.prototype)]);

/**
 * The template's tokens with every name that reaches an inherited property (`{{authors.map}}`,
 * `{{title.constructor}}`) replaced by a name that finds nothing, and `{{{x}}}`/`{{&x}}` turned
 * into `{{x}}` so every value passes the render's escape. Mustache would otherwise call those
 * functions. Copies: Mustache caches the parsed tokens.
 */
function onlyOwnFields(tokens: Mustache.TemplateSpans): Mustache.TemplateSpans {
  return tokens.map((token): Mustache.TemplateSpans[number] => {
    const [type, name] = token;
    const copy = [...token] as typeof token;
    // The parser turns `{{{x}}}` into `&` tokens.
    if (type === 'name' || type === '&' || type === '#' || type === '^') {
      if (name !== '.' && name.split('.').some((part) => inherited.has(part))) copy[1] = '\u0000';
      if (type === '&') copy[0] = 'name';
    }
    if (Array.isArray(copy[4])) copy[4] = onlyOwnFields(copy[4]);
    return copy;
  });
}

function describeParseError(error: unknown, template: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at (\d+)$/.exec(message);
  if (!at) return message;
  const line = template.slice(0, Number(at[1])).split('\n').length;
  return `${message.replace(/ at \d+$/, '')} (line ${line}).`;
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The LitNotes settings as the server uses them: one typed object, validated once per change.
 * The names and defaults mirror package.json `contributes.configuration` (settings.test.ts checks it).
 * `litnotes.trace.server` is read by the client only and is not here.
 */

export type RuleSeverity = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type TopicSource = 'both' | 'catalog' | 'derived';
export type PaperSort = 'title' | 'year' | 'cited';
/** Where Open PDF opens a document: see package.json `litnotes.pdf.openWith`. */
export type PdfOpenWith = 'auto' | 'vscode' | 'system' | 'zotero';

export interface Settings {
  /** Catalog paths or globs relative to the workspace folder; empty = discover them. */
  catalogs: string[];
  /** Globs never indexed (VS Code's `files.exclude` is added by the glue). */
  exclude: string[];
  /** Folder of literature notes, relative to the workspace folder. */
  notesFolder: string;
  /** Workspace-relative path of a Mustache template for new notes; empty = built-in. */
  noteTemplate: string;
  /** `apa`, `vancouver`, `harvard1` or a workspace-relative `.csl` path. */
  citationStyle: string;
  /** `count`: top-level topics of the model; 0 lets the library's size decide. */
  topics: { source: TopicSource; count: number };
  papers: { sort: PaperSort };
  completion: { maxItems: number };
  diagnostics: { unknownKey: RuleSeverity; duplicateKey: RuleSeverity; parseError: RuleSeverity };
  pdf: { openWith: PdfOpenWith };
  /** The user's Zotero library as a catalog, read from the running Zotero at `url`. */
  zotero: { enabled: boolean; url: string };
}

export const defaultSettings: Settings = Object.freeze({
  catalogs: [],
  exclude: ['**/node_modules/**', '**/.git/**'],
  notesFolder: 'notes',
  noteTemplate: '',
  citationStyle: 'apa',
  topics: { source: 'both', count: 0 },
  papers: { sort: 'title' },
  completion: { maxItems: 50 },
  diagnostics: { unknownKey: 'warning', duplicateKey: 'warning', parseError: 'error' },
  pdf: { openWith: 'auto' },
  zotero: { enabled: false, url: 'http://127.0.0.1:23119' },
}) as Settings;

/** More top-level topics than this is no overview any more. */
const MAX_TOPIC_COUNT = 50;

const severities: readonly RuleSeverity[] = ['error', 'warning', 'information', 'hint', 'off'];
const topicSources: readonly TopicSource[] = ['both', 'catalog', 'derived'];
const paperSorts: readonly PaperSort[] = ['title', 'year', 'cited'];
const pdfOpeners: readonly PdfOpenWith[] = ['auto', 'vscode', 'system', 'zotero'];

/**
 * Validates settings as a client sends them (section `litnotes` of `workspace/configuration`,
 * nested like VS Code's `{ topics: { source } }` or flat like `{ "topics.source": ... }`, with or
 * without the `litnotes.` prefix). Each field that is missing or invalid falls back to its default.
 */
export function parseSettings(raw: unknown): Settings {
  const get = lookup(raw);
  const d = defaultSettings;
  return {
    catalogs: stringArray(get('catalogs')) ?? [...d.catalogs],
    exclude: stringArray(get('exclude')) ?? [...d.exclude],
    notesFolder: nonEmptyString(get('notesFolder')) ?? d.notesFolder,
    noteTemplate: typeof get('noteTemplate') === 'string' ? (get('noteTemplate') as string).trim() : d.noteTemplate,
    citationStyle: nonEmptyString(get('citationStyle')) ?? d.citationStyle,
    topics: {
      source: oneOf(get('topics.source'), topicSources) ?? d.topics.source,
      count: get('topics.count') === 0 ? 0 : (positiveInteger(get('topics.count'), MAX_TOPIC_COUNT) ?? d.topics.count),
    },
    papers: { sort: oneOf(get('papers.sort'), paperSorts) ?? d.papers.sort },
    completion: { maxItems: positiveInteger(get('completion.maxItems'), 1000) ?? d.completion.maxItems },
    diagnostics: {
      unknownKey: oneOf(get('diagnostics.unknownKey'), severities) ?? d.diagnostics.unknownKey,
      duplicateKey: oneOf(get('diagnostics.duplicateKey'), severities) ?? d.diagnostics.duplicateKey,
      parseError: oneOf(get('diagnostics.parseError'), severities) ?? d.diagnostics.parseError,
    },
    pdf: { openWith: oneOf(get('pdf.openWith'), pdfOpeners) ?? d.pdf.openWith },
    zotero: {
      enabled: typeof get('zotero.enabled') === 'boolean' ? (get('zotero.enabled') as boolean) : d.zotero.enabled,
      url: nonEmptyString(get('zotero.url')) ?? d.zotero.url,
    },
  };
}

/** Reads `a.b` from a nested object, a flat object, or either under a `litnotes` key/prefix. */
function lookup(raw: unknown): (dotted: string) => unknown {
  const root = isRecord(raw) && isRecord(raw.litnotes) ? raw.litnotes : raw;
  return (dotted) => {
    if (!isRecord(root)) return undefined;
    if (dotted in root) return root[dotted];
    if (`litnotes.${dotted}` in root) return root[`litnotes.${dotted}`];
    let node: unknown = root;
    for (const part of dotted.split('.')) {
      if (!isRecord(node)) return undefined;
      node = node[part];
    }
    return node;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.includes(value as T) ? (value as T) : undefined;
}

function positiveInteger(value: unknown, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) return undefined;
  return Math.min(Math.floor(value), max);
}

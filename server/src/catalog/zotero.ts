/**
 * The Zotero library as a catalog: Zotero's item JSON (the local API's `format=json`, the `data`
 * of each item) and Better BibTeX's CSL-JSON → the normalized Paper, and where a citation key
 * comes from when Better BibTeX does not give one.
 *
 * Every value is untrusted text like a catalog's: only strings and numbers are read, rich-text
 * tags in titles are dropped, and an item key becomes part of a URI only when it is plain letters
 * and digits.
 */
import type { Range } from '../core/types';
import { cslToPaper, richText } from './csl';
import { arxivFromDoi, arxivFromUrl, normalizeDoi, splitKeywords } from './identifiers';
import type { Paper, Person } from './paper';

/** The catalog URI of the Zotero library: not a file, never read or watched as one. */
export const ZOTERO_CATALOG_URI = 'zotero:library';

export function isZoteroCatalog(uri: string): boolean {
  return uri === ZOTERO_CATALOG_URI;
}

/** Zotero's item keys are 8 characters of its own alphabet; anything plain and short is accepted, nothing else. */
const ITEM_KEY = /^[A-Za-z0-9]{1,32}$/;

export function isZoteroItemKey(key: unknown): key is string {
  return typeof key === 'string' && ITEM_KEY.test(key);
}

/** The URI that selects an item of the user's library in Zotero (`zotero://select/library/items/KEY`). */
export function zoteroSelectUri(itemKey: string): string | undefined {
  return isZoteroItemKey(itemKey) ? `zotero://select/library/items/${itemKey}` : undefined;
}

/** The item key in a URI `zoteroSelectUri` made, or undefined for any other URI. */
export function itemKeyOfSelectUri(uri: string): string | undefined {
  const match = /^zotero:\/\/select\/library\/items\/([A-Za-z0-9]{1,32})$/.exec(uri);
  return match ? match[1] : undefined;
}

/** Items that are not works one cites: they are children of one (or standalone notes and files). */
const NOT_CITABLE = new Set(['note', 'attachment', 'annotation']);

/** Zotero item types → CSL types (Zotero's schema maps them the same way). */
const CSL_TYPES: Record<string, string> = {
  artwork: 'graphic',
  audioRecording: 'song',
  bill: 'bill',
  blogPost: 'post-weblog',
  book: 'book',
  bookSection: 'chapter',
  case: 'legal_case',
  computerProgram: 'software',
  conferencePaper: 'paper-conference',
  dataset: 'dataset',
  dictionaryEntry: 'entry-dictionary',
  document: 'document',
  email: 'personal_communication',
  encyclopediaArticle: 'entry-encyclopedia',
  film: 'motion_picture',
  forumPost: 'post',
  hearing: 'hearing',
  instantMessage: 'personal_communication',
  interview: 'interview',
  journalArticle: 'article-journal',
  letter: 'personal_communication',
  magazineArticle: 'article-magazine',
  manuscript: 'manuscript',
  map: 'map',
  newspaperArticle: 'article-newspaper',
  patent: 'patent',
  podcast: 'song',
  preprint: 'article',
  presentation: 'speech',
  radioBroadcast: 'broadcast',
  report: 'report',
  standard: 'standard',
  statute: 'legislation',
  thesis: 'thesis',
  tvBroadcast: 'broadcast',
  videoRecording: 'motion_picture',
  webpage: 'webpage',
};

/** Creators who are not the work's authors; everyone else is (author, inventor, director, …). */
const NOT_AUTHORS = new Set(['editor', 'seriesEditor', 'translator', 'contributor', 'bookAuthor', 'reviewedAuthor', 'commenter', 'counsel', 'wordsBy', 'castMember', 'guest', 'producer', 'scriptwriter', 'attorneyAgent', 'cosponsor', 'interviewer', 'recipient']);
const EDITORS = new Set(['editor', 'seriesEditor']);

/** Where each Paper field is in Zotero's type-specific field names, first one present wins. */
const TITLE_FIELDS = ['title', 'caseName', 'nameOfAct', 'subject'];
const VENUE_FIELDS = ['publicationTitle', 'proceedingsTitle', 'bookTitle', 'conferenceName', 'websiteTitle', 'blogTitle', 'forumTitle', 'encyclopediaTitle', 'dictionaryTitle', 'programTitle', 'reporter', 'code'];
const PUBLISHER_FIELDS = ['publisher', 'university', 'institution', 'repository', 'label', 'studio', 'company', 'distributor', 'network', 'court', 'organization'];
const VOLUME_FIELDS = ['volume', 'reporterVolume', 'codeVolume'];
const ISSUE_FIELDS = ['issue', 'number', 'reportNumber', 'billNumber', 'patentNumber'];
const PAGES_FIELDS = ['pages', 'firstPage', 'codePages'];

/** One item of the library as the glue read it: Zotero's item JSON or a CSL-JSON item. */
export interface ZoteroRecord {
  itemKey: string;
  version: number;
  /** `dateModified` as Zotero writes it (`2024-05-01T12:00:00Z`), or '' when it has none. */
  dateModified: string;
}

export type ZoteroKeySource = 'better-bibtex' | 'citation-key-field' | 'extra' | 'generated';

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const string = String(value).replace(/\s+/g, ' ').trim();
  return string || undefined;
}

function first(data: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = text(data[field]);
    if (value) return value;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `data` of an item of the local API's `format=json` (or the item itself when it is already data). */
export function itemData(item: unknown): Record<string, unknown> | undefined {
  if (!isRecord(item)) return undefined;
  return isRecord(item.data) ? item.data : typeof item.itemType === 'string' ? item : undefined;
}

/** Key, version and last change of an item of `format=json`; undefined when it has no usable key. */
export function zoteroRecord(item: unknown): ZoteroRecord | undefined {
  const data = itemData(item);
  if (!data || !isRecord(item)) return undefined;
  const itemKey = isZoteroItemKey(item.key) ? item.key : isZoteroItemKey(data.key) ? data.key : undefined;
  if (!itemKey) return undefined;
  const version = Number(item.version ?? data.version);
  return { itemKey, version: Number.isFinite(version) ? version : 0, dateModified: text(data.dateModified) ?? '' };
}

/** Whether an item is a work one cites (not a note, file or annotation). */
export function isCitableItem(item: unknown): boolean {
  const data = itemData(item);
  return !!data && typeof data.itemType === 'string' && !NOT_CITABLE.has(data.itemType) && data.deleted !== true && data.deleted !== 1;
}

/** `Name: value` lines of Zotero's `extra` field, by lower-case name (the first of each). */
function extraFields(data: Record<string, unknown>): Map<string, string> {
  const fields = new Map<string, string>();
  const extra = typeof data.extra === 'string' ? data.extra : '';
  for (const line of extra.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z][A-Za-z -]*?)\s*:\s*(.+?)\s*$/.exec(line);
    if (match && !fields.has(match[1].toLowerCase())) fields.set(match[1].toLowerCase(), match[2]);
  }
  return fields;
}

/** A citation key as Zotero holds it, when it can be cited as it is (no spaces, braces, `@`…). */
export function usableCitationKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const key = value.trim();
  if (key === '' || key.length > 200 || /[\s{}(),@"#%'=\\\u0000-\u001f]/.test(key)) return undefined;
  return key;
}

/**
 * The key the item gives itself without Better BibTeX: Zotero's Citation Key field (Zotero 7 has
 * it for some types, 8 for all), else a `Citation Key:` line in Extra (Better BibTeX's pinned keys
 * and Zotero's own convention before the field).
 */
export function ownCitationKey(item: unknown): { key: string; source: ZoteroKeySource } | undefined {
  const data = itemData(item);
  if (!data) return undefined;
  const field = usableCitationKey(data.citationKey);
  if (field) return { key: field, source: 'citation-key-field' };
  const extra = extraFields(data);
  const pinned = usableCitationKey(extra.get('citation key') ?? extra.get('bibtex'));
  return pinned ? { key: pinned, source: 'extra' } : undefined;
}

/** The English words Better BibTeX's `shorttitle` skips. */
const STOP_WORDS = new Set(['a', 'about', 'above', 'across', 'after', 'against', 'along', 'among', 'an', 'and', 'around', 'as', 'at', 'before', 'behind', 'below', 'between', 'but', 'by', 'for', 'from', 'in', 'inside', 'into', 'is', 'like', 'near', 'nor', 'of', 'off', 'on', 'onto', 'or', 'over', 'per', 'since', 'so', 'some', 'than', 'the', 'through', 'to', 'toward', 'under', 'until', 'up', 'upon', 'versus', 'via', 'while', 'with', 'within', 'without', 'yet']);

function plain(value: string): string {
  return value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, ' ').trim();
}

/**
 * The fallback key of an item with none: the first author's family name in lower case, the first
 * three words of the title that are not function words, capitalized, and the year, as Better
 * BibTeX's default pattern makes them (`vaswaniAttentionAllYou2017`). Without letters to use, the
 * item key (`zotero-ABCD2345`). Clashes get `a`, `b`, … from the caller.
 */
export function generatedCitationKey(paper: Pick<Paper, 'authors' | 'editors' | 'title' | 'year'>, itemKey: string): string {
  const person = paper.authors[0] ?? paper.editors?.[0];
  const family = plain(person?.family ?? person?.literal ?? '').split(' ')[0]?.toLowerCase() ?? '';
  const words = plain(richText(paper.title) ?? '')
    .split(' ')
    .filter((w) => w && !STOP_WORDS.has(w.toLowerCase()))
    .slice(0, 3)
    .map((w) => w[0].toUpperCase() + w.slice(1));
  const year = /\d{4}/.exec(paper.year ?? '')?.[0] ?? '';
  const key = `${family}${words.join('')}${year}`;
  return /[A-Za-z]/.test(key) ? key : `zotero-${itemKey}`;
}

function persons(creators: unknown, keep: (type: string) => boolean): Person[] {
  if (!Array.isArray(creators)) return [];
  const people: Person[] = [];
  for (const creator of creators) {
    if (!isRecord(creator) || !keep(String(creator.creatorType ?? 'author'))) continue;
    const person: Person = {};
    const name = text(creator.name);
    const family = text(creator.lastName);
    const given = text(creator.firstName);
    if (name) person.literal = name;
    else {
      if (family) person.family = family;
      if (given) person.given = given;
    }
    if (person.literal || person.family || person.given) people.push(person);
  }
  return people;
}

function dateOf(data: Record<string, unknown>, meta: unknown): { year?: string; date?: string } {
  const parsed = isRecord(meta) ? text(meta.parsedDate) : undefined;
  const raw = text(data.date) ?? text(data.dateDecided) ?? text(data.dateEnacted) ?? text(data.issueDate) ?? text(data.filingDate);
  const date = parsed ?? raw;
  return { year: /\d{4}/.exec(date ?? '')?.[0], date };
}

/** The Zotero library's place for every paper: no line to point at, the item key says which. */
const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * A paper from one item of the local API (`format=json`: `{ key, version, meta, data }`), cited as
 * `citationKey`. Undefined for items that are not works one cites, or have no usable item key.
 */
export function zoteroItemToPaper(item: unknown, citationKey: string): Paper | undefined {
  const data = itemData(item);
  const record = zoteroRecord(item);
  if (!data || !record || !isCitableItem(item)) return undefined;
  const itemType = String(data.itemType);
  const extra = extraFields(data);
  const url = text(data.url);
  const doi = normalizeDoi(text(data.DOI) ?? extra.get('doi'));
  const archiveId = text(data.archiveID)?.replace(/^arxiv:\s*/i, '');
  const { year, date } = dateOf(data, isRecord(item) ? item.meta : undefined);
  const tags = Array.isArray(data.tags) ? data.tags.map((tag) => (isRecord(tag) ? text(tag.tag) : undefined)).filter((tag): tag is string => !!tag) : [];
  const authors = persons(data.creators, (type) => !NOT_AUTHORS.has(type));
  const paper: Paper = {
    key: citationKey,
    type: CSL_TYPES[itemType] ?? 'document',
    title: richText(first(data, TITLE_FIELDS)),
    authors: authors.length > 0 ? authors : persons(data.creators, (type) => !EDITORS.has(type)),
    year,
    date,
    venue: richText(first(data, VENUE_FIELDS)),
    publisher: first(data, PUBLISHER_FIELDS),
    volume: first(data, VOLUME_FIELDS),
    issue: first(data, ISSUE_FIELDS),
    pages: first(data, PAGES_FIELDS)?.replace(/--?/g, '–'),
    abstract: typeof data.abstractNote === 'string' && data.abstractNote.trim() ? data.abstractNote.trim() : undefined,
    doi,
    url,
    arxiv: arxivFromUrl(url) ?? arxivFromDoi(doi) ?? (archiveId && /arxiv/i.test(text(data.repository) ?? text(data.archiveID) ?? '') ? archiveId : undefined),
    keywords: splitKeywords([tags]),
    files: [],
    zoteroKey: record.itemKey,
    source: { uri: ZOTERO_CATALOG_URI, range: NOWHERE, keyRange: NOWHERE },
  };
  const editors = persons(data.creators, (type) => EDITORS.has(type));
  if (editors.length) paper.editors = editors;
  for (const name of Object.keys(paper) as (keyof Paper)[]) if (paper[name] === undefined) delete paper[name];
  return paper;
}

/**
 * A paper from Better BibTeX's CSL-JSON (`item.search`, pull export of `library.json`): its
 * `citekey` (or `citation-key`, or `id`) is the key; the item key comes from the item's URI.
 */
export function zoteroCslToPaper(item: unknown): Paper | undefined {
  if (!isRecord(item)) return undefined;
  const key = usableCitationKey(item.citekey) ?? usableCitationKey(item['citation-key']) ?? usableCitationKey(item.citationKey) ?? usableCitationKey(item.id);
  if (!key) return undefined;
  const paper = cslToPaper({ ...item, id: key }, { uri: ZOTERO_CATALOG_URI, range: NOWHERE, keyRange: NOWHERE });
  const itemKey = itemKeyOfCslId(item.id) ?? itemKeyOfCslId(isRecord(item.custom) ? item.custom.itemKey : undefined);
  if (itemKey) paper.zoteroKey = itemKey;
  return paper;
}

/** `http://zotero.org/users/1/items/ABCD2345`, `1/ABCD2345` or `ABCD2345` → `ABCD2345`. */
function itemKeyOfCslId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const last = id.slice(id.lastIndexOf('/') + 1);
  return /^[A-Z0-9]{8}$/.test(last) ? last : undefined;
}

/**
 * Formatted references (APA, Vancouver, Harvard or any CSL style) for papers, through citation-js
 * and citeproc-js, the CSL processor Zotero uses. A paper is converted to CSL-JSON first.
 *
 * Odd papers (no authors, no year, strange types) never make this throw: citeproc gets what there
 * is, and a paper it cannot format becomes a plain "Title. Year." line. A style that cannot be
 * used (unknown name, broken CSL XML) is a CitationStyleError, with a message for the user.
 */
// @ts-expect-error -- @citation-js/core ships no type declarations; the part used here is typed below.
import { plugins as untypedPlugins } from '@citation-js/core';
// Registers the `bibliography` output and the apa, vancouver and harvard1 styles with en-US.
import '@citation-js/plugin-csl';
import { personFamily, type Paper, type Person } from './paper';

/** The few citation-js entry points used here. */
interface CitationJsPlugins {
  output: { format(name: 'bibliography', data: CslItem[], options: BibliographyOptions): string };
  config: { get(plugin: '@csl'): { styles: { add(name: string, xml: string): void; has(name: string): boolean } } };
}
interface BibliographyOptions {
  template: string;
  format: 'text' | 'html';
  lang: string;
  asEntryArray?: boolean;
}
const citationJs = untypedPlugins as CitationJsPlugins;

export type ReferenceFormat = 'text' | 'html';

/** A style the user asked for cannot be used. */
export class CitationStyleError extends Error {
  override name = 'CitationStyleError';
}

/** Styles that ship with @citation-js/plugin-csl. */
export const builtInStyles = ['apa', 'vancouver', 'harvard1'] as const;

/**
 * The references of `papers` in a citation style: `apa` (default), `vancouver`, `harvard1`, or
 * the CSL style given as XML text in `styleXml` (then `style` is only its display name). Text:
 * one reference per line. HTML: citeproc's `csl-bib-body` block, catalog text escaped.
 */
export function formatReferences(papers: readonly Paper[], style = 'apa', format: ReferenceFormat = 'text', styleXml?: string): string {
  if (papers.length === 0) return '';
  const template = styleXml !== undefined ? registerStyle(style, styleXml) : builtInStyle(style);
  // Items get our own ids: citation-js writes the id into an HTML attribute without escaping it.
  const items = papers.map((paper, i) => ({ ...toCsl(paper), id: `paper-${i}` }));
  let entries: string[];
  try {
    entries = bibliographyEntries(items, template, format);
  } catch (error) {
    // One paper citeproc cannot handle should not cost the others their references.
    const each = items.map((item) => {
      try {
        return bibliographyEntries([item], template, format)[0];
      } catch {
        return undefined;
      }
    });
    if (styleXml !== undefined && each.every((entry) => entry === undefined)) throw styleError(style, error);
    entries = each.map((entry, i) => entry ?? plainReference(papers[i]!, format));
  }
  return format === 'html' ? `<div class="csl-bib-body">\n${entries.join('')}</div>` : entries.map((e) => e.trim()).join('\n');
}

function bibliographyEntries(items: CslItem[], template: string, format: ReferenceFormat): string[] {
  const entries = citationJs.output.format('bibliography', items, { template, format, lang: 'en-US', asEntryArray: true }) as unknown as [string, string][];
  return entries.map(([, entry]) => entry.replace(/ data-csl-entry-id="paper-\d+"/, ''));
}

function builtInStyle(style: string): string {
  const name = style.toLowerCase();
  if ((builtInStyles as readonly string[]).includes(name)) return name;
  throw new CitationStyleError(`Unknown citation style "${style}": use ${builtInStyles.join(', ')} or a CSL style file.`);
}

/** Registered custom styles by XML text. citation-js caches engines by style name, so each text gets its own name. */
const customStyles = new Map<string, string>();

function registerStyle(label: string, xml: string): string {
  const known = customStyles.get(xml);
  if (known) return known;
  if (!/<style[\s>]/.test(xml)) throw new CitationStyleError(`The citation style "${label}" is not CSL: no <style> element.`);
  const name = `litnotes-custom-${customStyles.size + 1}`;
  citationJs.config.get('@csl').styles.add(name, xml);
  customStyles.set(xml, name);
  return name;
}

function styleError(label: string, error: unknown): CitationStyleError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new CitationStyleError(`The citation style "${label}" could not be used: ${reason}`);
}

// ---------------------------------------------------------------------------------------------
// Paper → CSL-JSON

interface CslName {
  family?: string;
  given?: string;
  'non-dropping-particle'?: string;
  suffix?: string;
  literal?: string;
}
interface CslDate {
  'date-parts'?: [number, number?, number?][];
  literal?: string;
}
export interface CslItem {
  id: string;
  type: string;
  title?: string;
  author?: CslName[];
  editor?: CslName[];
  issued?: CslDate;
  'container-title'?: string;
  publisher?: string;
  volume?: string;
  issue?: string;
  page?: string;
  DOI?: string;
  URL?: string;
}

/** BibTeX/BibLaTeX entry types → CSL types; CSL type names pass through. */
const cslTypes: Record<string, string> = {
  article: 'article-journal',
  inproceedings: 'paper-conference',
  conference: 'paper-conference',
  proceedings: 'book',
  book: 'book',
  mvbook: 'book',
  booklet: 'pamphlet',
  inbook: 'chapter',
  incollection: 'chapter',
  bookinbook: 'chapter',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  techreport: 'report',
  report: 'report',
  manual: 'report',
  unpublished: 'manuscript',
  online: 'webpage',
  electronic: 'webpage',
  www: 'webpage',
  patent: 'patent',
  dataset: 'dataset',
  software: 'software',
};
const cslTypeNames = new Set([
  'article', 'article-journal', 'article-magazine', 'article-newspaper', 'bill', 'book', 'broadcast', 'chapter', 'dataset',
  'entry', 'entry-dictionary', 'entry-encyclopedia', 'figure', 'graphic', 'interview', 'legal_case', 'legislation',
  'manuscript', 'map', 'motion_picture', 'musical_score', 'pamphlet', 'paper-conference', 'patent', 'personal_communication',
  'post', 'post-weblog', 'report', 'review', 'review-book', 'song', 'speech', 'thesis', 'treaty', 'webpage', 'software', 'document',
]);

export function toCsl(paper: Paper): CslItem {
  // Without a title a reference says nothing ("(n.d.)."): the key at least names the paper.
  const item: CslItem = { id: paper.key, type: cslType(paper), title: paper.title?.trim() || paper.key };
  if (paper.authors.length > 0) item.author = paper.authors.map(toCslName);
  if (paper.editors?.length) item.editor = paper.editors.map(toCslName);
  const issued = cslDate(paper.date ?? paper.year);
  if (issued) item.issued = issued;
  if (paper.venue) item['container-title'] = paper.venue;
  if (paper.publisher) item.publisher = paper.publisher;
  if (paper.volume) item.volume = paper.volume;
  if (paper.issue) item.issue = paper.issue;
  // BibTeX writes ranges with `--`; CSL expects a hyphen and typesets the dash itself.
  if (paper.pages) item.page = paper.pages.replace(/\s*-{1,3}\s*/g, '-');
  if (paper.doi) item.DOI = paper.doi.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  const url = paper.url ?? (paper.arxiv ? `https://arxiv.org/abs/${paper.arxiv.replace(/^arxiv:\s*/i, '')}` : undefined);
  if (url) item.URL = url;
  return item;
}

function cslType(paper: Paper): string {
  const type = paper.type.toLowerCase();
  if (cslTypes[type]) return cslTypes[type];
  if (cslTypeNames.has(type)) return type;
  // @misc: preprints (arXiv) are CSL `article`; anything else a generic document.
  return paper.arxiv || /arxiv/i.test(paper.venue ?? '') ? 'article' : 'document';
}

function toCslName(person: Person): CslName {
  if (person.literal) return { literal: person.literal };
  const name: CslName = {};
  if (person.family) name.family = person.family;
  if (person.given) name.given = person.given;
  if (person.particle) name['non-dropping-particle'] = person.particle;
  if (person.suffix) name.suffix = person.suffix;
  if (!name.family && !name.given) return { literal: personFamily(person) ?? '' };
  return name;
}

/** `2024`, `2024-05`, `2024-05-17` → date-parts; anything else is kept as literal text. */
function cslDate(text: string | undefined): CslDate | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const m = /^(\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec(trimmed);
  if (!m) return { literal: trimmed };
  const parts: [number, number?, number?] = [Number(m[1])];
  if (m[2]) parts.push(Number(m[2]));
  if (m[2] && m[3]) parts.push(Number(m[3]));
  return { 'date-parts': [parts] };
}

/** "Title. Year." — what a reader still needs when no style could format the paper. */
function plainReference(paper: Paper, format: ReferenceFormat): string {
  const text = [paper.title?.trim() || paper.key, paper.year?.trim()].filter(Boolean).map((part) => `${part!.replace(/[.\s]+$/, '')}.`).join(' ');
  return format === 'html' ? `  <div class="csl-entry">${escapeHtml(text)}</div>\n` : text;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

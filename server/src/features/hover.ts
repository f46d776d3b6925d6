/**
 * Hover on a citation in a note or on an entry's key in a catalog: what the paper is (title,
 * authors, year, venue, the whole abstract), where to read it (DOI, arXiv, URL, code, project page),
 * its keywords, how many notes cite it and, last, up to three related papers of the library (the
 * topic model's). Every piece of catalog text goes through markdown.ts; related papers are plain
 * text, no link: a hover's links open pages, and these are papers of the workspace.
 */
import { abstractOf, shortAuthors, type Paper } from '../catalog/paper';
import type { Position } from '../core/types';
import { keyAt } from '../service/keyAt';
import { namesPdf } from '../service/paperAttachments';
import { paperLinks } from '../service/paperLinks';
import type { Hover } from '../service/protocolTypes';
import type { WorkspaceModel } from '../service/workspaceModel';
import { openPdfCommandUri } from './clientCommands';
import type { SafeUrl } from '../core/safeUrl';
import { escapeInline, escapeMarkdown, escapeMarkdownParagraphs, markdownLink, paperByline, paperTitleLine } from './markdown';

export interface HoverOptions {
  /** The client has `litnotes.openPdf`: papers with a PDF get an "Open PDF" link. */
  openPdfCommand?: boolean;
}

export function provideHover(model: WorkspaceModel, uri: string, position: Position, options: HoverOptions = {}): Hover | undefined {
  const at = keyAt(model, uri, position);
  if (!at) return undefined;
  // While catalogs are read, a provisional paper (key, title, authors) is better than nothing.
  const paper = model.paperOrProvisional(at.key);
  if (!paper) return undefined;
  return { contents: { kind: 'markdown', value: paperHoverMarkdown(model, paper, options) }, range: at.kind === 'citation' ? at.citation.range : at.range };
}

export function paperHoverMarkdown(model: WorkspaceModel, paper: Paper, options: HoverOptions = {}): string {
  const parts = [paperTitleLine(paper)];
  const byline = paperByline(paper);
  if (byline) parts.push(byline);
  const abstract = abstractOf(paper);
  if (abstract) parts.push(escapeMarkdownParagraphs(abstract));

  const links = paperLinks(paper);
  const linkParts: string[] = [];
  // The only command link of a hover: LitNotes' own command, the key as its argument (clientCommands.ts).
  if (options.openPdfCommand && namesPdf(paper)) linkParts.push(`[Open PDF](${openPdfCommandUri(paper.key)})`);
  if (links.doi) linkParts.push(`DOI ${markdownLink(links.doi.id, links.doi.url)}`);
  if (links.arxiv) linkParts.push(`arXiv ${markdownLink(links.arxiv.id, links.arxiv.url)}`);
  if (links.url) linkParts.push(`URL ${markdownLink(linkLabel(links.url), links.url)}`);
  for (const code of links.code) if (code !== links.url) linkParts.push(`Code ${markdownLink(linkLabel(code), code)}`);
  for (const page of links.pages) linkParts.push(`Page ${markdownLink(linkLabel(page), page)}`);
  if (linkParts.length > 0) parts.push(linkParts.join(' · '));

  if (paper.keywords.length > 0) parts.push(`Keywords: ${paper.keywords.map(escapeInline).join(', ')}`);
  const cited = model.citingCount(paper.key);
  parts.push(cited === 0 ? 'Not cited in any note yet' : `Cited in ${cited} ${cited === 1 ? 'note' : 'notes'}`);
  const related = model.relatedPapers(paper.key);
  if (related.length > 0) parts.push(['Related papers:', ...related.map((p) => `- ${relatedLine(p)}`)].join('\n'));
  return parts.join('\n\n');
}

/** `Title (Doe et al., 2020) @key`: what tells a paper apart and what to type to cite it. */
function relatedLine(paper: Paper): string {
  const byline = [shortAuthors(paper.authors), paper.year].filter((part): part is string => !!part && part.trim() !== '').join(', ');
  // escapeMarkdown: the title starts the list item's text, where "1." or "-" would start a nested list.
  const title = escapeMarkdown(paper.title ?? paper.key);
  return `${title}${byline ? ` (${escapeInline(byline)})` : ''} · ${escapeInline('@' + paper.key)}`;
}

/** `github.com/owner/repo`: what a reader recognizes of a URL. */
function linkLabel(url: SafeUrl): string {
  const parsed = new URL(url);
  let label = parsed.host + parsed.pathname.replace(/\/$/, '');
  try {
    label = decodeURI(label);
  } catch {
    // Keep the encoded form: it is only a label.
  }
  return label.length > 60 ? label.slice(0, 59) + '…' : label;
}

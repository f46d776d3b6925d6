/**
 * The links "Open Paper Link" offers for a paper (no `vscode` import, unit-tested). Only http(s)
 * URLs are offered: catalog text is untrusted and must never open a `command:`, `file:` or
 * `javascript:` URI.
 */
import type { PaperDetails } from '../../../common/protocol';

export interface PaperLink {
  kind: 'DOI' | 'arXiv' | 'URL' | 'Code';
  url: string;
}

export function paperLinks(paper: Pick<PaperDetails, 'doi' | 'arxiv' | 'url' | 'codeLinks'>): PaperLink[] {
  const links: PaperLink[] = [];
  const add = (kind: PaperLink['kind'], url: string | undefined) => {
    const safe = url === undefined ? undefined : httpUrl(url);
    if (safe && !links.some((link) => link.url === safe)) links.push({ kind, url: safe });
  };
  const doi = paper.doi?.trim().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:)/i, '');
  if (doi && /^10\.\d{4,9}\/\S+$/.test(doi)) add('DOI', `https://doi.org/${encodeURI(doi)}`);
  const arxiv = paper.arxiv?.trim().replace(/^arxiv:/i, '');
  if (arxiv && /^([a-z-]+(\.[A-Z]{2})?\/\d{7}|\d{4}\.\d{4,5})(v\d+)?$/i.test(arxiv)) add('arXiv', `https://arxiv.org/abs/${arxiv}`);
  add('URL', paper.url);
  for (const code of paper.codeLinks) add('Code', code);
  return links;
}

/** The URL, normalized, when it is a well-formed http(s) URL; otherwise undefined. */
export function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

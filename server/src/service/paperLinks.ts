/**
 * The web links of a paper, each built or validated as an http(s) URL: DOI, arXiv, its URL field, and
 * code repositories and project pages mentioned in the abstract. Hover, document links and
 * `litnotes/paper` all take them from here.
 */
import { abstractOf, type Paper } from '../catalog/paper';
import { safeHttpUrl, type SafeUrl } from '../core/safeUrl';

export interface PaperLinks {
  doi?: { id: string; url: SafeUrl };
  arxiv?: { id: string; url: SafeUrl };
  /** The `url` field when it is http(s) and not the DOI/arXiv page again. */
  url?: SafeUrl;
  /** Repositories on code hosts (GitHub, GitLab, Hugging Face, Bitbucket). */
  code: SafeUrl[];
  /** Other https pages named in the abstract (project pages). */
  pages: SafeUrl[];
}

const CODE_HOSTS = ['github.com', 'gitlab.com', 'huggingface.co', 'bitbucket.org'];
const MAX_FOUND_LINKS = 5;

export function paperLinks(paper: Paper): PaperLinks {
  const links: PaperLinks = { code: [], pages: [] };
  const doi = normalizeDoi(paper.doi);
  if (doi) {
    const url = safeHttpUrl('https://doi.org/' + doi.split('/').map(encodeURIComponent).join('/'));
    if (url) links.doi = { id: doi, url };
  }
  const arxiv = normalizeArxiv(paper.arxiv) ?? normalizeArxiv(arxivFromUrl(paper.url));
  if (arxiv) {
    const url = safeHttpUrl('https://arxiv.org/abs/' + arxiv);
    if (url) links.arxiv = { id: arxiv, url };
  }
  const url = safeHttpUrl(paper.url);
  const seen = new Set<string>([links.doi?.url, links.arxiv?.url].filter((u): u is SafeUrl => !!u).map(comparable));
  if (url && !seen.has(comparable(url)) && !isDoiOrArxivPage(url, doi, arxiv)) {
    links.url = url;
    seen.add(comparable(url));
  }
  if (url && isCodeHost(url)) links.code.push(url);

  for (const found of urlsIn(abstractOf(paper) ?? '')) {
    const safe = safeHttpUrl(found);
    if (!safe || seen.has(comparable(safe))) continue;
    seen.add(comparable(safe));
    if (isCodeHost(safe)) {
      if (links.code.length < MAX_FOUND_LINKS) links.code.push(safe);
    } else if (safe.startsWith('https://') && links.pages.length < MAX_FOUND_LINKS) {
      links.pages.push(safe);
    }
  }
  return links;
}

/** `10.1145/3292500.3330701` from a DOI written as `doi:…`, `https://doi.org/…` or bare; undefined if not a DOI. */
export function normalizeDoi(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const doi = raw.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  return /^10\.\d{4,9}\/\S+$/.test(doi) ? doi : undefined;
}

/** `2401.01234v2` or `hep-th/9901001` from a bare id or `arXiv:` prefix; undefined otherwise. */
export function normalizeArxiv(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const id = raw.trim().replace(/^arxiv:\s*/i, '');
  if (/^\d{4}\.\d{4,5}(?:v\d+)?$/.test(id)) return id;
  if (/^[a-z][a-z.-]*\/\d{7}(?:v\d+)?$/i.test(id)) return id;
  return undefined;
}

function arxivFromUrl(url: string | undefined): string | undefined {
  const match = url && /^https?:\/\/(?:www\.)?arxiv\.org\/(?:abs|pdf)\/([^?#\s]+?)(?:\.pdf)?$/i.exec(url.trim());
  return match ? match[1] : undefined;
}

function isDoiOrArxivPage(url: string, doi: string | undefined, arxiv: string | undefined): boolean {
  return (!!doi && !!normalizeDoi(url) && normalizeDoi(url) === doi) || (!!arxiv && normalizeArxiv(arxivFromUrl(url)) === arxiv);
}

function isCodeHost(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  return CODE_HOSTS.includes(host);
}

/** http(s) URLs written in running text, without the sentence punctuation that follows them. */
export function urlsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/https?:\/\/[^\s<>"'`{}|\\^]+/gi)) {
    let url = match[0].replace(/[.,;:!?]+$/, '');
    // A closing parenthesis or bracket belongs to the sentence unless the URL opened one.
    while (/[)\]]$/.test(url) && count(url, url.endsWith(')') ? '(' : '[') < count(url, url.slice(-1))) {
      url = url.slice(0, -1).replace(/[.,;:!?]+$/, '');
    }
    found.push(url);
  }
  return found;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function comparable(url: string): string {
  return url.replace(/^http:/, 'https:').replace(/\/$/, '').toLowerCase();
}

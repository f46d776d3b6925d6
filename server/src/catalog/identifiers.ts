/** DOI, arXiv and keyword normalisation shared by the readers. */

/** `https://doi.org/10.1/x`, `doi:10.1/x`, `10.1/x` → `10.1/x`; anything that is not a DOI → undefined. */
export function normalizeDoi(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const doi = raw.trim().replace(/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i, '').replace(/^doi:\s*/i, '');
  return /^10\.\d{4,9}\/\S+$/.test(doi) ? doi : undefined;
}

/** The arXiv id of an arxiv.org abs/pdf URL. */
export function arxivFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const match = /arxiv\.org\/(?:abs|pdf)\/([a-z-]+(?:\.[A-Z]{2})?\/\d{7}|\d{4}\.\d{4,5})(v\d+)?/i.exec(url);
  return match ? match[1] + (match[2] ?? '') : undefined;
}

/** arXiv's own DOIs: 10.48550/arXiv.2401.01234. */
export function arxivFromDoi(doi: string | undefined): string | undefined {
  const match = doi ? /^10\.48550\/arxiv\.(.+)$/i.exec(doi) : null;
  return match ? match[1] : undefined;
}

/** Keywords from several fields, split on `,` and `;`, trimmed, first spelling kept. */
export function splitKeywords(values: readonly (string | undefined | readonly string[])[]): string[] {
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const value of values) {
    if (!value) continue;
    const parts = typeof value === 'string' ? value.split(/[,;]/) : value;
    for (const part of parts) {
      const keyword = String(part).trim();
      if (keyword && !seen.has(keyword.toLowerCase())) {
        seen.add(keyword.toLowerCase());
        keywords.push(keyword);
      }
    }
  }
  return keywords;
}

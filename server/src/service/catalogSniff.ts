/**
 * Whether a `.json`/`.yaml`/`.yml` file of the workspace is a CSL bibliography, judged from its first
 * bytes, so auto-discovery reads `references.json` but not `package.json` or a CI config.
 */
import type { CatalogFormat } from '../catalog/catalogFile';

export function looksLikeCslCatalog(head: string, format: CatalogFormat): boolean {
  const text = head.replace(/^\uFEFF/, '');
  if (format === 'csl-json') {
    // A list of objects whose first object has an "id" or "type" key near its start.
    return /^\s*\[\s*\{[^]*?"(?:id|type)"\s*:/.test(text.slice(0, 4096));
  }
  if (format === 'csl-yaml') {
    for (const line of text.slice(0, 4096).split(/\r?\n/)) {
      if (line.trim() === '' || line.trim() === '---' || line.trimStart().startsWith('#')) continue;
      return /^(?:references\s*:|-\s+(?:id|type)\s*:)/.test(line);
    }
    return false;
  }
  return format === 'bibtex';
}

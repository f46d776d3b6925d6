import { parseBibtex } from './bibtex';
import { catalogFormatOf, type CatalogFileResult } from './catalogFile';
import { parseCslJson, parseCslYaml } from './csl';

/** Reads one catalog file of any supported format (chosen by its name; BibTeX when unknown). Never throws. */
export function readCatalog(text: string, uri: string): CatalogFileResult {
  // A byte-order mark (common in files written on Windows) is not text: editors hide it, so
  // positions count from after it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (catalogFormatOf(uri)) {
    case 'csl-json':
      return parseCslJson(body, uri);
    case 'csl-yaml':
      return parseCslYaml(body, uri);
    default:
      return parseBibtex(body, uri);
  }
}

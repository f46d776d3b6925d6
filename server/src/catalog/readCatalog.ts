import { parseBibtex } from './bibtex';
import { catalogFormatOf, type CatalogFileResult } from './catalogFile';
import { parseCslJson, parseCslYaml } from './csl';

/** Reads one catalog file of any supported format (chosen by its name; BibTeX when unknown). Never throws. */
export function readCatalog(text: string, uri: string): CatalogFileResult {
  // A byte-order mark is common in files written on Windows; it is not part of the catalog.
  const body = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  try {
    switch (catalogFormatOf(uri)) {
      case 'csl-json':
        return parseCslJson(body, uri);
      case 'csl-yaml':
        return parseCslYaml(body, uri);
      default:
        return parseBibtex(body, uri);
    }
  } catch (error) {
    // The readers report problems instead of throwing; this is the last line of defence.
    const message = error instanceof Error ? error.message : String(error);
    return { uri, papers: [], problems: [{ code: 'catalog.parse-error', message: `LitNotes could not read this catalog: ${message}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }] };
  }
}

/**
 * Better BibTeX's pull export: the whole library in one answer, through a Better BibTeX translator
 * (`GET /better-bibtex/export/library?/1/library.<format>`; the `?` is part of the path as Better
 * BibTeX reads it). One export of a big library takes Better BibTeX seconds: it is read once, never
 * polled.
 */
import { urlOf, ZoteroError, zoteroRequest } from './http';

/** `json` is Better CSL JSON (items with `id` = citation key); the others are text formats. */
export type PullExportFormat = 'json' | 'bibtex' | 'biblatex' | 'yaml';

export async function pullExport(base: URL, format: PullExportFormat, options: { libraryId?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
  const libraryId = options.libraryId ?? 1;
  if (!Number.isInteger(libraryId) || libraryId < 1) throw new ZoteroError('malformed', `${libraryId} is not a Zotero library id.`);
  const path = `/better-bibtex/export/library?/${libraryId}/library.${format}`;
  const answer = await zoteroRequest(urlOf(base, path), { timeoutMs: options.timeoutMs ?? 120_000, signal: options.signal });
  if (answer.status === 200) return answer.body;
  const said = answer.body.trim().slice(0, 200);
  if (answer.status === 404 && /no endpoint/i.test(said)) throw new ZoteroError('http', 'Better BibTeX is not installed in Zotero (no /better-bibtex/export).', 404);
  throw new ZoteroError('http', `Better BibTeX could not export library ${libraryId} as ${format} (HTTP ${answer.status}${said ? `: ${said}` : ''}).`, answer.status);
}

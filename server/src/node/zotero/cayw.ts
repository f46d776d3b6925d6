/**
 * Better BibTeX's "Cite as you write" picker (`GET /better-bibtex/cayw`). `?probe=true` answers at
 * once: `ready`, or `starting` while Better BibTeX loads. Any other request opens Zotero's citation
 * dialog and answers only when the user closes it: the formatted citation (`format=pandoc`:
 * `@key1; @key2`, in brackets with `brackets=1`), or an empty answer when they cancelled.
 * The pick has no deadline (the user takes their time); its caller can cancel it.
 */
import { urlOf, ZoteroError, zoteroRequest } from './http';

export type CaywState = 'ready' | 'starting';

/** Whether the picker can open now; a ZoteroError when Zotero or Better BibTeX is not there. */
export async function caywProbe(base: URL, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CaywState> {
  const answer = await zoteroRequest(urlOf(base, '/better-bibtex/cayw?probe=true'), { timeoutMs: options.timeoutMs ?? 3000, signal: options.signal });
  if (answer.status === 404) throw new ZoteroError('http', 'Better BibTeX is not installed in Zotero: the picker is Better BibTeX’s (https://retorque.re/zotero-better-bibtex/).', 404);
  if (answer.status !== 200) throw new ZoteroError('http', `Better BibTeX's picker answered HTTP ${answer.status}: ${answer.body.trim().slice(0, 200)}`, answer.status);
  const state = answer.body.trim();
  if (state === 'ready' || state === 'starting') return state;
  throw new ZoteroError('malformed', `Better BibTeX's picker answered the probe with '${state.slice(0, 40)}' instead of ready or starting.`);
}

/** Opens the picker and waits for the user: the Pandoc citation text ('' when they cancelled). */
export async function caywPick(base: URL, options: { signal?: AbortSignal } = {}): Promise<string> {
  const answer = await zoteroRequest(urlOf(base, '/better-bibtex/cayw?format=pandoc&brackets=1'), { timeoutMs: 0, signal: options.signal, maxBytes: 1024 * 1024 });
  if (answer.status !== 200) throw new ZoteroError('http', `Better BibTeX's picker failed (HTTP ${answer.status}): ${answer.body.trim().split('\n')[0].slice(0, 200)}`, answer.status);
  return answer.body;
}

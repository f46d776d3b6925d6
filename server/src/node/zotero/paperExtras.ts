/**
 * What Zotero has for one paper beyond its metadata, for its literature note and Open PDF: the
 * attachments (files and their Zotero item keys), their annotations and the paper's notes, read
 * from Better BibTeX (`item.attachments`, `item.notes`) by citation key. Zotero not answering, or
 * Better BibTeX missing, gives a message and nothing: the note still updates from the catalog.
 */
import type { Attachment } from '../../catalog/attachments';
import { newestAnnotation, annotationViews } from '../../notes/zoteroAnnotations';
import { zoteroNoteToMarkdown } from '../../notes/zoteroNotes';
import type { ZoteroExtras } from '../../notes/noteTemplate';
import { BetterBibtexClient } from './betterBibtex';
import { zoteroBaseUrl } from './http';

export interface PaperZoteroData {
  extras: ZoteroExtras;
  /** The newest annotation's `dateModified`. */
  newestAnnotation?: string;
  /** Zotero's files of the paper, each with the attachment item's key (`zotero://open-pdf/…`). */
  attachments: { attachment: Attachment; zoteroKey?: string }[];
  /** Why some of it could not be read. */
  problem?: string;
}

const TIMEOUT_MS = 10_000;

export async function readPaperZoteroData(url: string, citekey: string): Promise<PaperZoteroData> {
  const empty: PaperZoteroData = { extras: { annotations: [], notes: [] }, attachments: [] };
  const base = zoteroBaseUrl(url);
  if ('error' in base) return { ...empty, problem: base.error };
  const bbt = new BetterBibtexClient(base.url, { timeoutMs: TIMEOUT_MS });
  try {
    const [attachments, notes] = await Promise.all([bbt.attachments(citekey), bbt.notes([citekey])]);
    const raw = attachments.flatMap((a) => a.annotations);
    return {
      extras: { annotations: annotationViews(raw), notes: (notes.get(citekey) ?? []).map(zoteroNoteToMarkdown).filter((n) => n !== '') },
      newestAnnotation: newestAnnotation(raw),
      attachments: attachments.flatMap((a) => (a.path ? [{ attachment: { path: a.path, description: 'Zotero' }, zoteroKey: /^zotero:\/\/open-pdf\/library\/items\/([A-Z0-9]{8})$/.exec(a.open ?? '')?.[1] }] : [])),
    };
  } catch (e) {
    return { ...empty, problem: `Zotero's annotations and notes of “${citekey}” could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

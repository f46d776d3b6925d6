/**
 * A paper's files, annotations and notes in Zotero, for the features that read them (PDF notes):
 * Better BibTeX's `item.attachments` / `item.notes` by citation key when it answers (PDF paths, and
 * annotations in Zotero 7 too), else the local API's children of the item by its Zotero item key
 * (`Paper.zoteroKey`): notes, attachments with their file (`/file/view/url`) and, from Zotero 8 on,
 * annotations. What comes back is Zotero's text, untrusted like a catalog's: paths are where Zotero
 * says the files are, to be read as data, never run or shown as markup.
 */
import { fileURLToPath } from 'node:url';
import { isZoteroItemKey } from '../../catalog/zotero';
import { BetterBibtexClient } from './betterBibtex';
import { urlOf, ZoteroError, zoteroRequest } from './http';
import { LocalApiClient } from './localApi';

export interface ZoteroAnnotation {
  /** `highlight`, `underline`, `note`, `image`, `ink`, `text`. */
  type: string;
  /** The text highlighted or underlined. */
  text?: string;
  /** The user's comment on it. */
  comment?: string;
  /** The page as the PDF labels it. */
  pageLabel?: string;
  color?: string;
}

export interface PaperAttachment {
  /** The attachment's item key, when known (the local API gives it; Better BibTeX's `open` link holds it). */
  itemKey?: string;
  title?: string;
  contentType?: string;
  /** The file on this computer, as Zotero has it (absolute). */
  path?: string;
  /** `zotero://open-pdf/library/items/KEY`: opens it in Zotero's reader. */
  open?: string;
  annotations: ZoteroAnnotation[];
}

/** Which paper: its citation key (Better BibTeX's way) and its Zotero item key (the local API's). */
export interface PaperRef {
  key: string;
  zoteroKey?: string;
}

export interface PaperFilesOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The attachments of a paper, each with its file and annotations. */
export async function paperAttachments(base: URL, paper: PaperRef, options: PaperFilesOptions = {}): Promise<PaperAttachment[]> {
  try {
    const attachments = await new BetterBibtexClient(base, options).attachments(paper.key);
    return attachments.map((a) => ({
      itemKey: /\/items\/([A-Za-z0-9]+)$/.exec(a.open ?? '')?.[1],
      path: a.path,
      open: a.open,
      annotations: a.annotations.map(annotation).filter((n): n is ZoteroAnnotation => !!n),
    }));
  } catch (e) {
    if (!canFallBack(e, paper)) throw e;
  }
  const api = new LocalApiClient(base, options);
  const children = await api.children(paper.zoteroKey!);
  const attachments: PaperAttachment[] = [];
  for (const child of children) {
    const data = (child as { data?: Record<string, unknown> }).data;
    if (!data || data.itemType !== 'attachment' || !isZoteroItemKey(data.key)) continue;
    const grandchildren = await api.children(data.key);
    attachments.push({
      itemKey: data.key,
      title: typeof data.title === 'string' ? data.title : undefined,
      contentType: typeof data.contentType === 'string' ? data.contentType : undefined,
      path: await filePath(base, data, options),
      open: data.contentType === 'application/pdf' ? `zotero://open-pdf/library/items/${data.key}` : undefined,
      annotations: grandchildren.map((g) => annotation((g as { data?: unknown }).data)).filter((n): n is ZoteroAnnotation => !!n),
    });
  }
  return attachments;
}

/** The notes of a paper (Zotero's HTML, untrusted). */
export async function paperNotes(base: URL, paper: PaperRef, options: PaperFilesOptions = {}): Promise<string[]> {
  try {
    return (await new BetterBibtexClient(base, options).notes([paper.key])).get(paper.key) ?? [];
  } catch (e) {
    if (!canFallBack(e, paper)) throw e;
  }
  const children = await new LocalApiClient(base, options).children(paper.zoteroKey!);
  return children
    .map((child) => (child as { data?: Record<string, unknown> }).data)
    .filter((data): data is Record<string, unknown> => !!data && data.itemType === 'note' && typeof data.note === 'string')
    .map((data) => data.note as string);
}

/** Better BibTeX is not there, or does not know the key (a key LitNotes made): the local API, when the item key is known. */
function canFallBack(e: unknown, paper: PaperRef): boolean {
  if (!(e instanceof ZoteroError) || !isZoteroItemKey(paper.zoteroKey)) return false;
  return (e.kind === 'http' && e.status === 404) || e.kind === 'rpc';
}

/** Where an attachment's file is: an absolute `path`, else the `file://` URL the local API gives. */
async function filePath(base: URL, data: Record<string, unknown>, options: PaperFilesOptions): Promise<string | undefined> {
  if (typeof data.path === 'string' && data.path.startsWith('/')) return data.path;
  if (data.linkMode === 'linked_url' || !isZoteroItemKey(data.key)) return undefined;
  try {
    const answer = await zoteroRequest(urlOf(base, `/api/users/0/items/${data.key}/file/view/url`), { timeoutMs: options.timeoutMs ?? 15_000, signal: options.signal, headers: { 'Zotero-API-Version': '3' } });
    const url = answer.body.trim();
    return answer.status === 200 && url.startsWith('file:') ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

function annotation(value: unknown): ZoteroAnnotation | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const a = value as Record<string, unknown>;
  const type = a.annotationType;
  if (typeof type !== 'string') return undefined;
  const text = (field: string) => (typeof a[field] === 'string' && a[field] !== '' ? (a[field] as string) : undefined);
  const result: ZoteroAnnotation = { type };
  if (text('annotationText')) result.text = text('annotationText');
  if (text('annotationComment')) result.comment = text('annotationComment');
  if (text('annotationPageLabel')) result.pageLabel = text('annotationPageLabel');
  if (text('annotationColor')) result.color = text('annotationColor');
  return result;
}

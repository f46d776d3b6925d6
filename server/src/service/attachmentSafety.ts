/**
 * Whether a file a catalog points at may be opened. A `file` field comes from a catalog anyone
 * could have written, and "Open PDF" hands the path to a viewer or to the system's opener, which
 * would just as well run a script, an executable or a `.desktop` launcher. So only documents are
 * opened: PDF, EPUB and HTML snapshots, by their name AND their first bytes, regular files only.
 * A document outside the workspace and Zotero's storage is opened only after the user has seen
 * its path (the client asks). Pure: the glue reads the file's kind and first bytes.
 */
import { displayPath } from '../catalog/attachments';
import { isUriInside } from './uri';

export type DocumentKind = 'pdf' | 'epub' | 'html';

/** What the glue found on disk for one candidate path. */
export interface FileFacts {
  /** `file://` URI of the path (after following links the way the opener would). */
  uri: string;
  exists: boolean;
  /** A regular file (not a folder, device or socket); links count as what they point to. */
  isFile: boolean;
  /** The first bytes (1 KiB is enough for every check here). */
  head: Uint8Array;
}

export type FileVerdict =
  | { state: 'ok'; document: DocumentKind }
  | { state: 'missing'; message: string }
  | { state: 'refused'; message: string };

/** How many first bytes `checkDocument` needs. */
export const HEAD_BYTES = 1024;

const documentExtensions: Record<string, DocumentKind> = { pdf: 'pdf', epub: 'epub', html: 'html', htm: 'html', xhtml: 'html' };

/** The document kind a file name promises, or undefined for anything else (`.sh`, `.desktop`, `.exe`, none). */
export function documentKindOfName(uri: string): DocumentKind | undefined {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension ? documentExtensions[extension] : undefined;
}

/**
 * The document kind of a file's first bytes: `%PDF-` in the first KiB (readers accept a little junk
 * first), a ZIP whose first entry is the EPUB `mimetype` (as the EPUB container spec requires), or
 * text that starts like HTML. Undefined for anything else, executables and scripts included.
 */
export function sniffDocument(head: Uint8Array): DocumentKind | undefined {
  if (indexOfAscii(head, '%PDF-', HEAD_BYTES) >= 0) return 'pdf';
  if (startsWithAscii(head, 'PK\x03\x04', 0) && startsWithAscii(head, 'mimetype', 30) && startsWithAscii(head, 'application/epub+zip', 38)) return 'epub';
  if (looksLikeHtml(head)) return 'html';
  return undefined;
}

/** Whether the file may be opened, and a message naming the path when not. */
export function checkDocument(facts: FileFacts): FileVerdict {
  const path = displayPath(facts.uri);
  if (!facts.exists) return { state: 'missing', message: `The attachment is not there: ${path}. It may have been moved, or the catalog was exported on another computer.` };
  const named = documentKindOfName(facts.uri);
  if (!named) return { state: 'refused', message: `LitNotes only opens PDF, EPUB and HTML documents, not ${path}.` };
  if (!facts.isFile) return { state: 'refused', message: `The attachment is not a regular file: ${path}.` };
  const content = sniffDocument(facts.head);
  if (content !== named) {
    const what = content ? `its content is ${content.toUpperCase()}` : 'its content is not a document';
    return { state: 'refused', message: `LitNotes did not open ${path}: the name says ${named.toUpperCase()}, but ${what}.` };
  }
  return { state: 'ok', document: named };
}

/** Inside a workspace folder or a Zotero storage folder: opened without asking. */
export function isTrustedLocation(uri: string, trustedFolders: readonly string[]): boolean {
  return trustedFolders.some((folder) => isUriInside(uri, folder));
}

function looksLikeHtml(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  let text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, HEAD_BYTES));
  text = text.replace(/^\uFEFF/, '').trimStart().toLowerCase();
  // `<?xml …?>` before XHTML; comments before the doctype are common in saved pages.
  text = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  while (text.startsWith('<!--')) {
    const end = text.indexOf('-->');
    if (end < 0) return false;
    text = text.slice(end + 3).trimStart();
  }
  return /^<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]/.test(text);
}

function startsWithAscii(bytes: Uint8Array, text: string, at: number): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function indexOfAscii(bytes: Uint8Array, text: string, within: number): number {
  const last = Math.min(bytes.length, within) - text.length;
  for (let i = 0; i <= last; i++) if (startsWithAscii(bytes, text, i)) return i;
  return -1;
}

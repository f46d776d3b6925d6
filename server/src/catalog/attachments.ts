/**
 * A paper's attached files, from the BibTeX `file` field as reference managers write it:
 *
 *   Zotero            Full Text PDF:files/12/Vaswani - 2017.pdf:application/pdf;Snapshot:files/13/page.html:text/html
 *   Zotero (Windows)  Full Text PDF:C\:\\Users\\ann\\Zotero\\storage\\MKD68W6Y\\paper.pdf:application/pdf
 *   Better BibTeX     /Users/ann/Zotero/storage/5A8ADMJ7/2024 - Big Dig.pdf;/Users/ann/Zotero/storage/K4CTZQTC/Big_Dig.html
 *   BBT (Windows)     C\:\\Users\\ann\\Zotero\\storage\\IA5XVLSM\\10402381.2018.html
 *   JabRef            :papers/knuth.pdf:PDF   Description:C\:\\Users\\greg\\paper.pdf:PDF
 *   Mendeley          :C$\backslash$:/Users/eli/AppData/Local/Mendeley Ltd./Mendeley Desktop/Downloaded/x.pdf:pdf
 *   Mendeley (macOS)  :Users/fred/Library/Application Support/Mendeley Desktop/Downloaded/x.pdf:pdf
 *
 * Entries are separated by `;`, the parts of one by `:` (description, path, type); `\;`, `\:` and
 * `\\` are escapes. Paths are resolved to `file://` URIs here, without touching the disk: relative
 * paths against the catalog's folder. The text is untrusted: a path is only a candidate, and
 * node/attachmentFiles.ts checks what is there before anything is opened.
 */
import { encodeSegment } from '../service/uri';

export interface Attachment {
  /** The path as the catalog means it, escapes removed (`C:\Users\ann\paper.pdf`, `files/12/a.pdf`). */
  path: string;
  /** `Full Text PDF`, `Snapshot`; undefined when the entry has none. */
  description?: string;
  /** As written: `application/pdf`, `PDF`, `pdf`, `text/html`; undefined when the entry has none. */
  type?: string;
}

export type AttachmentKind = 'pdf' | 'epub' | 'html' | 'other';

/**
 * The `file` field's entries, split at unescaped `;`, each still as written. Papers keep these
 * (`Paper.files`) and parse them with `parseAttachment` when asked: most papers are never opened.
 */
export function splitFileField(raw: string): string[] {
  const entries: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      current += c + raw[++i];
    } else if (c === ';') {
      if (current.trim() !== '') entries.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') entries.push(current.trim());
  return entries;
}

/** One entry of a `file` field (from `splitFileField`); undefined when it names no path. */
export function parseAttachment(entry: string): Attachment | undefined {
  // Mendeley writes the backslash of `\:` the LaTeX way, and LaTeX-escapes `_&%#$` in names.
  const text = entry.replace(/\$\\backslash\$/g, '\\').replace(/\{\\([_&%#$])\}/g, '$1');
  const parts = splitParts(text);
  let description: string | undefined;
  let type: string | undefined;
  let path: string;
  if (parts.length === 1) {
    path = parts[0];
  } else if (parts.length === 2) {
    // `:path` or `description:path` (JabRef's old form), or `path:type`.
    if (parts[0] !== '' && looksLikeType(parts[1]) && /[./\\]/.test(parts[0])) [path, type] = parts;
    else [description, path] = parts;
  } else {
    description = parts[0];
    type = parts[parts.length - 1];
    // An unescaped `:` inside the path (macOS allows it) leaves more parts: they are all the path.
    path = parts.slice(1, -1).join(':');
  }
  path = path.trim();
  if (path === '') return undefined;
  const attachment: Attachment = { path };
  if (description?.trim()) attachment.description = description.trim();
  if (type?.trim()) attachment.type = type.trim();
  return attachment;
}

/** Every attachment of a `file` field, in the order written. */
export function parseFileField(raw: string): Attachment[] {
  return splitFileField(raw).flatMap((entry) => parseAttachment(entry) ?? []);
}

/**
 * Splits at unescaped `:` and removes the escapes `\:`, `\;`, `\\`. A backslash before anything
 * else is a Windows separator written without escapes (`C:\Zotero\storage\…`): it is kept, and so
 * is the drive colon of such a path.
 */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === ':' || text[i + 1] === ';' || text[i + 1] === '\\')) {
      current += text[++i];
    } else if (c === ':' && !isDriveColon(current, text, i)) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** `C:` followed by `\` or `/`, where a path starts: part of a Windows path, not a separator. */
function isDriveColon(current: string, text: string, i: number): boolean {
  return /^[A-Za-z]$/.test(current) && (text[i + 1] === '\\' || text[i + 1] === '/');
}

function looksLikeType(text: string): boolean {
  return /^(?:[A-Za-z]{2,10}|[a-z]+\/[\w.+-]+)$/.test(text.trim());
}

/** What the attachment claims to be, from its type and its name's extension. Content is checked before opening. */
export function attachmentKind(attachment: Attachment): AttachmentKind {
  const type = attachment.type?.toLowerCase() ?? '';
  const extension = /\.([A-Za-z0-9]+)$/.exec(attachment.path)?.[1]?.toLowerCase() ?? '';
  if (extension === 'pdf' || (extension === '' && (type === 'pdf' || type === 'application/pdf'))) return 'pdf';
  if (extension === 'epub') return 'epub';
  if (extension === 'html' || extension === 'htm' || extension === 'xhtml') return 'html';
  return 'other';
}

/** `Vaswani et al. - 2017 - Attention.pdf`: the file name, for labels. */
export function attachmentFileName(attachment: Attachment): string {
  const name = attachment.path.replace(/[/\\]+$/, '');
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) || name;
}

/**
 * Where the attachment may be, best first, as `file://` URIs: an absolute path as it is (Windows
 * drives and UNC shares too), a relative one against the catalog's folder. Mendeley writes
 * absolute macOS and Linux paths without their leading `/` (`Users/fred/…`): those get both
 * readings. `~/…` is under `home` (a `file://` URI) when given. Empty for what is no local path
 * (`https://…`, other schemes).
 */
export function attachmentUris(attachment: Attachment, catalogUri: string, home?: string): string[] {
  const path = attachment.path;
  if (/^file:\/\//i.test(path)) return [fileUriOfUriText(path)].filter((u): u is string => u !== undefined);
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(path) && !/^[A-Za-z]:[\\/]/.test(path)) return [];
  const windowsDrive = /^([A-Za-z]):[\\/](.*)$/s.exec(path);
  if (windowsDrive) return [fromSegments(`/${windowsDrive[1].toUpperCase()}:`, windowsDrive[2])];
  const unc = /^\\\\([^\\/]+)[\\/](.*)$/s.exec(path);
  if (unc) return [`file://${encodeSegment(unc[1]).toLowerCase()}${fromSegments('', unc[2]).slice('file://'.length)}`];
  if (path.startsWith('/')) return [fromSegments('', path)];
  if (path.startsWith('~/') || path.startsWith('~\\')) return home ? [joinUri(home, path.slice(2))].filter((u): u is string => u !== undefined) : [];
  const relative = joinUri(catalogFolder(catalogUri), path);
  const candidates = relative ? [relative] : [];
  if (/^(?:Users|home|Volumes)\//.test(path)) candidates.push(fromSegments('', '/' + path));
  return candidates;
}

/** The path shown to the user for a `file://` URI: decoded, with the platform's look for drives. */
export function displayPath(uri: string): string {
  let path = uri.replace(/^file:\/\//i, '');
  const host = path.slice(0, path.indexOf('/'));
  path = path.slice(host.length);
  const decoded = path.split('/').map(decodeSegmentSafe).join('/');
  if (host) return `\\\\${host}${decoded.replace(/\//g, '\\')}`;
  const drive = /^\/([A-Za-z]):(\/.*)?$/.exec(decoded);
  return drive ? `${drive[1].toUpperCase()}:${(drive[2] ?? '/').replace(/\//g, '\\')}` : decoded;
}

/**
 * The Zotero attachment key when the file is in a Zotero storage folder (`…/storage/ABCD1234/x.pdf`):
 * what `zotero://open-pdf/library/items/<key>` opens.
 */
export function zoteroStorageKey(uri: string): string | undefined {
  return /\/storage\/([A-Z0-9]{8})\/[^/]+$/.exec(uri)?.[1];
}

function catalogFolder(catalogUri: string): string {
  return catalogUri.slice(0, catalogUri.lastIndexOf('/'));
}

/** `file://` + the encoded segments of `prefix/rest` (`\` and `/` both separate), `.`/`..` resolved. */
function fromSegments(prefix: string, rest: string): string {
  const out: string[] = [];
  for (const part of rest.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(encodeSegment(part));
  }
  const drive = prefix === '' ? '' : prefix.replace(/^\/([A-Z]):$/, (_m, d: string) => `/${d.toLowerCase()}%3A`);
  return `file://${drive}/${out.join('/')}`;
}

/** A relative path (either separator) under a folder URI; `..` may climb, but not above the root. */
function joinUri(folderUri: string, relative: string): string | undefined {
  if (!folderUri.startsWith('file://')) return undefined;
  const base = folderUri.slice('file://'.length).replace(/\/+$/, '').split('/');
  for (const part of relative.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (base.length > 1) base.pop();
    } else base.push(encodeSegment(part));
  }
  return 'file://' + base.join('/');
}

/** A `file://` URI from a catalog, in our encoding; undefined when it is not one. */
function fileUriOfUriText(text: string): string | undefined {
  const rest = text.replace(/^file:\/\//i, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const host = rest.slice(0, slash);
  if (host !== '' && host.toLowerCase() !== 'localhost') return undefined;
  const segments = rest.slice(slash + 1).split('/').map(decodeSegmentSafe).join('/');
  const drive = /^([A-Za-z]):\/(.*)$/s.exec(segments);
  return drive ? fromSegments(`/${drive[1].toUpperCase()}:`, drive[2]) : fromSegments('', '/' + segments);
}

function decodeSegmentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

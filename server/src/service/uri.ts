/**
 * `file://` URI arithmetic without Node's `path`/`url` (the service does no I/O). URIs are kept as
 * the glue made them; segments are joined and resolved on the encoded form.
 */

/** The URI of the folder holding `uri` (no trailing slash). */
export function dirnameUri(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i > 'file://'.length ? uri.slice(0, i) : uri;
}

export function basenameUri(uri: string): string {
  return decodeSegment(uri.slice(uri.lastIndexOf('/') + 1));
}

/**
 * Resolves a relative path (as written in settings or front matter, `/` or `\` separated) against a
 * folder URI. Returns undefined for absolute paths and paths that climb out of `withinUri` when given.
 */
export function resolveUri(folderUri: string, relativePath: string, withinUri?: string): string | undefined {
  const path = relativePath.replace(/\\/g, '/').trim();
  if (path === '' || /^[a-zA-Z]+:/.test(path) || path.startsWith('/')) return undefined;
  const base = folderUri.replace(/\/+$/, '');
  const prefix = 'file://';
  if (!base.startsWith(prefix)) return undefined;
  const segments = base.slice(prefix.length).split('/');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (segments.length <= 1) return undefined;
      segments.pop();
    } else {
      segments.push(encodeSegment(part));
    }
  }
  const resolved = prefix + segments.join('/');
  if (withinUri !== undefined && !isUriInside(resolved, withinUri)) return undefined;
  return resolved;
}

/** True when `uri` is `folderUri` itself or below it. */
export function isUriInside(uri: string, folderUri: string): boolean {
  const folder = folderUri.replace(/\/+$/, '');
  return uri === folder || uri.startsWith(folder + '/');
}

/** `folder/sub/file.md` relative to `folderUri`, decoded, for messages and globs. */
export function relativePathOf(uri: string, folderUri: string): string | undefined {
  const folder = folderUri.replace(/\/+$/, '');
  if (!uri.startsWith(folder + '/')) return undefined;
  return uri.slice(folder.length + 1).split('/').map(decodeSegment).join('/');
}

export function encodeSegment(segment: string): string {
  // Same characters VS Code's URI encodes in a path segment; keeps `~`, `-`, `.`, `_` readable.
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

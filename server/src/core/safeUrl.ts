/**
 * Links made from catalog text: only absolute http(s) URLs pass, encoded so they can never end a
 * Markdown link destination early. Below the features and the service, which both make links.
 */

/** An http(s) URL checked and encoded by `safeHttpUrl`: the only kind of string `markdownLink` takes. */
export type SafeUrl = string & { readonly __safeUrl: unique symbol };

/**
 * The URL when it is an absolute http(s) URL without credentials, normalized and with the
 * characters that could end a Markdown link destination percent-encoded; otherwise undefined.
 */
export function safeHttpUrl(raw: string | undefined): SafeUrl | undefined {
  if (!raw) return undefined;
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  const origin = `${url.protocol}//${url.host}`;
  const rest = url.href.slice(origin.length).replace(/[()[\]<>"`\\ ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  return (origin + rest) as SafeUrl;
}

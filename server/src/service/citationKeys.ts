/**
 * What a citation key may look like in a note (Pandoc) and in a catalog (BibTeX, CSL): when a key
 * needs `@{...}`, and which new keys rename accepts.
 */

/**
 * Pandoc's bare key: starts with a letter, digit or `_`; then alphanumerics, `_`, and single
 * internal punctuation from `:.#$%&-+?<>~/`. Anything else must be written `@{key}`.
 */
const bareKey = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*$/u;

export function needsBraces(key: string): boolean {
  return !bareKey.test(key);
}

/** How a citation of `key` is written after `@`: `key` or `{key}`. */
export function citationKeyText(key: string): string {
  return needsBraces(key) ? `{${key}}` : key;
}

/**
 * Why `key` cannot be a citation key in every catalog format we write to, or undefined when it can.
 * BibTeX ends a key at whitespace, `,`, braces, `"`, `#`, `%`, `'`, `(`, `)`, `=`, `\`; `@` would
 * start a citation inside the key in Markdown.
 */
export function invalidKeyReason(key: string): string | undefined {
  if (key === '') return 'A citation key cannot be empty.';
  if (/\s/.test(key)) return `'${key}' is not a valid citation key: it contains a space.`;
  const bad = /[{}(),@"#%'=\\]/.exec(key);
  if (bad) return `'${key}' is not a valid citation key: it contains '${bad[0]}'.`;
  return undefined;
}

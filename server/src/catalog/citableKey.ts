/**
 * Which catalog keys Pandoc can cite. An entry whose key fails here is not a paper: Pandoc would not
 * resolve a citation of it, and what made it is usually stray text (`Schr@schr{\"o,}dinger` between
 * entries reads as an entry of type `schr` with the key `\"o`).
 *
 * - BibTeX/BibLaTeX: Pandoc's BibTeX reader (`Text.Pandoc.Citeproc.BibTeX`, `isBibtexKeyChar`) takes
 *   a key of letters and digits (Unicode: its `isAlphaNum`) and ``.:;?!`'()/*@_+=-[]&``; nothing else.
 * - CSL-JSON/YAML: any id is read, and a note cites one that is not a bare key as `@{id}`, which
 *   holds anything but white space, with balanced braces.
 *
 * Every key that passes can be written in a note: bare when `needsBraces` (service/citationKeys.ts)
 * says so, else as `@{key}`.
 */

/** The punctuation Pandoc's BibTeX reader takes in a key, besides letters and digits. */
export const BIBTEX_KEY_PUNCTUATION = ".:;?!`'()/*@_+=-[]&";

const ASCII_KEY_CHAR = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_KEY_CHAR[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_KEY_CHAR[c] = ASCII_KEY_CHAR[c + 32] = 1;
for (const ch of BIBTEX_KEY_PUNCTUATION) ASCII_KEY_CHAR[ch.charCodeAt(0)] = 1;

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** The first character of `key` Pandoc's BibTeX reader does not take, or undefined when it takes them all (and the key is not empty). */
export function uncitableBibtexKeyCharacter(key: string): string | undefined {
  if (key === '') return '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 128) {
      if (ASCII_KEY_CHAR[c] === 0) return key[i];
      continue;
    }
    // Beyond ASCII (rare in keys): one code point at a time, a surrogate pair being one letter.
    const point = key.codePointAt(i)!;
    const ch = String.fromCodePoint(point);
    if (!LETTER_OR_NUMBER.test(ch)) return ch;
    if (point > 0xffff) i++;
  }
  return undefined;
}

/** Whether a note can cite a CSL item with this id: as `@id` or `@{id}` (no white space, braces balanced). */
export function isCitableCslId(id: string): boolean {
  if (id === '' || /\s/.test(id)) return false;
  let depth = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth < 0) return false;
  }
  return depth === 0;
}

/** A character as a message shows it: itself in quotes, or its code point when it is invisible. */
export function shownCharacter(ch: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `'${ch}'` : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

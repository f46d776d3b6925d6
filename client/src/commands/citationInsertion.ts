/**
 * What "Insert Citation…" writes at the cursor, decided from the line text alone (no `vscode`
 * import, unit-tested): `[@a; @b]` in running text, or `@a; @b` with the right separators when the
 * cursor is already inside a bracketed citation `[see @x, p. 4]`. A key being typed (`@vas`) is
 * replaced when a chosen key starts with it; a different key before the cursor (`@x`) is kept.
 */

/** Replace `line.slice(start, end)` with `text`; `start`/`end` are UTF-16 offsets in the line. */
export interface LineEdit {
  start: number;
  end: number;
  text: string;
}

/** The characters Pandoc allows inside a citation key (after the first one). */
const keyBeingTyped = /@\{?[\p{L}\p{N}_:.#$%&\-+?<>~/]*$/u;

export function citationInsertion(line: string, character: number, keys: readonly string[]): LineEdit {
  const cited = keys.map((key) => `@${citableKey(key)}`).join('; ');
  const typed = keyBeingTyped.exec(line.slice(0, character));
  const start = typed && isStartOfChosenKey(typed[0], keys) ? character - typed[0].length : character;
  const group = enclosingCitation(line, start, character);
  if (!group) {
    // Pandoc style puts a space between the text and its citation: `as shown [@a]`.
    const space = start > 0 && /[\p{L}\p{N}_]/u.test(line[start - 1] ?? '') ? ' ' : '';
    return { start, end: character, text: `${space}[${cited}]` };
  }

  const before = line.slice(group.open + 1, start);
  const after = line.slice(character, group.close);
  const beforeTrimmed = before.trimEnd();
  const afterTrimmed = after.trimStart();
  const prefix = beforeTrimmed === '' ? '' : beforeTrimmed.endsWith(';') ? ' ' : '; ';
  const suffix = afterTrimmed === '' || afterTrimmed.startsWith(';') ? '' : '; ';
  return {
    start: group.open + 1 + beforeTrimmed.length,
    end: character + (after.length - afterTrimmed.length),
    text: `${prefix}${cited}${suffix}`,
  };
}

/**
 * The `[` ... `]` around the cursor when it is a citation: it holds an `@` besides the cursor's own
 * half-typed key, or it is empty. A Markdown link text `[foo]` or `[foo](url)` is not one.
 */
function enclosingCitation(line: string, start: number, character: number): { open: number; close: number } | undefined {
  const open = line.lastIndexOf('[', start - 1);
  if (open < 0 || line.lastIndexOf(']', start - 1) > open) return undefined;
  const closeAfter = line.indexOf(']', character);
  const nextOpen = line.indexOf('[', character);
  if (closeAfter < 0 || (nextOpen >= 0 && nextOpen < closeAfter)) return undefined;
  if (line[closeAfter + 1] === '(') return undefined; // a link: [text](url)
  const inside = line.slice(open + 1, start) + line.slice(character, closeAfter);
  // `[]` or `[@vas` (typing the first key): the user is writing a citation here.
  const startingOne = line.slice(open + 1, start).trim() === '' && (start < character || inside.trim() === '');
  return inside.includes('@') || startingOne ? { open, close: closeAfter } : undefined;
}

/** Keys with characters Pandoc would end the key at are written in the `@{key}` form. */
function citableKey(key: string): string {
  return /^[\p{L}\p{N}_]([\p{L}\p{N}_:.#$%&\-+?<>~/]*[\p{L}\p{N}_])?$/u.test(key) ? key : `{${key}}`;
}

/** `@`, `@vas` for `vaswani2017`: what was typed is the beginning of a chosen key, not another citation. */
function isStartOfChosenKey(typed: string, keys: readonly string[]): boolean {
  const prefix = typed.replace(/^@\{?/, '').toLowerCase();
  return keys.some((key) => key.toLowerCase().startsWith(prefix));
}

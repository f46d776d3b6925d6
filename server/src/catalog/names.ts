import { latexToUnicode } from './latex';
import type { Person } from './paper';

/**
 * Splits a BibTeX name list the BibTeX way: `and` at brace depth 0 (any case) separates names;
 * each name is `First von Last`, `von Last, First` or `von Last, Jr, First`; a name wrapped in
 * braces (`{Company, Inc.}`) is one literal; `others` stays as the literal "others", which
 * `shortAuthors` reads as "et al.".
 */
export function parseNames(text: string): Person[] {
  const people: Person[] = [];
  for (const raw of splitOnAnd(text.includes('\\ifmmode') ? textBranches(text) : text)) {
    const name = raw.trim();
    if (name) people.push(parseName(name));
  }
  return people;
}

function parseName(name: string): Person {
  if (name === 'others') return { literal: 'others' };
  const extended = name.includes('=') ? extendedName(name) : undefined;
  if (extended) return extended;
  if (name.charCodeAt(0) === BRACE_OPEN && groupEnd(name, 0) === name.length - 1) return { literal: latexToUnicode(name) };
  const parts = splitOnCommas(name);
  if (parts.length === 1) {
    const words = withoutHomonymNumber(splitWords(parts[0]));
    if (words.length === 1) return clean({ family: words[0] });
    // First von Last: von runs from the first to the last lower-case word before the last word.
    let vonStart = -1;
    let vonEnd = -1;
    for (let i = 0; i < words.length - 1; i++) {
      if (isLowerCaseWord(words[i])) {
        if (vonStart < 0) vonStart = i;
        vonEnd = i + 1;
      }
    }
    if (vonStart < 0) return clean({ given: words.slice(0, -1).join(' '), family: words[words.length - 1] });
    return clean({ given: words.slice(0, vonStart).join(' '), particle: words.slice(vonStart, vonEnd).join(' '), family: words.slice(vonEnd).join(' ') });
  }
  const { particle, family } = splitVonLast(withoutHomonymNumber(splitWords(parts[0])));
  if (parts.length === 2) return clean({ particle, family, given: parts[1] });
  return clean({ particle, family, suffix: parts[1], given: parts.slice(2).join(', ') });
}

/** The parts of a name in biblatex's extended format; `-i` ones are initials. */
const NAME_PARTS = new Set(['family', 'given', 'prefix', 'suffix', 'family-i', 'given-i', 'prefix-i', 'suffix-i']);
const NAME_PART = /^([A-Za-z][A-Za-z-]*)\s*=\s*([^]*)$/;

/**
 * biblatex's extended name format, which Better BibTeX writes for names with particles:
 * `family=Beauvoir, given=Simone, prefix=de, useprefix=false`, the whole name braced or not, values
 * braced or quoted (`given={Jean Charles}`, `"family={Robert and Sons, Inc.}"`). Undefined when the
 * name is not one: every comma-separated part must read `key=value`, one of them a name part.
 * Other keys (`useprefix`, `id`, `sortingnamekeytemplatename`) only steer sorting and labels.
 */
function extendedName(name: string): Person | undefined {
  let inner = name;
  if (inner.charCodeAt(0) === BRACE_OPEN && groupEnd(inner, 0) === inner.length - 1) inner = inner.slice(1, -1).trim();
  if (inner.length > 1 && inner.startsWith('"') && inner.endsWith('"') && !inner.slice(1, -1).includes('"')) inner = inner.slice(1, -1);
  const parts = new Map<string, string>();
  for (const part of splitOnCommas(inner, true)) {
    const match = NAME_PART.exec(unquoted(part));
    if (!match) return undefined;
    const key = match[1].toLowerCase();
    if (NAME_PARTS.has(key) && !parts.has(key)) parts.set(key, unquoted(match[2].trim()));
  }
  if (parts.size === 0) return undefined;
  // A name given only by its initials (`given-i=P.D.`) shows them.
  const given = parts.get('given') ?? parts.get('given-i');
  const person = clean({ family: parts.get('family'), given, particle: parts.get('prefix'), suffix: parts.get('suffix') });
  return Object.keys(person).length > 0 ? person : undefined;
}

/** `"x"` → `x`: biblatex reads a part's value, or a whole part, in double quotes as it is. */
function unquoted(text: string): string {
  return text.length > 1 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/**
 * DBLP exports tell homonyms apart with a number (`Sebastian Gruber 0001`): it is not part of
 * the name, and a family name "0001" would show as "0001 et al.".
 */
function withoutHomonymNumber(words: string[]): string[] {
  return words.length > 1 && /^\d{4}$/.test(words[words.length - 1]) ? words.slice(0, -1) : words;
}

function splitVonLast(words: string[]): { particle?: string; family: string } {
  let vonEnd = 0;
  for (let i = 0; i < words.length - 1; i++) if (isLowerCaseWord(words[i])) vonEnd = i + 1;
  return { particle: words.slice(0, vonEnd).join(' ') || undefined, family: words.slice(vonEnd).join(' ') };
}

function clean(raw: Person): Person {
  const person: Person = {};
  for (const field of ['family', 'given', 'particle', 'suffix', 'literal'] as const) {
    const value = raw[field];
    if (value) {
      const decoded = latexToUnicode(value);
      if (decoded) person[field] = decoded;
    }
  }
  return person;
}

/**
 * APS exports write accented letters as `Dra\ifmmode \check{s}\else \v{s}\fi{}ar`. Its spaces
 * would split the name into words; the text branch, braced as one special character, does not.
 * One pass: at the first `\ifmmode` without `\else`/`\fi` the rest is left as it is.
 */
function textBranches(text: string): string {
  let out = '';
  let from = 0;
  while (true) {
    const start = text.indexOf('\\ifmmode', from);
    const otherwise = start < 0 ? -1 : text.indexOf('\\else', start);
    const fi = otherwise < 0 ? -1 : text.indexOf('\\fi', otherwise);
    if (fi < 0) return out + text.slice(from);
    const branch = text.slice(otherwise + 5, fi).trim();
    let next = fi + 3;
    if (text.startsWith('{}', next)) next += 2;
    out += text.slice(from, start) + (branch.startsWith('\\') ? `{${branch}}` : branch);
    from = next;
  }
}

/** BibTeX's rule: a word is lower case when its first letter at brace depth 0 is lower case. */
function isLowerCaseWord(word: string): boolean {
  let depth = 0;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
    if (ch === '\\' && depth === 0) {
      // A bare accent or special letter (`\v{S}koda`, `\"Ozg\"ur`): the letter it makes decides.
      const letter = /\p{L}/u.exec(latexToUnicode(word.slice(i)))?.[0];
      return letter !== undefined && letter === letter.toLowerCase() && letter !== letter.toUpperCase();
    }
    if (ch === '{') {
      // `{\v{s}...}` special characters count by their letter; other braced text is "not lower".
      if (depth === 0 && word[i + 1] === '\\') {
        const letter = /^\{\\[^A-Za-z]?[A-Za-z]*\s*\{?([A-Za-z])/.exec(word.slice(i));
        if (letter) return letter[1] === letter[1].toLowerCase();
      }
      depth++;
    } else if (ch === '}') depth--;
    else if (depth === 0 && /\p{L}/u.test(ch)) return ch === ch.toLowerCase() && ch !== ch.toUpperCase();
  }
  return false;
}

const BRACE_OPEN = 123;
const BRACE_CLOSE = 125;
const BACKSLASH = 92;
const TIE = 126;

function isNameSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 126 /* ~ */;
}

function groupEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BRACE_OPEN) depth++;
    else if (c === BRACE_CLOSE && --depth === 0) return i;
  }
  return -1;
}

/** Splits at ` and ` (any case, any white space around it) outside braces. */
function splitOnAnd(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BRACE_OPEN) depth++;
    else if (c === BRACE_CLOSE) depth = Math.max(0, depth - 1);
    else if (depth === 0 && isNameSpace(c) && c !== 126 && (text.charCodeAt(i + 1) | 32) === 97 /* a */ && (text.charCodeAt(i + 2) | 32) === 110 /* n */ && (text.charCodeAt(i + 3) | 32) === 100 /* d */) {
      const after = text.charCodeAt(i + 4);
      if (after === 32 || after === 10 || after === 9 || after === 13) {
        names.push(text.slice(start, i));
        start = i + 4;
        i += 3;
      }
    }
  }
  names.push(text.slice(start));
  return names;
}

/** The comma-separated parts of one name (`von Last, Jr, First`), trimmed, outside braces (and, if `quotes`, outside "..."). */
function splitOnCommas(name: string, quotes = false): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === BRACE_OPEN) depth++;
    else if (c === BRACE_CLOSE) depth = Math.max(0, depth - 1);
    else if (c === 34 /* " */ && quotes && depth === 0) quoted = !quoted;
    else if (c === 44 /* , */ && depth === 0 && !quoted) {
      parts.push(name.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(name.slice(start).trim());
  return parts;
}

/** Words split at white space and `~` outside braces; `\~` is the tilde accent (`Ib\'a\~nez`), not a tie. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && text.charCodeAt(i + 1) === TIE) {
      if (start < 0) start = i;
      i++;
      continue;
    }
    if (c === BRACE_OPEN) depth++;
    else if (c === BRACE_CLOSE) depth = Math.max(0, depth - 1);
    else if (depth === 0 && isNameSpace(c)) {
      if (start >= 0) words.push(text.slice(start, i));
      start = -1;
      continue;
    }
    if (start < 0) start = i;
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

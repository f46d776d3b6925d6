import { latexToUnicode } from './latex';
import type { Person } from './paper';

/**
 * Splits a BibTeX name list the BibTeX way: `and` at brace depth 0 separates names; each name is
 * `First von Last`, `von Last, First` or `von Last, Jr, First`; a name wrapped in braces
 * (`{Company, Inc.}`) is one literal; `others` stays as the literal "others".
 */
export function parseNames(text: string): Person[] {
  return splitAtDepthZero(text, /\s+and\s+/iy)
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
    .map(parseName);
}

function parseName(name: string): Person {
  if (name === 'others') return { literal: 'others' };
  if (name.startsWith('{') && groupEnd(name, 0) === name.length - 1) return { literal: latexToUnicode(name) };
  const parts = splitAtDepthZero(name, /\s*,\s*/y).map((p) => p.trim());
  if (parts.length === 1) {
    const words = words0(parts[0]);
    if (words.length === 1) return clean({ family: words[0] });
    // First von Last: von starts at the first lower-case word, Last is at least the last word.
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
  const [vonLast, second, third] = parts;
  const { particle, family } = splitVonLast(words0(vonLast));
  if (parts.length === 2) return clean({ particle, family, given: second });
  return clean({ particle, family, suffix: second, given: third });
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

/** BibTeX's rule: a word is lower case when its first letter at brace depth 0 is lower case. */
function isLowerCaseWord(word: string): boolean {
  let depth = 0;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
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

/** Words split at white space (and `~`) outside braces. */
function words0(text: string): string[] {
  return splitAtDepthZero(text, /[\s~]+/y).filter((w) => w.length > 0);
}

function groupEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits where `separator` (a sticky regex) matches at brace depth 0. */
function splitAtDepthZero(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (ch === ' ' || ch === ',' || ch === '~' || ch === '\n' || ch === '\t' || ch === '\r')) {
      // Every separator starts with white space, a comma or `~`: skip the regex elsewhere.
      separator.lastIndex = i;
      const match = separator.exec(text);
      if (match && match[0].length > 0) {
        parts.push(text.slice(start, i));
        i += match[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
}

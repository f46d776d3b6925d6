/**
 * Words as the search and the topics see them: accents folded, lower case, split on anything that
 * is not a letter or a digit. Both sides (the indexed text and what the user types) go through the
 * same functions, so "Müller", "muller" and "MULLER" are one word.
 */

/** Letters that NFD does not decompose into a base letter plus a combining mark. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd',
  ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i', ĸ: 'k',
};
const SPECIAL_LETTER_PATTERN = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** "Müller" → "muller", "Łukasz" → "lukasz": lower case without accents. */
export function foldAccents(text: string): string {
  const lower = text.toLowerCase();
  // Most catalog text is ASCII: skip the Unicode work then.
  if (!NON_ASCII.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(SPECIAL_LETTER_PATTERN, (ch) => SPECIAL_LETTERS[ch] ?? ch);
}

/** German spelling without umlauts ("Müller" → "mueller"), or undefined when the word has none. */
export function umlautSpelling(word: string): string | undefined {
  if (!/[äöüÄÖÜ]/.test(word)) return undefined;
  return foldAccents(word.replace(/[äÄ]/g, 'ae').replace(/[öÖ]/g, 'oe').replace(/[üÜ]/g, 'ue'));
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** Case changes inside a word: "SeerAttention" → Seer|Attention, "MMInference" → MM|Inference, "Feat2GS" → Feat2|GS. */
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/** The raw words of a text, as written (case and accents kept). */
export function rawWords(text: string): string[] {
  return text.match(WORD) ?? [];
}

/**
 * The searchable words of a text: each word folded, plus the parts of a camel-case word
 * ("LangSplatV2" → langsplatv2, lang, splat, v2) so a part typed alone finds it.
 */
export function searchWords(text: string): string[] {
  const out: string[] = [];
  forEachSearchWord(text, (word) => out.push(word));
  return out;
}

/**
 * Calls `visit` with each word `searchWords` gives, in order, without the array. ASCII text (most
 * titles and names) is scanned once, its words cut from the text lowered once: the Unicode regex
 * and a lowering per word were half of indexing a paper's key, title and authors.
 */
export function forEachSearchWord(text: string, visit: (word: string) => void): void {
  if (NON_ASCII.test(text)) {
    for (const raw of rawWords(text)) {
      visit(foldAccents(raw));
      if (mayHaveCaseChange(raw)) visitCamelParts(raw, visit);
    }
    return;
  }
  const lower = text.toLowerCase();
  let start = -1;
  let capitalInside = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const upper = code >= 65 && code <= 90;
    if (upper || (code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (start < 0) {
        start = i;
        capitalInside = false;
      } else if (upper) {
        capitalInside = true;
      }
    } else if (start >= 0) {
      visit(lower.slice(start, i));
      if (capitalInside) visitCamelParts(text.slice(start, i), visit);
      start = -1;
    }
  }
}

/** The folded camel-case parts of a raw word ("LangSplat" → lang, splat), undefined when it is one part. */
export function foldedCamelParts(raw: string): string[] | undefined {
  if (!mayHaveCaseChange(raw)) return undefined;
  const parts = raw.split(CAMEL_BOUNDARY);
  return parts.length > 1 ? parts.map(foldAccents) : undefined;
}

const astralWordCache = new Map<number, boolean>();
/** Whether a code point is part of a word as `rawWords` reads it (letter, digit, combining mark). */
export function isWordCodePoint(codePoint: number): boolean {
  if (codePoint < 0x10000) return (codePoint < 0xd800 || codePoint > 0xdfff) && isWordChar(codePoint);
  let known = astralWordCache.get(codePoint);
  if (known === undefined) astralWordCache.set(codePoint, (known = LETTER_OR_DIGIT.test(String.fromCodePoint(codePoint))));
  return known;
}

function visitCamelParts(raw: string, visit: (word: string) => void): void {
  const parts = raw.split(CAMEL_BOUNDARY);
  if (parts.length > 1) for (const part of parts) visit(foldAccents(part));
}

/** Whether the text has a character outside ASCII (no accents to fold, no umlauts then). */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/**
 * False when no camel-case boundary can be in the word: every one is before a capital after the
 * first letter. Most words are lower case or capitalized, and the split's regex costs 2 µs a word.
 */
function mayHaveCaseChange(raw: string): boolean {
  for (let i = 1; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if ((code >= 65 && code <= 90) || code > 127) return true;
  }
  return false;
}

/**
 * The words of a text, folded, without camel-case parts (abstracts, queries, topics). A hand-written
 * scanner rather than a Unicode regex: abstracts are most of the catalog's text, and this is 4× faster.
 */
export function plainWords(text: string): string[] {
  const words: string[] = [];
  forEachWord(text, (word) => words.push(word));
  return words;
}

/** Calls `visit` with each folded word of the text, in order, without building an array. */
export function forEachWord(text: string, visit: (word: string) => void): void {
  const folded = foldAccents(text);
  let start = -1;
  for (let i = 0; i <= folded.length; i++) {
    const inWord = i < folded.length && isWordChar(folded.charCodeAt(i));
    if (inWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      visit(folded.slice(start, i));
      start = -1;
    }
  }
}

/** Per UTF-16 code unit: 0 not looked at yet, 1 part of a word, 2 not. */
const wordCharCache = new Uint8Array(65536);
const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;

/** Whether a UTF-16 code unit is part of a word (letter, digit, combining mark). */
export function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  // Surrogates: letters outside the BMP (CJK extensions, math letters) stay inside words.
  if (code >= 0xd800 && code <= 0xdfff) return true;
  if (wordCharCache[code] === 0) wordCharCache[code] = LETTER_OR_DIGIT.test(String.fromCharCode(code)) ? 1 : 2;
  return wordCharCache[code] === 1;
}

/**
 * Crude plural folding, enough to merge "autoencoders"/"autoencoder" and "correspondences"/
 * "correspondence" without a stemmer's surprises ("analysis", "focus", "class" stay).
 */
export function singular(word: string): string {
  const n = word.length;
  // Char codes rather than regular expressions: this runs for every word of every abstract.
  if (n <= 3 || word.charCodeAt(n - 1) !== S) return word;
  const before = word.charCodeAt(n - 2);
  if (before === S || before === U || before === I) return word; // class, focus, analysis
  if (before === C && word.charCodeAt(n - 3) === I) return word; // physics
  if (before === E) {
    const third = word.charCodeAt(n - 3);
    if (third === I && n > 4) return `${word.slice(0, -3)}y`; // studies
    const fourth = word.charCodeAt(n - 4);
    if (third === X || (third === H && (fourth === C || fourth === S)) || (third === S && fourth === S)) {
      return word.slice(0, -2); // boxes, patches, meshes, classes
    }
  }
  return word.slice(0, -1);
}
const [C, E, H, I, S, U, X] = [...'cehisux'].map((ch) => ch.charCodeAt(0));

/** Common English words that say nothing about a paper; never indexed, never a topic. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had has ' +
    'have having he her here hers herself him himself his how i if in into is it its itself just me more ' +
    'most my myself no nor not of off on once only or other our ours ourselves out over own same she ' +
    'should so some such than that the their theirs them themselves then there these they this those ' +
    'through to too under until up very was we were what when where which while who whom why will with ' +
    'would you your yours yourself yourselves via vs et al thus however whether within without onto upon ' +
    'among amongst per yet may might must shall us one'
  ).split(' '),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/**
 * What Better BibTeX's picker answered, as the text inserted at the cursor. The answer is untrusted
 * text: one line, no control characters, at most a few thousand characters, and only when it is a
 * Pandoc citation (`[@key…]`; the brackets added when the picker left them out).
 */
const MAX_LENGTH = 10_000;

/** The citation to insert, '' when the user picked nothing, undefined when the answer is no citation. */
export function pickedCitation(answer: string): string | undefined {
  const text = answer.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  if (text.length > MAX_LENGTH || !/@[\p{L}\p{N}_{]/u.test(text)) return undefined;
  return text.startsWith('[') && text.endsWith(']') ? text : `[${text}]`;
}

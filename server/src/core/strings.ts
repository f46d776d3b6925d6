/**
 * A copy of `text` that is a string of its own. V8 makes a slice of 13 characters or more point
 * into the string it comes from and keeps that whole string alive while the slice lives: a kept
 * key, spelling or macro cut from a catalog's text would hold the whole text (hundreds of MB for a
 * big catalog). Shorter slices are copies already. The JSON round trip copies every code unit as
 * it is, lone surrogates included.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

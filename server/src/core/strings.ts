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

/** Shortens text to about `max` characters at a word boundary, with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '') + '…';
}

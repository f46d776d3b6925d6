/**
 * An editor's text in UTF-8 for the catalog worker, encoded a slice per turn of the event loop and
 * then handed over (transferred, not copied). Posting the string itself cost the main thread a
 * 17 ms clone for an 18 MB catalog, and the worker 30 ms to rebuild the string plus 25 ms to
 * encode it, for every keystroke; a 176 MB catalog open in Neovim blocked the server for 170 ms.
 */
const SLICE_CHARS = 1 << 20;
/** Below this many bytes the result is copied out of its room (three bytes per character). */
const COPY_BELOW_BYTES = 8 << 20;

export async function utf8InTurns(text: string, sliceChars = SLICE_CHARS): Promise<Uint8Array> {
  const room = new Uint8Array(text.length * 3);
  const encoder = new TextEncoder();
  let written = 0;
  for (let from = 0; from < text.length; ) {
    let to = Math.min(text.length, from + sliceChars);
    // Not between the halves of a surrogate pair: each half alone would be written as U+FFFD.
    const last = text.charCodeAt(to - 1);
    if (to < text.length && to - 1 > from && last >= 0xd800 && last <= 0xdbff) to--;
    written += encoder.encodeInto(text.slice(from, to), room.subarray(written)).written;
    from = to;
    if (from < text.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return written < COPY_BELOW_BYTES ? room.slice(0, written) : room.subarray(0, written);
}

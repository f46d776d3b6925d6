/**
 * An editor's text in UTF-8 for the catalog worker, encoded a slice per turn of the event loop and
 * then handed over (transferred, not copied). Posting the string itself cost the main thread a
 * 17 ms clone for an 18 MB catalog, and the worker 30 ms to rebuild the string plus 25 ms to
 * encode it, for every keystroke; a 176 MB catalog open in Neovim blocked the server for 170 ms.
 */
const SLICE_CHARS = 1 << 20;
/** Below this many bytes the result is copied out of its room. */
const COPY_BELOW_BYTES = 8 << 20;

export async function utf8InTurns(text: string, sliceChars = SLICE_CHARS): Promise<Uint8Array> {
  // Room for mostly ASCII, grown when a slice does not fit: three bytes per character (the most
  // one UTF-16 unit takes) would reserve 530 MB for a 176 MB catalog, and V8 counts it all.
  let room = new Uint8Array(Math.ceil(text.length * 1.125) + 16);
  const encoder = new TextEncoder();
  let written = 0;
  for (let from = 0; from < text.length; ) {
    let to = Math.min(text.length, from + sliceChars);
    // Not between the halves of a surrogate pair: each half alone would be written as U+FFFD.
    const last = text.charCodeAt(to - 1);
    if (to < text.length && to - 1 > from && last >= 0xd800 && last <= 0xdbff) to--;
    let slice = text.slice(from, to);
    for (;;) {
      const { read, written: n } = encoder.encodeInto(slice, room.subarray(written));
      written += n;
      if (read === slice.length) break;
      slice = slice.slice(read);
      const grown = new Uint8Array(Math.max(room.length * 2, written + slice.length * 3));
      grown.set(room.subarray(0, written));
      room = grown;
    }
    from = to;
    if (from < text.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return written < COPY_BELOW_BYTES ? room.slice(0, written) : room.subarray(0, written);
}

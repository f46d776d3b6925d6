import type { Range } from '../core/types';

/**
 * One cited key in a note, as Pandoc reads it: inside a bracketed group `[see @a; @b, p. 4]`,
 * author-in-text `@key [p. 33]`, or bare `@key`.
 */
export interface Citation {
  /** The key as Pandoc reads it (for `@{odd key}` the text between the braces). */
  key: string;
  /** Range of the key text only: no `@`, no braces. Rename replaces exactly this range. */
  keyRange: Range;
  /** Range from the `@` (or `-@`) to the end of the key (closing brace included). */
  range: Range;
  /** Range of the whole bracketed group `[...]` when the citation is inside one. */
  groupRange?: Range;
  /** `[-@key]`: suppress the author. */
  suppressAuthor: boolean;
}

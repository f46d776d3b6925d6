import type { Range } from '../core/types';

/** A person as the catalog names them: `family`/`given` or a `literal` (institution, `{Company, Inc.}`). */
export interface Person {
  family?: string;
  given?: string;
  /** Name particle such as "van", "de la" (BibTeX "von" part). */
  particle?: string;
  suffix?: string;
  literal?: string;
}

/**
 * One paper of a catalog, normalized from any format. Text fields are display text:
 * LaTeX already decoded to Unicode, protective braces removed. Absent fields are undefined.
 */
export interface Paper {
  /** The citation key exactly as written in the catalog. */
  key: string;
  /** Entry type in lower case: article, inproceedings, book, misc... (CSL types are kept as CSL names). */
  type: string;
  title?: string;
  authors: Person[];
  editors?: Person[];
  /** Year as written (usually four digits), from `year`, `date` or CSL `issued`. */
  year?: string;
  /** Full date as written when there is one (`2024-05`). */
  date?: string;
  /** Journal, booktitle or CSL container-title. */
  venue?: string;
  publisher?: string;
  volume?: string;
  issue?: string;
  pages?: string;
  abstract?: string;
  doi?: string;
  url?: string;
  arxiv?: string;
  /** Topics from `keywords`, JabRef `groups`, CSL `keyword`, tags. */
  keywords: string[];
  /** File attachments (`file` field), as written. */
  files: string[];
  note?: string;
  /** Where the entry is: `file://` URI of the catalog, the whole entry's range and the key's range. */
  source: PaperSource;
}

export interface PaperSource {
  uri: string;
  range: Range;
  keyRange: Range;
}

/** "Vaswani", "Vaswani and Shazeer", "Vaswani et al." — the short author label a person reads in lists. */
export function shortAuthors(authors: readonly Person[]): string | undefined {
  const names = authors.map(personFamily).filter((n): n is string => !!n);
  if (names.length === 0) return undefined;
  // BibTeX's `and others` means "and more authors": always "et al.".
  if (names.length > 1 && names[names.length - 1] === 'others') return `${names[0]} et al.`;
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]} et al.`;
}

export function personFamily(p: Person): string | undefined {
  if (p.literal) return p.literal;
  if (!p.family) return p.given;
  return p.particle ? `${p.particle} ${p.family}` : p.family;
}

export function personFullName(p: Person): string {
  if (p.literal) return p.literal;
  return [p.given, p.particle, p.family, p.suffix].filter(Boolean).join(' ');
}

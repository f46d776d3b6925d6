/**
 * The YAML front matter of a note, as Pandoc reads it: a `---` line at the very top, not followed
 * by a blank line, closed by a `---` or `...` line. Its `bibliography:` (a path or a list of paths,
 * relative to the note; the caller resolves them) names the catalogs the note cites from.
 */
import { parseDocument } from 'yaml';
import type { Position, Problem, Range } from '../core/types';

export interface FrontMatter {
  /** From the opening `---` to the end of the closing delimiter line. */
  range: Range;
  /** The YAML as plain data; `undefined` when the YAML is broken. Untrusted: never rendered as markup. */
  data: unknown;
  /** Pandoc's `bibliography:` paths in the order written, as written (relative to the note). */
  bibliography: string[];
  problems: Problem[];
}

export const FRONT_MATTER_PARSE_ERROR = 'front-matter.parse-error';
export const FRONT_MATTER_BIBLIOGRAPHY = 'front-matter.bibliography';

/** Where the front matter block is, found without parsing the YAML (for the citation scanner). */
export interface FrontMatterBlock {
  /** Offset where the YAML starts (after the opening line and its line break). */
  contentStart: number;
  /** Offset where the closing delimiter line starts (the YAML ends here). */
  contentEnd: number;
  /** Offset just after the closing delimiter (before its line break). */
  end: number;
  /** Number of lines the block covers, delimiters included. */
  lineCount: number;
  /** Start offset of each line of the block. */
  lineStarts: number[];
}

const DELIMITER_OPEN = /^---[ \t]*$/;
const DELIMITER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;
/** Line breaks as LSP counts them. */
const LINE_BREAK = /\r\n|\r|\n/g;

export function frontMatterBlock(text: string): FrontMatterBlock | undefined {
  // A byte order mark is not text: the block may still start on the first line.
  const first = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!text.startsWith('---', first)) return undefined;
  const lineStarts = [0];
  LINE_BREAK.lastIndex = first;
  let lineStart = first;
  let match: RegExpExecArray | null;
  let line = 0;
  while (true) {
    match = LINE_BREAK.exec(text);
    const lineEnd = match ? match.index : text.length;
    const lineText = text.slice(lineStart, lineEnd);
    if (line === 0) {
      if (!DELIMITER_OPEN.test(lineText)) return undefined;
    } else if (line === 1 && lineText.trim() === '') {
      // `---` followed by a blank line is a horizontal rule for Pandoc, not metadata.
      return undefined;
    } else if (line > 0 && DELIMITER_CLOSE.test(lineText)) {
      return { contentStart: lineStarts[1], contentEnd: lineStart, end: lineEnd, lineCount: line + 1, lineStarts };
    }
    if (!match) return undefined;
    lineStart = match.index + match[0].length;
    lineStarts.push(lineStart);
    line += 1;
  }
}

export function parseFrontMatter(text: string): FrontMatter | undefined {
  const block = frontMatterBlock(text);
  if (!block) return undefined;
  const positionAt = (offset: number): Position => {
    let line = 0;
    while (line + 1 < block.lineStarts.length && block.lineStarts[line + 1] <= offset) line += 1;
    return { line, character: offset - block.lineStarts[line] };
  };
  const rangeOf = (start: number, end: number): Range => ({ start: positionAt(start), end: positionAt(end) });
  const range = rangeOf(0, block.end);
  const problems: Problem[] = [];
  const yamlText = text.slice(block.contentStart, block.contentEnd);

  let data: unknown;
  try {
    const document = parseDocument(yamlText, { prettyErrors: false });
    // An error at the end of the YAML (an unclosed `[`) is shown at the end of its last line, not on the `---`.
    const yamlEnd = block.contentStart + yamlText.replace(/(?:\r\n|\r|\n)$/, '').length;
    const clamp = (offset: number) => Math.min(block.contentStart + offset, yamlEnd);
    for (const error of document.errors) {
      const [start, end] = error.pos;
      problems.push({
        code: FRONT_MATTER_PARSE_ERROR,
        message: `The front matter is not valid YAML: ${firstLine(error.message)}`,
        range: rangeOf(clamp(start), clamp(Math.max(start, end))),
      });
    }
    if (document.errors.length === 0) data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml throws on alias bombs and similar: a problem for the user, never a crash.
    problems.push({
      code: FRONT_MATTER_PARSE_ERROR,
      message: `The front matter could not be read: ${firstLine(error instanceof Error ? error.message : String(error))}`,
      range,
    });
    data = undefined;
  }

  const bibliography: string[] = [];
  const value = isRecord(data) ? data.bibliography : undefined;
  const bibliographyProblem = (message: string) =>
    problems.push({ code: FRONT_MATTER_BIBLIOGRAPHY, message, range: bibliographyRange(yamlText, block.contentStart, rangeOf) ?? range });
  if (typeof value === 'string') {
    if (value.trim() !== '') bibliography.push(value.trim());
  } else if (Array.isArray(value)) {
    for (const entry of value) {
      if (typeof entry === 'string' && entry.trim() !== '') bibliography.push(entry.trim());
      else bibliographyProblem('Each `bibliography:` entry must be a file path (a string).');
    }
  } else if (value !== undefined && value !== null) {
    bibliographyProblem('`bibliography:` must be a file path or a list of file paths.');
  }
  return { range, data, bibliography, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0];
}

/** The `bibliography:` line, for pointing a problem at it. */
function bibliographyRange(yamlText: string, contentStart: number, rangeOf: (start: number, end: number) => Range): Range | undefined {
  const match = /^bibliography[ \t]*:.*$/m.exec(yamlText);
  if (!match) return undefined;
  return rangeOf(contentStart + match.index, contentStart + match.index + match[0].length);
}

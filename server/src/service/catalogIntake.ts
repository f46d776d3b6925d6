/**
 * Catalog intake, pure: a version of a catalog file → what changes in the workspace (a
 * CatalogUpdate: the papers that go, the papers that come, the problems). Two halves, one class:
 *
 * - **Reading**, where the bytes are (the catalog worker; node/catalogFiles.ts compares the bytes or
 *   checksums of versions, see node/fileVersion.ts): a whole text → papers and problems, and an edit
 *   → only the edited stretch read again. Per BibTeX file whose last read was clean it keeps where
 *   each paper is. When an edit lies among entries that nothing inherits from and that hold no
 *   @string, only that stretch is read again (with the macros and crossref parents of the rest) and
 *   a CatalogDelta goes out. Anything else (a problem, a new @string, a duplicate key, a changed
 *   crossref parent) reads the whole file: the last-good rule needs a whole read.
 * - **Taking a reading in**, where the papers are (the main thread; `take`): the **last good
 *   version** rule. Zotero's auto-export rewrites a `.bib` in place, so a read can catch it
 *   half-written: when a read has parse errors, entries that still parse are updated and entries
 *   that went missing are kept until a clean read of the file (which honours deletions); an empty
 *   rewrite keeps every paper. The update goes to the model (WorkspaceModel.applyCatalogUpdate),
 *   which indexes it; the intake never calls the model.
 */
import type { CatalogFileResult } from '../catalog/catalogFile';
import { catalogFormatOf } from '../catalog/catalogFile';
import { BibtexChunkReader, parseBibtexDetailed, readEntryAlone, type BibtexDetails, type BibtexParent } from '../catalog/bibtex';
import { readCatalog } from '../catalog/readCatalog';
import type { Paper } from '../catalog/paper';
import { lowerBound } from '../core/sorted';
import type { Problem } from '../core/types';
import { detached } from '../core/strings';

/** A catalog file as the workspace has it: its papers are the last read plus entries kept from the last good version. */
export interface CatalogFile {
  uri: string;
  /** The text read last, when it was read in this thread (a worker keeps its own copy). */
  text?: string;
  /** The papers the workspace uses from this file: the last read plus entries kept from the last good version. */
  papers: Paper[];
  /** Problems of the last read (and the notice when an empty read was ignored). */
  problems: Problem[];
  /** Entries kept from the last good version because the last read was broken. */
  kept: string[];
}

/**
 * One edited stretch of a catalog read again alone: papers `from`..`to` (exclusive) of the file's
 * list become `papers`, the papers after them move `lineShift` lines. Only made for a file whose
 * last read was clean, when the stretch reads cleanly too.
 */
export interface CatalogDelta {
  from: number;
  to: number;
  papers: Paper[];
  lineShift: number;
}

/** What a reading changes: for the model to apply, the log, and the keys whose citations may change verdict. */
export interface CatalogUpdate {
  uri: string;
  /** The file from now on; undefined when it left the workspace. */
  file: CatalogFile | undefined;
  /** Papers that went (all of the file's, or an edited stretch's). */
  before: readonly Paper[];
  /** Papers that came instead. */
  after: readonly Paper[];
  /**
   * An edited stretch: the papers of `file` from `from` on (after the stretch) move `lines` lines.
   * The model moves them when it applies the update: every index holds those objects.
   */
  moved?: { from: number; lines: number };
  /** Entries the reader returned this time. */
  entriesRead: number;
  problems: number;
  /** A sentence for the log when the last good version was kept, once per transition. */
  notice?: string;
}

export type CatalogReading =
  | { kind: 'unchanged' }
  | { kind: 'full'; result: CatalogFileResult; blank: boolean }
  | { kind: 'delta'; delta: CatalogDelta };

/**
 * A new version of a file, as the glue compares it with the last version it kept of the file
 * (node/fileVersion.ts: the bytes, or checksums of a big file, against bytes in memory or on disk).
 * The intake decides what to compare and what to read; the glue compares and reads the bytes.
 */
export interface NextVersion {
  /** The length of the last version kept; undefined when none is. */
  readonly lastLength: number | undefined;
  readonly length: number;
  /** How many bytes at the start the two versions share. */
  commonPrefix(): number;
  /** Whether they are the same, given their common start. */
  isSame(prefix: number): boolean;
  /** How many bytes at the end they share, at most `most`. */
  commonSuffix(most: number): number;
  /** Bytes [from, to) of the new version, decoded (UTF-8). */
  text(from: number, to: number): string;
  /** The whole new version, decoded. */
  wholeText(): string;
}

/**
 * A version read: the reading, and which version the glue keeps of the file from now on: the last
 * (unchanged), the new one known through the last where they share start and end (an edit read as
 * a stretch), or the new one whole.
 */
export interface VersionRead {
  reading: CatalogReading;
  keep: 'last' | 'whole' | { prefix: number; suffix: number };
}

/** An edit of a file, in bytes: how long both versions are and how much of their start and end they share. */
export interface CatalogEdit {
  oldLength: number;
  newLength: number;
  prefix: number;
  suffix: number;
  /** Bytes [from, to) of the new version, decoded (UTF-8). */
  text(from: number, to: number): string;
}

/**
 * One chunk of a file read a chunk at a time (see BibtexChunkReader): its text, where its own part
 * ends (the rest is the head of the next chunk's first entry), and where it starts in the file, in bytes.
 */
export interface TextChunk {
  text: string;
  end: number;
  byteStart: number;
}

/** A whole read done in chunks: its papers went to the caller chunk by chunk. */
export interface ChunkedReading {
  problems: Problem[];
  blank: boolean;
  papers: number;
}

/** What is kept of a clean BibTeX read; offsets are byte offsets into the file. */
interface BibtexState {
  starts: number[];
  ends: number[];
  keys: string[];
  /** Line of each paper's start and end, character of its end (where a stretch after it begins). */
  startLines: number[];
  startCharacters: number[];
  endLines: number[];
  endCharacters: number[];
  others: { start: number; end: number }[];
  macros: { at: number; name: string; value: string }[];
  inheritedKeys: Set<string>;
  parents: Map<string, BibtexParent>;
  keyCount: Map<string, number>;
}

/** What taking a reading in gave (the main thread's half of intake). */
export type IntakeOutcome =
  | { kind: 'unchanged' }
  /** An edited stretch that cannot apply (the last read was not clean): read the file whole. */
  | { kind: 'readWhole' }
  /** The read failed: its last good papers stay (the file's provisional papers should go: nothing will replace them). */
  | { kind: 'failed'; message: string }
  /** `what`: the read, for the log. */
  | { kind: 'updated'; update: CatalogUpdate; what: string };

/** A whole read of a file (`blank`: its text was only white space), by the last-good rule. */
export function wholeReadUpdate(last: CatalogFile | undefined, result: CatalogFileResult, blank: boolean, text?: string): CatalogUpdate {
  const uri = result.uri;
  const before = last?.papers ?? [];
  const wasKeeping = (last?.kept.length ?? 0) > 0;
  let file: CatalogFile;
  let notice: string | undefined;
  if (blank && result.problems.length === 0 && before.length > 0) {
    // An empty rewrite of a file that had papers is an export in progress, not a deletion of all.
    const message = `Catalog is empty: keeping the ${before.length} papers of the last good version.`;
    file = { uri, text, papers: before, problems: [{ code: 'catalog.empty', message, range: zeroRange }], kept: before.map((p) => p.key) };
    if (!wasKeeping) notice = message;
  } else if (isBroken(result.problems) && before.length > 0) {
    const readKeys = new Set(result.papers.map((p) => p.key));
    const keptPapers = before.filter((p) => !readKeys.has(p.key));
    file = { uri, text, papers: [...result.papers, ...keptPapers], problems: result.problems, kept: keptPapers.map((p) => p.key) };
    if (keptPapers.length > 0 && !wasKeeping) {
      notice = `Catalog has parse errors: keeping ${keptPapers.length} entries of the last good version until it reads cleanly (${preview(file.kept)}).`;
    }
  } else {
    file = { uri, text, papers: result.papers, problems: result.problems, kept: [] };
  }
  return { uri, file, before, after: file.papers, entriesRead: result.papers.length, problems: result.problems.length, notice };
}

/** A text read in this thread; undefined when it is the text read last. */
export function textUpdate(last: CatalogFile | undefined, uri: string, text: string): CatalogUpdate | undefined {
  if (last && last.text === text) return undefined;
  return wholeReadUpdate(last, readCatalog(text, uri), text.trim() === '', text);
}

/**
 * An edited stretch of a file whose last read was clean. The update lists only the papers of the
 * stretch (before and after): the others did not change, though they may have moved. Undefined when
 * the file is not in that state: read the whole file instead.
 */
export function deltaUpdate(last: CatalogFile | undefined, delta: CatalogDelta): CatalogUpdate | undefined {
  if (!last || last.kept.length > 0 || last.problems.length > 0 || delta.from > delta.to || delta.to > last.papers.length) return undefined;
  const removed = last.papers.slice(delta.from, delta.to);
  const papers = [...last.papers.slice(0, delta.from), ...delta.papers, ...last.papers.slice(delta.to)];
  const file: CatalogFile = { uri: last.uri, papers, problems: last.problems, kept: last.kept };
  const moved = { from: delta.from + delta.papers.length, lines: delta.lineShift };
  return { uri: last.uri, file, before: removed, after: delta.papers, moved, entriesRead: papers.length, problems: 0 };
}

/** The file left the workspace; undefined when it was not in it. */
export function removalUpdate(last: CatalogFile | undefined): CatalogUpdate | undefined {
  return last && { uri: last.uri, file: undefined, before: last.papers, after: [], entriesRead: 0, problems: 0 };
}

/** Keys that appeared or disappeared with an update: citations of them may change verdict. */
export function keysComeOrGone(update: Pick<CatalogUpdate, 'before' | 'after'>): string[] {
  const old = new Set(update.before.map((p) => p.key));
  const now = new Set(update.after.map((p) => p.key));
  return [...[...old].filter((k) => !now.has(k)), ...[...now].filter((k) => !old.has(k))];
}

export class CatalogIntake {
  /** Reading: per BibTeX file whose last read was clean, where each paper is. */
  private readonly bibtex = new Map<string, BibtexState>();
  /** Taking in: per file, the papers and problems as the last update left them (the last good version's papers among them). */
  private readonly files = new Map<string, CatalogFile>();

  /** `byteLength`: UTF-8 length of a text (the glue passes Node's native one; the default counts in JS). */
  constructor(private readonly byteLength: (text: string) => number = utf8Length) {}

  // ---- taking readings in (where the papers are) --------------------------------------------

  /**
   * The intake's entry point where the papers are: what the reading of `uri` (the catalog worker's,
   * or `readWhole`'s) changes. The file is from then on as the update says: apply every update.
   */
  take(uri: string, reading: CatalogReading | { kind: 'error'; message: string }): IntakeOutcome {
    switch (reading.kind) {
      case 'unchanged':
        return reading;
      case 'delta': {
        const update = deltaUpdate(this.files.get(uri), reading.delta);
        if (!update) return { kind: 'readWhole' };
        this.files.set(uri, update.file!);
        return { kind: 'updated', update, what: `read ${reading.delta.papers.length} edited entries again` };
      }
      case 'full': {
        const update = wholeReadUpdate(this.files.get(uri), reading.result, reading.blank);
        this.files.set(uri, update.file!);
        return { kind: 'updated', update, what: `read ${update.entriesRead} entries (${update.problems} problems)` };
      }
      default:
        return { kind: 'failed', message: reading.message };
    }
  }

  /** A text read in this thread (no catalog worker); unchanged when it is the text taken last. */
  takeText(uri: string, text: string): IntakeOutcome {
    const update = textUpdate(this.files.get(uri), uri, text);
    if (!update) return { kind: 'unchanged' };
    this.files.set(uri, update.file!);
    return { kind: 'updated', update, what: `read ${update.entriesRead} entries (${update.problems} problems)` };
  }

  /** The file left the workspace; undefined when it was not taken in. */
  remove(uri: string): CatalogUpdate | undefined {
    const update = removalUpdate(this.files.get(uri));
    this.files.delete(uri);
    this.bibtex.delete(uri);
    return update;
  }

  /** Whether a reading of `uri` was taken in (and the file not removed since). */
  has(uri: string): boolean {
    return this.files.has(uri);
  }

  // ---- reading (where the bytes are) ---------------------------------------------------------

  /** The file is no longer read: what was kept of its layout goes. */
  forget(uri: string): void {
    this.bibtex.delete(uri);
  }

  /**
   * The intake's entry point where the bytes are: a new version of `uri` against the last one read.
   * The same version → unchanged; an edit of a file whose last read was clean → the edited stretch
   * alone when it reads cleanly by itself (see the top of this file); anything else, or `full` (the
   * taking side could not apply a stretch), → a whole read.
   */
  readVersion(uri: string, next: NextVersion, full = false): VersionRead {
    if (!full && next.lastLength !== undefined) {
      const prefix = next.commonPrefix();
      if (next.isSame(prefix)) return { reading: { kind: 'unchanged' }, keep: 'last' };
      if (this.canReadEdits(uri)) {
        const suffix = next.commonSuffix(Math.min(next.lastLength, next.length) - prefix);
        const delta = this.readEdit(uri, { oldLength: next.lastLength, newLength: next.length, prefix, suffix, text: (from, to) => next.text(from, to) });
        if (delta) return { reading: { kind: 'delta', delta }, keep: { prefix, suffix } };
      }
    }
    return { reading: this.readWhole(uri, next.wholeText()), keep: 'whole' };
  }

  /** Whether an edit of `uri` may be read as a stretch (its last read was a clean BibTeX read). */
  canReadEdits(uri: string): boolean {
    return this.bibtex.has(uri);
  }

  /** A whole version of the file. */
  readWhole(uri: string, text: string): CatalogReading & { kind: 'full' } {
    this.bibtex.delete(uri);
    const blank = text.trim() === '';
    const hasBom = text.charCodeAt(0) === 0xfeff;
    if (catalogFormatOf(uri) !== 'bibtex' && catalogFormatOf(uri) !== undefined) return { kind: 'full', result: readCatalog(text, uri), blank };
    if (hasBom) return { kind: 'full', result: readCatalog(text, uri), blank };
    const details = parseBibtexDetailed(text, uri);
    const { result } = details;
    if (result.problems.length === 0) {
      const state = new StateBuilder(this.byteLength);
      state.add(text, 0, details, result.papers);
      this.bibtex.set(uri, state.finish(details.inheritedKeys, details.parents));
    }
    return { kind: 'full', result, blank };
  }

  /**
   * A whole BibTeX file (no byte order mark) a chunk at a time: each chunk's papers go to `take`
   * before the next chunk is read, so the caller can make them compact and let them go; the papers
   * at `deferred` (numbers in the file) wait for a parent later in the file and are given again to
   * `replace` at the end. `readBytes` reads bytes of the file again (a parent in an earlier chunk).
   * Undefined when the file must be read whole instead (see BibtexChunkReader); `take` may have had
   * papers then.
   */
  readWholeInChunks(
    uri: string,
    chunks: Iterable<TextChunk>,
    take: (papers: Paper[], deferred: readonly number[]) => void,
    replace: (index: number, paper: Paper) => void,
    readBytes: (from: number, to: number) => string,
  ): ChunkedReading | undefined {
    this.bibtex.delete(uri);
    const state = new StateBuilder(this.byteLength);
    const reader = new BibtexChunkReader(uri, (lower) => {
      const at = state.firstEntry(lower);
      return at && readEntryAlone(readBytes(at.from, at.to), uri, state.macrosBefore(at.from));
    });
    let blank = true;
    let papers = 0;
    for (const chunk of chunks) {
      const details = reader.read(chunk.text, chunk.end);
      if (!details) return undefined;
      blank &&= chunk.text.slice(0, chunk.end).trim() === '';
      state.add(chunk.text, chunk.byteStart, { ...details, inheritedKeys: new Set(), parents: new Map() }, details.papers, details.entries);
      papers += details.papers.length;
      take(details.papers, details.deferred);
    }
    const end = reader.finish();
    if (!end) return undefined;
    for (const [index, paper] of end.deferred) replace(index, paper);
    if (end.problems.length === 0) this.bibtex.set(uri, state.finish(end.inheritedKeys, end.parents));
    return { problems: end.problems, blank, papers };
  }

  /**
   * An edit of a file whose last read was clean: the delta of the stretch it touches, or undefined
   * when the file must be read whole (see the top of this file). The layout kept is updated only
   * when a delta comes out; undefined leaves it as it was, and the caller's whole read replaces it.
   */
  readEdit(uri: string, edit: CatalogEdit): CatalogDelta | undefined {
    const state = this.bibtex.get(uri);
    return state ? this.readStretch(uri, state, edit) : undefined;
  }

  private readStretch(uri: string, state: BibtexState, edit: CatalogEdit): CatalogDelta | undefined {
    const { prefix, suffix } = edit;
    const old = { length: edit.oldLength };
    const n = state.starts.length;
    // Papers lo..hi (inclusive) touch the change; the stretch runs from the end of the paper before
    // to the start of the paper after, so the text between entries goes with it.
    const lo = lowerBound(state.ends, (end) => end < prefix + 1);
    const hi = Math.max(lo - 1, lastBelow(state.starts, old.length - suffix));
    const from = lo > 0 ? state.ends[lo - 1] : 0;
    const to = hi + 1 < n ? state.starts[hi + 1] : old.length;
    if (from === 0) return undefined; // the file's head holds the macros: read it whole
    if (state.others.some((o) => o.start < to && o.end > from)) return undefined;
    for (let i = lo; i <= hi; i++) if (state.inheritedKeys.has(state.keys[i].toLowerCase())) return undefined;
    if (hi + 1 < n && state.startCharacters[hi + 1] !== 0) return undefined;

    const shift = edit.newLength - old.length;
    const text = edit.text(from, to + shift);
    const macros = new Map<string, string>();
    for (const m of state.macros) if (m.at < from) macros.set(m.name, m.value);
    const base = { line: state.endLines[lo - 1], character: state.endCharacters[lo - 1] };
    const details = parseBibtexDetailed(text, uri, { base, macros, parents: state.parents });
    const papers = details.result.papers;
    if (details.result.problems.length > 0 || details.otherSpans.length > 0 || papers.length !== details.paperSpans.length) return undefined;
    // New keys must not meet the keys outside the stretch (a duplicate is the whole file's problem).
    const removedKeys = new Map<string, number>();
    for (let i = lo; i <= hi; i++) removedKeys.set(state.keys[i], (removedKeys.get(state.keys[i]) ?? 0) + 1);
    const newKeys = new Set<string>();
    for (const paper of papers) {
      if (newKeys.has(paper.key)) return undefined;
      newKeys.add(paper.key);
      if ((state.keyCount.get(paper.key) ?? 0) - (removedKeys.get(paper.key) ?? 0) > 0) return undefined;
      if (state.inheritedKeys.has(paper.key.toLowerCase())) return undefined;
    }
    for (const lower of details.inheritedKeys) if (!state.parents.has(lower)) return undefined;

    let newlines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
    const endLine = base.line + newlines;
    const lineShift = hi + 1 < n ? endLine - state.startLines[hi + 1] : 0;
    updateState(state, lo, hi, from, text, details.paperSpans, papers, shift, lineShift, removedKeys, this.byteLength);
    return { from: lo, to: hi + 1, papers, lineShift };
  }
}

function detachedParents(parents: ReadonlyMap<string, BibtexParent>): Map<string, BibtexParent> {
  const copies = new Map<string, BibtexParent>();
  for (const [lower, parent] of parents) {
    const fields = new Map<string, string>();
    for (const [name, value] of parent.fields) fields.set(detached(name), detached(value));
    copies.set(detached(lower), { ...parent, type: detached(parent.type), key: detached(parent.key), fields, plain: new Set([...parent.plain].map(detached)) });
  }
  return copies;
}

/** Byte offsets for character offsets that only grow (one pass over the text in all). */
function byteOffsets(text: string, base: number, byteLength: (text: string) => number): (charOffset: number) => number {
  let lastChar = 0;
  let lastByte = base;
  return (charOffset) => {
    lastByte += byteLength(text.slice(lastChar, charOffset));
    lastChar = charOffset;
    return lastByte;
  };
}

/** The state of a clean read, built a chunk at a time (one chunk for a text read whole). */
class StateBuilder {
  private readonly state: BibtexState = {
    starts: [],
    ends: [],
    keys: [],
    startLines: [],
    startCharacters: [],
    endLines: [],
    endCharacters: [],
    others: [],
    macros: [],
    inheritedKeys: new Set(),
    parents: new Map(),
    keyCount: new Map(),
  };

  /** Read in chunks: the first entry of each lower-case key, where it is in the file (bytes). */
  private readonly firstEntries = new Map<string, number>();
  private readonly firstSpans: number[] = [];

  constructor(private readonly byteLength: (text: string) => number) {}

  /**
   * A chunk starting at byte `byteStart` of the file, its details and papers (offsets into `text`);
   * `entries`, when read in chunks: every entry of it, for `firstEntry`.
   */
  add(text: string, byteStart: number, details: Omit<BibtexDetails, 'result'>, papers: readonly Paper[], entries: readonly { lowerKey: string; start: number; end: number }[] = []): void {
    const state = this.state;
    // Spans and others come sorted separately; offsets are converted in one increasing pass.
    const points = new Set<number>();
    for (const s of details.paperSpans) points.add(s.start).add(s.end);
    for (const o of details.otherSpans) points.add(o.start).add(o.end);
    for (const m of details.macroDefinitions) points.add(m.at);
    for (const e of entries) points.add(e.start).add(e.end);
    const sorted = [...points].sort((a, b) => a - b);
    const toByte = byteOffsets(text, byteStart, this.byteLength);
    const byteOf = new Map<number, number>();
    for (const p of sorted) byteOf.set(p, toByte(p));
    for (const s of details.paperSpans) {
      state.starts.push(byteOf.get(s.start)!);
      state.ends.push(byteOf.get(s.end)!);
    }
    for (const paper of papers) {
      const key = detached(paper.key);
      state.keys.push(key);
      state.keyCount.set(key, (state.keyCount.get(key) ?? 0) + 1);
      const range = paper.source.range;
      state.startLines.push(range.start.line);
      state.startCharacters.push(range.start.character);
      state.endLines.push(range.end.line);
      state.endCharacters.push(range.end.character);
    }
    for (const o of details.otherSpans) state.others.push({ start: byteOf.get(o.start)!, end: byteOf.get(o.end)! });
    for (const m of details.macroDefinitions) state.macros.push({ at: byteOf.get(m.at)!, name: detached(m.name), value: detached(m.value) });
    for (const e of entries) {
      if (this.firstEntries.has(e.lowerKey)) continue;
      this.firstEntries.set(detached(e.lowerKey), this.firstSpans.length);
      this.firstSpans.push(byteOf.get(e.start)!, byteOf.get(e.end)!);
    }
  }

  /** Where the first entry with this lower-case key is, in bytes (read in chunks). */
  firstEntry(lowerKey: string): { from: number; to: number } | undefined {
    const at = this.firstEntries.get(lowerKey);
    return at === undefined ? undefined : { from: this.firstSpans[at], to: this.firstSpans[at + 1] };
  }

  /** The @string macros defined before byte `at`, as a reader there knows them. */
  macrosBefore(at: number): Map<string, string> {
    const macros = new Map<string, string>();
    for (const m of this.state.macros) if (m.at < at) macros.set(m.name, m.value);
    return macros;
  }

  finish(inheritedKeys: ReadonlySet<string>, parents: ReadonlyMap<string, BibtexParent>): BibtexState {
    for (const key of inheritedKeys) this.state.inheritedKeys.add(detached(key));
    for (const [lower, parent] of detachedParents(parents)) this.state.parents.set(lower, parent);
    return this.state;
  }
}

function updateState(
  state: BibtexState,
  lo: number,
  hi: number,
  from: number,
  text: string,
  spans: { start: number; end: number }[],
  papers: Paper[],
  shift: number,
  lineShift: number,
  removedKeys: Map<string, number>,
  byteLength: (text: string) => number,
): void {
  const toByte = byteOffsets(text, from, byteLength);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const span of spans) {
    starts.push(toByte(span.start));
    ends.push(toByte(span.end));
  }
  const count = hi - lo + 1;
  const keys = papers.map((p) => detached(p.key));
  if (papers.length === count) {
    // One entry edited in place (the usual edit): shift what follows where it is; copying the
    // 100,000-long lists cost 45 ms of each edit.
    for (let k = 0; k < count; k++) {
      const range = papers[k].source.range;
      state.starts[lo + k] = starts[k];
      state.ends[lo + k] = ends[k];
      state.startLines[lo + k] = range.start.line;
      state.startCharacters[lo + k] = range.start.character;
      state.endLines[lo + k] = range.end.line;
      state.endCharacters[lo + k] = range.end.character;
      state.keys[lo + k] = keys[k];
    }
    for (let i = hi + 1; i < state.starts.length; i++) {
      state.starts[i] += shift;
      state.ends[i] += shift;
      state.startLines[i] += lineShift;
      state.endLines[i] += lineShift;
    }
  } else {
    const after = (list: number[], add: number) => list.slice(hi + 1).map((v) => v + add);
    state.starts = [...state.starts.slice(0, lo), ...starts, ...after(state.starts, shift)];
    state.ends = [...state.ends.slice(0, lo), ...ends, ...after(state.ends, shift)];
    state.startLines = [...state.startLines.slice(0, lo), ...papers.map((p) => p.source.range.start.line), ...after(state.startLines, lineShift)];
    state.startCharacters.splice(lo, count, ...papers.map((p) => p.source.range.start.character));
    state.endLines = [...state.endLines.slice(0, lo), ...papers.map((p) => p.source.range.end.line), ...after(state.endLines, lineShift)];
    state.endCharacters.splice(lo, count, ...papers.map((p) => p.source.range.end.character));
    state.keys.splice(lo, count, ...keys);
  }
  for (const [key, n] of removedKeys) {
    const left = (state.keyCount.get(key) ?? 0) - n;
    if (left > 0) state.keyCount.set(key, left);
    else state.keyCount.delete(key);
  }
  for (const key of keys) state.keyCount.set(key, (state.keyCount.get(key) ?? 0) + 1);
  // Nothing else lies in the stretch (checked before): everything at or after it moves.
  state.others = state.others.map((o) => (o.start >= from ? { start: o.start + shift, end: o.end + shift } : o));
  state.macros = state.macros.map((m) => (m.at >= from ? { ...m, at: m.at + shift } : m));
}

/** The last index whose value is < `value` (values sorted), or -1. */
function lastBelow(values: number[], value: number): number {
  return lowerBound(values, (other) => other < value) - 1;
}

/** The UTF-8 length of `text` (a lone surrogate counts 3, as Node's encoder writes U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const zeroRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A read is broken when the reader could not parse part of the file (not for warnings such as duplicates). */
function isBroken(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.code.startsWith('catalog.parse'));
}

function preview(keys: readonly string[]): string {
  return keys.length <= 5 ? keys.join(', ') : `${keys.slice(0, 5).join(', ')}, …`;
}

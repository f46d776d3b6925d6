/**
 * Reliability of the catalog readers on damaged and hostile files: real catalogs (bibliotex
 * excerpts, the demo, the CSL-JSON fixture) mutated the ways files get damaged (truncated, braces
 * and quotes deleted or doubled, random text and bytes, NUL, BOM, CRLF, invalid UTF-8), plus the
 * pathological shapes (10 MB fields, 100,000 nested braces, macro bombs, keyless and duplicate
 * entries). The readers never throw, stay linear, report each problem where it is, and every entry
 * the damage did not touch reads exactly as before, only moved.
 *
 * Short by default (CI); `LITNOTES_LONG_TESTS=1` runs many more cases on bigger inputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { parseCslJson, parseCslYaml } from '../../server/src/catalog/csl';
import type { CatalogFileResult } from '../../server/src/catalog/catalogFile';
import { AbstractBlock, abstractOf, type Paper } from '../../server/src/catalog/paper';
import { PaperColumns, plainPaper } from '../../server/src/catalog/paperColumns';
import { readCatalog } from '../../server/src/catalog/readCatalog';
import type { Problem, Range } from '../../server/src/core/types';
import { batchBytes } from '../../server/src/node/catalogWorker';
import { CatalogFiles, type ChunkedReading } from '../../server/src/node/catalogFiles';
import { bytesInMemory } from '../../server/src/node/fileVersion';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';
import { assertLinear } from './linearTime';

const LONG = process.env.LITNOTES_LONG_TESTS === '1';
/** fast-check runs per property and fixture. */
const RUNS = LONG ? 1500 : 60;
/** Size factor of the pathological inputs. */
const SCALE = LONG ? 4 : 1;

const root = join(import.meta.dirname, '../..');
const reliability = join(root, 'test/fixtures/catalogs/reliability');

interface Fixture {
  name: string;
  uri: string;
  text: string;
}

function fixtureFile(path: string, name = path.slice(path.lastIndexOf('/') + 1)): Fixture {
  return { name, uri: `file:///ws/${name}`, text: readFileSync(path, 'utf8') };
}

const bibtexFixtures: Fixture[] = [
  fixtureFile(join(reliability, 'Cr2O3.bib')),
  fixtureFile(join(reliability, 'ZnO.bib')),
  fixtureFile(join(reliability, 'Bi2Te3.bib')),
  fixtureFile(join(reliability, 'oxygen.bib')),
  fixtureFile(join(reliability, 'macros.bib')),
  fixtureFile(join(root, 'examples/demo/papers.bib')),
];
const cslJson = fixtureFile(join(root, 'test/fixtures/daily-papers.csl.json'), 'daily-papers.json');

// ---- offsets, ranges and the mutation model ---------------------------------------------------

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetOf(starts: readonly number[], position: { line: number; character: number }): number {
  return starts[position.line] + position.character;
}

function span(starts: readonly number[], range: Range): [number, number] {
  return [offsetOf(starts, range.start), offsetOf(starts, range.end)];
}

/** Every range is inside the file: an existing line, a character within it. */
function assertInFile(text: string, problems: readonly Problem[], context: string): void {
  const lines = text.split('\n');
  for (const problem of problems) {
    for (const p of [problem.range.start, problem.range.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length, `${context}: ${problem.code} at ${JSON.stringify(problem.range)} is outside the file`);
    }
  }
}

/** `deleteCount` characters at `at` replaced by `insert`. */
interface Mutation {
  kind: string;
  at: number;
  deleteCount: number;
  insert: string;
}

function applyMutation(text: string, m: Mutation): string {
  return text.slice(0, m.at) + m.insert + text.slice(m.at + m.deleteCount);
}

/** Where an offset of the original text is after the mutation (offsets inside the damage go to its end). */
function mapOffset(offset: number, m: Mutation): number {
  if (offset <= m.at) return offset;
  if (offset >= m.at + m.deleteCount) return offset - m.deleteCount + m.insert.length;
  return m.at + m.insert.length;
}

/** Characters of catalog syntax, and short pieces damaged files are made of. */
const tokens = ['{', '}', '"', '@', ',', '=', '#', '%', '\\', '\n', '\r\n', '\u0000', '\ufeff', '\ud800', '\u{1F600}', '@misc{', '@string{', '@comment{', '}}', '{{', 'title = {', '\t', ' '];
const junk = fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ unit: 'binary', maxLength: 12 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

function offsetsOf(text: string, chars: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) if (chars.includes(text[i])) out.push(i);
  return out;
}

function mutationOf(text: string): fc.Arbitrary<Mutation> {
  const delimiters = offsetsOf(text, '{}"');
  const at = fc.nat({ max: text.length });
  const pick = fc.nat({ max: Math.max(0, delimiters.length - 1) }).map((i) => delimiters[i]);
  return fc.oneof(
    at.map((k): Mutation => ({ kind: 'truncate', at: k, deleteCount: text.length - k, insert: '' })),
    pick.map((k): Mutation => ({ kind: `delete '${text[k]}'`, at: k, deleteCount: 1, insert: '' })),
    pick.map((k): Mutation => ({ kind: `double '${text[k]}'`, at: k, deleteCount: 0, insert: text[k] })),
    fc.tuple(at, junk).map(([k, insert]): Mutation => ({ kind: 'insert', at: k, deleteCount: 0, insert })),
    fc.tuple(at, fc.integer({ min: 1, max: 40 })).map(([k, n]): Mutation => ({ kind: 'delete', at: k, deleteCount: Math.min(n, text.length - k), insert: '' })),
    fc.tuple(at, fc.integer({ min: 1, max: 20 }), junk).map(([k, n, insert]): Mutation => ({ kind: 'replace', at: k, deleteCount: Math.min(n, text.length - k), insert })),
    at.map((k): Mutation => ({ kind: 'NUL', at: k, deleteCount: 0, insert: '\u0000' })),
    at.map((k): Mutation => ({ kind: 'BOM', at: k, deleteCount: 0, insert: '\ufeff' })),
  );
}

/** An entry of the original file: its text, the span of its lines (with the line break before it), and what it needs. */
interface OriginalEntry {
  paper: Paper;
  text: string;
  start: number;
  end: number;
  /** From the line break before the entry's line to the end of its last line. */
  linesStart: number;
  linesEnd: number;
  /** Spans of other parts of the file its fields come from (@string definitions, crossref/xdata parents). */
  needs: [number, number][];
}

function originalEntries(text: string, result: CatalogFileResult): OriginalEntry[] {
  const starts = lineStarts(text);
  // @string definitions, @preamble and @comment lines: the macros every entry may use.
  const macroSpans: [number, number][] = [];
  for (const match of text.matchAll(/^@(?:string|preamble|comment)\b[^\n]*$/gim)) macroSpans.push([match.index, match.index + match[0].length]);
  return result.papers.map((paper) => {
    const [start, end] = span(starts, paper.source.range);
    const entryText = text.slice(start, end);
    const linesStart = Math.max(0, text.lastIndexOf('\n', start - 1));
    const newline = text.indexOf('\n', end);
    const linesEnd = newline < 0 ? text.length : newline + 1;
    // A crossref/xdata child inherits from entries anywhere in the file (@xdata ones are no papers).
    const needs: [number, number][] = /\b(?:crossref|xdata)\s*=/i.test(entryText) ? [[0, text.length]] : [...macroSpans];
    return { paper, text: entryText, start, end, linesStart, linesEnd, needs };
  });
}

function touches(m: Mutation, from: number, to: number): boolean {
  return m.at < to && m.at + Math.max(m.deleteCount, 1) > from;
}

function isTouched(entry: OriginalEntry, m: Mutation): boolean {
  return touches(m, entry.linesStart, entry.linesEnd) || entry.needs.some(([from, to]) => touches(m, from - 1, to + 1));
}

function withoutSource(paper: Paper): Omit<Paper, 'source'> {
  const { source: _source, ...rest } = paper;
  return rest;
}

/**
 * The properties of one damaged read: in-file problem ranges; every untouched entry read exactly as
 * before at its moved place; no problem inside an untouched entry; no touched entry lost without a
 * word (a paper or a problem where it was), unless the damage unmade the entry itself (its `@` or
 * type gone, a `%` or `@comment` now in front of it: text BibTeX ignores).
 */
function checkMutatedRead(fixture: Fixture, original: CatalogFileResult, m: Mutation, read: (text: string, uri: string) => CatalogFileResult): void {
  const mutated = applyMutation(fixture.text, m);
  const context = `${fixture.name}, ${m.kind} at ${m.at} (${m.deleteCount} deleted, ${JSON.stringify(m.insert)} inserted)`;
  const result = read(mutated, fixture.uri);
  assertInFile(mutated, result.problems, context);
  const starts = lineStarts(mutated);
  const readSpans = result.papers.map((p) => ({ paper: p, span: span(starts, p.source.range) }));
  const problemSpans = result.problems.map((p) => ({ problem: p, span: span(starts, p.range) }));

  for (const entry of originalEntries(fixture.text, original)) {
    const movedStart = mapOffset(entry.start, m);
    const movedEnd = mapOffset(entry.end, m);
    if (!isTouched(entry, m)) {
      const again = readSpans.find((r) => r.paper.key === entry.paper.key && r.span[0] === movedStart);
      assert.ok(again, `${context}: untouched entry '${entry.paper.key}' was not read at its moved place`);
      assert.equal(mutated.slice(again.span[0], again.span[1]), entry.text, `${context}: range of '${entry.paper.key}'`);
      assert.deepEqual(withoutSource(again.paper), withoutSource(entry.paper), `${context}: '${entry.paper.key}' reads differently`);
      const [keyFrom, keyTo] = span(starts, again.paper.source.keyRange);
      assert.equal(mutated.slice(keyFrom, keyTo), entry.paper.key, `${context}: key range of '${entry.paper.key}'`);
      for (const { problem, span: [from] } of problemSpans) {
        if (problem.code === 'catalog.duplicate-key') continue; // the damage may have made a second key like it
        assert.ok(!(from > movedStart && from < movedEnd), `${context}: problem '${problem.message}' inside untouched entry '${entry.paper.key}'`);
      }
      continue;
    }
    const from = Math.min(mapOffset(entry.linesStart, m), m.at);
    const to = Math.max(mapOffset(entry.linesEnd, m), m.at + m.insert.length);
    const region = mutated.slice(from, to);
    const unmade = m.at <= entry.start + 1 + entry.paper.type.length && m.at + m.deleteCount > entry.start;
    if (unmade || /%|@\s*comment/i.test(region)) continue;
    const overlaps = ([a, b]: readonly number[]) => a <= to && b >= from;
    const accounted = readSpans.some((r) => overlaps(r.span)) || problemSpans.some((p) => overlaps(p.span));
    assert.ok(accounted, `${context}: entry '${entry.paper.key}' vanished without a problem where it was`);
  }
}

/**
 * A read as the server's main thread holds it: the catalog worker sends big reads in columns
 * (catalog/paperColumns.ts), read back here field by field, the abstract as text.
 */
function readThroughColumns(text: string, uri: string): CatalogFileResult {
  const result = readCatalog(text, uri);
  const { columns, abstracts, abstractEnds } = batchBytes(result.papers);
  const views = new PaperColumns(uri, columns, new AbstractBlock(abstracts, abstractEnds)).papers();
  const papers = views.map((view) => {
    const { storedAbstract: _stored, ...paper } = plainPaper(view);
    const abstract = abstractOf(view);
    return abstract === undefined ? paper : { ...paper, abstract };
  });
  return { ...result, papers };
}

/** fc.assert, with the failed assertion's own message in the report (node's runner drops `cause`). */
function holds<T>(property: fc.IProperty<T>, parameters: fc.Parameters<T>): void {
  const details = fc.check(property, parameters);
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  assert.fail(`${error}\nCounterexample: ${fc.stringify(details.counterexample)} (seed ${details.seed}, path ${details.counterexamplePath})`);
}

// ---- the tests --------------------------------------------------------------------------------

describe('catalog readers on damaged files (property-based)', () => {
  for (const fixture of bibtexFixtures) {
    test(`${fixture.name}: untouched entries read as before, problems where the damage is`, { timeout: 120_000 }, () => {
      const original = readCatalog(fixture.text, fixture.uri);
      assert.deepEqual(original.problems, [], `${fixture.name} reads cleanly`);
      assert.ok(original.papers.length >= 4);
      holds(fc.property(mutationOf(fixture.text), (m) => checkMutatedRead(fixture, original, m, readCatalog)), { numRuns: RUNS, seed: LONG ? undefined : 20251125 });
    });
  }

  test('the demo catalog decoded from damaged bytes (invalid UTF-8, NUL, random bytes) as the server decodes it and holds it (in columns)', { timeout: 120_000 }, () => {
    const fixture = bibtexFixtures.find((f) => f.name === 'papers.bib')!;
    const bytes = Buffer.from(fixture.text, 'utf8');
    const original = readCatalog(fixture.text, fixture.uri);
    const decoder = new TextDecoder('utf-8');
    const byteMutation = fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat({ max: 8 }));
    holds(
      fc.property(byteMutation, ([at, inserted, deleted]) => {
        const damaged = Buffer.concat([bytes.subarray(0, at), Buffer.from(inserted), bytes.subarray(Math.min(bytes.length, at + deleted))]);
        const text = decoder.decode(damaged);
        // The damage in characters: the decoded text differs from the original only between the
        // common prefix and the common suffix.
        let prefix = 0;
        while (prefix < text.length && prefix < fixture.text.length && text[prefix] === fixture.text[prefix]) prefix++;
        let suffix = 0;
        while (suffix < text.length - prefix && suffix < fixture.text.length - prefix && text[text.length - 1 - suffix] === fixture.text[fixture.text.length - 1 - suffix]) suffix++;
        const m: Mutation = { kind: 'bytes', at: prefix, deleteCount: fixture.text.length - prefix - suffix, insert: text.slice(prefix, text.length - suffix) };
        checkMutatedRead(fixture, original, m, readThroughColumns);
      }),
      { numRuns: RUNS * 2, seed: LONG ? undefined : 7 },
    );
  });

  test('CSL-JSON: damage is reported on the damaged line or after it, untouched items read as before when the JSON still parses', { timeout: 120_000 }, () => {
    const original = readCatalog(cslJson.text, cslJson.uri);
    assert.equal(original.papers.length, 64);
    holds(
      fc.property(mutationOf(cslJson.text), (m) => {
        const mutated = applyMutation(cslJson.text, m);
        const result = readCatalog(mutated, cslJson.uri);
        const context = `${m.kind} at ${m.at}: ${JSON.stringify(m.insert)}`;
        assertInFile(mutated, result.problems, context);
        const starts = lineStarts(mutated);
        const syntax = result.problems.find((p) => p.message.includes('not valid JSON'));
        if (syntax) {
          // A prefix of valid JSON is a valid prefix: the error is on the damaged line or after it (a
          // string cut open is reported at its opening quote, which JSON keeps on one line).
          const damagedLine = mutated.lastIndexOf('\n', Math.min(m.at, mutated.length) - 1) + 1;
          assert.ok(offsetOf(starts, syntax.range.start) >= damagedLine, `${context}: syntax error reported at ${JSON.stringify(syntax.range)}, before the damaged line`);
          assert.equal(result.papers.length, 0);
          return;
        }
        const oldStarts = lineStarts(cslJson.text);
        for (const paper of original.papers) {
          const [start, end] = span(oldStarts, paper.source.range);
          if (touches(m, start - 1, end + 1)) continue;
          const again = result.papers.find((p) => p.key === paper.key && offsetOf(starts, p.source.range.start) === mapOffset(start, m));
          assert.ok(again, `${context}: untouched item '${paper.key}' not read at its moved place`);
          assert.deepEqual(withoutSource(again), withoutSource(paper));
        }
      }),
      { numRuns: RUNS * 2, seed: LONG ? undefined : 11 },
    );
  });

  test('CSL-YAML: any damage reads without throwing, with problems inside the file', { timeout: 120_000 }, () => {
    const yaml = fixtureFile(join(root, 'test/fixtures/catalogs/references.yaml'));
    holds(
      fc.property(mutationOf(yaml.text), (m) => {
        const mutated = applyMutation(yaml.text, m);
        const result = parseCslYaml(mutated, yaml.uri);
        assertInFile(mutated, result.problems, `${m.kind} at ${m.at}`);
        for (const paper of result.papers) assert.equal(typeof paper.key, 'string');
      }),
      { numRuns: RUNS * 2, seed: LONG ? undefined : 13 },
    );
  });

  test('whatever the damage, the workspace keeps every untouched paper (the last good version fills in what a broken read lost)', { timeout: 120_000 }, () => {
    for (const fixture of [bibtexFixtures[0], bibtexFixtures[4], cslJson]) {
      const original = readCatalog(fixture.text, fixture.uri);
      const entries = original.papers.map((paper) => {
        const [start, end] = span(lineStarts(fixture.text), paper.source.range);
        return { paper, start, end };
      });
      holds(
        fc.property(mutationOf(fixture.text), (m) => {
          const model = new WorkspaceModel();
          model.setCatalog(fixture.uri, fixture.text);
          model.setCatalog(fixture.uri, applyMutation(fixture.text, m));
          // Truncation is what a half-written export looks like; a crossref child depends on its parent.
          const dependsOnDamage = fixture.name === 'macros.bib' && !m.kind.startsWith('truncate');
          for (const { paper, start, end } of entries) {
            if (touches(m, start - 2, end + 2) || (dependsOnDamage && m.at < end)) continue;
            const now = model.paper(paper.key);
            assert.ok(now, `${fixture.name}, ${m.kind} at ${m.at}: '${paper.key}' is gone from the workspace`);
            assert.deepEqual(withoutSource(now), withoutSource(paper));
          }
        }),
        { numRuns: RUNS, seed: LONG ? undefined : 17 },
      );
    }
  });
});

/** `text` read whole and in chunks of about `chunkBytes`, as the catalog worker reads a big file (node/catalogFiles.ts). */
function readBothWays(text: string, uri: string, chunkBytes: number): { whole: CatalogFileResult; chunked: ChunkedReading | undefined; papers: Paper[]; deferred: number } {
  const whole = new CatalogFiles().read(uri, Buffer.from(text, 'utf8'));
  assert.equal(whole.kind, 'full');
  const papers: Paper[] = [];
  let deferred = 0;
  const chunked = new CatalogFiles().readInChunks(
    uri,
    bytesInMemory(Buffer.from(text, 'utf8')),
    (chunk, waiting) => {
      papers.push(...chunk);
      deferred += waiting.length;
    },
    (index, paper) => (papers[index] = paper),
    chunkBytes,
  );
  return { whole: whole.kind === 'full' ? whole.result : { uri, papers: [], problems: [] }, chunked, papers, deferred };
}

function assertSameRead({ whole, chunked, papers }: ReturnType<typeof readBothWays>, context: string): void {
  assert.ok(chunked, `${context}: read in chunks`);
  assert.equal(papers.length, whole.papers.length, `${context}: as many papers`);
  assert.equal(chunked.papers, whole.papers.length, context);
  for (let i = 0; i < papers.length; i++) assert.deepEqual(papers[i], whole.papers[i], `${context}: paper ${i} (${whole.papers[i].key}), its fields and positions`);
  assert.deepEqual(chunked.problems, whole.problems, `${context}: the same problems in the same order`);
}

describe('a big catalog read in chunks reads as the file read whole', () => {
  for (const fixture of bibtexFixtures) {
    test(`${fixture.name}: cut anywhere, damaged anywhere: the same papers at the same places and the same problems, or read whole (property-based)`, { timeout: 120_000 }, () => {
      let chunkedRuns = 0;
      holds(
        fc.property(mutationOf(fixture.text), fc.integer({ min: 1, max: 3000 }), (m, chunkBytes) => {
          const read = readBothWays(applyMutation(fixture.text, m), fixture.uri, chunkBytes);
          // Read whole instead only for what a chunk cannot tell (an @comment or @preamble open at a cut, ...).
          if (!read.chunked) return;
          chunkedRuns++;
          assertSameRead(read, `${m.kind} at ${m.at}, chunks of ${chunkBytes} bytes`);
        }),
        { numRuns: RUNS, seed: LONG ? undefined : 20251207 },
      );
      assert.ok(chunkedRuns > RUNS / 2, `most damaged files still read in chunks (${chunkedRuns} of ${RUNS})`);
    });
  }

  test('inheritance across chunks: parents before and after their children, chains, @xdata, a crossref to nothing; duplicates and macros from other chunks', () => {
    const uri = 'file:///ws/inherit.bib';
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `@misc{fill${n}x${i},\n  title = {Filler ${i} with {\\'e}t{\\'e} text},\n  note = jour,\n}\n`).join('\n');
    const text = [
      '@string{jour = {Journal of Tests}}',
      '@proceedings{procEarly, title = {Early Proceedings}, publisher = {Early Press}, year = 2001}',
      filler(6),
      '@inproceedings{childOfEarly, author = {Doe, Jane}, title = {Uses an early parent}, crossref = {PROCEARLY}}',
      '@inproceedings{childOfLate, author = {Roe, Rick}, title = {Uses a late parent}, crossref = {procLate}}',
      '@inproceedings{childOfChain, title = {Through a chain}, crossref = {middle}}',
      '@inproceedings{childOfNothing, title = {Crossref to nothing}, crossref = {nowhere}, journal = jour}',
      '@article{withXdata, title = {Inherits xdata}, xdata = {common}}',
      filler(5),
      '@string{late = {Defined late}}',
      '@article{fill6x0, title = {A duplicate key of an earlier chunk}, note = late}',
      '@incollection{middle, title = {Middle}, crossref = {procLate}, editor = {Ed, Itor}}',
      '@xdata{common, publisher = {Common Publisher}, location = {Berlin}}',
      filler(4),
      '@proceedings{procLate, title = {Late Proceedings}, publisher = {Late Press}, year = 2024, note = late}',
      '@misc{theEnd, title = {The end}, note = undefinedMacro}',
    ].join('\n\n');
    const reference = readBothWays(text, uri, 10 ** 9);
    assert.equal(reference.whole.papers.find((p) => p.key === 'childOfLate')?.publisher, 'Late Press', 'the fixture inherits as meant');
    assert.equal(reference.whole.papers.find((p) => p.key === 'childOfChain')?.publisher, 'Late Press');
    assert.deepEqual(reference.whole.problems.map((p) => p.code), ['catalog.undefined-macro', 'catalog.duplicate-key']);
    let deferredSomewhere = false;
    for (let chunkBytes = 1; chunkBytes < text.length; chunkBytes += 37) {
      const read = readBothWays(text, uri, chunkBytes);
      assertSameRead(read, `chunks of ${chunkBytes} bytes`);
      deferredSomewhere ||= read.deferred > 0;
    }
    assert.ok(deferredSomewhere, 'children waited for parents later in the file');
  });

  test('an @comment holding entries across a cut, or one never closed, reads the file whole', () => {
    const uri = 'file:///ws/comment.bib';
    const entries = Array.from({ length: 20 }, (_, i) => `@misc{e${i}, title = {Entry ${i}}}`).join('\n');
    for (const comment of [`@comment{\n${entries}\n}`, `@comment{ never closed\n${entries}`]) {
      const text = `@misc{first, title = {First}}\n${comment}\n@misc{last, title = {Last}}\n`;
      const read = readBothWays(text, uri, 40);
      assert.equal(read.chunked, undefined, comment.slice(0, 30));
      assert.ok(readBothWays(text, uri, 10 ** 6).chunked, 'in one chunk it reads');
    }
  });

  test('after a read in chunks, an edited entry is read alone as after a whole read', () => {
    const fixture = bibtexFixtures.find((f) => f.name === 'Cr2O3.bib')!;
    const third = readCatalog(fixture.text, fixture.uri).papers[2];
    const edited = fixture.text.replace(`${third.key},`, `${third.key}, note = {edited},`);
    assert.notEqual(edited, fixture.text);
    const whole = new CatalogFiles();
    whole.read(fixture.uri, Buffer.from(fixture.text));
    const chunked = new CatalogFiles();
    assert.ok(chunked.readInChunks(fixture.uri, bytesInMemory(Buffer.from(fixture.text)), () => undefined, () => undefined, 200));
    const expected = whole.read(fixture.uri, Buffer.from(edited));
    assert.equal(expected.kind, 'delta');
    assert.deepEqual(chunked.read(fixture.uri, Buffer.from(edited)), expected);
  });
});

describe('catalog readers on whole-file transformations', () => {
  for (const fixture of [...bibtexFixtures, cslJson]) {
    test(`${fixture.name}: a byte order mark and CRLF line ends read the same papers at the same places`, () => {
      const original = readCatalog(fixture.text, fixture.uri);
      const withBom = readCatalog('\ufeff' + fixture.text, fixture.uri);
      assert.deepEqual(withBom, original);
      const crlf = readCatalog(fixture.text.replace(/\n/g, '\r\n'), fixture.uri);
      assert.deepEqual(crlf.problems, original.problems);
      assert.deepEqual(crlf.papers.map(withoutSource), original.papers.map(withoutSource));
      // Same lines; an entry that ends at a line end now ends before its `\r`, so compare the starts.
      assert.deepEqual(crlf.papers.map((p) => [p.source.range.start, p.source.keyRange]), original.papers.map((p) => [p.source.range.start, p.source.keyRange]));
    });
  }
});

describe('pathological catalogs', () => {
  const uri = 'file:///ws/refs.bib';
  const neighbours = '@misc{before, title = {Before}}\n';
  const after = '\n@misc{after, title = {After}}\n';

  function keys(result: CatalogFileResult): string[] {
    return result.papers.map((p) => p.key);
  }

  test(`a ${10 * SCALE} MB abstract reads whole, its neighbours too`, { timeout: 120_000 }, () => {
    const sentence = 'The {Gaussian} process of \\citet{x} with $\\alpha$-stable noise. ';
    const abstract = sentence.repeat(Math.ceil((10 * SCALE * 1024 * 1024) / sentence.length));
    assert.ok(abstract.length >= 10 * SCALE * 1024 * 1024);
    const result = parseBibtex(`${neighbours}@misc{huge, title = {Huge}, abstract = {${abstract}}}${after}`, uri);
    assert.deepEqual(keys(result), ['before', 'huge', 'after']);
    assert.deepEqual(result.problems, []);
    // Decoded: braces dropped, \citet{x} → x, $\alpha$ → α, white space collapsed.
    assert.equal(result.papers[1].abstract, 'The Gaussian process of x with α-stable noise. '.repeat(abstract.length / sentence.length).trimEnd());
  });

  test('100,000 nested braces: balanced they read, unbalanced they are one problem on that entry', { timeout: 60_000 }, () => {
    const depth = 100_000 * SCALE;
    const balanced = parseBibtex(`${neighbours}@misc{deep, title = {${'{'.repeat(depth)}Deep${'}'.repeat(depth)}}}${after}`, uri);
    assert.deepEqual(keys(balanced), ['before', 'deep', 'after']);
    assert.equal(balanced.papers[1].title, 'Deep');
    assert.deepEqual(balanced.problems, []);

    const unbalanced = parseBibtex(`${neighbours}@misc{deep, title = {${'{'.repeat(depth)}Deep}}${after}`, uri);
    assert.deepEqual(keys(unbalanced), ['before', 'after']);
    assert.deepEqual(
      unbalanced.problems.map((p) => [p.code, p.range.start.line, p.range.start.character]),
      [['catalog.parse-error', 1, 20]],
      'reported at the unclosed value of the damaged entry',
    );
  });

  test('entries without keys are problems at their place; the others read', () => {
    const result = parseBibtex(`${neighbours}@misc{, title = {No key}}\n@article{title = {Field instead of a key}}\n@misc{}${after}`, uri);
    assert.deepEqual(keys(result), ['before', 'after']);
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.range.start.line]),
      [
        ['catalog.missing-key', 1],
        ['catalog.missing-key', 2],
        ['catalog.missing-key', 3],
      ],
    );
  });

  test('a thousand duplicates of one key: each reported at its own key, pointing at the first', () => {
    const count = 1000 * SCALE;
    const text = Array.from({ length: count }, (_, i) => `@misc{same, title = {Copy ${i}}}`).join('\n');
    const result = parseBibtex(text, uri);
    assert.equal(result.papers.length, count, 'every definition is kept (the first is the one features show)');
    assert.equal(result.problems.length, count - 1);
    assert.ok(result.problems.every((p, i) => p.code === 'catalog.duplicate-key' && p.range.start.line === i + 1 && p.related?.[0].location.range.start.line === 0));
  });

  test('thousands of @string macros referring to each other: chains expand, cycles and forward references are undefined, nothing hangs', { timeout: 60_000 }, () => {
    const count = 5000 * SCALE;
    let text = '@string{m0 = {x}}\n';
    for (let i = 1; i < count; i++) text += `@string{m${i} = m${i - 1} # {.}}\n`;
    // A cycle: each refers to the other, which is not defined yet when it is read.
    text += '@string{ping = pong}\n@string{pong = ping}\n';
    text += `@misc{chain, title = m${count - 1}}\n@misc{cycle, title = ping # { } # pong}\n`;
    const result = parseBibtex(text, uri);
    assert.deepEqual(keys(result), ['chain', 'cycle']);
    assert.equal(result.papers[0].title, 'x' + '.'.repeat(count - 1));
    // `ping` is read first, when `pong` is not defined: it is the text "pong", and so is `pong`.
    assert.equal(result.papers[1].title, 'pong pong');
    assert.deepEqual(result.problems.map((p) => [p.code, p.range.start.line]), [['catalog.undefined-macro', count]]);
  });

  test('macros that double each other (a "billion laughs") stop at a bound with a problem at the place; other entries read', { timeout: 60_000 }, () => {
    let text = '@string{m0 = {ha}}\n';
    for (let i = 1; i <= 40; i++) text += `@string{m${i} = m${i - 1} # m${i - 1}}\n`;
    text += `@misc{laughs, title = m40}\n@misc{calm, title = {Calm}}\n`;
    const result = parseBibtex(text, uri);
    assert.deepEqual(keys(result), ['laughs', 'calm']);
    assert.equal(result.papers[1].title, 'Calm');
    const total = result.papers.reduce((sum, p) => sum + (p.title?.length ?? 0), 0);
    assert.ok(total < 100 * 1024 * 1024, `titles hold ${total} characters`);
    const bound = result.problems.filter((p) => p.code === 'catalog.macro-expansion');
    assert.equal(bound.length >= 1, true, JSON.stringify(result.problems.slice(0, 3)));
    // m20 = m19 # m19 would hold 2^21 characters, past the limit for a file this small (16 times its
    // length plus 2^20): reported at its second m19.
    assert.deepEqual(bound[0].range, { start: { line: 20, character: 20 }, end: { line: 20, character: 23 } }, 'at the @string that would grow too large');
    assert.ok(bound[0].message.includes("@string 'm"), bound[0].message);
  });

  test('NUL characters and lone surrogates in keys and values do not stop the reader', () => {
    const result = parseBibtex(`${neighbours}@misc{nul\u0000key, title = {A}}\n@misc{lone\ud800, title = {B}}\n@misc{value, title = {A\u0000B \ud800 C}}${after}`, uri);
    assert.deepEqual(keys(result), ['before', 'value', 'after']);
    assert.equal(result.papers[1].title, 'A\u0000B \ud800 C');
    // Pandoc cannot cite those keys: each is a problem at its entry, named so it can be found.
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.range.start.line, /holds (U\+0000|U\+D800),/.exec(p.message)?.[1]]),
      [
        ['catalog.uncitable-key', 1, 'U+0000'],
        ['catalog.uncitable-key', 2, 'U+D800'],
      ],
    );
  });

  test('CSL-JSON and CSL-YAML: 100,000 nested lists and a 10 MB string do not throw', { timeout: 60_000 }, () => {
    const depth = 100_000 * SCALE;
    const deepJson = parseCslJson('['.repeat(depth) + ']'.repeat(depth), 'file:///ws/a.json');
    assert.deepEqual(deepJson.papers, []);
    const brokenJson = parseCslJson('['.repeat(depth), 'file:///ws/a.json');
    assert.deepEqual(brokenJson.problems.map((p) => [p.code, p.range.start]), [['catalog.parse-error', { line: 0, character: depth }]]);
    const big = 'x'.repeat(10 * SCALE * 1024 * 1024);
    const bigJson = parseCslJson(JSON.stringify([{ id: 'big', title: 'Big', abstract: big }]), 'file:///ws/a.json');
    assert.equal(bigJson.papers[0].abstract?.length, big.length);
    const deepYaml = parseCslYaml('['.repeat(depth) + ']'.repeat(depth), 'file:///ws/a.yaml');
    assert.deepEqual(deepYaml.papers, []);
    assert.ok(deepYaml.problems.length >= 1);
    assertInFile('['.repeat(depth) + ']'.repeat(depth), deepYaml.problems, 'deep YAML');
  });

  test('the CSL readers never throw on random text', { timeout: 60_000 }, () => {
    holds(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const result of [parseCslJson(text, 'file:///ws/a.json'), parseCslYaml(text, 'file:///ws/a.yaml'), parseBibtex(text, uri)]) {
          assertInFile(text, result.problems, JSON.stringify(text));
        }
      }),
      { numRuns: RUNS * 10, seed: LONG ? undefined : 19 },
    );
  });
});

describe('catalog readers take linear time', () => {
  const bib = (text: string) => parseBibtex(text, 'file:///ws/refs.bib');
  const json = (text: string) => parseCslJson(text, 'file:///ws/a.json');
  // [name, input of size n, reader, n]: n is sized so 4n takes tens of milliseconds.
  const cases: [string, (n: number) => string, (text: string) => unknown, number][] = [
    ['well-formed entries', (k) => Array.from({ length: k }, (_, i) => `@article{k${i}, author = {Doe, Jane and Roe, R.}, title = {On {$\\alpha$} \\"{o}}, year = 2020}\n`).join(''), bib, 2000],
    ['one long LaTeX value', (k) => `@misc{k, abstract = {${'The {Gauss} \\emph{x} $y$ \\"{o} -- '.repeat(k)}}}`, bib, 10_000],
    ['nested braces', (k) => `@misc{k, title = {${'{'.repeat(k)}x${'}'.repeat(k)}}}`, bib, 50_000],
    ['unclosed braces', (k) => `@misc{k, title = {${'{'.repeat(k)}`, bib, 50_000],
    ['unclosed entries, one per line', (k) => '@misc{k, title = {\n'.repeat(k), bib, 2000],
    ['lone @ signs', (k) => '@'.repeat(k) + '\n@x\n'.repeat(k), bib, 2000],
    ['long author lists', (k) => `@misc{k, author = {${'Doe, Jane and '.repeat(k)}X}}`, bib, 5000],
    ['macro chains', (k) => Array.from({ length: k }, (_, i) => `@string{s${i} = s${Math.max(0, i - 1)} # {x}}\n`).join(''), bib, 2000],
    ['duplicate keys', (k) => '@misc{same, title = {T}}\n'.repeat(k), bib, 8000],
    ['CSL-JSON items', (k) => JSON.stringify(Array.from({ length: k }, (_, i) => ({ id: `k${i}`, title: 'T', author: [{ family: 'Doe' }] }))), json, 2000],
    ['broken CSL-JSON', (k) => '[' + '{"id": "a", "title": "T"},'.repeat(k) + '{', json, 5000],
    ['CSL-YAML items', (k) => Array.from({ length: k }, (_, i) => `- id: k${i}\n  title: T\n`).join(''), (t) => parseCslYaml(t, 'file:///ws/a.yaml'), 500],
  ];
  for (const [name, make, run, n] of cases) {
    test(name, { timeout: 120_000 }, () => assertLinear(name, make, run, n * SCALE));
  }
});

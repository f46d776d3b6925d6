/**
 * When diagnostics reach the client (features/diagnosticsSchedule.ts), on a clock the test drives:
 * what is published after an edit, a catalog change, the end of indexing, and what is held back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiagnosticsSchedule, NOTE_DIAGNOSTICS_DELAY_MS } from '../../server/src/features/diagnosticsSchedule';
import type { Diagnostic } from '../../server/src/service/protocolTypes';
import { parseSettings } from '../../server/src/service/settings';
import { FakeTimers } from './fakeTimers';
import { fixture, pathOf, uriOf } from './fixture';

const workspace = `%! refs.bib
@misc{MoA, title = {MoA: Mixture of Sparse Attention}}
@misc{SeerAttention, title = {SeerAttention}}
%! open.md
[@MoA] and [@nope]
%! cites-moa.md
[@MoA]
%! cites-seer.md
[@SeerAttention]
`;

function setup(options: { indexing?: boolean; zoteroLoading?: boolean } = {}) {
  const f = fixture(workspace);
  const clock = new FakeTimers();
  const sent: string[] = [];
  const state = { indexing: options.indexing ?? false, zoteroLoading: options.zoteroLoading ?? false };
  const show = (uri: string, diagnostics: Diagnostic[]) =>
    `${pathOf(uri)}: ${diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.character} ${d.message.split(':')[0]}`).join('; ') || '(none)'}`;
  const schedule = new DiagnosticsSchedule(
    f.model,
    {
      send: (uri, diagnostics) => sent.push(show(uri, diagnostics)),
      settings: () => parseSettings({}),
      indexing: () => state.indexing,
      zoteroLoading: () => state.zoteroLoading,
      openUris: () => [uriOf('open.md')],
      error: (message) => assert.fail(message),
    },
    clock,
  );
  return { f, clock, sent, state, schedule };
}

describe('diagnostics schedule', () => {
  test("an edited note: its unknown keys once typing pauses, and one empty list when they're fixed", async () => {
    const { f, clock, sent, schedule } = setup();
    const uri = uriOf('open.md');
    f.model.setNote(uri, '[@MoA] and [@nop]');
    schedule.noteChanged(uri, true);
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS / 2);
    f.model.setNote(uri, '[@MoA] and [@nope]');
    schedule.noteChanged(uri, true);
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS - 1);
    assert.deepEqual(sent, [], 'not while typing');
    await clock.advance(1);
    assert.deepEqual(sent, ["open.md: 0:13-17 Unknown citation key 'nope'"]);
    f.model.setNote(uri, '[@MoA]');
    schedule.noteChanged(uri, true);
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS);
    f.model.setNote(uri, '[@MoA] still fine');
    schedule.noteChanged(uri, true);
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS);
    assert.deepEqual(sent, ["open.md: 0:13-17 Unknown citation key 'nope'", 'open.md: (none)']);
  });

  test('a key removed from the catalog: the closed notes citing it, not the others', async () => {
    const { f, clock, sent, schedule } = setup();
    const catalog = uriOf('refs.bib');
    const before = f.model.keys();
    f.model.setCatalog(catalog, '@misc{SeerAttention, title = {SeerAttention}}\n');
    const after = new Set(f.model.keys());
    schedule.catalogChanged(catalog, () => before.filter((k) => !after.has(k)));
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS);
    assert.deepEqual(sent.sort(), ["cites-moa.md: 0:2-5 Unknown citation key 'MoA'", "open.md: 0:2-5 Unknown citation key 'MoA'; 0:13-17 Unknown citation key 'nope'"]);
  });

  test('while indexing: open notes only, then every file once indexing is done', async () => {
    const { f, clock, sent, state, schedule } = setup({ indexing: true });
    f.model.setNote(uriOf('cites-seer.md'), '[@Seer]');
    schedule.noteChanged(uriOf('cites-seer.md'), false);
    f.model.setNote(uriOf('open.md'), '[@nope]');
    schedule.noteChanged(uriOf('open.md'), true);
    schedule.catalogChanged(uriOf('refs.bib'), () => assert.fail('no keys compared while indexing'));
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS);
    assert.deepEqual(sent, ["open.md: 0:2-6 Unknown citation key 'nope'"]);
    state.indexing = false;
    await schedule.indexingDone();
    assert.deepEqual(sent.slice(1), ["cites-seer.md: 0:2-6 Unknown citation key 'Seer'", "open.md: 0:2-6 Unknown citation key 'nope'"]);
  });

  test('while the Zotero library comes in, no unknown key is reported', async () => {
    const { f, clock, sent, state, schedule } = setup({ zoteroLoading: true });
    schedule.noteChanged(uriOf('open.md'), true);
    await clock.advance(NOTE_DIAGNOSTICS_DELAY_MS);
    assert.deepEqual(sent, []);
    state.zoteroLoading = false;
    await schedule.republishAll();
    assert.deepEqual(sent, ["open.md: 0:13-17 Unknown citation key 'nope'"]);
    assert.ok(f.model.note(uriOf('open.md')));
  });

  test("a catalog's duplicate keys at once, and cleared when fixed", async () => {
    const { f, sent, schedule } = setup();
    const other = uriOf('other.bib');
    f.model.setCatalog(other, '@misc{MoA, title = {Again}}\n');
    schedule.catalogChanged(other, () => []);
    f.model.setCatalog(other, '@misc{Other, title = {Other}}\n');
    schedule.catalogChanged(other, () => []);
    assert.deepEqual(sent, ["other.bib: 0:6-9 Duplicate citation key 'MoA'", 'other.bib: (none)']);
  });

  test('while indexing, a catalog read shows its own problems at once and its duplicate keys at the end', async () => {
    const { f, sent, state, schedule } = setup({ indexing: true });
    const other = uriOf('other.bib');
    f.model.setCatalog(other, '@misc{MoA, title = {Again}}\n@misc{broken, title = {Unclosed\n');
    schedule.catalogChanged(other, () => []);
    assert.deepEqual(sent, ["other.bib: 1:22-0 Entry 'broken' is not closed"]);
    sent.length = 0;
    state.indexing = false;
    await schedule.indexingDone();
    assert.ok(sent.includes("other.bib: 1:22-0 Entry 'broken' is not closed; 0:6-9 Duplicate citation key 'MoA'"), sent.join('\n'));
  });
});

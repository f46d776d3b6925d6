/**
 * The catalog pipeline's shape, traced in the running code by scripts/trace-catalog-change.mjs (a
 * workspace of one .bib file, the real feeder, worker core, intake, model and index): a disk edit and
 * an editor edit of one entry go one way. The feeder hands the reading to the intake and the update
 * to the model; the intake calls no other pipeline file (never the model), the model only its
 * provisional papers and the index, and nothing calls back into an earlier stage.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';

interface EditTrace {
  back: string[];
  calls: string[];
}

const root = join(__dirname, '..', '..');
const output = execFileSync(process.execPath, [join(root, 'scripts', 'trace-catalog-change.mjs'), '--json'], { cwd: root, encoding: 'utf8' });
const traces = JSON.parse(output.trim().split('\n').pop()!) as { disk: EditTrace; editor: EditTrace };

describe('a catalog change goes one way', () => {
  for (const [name, trace] of Object.entries(traces)) {
    test(`${name} edit: feeder → reading → intake → model → index, nothing calls back`, () => {
      assert.deepEqual(trace.back, []);
      const from = (file: string) => trace.calls.filter((call) => call.startsWith(`${file} →`)).sort();
      assert.deepEqual(from('service/catalogIntake.ts'), []);
      assert.deepEqual(from('service/workspaceModel.ts'), ['service/workspaceModel.ts → search/paperIndex.ts', 'service/workspaceModel.ts → service/provisionalPapers.ts']);
      for (const call of ['node/workspaceFeeder.ts → node/catalogReader.ts', 'node/workspaceFeeder.ts → service/catalogIntake.ts', 'node/workspaceFeeder.ts → service/workspaceModel.ts']) {
        assert.ok(trace.calls.includes(call), `${call} in ${trace.calls.join('; ')}`);
      }
      assert.ok(!trace.calls.some((call) => call.includes('catalogStore')), 'the last-good rule is the intake\'s');
    });
  }
});

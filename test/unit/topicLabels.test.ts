import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { abstractOf } from '../../server/src/catalog/paper';
import { sample, sharedData } from '../bench/topicLabels/sample';

/** The hand labels the topic benchmark scores against (test/bench/topicLabels/README.md). */
interface LabelFile {
  about: string;
  labels: string[];
  papers: { file: string; key: string; label: string }[];
}

const root = join(__dirname, '..', '..');
const read = (name: string): LabelFile => JSON.parse(readFileSync(join(root, 'test', 'bench', 'topicLabels', name), 'utf8')) as LabelFile;

function checkShape(labels: LabelFile): void {
  assert.ok(labels.about.length > 0);
  assert.equal(new Set(labels.labels).size, labels.labels.length, 'a label is listed twice');
  const ids = labels.papers.map((p) => `${p.file} ${p.key}`);
  assert.equal(new Set(ids).size, ids.length, 'a paper is labelled twice');
  const unknown = labels.papers.filter((p) => !labels.labels.includes(p.label));
  assert.deepEqual(unknown, [], 'papers with a label that is not in the label list');
  const unused = labels.labels.filter((l) => !labels.papers.some((p) => p.label === l));
  assert.deepEqual(unused, [], 'labels no paper has');
}

describe('Hand labels for the topic benchmark', () => {
  test('ml-conferences: at least 320 papers, one listed label each', () => {
    const labels = read('ml-conferences.json');
    assert.ok(labels.papers.length >= 320, `${labels.papers.length} papers`);
    checkShape(labels);
  });

  const data = sharedData();
  test('ml-conferences: every key is written exactly once in its file, with an abstract', { skip: !data && 'shared data not present' }, () => {
    const labels = read('ml-conferences.json');
    const byFile = new Map<string, string[]>();
    for (const p of labels.papers) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p.key]);
    for (const [file, keys] of byFile) {
      const { papers } = parseBibtex(readFileSync(join(data!, 'ml-conferences', file), 'utf8'), `file:///${file}`);
      for (const key of keys) {
        const found = papers.filter((p) => p.key === key);
        assert.equal(found.length, 1, `${file}: '${key}' found ${found.length} times`);
        assert.ok((abstractOf(found[0]) ?? '').length >= 200, `${file}: '${key}' has no abstract`);
      }
    }
  });

  test('ml-conferences: the labelled papers are the seeded sample, in its order', { skip: !data && 'shared data not present' }, () => {
    const labels = read('ml-conferences.json');
    const picked = sample(join(data!, 'ml-conferences'));
    assert.deepEqual(
      labels.papers.map((p) => `${p.file} ${p.key}`),
      picked.map((p) => `${p.file} ${p.key}`),
    );
  });

  test('demo: the 64 keys of examples/demo/papers.bib and of the CSL-JSON fixture, one label each', () => {
    const labels = read('daily-papers.json');
    checkShape(labels);
    const bib = parseBibtex(readFileSync(join(root, 'examples', 'demo', 'papers.bib'), 'utf8'), 'file:///papers.bib').papers.map((p) => p.key);
    const csl = (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'daily-papers.csl.json'), 'utf8')) as { id: string }[]).map((p) => p.id);
    assert.equal(bib.length, 64);
    assert.deepEqual(csl, bib);
    assert.deepEqual(labels.papers.map((p) => p.key), bib);
    assert.ok(labels.papers.every((p) => p.file === 'examples/demo/papers.bib'));
  });
});

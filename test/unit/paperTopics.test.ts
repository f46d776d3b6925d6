import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TopicIndex } from '../../server/src/search/topicIndex';
import { WorkspaceModel } from '../../server/src/service/workspaceModel';

const catalog = '@misc{a, title = {Alpha}}\n@misc{b, title = {Beta}}\n@misc{c, title = {Gamma}}\n';
const uri = 'file:///ws/refs.bib';

describe('what the topic model has still to see (model.topics)', () => {
  test('a first read hands over every key; an edit only the edited entry; moved entries and other fields nothing new', () => {
    const model = new WorkspaceModel();
    model.setCatalog(uri, catalog);
    assert.equal(model.topics.computing, true);
    assert.deepEqual(model.topics.takeChanges().sort(), ['a', 'b', 'c']);
    model.topics.computed(undefined);
    assert.equal(model.topics.computing, false);

    model.setCatalog(uri, '% a comment moves every entry\n' + catalog.replace('{Beta}', '{Beta Two}'));
    assert.deepEqual(model.topics.takeChanges(), ['b']);
    model.topics.computed(undefined);

    model.removeCatalog(uri);
    assert.deepEqual(model.topics.takeChanges().sort(), ['a', 'b', 'c']);
  });

  test('computing from the hand-over until its answer; a result is shown and bumps the version', () => {
    const model = new WorkspaceModel();
    model.setCatalog(uri, catalog);
    model.topics.takeChanges();
    assert.equal(model.topics.computing, true, 'handed over, not answered');
    const version = model.topics.version;
    model.topics.computed(TopicIndex.fromResult({ topics: [{ id: 't', label: 'T', terms: [], size: 1 }], placements: [{ key: 'a', topic: 't', related: ['b'] }, { key: 'b', topic: 't', related: [] }] }));
    assert.equal(model.topics.computing, false);
    assert.equal(model.topics.version, version + 1);
    assert.deepEqual(model.relatedPapers('a').map((p) => p.key), ['b']);
  });

  test('a worker that died: nothing is computing any more, the last result stays', () => {
    const model = new WorkspaceModel();
    model.setCatalog(uri, catalog);
    model.topics.takeChanges();
    model.topics.abandon();
    model.setCatalog(uri, catalog.replace('{Beta}', '{Beta Two}'));
    assert.equal(model.topics.computing, false);
  });
});

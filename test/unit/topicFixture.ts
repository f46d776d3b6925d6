/**
 * Topics computed at once, in this thread, as the worker would (node/topicWorker.ts): feature tests
 * of the tree, the hover and the requests see the model's result without a worker.
 */
import { buildTopics } from '../../server/src/search/topicModel';
import { TopicIndex } from '../../server/src/search/topicIndex';
import type { TopicResult } from '../../server/src/search/topicResult';
import { topicDocument } from '../../server/src/service/topicDocuments';
import type { WorkspaceModel } from '../../server/src/service/workspaceModel';

/** Runs the topic model on every paper of `model` and shows its result. */
export function computeTopicsNow(model: WorkspaceModel): TopicResult {
  model.topics.takeChanges();
  const result = buildTopics(model.papers().map(topicDocument));
  model.topics.computed(TopicIndex.fromResult(result));
  return result;
}

/** Shows a hand-made result, as if the model had computed it. */
export function showTopics(model: WorkspaceModel, result: TopicResult): void {
  model.topics.takeChanges();
  model.topics.computed(TopicIndex.fromResult(result));
}

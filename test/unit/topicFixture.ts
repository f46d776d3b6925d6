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

/** A shuffle that gives the same order on every run (a fixed linear congruential sequence), for input-order tests. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

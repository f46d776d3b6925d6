/**
 * TEMPORARY: stands in for topicModel.ts's `buildTopics` until the topic model lands, so the
 * worker, the cache, the tree, the hover and the requests run on a real `TopicResult` now. Built on
 * the phrase topics of topics.ts: each paper under the first topic listing it, the second as
 * `also`, no related papers.
 */
import type { Paper } from '../catalog/paper';
import type { TopicDocument, TopicEntry, TopicPlacement, TopicResult } from './topicResult';
import { deriveTopics } from './topics';

const here = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function buildTopics(docs: readonly TopicDocument[], _options: { previous?: TopicResult; topicCount?: number } = {}): TopicResult {
  const papers: Paper[] = docs.map((doc) => ({
    key: doc.key,
    type: 'article',
    title: doc.title,
    abstract: doc.abstract,
    authors: [],
    keywords: [...(doc.keywords ?? [])],
    files: [],
    source: { uri: 'file:///topics', range: here, keyRange: here },
  }));
  const derived = deriveTopics(papers).topics;
  const topicsOf = new Map<string, string[]>();
  for (const topic of derived) for (const key of topic.keys) topicsOf.set(key, [...(topicsOf.get(key) ?? []), topic.id]);
  const placements: TopicPlacement[] = [...docs]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((doc) => {
      const [topic = 'other', also] = topicsOf.get(doc.key) ?? [];
      return also === undefined ? { key: doc.key, topic, related: [] } : { key: doc.key, topic, also, related: [] };
    });
  const size = new Map<string, number>();
  for (const p of placements) size.set(p.topic, (size.get(p.topic) ?? 0) + 1);
  const topics: TopicEntry[] = derived
    .filter((t) => size.has(t.id))
    .map((t) => ({ id: t.id, label: t.label, terms: t.label.toLowerCase().split(/\s+/), size: size.get(t.id)! }));
  if (size.has('other') && !topics.some((t) => t.id === 'other')) topics.push({ id: 'other', label: 'Other', terms: [], size: size.get('other')! });
  return { topics, placements };
}

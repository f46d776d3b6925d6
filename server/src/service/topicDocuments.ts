/**
 * What the topic model reads of a paper: its key, title, keywords and the start of its abstract.
 * The first ABSTRACT_WORDS words say what a paper is about; the rest costs time to collect (the
 * abstracts of a big catalog are read back from disk) and to send to the worker, and little else.
 */
import { abstractOf, type Paper } from '../catalog/paper';
import type { TopicDocument } from '../search/topicResult';

export const ABSTRACT_WORDS = 100;

export function topicDocument(paper: Paper): TopicDocument {
  const doc: TopicDocument = { key: paper.key };
  if (paper.title) doc.title = paper.title;
  const abstract = abstractOf(paper);
  if (abstract) doc.abstract = firstWords(abstract, ABSTRACT_WORDS);
  if (paper.keywords.length > 0) doc.keywords = [...paper.keywords];
  return doc;
}

/** The text up to the end of its `count`-th word, without reading further. */
export function firstWords(text: string, count: number): string {
  const words = /\S+/g;
  let end = 0;
  for (let n = 0; n < count; n++) {
    const match = words.exec(text);
    if (!match) return text;
    end = match.index + match[0].length;
  }
  return text.slice(0, end);
}

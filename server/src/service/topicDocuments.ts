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

/** The text up to the end of its `count`-th word (words: runs without white space), without reading further. */
export function firstWords(text: string, count: number): string {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (space && inWord && ++words === count) return text.slice(0, i);
    inWord = !space;
  }
  return text;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029 || (code >= 0x2000 && code <= 0x200a) || code === 0x3000;
}

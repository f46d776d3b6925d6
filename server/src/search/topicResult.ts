/**
 * What the topic model hands to the rest of the server: plain, JSON-serializable data, so it can be
 * computed on a worker thread, sent to the main thread and written to the catalog cache.
 *
 * The model (topicModel.ts) makes it; the Papers view (topicTree.ts), the hover's related papers and
 * `litnotes/relatedPapers` read it.
 */

/** The text of one paper the model sees. Untrusted catalog text. */
export interface TopicDocument {
  key: string;
  title?: string;
  abstract?: string;
  /** Catalog keywords/tags: terms for the model (the tree shows them as topics only by `topics.source`). */
  keywords?: readonly string[];
  /**
   * `topicTextHash(this)`, when the holder of the document computed it once (the topic worker's
   * documents: hashing means decoding the abstract, at every run otherwise).
   */
  readonly textHash?: string;
  /** `abstract` as UTF-8 (the topic worker's documents keep it so): the model's terms are read from it without decoding. */
  readonly abstractUtf8?: Uint8Array;
}

export interface TopicEntry {
  /** Stable across small catalog changes: the tree's node ids. "other" for papers that fit no topic. */
  id: string;
  /** 1–3 words as the papers write them: "Few-Shot Learning". */
  label: string;
  /** The topic's top terms, for the tooltip. */
  terms: string[];
  /** The parent topic's id for a subtopic; undefined at the top level. */
  parentId?: string;
  /** Papers in the topic, its subtopics included. */
  size: number;
}

export interface TopicPlacement {
  key: string;
  /** The deepest topic the paper is listed under (a leaf: a subtopic, or a top-level topic without any). */
  topic: string;
  /** A clear second fit (a topic id of another branch), shown as "also: <label>"; never a second row. */
  also?: string;
  /** Up to three related papers' keys, most related first. */
  related: string[];
  /** A hash of the paper's text as placed: the next run (`previous`) sees which papers changed. */
  hash?: string;
}

export interface TopicResult {
  /** Top-level topics first in display order, then each one's subtopics; "other" last when present. */
  topics: TopicEntry[];
  /**
   * Every paper of the input, placed exactly once, in key order. An array, not an object keyed by
   * citation key: keys are untrusted text ("__proto__" is a valid BibTeX key).
   */
  placements: TopicPlacement[];
  /** What the next run needs to keep these topics when little changed (`options.previous`). */
  model?: TopicModelState;
}

/**
 * The model's memory between runs, opaque to readers of the result: each topic's centroid as its
 * heaviest terms (stemmed words and phrases, independent of one run's numbering).
 */
export interface TopicModelState {
  version: number;
  /** Papers at the last full clustering, and papers added, edited or removed since. */
  clustered: number;
  changes: number;
  topicCount?: number;
  maxTopicSize: number;
  /** A paper less similar than this to every top-level centroid is "Other". */
  otherSimilarity: number;
  centroids: { id: string; terms: string[]; weights: number[] }[];
}

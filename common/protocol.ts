/**
 * The custom requests and notifications between the LitNotes client and server, declared once
 * and imported by both sides. Standard LSP features (completion, hover, ...) are not here.
 * Any LSP client can use these too: they are plain JSON-RPC methods under `litnotes/`.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/** A paper as lists show it (tree, quick pick). Text is untrusted catalog text: render as plain text. */
export interface PaperSummary {
  key: string;
  title?: string;
  /** "Vaswani et al." */
  authors?: string;
  year?: string;
  venue?: string;
  /** First ~300 characters of the abstract, for tooltips. */
  abstractPreview?: string;
  /** The paper's literature note, when it exists (`file://` URI). */
  noteUri?: string;
  /** Notes citing the paper (`file://` URIs), sorted. */
  citingNotes: string[];
  /** Where the entry is written. */
  catalogUri: string;
  catalogLine: number;
  /** The catalog names a PDF for the paper (not checked on disk: Open PDF does that). */
  hasPdf?: boolean;
  /** Zotero has annotations of the paper newer than its literature note's generated block. */
  annotationsNewer?: boolean;
  /** A clear second topic of the paper ("Pose Estimation"): the tree shows "also: Pose Estimation", never a second row. */
  alsoTopic?: string;
  /** How many related papers `litnotes/relatedPapers` gives for it (0–3); absent while topics are computed. */
  relatedCount?: number;
}

export type PaperSort = 'title' | 'year' | 'cited';
export type TopicSource = 'catalog' | 'derived' | 'both';

export interface Topic {
  /** Stable id for the tree (survives refreshes). */
  id: string;
  label: string;
  /** Number of papers under the topic (after the filter). */
  count: number;
  /**
   * Where the topic comes from: catalog keywords/groups, derived from titles and abstracts, or
   * `none` for the catalog's papers without keywords and for papers waiting for their topic.
   */
  source: 'catalog' | 'derived' | 'none';
  /** Subtopics it opens into (`litnotes/topics` with `parentId`); 0 or absent: it lists papers. */
  subtopics?: number;
  /** The words that characterise a derived topic, most telling first (for its tooltip). */
  terms?: string[];
}

export interface TopicsParams {
  /** Full-text filter, the same search as completion; empty for all papers. */
  filter?: string;
  /** The subtopics of this topic; absent for the top level. */
  parentId?: string;
}
export interface TopicsResult {
  topics: Topic[];
  totalPapers: number;
  /**
   * Derived topics are being computed (first start, or after catalog changes): the topics shown
   * are the last ones, and papers without a topic yet are under "Indexing topics…". The server
   * sends `litnotes/indexStatus` when they are ready.
   */
  computing?: boolean;
}
export const topicsRequest = new RequestType<TopicsParams, TopicsResult, void>('litnotes/topics');

/**
 * The papers of a topic: all of them, its subtopics' included, so a client reading only the top
 * level sees every paper (each once in `derived` mode). The tree lists papers at leaves only.
 */
export interface TopicPapersParams {
  topicId: string;
  filter?: string;
  sort?: PaperSort;
}
export const topicPapersRequest = new RequestType<TopicPapersParams, PaperSummary[], void>('litnotes/topicPapers');

export interface SearchPapersParams {
  query: string;
  limit?: number;
}
export const searchPapersRequest = new RequestType<SearchPapersParams, PaperSummary[], void>('litnotes/searchPapers');

export interface RelatedPapersParams {
  key: string;
  /** At most this many (default and most: 3). */
  limit?: number;
}
/** Papers of the library most like this one (same topic representation), most related first; empty while topics are computed. */
export const relatedPapersRequest = new RequestType<RelatedPapersParams, PaperSummary[], void>('litnotes/relatedPapers');

/** Everything a command needs to act on one paper. */
export interface PaperDetails extends PaperSummary {
  abstract?: string;
  doi?: string;
  url?: string;
  arxiv?: string;
  /** Code repository links found in the abstract or URL fields (https only). */
  codeLinks: string[];
  keywords: string[];
  /** Catalog entry range, for "Go to Catalog Entry". */
  catalogRange: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** Where the Papers view lists it without a filter: topic ids from the top level down (its first place). */
  topicPath: string[];
}
export interface PaperParams {
  key: string;
}
export const paperRequest = new RequestType<PaperParams, PaperDetails | null, void>('litnotes/paper');

export interface CitationAtParams {
  uri: string;
  position: { line: number; character: number };
}
/** The key of the citation under the cursor (in a note or on a catalog entry), or null. */
export const citationAtRequest = new RequestType<CitationAtParams, { key: string } | null, void>('litnotes/citationAt');

export interface FormatReferenceParams {
  keys: string[];
  /** `apa` (default), or a path to a CSL style file in the workspace. */
  style?: string;
  format?: 'text' | 'html';
}
export const formatReferenceRequest = new RequestType<FormatReferenceParams, { text: string }, void>('litnotes/formatReference');

export interface NewNoteParams {
  key: string;
}
/**
 * The literature note for a paper: where it goes and what it starts with (template already filled).
 * `exists` says the note is already there: the client opens it and never overwrites it.
 */
export interface NewNoteResult {
  uri: string;
  content: string;
  exists: boolean;
}
export const newNoteRequest = new RequestType<NewNoteParams, NewNoteResult | null, void>('litnotes/newNote');

export interface CatalogStatus {
  uri: string;
  papers: number;
  problems: number;
}
export interface IndexStatus {
  state: 'indexing' | 'ready';
  papers: number;
  notes: number;
  catalogs: CatalogStatus[];
  /** Total problems (parse errors, duplicate keys) across catalogs. */
  problems: number;
  /** The Zotero library as a source (`litnotes.zotero.enabled`). */
  zotero?: ZoteroStatus;
}

/**
 * - `off`: the source is off (`available`: Zotero answers anyway, so it could be turned on);
 * - `connecting`, `reading`: the first contact, the first read of the whole library;
 * - `live`: read, and polled for changes;
 * - `unreachable`, `localApiOff`, `error`: Zotero cannot be read now; its papers are those of the last sync.
 */
export type ZoteroState = 'off' | 'connecting' | 'reading' | 'live' | 'unreachable' | 'localApiOff' | 'error';

export interface ZoteroStatus {
  state: ZoteroState;
  /** Papers of the Zotero library in the index. */
  papers: number;
  /** What is happening and, when something is wrong, what to do: one or two plain sentences. */
  message: string;
  /** Better BibTeX's version, when its citation keys are used. */
  betterBibtex?: string;
  /** When the library was last read from Zotero (ISO time). */
  lastSync?: string;
  /** With the source off: whether Zotero answers at the configured URL. */
  available?: boolean;
}
/** Sent by the server, throttled, whenever the index changes (papers, notes, state, Zotero): the status item shows it. */
export const indexStatusNotification = new NotificationType<IndexStatus>('litnotes/indexStatus');
export const indexStatusRequest = new RequestType<void, IndexStatus, void>('litnotes/indexStatus');

/**
 * What the Papers view shows changed: sent by the server (throttled, like the index status) only
 * when papers, the notes citing them, topics or annotations changed, so a view refreshes on it and
 * not on every status. Keys are untrusted catalog text.
 */
export interface PapersChanged {
  /** Papers that came, went or whose content changed; absent when too many to list (a whole catalog read): any may have. */
  keys?: string[];
  /** Notes added, removed or citing other papers than before (`file://` URIs); absent, with `keys`, when too many to list. */
  notes?: string[];
  /** The topics changed (the model's result, or the topics of changed papers). */
  topics?: boolean;
}
export const papersChangedNotification = new NotificationType<PapersChanged>('litnotes/papersChanged');

/** A file attached to a paper, checked on disk by the server (`litnotes/attachments`). */
export interface PaperAttachment {
  /** The file name, for lists (untrusted: plain text). */
  label: string;
  /** `Full Text PDF`, `Snapshot` (untrusted: plain text). */
  description?: string;
  /** `file://` URI: the file itself, links followed. */
  uri: string;
  /** The path as the user reads it in messages. */
  path: string;
  /**
   * `ok`: a PDF, EPUB or HTML document by name and content; `missing`: not there; `refused`: not a
   * document (an executable, a script, a launcher, a name that lies about its content). `message`
   * says why, naming the path.
   */
  state: 'ok' | 'missing' | 'refused';
  document?: 'pdf' | 'epub' | 'html';
  message?: string;
  /** Inside a workspace folder or Zotero's storage: opened without asking first. */
  trusted: boolean;
  /** The Zotero attachment item's key, when known: `zotero://open-pdf/library/items/<key>`. */
  zoteroKey?: string;
  origin: 'catalog' | 'zotero';
}
/** The paper's attachments, documents first; null when the key is unknown. */
export const attachmentsRequest = new RequestType<PaperParams, PaperAttachment[] | null, void>('litnotes/attachments');
/**
 * "Cite from Zotero": Better BibTeX's picker opens in Zotero; the answer is the Pandoc citation the
 * user picked (`[@key1; @key2]`), or '' when they cancelled. Refused with a message saying what to
 * do when Zotero or Better BibTeX is not there. Cancelling the request gives up waiting.
 */
export interface ZoteroCiteResult {
  text: string;
}
export const zoteroCiteRequest = new RequestType<void, ZoteroCiteResult, void>('litnotes/zoteroCite');

/**
 * "Update Literature Note": what refreshing the note's generated block does. `edit` replaces the
 * block (or, for `noBlock`, appends one); `oldText` is the note it was computed on and `newText`
 * the note after it, for showing the difference. `updated`: apply it; `edited`: the user changed
 * the block by hand: show the difference and ask; `noBlock`: offer to add one; `unchanged`,
 * `broken` (damaged markers, a broken template) and `notLiteratureNote`: nothing to apply, `message` says why.
 */
export interface NoteUpdate {
  uri: string;
  key?: string;
  status: 'updated' | 'unchanged' | 'edited' | 'noBlock' | 'broken' | 'notLiteratureNote';
  message?: string;
  edit?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
  oldText?: string;
  newText?: string;
}
export interface UpdateNoteParams {
  uri: string;
}
export const updateNoteRequest = new RequestType<UpdateNoteParams, NoteUpdate, void>('litnotes/updateNote');
/** Every literature note of the workspace; texts only where the client needs them (edited, noBlock). */
export const updateNotesRequest = new RequestType<void, NoteUpdate[], void>('litnotes/updateNotes');

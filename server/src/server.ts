/**
 * The LitNotes language server: LSP glue only. A handler finds the document, calls the service and
 * returns its answer; the logic lives in service/ and features/, the file I/O in node/.
 * Works with `--stdio` (any LSP client, no initialization options needed) and `--node-ipc` (VS Code).
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  StreamMessageReader,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  attachmentsRequest,
  updateNoteRequest,
  updateNotesRequest,
  type NoteUpdate,
  citationAtRequest,
  formatReferenceRequest,
  indexStatusNotification,
  indexStatusRequest,
  papersChangedNotification,
  newNoteRequest,
  paperRequest,
  relatedPapersRequest,
  searchPapersRequest,
  topicPapersRequest,
  topicsRequest,
  zoteroCiteRequest,
  type IndexStatus,
} from '../../common/protocol';
import { catalogFormatOf } from './catalog/catalogFile';
import { clientCommands, OPEN_PDF_COMMAND } from './features/clientCommands';
import { ZOTERO_CATALOG_URI } from './catalog/zotero';
import { provideCodeActions } from './features/codeActions';
import { provideCompletion, resolveCompletionItem, type CompletionClient } from './features/completion';
import { provideDefinition } from './features/definition';
import { DiagnosticsSchedule } from './features/diagnosticsSchedule';
import { provideDocumentLinks } from './features/documentLinks';
import { provideHover } from './features/hover';
import { provideReferences } from './features/references';
import { prepareRename, provideRename } from './features/rename';
import { provideWorkspaceSymbols } from './features/workspaceSymbols';
import * as path from 'node:path';
import { attachmentUris } from './catalog/attachments';
import { defaultZoteroStorageUri, firstExisting, homeUri } from './node/attachmentFiles';
import { defaultCacheDir } from './node/catalogCache';
import { FileWatcher } from './node/fileWatcher';
import { isFile, normalizeUri, pathToUri, readText, uriToPath } from './node/files';
import { yieldToEventLoop } from './node/discovery';
import { consoleToLog, ImmediateMessageWriter } from './node/stdioWriter';
import { TopicUpdater } from './node/topicUpdater';
import { WorkspaceFeeder } from './node/workspaceFeeder';
import { ZoteroError } from './node/zotero/http';
import { ZoteroSource } from './node/zotero/zoteroSource';
import { readPaperZoteroData, type PaperZoteroData } from './node/zotero/paperExtras';
import { literatureNoteKey, literatureNotes, noteUpdate } from './service/noteUpdate';
import { ClientNotices } from './service/clientNotices';
import { indexStatus } from './service/indexStatus';
import { realClock } from './service/clock';
import { keyAt } from './service/keyAt';
import { paperOfLiteratureNote } from './service/literatureNotes';
import { newNote, templateFileUri } from './service/newNote';
import { attachmentCandidates, describeAttachment, sortAttachments } from './service/paperAttachments';
import { paperDetails, searchPapers } from './service/paperSummaries';
import { formatPapers, styleFileUri, type CitationStyle } from './service/formatReference';
import { pickedCitation } from './service/pickedCitation';
import { isRefusal, type CompletionItem, type Diagnostic, type Refusal } from './service/protocolTypes';
import { defaultSettings, parseSettings, type Settings } from './service/settings';
import { prepareTopicGroups, prepareTopicGroupsFor, topicGroupsInTurns } from './service/topicGroups';
import { relatedPapers, topicPapers, topics } from './service/topicRequests';
import { WorkspaceModel } from './service/workspaceModel';

/** Set by esbuild from package.json; a cache written by another version is not used. */
const SERVER_VERSION = process.env.LITNOTES_VERSION ?? 'dev';

const overStdio = process.argv.includes('--stdio');
const overIpc = !overStdio && typeof process.send === 'function';
// Over stdio, answers are written when they are sent (node/stdioWriter.ts), not on a later turn behind indexing.
const connection = overStdio
  ? createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new ImmediateMessageWriter(process.stdout))
  : createConnection(ProposedFeatures.all);
let shutDown = false;
if (overStdio) {
  consoleToLog(connection.console);
  // What the library does when it opens stdio itself: the client closing the pipe ends the server.
  for (const event of ['end', 'close']) process.stdin.on(event, () => process.exit(shutDown ? 0 : 1));
}
/** The service's schedules (diagnostics, notices) run on the real clock; between slices, on the event loop. */
const clock = { ...realClock, yieldToEventLoop };
/** Chunks of input from the client over stdio or VS Code's IPC: indexing pauses for the connection when some came in. */
let messagesReceived = 0;
if (overStdio) process.stdin.on('data', () => messagesReceived++);
else if (overIpc) process.on('message', () => messagesReceived++);
const documents = new TextDocuments(TextDocument);
const model = new WorkspaceModel();

let settings: Settings = defaultSettings;
let filesExclude: string[] = [];
let initializationSettings: unknown;
const client = { openPdfCommand: false, configuration: false, dynamicWatch: false, dynamicConfiguration: false, workDoneProgress: false, renameFiles: false, prepareRename: false };
let completionClient: CompletionClient = {};

/** Our URI (normalized) → the URI the client opened the document with. */
const openUris = new Map<string, string>();
const openText = (uri: string): string | undefined => documents.get(openUris.get(uri) ?? uri)?.getText();

let state: IndexStatus['state'] = 'indexing';
let indexingRun = 0;
let fileWatcher: FileWatcher | undefined;
/** Runs the topic model on the topic worker after catalog changes; made once the cache folder is known. */
let topicUpdater: TopicUpdater | undefined;

const feeder = new WorkspaceFeeder(
  model,
  {
    log: (message) => connection.console.log(message),
    error: (message) => connection.console.error(message),
    openText,
    catalogChanged: (uri, changedKeys) => {
      topicUpdater?.catalogChanged();
      diagnostics.catalogChanged(uri, changedKeys);
      statusSoon();
      const filePath = uriToPath(uri);
      if (fileWatcher && filePath && model.isCatalog(uri)) fileWatcher.watch(filePath);
    },
    // Over another transport (a socket), indexing pauses after every slice.
    messagesReceived: overStdio || overIpc ? () => messagesReceived : undefined,
    noteChanged: (uri) => {
      diagnostics.noteChanged(uri, openText(uri) !== undefined);
      statusSoon();
    },
  },
  settings,
);

/** The Zotero library as a catalog (`litnotes.zotero.*`); made in `initialize`, where the cache folder is known. */
let zotero: ZoteroSource | undefined;
/** The library was coming in at the last status: unknown keys were held back until it is in. */
let zoteroWasLoading = false;

function startZoteroSource(cacheDir: string | undefined): ZoteroSource {
  return new ZoteroSource(
    {
      log: (message) => connection.console.log(message),
      apply: (edits, changedKeys, papers) => feeder.applySourceEdits(ZOTERO_CATALOG_URI, edits, changedKeys, papers),
      remove: () => feeder.removeSourceCatalog(ZOTERO_CATALOG_URI),
      provisional: (papers) => feeder.addSourceProvisional(ZOTERO_CATALOG_URI, papers),
      status: () => {
        statusSoon();
        if (zoteroWasLoading && !zoteroLoading() && state === 'ready') void diagnostics.republishAll();
        zoteroWasLoading = zoteroLoading();
      },
    },
    { cacheDir, server: SERVER_VERSION },
  );
}

/** Settings changed: the feeder and the Zotero source take them. */
function configure(): void {
  feeder.configure(settings, filesExclude);
  zotero?.configure(settings.zotero);
}

// ---- lifecycle -----------------------------------------------------------------------------

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  client.configuration = !!caps.workspace?.configuration;
  client.dynamicWatch = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  client.dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
  client.workDoneProgress = !!caps.window?.workDoneProgress;
  client.renameFiles = !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('rename') && !!caps.workspace?.workspaceEdit?.documentChanges;
  client.prepareRename = !!caps.textDocument?.rename?.prepareSupport;
  const completionItem = caps.textDocument?.completion?.completionItem;
  const options = (params.initializationOptions ?? {}) as { settings?: unknown; filesExclude?: unknown; storagePath?: unknown; completionEditStartsAtCursor?: unknown };
  completionClient = {
    lazyDocumentation: !!completionItem?.resolveSupport?.properties.includes('documentation'),
    labelDetails: !!completionItem?.labelDetailsSupport,
    // Our VS Code client asks for it (client/src/config.ts); see CompletionClient.
    editStartsAtCursor: options.completionEditStartsAtCursor === true,
  };

  initializationSettings = options.settings;
  client.openPdfCommand = clientCommands(options).has(OPEN_PDF_COMMAND);
  // The client's storage folder for the catalog cache; any other client gets the user's cache folder.
  const storagePath = typeof options.storagePath === 'string' && path.isAbsolute(options.storagePath) ? options.storagePath : undefined;
  feeder.useCatalogReader({ cacheDir: storagePath ?? defaultCacheDir(), server: SERVER_VERSION });
  zotero = startZoteroSource(storagePath ?? defaultCacheDir());
  settings = parseSettings(options.settings);
  filesExclude = excludeGlobs(options.filesExclude);
  feeder.configure(settings, filesExclude);

  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [pathToUri(params.rootPath)] : []);
  model.setWorkspaceFolders(folders.map(normalizeUri));
  topicUpdater?.dispose();
  topicUpdater = new TopicUpdater(
    model,
    {
      log: (message) => connection.console.log(message),
      topicsChanged: () => notices.topicsChanged(),
      // The Zotero library's first read comes a page at a time: topics wait for the whole of it too.
      indexing: () => state === 'indexing' || zotero?.status.state === 'reading' || zotero?.status.state === 'connecting',
      topicCount: () => settings.topics.count,
      prepareTree: (result) =>
        (result ? prepareTopicGroupsFor(model, result, model.topics.computingAfterResult, settings, groupingTurns) : prepareTopicGroups(model, settings, groupingTurns)).catch((e) =>
          connection.console.error(`Grouping the Papers view failed: ${e instanceof Error ? e.message : String(e)}`),
        ),
    },
    { cacheDir: storagePath ?? defaultCacheDir(), server: SERVER_VERSION, workspace: model.workspaceFolders.join('\n') },
  );

  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      // `-`, `_` and `+` join words in `@sparse-attention`: VS Code neither asks again nor keeps its
      // list at a character that is not part of a word, unless it is a trigger character.
      completionProvider: { triggerCharacters: ['@', '-', '_', '+'], resolveProvider: true },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: client.prepareRename ? { prepareProvider: true } : true,
      documentLinkProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      workspaceSymbolProvider: true,
    },
    serverInfo: { name: 'litnotes', version: SERVER_VERSION },
  };
});

connection.onInitialized(async () => {
  if (client.dynamicWatch) {
    await connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{bib,bibtex,biblatex,json,yaml,yml,md,markdown}' }],
    });
  } else {
    fileWatcher = new FileWatcher((filePath) => feeder.fileChanged(pathToUri(filePath), false));
  }
  if (client.dynamicConfiguration) await connection.client.register(DidChangeConfigurationNotification.type, undefined);
  await loadSettings();
  zotero?.configure(settings.zotero);
  void indexWorkspace();
});

connection.onShutdown(async () => {
  shutDown = true;
  clearTimeout(annotationCheck);
  notices.dispose();
  diagnostics.dispose();
  indexingRun++;
  await Promise.all([feeder.flushCaches(), topicUpdater?.flush(), zotero?.flush()]);
  zotero?.dispose();
  feeder.dispose();
  topicUpdater?.dispose();
  fileWatcher?.dispose();
});

async function loadSettings(): Promise<void> {
  if (!client.configuration) return;
  try {
    const [litnotes, exclude] = await connection.workspace.getConfiguration([{ section: 'litnotes' }, { section: 'files.exclude' }]);
    settings = parseSettings(litnotes ?? initializationSettings);
    filesExclude = excludeGlobs(exclude);
  } catch (e) {
    connection.console.warn(`Reading the settings failed, using the defaults: ${String(e)}`);
  }
  configure();
}

/** `files.exclude` as VS Code has it (`{ glob: true }`) or as a list. */
function excludeGlobs(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string');
  if (raw && typeof raw === 'object') return Object.entries(raw).filter(([, on]) => on === true).map(([glob]) => glob);
  return [];
}

connection.onDidChangeConfiguration(async (params) => {
  const before = JSON.stringify([settings.catalogs, settings.exclude, filesExclude]);
  const topicCount = settings.topics.count;
  if (client.configuration) {
    await loadSettings();
  } else {
    settings = parseSettings((params.settings as { litnotes?: unknown } | undefined)?.litnotes ?? params.settings);
    configure();
  }
  if (JSON.stringify([settings.catalogs, settings.exclude, filesExclude]) !== before) void indexWorkspace();
  else void diagnostics.republishAll();
  if (settings.topics.count !== topicCount) topicUpdater?.catalogChanged();
});

async function indexWorkspace(): Promise<void> {
  const run = ++indexingRun;
  state = 'indexing';
  statusSoon();
  let reporter: WorkDoneProgressServerReporter | undefined;
  if (client.workDoneProgress && model.workspaceFolders.length > 0) {
    try {
      reporter = await connection.window.createWorkDoneProgress();
      reporter.begin('LitNotes', 0, 'Indexing catalogs…', false);
    } catch {
      reporter = undefined; // the client refused the progress token: index without it
    }
  }
  try {
    await feeder.indexWorkspace({
      isCancelled: () => run !== indexingRun,
      report: (done, total) => reporter?.report(total === 0 ? 100 : Math.round((100 * done) / total), `${done}/${total} files`),
    });
  } catch (e) {
    connection.console.error(`Indexing failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    reporter?.done();
  }
  if (run !== indexingRun) return;
  state = 'ready';
  if (fileWatcher) for (const filePath of feeder.catalogPaths()) fileWatcher.watch(filePath);
  topicUpdater?.catalogChanged();
  // The status counts the duplicate keys the diagnostics find in steps: sent again once they are found.
  void diagnostics.indexingDone().then(statusSoon);
  sendStatus();
  // No catalog here: the welcome view offers the Zotero library when Zotero answers.
  if (!settings.zotero.enabled && !model.hasCatalogs()) void zotero?.probeAvailable();
}

// ---- documents and files -------------------------------------------------------------------

documents.onDidChangeContent((event) => {
  const uri = normalizeUri(event.document.uri);
  openUris.set(uri, event.document.uri);
  const text = event.document.getText();
  if (event.document.languageId === 'markdown' || /\.(?:md|markdown)$/i.test(uri)) {
    feeder.feedNote(uri, text, Date.now());
  } else if (catalogFormatOf(uri)) {
    void feeder.isCatalogFile(uri, text).then((isCatalog) => {
      if (isCatalog && openText(uri) !== undefined) return feeder.feedCatalog(uri, openText(uri)!);
    });
  }
});

documents.onDidOpen((event) => {
  const key = paperOfLiteratureNote(model, normalizeUri(event.document.uri), settings);
  if (key !== undefined) model.paperOpened(key, Date.now());
});

documents.onDidClose(async (event) => {
  const uri = normalizeUri(event.document.uri);
  openUris.delete(uri);
  await feeder.documentClosed(uri);
  if (!model.note(uri) && !model.isCatalog(uri)) {
    diagnostics.forget(uri);
    connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  }
});

connection.onDidChangeWatchedFiles((params) => {
  for (const change of params.changes) {
    const uri = normalizeUri(change.uri);
    if (feeder.isExcludedUri(uri)) continue;
    feeder.fileChanged(uri, change.type === FileChangeType.Deleted);
  }
});

// ---- diagnostics (features/diagnosticsSchedule.ts) -------------------------------------------

const diagnostics = new DiagnosticsSchedule(
  model,
  {
    send: (uri, list) => void connection.sendDiagnostics({ uri: openUris.get(uri) ?? uri, diagnostics: list }),
    settings: () => settings,
    indexing: () => state === 'indexing',
    zoteroLoading,
    openUris: () => openUris.keys(),
    error: (message) => connection.console.error(message),
  },
  clock,
);

function zoteroLoading(): boolean {
  const zoteroState = zotero?.status.state;
  return zoteroState === 'connecting' || zoteroState === 'reading';
}

// ---- index status and papersChanged (service/clientNotices.ts) ------------------------------

function currentStatus(): IndexStatus {
  return indexStatus(model, state, zotero?.status);
}

const notices = new ClientNotices(
  model,
  currentStatus,
  {
    status: (status) => void connection.sendNotification(indexStatusNotification, status),
    papersChanged: (change) => void connection.sendNotification(papersChangedNotification, change),
  },
  clock,
);
const statusSoon = () => notices.soon();
const sendStatus = () => notices.now();

// ---- handlers ------------------------------------------------------------------------------

/** Every handler: an exception becomes an error response and a log line, never a dead server. */
function handle<P, R>(name: string, run: (params: P, token: CancellationToken) => R | Refusal | Promise<R | Refusal>) {
  return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
    try {
      if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled.');
      const result = await run(params, token);
      if (isRefusal(result)) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
      return result;
    } catch (e) {
      if (e instanceof ResponseError) return e;
      connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return new ResponseError(ErrorCodes.InternalError, `LitNotes: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

connection.onCompletion(
  handle('completion', (params) => {
    const uri = normalizeUri(params.textDocument.uri);
    const text = openText(uri) ?? model.note(uri)?.text;
    if (text === undefined) return null;
    return provideCompletion(model, text, params.position, settings, completionClient, uri) ?? null;
  }),
);

connection.onCompletionResolve(
  handle('completionItem/resolve', (item) => resolveCompletionItem(model, item as CompletionItem) as typeof item),
);

connection.onHover(handle('hover', (params) => provideHover(model, normalizeUri(params.textDocument.uri), params.position, { openPdfCommand: client.openPdfCommand }) ?? null));
connection.onDefinition(handle('definition', (params) => provideDefinition(model, normalizeUri(params.textDocument.uri), params.position)));
connection.onReferences(
  handle('references', (params) => provideReferences(model, normalizeUri(params.textDocument.uri), params.position, params.context.includeDeclaration)),
);
connection.onPrepareRename(handle('prepareRename', (params) => prepareRename(model, normalizeUri(params.textDocument.uri), params.position)));
connection.onRenameRequest(
  handle('rename', (params) =>
    provideRename(model, normalizeUri(params.textDocument.uri), params.position, params.newName, { settings, canRenameFiles: client.renameFiles }),
  ),
);
connection.onDocumentLinks(handle('documentLink', (params) => provideDocumentLinks(model, normalizeUri(params.textDocument.uri), settings)));
connection.onCodeAction(
  handle('codeAction', (params) => {
    if (params.context.only && !params.context.only.some((kind) => kind === CodeActionKind.QuickFix || kind === 'quickfix' || CodeActionKind.QuickFix.startsWith(kind))) return [];
    return provideCodeActions(model, normalizeUri(params.textDocument.uri), params.range, params.context.diagnostics as Diagnostic[], { openPdfCommand: client.openPdfCommand });
  }),
);
connection.onWorkspaceSymbol(handle('workspaceSymbol', (params) => provideWorkspaceSymbols(model, params.query)));

// ---- LitNotes requests (common/protocol.ts) --------------------------------------------------

/** Grouping the Papers view's papers takes turns with other requests. */
const groupingTurns = { nextTurn: clock.yieldToEventLoop, now: clock.now };
/** The Papers view's grouping for a filter: the last one while a new one is made between other requests (the client is told when it is). */
const grouping = (filter: string | undefined, first: 'answered' | 'waited' = 'waited') => topicGroupsInTurns(model, filter, settings, groupingTurns, () => notices.topicsChanged(), first);
connection.onRequest(topicsRequest, handle('litnotes/topics', async (params) => topics(model, params ?? {}, settings, await grouping(params?.filter, 'answered'))));
connection.onRequest(topicPapersRequest, handle('litnotes/topicPapers', async (params) => topicPapers(model, params, settings, await grouping(params.filter))));
connection.onRequest(searchPapersRequest, handle('litnotes/searchPapers', (params) => searchPapers(model, params.query ?? '', params.limit, settings)));
connection.onRequest(relatedPapersRequest, handle('litnotes/relatedPapers', (params) => relatedPapers(model, params, settings)));
connection.onRequest(
  paperRequest,
  handle('litnotes/paper', async (params) => {
    const details = paperDetails(model, params.key, settings, await grouping(undefined)); // with the paper's place in the tree
    // Every command on a paper asks for it first: the paper comes first in `[@` for a while.
    if (details) model.paperOpened(details.key, Date.now());
    return details;
  }),
);
connection.onRequest(
  citationAtRequest,
  handle('litnotes/citationAt', (params) => {
    const at = keyAt(model, normalizeUri(params.uri), params.position);
    return at ? { key: at.key } : null;
  }),
);
connection.onRequest(
  formatReferenceRequest,
  handle('litnotes/formatReference', async (params) => {
    const text = formatPapers(model, params.keys ?? [], await loadStyle(params.style ?? settings.citationStyle), params.format ?? 'text');
    return isRefusal(text) ? text : { text };
  }),
);
connection.onRequest(
  newNoteRequest,
  handle('litnotes/newNote', async (params) => {
    const templateUri = templateFileUri(model, settings);
    const template = templateUri ? await readWorkspaceFile(templateUri) : undefined;
    const note = newNote(model, params.key, settings, template);
    if (!note || isRefusal(note)) return note;
    const filePath = uriToPath(note.uri);
    return { ...note, exists: note.exists || (!!filePath && (await isFile(filePath))) };
  }),
);
connection.onRequest(
  attachmentsRequest,
  handle('litnotes/attachments', async (params) => {
    const paper = model.paper(params.key);
    if (!paper) return null;
    const trusted = await trustedFolders();
    const candidates = attachmentCandidates(paper, homeUri());
    // Zotero's own attachments of the paper (with their item keys), when the Zotero source is on.
    for (const { attachment, zoteroKey } of (await zoteroDataFor(params.key))?.attachments ?? []) {
      const uris = attachmentUris(attachment, paper.source.uri, homeUri());
      if (uris.length > 0 && !candidates.some((c) => c.uris[0] === uris[0])) candidates.push({ attachment, uris, origin: 'zotero', zoteroKey });
    }
    return sortAttachments(await Promise.all(candidates.map(async (candidate) => describeAttachment(candidate, await firstExisting(candidate.uris), trusted))));
  }),
);
connection.onRequest(
  zoteroCiteRequest.method,
  handle('litnotes/zoteroCite', async (_params: unknown, token) => {
    const controller = new AbortController();
    const cancelled = token?.onCancellationRequested(() => controller.abort());
    try {
      const answer = await zotero!.cite(controller.signal);
      const text = pickedCitation(answer);
      if (text === undefined) return { error: `Better BibTeX's picker answered something that is not a Pandoc citation ('${answer.slice(0, 60)}'): check its CAYW settings.` };
      return { text };
    } catch (e) {
      if (e instanceof ZoteroError && e.kind === 'cancelled') throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled.');
      if (e instanceof ZoteroError) return { error: e.message };
      throw e;
    } finally {
      cancelled?.dispose();
    }
  }),
);
// By method name: the request has no params, and clients differ in sending none, null or [].
connection.onRequest(indexStatusRequest.method, handle('litnotes/indexStatus', () => currentStatus()));

/** A built-in style name as it is, or the text of a `.csl` file of the workspace. */
async function loadStyle(style: string): Promise<CitationStyle> {
  const uri = styleFileUri(model, style);
  if (!uri) return { name: style };
  const xml = await readWorkspaceFile(uri);
  if (xml === undefined) throw new ResponseError(LSPErrorCodes.RequestFailed, `Cannot read the citation style file ${style}.`);
  return { name: style, xml };
}

connection.onRequest(
  updateNoteRequest,
  handle('litnotes/updateNote', async (params) => {
    const uri = normalizeUri(params.uri);
    const text = openText(uri) ?? model.note(uri)?.text ?? (await readWorkspaceFile(uri));
    if (text === undefined) return { error: `LitNotes cannot read the note ${uriToPath(uri) ?? uri}.` };
    const result = await updateOneNote(uri, text);
    return { ...result, uri: openUris.get(uri) ?? params.uri };
  }),
);
connection.onRequest(
  updateNotesRequest.method,
  handle('litnotes/updateNotes', async (_params: unknown, token) => {
    const results: NoteUpdate[] = [];
    for (const { uri } of literatureNotes(model, settings)) {
      // One Zotero round trip per note: a cancelled request stops between notes.
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled.');
      const text = openText(uri) ?? model.note(uri)?.text;
      if (text === undefined) continue;
      const result = await updateOneNote(uri, text);
      // The texts are for showing a difference: only where the client may ask the user.
      if (result.status !== 'edited' && result.status !== 'noBlock') {
        delete result.oldText;
        delete result.newText;
      }
      results.push({ ...result, uri: openUris.get(uri) ?? uri });
    }
    return results;
  }),
);

async function updateOneNote(uri: string, text: string): Promise<NoteUpdate> {
  const templateUri = templateFileUri(model, settings);
  const template = templateUri ? await readWorkspaceFile(templateUri) : undefined;
  if (templateUri && template === undefined) return { uri, status: 'broken', message: `Cannot read the note template ${settings.noteTemplate} (litnotes.noteTemplate).` };
  const key = literatureNoteKey(model, uri, settings);
  const zoteroData = key ? await zoteroDataFor(key) : undefined;
  return noteUpdate(model, uri, text, settings, template, zoteroData?.extras, zoteroData?.newestAnnotation);
}

/** Zotero's annotations, notes and attachments of a paper, when the Zotero source is on. */
async function zoteroDataFor(key: string): Promise<PaperZoteroData | undefined> {
  if (!settings.zotero.enabled) return undefined;
  const data = await readPaperZoteroData(settings.zotero.url, key);
  if (data.problem) connection.console.warn(data.problem);
  else rememberAnnotationDate(key, data.newestAnnotation);
  return data;
}

/** The newest annotation date of a paper changed: the tree's "new annotations" mark may have. */
function rememberAnnotationDate(key: string, newest: string | undefined): void {
  if (model.annotationDates.get(key) === newest) return;
  if (newest === undefined) model.annotationDates.delete(key);
  else model.annotationDates.set(key, newest);
  notices.annotationsChanged(key);
}

/**
 * With the Zotero source on, the annotations of papers that have a literature note are looked at
 * every few minutes (one Better BibTeX call per note, one at a time), so the Papers view can mark
 * notes that are behind. Notes only: the library's other papers have no note to be behind.
 */
const ANNOTATION_CHECK_MS = 3 * 60_000;
const ANNOTATION_CHECK_NOTES = 300;
let annotationCheck: NodeJS.Timeout | undefined;
function scheduleAnnotationCheck(delayMs = 20_000): void {
  clearTimeout(annotationCheck);
  annotationCheck = setTimeout(async () => {
    if (settings.zotero.enabled && state === 'ready') {
      for (const { key } of literatureNotes(model, settings).slice(0, ANNOTATION_CHECK_NOTES)) {
        if (!settings.zotero.enabled) break;
        const data = await readPaperZoteroData(settings.zotero.url, key);
        if (data.problem) break; // Zotero is away: the next round tries again
        rememberAnnotationDate(key, data.newestAnnotation);
      }
    }
    scheduleAnnotationCheck(ANNOTATION_CHECK_MS);
  }, delayMs);
  annotationCheck.unref?.();
}
scheduleAnnotationCheck();

/** Where attachments open without asking: the workspace folders and Zotero's storage, as written and with links followed. */
async function trustedFolders(): Promise<string[]> {
  const folders = [...model.workspaceFolders, defaultZoteroStorageUri()];
  const real = await Promise.all(folders.map(async (uri) => (await firstExisting([uri])).uri));
  return [...new Set([...folders, ...real])];
}

async function readWorkspaceFile(uri: string): Promise<string | undefined> {
  const text = openText(uri);
  if (text !== undefined) return text;
  const filePath = uriToPath(uri);
  if (!filePath) return undefined;
  try {
    return await readText(filePath);
  } catch {
    return undefined;
  }
}

documents.listen(connection);
connection.listen();

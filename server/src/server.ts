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
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  citationAtRequest,
  formatReferenceRequest,
  indexStatusNotification,
  indexStatusRequest,
  newNoteRequest,
  paperRequest,
  relatedPapersRequest,
  searchPapersRequest,
  topicPapersRequest,
  topicsRequest,
  type IndexStatus,
} from '../../common/protocol';
import { catalogFormatOf } from './catalog/catalogFile';
import { provideCodeActions } from './features/codeActions';
import { provideCompletion, resolveCompletionItem, type CompletionClient } from './features/completion';
import { provideDefinition } from './features/definition';
import { catalogDiagnostics, noteDiagnostics } from './features/diagnostics';
import { provideDocumentLinks } from './features/documentLinks';
import { provideHover } from './features/hover';
import { provideReferences } from './features/references';
import { prepareRename, provideRename } from './features/rename';
import { provideWorkspaceSymbols } from './features/workspaceSymbols';
import * as path from 'node:path';
import { defaultCacheDir } from './node/catalogCache';
import { FileWatcher } from './node/fileWatcher';
import { isFile, normalizeUri, pathToUri, readText, uriToPath } from './node/files';
import { yieldToEventLoop } from './node/discovery';
import { TopicUpdater } from './node/topicUpdater';
import { WorkspaceFeeder } from './node/workspaceFeeder';
import { indexStatus } from './service/indexStatus';
import { keyAt } from './service/keyAt';
import { paperOfLiteratureNote } from './service/literatureNotes';
import { newNote, templateFileUri } from './service/newNote';
import { paperDetails, searchPapers } from './service/paperSummaries';
import { formatPapers, styleFileUri, type CitationStyle } from './service/formatReference';
import { isRefusal, type CompletionItem, type Diagnostic, type Refusal } from './service/protocolTypes';
import { defaultSettings, parseSettings, type Settings } from './service/settings';
import { relatedPapers, topicPapers, topics } from './service/topicRequests';
import { WorkspaceModel } from './service/workspaceModel';

/** Set by esbuild from package.json; a cache written by another version is not used. */
const SERVER_VERSION = process.env.LITNOTES_VERSION ?? 'dev';

const connection = createConnection(ProposedFeatures.all);
/** Chunks of input from the client over stdio or VS Code's IPC: indexing pauses for the connection when some came in. */
let messagesReceived = 0;
const overStdio = process.argv.includes('--stdio');
const overIpc = !overStdio && typeof process.send === 'function';
if (overStdio) process.stdin.on('data', () => messagesReceived++);
else if (overIpc) process.on('message', () => messagesReceived++);
const documents = new TextDocuments(TextDocument);
const model = new WorkspaceModel();

let settings: Settings = defaultSettings;
let filesExclude: string[] = [];
let initializationSettings: unknown;
const client = { configuration: false, dynamicWatch: false, dynamicConfiguration: false, workDoneProgress: false, renameFiles: false, prepareRename: false };
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
      publishCatalogSoon(uri);
      // While indexing, every note is published at the end anyway (and a first read changes 100,000 keys).
      if (state !== 'indexing') for (const note of model.notesCitingAny(changedKeys())) notesToRecheck.add(note);
      republishNotesSoon();
      statusSoon();
      const filePath = uriToPath(uri);
      if (fileWatcher && filePath && model.isCatalog(uri)) fileWatcher.watch(filePath);
    },
    // Over another transport (a socket), indexing pauses after every slice.
    messagesReceived: overStdio || overIpc ? () => messagesReceived : undefined,
    noteChanged: (uri) => {
      publishNoteSoon(uri);
      statusSoon();
    },
  },
  settings,
);

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
  // The client's storage folder for the catalog cache; any other client gets the user's cache folder.
  const storagePath = typeof options.storagePath === 'string' && path.isAbsolute(options.storagePath) ? options.storagePath : undefined;
  feeder.useCatalogReader({ cacheDir: storagePath ?? defaultCacheDir(), server: SERVER_VERSION });
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
      topicsChanged: () => statusSoon(),
      indexing: () => state === 'indexing',
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
  void indexWorkspace();
});

connection.onShutdown(async () => {
  indexingRun++;
  await Promise.all([feeder.flushCaches(), topicUpdater?.flush()]);
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
  feeder.configure(settings, filesExclude);
}

/** `files.exclude` as VS Code has it (`{ glob: true }`) or as a list. */
function excludeGlobs(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string');
  if (raw && typeof raw === 'object') return Object.entries(raw).filter(([, on]) => on === true).map(([glob]) => glob);
  return [];
}

connection.onDidChangeConfiguration(async (params) => {
  const before = JSON.stringify([settings.catalogs, settings.exclude, filesExclude]);
  if (client.configuration) {
    await loadSettings();
  } else {
    settings = parseSettings((params.settings as { litnotes?: unknown } | undefined)?.litnotes ?? params.settings);
    feeder.configure(settings, filesExclude);
  }
  if (JSON.stringify([settings.catalogs, settings.exclude, filesExclude]) !== before) void indexWorkspace();
  else void republishAll();
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
  notesToRecheck.clear();
  if (fileWatcher) for (const filePath of feeder.catalogPaths()) fileWatcher.watch(filePath);
  topicUpdater?.catalogChanged();
  void republishAll();
  sendStatus();
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
    published.delete(uri);
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

// ---- diagnostics ---------------------------------------------------------------------------

/** URIs whose last published diagnostics were not empty: they need an empty list when fixed. */
const published = new Set<string>();
const pendingNotes = new Map<string, NodeJS.Timeout>();
const NOTE_DIAGNOSTICS_DELAY_MS = 200;
let republishTimer: NodeJS.Timeout | undefined;

function publish(uri: string, diagnostics: Diagnostic[]): void {
  if (diagnostics.length === 0 && !published.has(uri)) return;
  if (diagnostics.length > 0) published.add(uri);
  else published.delete(uri);
  connection.sendDiagnostics({ uri: openUris.get(uri) ?? uri, diagnostics });
}

function publishNote(uri: string): void {
  publish(uri, noteDiagnostics(model, uri, settings));
}

function publishNoteSoon(uri: string): void {
  if (state === 'indexing' && openText(uri) === undefined) return; // published all at once when ready
  clearTimeout(pendingNotes.get(uri));
  pendingNotes.set(uri, setTimeout(() => {
    pendingNotes.delete(uri);
    guard('diagnostics', () => publishNote(uri));
  }, NOTE_DIAGNOSTICS_DELAY_MS));
}

function publishCatalogSoon(uri: string): void {
  guard('diagnostics', () => publish(uri, catalogDiagnostics(model, uri, settings)));
}

/** Notes citing keys that appeared or went away since diagnostics were last published. */
const notesToRecheck = new Set<string>();

/**
 * After a catalog changed: open notes, notes that had problems and notes citing a key that came or
 * went may have changed verdicts. Other notes cannot have: their keys are as known as before.
 */
function republishNotesSoon(): void {
  if (state === 'indexing') return; // everything is published once indexing is done
  clearTimeout(republishTimer);
  republishTimer = setTimeout(() => {
    guard('diagnostics', () => {
      const uris = new Set([...openUris.keys(), ...published, ...notesToRecheck].filter((uri) => model.note(uri)));
      notesToRecheck.clear();
      for (const uri of uris) publishNote(uri);
    });
  }, NOTE_DIAGNOSTICS_DELAY_MS);
}

let republishRun = 0;
/** Slices of this long between requests: 20,000 notes at once kept the server deaf for seconds. */
const REPUBLISH_SLICE_MS = 8;

/** Every catalog's and note's diagnostics again, in slices; a newer pass takes over from an older one. */
async function republishAll(): Promise<void> {
  const run = ++republishRun;
  guard('diagnostics', () => {
    for (const uri of model.catalogUris()) publish(uri, catalogDiagnostics(model, uri, settings));
  });
  let sliceStart = performance.now();
  for (const uri of model.noteUris()) {
    if (run !== republishRun) return;
    if (model.note(uri)) guard('diagnostics', () => publishNote(uri));
    if (performance.now() - sliceStart > REPUBLISH_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
}

// ---- index status --------------------------------------------------------------------------

const STATUS_INTERVAL_MS = 300;
let statusTimer: NodeJS.Timeout | undefined;

function currentStatus(): IndexStatus {
  return indexStatus(model, state);
}

function sendStatus(): void {
  clearTimeout(statusTimer);
  statusTimer = undefined;
  void connection.sendNotification(indexStatusNotification, currentStatus());
}

/** Throttled: at most one notification per interval while files stream in. */
function statusSoon(): void {
  if (statusTimer) return;
  statusTimer = setTimeout(sendStatus, STATUS_INTERVAL_MS);
}

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

function guard(name: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

connection.onCompletion(
  handle('completion', (params) => {
    const uri = normalizeUri(params.textDocument.uri);
    const text = openText(uri) ?? model.note(uri)?.text;
    if (text === undefined) return null;
    return provideCompletion(model, text, params.position, settings, completionClient) ?? null;
  }),
);

connection.onCompletionResolve(
  handle('completionItem/resolve', (item) => resolveCompletionItem(model, item as CompletionItem) as typeof item),
);

connection.onHover(handle('hover', (params) => provideHover(model, normalizeUri(params.textDocument.uri), params.position) ?? null));
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
    return provideCodeActions(model, normalizeUri(params.textDocument.uri), params.range, params.context.diagnostics as Diagnostic[]);
  }),
);
connection.onWorkspaceSymbol(handle('workspaceSymbol', (params) => provideWorkspaceSymbols(model, params.query)));

// ---- LitNotes requests (common/protocol.ts) --------------------------------------------------

connection.onRequest(topicsRequest, handle('litnotes/topics', (params) => topics(model, params ?? {}, settings)));
connection.onRequest(topicPapersRequest, handle('litnotes/topicPapers', (params) => topicPapers(model, params, settings)));
connection.onRequest(searchPapersRequest, handle('litnotes/searchPapers', (params) => searchPapers(model, params.query ?? '', params.limit, settings)));
connection.onRequest(relatedPapersRequest, handle('litnotes/relatedPapers', (params) => relatedPapers(model, params, settings)));
connection.onRequest(
  paperRequest,
  handle('litnotes/paper', (params) => {
    const details = paperDetails(model, params.key, settings);
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

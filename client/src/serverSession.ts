/**
 * One LitNotes server process and everything that lives exactly as long as it: the language
 * client, its file watcher, its index-status handler and state listener. "Restart Server" disposes
 * the session and starts a new one, so nothing is registered twice; the client's own automatic
 * restart after a crash keeps the session (its handlers survive inside the client).
 */
import * as vscode from 'vscode';
import { ErrorAction, LanguageClient, State, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { indexStatusNotification, indexStatusRequest, papersChangedNotification, type IndexStatus, type PapersChanged } from '../../common/protocol';
import { initializationOptions } from './config';

export interface SessionEvents {
  status(status: IndexStatus): void;
  /** Papers, the notes citing them or topics changed: the Papers view refreshes. */
  papersChanged(change: PapersChanged): void;
  /** The server stopped and the client gave up restarting it. */
  stopped(): void;
}

/** Notes, catalogs (BibTeX by language or extension; CSL-JSON/YAML are sniffed by the server). */
const documentSelector = [
  { scheme: 'file', language: 'markdown' },
  { scheme: 'file', language: 'bibtex' },
  { scheme: 'file', pattern: '**/*.bib' },
  { scheme: 'file', pattern: '**/*.{json,yaml,yml}' },
];

/**
 * What the server's process gets on top of the editor's environment. glibc (Linux) serves an
 * allocation from 128 KB on with its own mapping, given back to the system when freed, until the
 * first such block is freed: from then on it raises that threshold (up to 32 MB) and keeps what is
 * freed in its heaps. A start allocates thousands of buffers of 100 KB and more (the workers'
 * batches, the abstract counts), and a full collection of the main heap freed 107 MB of them at
 * ready at 100,000 papers while RSS fell by 3 MB. With the threshold fixed, RSS at ready went
 * 611–645 → 580–601 MB at 100,000 papers and 257–262 → 215–228 MB at 10,000; the peak until ready
 * 745–784 → 665–691 and 305–331 → 267–304 MB (cold starts alternated with and without it).
 * A value the user set is kept; other systems ignore it.
 */
function serverEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return env.MALLOC_MMAP_THRESHOLD_ === undefined ? { MALLOC_MMAP_THRESHOLD_: '131072' } : {};
}

export class ServerSession {
  readonly client: LanguageClient;
  private readonly disposables: vscode.Disposable[] = [];
  private disposing = false;

  /** `storage`: the extension's storage folder, where the server keeps its catalog cache. */
  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, private readonly events: SessionEvents, storage?: vscode.Uri) {
    const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
    const env = serverEnvironment(process.env);
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { env } },
      debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{bib,json,yaml,yml,md}');
    this.disposables.push(watcher);
    let restarts: ErrorHandler | undefined;
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      synchronize: { fileEvents: watcher, configurationSection: ['litnotes', 'files.exclude'] },
      initializationOptions: { ...initializationOptions(), storagePath: storage?.fsPath },
      outputChannel: log,
      // Hovers carry catalog text: never HTML, and no command links but Open PDF, whose argument
      // is only a key the command looks up (the server builds the link, never from catalog text).
      markdown: { isTrusted: { enabledCommands: ['litnotes.openPdf'] }, supportHtml: false },
      errorHandler: {
        // A server killed mid-work (out of memory, by the user) fails the writes in flight (EPIPE):
        // the default handler shuts the client down on those, and then never restarts the server.
        // Whether to start a new one is the close handler's call (at most 4 restarts in 3 minutes).
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => (restarts ??= this.client.createDefaultErrorHandler()).closed(),
      },
    };
    // The id `litnotes` makes the client read `litnotes.trace.server` by itself.
    this.client = new LanguageClient('litnotes', 'LitNotes', serverOptions, clientOptions);
    this.client.onNotification(indexStatusNotification, (status) => this.events.status(status));
    this.client.onNotification(papersChangedNotification, (change) => this.events.papersChanged(change));
    this.disposables.push(
      this.client.onDidChangeState((change) => {
        if (change.newState === State.Running) void this.fetchStatus();
        if (change.newState === State.Stopped && !this.disposing) this.events.stopped();
      }),
    );
  }

  async start(): Promise<void> {
    await this.client.start();
    await this.fetchStatus();
  }

  /** The client when its server is up; undefined while it starts, restarts or after it stopped. */
  running(): LanguageClient | undefined {
    return this.client.isRunning() ? this.client : undefined;
  }

  /** A notification may have gone out before the handler was attached: ask once on every (re)start. */
  private async fetchStatus(): Promise<void> {
    if (!this.client.isRunning()) return;
    try {
      this.events.status(await this.client.sendRequest(indexStatusRequest, undefined));
    } catch {
      // The notification brings the status as soon as the server has one.
    }
  }

  async dispose(): Promise<void> {
    this.disposing = true;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    try {
      await this.client.dispose(2000);
    } catch {
      // Already stopped or never started: nothing left to stop.
    }
  }
}

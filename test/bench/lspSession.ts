/**
 * One LitNotes server process driven over stdio as an editor would: initialize with a workspace
 * folder, open and edit notes, ask for completion and hover, tell it about files changed on disk.
 * Every request is timed from send to answer, in the bench process (a separate process, so the
 * server's own blocking shows as latency).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  createProtocolConnection,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionItem,
  type CompletionList,
  type Definition,
  type Hover,
  type LocationLink,
  type LogMessageParams,
  type Position,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { indexStatusNotification, topicsRequest, type IndexStatus, type TopicsParams, type TopicsResult } from '../../common/protocol';

export interface SessionOptions {
  /** Workspace folder (absolute path). */
  root: string;
  /** `litnotes.*` settings passed as initialization options. */
  settings?: Record<string, unknown>;
  /** Extra node flags for the server process (`--cpu-prof`, ...). */
  nodeFlags?: string[];
  /** The bundle to run; default dist/server.js. */
  serverPath?: string;
  /** The client's storage folder, where the server keeps its catalog cache (default: the user's cache folder). */
  storagePath?: string;
}

export interface LogLine {
  /** ms since the session's `initialize` was sent. */
  at: number;
  message: string;
}

export const BUILT_SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

/** USER_HZ: 100 on every Linux we run on. */
const CLOCK_TICKS = 100;

export class LspSession {
  readonly process: ChildProcess;
  private readonly connection: ProtocolConnection;
  /** performance.now() when `initialize` was sent: the zero of every `at`. */
  private t0 = 0;
  readonly logs: LogLine[] = [];
  private readyAt: number | undefined;
  private readonly readyWaiters: ((at: number) => void)[] = [];
  private readonly versions = new Map<string, number>();
  lastStatus: IndexStatus | undefined;

  constructor(private readonly options: SessionOptions) {
    this.process = spawn(process.execPath, [...(options.nodeFlags ?? []), options.serverPath ?? BUILT_SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(LogMessageNotification.method, (params: LogMessageParams) => {
      this.logs.push({ at: this.now(), message: params.message });
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, () => undefined);
    this.connection.onNotification(indexStatusNotification, (status) => {
      this.lastStatus = status;
      if (status.state === 'ready' && this.readyAt === undefined) {
        this.readyAt = this.now();
        for (const resolve of this.readyWaiters.splice(0)) resolve(this.readyAt);
      }
    });
    this.connection.onRequest(RegistrationRequest.method, () => null);
    this.connection.listen();
  }

  /** ms since `initialize` was sent. */
  now(): number {
    return performance.now() - this.t0;
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Sends `initialize` (the clock starts here, with the process still loading) and `initialized`. */
  async initialize(): Promise<void> {
    const rootUri = pathToFileURL(this.options.root).href;
    this.t0 = performance.now();
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      initializationOptions: { settings: this.options.settings ?? {}, storagePath: this.options.storagePath },
      // As VS Code: it watches files for the server (so the server does not use fs.watch).
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { completion: { completionItem: { snippetSupport: true, resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] } } }, hover: { contentFormat: ['markdown', 'plaintext'] } },
      },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Resolves with the time (since initialize) of the first `indexStatus` saying `ready`. */
  ready(): Promise<number> {
    if (this.readyAt !== undefined) return Promise.resolve(this.readyAt);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  get isReady(): boolean {
    return this.readyAt !== undefined;
  }

  uriOf(relativePath: string): string {
    return pathToFileURL(join(this.options.root, relativePath)).href;
  }

  async open(uri: string, text: string, languageId = 'markdown'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text (what an editor does on paste; the server re-reads the document either way). */
  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** One incremental edit, as an editor sends a keystroke. */
  async edit(uri: string, start: Position, end: Position, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range: { start, end }, text }] });
  }

  async fileChanged(uri: string): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Changed }] });
  }

  /** The keys completion offers, in the server's order (sortText), and how long the request took. */
  async complete(uri: string, position: Position): Promise<{ keys: string[]; ms: number }> {
    const started = performance.now();
    const result = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    const ms = performance.now() - started;
    const items: CompletionItem[] = !result ? [] : Array.isArray(result) ? result : (result as CompletionList).items;
    const sorted = [...items].sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1));
    return { keys: sorted.map((i) => i.label), ms };
  }

  async hover(uri: string, position: Position): Promise<{ text: string | undefined; ms: number }> {
    const started = performance.now();
    const result: Hover | null = await this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    const ms = performance.now() - started;
    const contents = result?.contents;
    const text = contents === undefined ? undefined : typeof contents === 'object' && 'value' in contents ? contents.value : JSON.stringify(contents);
    return { text, ms };
  }

  async definition(uri: string, position: Position): Promise<{ uris: string[]; ms: number }> {
    const started = performance.now();
    const result: Definition | LocationLink[] | null = await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
    const ms = performance.now() - started;
    const list = !result ? [] : Array.isArray(result) ? result : [result];
    return { uris: list.map((l) => ('targetUri' in l ? l.targetUri : l.uri)), ms };
  }

  /** `litnotes/topics` (the Papers view's first request), and how long it took. */
  async topics(params: TopicsParams = {}): Promise<{ result: TopicsResult; ms: number }> {
    const started = performance.now();
    const result = await this.connection.sendRequest(topicsRequest, params);
    return { result, ms: performance.now() - started };
  }

  /** The server's resident memory now and at its peak, from /proc (Linux). */
  memory(): { rssMB: number; peakMB: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: kB('VmRSS') / 1024, peakMB: kB('VmHWM') / 1024 };
  }

  /** CPU time (user + system) the server has used so far, from /proc (Linux): steadier than wall time on a busy machine. */
  cpuMs(): number {
    return cpuMsOf(`/proc/${this.pid}/stat`);
  }

  /** As `cpuMs`, the main thread alone (the one that answers requests; workers not counted). */
  mainThreadCpuMs(): number {
    return cpuMsOf(`/proc/${this.pid}/task/${this.pid}/stat`);
  }


  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    try {
      await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 10_000);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.process.kill();
    }
    await withTimeout(exited, 10_000).catch(() => this.process.kill('SIGKILL'));
    this.connection.dispose();
  }
}

/** CPU time of a process or thread from its /proc stat file. */
function cpuMsOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

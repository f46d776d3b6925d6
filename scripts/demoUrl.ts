// The address that opens the demo as a new user should first see it: the workspace folder with
// reading-list.md open (VS Code for the web opens the `openFile` of its `payload`). Used by
// scripts/demo.sh and by the real-editor tests, so both open the same first screen.
//   node --import tsx scripts/demoUrl.ts <port> <workspace folder>
import { pathToFileURL } from 'node:url';

export const DEMO_FIRST_FILE = 'reading-list.md';

export function demoUrl(port: number | string, folder: string): string {
  const host = `127.0.0.1:${port}`;
  // The remote authority must be the page's own host and port.
  const file = `vscode-remote://${host}${pathToFileURL(`${folder}/${DEMO_FIRST_FILE}`).pathname}`;
  const payload = JSON.stringify([['openFile', file], ['skipWelcome', 'true']]);
  return `http://${host}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [port, folder] = process.argv.slice(2);
  if (!port || !folder) {
    console.error('usage: node --import tsx scripts/demoUrl.ts <port> <workspace folder>');
    process.exit(2);
  }
  console.log(demoUrl(port, folder));
}

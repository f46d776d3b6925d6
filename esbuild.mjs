// Bundles the client (runs in VS Code's extension host) and the server (a plain Node process,
// `node dist/server.js --stdio` for any LSP client). Type checking is separate: `npm run typecheck`.
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', define: { 'process.env.LITNOTES_VERSION': JSON.stringify(version) } },
  // Reads and parses catalogs off the server's main thread (server/src/node/catalogWorker.ts).
  { ...common, entryPoints: ['server/src/node/catalogWorker.ts'], outfile: 'dist/catalogWorker.js' },
  // Runs the topic model off the server's main thread (server/src/node/topicWorker.ts).
  { ...common, entryPoints: ['server/src/node/topicWorker.ts'], outfile: 'dist/topicWorker.js' },
];

if (watch) {
  for (const options of builds) (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

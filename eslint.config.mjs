// One lint rule set for the project. Its main job is the architecture: the pure service under
// server/src (everything but the LSP glue) never imports vscode, the LSP libraries or Node built-ins.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'http', 'https', 'net', 'util', 'events', 'stream', 'zlib', 'buffer', 'timers', 'perf_hooks', 'readline', 'v8'];
const serviceForbidden = [
  { group: ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'The service is editor-agnostic: talk LSP only in server/src/server.ts.' },
  { group: [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'fs/*', 'node:fs/*'], message: 'The service does no I/O: the glue in server/src/node/ reads files and feeds the model.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/node_modules/**', '.e2e/**', 'bench-data/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/server.ts', 'server/src/node/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: serviceForbidden }] },
  },
  {
    // Features sit on top of the service: what both need lives below them (core/, catalog/, notes/).
    files: ['server/src/{core,catalog,notes,search,service}/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...serviceForbidden, { group: ['../features/*', '**/features/*'], message: 'The service does not import features: move what both need down (core/, notes/, catalog/).' }] },
      ],
    },
  },
  {
    // A catalog change goes one way: the intake makes an update, the feeder hands it to the model.
    files: ['server/src/service/catalogIntake.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...serviceForbidden,
            { group: ['../features/*', '**/features/*'], message: 'The service does not import features: move what both need down (core/, notes/, catalog/).' },
            { group: ['./workspaceModel', '**/workspaceModel'], message: 'The intake never calls the model: it returns a CatalogUpdate, which the feeder hands to the model.' },
          ],
        },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [serviceForbidden[0]] }] },
  },
);

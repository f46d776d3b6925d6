#!/usr/bin/env bash
# LitNotes in real editors: the packaged VSIX in a project-local code-server (VS Code 1.139) driven
# by Debian's Chromium (test/e2e/editor.test.ts), and the bundled server in Neovim
# (test/e2e/neovim.test.ts). Installs what is missing first; code-server's install is cached.
# Expects the root npm dependencies (npm ci). Screenshots and, on failure, extension host logs go
# to test-results/e2e/. SKIP_PACKAGE=1 reuses an existing VSIX instead of packaging the tree.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
bash scripts/e2e-setup.sh
vsix=litnotes-$(node -p "require('./package.json').version").vsix
if [[ "${SKIP_PACKAGE:-}" != 1 || ! -f $vsix ]]; then
  npm run package
else
  npm run build # the Neovim check runs dist/server.js
fi

started=$SECONDS
# One file at a time: each test file starts its own editor and they would compete for two cores.
node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  test/e2e/neovim.test.ts test/e2e/editor.test.ts
echo "e2e: real-editor tests took $((SECONDS - started)) s"

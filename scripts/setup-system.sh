#!/usr/bin/env bash
# Installs the Debian packages LitNotes' tests and demo need, only those that are missing:
#   chromium            the browser Playwright drives (never `npx playwright install`: no download here)
#   neovim              the second LSP client (test/e2e/neovim.test.ts)
#   pandoc              renders citations in the examples' notes
#   build-essential python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
#                       code-server's postinstall compiles VS Code's native modules from source
# Nothing else is installed globally: npm packages go into the project (node_modules, test/e2e/node_modules).
set -euo pipefail

packages=(chromium neovim pandoc build-essential python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

missing=()
for package in "${packages[@]}"; do
  # dpkg-query prints "install ok installed" only for a package that is fully installed.
  if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-system: all Debian packages present"
  exit 0
fi

echo "setup-system: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "setup-system: missing ${missing[*]}; run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update
"${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"

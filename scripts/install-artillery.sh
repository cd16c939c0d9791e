#!/usr/bin/env bash
# Installs artillery@2.0.34 (the release `stampede export artillery` pins) into .cache/artillery,
# for the scale-out test (test/scale-out/scale-out.test.ts), which links it into a temp
# project beside the engine tarball it packs and installs itself. Installing Artillery from the
# registry takes minutes (about 460 packages), too long for a test; this runs once. Safe to run
# again: a finished install is kept.
set -euo pipefail

ARTILLERY_VERSION=2.0.34
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.cache/artillery-$ARTILLERY_VERSION"
MARKER="$DIR/.installed"

if [ -f "$MARKER" ] && [ -f "$DIR/node_modules/artillery/package.json" ]; then
  echo "artillery $ARTILLERY_VERSION already installed in $DIR"
  exit 0
fi

# A half-finished install breaks the next attempt: start clean.
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
npm init -y >/dev/null
# Artillery's dependencies carry Playwright, whose install script downloads a browser: not
# needed here (and not reachable), so install scripts are skipped. Artillery declares Node
# >= 22.18 and runs on Node 20 with a warning.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --ignore-scripts "artillery@$ARTILLERY_VERSION"
touch "$MARKER"
echo "artillery $ARTILLERY_VERSION installed in $DIR"

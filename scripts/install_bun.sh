#!/usr/bin/env bash
# Installs the Bun that builds the release binaries (BUN_VERSION in scripts/compile.ts) from npm,
# unless `bun` on PATH is already that version. Used by .ci/run and the workflows.
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION="$(sed -n 's/^export const BUN_VERSION = "\(.*\)";$/\1/p' scripts/compile.ts)"
: "${BUN_VERSION:?no BUN_VERSION in scripts/compile.ts}"
if [ "$(bun --version 2>/dev/null || true)" != "$BUN_VERSION" ]; then
  npm install -g --allow-scripts=bun "bun@$BUN_VERSION"
  # If npm skipped bun's postinstall, run it: it puts the platform's binary in place.
  if [ "$(bun --version 2>/dev/null || true)" != "$BUN_VERSION" ]; then
    node "$(npm root -g)/bun/install.js"
  fi
fi
if [ "$(bun --version)" != "$BUN_VERSION" ]; then
  echo "bun $(bun --version) on PATH, not $BUN_VERSION" >&2
  exit 1
fi
echo "bun $BUN_VERSION"

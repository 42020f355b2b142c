#!/usr/bin/env bash
# Installs s3rver (npm, pinned) into DIR once; later runs reuse it.
set -euo pipefail
dir="$1"
if [[ -x "$dir/node_modules/.bin/s3rver" ]]; then exit 0; fi
mkdir -p "$dir"
cd "$dir"
cat > package.json <<'JSON'
{ "name": "fluxaws-s3rver", "private": true, "dependencies": { "s3rver": "3.7.1" } }
JSON
npm install --no-audit --no-fund --loglevel=error >/dev/null
test -x node_modules/.bin/s3rver

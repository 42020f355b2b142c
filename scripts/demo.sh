#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo.
# Until the demo world exists it shows the binary's version and help.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$(pwd)/.ccache}"
bash scripts/build.sh build >/dev/null
./build/runtime/fluxaws version
./build/runtime/fluxaws --help

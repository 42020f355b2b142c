#!/usr/bin/env bash
# Configures and builds one tree. Usage: build.sh BUILD_DIR [extra cmake args...]
# Ninja when it is installed (it keeps both cores busy across targets, where make
# waits for each library before compiling its dependents); a tree configured before
# keeps its generator.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$1"; shift
jobs="${FLUXAWS_JOBS:-$(nproc)}"
generator=()
if [[ ! -f "$dir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$dir" -j "$jobs"

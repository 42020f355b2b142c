#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test
# (unit and integration), then the unit tests again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh --test
export CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}"

echo "== build (Release)"
bash scripts/build.sh build
echo "== tests"
ctest --test-dir build --output-on-failure -j 2 --timeout 600

echo "== build (ASan+UBSan, unit tests only)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DFLUXAWS_SANITIZE=ON -DFLUXAWS_UNIT_ONLY=ON
echo "== unit tests under the sanitizers"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/ubsan.supp"
ctest --test-dir build-asan --output-on-failure -L unit -j 2 --timeout 600
echo "== all tests passed"

# The tenant-scale benchmark, short profile (benchmarks/README.md): writes
# build/benchmarks/results/latest.json and prints its table. It fails only on a broken run
# (objects not Ready, credential calls beyond the ideal), never on a timing.
echo "== benchmark: tenant scale, short profile"
bench_start=$(date +%s)
bench_rc=0
build/benchmarks/tenant_scale/bench_tenant_scale --profile short --out build/benchmarks/results || bench_rc=$?
echo "== benchmark took $(( $(date +%s) - bench_start )) s"
if [ "$bench_rc" -ne 0 ]; then
  echo "== benchmark: broken run (build/benchmarks/results/latest.txt)" >&2
  exit "$bench_rc"
fi

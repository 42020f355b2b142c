#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test,
# then the tenant-scale benchmark. Two trees keep it well under 30 minutes on 2 cores:
# build/ (Release) holds the programs, the integration tests and the peers' own unit
# tests; build-asan/ (ASan+UBSan) holds the libraries and tests/unit, which run there,
# under the sanitizers, rather than being compiled and run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Each step's header shows the time spent so far, so CI logs tell where the time goes.
step() { echo "== [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }

bash scripts/install-deps.sh --test
export CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}"

step "build (Release)"
bash scripts/build.sh build -DFLUXAWS_UNIT_TESTS=OFF
step "tests"
ctest --test-dir build --output-on-failure -j 2 --timeout 600

step "build (ASan+UBSan, unit tests only)"
# -g1: line tables for the reports' stack traces, without full debug info's build time.
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DFLUXAWS_SANITIZE=ON -DFLUXAWS_UNIT_ONLY=ON
step "unit tests under the sanitizers"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/ubsan.supp"
ctest --test-dir build-asan --output-on-failure -L unit -j 2 --timeout 600
step "all tests passed"

# The tenant-scale benchmark, short profile (benchmarks/README.md): writes
# build/benchmarks/results/latest.json and prints its table. It fails only on a broken run
# (objects not Ready, credential calls beyond the ideal), never on a timing.
step "benchmark: tenant scale, short profile"
bench_start=$(date +%s)
bench_rc=0
build/benchmarks/tenant_scale/bench_tenant_scale --profile short --out build/benchmarks/results || bench_rc=$?
step "benchmark took $(( $(date +%s) - bench_start )) s"
if [ "$bench_rc" -ne 0 ]; then
  echo "== benchmark: broken run (build/benchmarks/results/latest.txt)" >&2
  exit "$bench_rc"
fi

#!/usr/bin/env bash
# Installs what fluxaws needs to build, test and run its demo on Debian 12.
# Idempotent: when every package is present it does nothing (no apt-get update).
set -euo pipefail

packages=(
  g++ cmake make ninja-build ccache ca-certificates zlib1g-dev
  libcaf-dev libcurl4-openssl-dev libssl-dev libsimdjson-dev
  libboost-test-dev libboost-dev libyaml-cpp-dev libre2-dev libarchive-dev
  # real peers for the integration tests, the demo and the benchmark
  docker-registry curl openssl
)
# Extra tools only the test run uses (the JS SDK check, s3rver, benchmark peers).
if [[ "${1:-}" == "--test" ]]; then
  packages+=(skopeo awscli)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo" || { echo "install-deps: need root for: ${missing[*]}" >&2; exit 1; }
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

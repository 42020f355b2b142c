#!/usr/bin/env bash
# run_sdk_check.sh EMULATOR_BIN SOURCE_DIR WORK_DIR — the CTest driver of the JS SDK check.
# Installs the pinned SDK (npm ci, reusing the npm cache; skipped when WORK_DIR already
# holds this exact lock file), starts fluxaws-emulator with the conformance world and the
# assume-role world (temporary state dirs, bounded waits), sources the conformance
# emulator's env file, runs sdk_check.js, and always stops both emulators.
set -euo pipefail
bin=$1 src=$2 work=$3
mkdir -p "$work"
cp "$src/js/package.json" "$src/js/package-lock.json" "$src/js/sdk_check.js" "$work/"
cd "$work"
if ! cmp -s package-lock.json node_modules/.fluxaws-lock 2>/dev/null; then
  timeout 900 npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  cp package-lock.json node_modules/.fluxaws-lock
fi

conf_state=$(mktemp -d /tmp/fluxaws-emu-js-XXXXXX)
assume_state=$(mktemp -d /tmp/fluxaws-emu-js-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$conf_state" "$assume_state"
}
trap cleanup EXIT

"$bin" --world "$src/worlds/conformance.yaml" --listen 127.0.0.1:0 --state-dir "$conf_state" --quiet &
pids+=($!)
"$bin" --world "$src/worlds/assume-role.yaml" --listen 127.0.0.1:0 --state-dir "$assume_state" --no-registry --quiet &
pids+=($!)
for dir in "$conf_state" "$assume_state"; do
  for _ in $(seq 1 6000); do
    [ -f "$dir/ready.json" ] && break
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { echo "fluxaws-emulator exited early" >&2; exit 1; }; done
    sleep 0.1
  done
  [ -f "$dir/ready.json" ] || { echo "fluxaws-emulator not ready in 600 s" >&2; exit 1; }
done

unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
# shellcheck disable=SC1091
. "$conf_state/env"
cat "$conf_state/ca.pem" "$assume_state/ca.pem" > "$conf_state/both-ca.pem"
export NODE_EXTRA_CA_CERTS="$conf_state/both-ca.pem"
export EMU_STATE="$conf_state" EMU_ASSUME_STATE="$assume_state" EMU_WORLDS="$src/worlds"
timeout 600 node sdk_check.js

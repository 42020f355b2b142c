#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts the local AWS
# emulator with the demo world (three tenants, a real OCI registry behind its ECR
# front), runs `fluxaws run --once` over examples/, prints the status table, and stops
# everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}"
echo "== building fluxaws and the emulator (first time: several minutes)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "${FLUXAWS_JOBS:-$(nproc)}" --target fluxaws fluxaws-emulator >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/fluxaws-demo.XXXXXX")
emu_pid=""
cleanup() {
  if [[ -n "$emu_pid" ]] && kill -0 "$emu_pid" 2>/dev/null; then
    kill -TERM "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== starting the AWS emulator (STS, ECR + docker-registry, S3, KMS, Pod Identity) on loopback"
./build/tests/emulator/fluxaws-emulator --world tests/emulator/worlds/demo.yaml --listen 127.0.0.1:0 \
  --state-dir "$work/emulator" --quiet >"$work/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 600); do
  [[ -f "$work/emulator/ready.json" ]] && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
  sleep 0.1
done
[[ -f "$work/emulator/ready.json" ]] || { echo "the emulator did not start"; cat "$work/emulator.log"; exit 1; }

# The controller's own identity (team-keys' ECR objects use it): EKS Pod Identity, as
# the agent would hand it to the fluxaws pod.
export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials
export AWS_CONTAINER_AUTHORIZATION_TOKEN=demo-pod-identity-token-fluxaws

probe_port() { python3 - 2>/dev/null <<'PY' || echo $((20000 + RANDOM % 20000))
import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}
metrics_port=$(probe_port)
# Watch /readyz from before fluxaws listens: 503 until the objects are listed, then 200.
(
  last=""
  while true; do
    code=$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$metrics_port/readyz" 2>/dev/null || true)
    if [[ "$code" != "000" && "$code" != "$last" ]]; then echo -n " $code" >>"$work/readyz.txt"; last=$code; fi
    if [[ "$code" == "200" ]]; then
      curl -s -m 1 "http://127.0.0.1:$metrics_port/metrics" -o "$work/metrics.next" 2>/dev/null &&
        mv "$work/metrics.next" "$work/metrics.txt"
      sleep 0.05
    fi
  done
) &
poll_pid=$!
echo "== fluxaws run --once over examples/ (3 tenants x 6 objects)"
./build/runtime/fluxaws run --config "$work/emulator/fluxaws.yaml" --objects examples --state-dir "$work/state" \
  --once --once-timeout 3m --feature-gates=ObjectLevelWorkloadIdentity=true --storage-addr 127.0.0.1:0 \
  --metrics-addr "127.0.0.1:$metrics_port" --health-addr "127.0.0.1:$metrics_port" \
  >"$work/table.txt" 2>"$work/fluxaws.log" &
run_pid=$!
rc=0
wait "$run_pid" || rc=$?
kill "$poll_pid" 2>/dev/null || true
wait "$poll_pid" 2>/dev/null || true

echo
cat "$work/table.txt"
echo
echo "/readyz during the run:$(cat "$work/readyz.txt" 2>/dev/null || echo ' (not reached)')"
if [[ -f "$work/metrics.txt" ]]; then
  echo "from /metrics (the last scrape):"
  grep -E '^(fluxaws_reconciles_total|fluxaws_aws_calls_total\{operation="(AssumeRoleWithWebIdentity|GetAuthorizationToken|Decrypt)"|gotk_token_cache_requests_total)' \
    "$work/metrics.txt" | grep -v ' 0$' | sed 's/^/  /' | head -16
fi
echo
case "$rc" in
  0) echo "All objects are Ready." ;;
  1) echo "team-irsa and team-keys are Ready; team-denied's role may read its bucket only, so its" \
          "OCIRepository and ImageRepository show the registry's 403, its ImagePolicy has no tags," \
          "and its Kustomization cannot decrypt its Secret (KMS AccessDeniedException) — as intended." ;;
  *) echo "fluxaws exited with $rc; its log:"; tail -20 "$work/fluxaws.log"; exit "$rc" ;;
esac
echo "Decrypted Secrets were applied to the state directory only (mode 0600); nothing secret was logged."

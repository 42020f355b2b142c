#!/usr/bin/env bash
# Renders a policy template of this folder with values for its placeholders.
#   deploy/aws/render.sh TEMPLATE.json KEY=VALUE... > policy.json
# Placeholders: ACCOUNT_ID REGION BUCKET_NAME KMS_KEY_ID REPOSITORY_NAME OIDC_PROVIDER
# NAMESPACE SERVICE_ACCOUNT. Fails when one is left unset or the result is not JSON, so
# a template never reaches IAM (or the emulator's world) half-filled.
set -euo pipefail
if (($# < 1)); then
  echo "usage: $0 TEMPLATE.json KEY=VALUE..." >&2
  exit 2
fi
template=$1
shift
[[ -r $template ]] || { echo "render: cannot read $template" >&2; exit 2; }
placeholders=(ACCOUNT_ID REGION BUCKET_NAME KMS_KEY_ID REPOSITORY_NAME OIDC_PROVIDER NAMESPACE SERVICE_ACCOUNT)
text=$(cat "$template")
for kv in "$@"; do
  key=${kv%%=*}
  value=${kv#*=}
  [[ $kv == *=* && -n $key ]] || { echo "render: expected KEY=VALUE, got '$kv'" >&2; exit 2; }
  known=0
  for p in "${placeholders[@]}"; do [[ $p == "$key" ]] && known=1; done
  ((known)) || { echo "render: unknown placeholder $key" >&2; exit 2; }
  [[ $value != *'"'* && $value != *'\'* ]] || { echo "render: $key must not contain quotes or backslashes" >&2; exit 2; }
  text=${text//$key/$value}
done
for p in "${placeholders[@]}"; do
  if [[ $text == *"$p"* ]]; then
    echo "render: $template still has $p; pass $p=..." >&2
    exit 1
  fi
done
if command -v python3 >/dev/null 2>&1; then
  printf '%s\n' "$text" | python3 -c 'import json,sys; json.load(sys.stdin)' ||
    { echo "render: the result is not valid JSON" >&2; exit 1; }
fi
printf '%s\n' "$text"

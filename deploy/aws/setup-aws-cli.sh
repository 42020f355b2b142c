#!/usr/bin/env bash
# Creates fluxaws's IAM role and least-privilege policies with the aws CLI, from the
# JSON documents beside this script (rendered by render.sh, so the CLI applies exactly
# what the e2e test proves sufficient).
#
#   ACCOUNT_ID=123456789012 REGION=eu-west-1 \
#   BUCKET_NAME=my-manifests KMS_KEY_ID=1234abcd-... REPOSITORY_NAME=team-a/app \
#   INTEGRATION=irsa OIDC_PROVIDER=oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE \
#   deploy/aws/setup-aws-cli.sh
#
# INTEGRATION: irsa | oidc (non-EKS issuer) | pod-identity (then CLUSTER_NAME too).
# Optional: ROLE_NAME (fluxaws), NAMESPACE (fluxaws-system), SERVICE_ACCOUNT (fluxaws),
# and SKIP_S3=1 / SKIP_ECR=1 / SKIP_KMS=1 for integrations you do not use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${ACCOUNT_ID:?}" "${REGION:?}" "${INTEGRATION:?irsa, oidc or pod-identity}"
ROLE_NAME=${ROLE_NAME:-fluxaws}
NAMESPACE=${NAMESPACE:-fluxaws-system}
SERVICE_ACCOUNT=${SERVICE_ACCOUNT:-fluxaws}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render() {  # render TEMPLATE OUT KEY... (values from the environment)
  local template=$1 out=$2
  shift 2
  local args=()
  for k in "$@"; do args+=("$k=${!k:?$k is required for $template}"); done
  "$here/render.sh" "$here/$template" "${args[@]}" >"$out"
}

case $INTEGRATION in
  irsa) render trust-irsa.json "$tmp/trust.json" ACCOUNT_ID OIDC_PROVIDER NAMESPACE SERVICE_ACCOUNT ;;
  oidc) render trust-oidc.json "$tmp/trust.json" ACCOUNT_ID OIDC_PROVIDER NAMESPACE SERVICE_ACCOUNT ;;
  pod-identity) render trust-pod-identity.json "$tmp/trust.json" ;;
  *) echo "INTEGRATION must be irsa, oidc or pod-identity" >&2; exit 2 ;;
esac

aws iam create-role --role-name "$ROLE_NAME" \
  --assume-role-policy-document "file://$tmp/trust.json" \
  --description "fluxaws: Flux objects reconciled against AWS"

attach() {  # attach NAME RENDERED.json
  local arn
  arn=$(aws iam create-policy --policy-name "$ROLE_NAME-$1" --policy-document "file://$2" \
          --query Policy.Arn --output text)
  aws iam attach-role-policy --role-name "$ROLE_NAME" --policy-arn "$arn"
}
if [[ -z ${SKIP_ECR:-} ]]; then
  render policy-ecr-read.json "$tmp/ecr.json" REGION ACCOUNT_ID REPOSITORY_NAME
  attach ecr-read "$tmp/ecr.json"
fi
if [[ -z ${SKIP_S3:-} ]]; then
  render policy-s3-read.json "$tmp/s3.json" BUCKET_NAME
  attach s3-read "$tmp/s3.json"
fi
if [[ -z ${SKIP_KMS:-} ]]; then
  render policy-kms-decrypt.json "$tmp/kms.json" REGION ACCOUNT_ID KMS_KEY_ID
  attach kms-decrypt "$tmp/kms.json"
fi

if [[ $INTEGRATION == pod-identity ]]; then
  : "${CLUSTER_NAME:?CLUSTER_NAME is required for pod-identity}"
  aws eks create-pod-identity-association --cluster-name "$CLUSTER_NAME" \
    --namespace "$NAMESPACE" --service-account "$SERVICE_ACCOUNT" \
    --role-arn "arn:aws:iam::$ACCOUNT_ID:role/$ROLE_NAME"
fi
echo "role arn:aws:iam::$ACCOUNT_ID:role/$ROLE_NAME ready"

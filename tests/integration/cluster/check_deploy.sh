#!/usr/bin/env bash
# Checks deploy/: every kustomization renders with kubectl kustomize and carries what
# its integration needs; the IAM templates render to valid JSON only when every
# placeholder is given; the ACK custom resources hold exactly the JSON documents; the
# Terraform is formatted; the Flux-side sharding patch applies to Flux's controllers.
# Usage: check_deploy.sh REPO_ROOT
set -euo pipefail
root=${1:?repo root}
deploy=$root/deploy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    passes=$((passes + 1))
  else
    failures=$((failures + 1))
    echo "FAIL: $name"
    sed 's/^/    /' "$tmp/out" | head -20
  fi
}
render() { kubectl kustomize "$1" >"$tmp/$(basename "$1").yaml"; }
has() { grep -qF -- "$2" "$tmp/$1.yaml"; }
hasnt() { ! grep -qF -- "$2" "$tmp/$1.yaml"; }

check "base renders" render "$deploy/base"
for o in "$deploy"/overlays/*/; do
  o=${o%/}
  check "overlay $(basename "$o") renders" render "$o"
done
check "ack renders" render "$deploy/aws/ack"

# The base: hardened, probed, least privilege.
check "base runs as non-root" has base "runAsNonRoot: true"
check "base has a read-only root filesystem" has base "readOnlyRootFilesystem: true"
check "base probes /healthz" has base "path: /healthz"
check "base probes /readyz" has base "path: /readyz"
check "base mounts the config" has base "--config=/etc/fluxaws/fluxaws.yaml"
check "base ClusterRole mints tokens" has base "serviceaccounts/token"
check "base ClusterRole has no wildcard" hasnt base '"*"'
check "base never creates Secrets" bash -c "! grep -A3 'secrets\"\\?\\]' '$tmp/base.yaml' | grep -q create"
# Each overlay: what its integration needs.
check "eks-irsa annotates the ServiceAccount" has eks-irsa "eks.amazonaws.com/role-arn: arn:aws:iam::ACCOUNT_ID:role/fluxaws"
check "oidc-non-eks projects the token" has oidc-non-eks "audience: sts.amazonaws.com"
check "oidc-non-eks token path" has oidc-non-eks "value: /var/run/service-account/aws-token"
for v in AWS_REGION AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE; do
  check "oidc-non-eks sets $v" has oidc-non-eks "name: $v"
done
check "pod-identity changes nothing" diff <(grep -v '^#' "$tmp/base.yaml") <(grep -v '^#' "$tmp/pod-identity.yaml")
check "access-keys reads accesskey" has access-keys "key: accesskey"
check "access-keys reads secretkey" has access-keys "key: secretkey"
check "access-keys sets AWS_SECRET_ACCESS_KEY" has access-keys "name: AWS_SECRET_ACCESS_KEY"
check "object-level feature gate" has object-level "--feature-gates=ObjectLevelWorkloadIdentity=true"
check "object-level lockdown" has object-level "--no-cross-namespace-refs=true"
check "object-level default ServiceAccount" has object-level "--default-service-account=default"
check "sharded selector" has sharded "--watch-label-selector=sharding.fluxcd.io/key=fluxaws"

# Flux's side of sharding: the patch applies to stand-ins of Flux's controllers.
mkdir -p "$tmp/flux-system"
cp "$deploy/overlays/sharded/flux-system-patch.yaml" "$tmp/flux-system/"
for c in source-controller image-reflector-controller kustomize-controller notification-controller; do
  cat >>"$tmp/flux-system/gotk-components.yaml" <<YAML
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $c, namespace: flux-system}
spec:
  selector: {matchLabels: {app: $c}}
  template:
    metadata: {labels: {app: $c}}
    spec:
      containers:
        - name: manager
          image: ghcr.io/fluxcd/$c
          args: [--events-addr=http://notification-controller.flux-system.svc.cluster.local./]
YAML
done
cat >"$tmp/flux-system/kustomization.yaml" <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [gotk-components.yaml]
patches:
  - path: flux-system-patch.yaml
    target:
      kind: Deployment
      name: (source-controller|image-reflector-controller|kustomize-controller)
YAML
check "flux-system patch renders" render "$tmp/flux-system"
check "flux controllers skip sharded objects" test "$(grep -c -- '--watch-label-selector=!sharding.fluxcd.io/key' "$tmp/flux-system.yaml")" -eq 3

# IAM templates: rendered with values they are JSON without placeholders; a missing
# value is refused.
values=(ACCOUNT_ID=123456789012 REGION=eu-west-1 BUCKET_NAME=manifests KMS_KEY_ID=1234abcd-12ab-34cd-56ef-1234567890ab
        REPOSITORY_NAME=team-a/app OIDC_PROVIDER=oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE
        NAMESPACE=fluxaws-system SERVICE_ACCOUNT=fluxaws)
for t in "$deploy"/aws/*.json; do
  name=$(basename "$t" .json)
  check "$name renders" bash -c "'$deploy/aws/render.sh' '$t' ${values[*]} > '$tmp/$name.rendered.json'"
  check "$name is a policy document" python3 -c "
import json,sys
d=json.load(open('$tmp/$name.rendered.json'))
assert d['Version']=='2012-10-17' and d['Statement'], d
for s in d['Statement']:
    assert s['Effect']=='Allow' and s['Action'] and ('Resource' in s or 'Principal' in s), s
    acts=s['Action'] if isinstance(s['Action'],list) else [s['Action']]
    assert all('*' not in a for a in acts), 'wildcard action in '+str(acts)
    if 'Resource' in s and s['Resource']=='*': assert acts==['ecr:GetAuthorizationToken'], acts
"
done
check "render refuses a missing value" bash -c "! '$deploy/aws/render.sh' '$deploy/aws/policy-s3-read.json' REGION=x"
check "render refuses an unknown key" bash -c "! '$deploy/aws/render.sh' '$deploy/aws/policy-s3-read.json' BUCKET=x"
check "render fills the s3 bucket" grep -q '"arn:aws:s3:::manifests/\*"' "$tmp/policy-s3-read.rendered.json"

# ACK custom resources hold the same documents as the JSON files.
check "ack policies match the JSON documents" python3 - "$deploy" <<'PY'
import json, re, sys
deploy = sys.argv[1]
text = open(deploy + "/aws/ack/policies.yaml").read()
docs = {}
for block in text.split("\n---\n"):
    name = re.search(r"^  name: (\S+)", block, re.M).group(1)
    body = block.split("policyDocument: |\n", 1)[1]
    docs[name] = json.loads("\n".join(l[4:] for l in body.splitlines()))
for name, file in [("fluxaws-ecr-read", "policy-ecr-read"), ("fluxaws-s3-read", "policy-s3-read"),
                   ("fluxaws-kms-decrypt", "policy-kms-decrypt")]:
    want = json.load(open(f"{deploy}/aws/{file}.json"))
    assert docs[name] == want, f"{name} differs from {file}.json"
role = open(deploy + "/aws/ack/role-irsa.yaml").read().split("assumeRolePolicyDocument: |\n", 1)[1].split("\n  policyRefs:")[0]
got = json.loads("\n".join(l[4:] for l in role.splitlines()))
want = json.loads(open(deploy + "/aws/trust-irsa.json").read().replace("NAMESPACE", "fluxaws-system").replace("SERVICE_ACCOUNT", "fluxaws"))
assert got == want, "role-irsa.yaml differs from trust-irsa.json"
PY

if command -v terraform >/dev/null 2>&1; then
  check "terraform is formatted" env TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check "$deploy/aws/terraform"
fi
check "aws cli script parses" bash -n "$deploy/aws/setup-aws-cli.sh"

echo "$passes passed, $failures failed"
((failures == 0))

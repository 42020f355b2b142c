# fluxaws's IAM role and least-privilege policies as Terraform resources. The policy
# documents are the JSON files of deploy/aws/ with their placeholders filled in, so
# Terraform grants exactly what the e2e test proves sufficient.
#
#   terraform apply -var account_id=123456789012 -var region=eu-west-1 \
#     -var integration=irsa -var oidc_provider=oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE \
#     -var bucket_name=my-manifests -var kms_key_id=1234abcd-... -var repository_name=team-a/app

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.30"
    }
  }
}

variable "account_id" { type = string }
variable "region" { type = string }
variable "integration" {
  type        = string
  description = "irsa, oidc or pod-identity"
  validation {
    condition     = contains(["irsa", "oidc", "pod-identity"], var.integration)
    error_message = "integration must be irsa, oidc or pod-identity."
  }
}
variable "oidc_provider" {
  type        = string
  default     = ""
  description = "issuer host and path, e.g. oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE (irsa, oidc)"
}
variable "cluster_name" {
  type    = string
  default = ""
}
variable "role_name" {
  type    = string
  default = "fluxaws"
}
variable "namespace" {
  type    = string
  default = "fluxaws-system"
}
variable "service_account" {
  type    = string
  default = "fluxaws"
}
variable "bucket_name" {
  type    = string
  default = ""
}
variable "kms_key_id" {
  type    = string
  default = ""
}
variable "repository_name" {
  type    = string
  default = ""
}

locals {
  values = {
    ACCOUNT_ID      = var.account_id
    REGION          = var.region
    OIDC_PROVIDER   = var.oidc_provider
    NAMESPACE       = var.namespace
    SERVICE_ACCOUNT = var.service_account
    BUCKET_NAME     = var.bucket_name
    KMS_KEY_ID      = var.kms_key_id
    REPOSITORY_NAME = var.repository_name
  }
  # Fills every placeholder of a template (as render.sh does).
  render = { for name in ["trust-irsa", "trust-oidc", "trust-pod-identity", "policy-ecr-read", "policy-s3-read", "policy-kms-decrypt"] :
    name => join("", [for part in regexall("[A-Z_]+|[^A-Z_]+", file("${path.module}/../${name}.json")) :
    lookup(local.values, part, part)])
  }
  trust = {
    irsa           = local.render["trust-irsa"]
    oidc           = local.render["trust-oidc"]
    "pod-identity" = local.render["trust-pod-identity"]
  }
  policies = merge(
    var.repository_name != "" ? { "ecr-read" = local.render["policy-ecr-read"] } : {},
    var.bucket_name != "" ? { "s3-read" = local.render["policy-s3-read"] } : {},
    var.kms_key_id != "" ? { "kms-decrypt" = local.render["policy-kms-decrypt"] } : {},
  )
}

resource "aws_iam_role" "fluxaws" {
  name               = var.role_name
  description        = "fluxaws: Flux objects reconciled against AWS"
  assume_role_policy = local.trust[var.integration]
}

resource "aws_iam_policy" "fluxaws" {
  for_each = local.policies
  name     = "${var.role_name}-${each.key}"
  policy   = each.value
}

resource "aws_iam_role_policy_attachment" "fluxaws" {
  for_each   = local.policies
  role       = aws_iam_role.fluxaws.name
  policy_arn = aws_iam_policy.fluxaws[each.key].arn
}

resource "aws_eks_pod_identity_association" "fluxaws" {
  count           = var.integration == "pod-identity" ? 1 : 0
  cluster_name    = var.cluster_name
  namespace       = var.namespace
  service_account = var.service_account
  role_arn        = aws_iam_role.fluxaws.arn
}

output "role_arn" {
  value = aws_iam_role.fluxaws.arn
}

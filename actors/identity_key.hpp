// The identity key of DESIGN.md ("Credentials"): everything that decides which AWS
// principal a credential belongs to and how it is obtained. Equal keys share one
// token-cache actor; any difference — another role ARN (a changed annotation), another
// ServiceAccount, region or STS endpoint, a rotated Secret (another key id or secret
// hash), a chained role — is another key, hence another cache.
//
// Contract: canonical() is deterministic, unambiguous (one "name=value" line per field,
// values without newlines) and holds no secret: a static secret appears only as
// secret_hash, an HMAC-SHA256 under a per-process salt. describe() is what logs and
// condition messages may show.
#pragma once

#include <string>
#include <vector>

namespace fluxaws::actors {

struct identity_key {
  std::string provider = "aws";
  // "serviceaccount" (object-level OIDC federation), "secret" (static keys of the
  // object's Secret), "controller:<source>" (the default chain: static, web-identity,
  // container), "node" (IMDS: the instance role, ECR only).
  std::string source;
  std::string role_arn;
  std::string sa_namespace;
  std::string sa_name;
  std::vector<std::string> audiences;
  std::string region;        // the STS region where it matters, else empty
  std::string sts_endpoint;  // an explicit STS endpoint, else empty
  std::string access_key_id;
  std::string secret_hash;   // hex; never the secret
  std::string assume_role_arn;  // a role chained on top (SOPS kms role), else empty

  std::string canonical() const;
  std::string describe() const;
  friend bool operator==(const identity_key&, const identity_key&) = default;
};

// HMAC-SHA256(salt, secret "\n" session token), hex.
std::string static_secret_hash(const std::string& salt, const std::string& secret_access_key,
                               const std::string& session_token);

}  // namespace fluxaws::actors

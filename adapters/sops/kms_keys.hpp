// What a caller needs to recover a document's data key through AWS KMS, as SOPS'
// kms key source does it (kms/keysource.go):
//   - kms_master_keys: the KMS master keys to try, in order, per key group: ARN,
//     region (group 1 of ^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)/.+$), role to
//     assume first (if any), encryption context, and the CiphertextBlob (enc,
//     base64-decoded) for KMS Decrypt. A document with no KMS key (only age/PGP/…)
//     is a clear error naming the key types it has.
//   - role_session_name: "sops@<hostname>" for STS AssumeRole, the hostname stripped
//     by SOPS' pattern [^a-zA-Z0-9=,.@-_]+ (where "@-_" is a range, so '-' goes too)
//     and the name cut to 64 characters.
//   - data_key_from_parts: the data key from the part each key group yielded: with one
//     group its part is the key; with several, SOPS' Shamir combine once at least
//     shamir_threshold groups answered.
// aws_profile is ignored, as Flux does.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/sops/metadata.hpp"

namespace fluxaws::sops {

struct kms_master_key {
  std::size_t group = 0;  // index into metadata::key_groups
  std::string arn;
  std::string region;
  std::string role;  // empty: use the caller's own credentials
  std::vector<std::pair<std::string, std::string>> encryption_context;
  std::string ciphertext_blob;  // raw bytes for KMS Decrypt
};

result<std::vector<kms_master_key>> kms_master_keys(const metadata& meta);
std::optional<std::string> region_from_kms_arn(std::string_view arn);
std::string role_session_name(std::string_view hostname);
std::string role_session_name();  // this machine's hostname

// parts[i] is what key group i yielded (nullopt when none of its keys decrypted).
result<std::string> data_key_from_parts(const metadata& meta, const std::vector<std::optional<std::string>>& parts);

}  // namespace fluxaws::sops

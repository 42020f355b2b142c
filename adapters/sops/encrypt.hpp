// SOPS documents, encryption side (test fixtures and tools): encrypts a plaintext
// document under a given data key the way `sops --encrypt` does — every value the
// rule selects becomes ENC[…] with its path as additional data, the MAC covers the
// plaintext values, and the metadata lists the given master keys (their `enc` is
// the caller's business: for KMS, base64 of the CiphertextBlob that wraps the data
// key, or the Shamir part of the group). Output decrypts with sops itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/sops/format.hpp"
#include "adapters/sops/metadata.hpp"

namespace fluxaws::sops {

// Flux's documented rule for Kubernetes Secrets.
inline constexpr std::string_view kubernetes_secret_regex = "^(data|stringData)$";

struct encrypt_options {
  std::vector<key_group> key_groups;  // at least one master key overall
  int shamir_threshold = 0;           // with several groups; 0 means all groups
  std::string lastmodified;           // RFC 3339; empty means now (UTC, seconds)
  std::string version = "3.9.4";
  // At most one rule; none means unencrypted_suffix "_unencrypted".
  std::string unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex;
  std::string unencrypted_comment_regex, encrypted_comment_regex;
  bool mac_only_encrypted = false;
  std::optional<format> output_format;  // defaults to the input format

  // One key group of KMS entries and encrypted_regex ^(data|stringData)$.
  static encrypt_options for_kubernetes_secret(std::vector<kms_entry> kms);
};

result<std::string> encrypt(std::string_view plaintext, format fmt, std::string_view data_key,
                            const encrypt_options& opts);
result<json::value> encrypt_manifest(const json::value& manifest, std::string_view data_key,
                                     const encrypt_options& opts);

}  // namespace fluxaws::sops

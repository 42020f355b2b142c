// SOPS fixtures for the Kustomization tests, built in the test setup:
//   - Secrets encrypted by fluxaws's own SOPS encryption under a data key the test
//     chooses, with a KMS master key entry whose `enc` the caller supplies (the fake
//     KMS's or the emulator's ciphertext of that data key);
//   - the shared real files (testdata/sops, written by the real sops with age keys)
//     "re-keyed": their master keys replaced by one KMS entry wrapping the same data
//     key. The values, MAC and layout stay the real tool's; only the key list changes,
//     which the MAC does not cover.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/sops/metadata.hpp"

namespace ks_test {

// testdata/sops/<rel> (FLUXAWS_SHARED_DIR), and the data key expected.json gives for it.
std::string shared_sops_file(const std::string& rel);
std::string shared_data_key(const std::string& rel);

fluxaws::sops::kms_entry kms_entry(const std::string& arn, const std::string& ciphertext_blob,
                                   std::vector<std::pair<std::string, std::string>> context = {});

// A v1 Secret named `name` in `ns` with stringData, encrypted whole (encrypted_regex
// ^(data|stringData)$) under data_key with the given KMS entry.
fluxaws::json::value encrypted_secret(const std::string& ns, const std::string& name,
                                      const std::vector<std::pair<std::string, std::string>>& string_data,
                                      const std::string& data_key, const fluxaws::sops::kms_entry& kms);

// A whole SOPS document (YAML in, `fmt` out: yaml/json) as a Secret data value.
std::string encrypted_document(const std::string& plaintext_yaml, const std::string& data_key,
                               const fluxaws::sops::kms_entry& kms);

// Re-keying the real files: a YAML/JSON manifest (object form), a JSON document
// (binary envelope) text, a dotenv text.
fluxaws::json::value rekey_manifest(fluxaws::json::value manifest, const fluxaws::sops::kms_entry& kms);
std::string rekey_json_text(const std::string& text, const fluxaws::sops::kms_entry& kms);
std::string rekey_dotenv_text(const std::string& text, const fluxaws::sops::kms_entry& kms);

}  // namespace ks_test

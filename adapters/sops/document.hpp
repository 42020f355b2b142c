// SOPS documents, decryption side. The flow a caller follows:
//   1. parse_document(bytes, format) (or parse_manifest for a Kubernetes object
//      already read as JSON, as Flux does for encrypted manifests);
//   2. recover the data key through KMS with kms_keys.hpp (master keys to try,
//      Shamir combine for several key groups);
//   3. decrypt(doc, data_key): every value, the MAC (checked when asked), and the
//      plaintext document in the requested output format, plus json::value objects
//      for YAML/JSON output.
// Documents larger than max_document_size (Flux's 5 MiB) are refused. Cost: YAML is
// read with yaml-cpp at a few MB/s (a 5 MiB YAML file is about a second of CPU), so
// an actor should hand big documents to a worker rather than decrypt in its handler. Errors name the
// document part and the reason, never plaintext or key material. Error codes:
//   sops_too_large, sops_parse, sops_metadata, sops_value (malformed ENC value),
//   sops_auth (a value does not authenticate: modified, or the key is unknown to be
//   right because the document has no MAC), sops_wrong_key (neither a value nor the
//   MAC authenticates), sops_mac (MAC missing, damaged or not matching, when
//   verifying), sops_format (the output format cannot hold the data), sops_crypto.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/sops/format.hpp"
#include "adapters/sops/metadata.hpp"
#include "adapters/sops/tree.hpp"
#include "adapters/sops/tree_walk.hpp"

namespace fluxaws::sops {

// kustomize-controller's maxEncryptedFileSize.
inline constexpr std::size_t max_document_size = std::size_t{5} << 20;

struct document {
  format fmt = format::yaml;
  std::vector<node> branches;  // the data, metadata taken out
  metadata meta;
};

result<document> parse_document(std::string_view bytes, format fmt, std::size_t max_size = max_document_size);
// A Kubernetes object with a top-level `sops` key, read with the JSON store's rules.
result<document> parse_manifest(const json::value& manifest);

struct decrypt_options {
  bool verify_mac = false;              // Flux's default is off (checkSopsMac)
  std::optional<format> output_format;  // defaults to the document's format
  bool collect_leaves = false;          // fill decrypted_document::leaves
};

struct decrypted_document {
  format output_format = format::yaml;
  std::string bytes;                      // the plaintext document
  std::vector<json::value> json_documents;  // YAML/JSON output only, one per document
  bool mac_ok = false;                    // the stored MAC decrypts and matches
  std::vector<leaf_record> leaves;        // with collect_leaves; holds plaintext
};

result<decrypted_document> decrypt(document doc, std::string_view data_key, const decrypt_options& opts = {});
result<decrypted_document> decrypt(std::string_view bytes, format fmt, std::string_view data_key,
                                   const decrypt_options& opts = {});
// Decrypts an encrypted Kubernetes object (JSON in, JSON out, `sops` key removed).
result<json::value> decrypt_manifest(const json::value& manifest, std::string_view data_key, bool verify_mac = false);

// Flux's handling of one Secret `data` entry (DecryptResource): nullopt when the value
// is not base64 or carries no SOPS marker (the entry is left alone); otherwise the
// document, parsed in the marker's format, and the format its plaintext is to be
// written in, from the entry's name. The caller decrypts with that output format and
// stores the base64 of the bytes.
struct secret_data_document {
  document doc;
  format output_format = format::binary;
};
std::optional<result<secret_data_document>> parse_secret_data_value(std::string_view name,
                                                                    std::string_view base64_value);

}  // namespace fluxaws::sops

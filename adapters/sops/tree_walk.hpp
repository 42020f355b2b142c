// Walking a document the way SOPS' Tree.Encrypt/Tree.Decrypt do (sops.go):
// every leaf in document order with its path of mapping keys (list indices are not
// part of it) and the comments that precede it, deciding by the metadata's rule
// (unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex,
// unencrypted_comment_regex, encrypted_comment_regex) whether it is encrypted;
// the additional data of a value is its path joined with ':' plus a trailing ':'.
// The MAC is SHA-512 over sops.ToBytes of every non-comment leaf in walk order
// (only encrypted ones, after sha256("sops"), with mac_only_encrypted), as 128
// upper-case hex digits. Comments that do not decrypt are kept as they are.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/sops/metadata.hpp"
#include "adapters/sops/tree.hpp"

namespace fluxaws::sops {

// One leaf as decryption saw it (for tests and diagnostics; holds plaintext).
struct leaf_record {
  std::string path;                // e.g. "app2.db.password", "an_array[2]"
  std::optional<std::string> aad;  // nullopt when the leaf is not encrypted
  std::string type;                // str/int/float/bool/bytes/time, "empty", or "unencrypted"
  std::string plaintext;           // sops.ToBytes of the (decrypted) value
};

// Decrypts every encrypted leaf in place and returns the computed MAC. Errors name
// the failing path; code "sops_auth" means a GCM tag mismatch.
result<std::string> decrypt_branches(std::vector<node>& branches, const metadata& meta, std::string_view key,
                                     std::vector<leaf_record>* leaves = nullptr);

// Encrypts every leaf the rules select, in place, and returns the MAC of the plaintext.
result<std::string> encrypt_branches(std::vector<node>& branches, const metadata& meta, std::string_view key);

}  // namespace fluxaws::sops

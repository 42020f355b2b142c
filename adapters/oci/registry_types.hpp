// The values exchanged with the registry actor (registry.hpp): what each operation
// is asked and what it answers. Plain data, no CAF.
//
// Every request carries the caller's credentials (registry_auth) and call_options: a
// finite time budget for the whole operation (all pages, the token exchange, retries)
// — normally what is left of the reconcile's timeout — and whether plain HTTP is
// allowed. Limits are explicit fields so that a hostile registry cannot make the
// client read without bound.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/oci/manifest.hpp"
#include "adapters/oci/reference.hpp"
#include "adapters/oci/registry_auth.hpp"

namespace fluxaws::oci {

// Distribution's own limit for manifests.
inline constexpr std::size_t default_max_manifest_bytes = 4u << 20;
// One page of tags is a small JSON document; 16 MiB is far beyond any real page.
inline constexpr std::size_t max_tags_page_bytes = 16u << 20;

struct call_options {
  std::chrono::milliseconds timeout{30000};  // budget of the whole operation; must be > 0
  bool insecure = false;                     // plain HTTP, only when the caller asks
};

struct ping_request {
  repository_ref repo{};  // only the registry is used
  registry_auth auth{};
  call_options opts{};
};

struct ping_result {
  int status = 0;
  std::string auth_scheme;  // "", "basic" or "bearer": what the registry asked for
};

struct list_tags_request {
  repository_ref repo{};
  registry_auth auth{};
  call_options opts{};
  std::size_t page_size = 1000;   // "n"; ECR serves at most 1000 per page; 0 = registry default
  std::size_t max_pages = 10000;  // refuse to follow more pages than this
};

struct tag_list {
  std::vector<std::string> tags;  // in the order the registry listed them
  std::size_t pages = 0;
};

struct manifest_request {
  repository_ref repo{};
  std::string reference{};  // tag or digest
  registry_auth auth{};
  call_options opts{};
  std::string accept{};  // Accept header; empty = OCI + Docker manifests and indexes
  // When set and the answer is an index, the manifest for this platform is selected
  // and fetched by digest (the index's digest is reported as index_digest).
  std::optional<oci::platform> platform{};
  std::size_t max_bytes = default_max_manifest_bytes;
};

struct manifest_result {
  std::string digest;      // verified: the body hashes to it
  std::string media_type;  // of the parsed document
  std::string body;        // exact bytes served
  parsed_manifest manifest;
  std::string index_digest;      // set when resolved through an index
  std::string index_media_type;  // likewise
};

struct head_request {
  repository_ref repo{};
  std::string reference{};  // tag or digest
  registry_auth auth{};
  call_options opts{};
  std::string accept{};  // empty = all four manifest types
};

struct manifest_head {
  std::string digest;
  std::string media_type;
  uint64_t size = 0;
};

struct blob_request {
  repository_ref repo{};
  std::string digest{};  // sha256 (verified while streaming)
  registry_auth auth{};
  call_options opts{};
  std::string dest{};  // file to write; replaced on success, absent after any failure
  uint64_t max_bytes = 0;                // cap; required (> 0)
  std::optional<uint64_t> expected_size{};  // the descriptor's size, when known
};

struct blob_result {
  std::string path;
  uint64_t size = 0;
  std::string digest;
};

// Counters for metrics and tests.
struct registry_stats {
  uint64_t operations = 0;
  uint64_t http_requests = 0;   // to registries and token realms
  uint64_t token_requests = 0;  // token exchanges sent
  uint64_t token_cache_hits = 0;
  uint64_t unauthorized = 0;    // operations that ended Unauthorized
  uint64_t tokens_cached = 0;   // current size of the token cache
};

// An operation's answer as a plain, copyable message value.
template <class T>
struct outcome {
  std::optional<T> value;
  error_info error;

  static outcome from(result<T> r) {
    outcome o;
    if (r.ok()) {
      o.value = std::move(r).value();
    } else {
      o.error = r.error();
    }
    return o;
  }
  bool ok() const { return value.has_value(); }
  result<T> to_result() const& {
    if (value) return *value;
    return error;
  }
};

using ping_outcome = outcome<ping_result>;
using tags_outcome = outcome<tag_list>;
using manifest_outcome = outcome<manifest_result>;
using head_outcome = outcome<manifest_head>;
using blob_outcome = outcome<blob_result>;

}  // namespace fluxaws::oci

// Bearer tokens kept per (registry host, scope, credential identity) until shortly
// before their expires_in runs out. Plain data structure; the registry actor owns one.
//
// Contract:
//  - get() returns a token only while it is fresh: it is considered expired a margin
//    before expires_in (a tenth of the lifetime, at most 30 s), so a request does not
//    start with a token that dies on the way.
//  - At most max_entries tokens: an insert into a full cache first drops expired
//    entries, then the one closest to expiry.
//  - The key never holds a secret: the identity part is registry_auth::identity().
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fluxaws::oci {

class bearer_token_cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit bearer_token_cache(std::size_t max_entries = 4096) : max_(max_entries == 0 ? 1 : max_entries) {}

  static std::string key(std::string_view host, std::string_view scope, std::string_view identity);

  std::optional<std::string> get(const std::string& key, clock::time_point now) const;
  void put(const std::string& key, std::string token, std::chrono::seconds expires_in, clock::time_point now);
  void evict(const std::string& key) { entries_.erase(key); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    std::string token;
    clock::time_point fresh_until;
  };
  std::unordered_map<std::string, entry> entries_;
  std::size_t max_;
};

}  // namespace fluxaws::oci

#include "adapters/oci/bearer_token_cache.hpp"

#include <algorithm>

namespace fluxaws::oci {

std::string bearer_token_cache::key(std::string_view host, std::string_view scope, std::string_view identity) {
  std::string k;
  k.reserve(host.size() + scope.size() + identity.size() + 2);
  k += host;
  k += '\n';
  k += scope;
  k += '\n';
  k += identity;
  return k;
}

std::optional<std::string> bearer_token_cache::get(const std::string& key, clock::time_point now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.fresh_until <= now) return std::nullopt;
  return it->second.token;
}

void bearer_token_cache::put(const std::string& key, std::string token, std::chrono::seconds expires_in,
                             clock::time_point now) {
  auto margin = std::min<clock::duration>(expires_in / 10, std::chrono::seconds(30));
  auto fresh_until = now + expires_in - margin;
  if (entries_.size() >= max_ && entries_.find(key) == entries_.end()) {
    for (auto it = entries_.begin(); it != entries_.end();)
      it = it->second.fresh_until <= now ? entries_.erase(it) : std::next(it);
    if (entries_.size() >= max_) {
      auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.fresh_until < b.second.fresh_until;
      });
      entries_.erase(oldest);
    }
  }
  entries_[key] = entry{std::move(token), fresh_until};
}

}  // namespace fluxaws::oci

// SigV4 signing-key derivation and its process-wide cache.
//
// Deriving a key costs four HMACs, more than the rest of a typical signature, and a key
// only changes with the day, so the engine (one key per identity and service) and the
// emulator (one per client key) mostly hit the cache. The cache is sharded to keep lock
// hold times and contention small, bounded (a full shard is emptied: cheap, and it lets
// keys of past days go), and it wipes what it drops: entries hold the secret and the key.
#include <openssl/crypto.h>

#include <array>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "adapters/aws/sigv4.hpp"
#include "adapters/common/digest_prefetched.hpp"

namespace fluxaws::aws::sigv4 {

namespace {

constexpr std::size_t kShards = 16;
constexpr std::size_t kMaxEntriesPerShard = 256;

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

struct key_shard {
  std::mutex mu;
  std::unordered_map<std::string, std::string> keys;  // cache id -> raw signing key

  void clear_locked() {
    while (!keys.empty()) {
      auto node = keys.extract(keys.begin());
      wipe(node.key());
      wipe(node.mapped());
    }
  }
};

// Never destroyed: a thread still signing while static destructors run (an actor
// system shutting down after main returns) must not find the cache gone.
std::array<key_shard, kShards>& shards() {
  static auto* const all = new std::array<key_shard, kShards>();
  return *all;
}

// Length-prefixed so that no two input tuples share an id.
void append_field(std::string& id, std::string_view field) {
  const auto n = static_cast<std::uint32_t>(field.size());
  id.append(reinterpret_cast<const char*>(&n), sizeof n);
  id.append(field);
}

}  // namespace

std::string signing_key(std::string_view secret, std::string_view day, std::string_view region,
                        std::string_view service) {
  std::string seed;
  seed.reserve(4 + secret.size());
  seed.append("AWS4");
  seed.append(secret);
  std::string k_date = digest::prefetched::hmac_sha256(seed, day);
  wipe(seed);
  std::string k_region = digest::prefetched::hmac_sha256(k_date, region);
  wipe(k_date);
  std::string k_service = digest::prefetched::hmac_sha256(k_region, service);
  wipe(k_region);
  std::string k_signing = digest::prefetched::hmac_sha256(k_service, "aws4_request");
  wipe(k_service);
  return k_signing;
}

std::string cached_signing_key(std::string_view secret, std::string_view day, std::string_view region,
                               std::string_view service) {
  std::string id;
  id.reserve(16 + secret.size() + day.size() + region.size() + service.size());
  append_field(id, secret);
  append_field(id, day);
  append_field(id, region);
  append_field(id, service);
  key_shard& shard = shards()[std::hash<std::string>{}(id) % kShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (auto it = shard.keys.find(id); it != shard.keys.end()) {
      std::string key = it->second;
      wipe(id);
      return key;
    }
  }
  std::string key = signing_key(secret, day, region, service);  // outside the lock
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (shard.keys.size() >= kMaxEntriesPerShard) shard.clear_locked();
    shard.keys.try_emplace(std::move(id), key);  // a concurrent miss may have inserted it: fine
  }
  wipe(id);  // moved-from or still ours
  return key;
}

}  // namespace fluxaws::aws::sigv4

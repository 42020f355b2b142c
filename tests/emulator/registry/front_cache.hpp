// front_cache.hpp — what registry_front remembers of docker-registry's answers, so
// that reads under load cost microseconds instead of docker-registry's ~1-2 ms of CPU
// per request.
//
// Contract:
//   - Per backing repository: the sorted tag list, manifests by reference (tag or
//     digest) and small blobs by digest. Entries are immutable and shared
//     (shared_ptr<const ...>): a reader keeps what it got even if the entry is dropped.
//   - Only the front writes to docker-registry once serving starts (seeding happens
//     before), so the front keeps the cache right by calling invalidate() after every
//     manifest PUT or DELETE of a repository (tag list and tag references go; digest
//     references stay, their content cannot change). Call clear() after writing to
//     docker-registry some other way.
//   - Memory is bounded by max_bytes (bodies and tags); going over clears everything.
//   - Safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace emu::registry {

class front_cache {
 public:
  // A manifest or blob as docker-registry answered it.
  struct object {
    std::string content_type, digest, etag, body;
  };
  using tag_list = std::shared_ptr<const std::vector<std::string>>;

  explicit front_cache(std::size_t max_bytes = 256u << 20, std::size_t max_blob = 4u << 20)
      : max_bytes_(max_bytes), max_blob_(max_blob) {}

  // Bumped by invalidate(): an answer fetched under an older generation is not stored
  // (a read that raced a write must not bring the old tag list back).
  std::uint64_t generation(const std::string& repo) const;

  tag_list tags(const std::string& repo) const;
  void put_tags(const std::string& repo, tag_list tags, std::uint64_t generation);

  std::shared_ptr<const object> manifest(const std::string& repo, const std::string& reference) const;
  // Stores under `reference` and under the object's digest.
  void put_manifest(const std::string& repo, const std::string& reference, std::shared_ptr<const object> entry,
                    std::uint64_t generation);

  std::shared_ptr<const object> blob(const std::string& repo, const std::string& digest) const;
  // Ignored above max_blob bytes.
  void put_blob(const std::string& repo, std::shared_ptr<const object> entry);

  void invalidate(const std::string& repo);
  void clear();
  std::size_t bytes() const;

 private:
  struct repo_entry {
    std::uint64_t generation = 0;
    tag_list tags;
    std::unordered_map<std::string, std::shared_ptr<const object>> manifests;
    std::unordered_map<std::string, std::shared_ptr<const object>> blobs;
  };
  void make_room(std::size_t added);  // lock held: clears everything when added would not fit
  repo_entry* entry_for(const std::string& repo, std::uint64_t generation);  // lock held; null when stale

  std::size_t max_bytes_, max_blob_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, repo_entry> repos_;
  // Generations come from one counter, so a number is never reused: new entries start at
  // cleared_ (bumped by every clear), invalidate() takes a fresh one.
  std::uint64_t counter_ = 0;
  std::uint64_t cleared_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace emu::registry

#include "tests/emulator/registry/front_cache.hpp"

#include <mutex>

#include "tests/emulator/registry/registry_names.hpp"

namespace emu::registry {

std::uint64_t front_cache::generation(const std::string& repo) const {
  std::shared_lock lock(mutex_);
  auto it = repos_.find(repo);
  return it == repos_.end() ? cleared_ : it->second.generation;
}

front_cache::tag_list front_cache::tags(const std::string& repo) const {
  std::shared_lock lock(mutex_);
  auto it = repos_.find(repo);
  return it == repos_.end() ? nullptr : it->second.tags;
}

void front_cache::make_room(std::size_t added) {
  if (bytes_ + added > max_bytes_) {
    repos_.clear();
    bytes_ = 0;
    cleared_ = ++counter_;
  }
}

front_cache::repo_entry* front_cache::entry_for(const std::string& repo, std::uint64_t generation) {
  auto it = repos_.find(repo);
  if (it == repos_.end()) {
    if (generation != cleared_) return nullptr;
    it = repos_.emplace(repo, repo_entry{}).first;
    it->second.generation = cleared_;
  }
  return it->second.generation == generation ? &it->second : nullptr;
}

void front_cache::put_tags(const std::string& repo, tag_list tags, std::uint64_t generation) {
  if (!tags) return;
  std::size_t size = 0;
  for (const auto& t : *tags) size += t.size() + sizeof(std::string);
  std::unique_lock lock(mutex_);
  make_room(size);
  if (auto* e = entry_for(repo, generation)) {
    e->tags = std::move(tags);
    bytes_ += size;
  }
}

std::shared_ptr<const front_cache::object> front_cache::manifest(const std::string& repo,
                                                                         const std::string& reference) const {
  std::shared_lock lock(mutex_);
  auto it = repos_.find(repo);
  if (it == repos_.end()) return nullptr;
  auto m = it->second.manifests.find(reference);
  return m == it->second.manifests.end() ? nullptr : m->second;
}

void front_cache::put_manifest(const std::string& repo, const std::string& reference,
                               std::shared_ptr<const object> entry, std::uint64_t generation) {
  if (!entry) return;
  const std::size_t size = entry->body.size() + entry->digest.size() + entry->content_type.size() + entry->etag.size();
  std::unique_lock lock(mutex_);
  make_room(size);
  auto* r = entry_for(repo, generation);
  if (!r) return;
  r->manifests[reference] = entry;
  r->manifests[entry->digest] = entry;
  bytes_ += size;
}

std::shared_ptr<const front_cache::object> front_cache::blob(const std::string& repo, const std::string& digest) const {
  std::shared_lock lock(mutex_);
  auto it = repos_.find(repo);
  if (it == repos_.end()) return nullptr;
  auto b = it->second.blobs.find(digest);
  return b == it->second.blobs.end() ? nullptr : b->second;
}

void front_cache::put_blob(const std::string& repo, std::shared_ptr<const object> entry) {
  if (!entry || entry->body.size() > max_blob_) return;
  const std::size_t size = entry->body.size() + entry->digest.size() + entry->content_type.size() + entry->etag.size();
  std::unique_lock lock(mutex_);
  make_room(size);
  bytes_ += size;
  auto it = repos_.find(repo);
  if (it == repos_.end()) {
    it = repos_.emplace(repo, repo_entry{}).first;
    it->second.generation = cleared_;
  }
  it->second.blobs[entry->digest] = std::move(entry);  // content by digest never changes
}

void front_cache::invalidate(const std::string& repo) {
  std::unique_lock lock(mutex_);
  auto it = repos_.find(repo);
  if (it == repos_.end()) {
    // Remember the bump so that a read which started before it stores nothing.
    it = repos_.emplace(repo, repo_entry{}).first;
    it->second.generation = cleared_;
  }
  it->second.generation = ++counter_;
  it->second.tags = nullptr;
  for (auto m = it->second.manifests.begin(); m != it->second.manifests.end();) {
    if (valid_digest(m->first)) ++m;
    else m = it->second.manifests.erase(m);
  }
}

void front_cache::clear() {
  std::unique_lock lock(mutex_);
  repos_.clear();
  bytes_ = 0;
  cleared_ = ++counter_;
}

std::size_t front_cache::bytes() const {
  std::shared_lock lock(mutex_);
  return bytes_;
}

}  // namespace emu::registry

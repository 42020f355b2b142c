// The image tag database: the stored tag list of each ImageRepository, written by
// its scans and read by the ImagePolicies that refer to it (image-reflector-
// controller's filesystem database).
//
// Layout (local mode, a state directory): <state_dir>/imagerepository/<ns>/<name>/tags.txt
// — one tag per line, each ended by "\n", in the stored (descending) order, written
// atomically (temp file, fsync, rename), so a reader sees the old list or the new one.
// Its SHA-256 is the scan's revision. Without a state directory (cluster mode) the
// lists live in memory only, as a cache that the next scan rebuilds.
//
// Contract:
//  - tag_db::open(state_dir) returns the database of that directory, shared by every
//    caller in the process (one object per directory, kept while someone holds it),
//    so ImagePolicies read the list a scan just wrote without touching the disk.
//  - The methods block (file I/O): call them on the blocking pool, never on a
//    scheduler thread. They are thread-safe. One writer per repository (its actor).
//  - set_tags() returns the revision; tags() returns an empty list (revision "")
//    when nothing is stored; a line longer than a tag can be, or a file that is not
//    a tag list, is an error naming the file (no partial list is returned).
//  - remove() deletes the repository's list (its directory) and forgets it.
//  - Namespace and name must be valid Kubernetes names: anything that could leave
//    the directory ("", ".", "..", "/") is refused.
//  - Memory: the lists most recently used are kept (at most cache_entries of them
//    when a directory backs the database; all of them otherwise).
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::actors::imagerepository {

struct stored_tags {
  std::vector<std::string> tags;  // descending, as stored
  std::string revision;           // "sha256:<hex>"; empty when nothing is stored
};

class tag_db {
 public:
  static std::shared_ptr<tag_db> open(const std::string& state_dir, std::size_t cache_entries = 1024);

  result<std::string> set_tags(const std::string& ns, const std::string& name, std::vector<std::string> tags);
  result<std::shared_ptr<const stored_tags>> tags(const std::string& ns, const std::string& name);
  status remove(const std::string& ns, const std::string& name);

  const std::string& directory() const { return dir_; }
  // The file of a repository's list (empty without a directory).
  std::string path_of(const std::string& ns, const std::string& name) const;

  tag_db(std::string dir, std::size_t cache_entries) : dir_(std::move(dir)), capacity_(cache_entries) {}

 private:
  using key = std::pair<std::string, std::string>;
  void remember(const key& k, std::shared_ptr<const stored_tags> v);  // under mu_

  std::string dir_;
  std::size_t capacity_;
  std::mutex mu_;
  std::list<key> lru_;  // most recent first
  std::map<key, std::pair<std::shared_ptr<const stored_tags>, std::list<key>::iterator>> cache_;
};

}  // namespace fluxaws::actors::imagerepository

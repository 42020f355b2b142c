// s3_store.hpp — the S3 buckets of the world, kept in memory: seeded from directories
// at start, changed by PutObject, listed in key order.
//
// Contract:
//   - Keys are byte strings, listed in byte order. ETag is the quoted hex MD5 of the
//     content (single-part uploads, as S3 does).
//   - list() implements ListObjectsV2 paging: prefix, delimiter (common prefixes count
//     against max-keys), start-after, an opaque continuation token (from a previous
//     page of the same listing), max_keys clamped to 1..1000.
//   - Objects are immutable and shared: get() hands out a pointer; a concurrent put()
//     replaces the pointer, never the bytes a reader holds. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"
#include "tests/emulator/world.hpp"

namespace emu {

struct s3_object {
  std::string data;
  std::string etag;  // "\"<md5 hex>\""
  std::chrono::system_clock::time_point last_modified;
  std::string content_type;
  std::map<std::string, std::string> checksums;  // x-amz-checksum-<alg> -> value, as uploaded
};
using s3_object_ptr = std::shared_ptr<const s3_object>;

struct s3_list_request {
  std::string prefix, delimiter, start_after, continuation_token;
  int max_keys = 1000;
};

struct s3_list_entry {
  std::string key;
  s3_object_ptr object;
};

struct s3_list_result {
  std::vector<s3_list_entry> contents;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_token;
};

class s3_bucket {
 public:
  explicit s3_bucket(const bucket_def& def) : def_(def) {}
  const bucket_def& def() const { return def_; }

  s3_object_ptr get(const std::string& key) const;
  void put(const std::string& key, s3_object obj);
  bool erase(const std::string& key);
  // Error code InvalidArgument for a continuation token this bucket did not make.
  fluxaws::result<s3_list_result> list(const s3_list_request& req) const;
  std::size_t size() const;

 private:
  const bucket_def& def_;
  mutable std::mutex mu_;
  std::map<std::string, s3_object_ptr> objects_;
};

class s3_store {
 public:
  // Reads every bucket's directory (recursively; keys are '/'-joined relative paths).
  static fluxaws::result<std::unique_ptr<s3_store>> create(const world& w);
  s3_bucket* find(std::string_view name);

 private:
  std::map<std::string, std::unique_ptr<s3_bucket>, std::less<>> buckets_;
};

s3_object make_object(std::string data, std::string content_type);
std::string md5_hex(std::string_view data);
std::string content_type_for(std::string_view key);

}  // namespace emu

#include "tests/emulator/s3_store.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

namespace emu {

namespace fs = std::filesystem;
using fluxaws::make_error;

std::string md5_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_md5(), nullptr);
  return fluxaws::enc::hex(std::string_view(reinterpret_cast<const char*>(out), n));
}

std::string content_type_for(std::string_view key) {
  using fluxaws::str::ends_with;
  if (ends_with(key, ".yaml") || ends_with(key, ".yml")) return "application/x-yaml";
  if (ends_with(key, ".json")) return "application/json";
  if (ends_with(key, ".txt") || ends_with(key, ".md")) return "text/plain";
  if (ends_with(key, ".tar.gz") || ends_with(key, ".tgz")) return "application/gzip";
  return "binary/octet-stream";
}

s3_object make_object(std::string data, std::string content_type) {
  s3_object o;
  o.etag = "\"" + md5_hex(data) + "\"";
  o.data = std::move(data);
  o.last_modified = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  o.content_type = std::move(content_type);
  return o;
}

s3_object_ptr s3_bucket::get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

void s3_bucket::put(const std::string& key, s3_object obj) {
  auto p = std::make_shared<const s3_object>(std::move(obj));
  std::lock_guard lock(mu_);
  objects_[key] = std::move(p);
}

bool s3_bucket::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  return objects_.erase(key) > 0;
}

std::size_t s3_bucket::size() const {
  std::lock_guard lock(mu_);
  return objects_.size();
}

fluxaws::result<s3_list_result> s3_bucket::list(const s3_list_request& req) const {
  s3_list_result out;
  int max_keys = std::clamp(req.max_keys, 0, 1000);
  // The token is "k" + last key or "p" + last common prefix, base64: opaque to clients.
  std::string after;
  bool after_is_prefix = false;
  if (!req.continuation_token.empty()) {
    auto raw = fluxaws::enc::unbase64(req.continuation_token);
    if (!raw || raw->empty() || ((*raw)[0] != 'k' && (*raw)[0] != 'p'))
      return make_error("InvalidArgument", "The continuation token provided is incorrect");
    after_is_prefix = (*raw)[0] == 'p';
    after = raw->substr(1);
  } else if (!req.start_after.empty()) {
    after = req.start_after;
  }
  if (max_keys == 0) return out;
  std::lock_guard lock(mu_);
  auto it = req.prefix.empty() ? objects_.begin() : objects_.lower_bound(req.prefix);
  if (!after.empty() && after >= req.prefix) it = objects_.upper_bound(after);
  int count = 0;
  std::string last;
  bool last_is_prefix = false;
  for (; it != objects_.end(); ++it) {
    const std::string& key = it->first;
    if (!fluxaws::str::starts_with(key, req.prefix)) {
      if (key > req.prefix) break;  // past the prefix range
      continue;
    }
    if (after_is_prefix && fluxaws::str::starts_with(key, after)) continue;
    std::string common;
    if (!req.delimiter.empty()) {
      auto pos = key.find(req.delimiter, req.prefix.size());
      if (pos != std::string::npos) common = key.substr(0, pos + req.delimiter.size());
    }
    if (!common.empty() && !out.common_prefixes.empty() && out.common_prefixes.back() == common) continue;
    if (count == max_keys) {
      out.truncated = true;
      out.next_token = fluxaws::enc::base64((last_is_prefix ? "p" : "k") + last);
      break;
    }
    ++count;
    if (!common.empty()) {
      out.common_prefixes.push_back(common);
      last = common;
      last_is_prefix = true;
    } else {
      out.contents.push_back({key, it->second});
      last = key;
      last_is_prefix = false;
    }
  }
  return out;
}

fluxaws::result<std::unique_ptr<s3_store>> s3_store::create(const world& w) {
  auto store = std::make_unique<s3_store>();
  for (const auto& b : w.buckets) {
    auto bucket = std::make_unique<s3_bucket>(b);
    if (!b.dir.empty()) {
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(b.dir, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        auto rel = fs::relative(it->path(), b.dir).generic_string();
        std::ifstream in(it->path(), std::ios::binary);
        if (!in) return make_error("InvalidWorld", "bucket " + b.name + ": cannot read " + it->path().string());
        std::ostringstream ss;
        ss << in.rdbuf();
        bucket->put(rel, make_object(ss.str(), content_type_for(rel)));
      }
      if (ec) return make_error("InvalidWorld", "bucket " + b.name + ": cannot list " + b.dir + ": " + ec.message());
    }
    store->buckets_.emplace(b.name, std::move(bucket));
  }
  return store;
}

s3_bucket* s3_store::find(std::string_view name) {
  auto it = buckets_.find(name);
  return it == buckets_.end() ? nullptr : it->second.get();
}

}  // namespace emu

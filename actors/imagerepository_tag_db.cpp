#include "actors/imagerepository_tag_db.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "adapters/archive/atomic_file.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::actors::imagerepository {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTagsFile = "tags.txt";
constexpr const char* kKindDir = "imagerepository";  // Flux's ArtifactPath uses the lower-case kind

bool safe_name(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos &&
         s.find('\0') == std::string::npos;
}

status check_names(const std::string& ns, const std::string& name) {
  if (!safe_name(ns) || !safe_name(name))
    return make_error("InvalidName", "tag database: invalid repository name '" + ns + "/" + name + "'");
  return {};
}

std::string serialize(const std::vector<std::string>& tags) {
  std::size_t n = 0;
  for (const auto& t : tags) n += t.size() + 1;
  std::string out;
  out.reserve(n);
  for (const auto& t : tags) {
    out.append(t);
    out.push_back('\n');
  }
  return out;
}

}  // namespace

std::shared_ptr<tag_db> tag_db::open(const std::string& state_dir, std::size_t cache_entries) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<tag_db>> open_dbs;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = open_dbs[state_dir];
  if (auto db = slot.lock()) return db;
  // Without a directory the cache is the database: it must keep everything.
  auto db = std::make_shared<tag_db>(state_dir, state_dir.empty() ? 0 : cache_entries);
  slot = db;
  return db;
}

std::string tag_db::path_of(const std::string& ns, const std::string& name) const {
  if (dir_.empty()) return {};
  return (fs::path(dir_) / kKindDir / ns / name / kTagsFile).string();
}

void tag_db::remember(const key& k, std::shared_ptr<const stored_tags> v) {
  auto it = cache_.find(k);
  if (it != cache_.end()) {
    lru_.erase(it->second.second);
    cache_.erase(it);
  }
  lru_.push_front(k);
  cache_.emplace(k, std::make_pair(std::move(v), lru_.begin()));
  while (capacity_ > 0 && cache_.size() > capacity_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
}

result<std::string> tag_db::set_tags(const std::string& ns, const std::string& name, std::vector<std::string> tags) {
  if (auto ok = check_names(ns, name); !ok) return ok.error();
  auto content = serialize(tags);
  auto stored = std::make_shared<stored_tags>();
  stored->revision = "sha256:" + digest::sha256_hex(content);
  stored->tags = std::move(tags);
  if (!dir_.empty()) {
    fs::path file = path_of(ns, name);
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec)
      return make_error("IOError", "failed to set tags for '" + ns + "/" + name + "': cannot create " +
                                       file.parent_path().string() + ": " + ec.message());
    auto f = archive::atomic_file::create(file);
    if (!f) return make_error("IOError", "failed to set tags for '" + ns + "/" + name + "': " + f.error().message);
    if (auto w = (*f)->write(content); !w)
      return make_error("IOError", "failed to set tags for '" + ns + "/" + name + "': " + w.error().message);
    auto c = (*f)->commit();
    if (!c) return make_error("IOError", "failed to set tags for '" + ns + "/" + name + "': " + c.error().message);
  }
  auto rev = stored->revision;
  std::lock_guard<std::mutex> lock(mu_);
  remember({ns, name}, std::move(stored));
  return rev;
}

result<std::shared_ptr<const stored_tags>> tag_db::tags(const std::string& ns, const std::string& name) {
  if (auto ok = check_names(ns, name); !ok) return ok.error();
  key k{ns, name};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(k);
    if (it != cache_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.second);
      return it->second.first;
    }
  }
  auto none = std::make_shared<const stored_tags>();
  if (dir_.empty()) return std::shared_ptr<const stored_tags>(none);
  auto file = path_of(ns, name);
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::shared_ptr<const stored_tags>(none);
    return make_error("IOError", "failed to read tags from database: cannot open " + file);
  }
  auto stored = std::make_shared<stored_tags>();
  digest::sha256_stream h;
  std::string line;
  while (std::getline(in, line)) {
    if (!oci::is_valid_tag(line))
      return make_error("CorruptDatabase", "failed to read tags from database: " + file + " is not a tag list");
    h.update(line);
    h.update("\n");
    stored->tags.push_back(std::move(line));
    line.clear();
  }
  if (in.bad()) return make_error("IOError", "failed to read tags from database: cannot read " + file);
  stored->revision = "sha256:" + h.finish_hex();
  std::lock_guard<std::mutex> lock(mu_);
  remember(k, stored);
  return std::shared_ptr<const stored_tags>(std::move(stored));
}

status tag_db::remove(const std::string& ns, const std::string& name) {
  if (auto ok = check_names(ns, name); !ok) return ok.error();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find({ns, name});
    if (it != cache_.end()) {
      lru_.erase(it->second.second);
      cache_.erase(it);
    }
  }
  if (dir_.empty()) return {};
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / kKindDir / ns / name, ec);
  if (ec) return make_error("IOError", "failed to delete tags of '" + ns + "/" + name + "': " + ec.message());
  return {};
}

}  // namespace fluxaws::actors::imagerepository

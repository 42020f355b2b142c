#include "tests/emulator/registry/seed_content.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "tests/emulator/registry/deterministic_targz.hpp"
#include "tests/emulator/registry/registry_names.hpp"

namespace emu::registry {
namespace fs = std::filesystem;
using fluxaws::make_error;
using fluxaws::json::value;

namespace {

constexpr std::size_t max_range_tags = 100000;
constexpr std::uintmax_t max_layout_blob = 1ull << 30;
constexpr int max_index_depth = 8;

std::string sha256_digest(std::string_view data) { return "sha256:" + fluxaws::digest::sha256_hex(data); }

value descriptor(std::string_view media_type, const std::string& digest, std::size_t size) {
  value d = value::make_object();
  d.set("mediaType", media_type);
  d.set("digest", digest);
  d.set("size", static_cast<int64_t>(size));
  return d;
}

// Collects a repository's blobs and manifests, keeping blobs unique and tags unique.
class content_builder {
 public:
  explicit content_builder(repository_content& out) : out_(out) {}

  void add_blob(const std::string& digest, std::string data) {
    if (seen_blobs_.insert(digest).second) out_.blobs.push_back(blob{digest, std::move(data)});
  }

  // Adds (or finds, by digest) a manifest and gives it `tags`. Errors on a tag used twice.
  fluxaws::status add_manifest(std::string media_type, std::string data, int level, const std::vector<std::string>& tags) {
    std::string digest = sha256_digest(data);
    for (const auto& tag : tags) {
      if (!valid_tag(tag)) return make_error("invalid_seed", "tag '" + tag + "' is not a valid tag");
      if (!seen_tags_.insert(tag).second) return make_error("invalid_seed", "tag '" + tag + "' is defined twice");
    }
    auto it = manifest_index_.find(digest);
    if (it == manifest_index_.end()) {
      manifest_index_.emplace(digest, out_.manifests.size());
      out_.manifests.push_back(manifest{digest, std::move(media_type), std::move(data), tags, level});
    } else {
      auto& m = out_.manifests[it->second];
      m.tags.insert(m.tags.end(), tags.begin(), tags.end());
      m.level = std::max(m.level, level);
    }
    return {};
  }

 private:
  repository_content& out_;
  std::set<std::string> seen_blobs_;
  std::set<std::string> seen_tags_;
  std::map<std::string, std::size_t> manifest_index_;
};

struct shared_layer {
  std::string data;     // tar+gzip
  std::string digest;   // of data
  std::string diff_id;  // sha256 of the uncompressed tar
};

fluxaws::result<shared_layer> make_shared_layer() {
  auto tar = tar_of({tar_file{"emulator/image.txt", "fluxaws emulator image layer\n", false}});
  if (!tar) return tar.error();
  auto gz = gzip_of(*tar);
  if (!gz) return gz.error();
  shared_layer layer;
  layer.diff_id = sha256_digest(*tar);
  layer.digest = sha256_digest(*gz);
  layer.data = std::move(gz).value();
  return layer;
}

// An OCI image config over the shared layer; `labels` say what it is for.
std::string image_config(const shared_layer& layer, const std::map<std::string, std::string>& labels) {
  value l = value::make_object();
  for (const auto& [k, v] : labels) l.set(k, v);
  value config = value::make_object();
  config.set("created", seed_created);
  config.set("architecture", "amd64");
  config.set("os", "linux");
  value inner = value::make_object();
  inner.set("Labels", std::move(l));
  config.set("config", std::move(inner));
  value rootfs = value::make_object();
  rootfs.set("type", "layers");
  rootfs.set("diff_ids", fluxaws::json::array{value(layer.diff_id)});
  config.set("rootfs", std::move(rootfs));
  return fluxaws::json::dump(config);
}

// One tag's image: a manifest over `config` and the shared layer whose annotations name
// the repository and the tag, so its digest is distinct even when the config is shared.
fluxaws::status add_image(content_builder& b, const repository_seed& seed, const shared_layer& layer,
                          const std::string& config, const std::string& tag) {
  const std::string config_digest = sha256_digest(config);
  value ann = value::make_object();  // sorted keys, as Go writes a map
  ann.set("fluxaws.emulator/repository", seed.name);
  ann.set("org.opencontainers.image.created", seed_created);
  ann.set("org.opencontainers.image.version", tag);
  value m = value::make_object();
  m.set("schemaVersion", 2);
  m.set("mediaType", oci_manifest_type);
  m.set("config", descriptor(oci_config_type, config_digest, config.size()));
  m.set("layers", fluxaws::json::array{descriptor(oci_layer_type, layer.digest, layer.data.size())});
  m.set("annotations", std::move(ann));
  b.add_blob(config_digest, config);
  return b.add_manifest(std::string(oci_manifest_type), fluxaws::json::dump(m), 0, {tag});
}

fs::path resolve(const std::string& dir, const fs::path& base_dir) {
  fs::path p(dir);
  return p.is_absolute() || base_dir.empty() ? p : base_dir / p;
}

fluxaws::status add_artifact(content_builder& b, const repository_seed& seed, const artifact_seed& art,
                             const fs::path& base_dir) {
  if (art.tags.empty()) return make_error("invalid_seed", "an artifact from '" + art.dir + "' has no tags");
  auto files = files_of_directory(resolve(art.dir, base_dir));
  if (!files) return files.error();
  auto layer = targz_of(std::move(files).value());
  if (!layer) return layer.error();
  const std::string layer_digest = sha256_digest(*layer);
  const std::string config_bytes = "{}";
  const std::string config_digest = sha256_digest(config_bytes);

  // Sorted keys, as Go marshals a map; the given annotations override the defaults.
  std::map<std::string, std::string> annotations = {
      {"org.opencontainers.image.created", std::string(seed_created)},
      {"org.opencontainers.image.source",
       "oci://" + seed.account + ".dkr.ecr." + seed.region + ".amazonaws.com/" + seed.name},
      {"org.opencontainers.image.revision",
       art.tags.front() + "@sha1:" + layer_digest.substr(7, 40)},
  };
  for (const auto& [k, v] : art.annotations) annotations[k] = v;
  value ann = value::make_object();
  for (const auto& [k, v] : annotations) ann.set(k, v);

  value m = value::make_object();
  m.set("schemaVersion", 2);
  m.set("mediaType", oci_manifest_type);
  m.set("config", descriptor(flux_config_type, config_digest, config_bytes.size()));
  m.set("layers", fluxaws::json::array{descriptor(flux_content_type, layer_digest, layer->size())});
  m.set("annotations", std::move(ann));
  b.add_blob(config_digest, config_bytes);
  b.add_blob(layer_digest, std::move(layer).value());
  return b.add_manifest(std::string(oci_manifest_type), fluxaws::json::dump(m), 0, art.tags);
}

// Reads one OCI layout (see the header's contract).
class layout_reader {
 public:
  layout_reader(content_builder& b, fs::path dir) : b_(b), dir_(std::move(dir)) {}

  fluxaws::status read() {
    auto index_bytes = read_file(dir_ / "index.json", 16u << 20);
    if (!index_bytes) return index_bytes.error();
    std::string err;
    auto index = fluxaws::json::parse(*index_bytes, &err);
    if (!index || !index->is_object())
      return make_error("invalid_layout", "index.json of '" + dir_.string() + "' is not a JSON object" + (err.empty() ? "" : ": " + err));
    const value* list = index->find("manifests");
    if (!list || !list->is_array()) return make_error("invalid_layout", "index.json of '" + dir_.string() + "' has no manifests array");
    for (const auto& desc : list->as_array()) {
      std::vector<std::string> tags;
      if (const value* ref = desc.at({"annotations", "org.opencontainers.image.ref.name"}); ref && ref->is_string()) {
        auto tag = tag_of_ref_name(ref->as_string());
        if (!tag) return make_error("invalid_layout", "ref.name '" + ref->as_string() + "' in '" + dir_.string() + "' does not end in a valid tag");
        tags.push_back(*tag);
      }
      auto level = visit(desc, tags, 0);
      if (!level) return level.error();
    }
    return {};
  }

 private:
  static std::optional<std::string> tag_of_ref_name(const std::string& ref) {
    std::string tag = ref;
    auto colon = ref.rfind(':');
    auto slash = ref.rfind('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) tag = ref.substr(colon + 1);
    else if (slash != std::string::npos) return std::nullopt;
    if (!valid_tag(tag)) return std::nullopt;
    return tag;
  }

  fluxaws::result<std::string> read_file(const fs::path& path, std::uintmax_t limit) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec) return make_error("invalid_layout", "cannot read '" + path.string() + "': " + ec.message());
    if (size > limit) return make_error("invalid_layout", "'" + path.string() + "' is larger than " + std::to_string(limit) + " bytes");
    std::ifstream in(path, std::ios::binary);
    std::string data(size, '\0');
    if (!in.read(data.data(), static_cast<std::streamsize>(size)))
      return make_error("invalid_layout", "cannot read '" + path.string() + "'");
    return data;
  }

  // The blob a descriptor names, checked against its digest and size.
  fluxaws::result<std::string> read_blob(const value& desc, std::string& digest_out) {
    const value* d = desc.find("digest");
    const value* s = desc.find("size");
    if (!d || !d->is_string() || !s || !s->is_integer() || s->as_int() < 0)
      return make_error("invalid_layout", "a descriptor in '" + dir_.string() + "' lacks a digest or size");
    const std::string& digest = d->as_string();
    if (!valid_digest(digest) || !fluxaws::str::starts_with(digest, "sha256:"))
      return make_error("invalid_layout", "descriptor digest '" + digest + "' in '" + dir_.string() + "' is not a sha256 digest");
    auto data = read_file(dir_ / "blobs" / "sha256" / digest.substr(7), max_layout_blob);
    if (!data) return data.error();
    if (static_cast<int64_t>(data->size()) != s->as_int())
      return make_error("invalid_layout", "blob " + digest + " in '" + dir_.string() + "' has " + std::to_string(data->size()) +
                                              " bytes, its descriptor says " + std::to_string(s->as_int()));
    if (sha256_digest(*data) != digest)
      return make_error("invalid_layout", "blob " + digest + " in '" + dir_.string() + "' does not match its digest");
    digest_out = digest;
    return data;
  }

  static bool is_index_type(std::string_view t) { return t == oci_index_type || t == docker_list_type; }

  // Pushes a manifest or index and what it references; returns its level.
  fluxaws::result<int> visit(const value& desc, const std::vector<std::string>& tags, int depth) {
    if (depth > max_index_depth) return make_error("invalid_layout", "indexes in '" + dir_.string() + "' nest too deep");
    std::string digest;
    auto bytes = read_blob(desc, digest);
    if (!bytes) return bytes.error();
    std::string err;
    auto doc = fluxaws::json::parse(*bytes, &err);
    if (!doc || !doc->is_object()) return make_error("invalid_layout", "manifest " + digest + " in '" + dir_.string() + "' is not a JSON object");
    std::string media_type = desc.find("mediaType") ? desc.find("mediaType")->as_string() : std::string();
    if (media_type.empty() && doc->find("mediaType")) media_type = doc->find("mediaType")->as_string();
    if (media_type.empty()) media_type = std::string(doc->find("manifests") ? oci_index_type : oci_manifest_type);
    int level = 0;
    if (is_index_type(media_type)) {
      const value* children = doc->find("manifests");
      if (!children || !children->is_array()) return make_error("invalid_layout", "index " + digest + " in '" + dir_.string() + "' has no manifests array");
      for (const auto& child : children->as_array()) {
        auto child_level = visit(child, {}, depth + 1);
        if (!child_level) return child_level.error();
        level = std::max(level, *child_level + 1);
      }
    } else if (media_type == oci_manifest_type || media_type == docker_manifest_type) {
      std::vector<const value*> refs;
      if (const value* c = doc->find("config")) refs.push_back(c);
      if (const value* layers = doc->find("layers"); layers && layers->is_array())
        for (const auto& l : layers->as_array()) refs.push_back(&l);
      for (const value* r : refs) {
        // Foreign (non-distributable) layers live elsewhere by design.
        const std::string& t = r->find("mediaType") ? r->find("mediaType")->as_string() : std::string();
        if (t.find("nondistributable") != std::string::npos || t.find("foreign") != std::string::npos) continue;
        std::string blob_digest;
        auto blob_bytes = read_blob(*r, blob_digest);
        if (!blob_bytes) return blob_bytes.error();
        b_.add_blob(blob_digest, std::move(blob_bytes).value());
      }
    } else {
      return make_error("invalid_layout", "manifest " + digest + " in '" + dir_.string() + "' has unsupported media type '" + media_type + "'");
    }
    if (auto st = b_.add_manifest(media_type, std::move(bytes).value(), level, tags); !st) return st.error();
    return level;
  }

  content_builder& b_;
  fs::path dir_;
};

}  // namespace

std::size_t repository_content::tag_count() const {
  std::size_t n = 0;
  for (const auto& m : manifests) n += m.tags.size();
  return n;
}

std::string repository_content::fingerprint() const {
  fluxaws::digest::sha256_stream h;
  h.update(backing_name + "\n");
  for (const auto& b : blobs) h.update("blob " + b.digest + "\n");
  for (const auto& m : manifests) {
    h.update("manifest " + m.digest + " " + m.media_type);
    for (const auto& t : m.tags) h.update(" " + t);
    h.update("\n");
  }
  return h.finish_hex();
}

fluxaws::result<std::vector<std::string>> expand_tag_range(const tag_range& range) {
  // Parse the format: literal text, "%%", and exactly one %[-0]*[width]d.
  std::string prefix, suffix;
  bool left = false, zero = false, found = false;
  int width = 0;
  const std::string& f = range.format;
  for (std::size_t i = 0; i < f.size(); ++i) {
    std::string& lit = found ? suffix : prefix;
    if (f[i] != '%') {
      lit += f[i];
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '%') {
      lit += '%';
      ++i;
      continue;
    }
    if (found) return make_error("invalid_seed", "tag format '" + f + "' has more than one conversion");
    std::size_t j = i + 1;
    for (; j < f.size() && (f[j] == '-' || f[j] == '0'); ++j) (f[j] == '-' ? left : zero) = true;
    for (; j < f.size() && f[j] >= '0' && f[j] <= '9' && width < 100; ++j) width = width * 10 + (f[j] - '0');
    if (j >= f.size() || f[j] != 'd' || width >= 100)
      return make_error("invalid_seed", "tag format '" + f + "' must use exactly one %d conversion (with optional 0 flag and width)");
    found = true;
    i = j;
  }
  if (!found) return make_error("invalid_seed", "tag format '" + f + "' has no %d conversion");
  if (range.to < range.from) return make_error("invalid_seed", "tag range '" + f + "' ends (" + std::to_string(range.to) + ") before it starts (" + std::to_string(range.from) + ")");
  if (static_cast<std::size_t>(range.to - static_cast<long long>(range.from)) >= max_range_tags)
    return make_error("invalid_seed", "tag range '" + f + "' has more than " + std::to_string(max_range_tags) + " tags");
  std::vector<std::string> tags;
  tags.reserve(static_cast<std::size_t>(range.to - range.from + 1));
  for (long long v = range.from; v <= range.to; ++v) {
    std::string digits = std::to_string(v < 0 ? -v : v);
    std::string sign = v < 0 ? "-" : "";
    std::string number;
    const std::size_t len = sign.size() + digits.size();
    const std::size_t pad = static_cast<std::size_t>(width) > len ? static_cast<std::size_t>(width) - len : 0;
    if (left) number = sign + digits + std::string(pad, ' ');
    else if (zero) number = sign + std::string(pad, '0') + digits;
    else number = std::string(pad, ' ') + sign + digits;
    std::string tag = prefix + number + suffix;
    if (!valid_tag(tag)) return make_error("invalid_seed", "tag format '" + f + "' gives '" + tag + "', which is not a valid tag");
    tags.push_back(std::move(tag));
  }
  return tags;
}

fluxaws::result<repository_content> build_repository_content(const repository_seed& seed, const fs::path& base_dir) {
  const std::string where = "ECR repository '" + seed.name + "' (" + seed.account + ", " + seed.region + ")";
  auto fail = [&](const fluxaws::error_info& e) { return make_error(e.code, where + ": " + e.message, e.status); };
  if (!valid_repository_name(seed.name)) return make_error("invalid_seed", where + ": the name is not a valid repository name");
  if (seed.account.size() != 12 || !std::all_of(seed.account.begin(), seed.account.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return make_error("invalid_seed", where + ": the account is not a 12-digit account id");
  if (seed.region.empty() || !valid_repository_name(seed.region))
    return make_error("invalid_seed", where + ": the region is not a region name");

  repository_content out;
  out.account = seed.account;
  out.region = seed.region;
  out.name = seed.name;
  out.backing_name = backing_name(seed.account, seed.region, seed.name);
  content_builder b(out);

  if (!seed.images.empty() || !seed.ranges.empty()) {
    auto layer = make_shared_layer();
    if (!layer) return fail(layer.error());
    b.add_blob(layer->digest, layer->data);
    // Explicit tags: each its own config (labels name the tag), as separate builds have.
    for (const auto& img : seed.images)
      for (const auto& tag : img.tags) {
        auto config = image_config(*layer, {{"fluxaws.emulator/repository", seed.name}, {"fluxaws.emulator/tag", tag}});
        if (auto st = add_image(b, seed, *layer, config, tag); !st) return fail(st.error());
      }
    // Ranges: one config per range; the manifests still differ by their annotations.
    // (docker-registry spends ~1-2 ms of CPU per request: a config per tag would triple
    // the requests of a 1,500-tag range.)
    for (const auto& r : seed.ranges) {
      auto tags = expand_tag_range(r);
      if (!tags) return fail(tags.error());
      auto config = image_config(*layer, {{"fluxaws.emulator/repository", seed.name}, {"fluxaws.emulator/tag-range", r.format}});
      for (const auto& tag : *tags)
        if (auto st = add_image(b, seed, *layer, config, tag); !st) return fail(st.error());
    }
  }
  for (const auto& art : seed.artifacts)
    if (auto st = add_artifact(b, seed, art, base_dir); !st) return fail(st.error());
  for (const auto& lay : seed.layouts) {
    layout_reader reader(b, resolve(lay.dir, base_dir));
    if (auto st = reader.read(); !st) return fail(st.error());
  }
  std::stable_sort(out.manifests.begin(), out.manifests.end(),
                   [](const manifest& a, const manifest& c) { return a.level < c.level; });
  return out;
}

}  // namespace emu::registry

#include "adapters/oci/manifest.hpp"

#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/media_types.hpp"

namespace fluxaws::oci {

namespace {

// Collects the first error; later checks are skipped once one is recorded.
struct checker {
  std::string what;
  std::optional<error_info> err;

  bool fail(const std::string& field, const std::string& why) {
    if (!err) err = make_error(std::string(errc::manifest_invalid), what + ": " + field + " " + why);
    return false;
  }
  bool ok() const { return !err; }
};

bool read_string(checker& c, const json::value& obj, std::string_view key, const std::string& path, bool required,
                 std::string& out) {
  const auto* v = obj.find(key);
  if (v == nullptr || v->is_null()) {
    if (required) return c.fail(path + std::string(key), "is missing");
    return true;
  }
  if (!v->is_string()) return c.fail(path + std::string(key), "is not a string");
  out = v->as_string();
  return true;
}

bool read_annotations(checker& c, const json::value& obj, const std::string& path, annotation_map& out) {
  const auto* v = obj.find("annotations");
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_object()) return c.fail(path + "annotations", "is not an object");
  for (const auto& [k, val] : v->as_object()) {
    if (!val.is_string()) return c.fail(path + "annotations[\"" + printable(k) + "\"]", "is not a string");
    out.emplace_back(k, val.as_string());
  }
  return true;
}

bool read_string_array(checker& c, const json::value& obj, std::string_view key, const std::string& path,
                       std::vector<std::string>& out) {
  const auto* v = obj.find(key);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_array()) return c.fail(path + std::string(key), "is not an array");
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) return c.fail(path + std::string(key), "holds a value that is not a string");
    out.push_back(e.as_string());
  }
  return true;
}

bool read_platform(checker& c, const json::value& v, const std::string& path, platform& out) {
  if (!v.is_object()) return c.fail(path, "is not an object");
  return read_string(c, v, "os", path + ".", true, out.os) &&
         read_string(c, v, "architecture", path + ".", true, out.architecture) &&
         read_string(c, v, "variant", path + ".", false, out.variant) &&
         read_string(c, v, "os.version", path + ".", false, out.os_version) &&
         read_string_array(c, v, "os.features", path + ".", out.os_features);
}

bool read_descriptor(checker& c, const json::value& v, const std::string& path, descriptor& out) {
  if (!v.is_object()) return c.fail(path, "is not an object");
  auto p = path + ".";
  if (!read_string(c, v, "mediaType", p, true, out.media_type)) return false;
  if (out.media_type.empty()) return c.fail(p + "mediaType", "is empty");
  if (!read_string(c, v, "digest", p, true, out.digest)) return false;
  if (!is_valid_digest(out.digest)) return c.fail(p + "digest", "is not a valid digest");
  const auto* size = v.find("size");
  if (size == nullptr) return c.fail(p + "size", "is missing");
  if (!size->is_integer() || size->as_int() < 0) return c.fail(p + "size", "is not a non-negative integer");
  out.size = size->as_int();
  if (!read_annotations(c, v, p, out.annotations)) return false;
  if (!read_string(c, v, "artifactType", p, false, out.artifact_type)) return false;
  if (!read_string_array(c, v, "urls", p, out.urls)) return false;
  if (const auto* plat = v.find("platform"); plat != nullptr && !plat->is_null()) {
    platform pl;
    if (!read_platform(c, *plat, p + "platform", pl)) return false;
    out.platform = std::move(pl);
  }
  return true;
}

bool read_subject(checker& c, const json::value& doc, std::optional<descriptor>& out) {
  const auto* s = doc.find("subject");
  if (s == nullptr || s->is_null()) return true;
  descriptor d;
  if (!read_descriptor(c, *s, "subject", d)) return false;
  out = std::move(d);
  return true;
}

std::string normalize_arch(std::string_view arch, std::string& variant) {
  auto a = str::to_lower(arch);
  if (a == "x86_64" || a == "x86-64") return "amd64";
  if (a == "aarch64") return "arm64";
  if (a == "i386") return "386";
  if (a == "armhf") {
    if (variant.empty()) variant = "v7";
    return "arm";
  }
  if (a == "armel") {
    if (variant.empty()) variant = "v6";
    return "arm";
  }
  return a;
}

std::string default_variant(std::string_view arch) {
  if (arch == "arm64") return "v8";
  if (arch == "arm") return "v7";
  if (arch == "amd64") return "v1";
  return "";
}

// The platform in a comparable form: aliases folded, the default variant filled in.
struct norm_platform {
  std::string os, arch, variant;
  bool variant_given = false;
};

norm_platform normalize(const platform& p) {
  norm_platform n;
  n.os = str::to_lower(p.os);
  std::string variant = str::to_lower(p.variant);
  n.variant_given = !variant.empty();
  n.arch = normalize_arch(p.architecture, variant);
  if (n.arch == "arm64" && variant == "8") variant = "v8";
  n.variant = variant.empty() ? default_variant(n.arch) : variant;
  return n;
}

}  // namespace

std::string platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

result<platform> parse_platform(std::string_view text) {
  auto parts = str::split(text, '/');
  if (parts.size() < 2 || parts.size() > 3)
    return make_error(std::string(errc::invalid_reference),
                      "invalid platform \"" + printable(text) + "\": expected os/architecture[/variant]");
  for (auto p : parts)
    if (p.empty() || p.find_first_of(" \t") != std::string_view::npos)
      return make_error(std::string(errc::invalid_reference),
                        "invalid platform \"" + printable(text) + "\": empty or blank element");
  platform out;
  out.os = str::to_lower(parts[0]);
  out.architecture = str::to_lower(parts[1]);
  if (parts.size() == 3) out.variant = str::to_lower(parts[2]);
  return out;
}

platform default_platform() {
  platform p;
  p.os = "linux";
  p.architecture = "amd64";
  return p;
}

std::string descriptor::annotation(std::string_view key) const {
  for (const auto& [k, v] : annotations)
    if (k == key) return v;
  return {};
}

result<parsed_manifest> parse_manifest(std::string_view body, std::string_view content_type, std::string_view what) {
  checker c{std::string(what), std::nullopt};
  std::string perr;
  auto doc = json::parse(body, &perr);
  if (!doc) return make_error(std::string(errc::manifest_invalid), std::string(what) + ": not valid JSON");
  if (!doc->is_object()) return make_error(std::string(errc::manifest_invalid), std::string(what) + ": not a JSON object");

  std::string body_type;
  if (!read_string(c, *doc, "mediaType", "", false, body_type)) return *c.err;
  auto type = !body_type.empty() ? media_type::essence(body_type) : media_type::essence(content_type);

  const auto* sv = doc->find("schemaVersion");
  if (sv != nullptr && sv->is_integer() && sv->as_int() == 1)
    return make_error(std::string(errc::manifest_invalid),
                      std::string(what) + ": Docker schema 1 manifests are not supported");
  if (media_type::is_schema1(type))
    return make_error(std::string(errc::manifest_invalid),
                      std::string(what) + ": Docker schema 1 manifests are not supported");
  if (sv == nullptr) return make_error(std::string(errc::manifest_invalid), std::string(what) + ": schemaVersion is missing");
  if (!sv->is_integer() || sv->as_int() != 2)
    return make_error(std::string(errc::manifest_invalid), std::string(what) + ": schemaVersion is not 2");

  bool index;
  if (media_type::is_index(type)) {
    index = true;
  } else if (media_type::is_manifest(type)) {
    index = false;
  } else if (type.empty() || type == "application/json" || type == "application/octet-stream") {
    // No usable type: decide by shape.
    if (doc->find("manifests") != nullptr) {
      index = true;
      type = std::string(media_type::oci_index);
    } else if (doc->find("config") != nullptr) {
      index = false;
      type = std::string(media_type::oci_manifest);
    } else {
      return make_error(std::string(errc::manifest_invalid),
                        std::string(what) + ": neither a manifest (config, layers) nor an index (manifests)");
    }
  } else {
    return make_error(std::string(errc::manifest_invalid),
                      std::string(what) + ": unsupported media type \"" + printable(type) + "\"");
  }

  if (index) {
    image_index out;
    out.media_type = type;
    const auto* ms = doc->find("manifests");
    if (ms == nullptr) return make_error(std::string(errc::manifest_invalid), std::string(what) + ": manifests is missing");
    if (!ms->is_array())
      return make_error(std::string(errc::manifest_invalid), std::string(what) + ": manifests is not an array");
    std::size_t i = 0;
    for (const auto& m : ms->as_array()) {
      descriptor d;
      if (!read_descriptor(c, m, "manifests[" + std::to_string(i++) + "]", d)) return *c.err;
      out.manifests.push_back(std::move(d));
    }
    if (!read_string(c, *doc, "artifactType", "", false, out.artifact_type) || !read_subject(c, *doc, out.subject) ||
        !read_annotations(c, *doc, "", out.annotations))
      return *c.err;
    return parsed_manifest(std::move(out));
  }

  image_manifest out;
  out.media_type = type;
  const auto* cfg = doc->find("config");
  if (cfg == nullptr) return make_error(std::string(errc::manifest_invalid), std::string(what) + ": config is missing");
  if (!read_descriptor(c, *cfg, "config", out.config)) return *c.err;
  const auto* layers = doc->find("layers");
  if (layers == nullptr) return make_error(std::string(errc::manifest_invalid), std::string(what) + ": layers is missing");
  if (!layers->is_array())
    return make_error(std::string(errc::manifest_invalid), std::string(what) + ": layers is not an array");
  std::size_t i = 0;
  for (const auto& l : layers->as_array()) {
    descriptor d;
    if (!read_descriptor(c, l, "layers[" + std::to_string(i++) + "]", d)) return *c.err;
    out.layers.push_back(std::move(d));
  }
  if (!read_string(c, *doc, "artifactType", "", false, out.artifact_type) || !read_subject(c, *doc, out.subject) ||
      !read_annotations(c, *doc, "", out.annotations))
    return *c.err;
  return parsed_manifest(std::move(out));
}

result<descriptor> select_platform(const image_index& index, const platform& want, std::string_view what) {
  auto w = normalize(want);
  const descriptor* fallback = nullptr;
  for (const auto& d : index.manifests) {
    if (!d.platform) continue;
    auto have = normalize(*d.platform);
    if (have.os != w.os || have.arch != w.arch) continue;
    if (w.variant_given) {
      if (have.variant == w.variant) return d;
      continue;
    }
    if (have.variant == w.variant) return d;  // the default variant
    if (fallback == nullptr) fallback = &d;
  }
  if (fallback != nullptr) return *fallback;
  std::string available;
  for (const auto& d : index.manifests) {
    if (!d.platform) continue;
    if (!available.empty()) available += ", ";
    available += d.platform->str();
  }
  return make_error(std::string(errc::platform_not_found),
                    std::string(what) + ": the index has no manifest for platform " + want.str() +
                        (available.empty() ? " (it lists no platforms)" : " (it has " + available + ")"));
}

}  // namespace fluxaws::oci

#include "tests/emulator/registry/registry_names.hpp"

#include <vector>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

namespace emu::registry {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool lower_hex(char c) { return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9'); }

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool valid_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  std::size_t i = 0;
  while (i < c.size()) {
    if (lower_alnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    if (c[i] == '.') {
      j = i + 1;
    } else if (c[i] == '_') {
      j = (i + 1 < c.size() && c[i + 1] == '_') ? i + 2 : i + 1;
    } else if (c[i] == '-') {
      while (j < c.size() && c[j] == '-') ++j;
    } else {
      return false;
    }
    if (j >= c.size() || !lower_alnum(c[j])) return false;
    i = j;
  }
  return true;
}

std::string join(const std::vector<std::string_view>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += '/';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::optional<v2_path> parse_v2_path(std::string_view path) {
  if (path == "/v2" || path == "/v2/") return v2_path{endpoint::ping, {}, {}};
  if (path == "/v2/_catalog") return v2_path{endpoint::catalog, {}, {}};
  if (!fluxaws::str::starts_with(path, "/v2/")) return std::nullopt;
  auto parts = fluxaws::str::split(path.substr(4), '/');
  const std::size_t n = parts.size();
  auto named = [&](endpoint kind, std::size_t name_end, std::string_view ref) -> std::optional<v2_path> {
    if (name_end == 0) return std::nullopt;
    std::string name = join(parts, 0, name_end);
    if (!valid_repository_name(name)) return std::nullopt;
    return v2_path{kind, std::move(name), std::string(ref)};
  };
  // Upload endpoints first: "blobs/uploads" can only be an upload (no digest reads so).
  if (n >= 3 && parts[n - 1].empty() && parts[n - 2] == "uploads" && parts[n - 3] == "blobs")
    return named(endpoint::upload_start, n - 3, {});
  if (n >= 3 && parts[n - 2] == "uploads" && parts[n - 3] == "blobs")
    return named(endpoint::upload_session, n - 3, parts[n - 1]);
  if (n >= 2 && parts[n - 1] == "uploads" && parts[n - 2] == "blobs")
    return named(endpoint::upload_start, n - 2, {});
  if (n >= 3 && parts[n - 2] == "tags" && parts[n - 1] == "list") return named(endpoint::tags_list, n - 2, {});
  if (n >= 3 && !parts[n - 1].empty()) {
    if (parts[n - 2] == "manifests") return named(endpoint::manifest, n - 2, parts[n - 1]);
    if (parts[n - 2] == "blobs") return named(endpoint::blob, n - 2, parts[n - 1]);
  }
  return std::nullopt;
}

bool valid_repository_name(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (auto c : fluxaws::str::split(name, '/'))
    if (!valid_component(c)) return false;
  return true;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
  if (!word(tag.front())) return false;
  for (char c : tag)
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

bool valid_digest(std::string_view digest) {
  std::size_t hex_len = 0;
  if (fluxaws::str::starts_with(digest, "sha256:")) {
    hex_len = 64;
    digest.remove_prefix(7);
  } else if (fluxaws::str::starts_with(digest, "sha512:")) {
    hex_len = 128;
    digest.remove_prefix(7);
  } else {
    return false;
  }
  if (digest.size() != hex_len) return false;
  for (char c : digest)
    if (!lower_hex(c)) return false;
  return true;
}

std::string backing_name(std::string_view account, std::string_view region, std::string_view name) {
  std::string out;
  out.reserve(account.size() + region.size() + name.size() + 2);
  out.append(account).append("/").append(region).append("/").append(name);
  return out;
}

std::string repository_arn(std::string_view account, std::string_view region, std::string_view name) {
  std::string out = "arn:aws:ecr:";
  out.append(region).append(":").append(account).append(":repository/").append(name);
  return out;
}

std::optional<registry_host> parse_registry_host(std::string_view host) {
  if (auto colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  const std::string lowered = fluxaws::str::to_lower(host);
  std::string_view v = lowered;
  if (fluxaws::str::ends_with(v, ".amazonaws.com.cn"))
    v.remove_suffix(std::string_view(".amazonaws.com.cn").size());
  else if (fluxaws::str::ends_with(v, ".amazonaws.com"))
    v.remove_suffix(std::string_view(".amazonaws.com").size());
  else
    return std::nullopt;
  auto parts = fluxaws::str::split(v, '.');
  if (parts.size() != 4 || parts[1] != "dkr" || (parts[2] != "ecr" && parts[2] != "ecr-fips")) return std::nullopt;
  if (parts[0].size() != 12 || parts[3].empty()) return std::nullopt;
  for (char c : parts[0])
    if (c < '0' || c > '9') return std::nullopt;
  return registry_host{std::string(parts[0]), std::string(parts[3])};
}

std::optional<std::string> query_param(std::string_view query, std::string_view key) {
  for (auto pair : fluxaws::str::split(query, '&')) {
    auto eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    if (k != key) continue;
    std::string_view v = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    return fluxaws::enc::uri_decode(v, true);
  }
  return std::nullopt;
}

}  // namespace emu::registry

#include "adapters/oci/registry_url.hpp"

#include <cctype>
#include <vector>

#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"

namespace fluxaws::oci {

namespace {

error_info bad_url(std::string_view url, std::string_view why) {
  return make_error(std::string(errc::invalid_reference),
                    "invalid URL \"" + printable(url, 200) + "\": " + std::string(why));
}

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ':'.
std::size_t scheme_length(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') return i;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  bool absolute = !path.empty() && path.front() == '/';
  auto segs = str::split(absolute ? path.substr(1) : path, '/');
  for (std::size_t i = 0; i < segs.size(); ++i) {
    auto seg = segs[i];
    bool last = i + 1 == segs.size();
    if (seg == ".") {
      if (last) out.emplace_back("");
      continue;
    }
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      if (last) out.emplace_back("");
      continue;
    }
    out.push_back(seg);
  }
  std::string r = absolute ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i) r += '/';
    r += out[i];
  }
  return r;
}

// Splits a target into path and "?query" (query keeps its '?').
std::pair<std::string_view, std::string_view> split_query(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q)};
}

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  unsigned v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v >= 1 && v <= 65535;
}

}  // namespace

unsigned http_url::effective_port() const {
  if (port.empty()) return scheme == "https" ? 443u : 80u;
  unsigned v = 0;
  for (char c : port) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

result<http_url> parse_http_url(std::string_view url) {
  auto hash = url.find('#');
  auto u = url.substr(0, hash);
  auto sl = scheme_length(u);
  if (sl == 0) return bad_url(url, "not an absolute URL");
  http_url out;
  out.scheme = str::to_lower(u.substr(0, sl));
  if (out.scheme != "http" && out.scheme != "https") return bad_url(url, "only http and https URLs are allowed");
  auto rest = u.substr(sl + 1);
  if (!str::starts_with(rest, "//")) return bad_url(url, "no host");
  rest.remove_prefix(2);
  auto end = rest.find_first_of("/?");
  auto authority = rest.substr(0, end);
  auto target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) return bad_url(url, "user info is not allowed in URLs");
  if (authority.empty()) return bad_url(url, "no host");
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unterminated IPv6 address");
    host = authority.substr(0, close + 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(url, "malformed authority");
      port = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) return bad_url(url, "no host");
  for (char c : host)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '\\' || c == '"' || c == '<' || c == '>')
      return bad_url(url, "malformed host");
  if (!port.empty() && !valid_port(port)) return bad_url(url, "invalid port");
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return bad_url(url, "unencoded characters in the path");
  out.host = str::to_lower(host);
  out.port = std::string(port);
  if (target.empty() || target.front() == '?') {
    out.target = "/" + std::string(target);
  } else {
    auto [path, query] = split_query(target);
    out.target = remove_dot_segments(path) + std::string(query);
  }
  return out;
}

result<http_url> resolve_url(const http_url& base, std::string_view reference) {
  auto ref = reference.substr(0, reference.find('#'));
  if (scheme_length(ref) != 0) return parse_http_url(ref);
  if (str::starts_with(ref, "//")) return parse_http_url(base.scheme + ":" + std::string(ref));
  for (char c : ref)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return bad_url(reference, "unencoded characters in the reference");
  http_url out = base;
  auto [base_path, base_query] = split_query(base.target);
  if (ref.empty()) return out;
  if (ref.front() == '/') {
    auto [path, query] = split_query(ref);
    out.target = remove_dot_segments(path) + std::string(query);
  } else if (ref.front() == '?') {
    out.target = std::string(base_path) + std::string(ref);
  } else {
    auto [path, query] = split_query(ref);
    auto dir = base_path.substr(0, base_path.rfind('/') + 1);
    out.target = remove_dot_segments(std::string(dir) + std::string(path)) + std::string(query);
  }
  if (out.target.empty() || out.target.front() != '/') out.target.insert(out.target.begin(), '/');
  return out;
}

bool same_origin(const http_url& a, const http_url& b) {
  return a.scheme == b.scheme && str::iequals(a.host, b.host) && a.effective_port() == b.effective_port();
}

std::string registry_origin(const repository_ref& repo, bool insecure) {
  return std::string(insecure ? "http://" : "https://") + repo.api_host();
}

std::string ping_url(const repository_ref& repo, bool insecure) { return registry_origin(repo, insecure) + "/v2/"; }

std::string tags_url(const repository_ref& repo, bool insecure, std::size_t page_size) {
  auto url = registry_origin(repo, insecure) + "/v2/" + repo.repository + "/tags/list";
  if (page_size > 0) url += "?n=" + std::to_string(page_size);
  return url;
}

std::string manifest_url(const repository_ref& repo, std::string_view reference, bool insecure) {
  return registry_origin(repo, insecure) + "/v2/" + repo.repository + "/manifests/" + std::string(reference);
}

std::string blob_url(const repository_ref& repo, std::string_view digest, bool insecure) {
  return registry_origin(repo, insecure) + "/v2/" + repo.repository + "/blobs/" + std::string(digest);
}

std::string pull_scope(const repository_ref& repo) { return "repository:" + repo.repository + ":pull"; }

}  // namespace fluxaws::oci

#include "adapters/oci/reference.hpp"

#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"

namespace fluxaws::oci {

namespace {

constexpr std::size_t max_name_length = 255;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool has_upper(std::string_view s) {
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return true;
  return false;
}

error_info invalid(std::string_view input, std::string_view why) {
  return make_error(std::string(errc::invalid_reference),
                    "invalid reference \"" + printable(input, 300) + "\": " + std::string(why));
}

// component := [a-z0-9]+ (sep [a-z0-9]+)*, sep := "." | "_" | "__" | "-"+
bool valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  std::size_t i = 0;
  while (i < c.size()) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < c.size() && !is_lower_alnum(c[j])) ++j;
    auto sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

bool valid_path(std::string_view path, std::string* why) {
  if (path.empty()) {
    *why = "the repository path is empty";
    return false;
  }
  for (auto comp : str::split(path, '/')) {
    if (comp.empty()) {
      *why = "the repository path has an empty element";
      return false;
    }
    if (has_upper(comp)) {
      *why = "the repository path must be lower case";
      return false;
    }
    if (!valid_component(comp)) {
      *why = "\"" + printable(comp) + "\" is not a valid path element";
      return false;
    }
  }
  return true;
}

bool valid_domain_component(std::string_view c) {
  if (c.empty() || !is_alnum(c.front()) || !is_alnum(c.back())) return false;
  for (char ch : c)
    if (!is_alnum(ch) && ch != '-') return false;
  return true;
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

bool valid_domain(std::string_view d, std::string* why) {
  std::string_view host = d, port;
  if (!d.empty() && d.front() == '[') {
    auto close = d.find(']');
    if (close == std::string_view::npos) {
      *why = "unterminated IPv6 address";
      return false;
    }
    host = d.substr(1, close - 1);
    auto rest = d.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        *why = "unexpected characters after the IPv6 address";
        return false;
      }
      port = rest.substr(1);
      if (!valid_port(port)) {
        *why = "invalid port";
        return false;
      }
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      *why = "invalid IPv6 address";
      return false;
    }
    return true;
  }
  auto colon = d.find(':');
  if (colon != std::string_view::npos) {
    host = d.substr(0, colon);
    port = d.substr(colon + 1);
    if (!valid_port(port)) {
      *why = "invalid port \"" + printable(port) + "\"";
      return false;
    }
  }
  if (host.empty()) {
    *why = "the registry host is empty";
    return false;
  }
  for (auto comp : str::split(host, '.')) {
    if (!valid_domain_component(comp)) {
      *why = "invalid registry host \"" + printable(host) + "\"";
      return false;
    }
  }
  return true;
}

// Splits "name" into registry and repository per the Docker Hub rules.
result<repository_ref> split_name(std::string_view input, std::string_view name) {
  if (name.empty()) return invalid(input, "the name is empty");
  if (name.size() > max_name_length)
    return invalid(input, "the name is longer than " + std::to_string(max_name_length) + " characters");
  auto slash = name.find('/');
  std::string_view domain, path;
  if (slash == std::string_view::npos) {
    domain = docker_hub;
    path = name;
  } else {
    auto first = name.substr(0, slash);
    bool is_domain = first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
                     first.front() == '[' || has_upper(first);
    if (is_domain) {
      domain = first;
      path = name.substr(slash + 1);
    } else {
      domain = docker_hub;
      path = name;
    }
  }
  std::string why;
  if (!valid_domain(domain, &why)) return invalid(input, why);
  if (!valid_path(path, &why)) return invalid(input, why);
  repository_ref out;
  out.registry = str::to_lower(domain);
  if (out.registry == "index.docker.io") out.registry = std::string(docker_hub);
  out.repository = std::string(path);
  if (out.registry == docker_hub && out.repository.find('/') == std::string::npos)
    out.repository = "library/" + out.repository;
  return out;
}

bool has_scheme(std::string_view s) { return s.find("://") != std::string_view::npos; }

}  // namespace

std::string repository_ref::api_host() const {
  return registry == docker_hub ? std::string(docker_hub_api_host) : registry;
}

std::string image_ref::str() const {
  std::string out = repo.name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !is_word(tag.front())) return false;
  for (char c : tag)
    if (!is_word(c) && c != '.' && c != '-') return false;
  return true;
}

std::string canonical_registry(std::string_view host) {
  auto h = str::to_lower(host);
  if (h == "index.docker.io" || h == docker_hub_api_host) return std::string(docker_hub);
  return h;
}

result<repository_ref> parse_repository(std::string_view name) {
  if (has_scheme(name)) return invalid(name, "a repository name has no URL scheme");
  auto last_slash = name.rfind('/');
  auto tail = last_slash == std::string_view::npos ? name : name.substr(last_slash + 1);
  if (name.find('@') != std::string_view::npos || tail.find(':') != std::string_view::npos)
    return invalid(name, "a repository name has no tag or digest");
  return split_name(name, name);
}

result<image_ref> parse_image_reference(std::string_view ref) {
  if (has_scheme(ref)) return invalid(ref, "an image reference has no URL scheme");
  image_ref out;
  std::string_view rest = ref;
  auto at = rest.find('@');
  if (at != std::string_view::npos) {
    auto d = rest.substr(at + 1);
    auto parsed = parse_digest(d);
    if (!parsed) return invalid(ref, parsed.error().message);
    out.digest = std::string(d);
    rest = rest.substr(0, at);
  }
  auto last_slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    auto tag = rest.substr(colon + 1);
    if (!is_valid_tag(tag)) return invalid(ref, "\"" + printable(tag) + "\" is not a valid tag");
    out.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  auto repo = split_name(ref, rest);
  if (!repo) return repo.error();
  out.repo = std::move(repo).value();
  return out;
}

result<repository_ref> parse_oci_url(std::string_view url) {
  constexpr std::string_view prefix = "oci://";
  if (!str::starts_with(url, prefix)) return invalid(url, "an OCI repository URL starts with oci://");
  auto rest = url.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto last_slash = rest.rfind('/');
  auto tail = last_slash == std::string_view::npos ? rest : rest.substr(last_slash + 1);
  if (rest.find('@') != std::string_view::npos)
    return invalid(url, "the URL must not contain a digest; use spec.ref.digest");
  if (tail.find(':') != std::string_view::npos && last_slash != std::string_view::npos)
    return invalid(url, "the URL must not contain a tag; use spec.ref.tag");
  if (rest.find('?') != std::string_view::npos || rest.find('#') != std::string_view::npos)
    return invalid(url, "the URL must not contain a query or fragment");
  return split_name(url, rest);
}

result<repository_ref> parse_image_repository(std::string_view image) {
  auto scheme = image.find("://");
  if (scheme != std::string_view::npos)
    return invalid(image, "the image must not include a URL scheme; remove '" + std::string(image.substr(0, scheme)) +
                              "://'");
  auto parsed = parse_image_reference(image);
  if (!parsed) return parsed.error();
  if (!parsed->digest.empty()) return invalid(image, "the image must not include a digest");
  if (!parsed->tag.empty()) return invalid(image, "the image must not include a tag; remove ':" + parsed->tag + "'");
  return parsed.value().repo;
}

}  // namespace fluxaws::oci

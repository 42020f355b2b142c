// URLs of the registry API (distribution spec v2) and the small URL model used to
// follow pagination links and check where a request goes.
//
// Contract:
//  - parse_http_url() accepts absolute http/https URLs only, with a host, without user
//    info (credentials never travel in URLs); the host is lower-cased, a fragment is
//    dropped, an empty path becomes "/". Errors are InvalidReference.
//  - resolve_url() is RFC 3986 section 5.2 reference resolution (absolute,
//    network-path, absolute-path, query-only and relative-path references, dot
//    segments removed).
//  - same_origin() compares scheme, host (case-insensitive) and effective port.
//  - The builders take already validated references (reference.hpp, content_digest.hpp)
//    and use https unless insecure is set.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::oci {

struct http_url {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; IPv6 keeps its brackets
  std::string port;    // as written; empty for the default
  std::string target;  // path and query, starting with '/'

  std::string authority() const { return port.empty() ? host : host + ":" + port; }
  std::string origin() const { return scheme + "://" + authority(); }
  std::string str() const { return origin() + target; }
  unsigned effective_port() const;
};

result<http_url> parse_http_url(std::string_view url);
result<http_url> resolve_url(const http_url& base, std::string_view reference);
bool same_origin(const http_url& a, const http_url& b);

std::string registry_origin(const repository_ref& repo, bool insecure);
std::string ping_url(const repository_ref& repo, bool insecure);
// page_size 0: no "n" parameter (the registry's default page size).
std::string tags_url(const repository_ref& repo, bool insecure, std::size_t page_size);
std::string manifest_url(const repository_ref& repo, std::string_view reference, bool insecure);
std::string blob_url(const repository_ref& repo, std::string_view digest, bool insecure);
// The Bearer scope that pulling from repo needs: "repository:<path>:pull".
std::string pull_scope(const repository_ref& repo);

}  // namespace fluxaws::oci

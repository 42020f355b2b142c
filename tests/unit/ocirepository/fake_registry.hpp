// An in-memory OCI registry behind a fake HTTP client actor, for driving the
// OCIRepository reconciler without a network: tags (paged with Link headers),
// manifests by tag or digest (GET and HEAD, Docker-Content-Digest), blobs streamed to
// the request's body file with their SHA-256, Basic auth with ECR's expired-token 401,
// and faults (a manifest served with other bytes than its digest, a short blob).
// Records every request (method, path, Authorization) and counts operations.
#pragma once

#include <caf/actor_system.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/http/client.hpp"

namespace fluxaws::ocitest {

struct seen_request {
  std::string method;
  std::string url;
  std::string authorization;
};

class fake_registry {
 public:
  // Content, by repository path ("team/app").
  void put_blob(const std::string& bytes);
  // Stores the manifest under its digest and, when tag is not empty, the tag.
  std::string put_manifest(const std::string& repo, const std::string& tag, const std::string& body,
                           const std::string& media_type = "application/vnd.oci.image.manifest.v1+json");
  void tag(const std::string& repo, const std::string& tag, const std::string& digest);

  // Auth: when set, every request must carry exactly this Authorization value, else
  // 401 with a Basic challenge.
  void require_authorization(std::optional<std::string> value);
  // The next n requests that do carry the right Authorization are refused with 401 as
  // if the token had expired.
  void expire_next(int n);
  // Serve at most this many tags a page (Link to the next one).
  void page_size(std::size_t n);
  // Serve this digest's manifest with one byte changed.
  void corrupt_manifest(const std::string& digest);
  // Serve only the first n bytes of this blob (with a 200).
  void truncate_blob(const std::string& digest, std::size_t n);

  http::response serve(const http::request& req);

  std::vector<seen_request> seen() const;
  // Requests whose method and path kind match: kind is "tags", "manifests", "blobs".
  int count(const std::string& method, const std::string& kind) const;
  void clear_seen();

 private:
  struct repository {
    std::map<std::string, std::string> tags;  // tag -> digest (ordered: listing order)
    std::map<std::string, std::pair<std::string, std::string>> manifests;  // digest -> (media type, body)
  };
  mutable std::mutex mu_;
  std::map<std::string, repository> repos_;
  std::map<std::string, std::string> blobs_;
  std::optional<std::string> auth_;
  int expire_ = 0;
  std::size_t page_ = 0;
  std::set<std::string> corrupt_;
  std::map<std::string, std::size_t> truncate_;
  std::vector<seen_request> seen_;
};

// The HTTP client actor interface answered by the fake registry.
http::client_actor spawn_fake_client(caf::actor_system& sys, std::shared_ptr<fake_registry> reg);

}  // namespace fluxaws::ocitest

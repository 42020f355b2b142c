#include "fake_registry.hpp"

#include <caf/typed_event_based_actor.hpp>

#include <fstream>

#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::ocitest {

namespace {

std::string query_param(const std::string& query, const std::string& name) {
  for (auto part : str::split(query, '&')) {
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return {};
}

http::response status_only(int status, const std::string& body = {}) {
  http::response r;
  r.status = status;
  r.body = body;
  r.headers.emplace_back("content-type", "application/json");
  return r;
}

// "tags", "blobs" or "manifests" for a /v2/<repo>/... URL, splitting it at the last
// marker (a repository may itself be called ".../manifests").
std::string classify(const std::string& url, std::string* repo = nullptr, std::string* ref = nullptr) {
  auto v2 = url.find("/v2/");
  if (v2 == std::string::npos) return {};
  std::string rest = url.substr(v2 + 4);
  rest = rest.substr(0, rest.find('?'));
  if (str::ends_with(rest, "/tags/list")) {
    if (repo) *repo = rest.substr(0, rest.size() - 10);
    return "tags";
  }
  auto b = rest.rfind("/blobs/");
  auto m = rest.rfind("/manifests/");
  if (b == std::string::npos && m == std::string::npos) return {};
  bool blob = m == std::string::npos || (b != std::string::npos && b > m);
  auto at = blob ? b : m;
  if (repo) *repo = rest.substr(0, at);
  if (ref) *ref = rest.substr(at + (blob ? 7 : 11));
  return blob ? "blobs" : "manifests";
}

std::string error_body(const std::string& code, const std::string& message) {
  return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})";
}

}  // namespace

void fake_registry::put_blob(const std::string& bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  blobs_["sha256:" + digest::sha256_hex(bytes)] = bytes;
}

std::string fake_registry::put_manifest(const std::string& repo, const std::string& tag, const std::string& body,
                                        const std::string& media_type) {
  std::lock_guard<std::mutex> lock(mu_);
  auto d = "sha256:" + digest::sha256_hex(body);
  repos_[repo].manifests[d] = {media_type, body};
  if (!tag.empty()) repos_[repo].tags[tag] = d;
  return d;
}

void fake_registry::tag(const std::string& repo, const std::string& tag, const std::string& digest) {
  std::lock_guard<std::mutex> lock(mu_);
  repos_[repo].tags[tag] = digest;
}

void fake_registry::require_authorization(std::optional<std::string> value) {
  std::lock_guard<std::mutex> lock(mu_);
  auth_ = std::move(value);
}

void fake_registry::expire_next(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  expire_ = n;
}

void fake_registry::page_size(std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  page_ = n;
}

void fake_registry::corrupt_manifest(const std::string& digest) {
  std::lock_guard<std::mutex> lock(mu_);
  corrupt_.insert(digest);
}

void fake_registry::truncate_blob(const std::string& digest, std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  truncate_[digest] = n;
}

std::vector<seen_request> fake_registry::seen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_;
}

void fake_registry::clear_seen() {
  std::lock_guard<std::mutex> lock(mu_);
  seen_.clear();
}

int fake_registry::count(const std::string& method, const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& s : seen_)
    if (s.method == method && classify(s.url) == kind) ++n;
  return n;
}

http::response fake_registry::serve(const http::request& req) {
  std::lock_guard<std::mutex> lock(mu_);
  seen_request s{req.method, req.url, {}};
  for (const auto& [k, v] : req.headers)
    if (str::iequals(k, "authorization")) s.authorization = v;
  seen_.push_back(s);

  if (auth_ && s.authorization != *auth_) {
    auto r = status_only(401, error_body("UNAUTHORIZED", "authentication required"));
    r.headers.emplace_back("www-authenticate", "Basic realm=\"fake\"");
    return r;
  }
  if (auth_ && expire_ > 0) {
    --expire_;
    auto r = status_only(401, error_body("UNAUTHORIZED", "Your authorization token has expired."));
    r.headers.emplace_back("www-authenticate", "Basic realm=\"fake\"");
    return r;
  }

  // https://host[:port]/v2/<repo>/<kind>/<ref>[?query]
  std::string query;
  if (auto q = req.url.find('?'); q != std::string::npos) query = req.url.substr(q + 1);
  std::string repo_name, ref;
  const std::string kind = classify(req.url, &repo_name, &ref);
  if (kind.empty()) return req.url.find("/v2/") != std::string::npos ? status_only(200, "{}") : status_only(404);
  if (kind == "tags") {
    auto it = repos_.find(repo_name);
    if (it == repos_.end()) return status_only(404, error_body("NAME_UNKNOWN", "repository name not known"));
    std::size_t n = query_param(query, "n").empty() ? 0 : std::stoul(query_param(query, "n"));
    if (page_ && (n == 0 || n > page_)) n = page_;
    std::string last = query_param(query, "last");
    json::value tags = json::value::make_array();
    std::string next_last;
    for (const auto& [t, d] : it->second.tags) {
      if (!last.empty() && t <= last) continue;
      if (n && tags.size() == n) {
        next_last = tags.as_array().back().as_string();
        break;
      }
      tags.push_back(t);
    }
    json::value body = json::value::make_object();
    body["name"] = repo_name;
    body["tags"] = std::move(tags);
    auto r = status_only(200, json::dump(body));
    if (!next_last.empty())
      r.headers.emplace_back("link", "</v2/" + repo_name + "/tags/list?n=" + std::to_string(n) + "&last=" + next_last +
                                         ">; rel=\"next\"");
    return r;
  }
  if (kind == "manifests") {
    auto it = repos_.find(repo_name);
    if (it == repos_.end()) return status_only(404, error_body("NAME_UNKNOWN", "repository name not known"));
    std::string digest = ref;
    if (!str::starts_with(ref, "sha256:")) {
      auto t = it->second.tags.find(ref);
      if (t == it->second.tags.end()) return status_only(404, error_body("MANIFEST_UNKNOWN", "manifest unknown"));
      digest = t->second;
    }
    auto m = it->second.manifests.find(digest);
    if (m == it->second.manifests.end()) return status_only(404, error_body("MANIFEST_UNKNOWN", "manifest unknown"));
    http::response r;
    r.status = 200;
    r.headers.emplace_back("content-type", m->second.first);
    r.headers.emplace_back("docker-content-digest", digest);
    std::string body = m->second.second;
    if (corrupt_.count(digest)) body.back() = body.back() == '}' ? ' ' : '}';
    r.headers.emplace_back("content-length", std::to_string(body.size()));
    if (req.method != "HEAD") r.body = body;
    r.body_size = req.method == "HEAD" ? 0 : body.size();
    return r;
  }
  if (kind == "blobs") {
    auto b = blobs_.find(ref);
    if (b == blobs_.end()) return status_only(404, error_body("BLOB_UNKNOWN", "blob unknown to registry"));
    std::string body = b->second;
    if (auto t = truncate_.find(ref); t != truncate_.end()) body = body.substr(0, t->second);
    http::response r;
    r.status = 200;
    if (body.size() > req.max_body) {
      r.fail = http::failure::body_too_large;
      r.error = "body exceeds the limit";
      r.status = 0;
      return r;
    }
    r.body_size = body.size();
    if (!req.body_file.empty()) {
      std::ofstream(req.body_file, std::ios::binary | std::ios::trunc) << body;
      r.body_sha256_hex = digest::sha256_hex(body);
    } else {
      r.body = body;
    }
    return r;
  }
  return status_only(404);
}

namespace {

// Spawned with an argument: CAF 0.17's argument-less spawn trips UBSan.
http::client_actor::behavior_type fake_client(http::client_actor::pointer, std::shared_ptr<fake_registry> reg) {
  return {
      [reg](http::request_atom, const http::request& req) { return reg->serve(req); },
      [](http::stats_atom) { return http::client_stats{}; },
  };
}

}  // namespace

http::client_actor spawn_fake_client(caf::actor_system& sys, std::shared_ptr<fake_registry> reg) {
  return sys.spawn(fake_client, std::move(reg));
}

}  // namespace fluxaws::ocitest

#include "tests/emulator/registry/registry_front.hpp"

#include <algorithm>
#include <mutex>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "tests/emulator/registry/registry_errors.hpp"
#include "tests/emulator/registry/registry_names.hpp"
#include "tests/emulator/registry/tag_pages.hpp"

namespace emu::registry {

namespace {

constexpr std::string_view all_manifest_types =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// Request headers passed to docker-registry, and response headers passed back.
constexpr http::field forwarded_request_fields[] = {
    http::field::accept, http::field::content_type, http::field::content_range, http::field::range,
    http::field::if_none_match, http::field::if_match};
constexpr std::string_view forwarded_response_fields[] = {
    "Content-Type", "Docker-Content-Digest", "ETag", "Range", "Content-Range", "Accept-Ranges",
    "Docker-Upload-UUID", "Last-Modified", "OCI-Subject"};

std::string scheme_of(const front_context& ctx) { return ctx.tls ? "https" : "http"; }

// True when the request's Accept headers allow media_type (no Accept allows anything).
bool accepts(const http_request& req, std::string_view media_type) {
  auto [first, last] = req.equal_range(http::field::accept);
  if (first == last) return true;
  for (auto it = first; it != last; ++it) {
    for (auto item : fluxaws::str::split(std::string_view(it->value().data(), it->value().size()), ',')) {
      auto type = fluxaws::str::trim(item.substr(0, item.find(';')));
      if (type == media_type || type == "*/*") return true;
    }
  }
  return false;
}

// Manifests worth remembering: the modern types, byte-identical to their digest (not a
// schema1 conversion distribution made for an old client).
bool cacheable_manifest(std::string_view media_type) {
  return media_type == "application/vnd.oci.image.manifest.v1+json" ||
         media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.v2+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

// Beast 1.74 speaks boost::string_view.
beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }
std::string_view ssv(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

struct registry_front::route {
  v2_path path;
  std::string operation;  // counted
  std::string action;     // ECR IAM action; empty for ping and catalog
  std::string arn;        // repository ARN; empty for ping and catalog
  std::string backing;    // docker-registry repository
};

std::optional<front_context> make_front_context(const http_request& req, const request_context& rc,
                                                std::string_view default_account, std::string_view default_region) {
  front_context ctx;
  ctx.tls = rc.tls;
  auto host = req.find(http::field::host);
  ctx.host = host != req.end() ? std::string(host->value()) : rc.host;
  if (auto parsed = parse_registry_host(ctx.host.empty() ? rc.host : ctx.host)) {
    ctx.account = parsed->account;
    ctx.region = parsed->region;
    return ctx;
  }
  if (default_account.empty() || default_region.empty()) return std::nullopt;
  ctx.account = std::string(default_account);
  ctx.region = std::string(default_region);
  return ctx;
}

registry_front::registry_front(registry_client& upstream, options opts)
    : upstream_(upstream), opts_(std::move(opts)), cache_(opts_.cache_bytes) {}

void registry_front::add_repository(std::string_view account, std::string_view region, std::string_view name) {
  std::unique_lock lock(mutex_);
  repositories_.insert(backing_name(account, region, name));
}

void registry_front::add_repositories(const std::vector<repository_seed>& seeds) {
  for (const auto& s : seeds) add_repository(s.account, s.region, s.name);
}

bool registry_front::has_repository(std::string_view account, std::string_view region, std::string_view name) const {
  std::shared_lock lock(mutex_);
  return repositories_.count(backing_name(account, region, name)) > 0;
}

asio::awaitable<http_response> registry_front::handle(const http_request& req, const front_context& ctx) {
  const std::string_view target = ssv(req.target());
  const auto qpos = target.find('?');
  const std::string_view raw_path = target.substr(0, qpos);
  const std::string_view query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);
  const auto method = req.method();

  std::string principal;
  auto respond = [&](http_response res, std::string_view operation) {
    if (opts_.count) opts_.count(operation, principal, static_cast<int>(res.result_int()));
    return res;
  };

  route r;
  auto decoded = fluxaws::enc::uri_decode(raw_path);
  auto parsed = decoded ? parse_v2_path(*decoded) : std::nullopt;
  if (!parsed) {
    co_return respond(error_response(req, 404, "NAME_INVALID", "invalid repository name or registry API path"), "Unknown");
  }
  r.path = std::move(*parsed);
  const bool get_or_head = method == http::verb::get || method == http::verb::head;
  bool allowed_method = true;
  switch (r.path.kind) {
    case endpoint::ping:
      r.operation = "Ping";
      allowed_method = get_or_head;
      break;
    case endpoint::catalog:
      r.operation = "Catalog";
      allowed_method = method == http::verb::get;
      break;
    case endpoint::tags_list:
      r.operation = "ListTags";
      r.action = "ecr:ListImages";
      allowed_method = method == http::verb::get;
      break;
    case endpoint::manifest:
      if (get_or_head) {
        r.operation = method == http::verb::get ? "GetManifest" : "HeadManifest";
        r.action = "ecr:BatchGetImage";
      } else if (method == http::verb::put) {
        r.operation = "PutManifest";
        r.action = "ecr:PutImage";
      } else if (method == http::verb::delete_) {
        r.operation = "DeleteManifest";
        r.action = "ecr:BatchDeleteImage";
      } else {
        allowed_method = false;
      }
      break;
    case endpoint::blob:
      r.operation = method == http::verb::head ? "HeadBlob" : "GetBlob";
      r.action = "ecr:GetDownloadUrlForLayer";
      allowed_method = get_or_head;
      break;
    case endpoint::upload_start:
      r.operation = "InitiateLayerUpload";
      r.action = "ecr:InitiateLayerUpload";
      allowed_method = method == http::verb::post;
      break;
    case endpoint::upload_session:
      if (method == http::verb::patch) {
        r.operation = "UploadLayerPart";
        r.action = "ecr:UploadLayerPart";
      } else if (method == http::verb::put) {
        r.operation = "CompleteLayerUpload";
        r.action = "ecr:CompleteLayerUpload";
      } else if (method == http::verb::get) {
        r.operation = "GetLayerUploadStatus";
        r.action = "ecr:UploadLayerPart";
      } else if (method == http::verb::delete_) {
        r.operation = "CancelLayerUpload";
        r.action = "ecr:UploadLayerPart";
      } else {
        allowed_method = false;
      }
      break;
  }
  if (!allowed_method) {
    co_return respond(error_response(req, 405, "UNSUPPORTED", "The operation is unsupported."),
                      r.operation.empty() ? "Unknown" : r.operation);
  }
  if (!r.path.name.empty()) {
    r.arn = repository_arn(ctx.account, ctx.region, r.path.name);
    r.backing = backing_name(ctx.account, ctx.region, r.path.name);
  }

  // ECR's auth: Basic AWS:<token>; the callback decides validity and permission.
  const auto auth_it = req.find(http::field::authorization);
  const std::string authorization = auth_it != req.end() ? std::string(auth_it->value()) : std::string();
  auth_decision decision;
  if (!authorization.empty() && opts_.authorize) decision = opts_.authorize(authorization, r.arn, r.action);
  principal = decision.principal_arn;
  if (!decision.allowed) {
    if (decision.status == 403) {
      std::string message = decision.message;
      if (message.empty())
        message = "User: " + (principal.empty() ? std::string("anonymous") : principal) + " is not authorized to perform: " +
                  r.action + " on resource: " + r.arn;
      co_return respond(error_response(req, 403, decision.code.empty() ? "DENIED" : decision.code, message), r.operation);
    }
    auto res = error_response(req, 401, decision.code.empty() ? "UNAUTHORIZED" : decision.code,
                              decision.message.empty() ? "Not Authorized" : decision.message);
    std::string realm_host = ctx.host;
    res.set(http::field::www_authenticate, "Basic realm=\"https://" + realm_host + "/\",service=\"ecr.amazonaws.com\"");
    co_return respond(std::move(res), r.operation);
  }

  if (r.path.kind == endpoint::ping) {
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    if (method == http::verb::get) res.body() = "{}";
    finish(res, req, method == http::verb::head);
    if (method == http::verb::head) res.content_length(2);
    co_return respond(std::move(res), r.operation);
  }
  if (r.path.kind == endpoint::catalog) co_return respond(catalog(req, ctx, authorization, query), r.operation);

  if (!has_repository(ctx.account, ctx.region, r.path.name)) {
    co_return respond(error_response(req, 404, "NAME_UNKNOWN",
                                     "The repository with name '" + r.path.name + "' does not exist in the registry with id '" +
                                         ctx.account + "'"),
                      r.operation);
  }
  // (No co_await inside a switch or a nested scope: g++ 12 miscompiles some of those.)
  auto cached = from_cache(req, ctx, r);
  http_response res;
  if (cached) {
    res = std::move(*cached);
  } else if (r.path.kind == endpoint::tags_list) {
    res = co_await list_tags(req, ctx, r, query);
  } else {
    res = co_await forward(req, ctx, r, upstream_target(r, query));
  }
  co_return respond(std::move(res), r.operation);
}

std::string registry_front::upstream_target(const route& r, std::string_view query) {
  const std::string base = "/v2/" + r.backing + "/";
  switch (r.path.kind) {
    case endpoint::manifest:
      return base + "manifests/" + r.path.reference;
    case endpoint::blob:
      return base + "blobs/" + r.path.reference;
    case endpoint::upload_start: {
      // Cross-repository mounts would need the source repository's permission: start a
      // plain upload instead (allowed by the distribution spec).
      std::string kept;
      for (auto pair : fluxaws::str::split(query, '&')) {
        auto key = pair.substr(0, pair.find('='));
        if (pair.empty() || key == "mount" || key == "from") continue;
        kept += kept.empty() ? "?" : "&";
        kept += pair;
      }
      return base + "blobs/uploads/" + kept;
    }
    case endpoint::upload_session:
      return base + "blobs/uploads/" + r.path.reference + (query.empty() ? "" : "?" + std::string(query));
    default:
      return {};
  }
}

std::optional<http_response> registry_front::from_cache(const http_request& req, const front_context&, const route& r) const {
  if (!opts_.cache) return std::nullopt;
  const auto method = req.method();
  if (method != http::verb::get && method != http::verb::head) return std::nullopt;
  std::shared_ptr<const front_cache::object> hit;
  if (r.path.kind == endpoint::manifest) {
    hit = cache_.manifest(r.backing, r.path.reference);
    if (hit && !accepts(req, hit->content_type)) hit = nullptr;
  } else if (r.path.kind == endpoint::blob && req.find(http::field::range) == req.end()) {
    hit = cache_.blob(r.backing, r.path.reference);
  }
  if (!hit) return std::nullopt;
  http_response res{http::status::ok, req.version()};
  res.set(http::field::content_type, hit->content_type);
  res.set("Docker-Content-Digest", hit->digest);
  if (!hit->etag.empty()) res.set(http::field::etag, hit->etag);
  const bool head = method == http::verb::head;
  if (!head) res.body() = hit->body;
  finish(res, req, head);
  if (head) res.content_length(hit->body.size());
  return res;
}

asio::awaitable<http_response> registry_front::forward(const http_request& req, const front_context& ctx, const route& r,
                                                       std::string upstream_target) {
  const bool head = req.method() == http::verb::head;
  const bool manifest_read = r.path.kind == endpoint::manifest && (head || req.method() == http::verb::get);
  // A manifest HEAD that missed the cache is fetched whole, to fill it.
  const auto up_method = manifest_read && opts_.cache ? http::verb::get : req.method();
  http_request up{up_method, upstream_target, 11};
  const std::uint64_t generation = cache_.generation(r.backing);
  for (auto field : forwarded_request_fields) {
    auto [first, last] = req.equal_range(field);
    for (auto it = first; it != last; ++it) up.insert(field, it->value());
  }
  if (r.path.kind == endpoint::manifest && req.find(http::field::accept) == req.end())
    up.set(http::field::accept, bsv(all_manifest_types));
  if (req.method() == http::verb::put || req.method() == http::verb::patch || req.method() == http::verb::post)
    up.body() = req.body();

  auto answer = co_await upstream_.send(std::move(up));
  if (!answer) co_return error_response(req, 503, "UNAVAILABLE", "the registry backend is unavailable");
  http_response& a = *answer;
  const unsigned status = a.result_int();
  if (r.path.kind == endpoint::manifest && (req.method() == http::verb::put || req.method() == http::verb::delete_))
    cache_.invalidate(r.backing);

  if (status == 404 && r.path.kind == endpoint::manifest)
    co_return error_response(req, 404, "MANIFEST_UNKNOWN", "Requested image not found");
  if (status == 404 && r.path.kind == endpoint::blob)
    co_return error_response(req, 404, "BLOB_UNKNOWN", "The specified layer does not exist in the repository");

  http_response res{a.result(), req.version()};
  for (auto name : forwarded_response_fields)
    if (auto it = a.find(bsv(name)); it != a.end()) res.set(bsv(name), it->value());
  if (auto loc = a.find(http::field::location); loc != a.end()) {
    std::string location(loc->value());
    const std::string internal = "/v2/" + r.backing + "/";
    if (fluxaws::str::starts_with(location, internal))
      location = scheme_of(ctx) + "://" + ctx.host + "/v2/" + r.path.name + "/" + location.substr(internal.size());
    res.set(http::field::location, location);
  }
  if (opts_.cache && status == 200 && up_method == http::verb::get) {
    auto header_of = [&](std::string_view name) {
      auto it = a.find(bsv(name));
      return it == a.end() ? std::string() : std::string(it->value());
    };
    auto entry = std::make_shared<front_cache::object>();
    entry->content_type = header_of("Content-Type");
    entry->digest = header_of("Docker-Content-Digest");
    entry->etag = header_of("ETag");
    if (r.path.kind == endpoint::manifest && cacheable_manifest(entry->content_type) &&
        entry->digest == "sha256:" + fluxaws::digest::sha256_hex(a.body())) {
      entry->body = a.body();
      cache_.put_manifest(r.backing, r.path.reference, std::move(entry), generation);
    } else if (r.path.kind == endpoint::blob && req.find(http::field::range) == req.end() && entry->digest == r.path.reference) {
      entry->body = a.body();
      cache_.put_blob(r.backing, std::move(entry));
    }
  }
  if (status >= 400) {
    // docker-registry names its own repository in messages; clients know the ECR name.
    res.body() = fluxaws::str::replace_all(a.body(), r.backing, r.path.name);
    if (res.find(http::field::content_type) == res.end()) res.set(http::field::content_type, "application/json; charset=utf-8");
  } else if (!head) {
    res.body() = std::move(a.body());
  }
  finish(res, req, head);
  if (head) {
    if (up_method == http::verb::get) res.content_length(a.body().size());
    else if (auto len = a.find(http::field::content_length); len != a.end()) res.set(http::field::content_length, len->value());
    else res.content_length(0);
  }
  co_return res;
}

asio::awaitable<http_response> registry_front::list_tags(const http_request& req, const front_context& ctx, const route& r,
                                                         std::string_view query) {
  const auto n = query_param(query, "n");
  const auto last = query_param(query, "last");
  // Validate the parameters before asking docker-registry for anything.
  if (auto check = page_of({}, n, last, opts_.max_page); !check)
    co_return error_response(req, static_cast<unsigned>(check.error().status), check.error().code, check.error().message);

  front_cache::tag_list tags = opts_.cache ? cache_.tags(r.backing) : nullptr;
  if (!tags) {
    const std::uint64_t generation = cache_.generation(r.backing);
    auto answer = co_await upstream_.send(http_request{http::verb::get, "/v2/" + r.backing + "/tags/list", 11});
    if (!answer) co_return error_response(req, 503, "UNAVAILABLE", "the registry backend is unavailable");
    auto fetched = std::make_shared<std::vector<std::string>>();
    if (answer->result_int() == 200) {
      auto doc = fluxaws::json::parse(answer->body());
      if (!doc) co_return error_response(req, 500, "UNKNOWN", "the registry backend answered a malformed tag list");
      if (const auto* list = doc->find("tags"))
        for (const auto& t : list->as_array())
          if (t.is_string()) fetched->push_back(t.as_string());
    } else if (answer->result_int() != 404) {  // 404: a known repository with no image yet
      co_return error_response(req, answer->result_int(), "UNKNOWN", "the registry backend failed to list tags");
    }
    std::sort(fetched->begin(), fetched->end());
    fetched->erase(std::unique(fetched->begin(), fetched->end()), fetched->end());
    tags = fetched;
    if (opts_.cache) cache_.put_tags(r.backing, tags, generation);
  }
  auto page = page_of(*tags, n, last, opts_.max_page);
  if (!page) co_return error_response(req, static_cast<unsigned>(page.error().status), page.error().code, page.error().message);

  fluxaws::json::value body = fluxaws::json::value::make_object();
  body.set("name", r.path.name);
  fluxaws::json::array list;
  list.reserve(page->items.size());
  for (auto& t : page->items) list.emplace_back(std::move(t));
  body.set("tags", std::move(list));
  http_response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  if (page->next_token)
    res.set(http::field::link, next_link(scheme_of(ctx), ctx.host, "/v2/" + r.path.name + "/tags/list", *page->next_token, page->n));
  res.body() = fluxaws::json::dump(body);
  finish(res, req);
  co_return res;
}

http_response registry_front::catalog(const http_request& req, const front_context& ctx, const std::string& authorization,
                                      std::string_view query) {
  const std::string prefix = backing_name(ctx.account, ctx.region, "");
  std::vector<std::string> names;
  {
    std::shared_lock lock(mutex_);
    for (auto it = repositories_.lower_bound(prefix); it != repositories_.end() && fluxaws::str::starts_with(*it, prefix); ++it)
      names.push_back(it->substr(prefix.size()));
  }
  std::vector<std::string> visible;
  for (auto& name : names) {
    if (opts_.authorize && opts_.authorize(authorization, repository_arn(ctx.account, ctx.region, name), "ecr:DescribeRepositories").allowed)
      visible.push_back(std::move(name));
  }
  auto page = page_of(visible, query_param(query, "n"), query_param(query, "last"), opts_.max_page);
  if (!page) return error_response(req, static_cast<unsigned>(page.error().status), page.error().code, page.error().message);
  fluxaws::json::array list;
  for (auto& n : page->items) list.emplace_back(std::move(n));
  fluxaws::json::value body = fluxaws::json::value::make_object();
  body.set("repositories", std::move(list));
  http_response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  if (page->next_token) res.set(http::field::link, next_link(scheme_of(ctx), ctx.host, "/v2/_catalog", *page->next_token, page->n));
  res.body() = fluxaws::json::dump(body);
  finish(res, req);
  return res;
}

}  // namespace emu::registry

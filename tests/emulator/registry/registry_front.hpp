// registry_front.hpp — the ECR registry endpoint (<account>.dkr.ecr.<region>.amazonaws.com
// /v2/...) in front of docker-registry: ECR's Basic AWS:<token> auth, repository names
// mapped per account and region, ECR's tag pagination and error bodies, call counts.
//
// Contract of handle():
//   - Every request is authorised through options.authorize(authorization header,
//     repository ARN, ECR action) before anything else; a request without an
//     Authorization header is refused with 401 without asking. Refusals: 401 with
//     `WWW-Authenticate: Basic realm="https://<host>/",service="ecr.amazonaws.com"`,
//     403 with {"errors":[{"code":"DENIED","message":...}]} (the decision's code and
//     message when given). For /v2/ (ping) and /v2/_catalog the ARN and the action
//     are empty: "is this a valid token?".
//   - Actions: tags/list ecr:ListImages; manifests GET/HEAD ecr:BatchGetImage, PUT
//     ecr:PutImage, DELETE ecr:BatchDeleteImage; blobs GET/HEAD
//     ecr:GetDownloadUrlForLayer; uploads POST ecr:InitiateLayerUpload, PATCH (and GET
//     status, DELETE) ecr:UploadLayerPart, PUT ecr:CompleteLayerUpload; _catalog lists
//     the repositories allowed ecr:DescribeRepositories.
//   - A repository not added with add_repository() answers 404 NAME_UNKNOWN (after
//     authorisation, as ECR does); an unknown manifest 404 MANIFEST_UNKNOWN.
//   - Manifests, blobs and uploads are proxied: Accept passed through (all manifest
//     types when the client sends none), Docker-Content-Digest, Content-Type,
//     Content-Length, ETag, Range passed back, Location rewritten to
//     <scheme>://<host>/v2/<ECR name>/...; HEAD answers keep the real Content-Length and
//     carry no body (the server must not recompute Content-Length for HEAD).
//   - tags/list is served from the full list, sorted, in pages (tag_pages.hpp) with an
//     absolute Link on the request's Host.
//   - With options.cache, tag lists, manifests (when the request's Accept allows the
//     cached type) and small blobs are answered from memory after the first read; a
//     manifest HEAD that misses is fetched with GET to fill the cache.
//   - options.count(operation, principal ARN or "", status) is called once per request;
//     operations: Ping, Catalog, ListTags, GetManifest, HeadManifest, PutManifest,
//     DeleteManifest, GetBlob, HeadBlob, InitiateLayerUpload, UploadLayerPart,
//     GetLayerUploadStatus, CancelLayerUpload, CompleteLayerUpload, Unknown.
//   - handle() is safe to call concurrently from several threads; the callbacks must be.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/registry/asio_types.hpp"
#include "tests/emulator/registry/front_cache.hpp"
#include "tests/emulator/http_types.hpp"
#include "tests/emulator/registry/registry_client.hpp"
#include "tests/emulator/registry/seed_types.hpp"

namespace emu::registry {

struct auth_decision {
  bool allowed = false;
  int status = 401;           // when refused: 401 (no or bad token) or 403 (denied)
  std::string principal_arn;  // the token's principal, "" when unknown
  std::string code;           // body code; default UNAUTHORIZED (401) / DENIED (403)
  std::string message;        // body message; a default when empty
};

using authorize_fn = std::function<auth_decision(std::string_view authorization_header,
                                                 const std::string& repository_arn, std::string_view ecr_action)>;
using count_fn = std::function<void(std::string_view operation, std::string_view principal, int status)>;

struct front_context {
  std::string host;  // the Host header as sent (name[:port]) for Link, Location and realm
  bool tls = true;
  std::string account, region;  // the registry addressed
};

// The context for a request: account and region from its Host
// (<account>.dkr.ecr.<region>.amazonaws.com), else the defaults when both are given;
// nullopt otherwise.
std::optional<front_context> make_front_context(const http_request& req, const request_context& rc,
                                                std::string_view default_account = {},
                                                std::string_view default_region = {});

class registry_front {
 public:
  struct options {
    authorize_fn authorize;
    count_fn count;              // optional
    std::size_t max_page = 1000;  // ECR's maximum and default page size
    // Serve repeated reads (tag lists, manifests, blobs up to 4 MiB) from memory; see
    // front_cache.hpp. Writes through the front keep it right.
    bool cache = true;
    std::size_t cache_bytes = 256u << 20;
  };

  registry_front(registry_client& upstream, options opts);

  void add_repository(std::string_view account, std::string_view region, std::string_view name);
  void add_repositories(const std::vector<repository_seed>& seeds);
  bool has_repository(std::string_view account, std::string_view region, std::string_view name) const;
  // After writing to docker-registry other than through this front (seeding while serving).
  void clear_cache() { cache_.clear(); }

  asio::awaitable<http_response> handle(const http_request& req, const front_context& ctx);

 private:
  struct route;
  static std::string upstream_target(const route& r, std::string_view query);
  std::optional<http_response> from_cache(const http_request& req, const front_context& ctx, const route& r) const;
  asio::awaitable<http_response> list_tags(const http_request& req, const front_context& ctx, const route& r,
                                           std::string_view query);
  http_response catalog(const http_request& req, const front_context& ctx, const std::string& authorization,
                        std::string_view query);
  asio::awaitable<http_response> forward(const http_request& req, const front_context& ctx, const route& r,
                                         std::string upstream_target);

  registry_client& upstream_;
  options opts_;
  mutable std::shared_mutex mutex_;
  std::set<std::string> repositories_;  // backing names
  front_cache cache_;
};

}  // namespace emu::registry

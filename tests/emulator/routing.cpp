#include "tests/emulator/routing.hpp"

#include <optional>
#include <vector>

#include "adapters/common/strings.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/sigv4_verify.hpp"

namespace emu {

namespace str = fluxaws::str;

namespace {

bool looks_like_region(std::string_view r) {
  auto parts = str::split(r, '-');
  if (parts.size() < 3 || r.empty()) return false;
  for (char c : r)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return r.back() >= '0' && r.back() <= '9';
}

bool looks_like_account(std::string_view a) {
  return a.size() == 12 && a.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string join(const std::vector<std::string_view>& v, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out.push_back('.');
    out.append(v[i]);
  }
  return out;
}

route from_aws_name(const std::vector<std::string_view>& l, bool api_aws, bool on_aws) {
  route r;
  auto n = l.size();
  if (n == 0) return r;
  if (on_aws) {  // <account>.dkr-ecr.<region>.on.aws
    if (n == 3 && looks_like_account(l[0]) && l[1] == "dkr-ecr" && looks_like_region(l[2]))
      return {service_kind::registry, std::string(l[2]), std::string(l[0]), {}, false};
    return r;
  }
  if (api_aws) {  // sts.<region>.api.aws, ecr.<region>.api.aws, kms.<region>.api.aws
    if (n == 2 && looks_like_region(l[1])) {
      if (l[0] == "sts") return {service_kind::sts, std::string(l[1]), {}, {}, false};
      if (l[0] == "ecr") return {service_kind::ecr_api, std::string(l[1]), {}, {}, false};
      if (l[0] == "kms") return {service_kind::kms, std::string(l[1]), {}, {}, false};
    }
    return r;
  }
  if (n == 1 && l[0] == "sts") return {service_kind::sts, "us-east-1", {}, {}, false};
  if (n == 2 && (l[0] == "sts" || l[0] == "sts-fips") && looks_like_region(l[1]))
    return {service_kind::sts, std::string(l[1]), {}, {}, false};
  if (n == 2 && (l[0] == "kms" || l[0] == "kms-fips") && looks_like_region(l[1]))
    return {service_kind::kms, std::string(l[1]), {}, {}, false};
  if (n == 2 && (l[0] == "ecr" || l[0] == "ecr-fips") && looks_like_region(l[1]))
    return {service_kind::ecr_api, std::string(l[1]), {}, {}, false};
  if (n == 3 && l[0] == "api" && (l[1] == "ecr" || l[1] == "ecr-fips") && looks_like_region(l[2]))
    return {service_kind::ecr_api, std::string(l[2]), {}, {}, false};
  if (n == 4 && looks_like_account(l[0]) && l[1] == "dkr" && (l[2] == "ecr" || l[2] == "ecr-fips") &&
      looks_like_region(l[3]))
    return {service_kind::registry, std::string(l[3]), std::string(l[0]), {}, false};
  // S3: find the endpoint label from the right; whatever is left of it is the bucket.
  for (std::size_t i = n; i-- > 0;) {
    auto lab = l[i];
    std::string region;
    std::size_t after = i + 1;
    if (lab == "s3" || lab == "s3-fips") {
      if (after < n && l[after] == "dualstack") ++after;
      if (after == n) region = "us-east-1";
      else if (after + 1 == n && looks_like_region(l[after])) region = std::string(l[after]);
      else continue;
    } else if (lab == "s3-external-1" && after == n) {
      region = "us-east-1";
    } else if (str::starts_with(lab, "s3-") && after == n && looks_like_region(lab.substr(3))) {
      region = std::string(lab.substr(3));
    } else {
      continue;
    }
    route s3{service_kind::s3, region, {}, join(l, 0, i), false};
    return s3;
  }
  return r;
}

std::string_view header(const http_request& req, http::field f) {
  auto it = req.find(f);
  if (it == req.end()) return {};
  return {it->value().data(), it->value().size()};
}

route bare_route(const http_request& req) {
  route r;
  r.bare = true;
  if (auto scope = sigv4::peek_scope(req)) {
    r.region = scope->region;
    if (scope->service == "sts") r.service = service_kind::sts;
    else if (scope->service == "kms") r.service = service_kind::kms;
    else if (scope->service == "ecr") r.service = service_kind::ecr_api;
    else if (scope->service == "s3") r.service = service_kind::s3;
    return r;
  }
  auto target = std::string_view(req.target().data(), req.target().size());
  if (str::starts_with(target, "/latest/")) {
    r.service = service_kind::imds;
    return r;
  }
  if (str::starts_with(target, "/v1/credentials") || str::starts_with(target, "/v2/credentials")) {
    r.service = service_kind::pod_identity;
    return r;
  }
  if (target == "/v2" || str::starts_with(target, "/v2/")) {
    r.service = service_kind::registry;
    return r;
  }
  auto amz_target = std::string_view(req["x-amz-target"].data(), req["x-amz-target"].size());
  if (str::starts_with(amz_target, "TrentService.")) {
    r.service = service_kind::kms;
    return r;
  }
  if (str::starts_with(amz_target, "AmazonEC2ContainerRegistry")) {
    r.service = service_kind::ecr_api;
    return r;
  }
  auto ctype = header(req, http::field::content_type);
  if (req.method() == http::verb::post && str::starts_with(ctype, "application/x-www-form-urlencoded") &&
      (str::starts_with(req.body(), "Action=") || req.body().find("&Action=") != std::string::npos)) {
    r.service = service_kind::sts;
    return r;
  }
  if (target.find("Action=AssumeRoleWithWebIdentity") != std::string_view::npos ||
      target.find("Action=GetCallerIdentity") != std::string_view::npos) {
    r.service = service_kind::sts;
    return r;
  }
  r.service = service_kind::s3;
  return r;
}

}  // namespace

std::string_view service_name(service_kind s) {
  switch (s) {
    case service_kind::admin: return "admin";
    case service_kind::sts: return "sts";
    case service_kind::ecr_api: return "ecr";
    case service_kind::registry: return "registry";
    case service_kind::s3: return "s3";
    case service_kind::kms: return "kms";
    case service_kind::imds: return "imds";
    case service_kind::pod_identity: return "podidentity";
    case service_kind::unknown: break;
  }
  return "unknown";
}

std::string host_of(std::string_view h) {
  h = str::trim(h);
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    return str::to_lower(h.substr(0, close == std::string_view::npos ? h.size() : close + 1));
  }
  auto colon = h.rfind(':');
  if (colon != std::string_view::npos) h = h.substr(0, colon);
  while (!h.empty() && h.back() == '.') h.remove_suffix(1);
  return str::to_lower(h);
}

route classify(std::string_view host, const http_request& req) {
  auto target = std::string_view(req.target().data(), req.target().size());
  if (str::starts_with(target, "/_emulator/") || target == "/_emulator") {
    route r;
    r.service = service_kind::admin;
    return r;
  }
  if (host == "169.254.169.254") return {service_kind::imds, {}, {}, {}, false};
  if (host == "169.254.170.2" || host == "169.254.170.23") return {service_kind::pod_identity, {}, {}, {}, false};
  auto strip = [&](std::string_view suffix) -> std::optional<std::string_view> {
    if (host.size() > suffix.size() && str::ends_with(host, suffix)) return host.substr(0, host.size() - suffix.size());
    return std::nullopt;
  };
  std::optional<std::string_view> rest;
  bool api_aws = false, on_aws = false;
  if ((rest = strip(".amazonaws.com")) || (rest = strip(".amazonaws.com.cn"))) {
  } else if ((rest = strip(".api.aws"))) {
    api_aws = true;
  } else if ((rest = strip(".on.aws"))) {
    on_aws = true;
  }
  if (rest) {
    std::vector<std::string_view> labels = str::split(*rest, '.');
    auto r = from_aws_name(labels, api_aws, on_aws);
    if (r.service != service_kind::unknown) return r;
    route unknown;
    return unknown;
  }
  return bare_route(req);
}

}  // namespace emu

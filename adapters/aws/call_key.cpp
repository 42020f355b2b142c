#include "adapters/aws/call_key.hpp"

#include <cctype>

#include "adapters/aws/ecr_host.hpp"
#include "adapters/aws/sigv4.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

namespace {

bool twelve_digits(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

struct url_pieces {
  std::string host;  // authority, lower case
  std::string path;
  std::string query;
};

std::optional<url_pieces> split_url(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  auto rest = url.substr(scheme_end + 3);
  auto path_start = rest.find_first_of("/?#");
  url_pieces out;
  out.host = str::to_lower(rest.substr(0, path_start));
  if (out.host.empty()) return std::nullopt;
  if (path_start == std::string_view::npos) return out;
  auto tail = rest.substr(path_start);
  auto q = tail.find('?');
  out.path = std::string(tail.substr(0, q));
  if (q != std::string_view::npos) {
    auto query = tail.substr(q + 1);
    out.query = std::string(query.substr(0, query.find('#')));
  }
  return out;
}

// The value of `name` in an a=b&c=d form (or query), decoded; nullopt when absent.
std::optional<std::string> form_value(std::string_view form, std::string_view name) {
  for (auto part : str::split(form, '&')) {
    auto eq = part.find('=');
    if (part.substr(0, eq) != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return enc::uri_decode(part.substr(eq + 1), true);
  }
  return std::nullopt;
}

std::string_view header_value(const http::request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (str::iequals(k, name)) return v;
  return {};
}

// The region of an STS host: sts[-fips].<region>.amazonaws.com[...] or the global
// sts.amazonaws.com (signed for us-east-1).
std::string sts_region(std::string_view host) {
  host = host.substr(0, host.find(':'));
  if (host == "sts.amazonaws.com") return "us-east-1";
  auto parts = str::split(host, '.');
  if (parts.size() >= 3 && (parts[0] == "sts" || parts[0] == "sts-fips")) return std::string(parts[1]);
  return "";
}

}  // namespace

std::string account_of_arn(std::string_view arn) {
  auto parts = str::split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn") return "";
  return twelve_digits(parts[4]) ? std::string(parts[4]) : std::string();
}

std::string limit_service(std::string_view signing_name) { return str::to_lower(signing_name); }

std::string s3_bucket_scope(std::string_view host, std::string_view raw_path) {
  std::string h = str::to_lower(host);
  std::string bare = h.substr(0, h.find(':'));
  // Virtual-hosted style: the bucket is the first labels before ".s3." / ".s3-".
  if (bare.find(".s3.") != std::string::npos || bare.find(".s3-") != std::string::npos) return h;
  // Path style: the bucket is the first path segment.
  auto p = raw_path;
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  auto segment = p.substr(0, p.find('/'));
  if (segment.empty()) return h;
  return h + "/" + std::string(segment);
}

limit_key make_limit_key(std::string_view service, std::string_view region, std::string_view host,
                         std::string_view raw_path, std::string_view account) {
  limit_key k;
  k.service = std::string(service);
  k.region = std::string(region);
  if (service == "s3")
    k.scope = "s3/" + s3_bucket_scope(host, raw_path);
  else if (!account.empty())
    k.scope = "acct/" + std::string(account);
  else
    k.scope = "host/" + str::to_lower(host);
  return k;
}

limit_key key_for(const service_request& r, std::string_view account) {
  // The raw path carries the bucket for path style (the endpoint's base path + /bucket).
  return make_limit_key(limit_service(r.ep.signing_name), r.ep.signing_region, r.ep.url.authority(), r.path,
                        account);
}

std::optional<aws_call_target> classify_request(const http::request& r) {
  auto url = split_url(r.url);
  if (!url) return std::nullopt;
  aws_call_target t;
  t.host = url->host;
  t.path = url->path;
  t.method = r.method;
  auto authz = header_value(r, "Authorization");
  if (str::starts_with(authz, sigv4::kAlgorithm)) {
    auto parsed = sigv4::parse_authorization(authz);
    if (!parsed) return std::nullopt;
    t.service = limit_service(parsed->service);
    t.region = parsed->region;
    t.access_key_id = parsed->access_key_id;
    return t;
  }
  if (auto cred = form_value(url->query, "X-Amz-Credential")) {
    auto parts = str::split(*cred, '/');
    if (parts.size() != 5 || parts[4] != "aws4_request") return std::nullopt;
    t.access_key_id = std::string(parts[0]);
    t.region = std::string(parts[2]);
    t.service = limit_service(parts[3]);
    return t;
  }
  if (str::iequals(r.method, "POST") && form_value(r.body, "Action") == std::optional<std::string>("AssumeRoleWithWebIdentity")) {
    t.service = "sts";
    t.region = sts_region(url->host);
    if (auto role = form_value(r.body, "RoleArn")) t.account = account_of_arn(*role);
    return t;
  }
  return std::nullopt;
}

limit_key registry_key(std::string_view host) {
  limit_key k;
  k.service = "registry";
  k.scope = "host/" + str::to_lower(host);
  return normalize_key(std::move(k));
}

limit_key normalize_key(limit_key k) {
  if (k.service != "registry" || !k.region.empty() || !str::starts_with(k.scope, "host/")) return k;
  auto ecr = parse_ecr_host(std::string_view(k.scope).substr(5));
  if (!ecr || ecr->account.empty()) return k;
  k.region = ecr->region;
  k.scope = "acct/" + ecr->account;
  return k;
}

}  // namespace fluxaws::aws

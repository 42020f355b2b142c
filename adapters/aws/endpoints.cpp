#include "adapters/aws/endpoints.hpp"

#include <array>
#include <cctype>

#include "adapters/aws/partitions.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

std::string_view signing_name(service s) {
  switch (s) {
    case service::sts: return "sts";
    case service::ecr: return "ecr";
    case service::ecr_public: return "ecr-public";
    case service::s3: return "s3";
    case service::kms: return "kms";
  }
  return "";
}

std::string_view env_name(service s) {
  switch (s) {
    case service::sts: return "STS";
    case service::ecr: return "ECR";
    case service::ecr_public: return "ECR_PUBLIC";
    case service::s3: return "S3";
    case service::kms: return "KMS";
  }
  return "";
}

endpoint_settings endpoint_settings_from_env(const env_map& env, service s) {
  endpoint_settings out;
  out.use_fips = env_flag(env, "AWS_USE_FIPS_ENDPOINT");
  out.use_dualstack = env_flag(env, "AWS_USE_DUALSTACK_ENDPOINT");
  if (!env_flag(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    std::string specific = "AWS_ENDPOINT_URL_" + std::string(env_name(s));
    if (auto v = env_get(env, specific)) {
      out.endpoint_url = std::string(str::trim(*v));
      out.endpoint_url_origin = specific;
    } else if (auto g = env_get(env, "AWS_ENDPOINT_URL")) {
      out.endpoint_url = std::string(str::trim(*g));
      out.endpoint_url_origin = "AWS_ENDPOINT_URL";
    }
  }
  if (s == service::sts) {
    auto v = env_get(env, "AWS_STS_REGIONAL_ENDPOINTS");
    out.sts_legacy_global = v && str::iequals(str::trim(*v), "legacy");
  }
  if (s == service::s3) {
    auto v = env_get(env, "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT");
    out.s3_us_east_1_global = v && str::iequals(str::trim(*v), "legacy");
  }
  return out;
}

std::string endpoint::to_string() const { return url.origin() + url.path; }

std::string endpoint::path_for(std::string_view operation_path) const {
  std::string base = url.path;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(operation_path.empty() ? "/" : operation_path);
}

bool is_valid_host_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  return true;
}

bool is_virtual_hostable_bucket(std::string_view bucket, bool allow_dots) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket)
    if (std::isupper(static_cast<unsigned char>(c))) return false;
  if (is_ipv4_literal(bucket)) return false;
  if (!allow_dots) return is_valid_host_label(bucket);
  for (auto label : str::split(bucket, '.'))
    if (!is_valid_host_label(label)) return false;
  return true;
}

namespace {

error_info endpoint_error(std::string message) { return make_error("endpoint", std::move(message)); }

// Regions are interpolated into host names: only host-label characters.
status check_region(std::string_view region) {
  if (region.empty()) return endpoint_error("no AWS region configured (set AWS_REGION or the object's region)");
  if (!is_valid_host_label(region))
    return endpoint_error("invalid AWS region \"" + std::string(region) + "\": not a DNS label");
  for (char c : region)
    if (std::isupper(static_cast<unsigned char>(c)))
      return endpoint_error("invalid AWS region \"" + std::string(region) + "\": upper-case letters");
  return {};
}

result<url_parts> parse_override(const endpoint_settings& st) {
  auto u = parse_url(*st.endpoint_url);
  std::string origin = st.endpoint_url_origin.empty() ? "endpoint override" : st.endpoint_url_origin;
  if (!u) return endpoint_error(origin + ": \"" + *st.endpoint_url + "\" is not an http(s) URL with a host");
  return *u;
}

status check_override_combination(const endpoint_settings& st) {
  if (st.use_fips) return endpoint_error("Invalid Configuration: FIPS and custom endpoint are not supported");
  if (st.use_dualstack)
    return endpoint_error("Invalid Configuration: Dualstack and custom endpoint are not supported");
  return {};
}

endpoint make(std::string scheme_host, std::string_view sname, std::string_view sregion) {
  endpoint ep;
  ep.url = *parse_url(scheme_host);
  ep.signing_name = std::string(sname);
  ep.signing_region = std::string(sregion);
  return ep;
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out = "https://";
  bool first = true;
  for (auto p : parts) {
    if (!first) out.push_back('.');
    out.append(p);
    first = false;
  }
  return out;
}

bool sts_legacy_region(std::string_view region) {
  static constexpr std::array<std::string_view, 16> kLegacy{
      "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
      "eu-central-1",   "eu-north-1", "eu-west-1",      "eu-west-2",      "eu-west-3",  "sa-east-1",
      "us-east-1",      "us-east-2",  "us-west-1",      "us-west-2"};
  for (auto r : kLegacy)
    if (r == region) return true;
  return false;
}

result<endpoint> resolve_sts(std::string_view region, const endpoint_settings& st) {
  const auto& p = partition_for_region(region);
  if (st.sts_legacy_global && !st.endpoint_url && !st.use_fips && !st.use_dualstack && sts_legacy_region(region))
    return make("https://sts.amazonaws.com", "sts", "us-east-1");
  if (st.endpoint_url) {
    if (auto s = check_override_combination(st); !s) return s.error();
    auto u = parse_override(st);
    if (!u) return u.error();
    return endpoint{*u, "sts", region == "aws-global" ? "us-east-1" : std::string(region)};
  }
  if (st.use_fips && st.use_dualstack) return make(join({"sts-fips", region, p.dualstack_dns_suffix}), "sts", region);
  if (st.use_fips) {
    if (p.name == "aws-us-gov") return make(join({"sts", region, "amazonaws.com"}), "sts", region);
    return make(join({"sts-fips", region, p.dns_suffix}), "sts", region);
  }
  if (st.use_dualstack) return make(join({"sts", region, p.dualstack_dns_suffix}), "sts", region);
  if (region == "aws-global") return make("https://sts.amazonaws.com", "sts", "us-east-1");
  return make(join({"sts", region, p.dns_suffix}), "sts", region);
}

result<endpoint> resolve_ecr(std::string_view region, const endpoint_settings& st) {
  const auto& p = partition_for_region(region);
  if (st.use_fips && st.use_dualstack) return make(join({"ecr-fips", region, p.dualstack_dns_suffix}), "ecr", region);
  if (st.use_fips) return make(join({"api.ecr-fips", region, p.dns_suffix}), "ecr", region);
  if (st.use_dualstack) return make(join({"ecr", region, p.dualstack_dns_suffix}), "ecr", region);
  return make(join({"api.ecr", region, p.dns_suffix}), "ecr", region);
}

result<endpoint> resolve_ecr_public(std::string_view region, const endpoint_settings& st) {
  const auto& p = partition_for_region(region);
  constexpr std::string_view n = "ecr-public";
  if (st.use_fips && st.use_dualstack) return make(join({"api.ecr-public-fips", region, p.dualstack_dns_suffix}), n, region);
  if (st.use_fips) return make(join({"api.ecr-public-fips", region, p.dns_suffix}), n, region);
  if (st.use_dualstack) {
    if (p.name == "aws") return make(join({"ecr-public", region, "api.aws"}), n, region);
    return make(join({"api.ecr-public", region, p.dualstack_dns_suffix}), n, region);
  }
  return make(join({"api.ecr-public", region, p.dns_suffix}), n, region);
}

result<endpoint> resolve_kms(std::string_view region, const endpoint_settings& st) {
  const auto& p = partition_for_region(region);
  std::string_view host = st.use_fips ? "kms-fips" : "kms";
  return make(join({host, region, st.use_dualstack ? p.dualstack_dns_suffix : p.dns_suffix}), "kms", region);
}

// The S3 service host without a bucket: s3[-fips][.dualstack].<region>.<suffix>, or
// the global s3.<suffix> for aws-global / legacy us-east-1.
result<endpoint> s3_service_endpoint(std::string_view region, const endpoint_settings& st) {
  const auto& p = partition_for_region(region);
  if (st.use_fips && p.name == "aws-cn") return endpoint_error("Partition does not support FIPS");
  bool global = region == "aws-global";
  std::string_view sregion = global ? std::string_view("us-east-1") : region;
  if (!st.use_fips && !st.use_dualstack &&
      (global || (st.s3_us_east_1_global && region == "us-east-1")))
    return make("https://s3." + std::string(p.dns_suffix), "s3", sregion);
  std::string prefix = st.use_fips ? "s3-fips" : "s3";
  if (st.use_dualstack) prefix += ".dualstack";
  return make(join({prefix, sregion, p.dns_suffix}), "s3", sregion);
}

status check_s3_combination(std::string_view region, const endpoint_settings& st) {
  if (st.use_dualstack && st.endpoint_url)
    return endpoint_error("Cannot set dual-stack in combination with a custom endpoint.");
  if (st.endpoint_url && st.use_fips) return endpoint_error("A custom endpoint cannot be combined with FIPS");
  if (st.use_fips && partition_for_region(region).name == "aws-cn")
    return endpoint_error("Partition does not support FIPS");
  return {};
}

result<endpoint> resolve_s3(std::string_view region, const endpoint_settings& st) {
  if (auto s = check_s3_combination(region, st); !s) return s.error();
  if (st.endpoint_url) {
    auto u = parse_override(st);
    if (!u) return u.error();
    return endpoint{*u, "s3", region == "aws-global" ? "us-east-1" : std::string(region)};
  }
  return s3_service_endpoint(region, st);
}

// The rules' url#normalizedPath: the path with a trailing '/'.
std::string normalized_path(std::string_view path) {
  std::string out(path);
  if (out.empty() || out.back() != '/') out.push_back('/');
  return out;
}

}  // namespace

result<endpoint> resolve_endpoint(service s, std::string_view region, const endpoint_settings& settings) {
  if (auto st = check_region(region); !st) return st.error();
  if (s != service::sts && s != service::s3 && settings.endpoint_url) {
    if (auto c = check_override_combination(settings); !c) return c.error();
    auto u = parse_override(settings);
    if (!u) return u.error();
    return endpoint{*u, std::string(signing_name(s)), std::string(region)};
  }
  const auto& p = partition_for_region(region);
  if (settings.use_fips && !p.supports_fips) return endpoint_error("FIPS is enabled but this partition does not support FIPS");
  if (settings.use_dualstack && !p.supports_dualstack)
    return endpoint_error("DualStack is enabled but this partition does not support DualStack");
  switch (s) {
    case service::sts: return resolve_sts(region, settings);
    case service::ecr: return resolve_ecr(region, settings);
    case service::ecr_public: return resolve_ecr_public(region, settings);
    case service::s3: return resolve_s3(region, settings);
    case service::kms: return resolve_kms(region, settings);
  }
  return endpoint_error("unknown service");
}

result<s3_bucket_endpoint> resolve_s3_bucket(std::string_view region, std::string_view bucket,
                                             const endpoint_settings& st) {
  if (auto s = check_region(region); !s) return s.error();
  if (bucket.empty() || bucket.size() > 255) return endpoint_error("invalid S3 bucket name: empty or too long");
  for (char c : bucket)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
      return endpoint_error("invalid S3 bucket name \"" + std::string(bucket) + "\"");
  auto svc = resolve_s3(region, st);
  if (!svc) return svc.error();

  s3_bucket_endpoint out;
  out.bucket = std::string(bucket);
  out.ep = *svc;
  const url_parts& base = svc->url;
  bool vhost = !st.s3_force_path_style && is_virtual_hostable_bucket(bucket, false);
  if (st.endpoint_url) {
    // Custom endpoints: IP addresses are always path style (the rules also say so for
    // dot-free names; for dotted names over http they would prepend the bucket to the
    // IP, which cannot resolve — we keep path style there).
    if (!vhost && !st.s3_force_path_style && base.scheme == "http" && is_virtual_hostable_bucket(bucket, true))
      vhost = true;
    if (base.is_ip()) vhost = false;
  }
  if (vhost) {
    out.virtual_host = true;
    out.ep.url.host = std::string(bucket) + "." + base.host;
    out.ep.url.ipv4 = out.ep.url.ipv6 = false;
    std::string path = st.endpoint_url ? base.path : std::string();
    while (!path.empty() && path.back() == '/') path.pop_back();
    out.ep.url.path = path;
  } else {
    out.ep.url.path = normalized_path(st.endpoint_url ? base.path : std::string()) + std::string(bucket);
  }
  return out;
}

}  // namespace fluxaws::aws

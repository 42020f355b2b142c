#include "actors/bucket_source.hpp"

#include <re2/re2.h>

#include "adapters/aws/url.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::actors::bucket {

namespace {

std::string str_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

// s3.amazonaws.com, s3.<region>.amazonaws.com, s3-<region>.amazonaws.com,
// s3.dualstack.<region>.amazonaws.com, s3-fips.<region>..., *.amazonaws.com.cn
const RE2& aws_s3_host() {
  static const RE2 re(
      R"(^s3(?:-fips)?(?:[.-]dualstack)?(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$)");
  return re;
}

}  // namespace

spec parse_spec(const json::value& obj) {
  spec s;
  s.bucket_name = str_at(obj, {"spec", "bucketName"});
  s.endpoint = str_at(obj, {"spec", "endpoint"});
  s.region = str_at(obj, {"spec", "region"});
  s.prefix = str_at(obj, {"spec", "prefix"});
  if (auto p = str_at(obj, {"spec", "provider"}); !p.empty()) s.provider = p;
  s.secret_ref = str_at(obj, {"spec", "secretRef", "name"});
  s.service_account = str_at(obj, {"spec", "serviceAccountName"});
  if (const json::value* sts = obj.at({"spec", "sts"})) {
    s.has_sts = true;
    s.sts_provider = str_at(*sts, {"provider"});
    s.sts_endpoint = str_at(*sts, {"endpoint"});
    s.sts_secret_ref = sts->find("secretRef") != nullptr;
    s.sts_cert_secret_ref = sts->find("certSecretRef") != nullptr;
  }
  if (const json::value* ig = obj.at({"spec", "ignore"}); ig && ig->is_string()) s.ignore = ig->as_string();
  if (const json::value* in = obj.at({"spec", "insecure"})) s.insecure = in->as_bool();
  return s;
}

std::optional<reconcile_error> validate(const spec& s) {
  auto invalid = [](std::string msg) { return reconcile_error::stalling("InvalidSpec", std::move(msg)); };
  if (s.bucket_name.empty()) return invalid("spec.bucketName: Required value");
  if (s.endpoint.empty()) return invalid("spec.endpoint: Required value");
  // The CRD's CEL rules.
  if (s.has_sts && s.provider != "aws" && s.provider != "generic")
    return invalid("STS configuration is only supported for the 'aws' and 'generic' Bucket providers");
  if (s.provider == "aws" && s.has_sts && s.sts_provider != "aws")
    return invalid("'aws' is the only supported STS provider for the 'aws' Bucket provider");
  if (s.provider == "generic" && s.has_sts && s.sts_provider != "ldap")
    return invalid("'ldap' is the only supported STS provider for the 'generic' Bucket provider");
  if (s.has_sts && s.sts_provider == "aws" && s.sts_secret_ref)
    return invalid("spec.sts.secretRef is not required for the 'aws' STS provider");
  if (s.has_sts && s.sts_provider == "aws" && s.sts_cert_secret_ref)
    return invalid("spec.sts.certSecretRef is not required for the 'aws' STS provider");
  if (s.provider == "generic" && !s.service_account.empty())
    return invalid("ServiceAccountName is not supported for the 'generic' Bucket provider");
  if (!s.secret_ref.empty() && !s.service_account.empty())
    return invalid("cannot set both .spec.secretRef and .spec.serviceAccountName");
  // fluxaws reconciles AWS buckets; other providers belong to source-controller.
  if (s.provider != "aws" && s.provider != "generic")
    return reconcile_error::stalling("InvalidSpec", "provider '" + s.provider +
                                                        "' is not reconciled by fluxaws (supported: aws, generic)");
  if (s.has_sts && s.sts_provider == "aws") {
    auto u = aws::parse_url(s.sts_endpoint);
    if (!u || u->host.empty())
      return reconcile_error::stalling("URLInvalid", "failed to parse STS endpoint '" + s.sts_endpoint + "'");
    if (u->scheme != "https")
      return reconcile_error::stalling("InvalidSTSConfiguration",
                                       "spec.sts.endpoint '" + s.sts_endpoint + "' must be an https URL");
    static const RE2 sts_host(R"(^sts(-fips)?(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$|^sts\.[a-z0-9-]+\.api\.aws$)");
    if (!RE2::FullMatch(u->host, sts_host))
      return reconcile_error::stalling("InvalidSTSConfiguration",
                                       "spec.sts.endpoint '" + s.sts_endpoint + "' is not an AWS STS endpoint");
  }
  return std::nullopt;
}

std::string region_of(const spec& s, const std::string& default_region) {
  if (!s.region.empty()) return s.region;
  std::string host = str::to_lower(s.endpoint);
  if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  std::string region;
  if (RE2::FullMatch(host, aws_s3_host(), &region) && !region.empty() && region != "dualstack") return region;
  return default_region;
}

result<aws::s3_bucket_endpoint> resolve(const spec& s, const aws::endpoint_settings& settings,
                                        const std::string& default_region) {
  std::string endpoint = s.endpoint;
  // Flux's spec.endpoint has no scheme; tolerate one.
  std::string scheme = s.insecure ? "http" : "https";
  if (auto p = endpoint.find("://"); p != std::string::npos) {
    scheme = str::to_lower(endpoint.substr(0, p));
    endpoint = endpoint.substr(p + 3);
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::string host = str::to_lower(endpoint);
  if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  std::string region = region_of(s, default_region);

  aws::endpoint_settings es = settings;
  if (RE2::FullMatch(host, aws_s3_host()) && scheme == "https") {
    if (region.empty())
      return make_error("InvalidRegion", "no region for bucket '" + s.bucket_name +
                                             "': set spec.region (or AWS_REGION for the controller)");
    if (host.find("fips") != std::string::npos) es.use_fips = true;
    if (host.find("dualstack") != std::string::npos) es.use_dualstack = true;
    return aws::resolve_s3_bucket(region, s.bucket_name, es);
  }
  es.endpoint_url = scheme + "://" + endpoint;
  es.endpoint_url_origin = "spec.endpoint";
  es.use_fips = false;
  es.use_dualstack = false;
  return aws::resolve_s3_bucket(region.empty() ? "us-east-1" : region, s.bucket_name, es);
}

std::string trim_etag(std::string_view etag) {
  etag = str::trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

std::string revision(const std::map<std::string, std::string>& index) {
  digest::sha256_stream h;
  for (const auto& [key, etag] : index) {  // std::map: byte order, as Go's sort.Strings
    h.update(key);
    h.update(" ");
    h.update(etag);
    h.update("\n");
  }
  return "sha256:" + h.finish_hex();
}

result<std::filesystem::path> key_path(const std::filesystem::path& root, const std::string& key) {
  auto refuse = [&](const std::string& why) {
    return make_error("UnsafeKey", "refusing object key '" + key + "': " + why);
  };
  if (key.empty()) return refuse("empty key");
  if (key.front() == '/') return refuse("absolute path");
  if (key.find('\0') != std::string::npos) return refuse("NUL byte");
  if (key.back() == '/') return refuse("directory marker");
  std::filesystem::path out = root;
  for (auto part : str::split(key, '/')) {
    if (part == "..") return refuse("'..' would leave the working directory");
    if (part.empty() || part == ".") continue;
    out /= std::string(part);
  }
  if (out == root) return refuse("no file name");
  return out;
}

}  // namespace fluxaws::actors::bucket

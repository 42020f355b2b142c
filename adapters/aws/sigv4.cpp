// SigV4 signing: header (Authorization) and query (presigned URL) variants.
#include "adapters/aws/sigv4.hpp"

#include <algorithm>

#include "adapters/aws/sigv4_detail.hpp"
#include "adapters/common/digest_prefetched.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::aws::sigv4 {

namespace detail {

std::string credential_scope(std::string_view day, std::string_view region, std::string_view service) {
  std::string scope;
  scope.reserve(day.size() + region.size() + service.size() + 15);
  scope.append(day);
  scope.push_back('/');
  scope.append(region);
  scope.push_back('/');
  scope.append(service);
  scope.append("/aws4_request");
  return scope;
}

std::string hex_signature(std::string_view key, std::string_view sts) {
  return enc::hex(digest::prefetched::hmac_sha256(key, sts));
}

}  // namespace detail

namespace {

using detail::header_list;

void remove_headers(header_list& headers, std::initializer_list<std::string_view> names) {
  std::erase_if(headers, [&](const auto& h) {
    for (std::string_view n : names)
      if (str::iequals(h.first, n)) return true;
    return false;
  });
}

// Drops X-Amz-* authentication parameters a previous presign left in the query.
std::string strip_presign_params(std::string_view query) {
  static constexpr std::string_view kOwn[] = {"X-Amz-Algorithm",     "X-Amz-Credential",     "X-Amz-Date",
                                              "X-Amz-Expires",       "X-Amz-SignedHeaders",  "X-Amz-Security-Token",
                                              "X-Amz-Signature"};
  if (query.find("X-Amz-") == std::string_view::npos) return std::string(query);
  std::string out;
  out.reserve(query.size());
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    std::string_view key = pair.substr(0, pair.find('='));
    const bool own = std::find(std::begin(kOwn), std::end(kOwn), key) != std::end(kOwn);
    if (!pair.empty() && !own) {
      if (!out.empty()) out.push_back('&');
      out.append(pair);
    }
    start = end + 1;
  }
  return out;
}

std::string key_for(const credentials& creds, std::string_view day, const signing_params& p) {
  return p.cache_signing_key ? cached_signing_key(creds.secret_access_key, day, p.region, p.service)
                             : signing_key(creds.secret_access_key, day, p.region, p.service);
}

}  // namespace

std::string string_to_sign(std::string_view amz_date, std::string_view credential_scope,
                           std::string_view canonical_request) {
  std::string sts;
  sts.reserve(kAlgorithm.size() + amz_date.size() + credential_scope.size() + 67);
  sts.append(kAlgorithm);
  sts.push_back('\n');
  sts.append(amz_date);
  sts.push_back('\n');
  sts.append(credential_scope);
  sts.push_back('\n');
  sts.append(digest::prefetched::sha256_hex(canonical_request));
  return sts;
}

std::string authorization_header(std::string_view access_key_id, const signature_parts& parts) {
  std::string out;
  out.reserve(kAlgorithm.size() + access_key_id.size() + parts.credential_scope.size() +
              parts.signed_headers.size() + parts.signature.size() + 40);
  out.append(kAlgorithm);
  out.append(" Credential=");
  out.append(access_key_id);
  out.push_back('/');
  out.append(parts.credential_scope);
  out.append(", SignedHeaders=");
  out.append(parts.signed_headers);
  out.append(", Signature=");
  out.append(parts.signature);
  return out;
}

signature_parts sign_headers(http_request& req, const credentials& creds, const signing_params& p) {
  const std::string amz_date = timefmt::amz_date(p.time);
  const std::string_view day = std::string_view(amz_date).substr(0, 8);
  const bool has_token = !creds.session_token.empty();
  std::string payload = p.payload_hash ? *p.payload_hash : digest::prefetched::sha256_hex(req.body);

  // Re-signing (a retry) replaces what the last signature added.
  if (has_token && p.sign_body_header)
    remove_headers(req.headers, {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"});
  else if (has_token)
    remove_headers(req.headers, {"authorization", "x-amz-date", "x-amz-security-token"});
  else if (p.sign_body_header)
    remove_headers(req.headers, {"authorization", "x-amz-date", "x-amz-content-sha256"});
  else
    remove_headers(req.headers, {"authorization", "x-amz-date"});

  req.headers.emplace_back("X-Amz-Date", amz_date);
  if (has_token && !p.omit_session_token) req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  if (p.sign_body_header) req.headers.emplace_back("x-amz-content-sha256", payload);

  detail::header_block block;
  detail::build_header_block(req.headers, nullptr, block);

  signature_parts parts;
  parts.credential_scope = detail::credential_scope(day, p.region, p.service);
  parts.canonical_request = detail::assemble_canonical_request(
      req.method, canonical_uri(req.path, p.normalize_path), canonical_query(req.query), block, payload);
  parts.string_to_sign = string_to_sign(amz_date, parts.credential_scope, parts.canonical_request);
  parts.signature = detail::hex_signature(key_for(creds, day, p), parts.string_to_sign);
  parts.signed_headers = std::move(block.names);

  if (has_token && p.omit_session_token) req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  req.headers.emplace_back("Authorization", authorization_header(creds.access_key_id, parts));
  return parts;
}

signature_parts sign_query(http_request& req, const credentials& creds, const signing_params& p) {
  const std::string amz_date = timefmt::amz_date(p.time);
  const std::string_view day = std::string_view(amz_date).substr(0, 8);
  const bool has_token = !creds.session_token.empty();
  const std::string payload = p.payload_hash ? *p.payload_hash : digest::prefetched::sha256_hex(req.body);

  detail::header_block block;
  detail::build_header_block(req.headers, nullptr, block);

  signature_parts parts;
  parts.credential_scope = detail::credential_scope(day, p.region, p.service);

  // The authentication parameters, in the order SDKs put them on the wire.
  std::string query = strip_presign_params(req.query);
  std::string auth_params;
  auth_params.append("X-Amz-Algorithm=").append(kAlgorithm);
  auth_params.append("&X-Amz-Credential=").append(enc::uri_encode(creds.access_key_id + "/" + parts.credential_scope));
  auth_params.append("&X-Amz-Date=").append(amz_date);
  auth_params.append("&X-Amz-Expires=").append(std::to_string(p.expires.count()));
  auth_params.append("&X-Amz-SignedHeaders=").append(enc::uri_encode(block.names));
  const std::string token_param = has_token ? "&X-Amz-Security-Token=" + enc::uri_encode(creds.session_token) : "";
  if (!p.omit_session_token) auth_params.append(token_param);

  std::string signed_query = query;
  if (!signed_query.empty()) signed_query.push_back('&');
  signed_query.append(auth_params);

  parts.canonical_request = detail::assemble_canonical_request(
      req.method, canonical_uri(req.path, p.normalize_path), canonical_query(signed_query), block, payload);
  parts.string_to_sign = string_to_sign(amz_date, parts.credential_scope, parts.canonical_request);
  parts.signature = detail::hex_signature(key_for(creds, day, p), parts.string_to_sign);
  parts.signed_headers = std::move(block.names);

  if (p.omit_session_token) signed_query.append(token_param);
  signed_query.append("&X-Amz-Signature=").append(parts.signature);
  req.query = std::move(signed_query);
  return parts;
}

}  // namespace fluxaws::aws::sigv4

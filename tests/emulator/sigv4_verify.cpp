#include "tests/emulator/sigv4_verify.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <vector>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/fast_hmac.hpp"

namespace emu::sigv4 {

namespace {

constexpr auto kMaxSkew = std::chrono::minutes(15);
constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kEmptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

std::string_view header_value(const http_request& req, std::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  if (it == req.end()) return {};
  auto v = it->value();
  return {v.data(), v.size()};
}

// The signing key for (secret, day, region, service), cached per thread.
const hmac_sha256_key& signing_key(std::string_view secret, std::string_view day, std::string_view region,
                                   std::string_view service) {
  thread_local std::unordered_map<std::string, std::unique_ptr<hmac_sha256_key>> cache;
  std::string id;
  id.reserve(secret.size() + day.size() + region.size() + service.size() + 3);
  id.append(secret).push_back('\0');
  id.append(day).push_back('\0');
  id.append(region).push_back('\0');
  id.append(service);
  auto it = cache.find(id);
  if (it != cache.end()) return *it->second;
  if (cache.size() > 4096) cache.clear();  // bounded: sessions rotate their secrets
  std::string k = "AWS4";
  k.append(secret);
  auto k_date = hmac_sha256_raw(k, day);
  auto k_region = hmac_sha256_raw({reinterpret_cast<const char*>(k_date.data()), 32}, region);
  auto k_service = hmac_sha256_raw({reinterpret_cast<const char*>(k_region.data()), 32}, service);
  auto k_signing = hmac_sha256_raw({reinterpret_cast<const char*>(k_service.data()), 32}, "aws4_request");
  auto key = std::make_unique<hmac_sha256_key>(std::string_view(reinterpret_cast<const char*>(k_signing.data()), 32));
  auto& ref = *key;
  cache.emplace(std::move(id), std::move(key));
  return ref;
}

struct auth_fields {
  std::string_view credential;  // AKID/day/region/service/aws4_request (decoded)
  std::string_view signed_headers;
  std::string_view signature;
  std::string_view algorithm;
};

// "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…"
bool parse_authorization(std::string_view h, auth_fields& f, std::string& why) {
  auto sp = h.find(' ');
  if (sp == std::string_view::npos) {
    why = "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
          "parameter. Authorization header requires 'SignedHeaders' parameter.";
    return false;
  }
  f.algorithm = h.substr(0, sp);
  auto rest = h.substr(sp + 1);
  for (auto part : fluxaws::str::split(rest, ',')) {
    part = fluxaws::str::trim(part);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    auto k = part.substr(0, eq), v = part.substr(eq + 1);
    if (k == "Credential") f.credential = v;
    else if (k == "SignedHeaders") f.signed_headers = v;
    else if (k == "Signature") f.signature = v;
  }
  std::string missing;
  if (f.credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (f.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (f.signed_headers.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    why = missing;
    return false;
  }
  return true;
}

std::vector<std::pair<std::string_view, std::string_view>> split_query(std::string_view q) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (q.empty()) return out;
  std::size_t start = 0;
  while (start <= q.size()) {
    auto amp = q.find('&', start);
    auto part = q.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      if (eq == std::string_view::npos) out.emplace_back(part, std::string_view{});
      else out.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

std::string decode_or_raw(std::string_view s) {
  if (s.find('%') == std::string_view::npos) return std::string(s);
  auto d = fluxaws::enc::uri_decode(s, false);
  return d ? *d : std::string(s);
}

std::string query_param(std::string_view q, std::string_view name) {
  for (auto& [k, v] : split_query(q))
    if (k == name) return decode_or_raw(v);
  return {};
}

// RFC 3986 section 5.2.4 on a decoded path.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  for (auto seg : fluxaws::str::split(path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string r = "/";
  for (std::size_t i = 0; i < out.size(); ++i) {
    r.append(out[i]);
    if (i + 1 < out.size()) r.push_back('/');
  }
  if (out.size() > 0 && path.size() > 1 && path.back() == '/') r.push_back('/');
  return r;
}

std::string_view trim_sv(std::string_view s) { return fluxaws::str::trim(s); }

}  // namespace

std::string fold_header_value(std::string_view v) {
  v = trim_sv(v);
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string canonical_uri_from_wire(std::string_view wire_path, bool normalize) {
  if (wire_path.empty()) return "/";
  if (wire_path == "/") return "/";
  // S3: the key, decoded, encoded once (tolerates lower-case escapes from clients).
  if (!normalize) return fluxaws::enc::uri_encode(decode_or_raw(wire_path), true);
  // Others: the path as it travelled (already encoded once by the client), normalized
  // and encoded again — AWS's "encode twice".
  return fluxaws::enc::uri_encode(remove_dot_segments(wire_path), true);
}

std::string canonical_query_from_wire(std::string_view wire_query, bool drop_signature, bool drop_token) {
  if (wire_query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> params;
  for (auto& [k, v] : split_query(wire_query)) {
    if (drop_signature && k == "X-Amz-Signature") continue;
    if (drop_token && k == "X-Amz-Security-Token") continue;
    params.emplace_back(fluxaws::enc::uri_encode(decode_or_raw(k)), fluxaws::enc::uri_encode(decode_or_raw(v)));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) out.push_back('&');
    out.append(params[i].first).push_back('=');
    out.append(params[i].second);
  }
  return out;
}

bool is_signed(const http_request& req) {
  auto auth = header_value(req, "authorization");
  if (fluxaws::str::starts_with(auth, "AWS4-")) return true;
  auto target = req.target();
  return std::string_view(target.data(), target.size()).find("X-Amz-Signature=") != std::string_view::npos;
}

std::optional<scope_peek> peek_scope(const http_request& req) {
  std::string credential;
  auto auth = header_value(req, "authorization");
  if (fluxaws::str::starts_with(auth, "AWS4-")) {
    auth_fields f;
    std::string why;
    if (!parse_authorization(auth, f, why)) return std::nullopt;
    credential = std::string(f.credential);
  } else {
    auto target = std::string_view(req.target().data(), req.target().size());
    auto q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    credential = query_param(target.substr(q + 1), "X-Amz-Credential");
    if (credential.empty()) return std::nullopt;
  }
  auto parts = fluxaws::str::split(credential, '/');
  if (parts.size() != 5) return std::nullopt;
  return scope_peek{std::string(parts[3]), std::string(parts[2])};
}

verify_result verify(const http_request& req, const credential_store& store, const verify_input& in) {
  verify_result r;
  auto fail = [&r](auth_error e, std::string msg) -> verify_result& {
    r.error = e;
    r.message = std::move(msg);
    return r;
  };

  auto target = std::string_view(req.target().data(), req.target().size());
  auto qpos = target.find('?');
  std::string_view wire_path = target.substr(0, qpos);
  std::string_view wire_query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);

  // 1. Where the signature is and its parts.
  std::string credential, signed_headers, signature, amz_date, token;
  std::chrono::seconds presign_expires{0};
  auto auth = header_value(req, "authorization");
  if (!auth.empty()) {
    auth_fields f;
    std::string why;
    if (!fluxaws::str::starts_with(auth, "AWS4-")) return fail(auth_error::unsupported_algorithm, "Unsupported Authorization Type");
    if (!parse_authorization(auth, f, why)) return fail(auth_error::malformed, why);
    if (f.algorithm != kAlgorithm) return fail(auth_error::unsupported_algorithm, "Unsupported Authorization Type");
    credential = std::string(f.credential);
    signed_headers = std::string(f.signed_headers);
    signature = std::string(f.signature);
    amz_date = std::string(header_value(req, "x-amz-date"));
    token = std::string(header_value(req, "x-amz-security-token"));
  } else if (wire_query.find("X-Amz-Signature=") != std::string_view::npos ||
             wire_query.find("X-Amz-Credential=") != std::string_view::npos) {
    r.presigned = true;
    std::string algorithm, expires;
    for (auto& [k, v] : split_query(wire_query)) {
      if (k == "X-Amz-Algorithm") algorithm = decode_or_raw(v);
      else if (k == "X-Amz-Credential") credential = decode_or_raw(v);
      else if (k == "X-Amz-SignedHeaders") signed_headers = decode_or_raw(v);
      else if (k == "X-Amz-Signature") signature = decode_or_raw(v);
      else if (k == "X-Amz-Date") amz_date = decode_or_raw(v);
      else if (k == "X-Amz-Expires") expires = decode_or_raw(v);
      else if (k == "X-Amz-Security-Token") token = decode_or_raw(v);
    }
    if (algorithm != kAlgorithm) return fail(auth_error::unsupported_algorithm, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    if (credential.empty() || signed_headers.empty() || signature.empty() || amz_date.empty() || expires.empty())
      return fail(auth_error::malformed,
                  "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                  "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
    if (expires.find_first_not_of("0123456789") != std::string::npos || expires.size() > 7)
      return fail(auth_error::malformed, "X-Amz-Expires should be a number");
    presign_expires = std::chrono::seconds(std::stol(expires));
    if (presign_expires > std::chrono::seconds(604800))
      return fail(auth_error::malformed, "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  } else {
    return fail(auth_error::missing, "Request is missing Authentication Token");
  }
  r.signature_provided = signature;

  // 2. Date and clock skew.
  if (amz_date.empty()) {
    return fail(auth_error::missing_date,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  auto when = fluxaws::timefmt::parse_amz_date(amz_date);
  if (!when) return fail(auth_error::missing_date, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (r.presigned) {
    if (in.now > *when + presign_expires) return fail(auth_error::presign_expired, "Request has expired");
    if (*when > in.now + kMaxSkew) return fail(auth_error::skewed, "Request is not valid yet");
  } else if (*when + kMaxSkew < in.now || *when > in.now + kMaxSkew) {
    auto now_s = fluxaws::timefmt::amz_date(in.now);
    std::string msg = "Signature expired: " + amz_date + " is now earlier than " +
                      fluxaws::timefmt::amz_date(in.now - kMaxSkew) + " (" + now_s + " - 15 min.)";
    if (*when > in.now)
      msg = "Signature not yet current: " + amz_date + " is still later than " +
            fluxaws::timefmt::amz_date(in.now + kMaxSkew) + " (" + now_s + " + 15 min.)";
    return fail(auth_error::skewed, msg);
  }

  // 3. Credential scope: AKID/day/region/service/aws4_request.
  auto parts = fluxaws::str::split(credential, '/');
  if (parts.size() != 5 || parts[0].empty())
    return fail(auth_error::malformed, "Credential should have exactly 5 slash-separated components, not " +
                                           std::to_string(parts.size()) + ".");
  r.access_key_id = std::string(parts[0]);
  r.region = std::string(parts[2]);
  r.service = std::string(parts[3]);
  if (parts[1] != std::string_view(amz_date).substr(0, 8))
    return fail(auth_error::bad_scope_date, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                                            "of date from HTTP: '" + std::string(parts[1]) + "' != '" +
                                            amz_date.substr(0, 8) + "', from '" + amz_date + "'.");
  if (!in.region.empty() && parts[2] != in.region)
    return fail(auth_error::bad_scope_region, "Credential should be scoped to a valid region, not '" +
                                                  std::string(parts[2]) + "'. ");
  if (parts[2].empty()) return fail(auth_error::bad_scope_region, "Credential should be scoped to a valid region.");
  if (parts[3] != in.service)
    return fail(auth_error::bad_scope_service,
                "Credential should be scoped to correct service: '" + std::string(in.service) + "'. ");
  if (parts[4] != "aws4_request")
    return fail(auth_error::bad_scope_terminator, "Credential should be scoped with a valid terminator: 'aws4_request', "
                                                  "not '" + std::string(parts[4]) + "'. ");

  // 4. The key and its session.
  auto key = store.find_key(parts[0]);
  if (!key) return fail(auth_error::unknown_key, "The security token included in the request is invalid.");
  if (!key->session_token.empty()) {
    if (token.empty()) return fail(auth_error::missing_token, "The security token included in the request is invalid.");
    if (CRYPTO_memcmp(token.data(), key->session_token.data(), std::min(token.size(), key->session_token.size())) != 0 ||
        token.size() != key->session_token.size())
      return fail(auth_error::invalid_token, "The security token included in the request is invalid.");
    if (key->expiry && in.now >= *key->expiry)
      return fail(auth_error::expired_token, "The security token included in the request is expired");
  } else if (!token.empty()) {
    return fail(auth_error::invalid_token, "The security token included in the request is invalid.");
  }

  // 5. Payload hash.
  auto content_sha = header_value(req, "x-amz-content-sha256");
  if (r.presigned) {
    r.payload_hash = in.s3_payload ? std::string(content_sha.empty() ? "UNSIGNED-PAYLOAD" : content_sha)
                                   : sha256_hex_fast(req.body());
  } else if (!content_sha.empty()) {
    if (is_hex64(content_sha)) {
      auto actual = req.body().empty() ? std::string(kEmptySha) : sha256_hex_fast(req.body());
      if (!fluxaws::str::iequals(actual, content_sha))
        return fail(auth_error::content_sha_mismatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
    } else if (!in.s3_payload) {
      return fail(auth_error::bad_signature,
                  "The request signature we calculated does not match the signature you provided. Check your AWS "
                  "Secret Access Key and signing method. Consult the service documentation for details.");
    }
    r.payload_hash = std::string(content_sha);
  } else {
    if (in.s3_payload)
      return fail(auth_error::missing_content_sha, "Missing required header for this request: x-amz-content-sha256");
    r.payload_hash = req.body().empty() ? std::string(kEmptySha) : sha256_hex_fast(req.body());
  }

  // 6. Canonical request (the query part goes in last, so it can be swapped below).
  std::string head;
  head.reserve(128);
  head.append(std::string_view(req.method_string().data(), req.method_string().size())).push_back('\n');
  head.append(canonical_uri_from_wire(wire_path, in.normalize_path)).push_back('\n');
  std::string creq;
  creq.reserve(512);
  bool host_signed = false;
  for (auto name : fluxaws::str::split(signed_headers, ';')) {
    if (name == "host") host_signed = true;
    creq.append(name).push_back(':');
    auto range = req.equal_range(boost::beast::string_view(name.data(), name.size()));
    bool first = true;
    for (auto it = range.first; it != range.second; ++it) {
      if (!first) creq.push_back(',');
      first = false;
      creq.append(fold_header_value(std::string_view(it->value().data(), it->value().size())));
    }
    creq.push_back('\n');
  }
  if (!host_signed) return fail(auth_error::malformed, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  creq.push_back('\n');
  creq.append(signed_headers).push_back('\n');
  creq.append(r.payload_hash);

  // 7. String to sign and signature.
  const auto& key_hmac = signing_key(key->secret, parts[1], parts[2], parts[3]);
  auto matches = [&](bool drop_token) {
    r.canonical_request = head;
    r.canonical_request.append(canonical_query_from_wire(wire_query, r.presigned, drop_token)).push_back('\n');
    r.canonical_request.append(creq);
    std::string& sts = r.string_to_sign;
    sts.clear();
    sts.reserve(160);
    sts.append(kAlgorithm).push_back('\n');
    sts.append(amz_date).push_back('\n');
    sts.append(parts[1]).push_back('/');
    sts.append(parts[2]).push_back('/');
    sts.append(parts[3]).append("/aws4_request\n");
    sts.append(sha256_hex_fast(r.canonical_request));
    auto expected = hex_of(key_hmac.sign(sts));
    return signature.size() == expected.size() &&
           CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
  };
  // A presigned URL may carry its session token unsigned (added after signing).
  if (!matches(false) && !(r.presigned && !token.empty() && matches(true))) {
    if (r.presigned && !token.empty()) matches(false);  // report the usual canonical form
    std::string msg = "The request signature we calculated does not match the signature you provided. Check your AWS "
                      "Secret Access Key and signing method. Consult the service documentation for details.";
    return fail(auth_error::bad_signature, msg);
  }
  r.who = std::move(key->who);
  return r;
}

}  // namespace emu::sigv4

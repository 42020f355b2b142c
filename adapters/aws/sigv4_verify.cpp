// The receiving side of SigV4 (the emulator): parsing an Authorization header and
// checking a request against it. Input is hostile: every step bounds-checks and a
// malformed header is a nullopt or an error, never an exception or a crash.
#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>

#include "adapters/aws/sigv4.hpp"
#include "adapters/aws/sigv4_detail.hpp"
#include "adapters/common/digest_prefetched.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::aws::sigv4 {

namespace {

constexpr std::size_t kMaxAuthorizationSize = 16 * 1024;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blank(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool all_of(std::string_view s, bool (*pred)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), pred); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
// Key ids, regions and service names: visible ASCII without the separators.
bool is_scope_char(char c) { return c > ' ' && c < 0x7f && c != '/' && c != ',' && c != ';' && c != '='; }
// RFC 9110 token characters, lower case only (canonical header names are lower case).
bool is_header_name_char(char c) {
  if ((c >= 'a' && c <= 'z') || is_digit(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool parse_credential(std::string_view v, parsed_authorization& out) {
  std::string_view fields[5];
  for (int i = 0; i < 5; ++i) {
    const std::size_t slash = v.find('/');
    if (i < 4) {
      if (slash == std::string_view::npos) return false;
      fields[i] = v.substr(0, slash);
      v.remove_prefix(slash + 1);
    } else {
      if (slash != std::string_view::npos) return false;
      fields[i] = v;
    }
  }
  if (!all_of(fields[0], is_scope_char) || fields[1].size() != 8 || !all_of(fields[1], is_digit) ||
      !all_of(fields[2], is_scope_char) || !all_of(fields[3], is_scope_char) || fields[4] != "aws4_request")
    return false;
  out.access_key_id = fields[0];
  out.day = fields[1];
  out.region = fields[2];
  out.service = fields[3];
  return true;
}

bool parse_signed_headers(std::string_view v, parsed_authorization& out) {
  if (v.empty()) return false;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find(';', start);
    if (end == std::string_view::npos) end = v.size();
    std::string_view name = v.substr(start, end - start);
    if (!all_of(name, is_header_name_char)) return false;  // also rejects empty names (";;")
    out.signed_headers.emplace_back(name);
    start = end + 1;
  }
  return true;
}

std::optional<parsed_authorization> parse_unchecked(std::string_view header) {
  if (header.size() > kMaxAuthorizationSize) return std::nullopt;
  header = trim_blank(header);
  if (header.size() <= kAlgorithm.size() || header.substr(0, kAlgorithm.size()) != kAlgorithm ||
      !is_blank(header[kAlgorithm.size()]))
    return std::nullopt;
  header.remove_prefix(kAlgorithm.size());

  parsed_authorization out;
  bool seen_credential = false, seen_headers = false, seen_signature = false;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = trim_blank(header.substr(start, end - start));
    start = end + 1;
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view name = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (name == "Credential") {
      if (seen_credential || !parse_credential(value, out)) return std::nullopt;
      seen_credential = true;
    } else if (name == "SignedHeaders") {
      if (seen_headers || !parse_signed_headers(value, out)) return std::nullopt;
      seen_headers = true;
    } else if (name == "Signature") {
      if (seen_signature || value.size() != 64 || !all_of(value, is_lower_hex)) return std::nullopt;
      out.signature = value;
      seen_signature = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seen_credential || !seen_headers || !seen_signature) return std::nullopt;
  return out;
}

const std::string* find_header(const http_request& req, std::string_view name) {
  for (const auto& h : req.headers)
    if (str::iequals(h.first, name)) return &h.second;
  return nullptr;
}

bool is_hex_sha256(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

}  // namespace

std::optional<parsed_authorization> parse_authorization(std::string_view header_value) {
  try {
    return parse_unchecked(header_value);
  } catch (...) {  // allocation failure: treat as unparseable, never propagate
    return std::nullopt;
  }
}

fluxaws::status verify_headers(const http_request& req, const parsed_authorization& auth,
                               std::string_view secret_access_key, const verify_options& options,
                               signature_parts* expected) {
  const std::string* amz_date = find_header(req, "x-amz-date");
  if (!amz_date) return make_error("IncompleteSignature", "the request has no X-Amz-Date header");
  const auto when = timefmt::parse_amz_date(*amz_date);
  if (!when || amz_date->size() != 16)
    return make_error("IncompleteSignature", "X-Amz-Date is not a basic ISO 8601 time (yyyymmddThhmmssZ)");
  if (std::string_view(*amz_date).substr(0, 8) != auth.day)
    return make_error("SignatureDoesNotMatch", "the credential scope's date " + auth.day +
                                                   " is not the day of X-Amz-Date " + *amz_date);
  if (options.now) {
    const auto skew = *options.now > *when ? *options.now - *when : *when - *options.now;
    if (skew > options.max_skew)
      return make_error("RequestTimeTooSkewed", "X-Amz-Date " + *amz_date +
                                                    " differs from the server's time by more than " +
                                                    std::to_string(options.max_skew.count()) + " seconds");
  }

  std::string names;
  bool host_signed = false, date_signed = false;
  for (const auto& n : auth.signed_headers) {
    host_signed = host_signed || n == "host";
    date_signed = date_signed || n == "x-amz-date";
    if (!find_header(req, n))
      return make_error("IncompleteSignature", "signed header '" + n + "' is not in the request");
    if (!names.empty()) names.push_back(';');
    names.append(n);
  }
  if (!host_signed) return make_error("IncompleteSignature", "the Host header is not signed");
  if (!date_signed) return make_error("IncompleteSignature", "the X-Amz-Date header is not signed");

  std::string payload;
  if (const std::string* claimed = find_header(req, "x-amz-content-sha256")) {
    if (is_hex_sha256(*claimed)) {
      payload = digest::prefetched::sha256_hex(req.body);
      if (!str::iequals(payload, *claimed))
        return make_error("XAmzContentSHA256Mismatch",
                          "x-amz-content-sha256 is not the SHA-256 of the request body");
      payload = *claimed;  // signed as sent
    } else {
      payload = *claimed;  // UNSIGNED-PAYLOAD and the streaming forms
    }
  } else {
    payload = digest::prefetched::sha256_hex(req.body);
  }

  signature_parts parts;
  parts.credential_scope = detail::credential_scope(auth.day, auth.region, auth.service);
  parts.canonical_request = canonical_request(req, names, payload, options.normalize_path);
  parts.string_to_sign = string_to_sign(*amz_date, parts.credential_scope, parts.canonical_request);
  parts.signature = detail::hex_signature(
      cached_signing_key(secret_access_key, auth.day, auth.region, auth.service), parts.string_to_sign);
  // canonical_request sorts and de-duplicates the names; report them that way.
  const auto first_nl = parts.canonical_request.rfind('\n');
  const auto second_nl = first_nl == std::string::npos ? std::string::npos
                                                        : parts.canonical_request.rfind('\n', first_nl - 1);
  if (second_nl != std::string::npos)
    parts.signed_headers = parts.canonical_request.substr(second_nl + 1, first_nl - second_nl - 1);

  const bool match = auth.signature.size() == parts.signature.size() &&
                     CRYPTO_memcmp(auth.signature.data(), parts.signature.data(), parts.signature.size()) == 0;
  if (expected) *expected = std::move(parts);
  if (!match)
    return make_error("SignatureDoesNotMatch",
                      "the request signature we calculated does not match the signature you provided");
  return {};
}

}  // namespace fluxaws::aws::sigv4

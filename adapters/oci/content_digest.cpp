#include "adapters/oci/content_digest.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/oci/error_codes.hpp"

namespace fluxaws::oci {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_lower_hex(char c) { return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9'); }
bool is_encoded_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' || c == '_' ||
         c == '-';
}

bool valid_algorithm(std::string_view a) {
  if (a.empty() || !is_lower_alnum(a.front()) || !is_lower_alnum(a.back())) return false;
  bool prev_sep = false;
  for (char c : a) {
    bool sep = c == '+' || c == '.' || c == '_' || c == '-';
    if (!sep && !is_lower_alnum(c)) return false;
    if (sep && prev_sep) return false;
    prev_sep = sep;
  }
  return true;
}

error_info bad(std::string_view text, std::string_view why) {
  return make_error(std::string(errc::invalid_reference),
                    "invalid digest \"" + printable(text) + "\": " + std::string(why));
}

}  // namespace

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  if (text.size() > max) out += "...";
  return out;
}

result<digest_parts> parse_digest(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return bad(text, "expected algorithm:hex");
  auto algo = text.substr(0, colon);
  auto enc = text.substr(colon + 1);
  if (!valid_algorithm(algo)) return bad(text, "malformed algorithm");
  if (enc.empty()) return bad(text, "empty encoded part");
  for (char c : enc)
    if (!is_encoded_char(c)) return bad(text, "malformed encoded part");
  std::size_t want = algo == "sha256" ? 64 : algo == "sha512" ? 128 : 0;
  if (want != 0) {
    if (enc.size() != want)
      return bad(text, std::string(algo) + " needs " + std::to_string(want) + " hex characters");
    for (char c : enc)
      if (!is_lower_hex(c)) return bad(text, std::string(algo) + " needs lower-case hex");
  }
  return digest_parts{std::string(algo), std::string(enc)};
}

bool is_valid_digest(std::string_view text) { return parse_digest(text).ok(); }

std::string sha256_digest(std::string_view bytes) { return "sha256:" + digest::sha256_hex(bytes); }

result<std::string> compute_digest(std::string_view algorithm, std::string_view bytes) {
  if (algorithm == "sha256") return sha256_digest(bytes);
  if (algorithm == "sha512") return "sha512:" + enc::hex(digest::sha512(bytes));
  return make_error(std::string(errc::unsupported),
                    "digest algorithm \"" + printable(algorithm) + "\" is not supported");
}

status verify_digest(std::string_view bytes, std::string_view expected, std::string_view what) {
  auto parts = parse_digest(expected);
  if (!parts) return parts.error();
  auto actual = compute_digest(parts->algorithm, bytes);
  if (!actual) return actual.error();
  if (*actual != expected)
    return make_error(std::string(errc::digest_mismatch), std::string(what) + ": content digest " + *actual +
                                                              " does not match the expected " + std::string(expected));
  return {};
}

status verify_sha256_hex(std::string_view actual_hex, std::string_view expected, std::string_view what) {
  auto parts = parse_digest(expected);
  if (!parts) return parts.error();
  if (parts->algorithm != "sha256")
    return make_error(std::string(errc::unsupported),
                      std::string(what) + ": only sha256 digests can be verified while streaming, not " +
                          parts->algorithm);
  if (actual_hex != parts->encoded)
    return make_error(std::string(errc::digest_mismatch), std::string(what) + ": content digest sha256:" +
                                                              printable(actual_hex, 128) + " does not match " +
                                                              std::string(expected));
  return {};
}

}  // namespace fluxaws::oci

#include "adapters/oci/registry_responses.hpp"

#include <charconv>

#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/media_types.hpp"

namespace fluxaws::oci {

namespace {

error_info invalid_response(std::string_view what, std::string_view why) {
  return make_error(std::string(errc::invalid_response), std::string(what) + ": " + std::string(why));
}

}  // namespace

result<std::vector<std::string>> parse_tag_list(std::string_view body, std::string_view what) {
  auto doc = json::parse(body);
  if (!doc) return invalid_response(what, "the tag list is not valid JSON");
  if (!doc->is_object()) return invalid_response(what, "the tag list is not a JSON object");
  std::vector<std::string> out;
  const auto* tags = doc->find("tags");
  if (tags == nullptr || tags->is_null()) return out;
  if (!tags->is_array()) return invalid_response(what, "\"tags\" is not an array");
  out.reserve(tags->size());
  for (const auto& t : tags->as_array()) {
    if (!t.is_string()) return invalid_response(what, "\"tags\" holds a value that is not a string");
    out.push_back(t.as_string());
  }
  return out;
}

result<manifest_result> check_manifest(std::string_view reference, const http::response& r, std::string_view what) {
  auto header_digest = std::string(str::trim(r.header("docker-content-digest")));
  if (!header_digest.empty()) {
    if (!is_valid_digest(header_digest))
      return invalid_response(what, "Docker-Content-Digest \"" + printable(header_digest) + "\" is not a digest");
    auto st = verify_digest(r.body, header_digest, what);
    if (!st.ok()) {
      auto e = st.error();
      if (e.code == errc::digest_mismatch) e.message += " (announced in Docker-Content-Digest)";
      return e;
    }
  }
  manifest_result out;
  if (is_digest_reference(reference)) {
    auto st = verify_digest(r.body, reference, what);
    if (!st.ok()) return st.error();
    out.digest = std::string(reference);
  } else {
    out.digest = header_digest.empty() ? sha256_digest(r.body) : header_digest;
  }
  auto parsed = parse_manifest(r.body, r.header("content-type"), what);
  if (!parsed) return parsed.error();
  out.manifest = std::move(parsed).value();
  out.media_type = std::visit([](const auto& m) { return m.media_type; }, out.manifest);
  out.body = r.body;
  return out;
}

result<std::optional<manifest_head>> check_head(std::string_view reference, const http::response& r,
                                                std::string_view what) {
  auto digest = std::string(str::trim(r.header("docker-content-digest")));
  if (digest.empty()) return std::optional<manifest_head>();
  if (!is_valid_digest(digest))
    return invalid_response(what, "Docker-Content-Digest \"" + printable(digest) + "\" is not a digest");
  if (is_digest_reference(reference) && digest != reference)
    return make_error(std::string(errc::digest_mismatch),
                      std::string(what) + ": the registry answered with digest " + digest);
  manifest_head out;
  out.digest = digest;
  out.media_type = media_type::essence(r.header("content-type"));
  auto len = str::trim(r.header("content-length"));
  uint64_t n = 0;
  if (!len.empty() && std::from_chars(len.data(), len.data() + len.size(), n).ec == std::errc()) out.size = n;
  return std::optional<manifest_head>(std::move(out));
}

}  // namespace fluxaws::oci

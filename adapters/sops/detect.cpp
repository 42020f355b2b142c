#include "adapters/sops/detect.hpp"

namespace fluxaws::sops {

std::string_view marker_bytes(format f) {
  switch (f) {
    case format::yaml: return "mac: ENC[";
    case format::json:
    case format::binary: return "\"mac\": \"ENC[";
    case format::dotenv: return "sops_mac=ENC[";
    case format::ini: return "[sops]";
  }
  return "\"mac\": \"ENC[";
}

std::optional<format> detect_format_from_markers(std::string_view bytes) {
  for (format f : {format::yaml, format::json, format::dotenv, format::ini})
    if (bytes.find(marker_bytes(f)) != std::string_view::npos) return f;
  return std::nullopt;
}

bool has_marker(std::string_view bytes, format expected) {
  return bytes.find(marker_bytes(expected)) != std::string_view::npos;
}

namespace {
// kyaml's IsNilOrEmpty: absent, null, an empty string, an empty list or map.
bool nil_or_empty(const json::value* v) {
  if (!v || v->is_null()) return true;
  if (v->is_string()) return v->as_string().empty();
  if (v->is_object() || v->is_array()) return v->size() == 0;
  return false;
}
}  // namespace

bool is_sops_encrypted_manifest(const json::value& object) {
  const json::value* sops = object.find("sops");
  if (nil_or_empty(sops)) return false;
  return !nil_or_empty(sops->find("mac"));
}

bool is_encrypted_secret(const json::value& object) {
  const json::value* kind = object.find("kind");
  const json::value* api = object.find("apiVersion");
  return kind && kind->is_string() && kind->as_string() == "Secret" && api && api->is_string() &&
         api->as_string() == "v1" && object.find("sops") != nullptr;
}

}  // namespace fluxaws::sops

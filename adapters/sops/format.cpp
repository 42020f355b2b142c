#include "adapters/sops/format.hpp"

#include "adapters/common/strings.hpp"

namespace fluxaws::sops {

std::string_view format_name(format f) {
  switch (f) {
    case format::yaml: return "yaml";
    case format::json: return "json";
    case format::dotenv: return "dotenv";
    case format::ini: return "ini";
    case format::binary: return "binary";
  }
  return "binary";
}

std::optional<format> parse_format_name(std::string_view name) {
  for (format f : {format::yaml, format::json, format::dotenv, format::ini, format::binary})
    if (format_name(f) == name) return f;
  return std::nullopt;
}

format format_for_path(std::string_view path) {
  if (str::ends_with(path, ".dockerconfigjson")) return format::json;  // corev1.DockerConfigJsonKey
  if (str::ends_with(path, ".yaml") || str::ends_with(path, ".yml")) return format::yaml;
  if (str::ends_with(path, ".json")) return format::json;
  if (str::ends_with(path, ".env")) return format::dotenv;
  if (str::ends_with(path, ".ini")) return format::ini;
  return format::binary;
}

}  // namespace fluxaws::sops

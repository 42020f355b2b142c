#include <map>
#include <mutex>
#include <string>

#include "actors/flux_schemas.hpp"

namespace fluxaws::actors {

namespace {

struct parsed_schemas {
  std::map<std::string, json::value, std::less<>> by_kind;
  std::map<std::string, std::string, std::less<>> api_by_kind;
};

const parsed_schemas& schemas() {
  static const parsed_schemas all = [] {
    parsed_schemas out;
    for (std::size_t i = 0; i < detail::kFluxSchemaCount; ++i) {
      const auto& src = detail::kFluxSchemaSources[i];
      auto v = json::parse(src.json);
      if (v) out.by_kind.emplace(src.kind, std::move(*v));
      out.api_by_kind.emplace(src.kind, src.api_version);
    }
    return out;
  }();
  return all;
}

}  // namespace

const json::value* flux_schema(std::string_view kind) {
  const auto& s = schemas();
  auto it = s.by_kind.find(kind);
  return it == s.by_kind.end() ? nullptr : &it->second;
}

std::string_view flux_api_version(std::string_view kind) {
  const auto& s = schemas();
  auto it = s.api_by_kind.find(kind);
  return it == s.api_by_kind.end() ? std::string_view{} : std::string_view(it->second);
}

}  // namespace fluxaws::actors

// The OpenAPI v3 schemas of the Flux kinds fluxaws reconciles, taken from Flux's
// CRDs (generated into flux_schemas.cpp by scripts/dev/gen-flux-schemas.py).
// Used to reject unknown fields and wrong types with their path, and to apply
// the CRDs' defaults, as the API server would.
#pragma once

#include <cstddef>
#include <string_view>

#include "adapters/common/json.hpp"

namespace fluxaws::actors {

// nullptr for a kind fluxaws does not reconcile.
const json::value* flux_schema(std::string_view kind);
// The apiVersion (group/version) fluxaws serves for a kind, e.g.
// "source.toolkit.fluxcd.io/v1"; empty when unknown.
std::string_view flux_api_version(std::string_view kind);

namespace detail {
struct flux_schema_source {
  const char* kind;
  const char* api_version;
  const char* json;
};
extern const flux_schema_source kFluxSchemaSources[];
extern const std::size_t kFluxSchemaCount;
}  // namespace detail

}  // namespace fluxaws::actors

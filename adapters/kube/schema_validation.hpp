// Validating a Kubernetes object against an OpenAPI v3 schema as the API server
// does for custom resources (structural schemas): types, unknown fields, required
// fields, enums, patterns, lengths and bounds — and applying the schema's defaults.
// Issues carry the JSON path of the offending field ("spec.interval").
#pragma once

#include <string>
#include <vector>

#include "adapters/common/json.hpp"

namespace fluxaws::kube {

struct schema_issue {
  std::string path;     // e.g. "spec.layerSelector.mediaType", "spec.exclusionList[2]"
  std::string message;  // e.g. "unknown field", "must match ^...$", "Required value"
  std::string to_string() const { return path + ": " + message; }
};

// Validates obj against schema. `status` is skipped (it is ours to write).
std::vector<schema_issue> validate(const json::value& schema, const json::value& obj);

// Fills absent fields that have a `default`, recursing into present objects.
void apply_defaults(const json::value& schema, json::value& obj);

}  // namespace fluxaws::kube

// Converting YAML (yaml-cpp) to json::value the way Kubernetes reads manifests:
// plain scalars resolve by the YAML 1.2 core schema (null, true/false, integers,
// floats), quoted scalars stay strings. Errors name the line and column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace YAML {
class Node;
}

namespace fluxaws::yamljson {

// One document; an empty input gives null.
result<json::value> parse_yaml(std::string_view text);

// Every document of a multi-document stream (empty documents are skipped).
result<std::vector<json::value>> parse_yaml_all(std::string_view text);

json::value from_node(const YAML::Node& node);

// YAML rendering of a JSON value (block style), for writing manifests.
std::string to_yaml(const json::value& v);

}  // namespace fluxaws::yamljson

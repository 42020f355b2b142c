// discovery.hpp — the documents kubectl and client-go read before anything else:
// /version, /api (APIVersions), /api/v1 and /apis/<g>/<v> (APIResourceList, with
// status and token subresources), /apis (APIGroupList), /apis/<g> (APIGroup), and a
// minimal OpenAPI v2 document (JSON or the protobuf client-go asks for) that names no
// schema, so client-side validation has nothing to refuse.
// Contract: built from the catalog at call time, so CRD groups appear as soon as a CRD
// is created and vanish when it is deleted.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/json.hpp"
#include "tests/kube-standin/resource_catalog.hpp"

namespace kstand::discovery {

fluxaws::json::value version_info();
fluxaws::json::value core_versions(std::string_view server_address);
fluxaws::json::value group_list(const resource_catalog& catalog);
// nullopt-like: a null value when the group is not served.
fluxaws::json::value group(const resource_catalog& catalog, std::string_view name);
// A null value when the group/version is not served.
fluxaws::json::value resource_list(const resource_catalog& catalog, std::string_view group, std::string_view version);

std::string openapi_v2_json();
std::string openapi_v2_protobuf();

}  // namespace kstand::discovery

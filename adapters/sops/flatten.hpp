// SOPS' flattening of the metadata mapping for the dotenv and INI stores
// (stores/flatten.go): nested keys become "a__map_b", list items "a__list_0".
// flatten keeps the mapping's order; unflatten sorts keys (as SOPS does) and
// refuses incomplete lists, type clashes and duplicate keys.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/result.hpp"
#include "adapters/sops/tree.hpp"

namespace fluxaws::sops {

// A flat mapping of prefix+path → scalar; comments are dropped.
result<node> flatten_mapping(const node& mapping, std::string_view prefix);
// The nested mapping back from flat key → value entries.
result<node> unflatten_mapping(const node& flat);

}  // namespace fluxaws::sops

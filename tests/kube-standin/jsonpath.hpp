// jsonpath.hpp — the subset of Kubernetes JSONPath that CRD printer columns use:
// ".spec.url", ".status.conditions[?(@.type==\"Ready\")].status", "[0]", "[*]", ".*",
// "['a.b']", filters with == / != against a string or number literal or bare existence
// ("[?(@.x)]"), optionally wrapped in "{...}" and starting with "$".
//
// Contract: compile() rejects anything outside the subset with a message naming the
// position; evaluate() never fails — a missing field simply yields no result.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace kstand::jsonpath {

struct step;  // one segment of a compiled path

class path {
 public:
  path();
  ~path();
  path(path&&) noexcept;
  path& operator=(path&&) noexcept;
  path(const path&);
  path& operator=(const path&);

  // Every value the path selects, in document order (pointers into doc).
  std::vector<const fluxaws::json::value*> evaluate(const fluxaws::json::value& doc) const;

 private:
  friend fluxaws::result<path> compile(std::string_view expr);
  std::vector<step> steps_;
};

fluxaws::result<path> compile(std::string_view expr);

}  // namespace kstand::jsonpath

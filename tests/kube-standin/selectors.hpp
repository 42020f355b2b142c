// selectors.hpp — label selectors and field selectors as list and watch take them
// (?labelSelector=..., ?fieldSelector=...).
//
// Label selector grammar (k8s.io/apimachinery labels.Parse): comma-separated
// requirements "k=v", "k==v", "k!=v", "k in (a,b)", "k notin (a,b)", "k", "!k".
// Field selectors: comma-separated "path=v", "path==v", "path!=v", where path is a
// dotted field path on the object (metadata.name, metadata.namespace,
// involvedObject.kind, spec.holderIdentity, ...), compared as strings.
// Contract: parse errors name the offending requirement; an empty selector matches all.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace kstand {

class label_selector {
 public:
  static fluxaws::result<label_selector> parse(std::string_view text);
  bool matches(const fluxaws::json::value& object) const;  // reads metadata.labels
  bool empty() const { return reqs_.empty(); }

 private:
  struct requirement {
    enum class op { eq, ne, in, notin, exists, not_exists } o;
    std::string key;
    std::vector<std::string> values;
  };
  std::vector<requirement> reqs_;
};

class field_selector {
 public:
  static fluxaws::result<field_selector> parse(std::string_view text);
  bool matches(const fluxaws::json::value& object) const;
  bool empty() const { return reqs_.empty(); }
  // The value required for metadata.name / metadata.namespace by an equality term.
  std::optional<std::string> required(std::string_view path) const;

 private:
  struct requirement {
    std::vector<std::string> path;
    std::string joined;
    bool equal = true;
    std::string value;
  };
  std::vector<requirement> reqs_;
};

}  // namespace kstand

#include "tests/kube-standin/schema_defaults.hpp"

namespace kstand {

using fluxaws::json::value;

void apply_schema_defaults(value& object, const value& schema) {
  if (!schema.is_object()) return;
  if (object.is_object()) {
    if (const value* props = schema.find("properties")) {
      for (const auto& [name, sub] : props->as_object()) {
        value* cur = object.find(name);
        if (!cur) {
          const value* def = sub.find("default");
          if (!def) continue;
          object.set(name, *def);
          cur = object.find(name);
        }
        apply_schema_defaults(*cur, sub);
      }
    }
    if (const value* extra = schema.find("additionalProperties"); extra && extra->is_object()) {
      for (auto& [name, v] : object.as_object()) {
        const value* props = schema.find("properties");
        if (props && props->find(name)) continue;
        apply_schema_defaults(v, *extra);
      }
    }
  } else if (object.is_array()) {
    if (const value* items = schema.find("items"))
      for (auto& e : object.as_array()) apply_schema_defaults(e, *items);
  }
}

}  // namespace kstand

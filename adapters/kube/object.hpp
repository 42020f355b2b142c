// Small accessors over Kubernetes objects held as json::value, and the key that
// identifies an object (kind, namespace, name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/common/json.hpp"

namespace fluxaws::kube {

struct object_key {
  std::string kind;
  std::string ns;  // empty for cluster-scoped objects
  std::string name;

  std::string to_string() const { return kind + "/" + (ns.empty() ? "" : ns + "/") + name; }
  friend bool operator==(const object_key&, const object_key&) = default;
  friend auto operator<=>(const object_key&, const object_key&) = default;
};

object_key key_of(const json::value& obj);
std::string_view kind_of(const json::value& obj);
std::string_view api_version_of(const json::value& obj);
std::string_view name_of(const json::value& obj);
std::string_view namespace_of(const json::value& obj);
int64_t generation_of(const json::value& obj);
// metadata.annotations[key], empty when absent.
std::string_view annotation(const json::value& obj, std::string_view key);
std::string_view label(const json::value& obj, std::string_view key);
// The group of an apiVersion ("source.toolkit.fluxcd.io/v1" -> "source.toolkit.fluxcd.io",
// "v1" -> "").
std::string_view api_group(std::string_view api_version);

// A Secret's data as raw bytes: `data` base64-decoded merged with `stringData`
// (stringData wins, as the API server does). nullopt-like empty on a bad base64
// value, with `bad_key` set.
struct secret_data {
  json::object entries;  // key -> string of raw bytes
  std::string bad_key;   // a data key whose value was not valid base64
};
secret_data decode_secret(const json::value& secret);

}  // namespace fluxaws::kube

#include "adapters/kube/object.hpp"

#include "adapters/common/encoding.hpp"

namespace fluxaws::kube {

namespace {
std::string_view string_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}
}  // namespace

object_key key_of(const json::value& obj) {
  return object_key{std::string(kind_of(obj)), std::string(namespace_of(obj)), std::string(name_of(obj))};
}

std::string_view kind_of(const json::value& obj) { return string_at(obj, {"kind"}); }
std::string_view api_version_of(const json::value& obj) { return string_at(obj, {"apiVersion"}); }
std::string_view name_of(const json::value& obj) { return string_at(obj, {"metadata", "name"}); }
std::string_view namespace_of(const json::value& obj) { return string_at(obj, {"metadata", "namespace"}); }

int64_t generation_of(const json::value& obj) {
  const json::value* v = obj.at({"metadata", "generation"});
  return v ? v->as_int() : 0;
}

std::string_view annotation(const json::value& obj, std::string_view key) {
  const json::value* a = obj.at({"metadata", "annotations"});
  const json::value* v = a ? a->find(key) : nullptr;
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

std::string_view label(const json::value& obj, std::string_view key) {
  const json::value* a = obj.at({"metadata", "labels"});
  const json::value* v = a ? a->find(key) : nullptr;
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

std::string_view api_group(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

secret_data decode_secret(const json::value& secret) {
  secret_data out;
  if (const json::value* data = secret.find("data")) {
    for (const auto& [k, v] : data->as_object()) {
      auto raw = enc::unbase64(v.as_string(), true);
      if (!raw) {
        out.bad_key = k;
        continue;
      }
      out.entries.emplace_back(k, json::value(std::move(*raw)));
    }
  }
  if (const json::value* data = secret.find("stringData")) {
    for (const auto& [k, v] : data->as_object()) {
      bool replaced = false;
      for (auto& [ek, ev] : out.entries) {
        if (ek == k) {
          ev = json::value(v.as_string());
          replaced = true;
        }
      }
      if (!replaced) out.entries.emplace_back(k, json::value(v.as_string()));
    }
  }
  return out;
}

}  // namespace fluxaws::kube

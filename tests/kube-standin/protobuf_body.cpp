#include "tests/kube-standin/protobuf_body.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/common/encoding.hpp"

namespace kstand {

using fluxaws::make_error;
using fluxaws::json::value;

namespace {

// How one field of a message maps to JSON.
struct field_spec;
using message_spec = std::map<uint32_t, field_spec>;
struct field_spec {
  enum class kind { string, bytes, boolean, integer, message, map_string, map_bytes } k;
  const char* name;
  bool repeated = false;
  const message_spec* message = nullptr;
};

// Field numbers from k8s.io/api and k8s.io/apimachinery generated.proto.
const message_spec kObjectMeta = {
    {1, {field_spec::kind::string, "name"}},
    {2, {field_spec::kind::string, "generateName"}},
    {3, {field_spec::kind::string, "namespace"}},
    {11, {field_spec::kind::map_string, "labels"}},
    {12, {field_spec::kind::map_string, "annotations"}},
    {14, {field_spec::kind::string, "finalizers", true}},
};
const message_spec kNamespaceSpec = {{1, {field_spec::kind::string, "finalizers", true}}};
const message_spec kNamespace = {
    {1, {field_spec::kind::message, "metadata", false, &kObjectMeta}},
    {2, {field_spec::kind::message, "spec", false, &kNamespaceSpec}},
};
const message_spec kLocalObjectReference = {{1, {field_spec::kind::string, "name"}}};
const message_spec kServiceAccount = {
    {1, {field_spec::kind::message, "metadata", false, &kObjectMeta}},
    {3, {field_spec::kind::message, "imagePullSecrets", true, &kLocalObjectReference}},
    {4, {field_spec::kind::boolean, "automountServiceAccountToken"}},
};
const message_spec kSecret = {
    {1, {field_spec::kind::message, "metadata", false, &kObjectMeta}},
    {2, {field_spec::kind::map_bytes, "data"}},
    {3, {field_spec::kind::string, "type"}},
    {4, {field_spec::kind::map_string, "stringData"}},
    {5, {field_spec::kind::boolean, "immutable"}},
};
const message_spec kConfigMap = {
    {1, {field_spec::kind::message, "metadata", false, &kObjectMeta}},
    {2, {field_spec::kind::map_string, "data"}},
    {3, {field_spec::kind::map_bytes, "binaryData"}},
    {4, {field_spec::kind::boolean, "immutable"}},
};
const message_spec kBoundObjectReference = {
    {1, {field_spec::kind::string, "kind"}},
    {2, {field_spec::kind::string, "apiVersion"}},
    {3, {field_spec::kind::string, "name"}},
    {4, {field_spec::kind::string, "uid"}},
};
const message_spec kTokenRequestSpec = {
    {1, {field_spec::kind::string, "audiences", true}},
    {3, {field_spec::kind::message, "boundObjectRef", false, &kBoundObjectReference}},
    {4, {field_spec::kind::integer, "expirationSeconds"}},
};
const message_spec kTokenRequest = {
    {1, {field_spec::kind::message, "metadata", false, &kObjectMeta}},
    {2, {field_spec::kind::message, "spec", false, &kTokenRequestSpec}},
};
const message_spec kTypeMeta = {
    {1, {field_spec::kind::string, "apiVersion"}},
    {2, {field_spec::kind::string, "kind"}},
};

class reader {
 public:
  explicit reader(std::string_view data) : d_(data) {}
  bool done() const { return i_ >= d_.size(); }
  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i_ >= d_.size()) return false;
      auto b = static_cast<unsigned char>(d_[i_++]);
      out |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool bytes(std::string_view& out) {
    uint64_t n = 0;
    if (!varint(n) || n > d_.size() - i_) return false;
    out = d_.substr(i_, static_cast<std::size_t>(n));
    i_ += static_cast<std::size_t>(n);
    return true;
  }
  bool skip(uint32_t wire) {
    uint64_t ignored = 0;
    std::string_view s;
    switch (wire) {
      case 0: return varint(ignored);
      case 1: return advance(8);
      case 2: return bytes(s);
      case 5: return advance(4);
      default: return false;
    }
  }

 private:
  bool advance(std::size_t n) {
    if (n > d_.size() - i_) return false;
    i_ += n;
    return true;
  }
  std::string_view d_;
  std::size_t i_ = 0;
};

bool decode_message(std::string_view data, const message_spec& spec, value& out, int depth);

bool decode_map_entry(std::string_view data, bool bytes_value, std::string& key, value& val) {
  reader r(data);
  std::string v;
  while (!r.done()) {
    uint64_t tag = 0;
    if (!r.varint(tag)) return false;
    auto field = static_cast<uint32_t>(tag >> 3), wire = static_cast<uint32_t>(tag & 7);
    std::string_view s;
    if ((field == 1 || field == 2) && wire == 2) {
      if (!r.bytes(s)) return false;
      (field == 1 ? key : v) = std::string(s);
    } else if (!r.skip(wire)) {
      return false;
    }
  }
  val = bytes_value ? value(fluxaws::enc::base64(v)) : value(v);
  return true;
}

bool decode_message(std::string_view data, const message_spec& spec, value& out, int depth) {
  if (depth > 8) return false;
  if (!out.is_object()) out = value::make_object();
  reader r(data);
  while (!r.done()) {
    uint64_t tag = 0;
    if (!r.varint(tag)) return false;
    auto field = static_cast<uint32_t>(tag >> 3), wire = static_cast<uint32_t>(tag & 7);
    auto it = spec.find(field);
    if (it == spec.end()) {
      if (!r.skip(wire)) return false;
      continue;
    }
    const field_spec& f = it->second;
    value v;
    if (f.k == field_spec::kind::boolean || f.k == field_spec::kind::integer) {
      uint64_t n = 0;
      if (wire != 0 || !r.varint(n)) return false;
      v = f.k == field_spec::kind::boolean ? value(n != 0) : value(static_cast<int64_t>(n));
    } else {
      std::string_view s;
      if (wire != 2 || !r.bytes(s)) return false;
      switch (f.k) {
        case field_spec::kind::string: v = std::string(s); break;
        case field_spec::kind::bytes: v = fluxaws::enc::base64(s); break;
        case field_spec::kind::message:
          if (!decode_message(s, *f.message, v, depth + 1)) return false;
          break;
        case field_spec::kind::map_string:
        case field_spec::kind::map_bytes: {
          std::string key;
          value val;
          if (!decode_map_entry(s, f.k == field_spec::kind::map_bytes, key, val)) return false;
          out[f.name].set(key, std::move(val));
          continue;
        }
        default: return false;
      }
    }
    if (f.repeated) out[f.name].push_back(std::move(v));
    else out.set(f.name, std::move(v));
  }
  return true;
}

}  // namespace

fluxaws::result<value> decode_kube_protobuf(std::string_view body) {
  if (body.size() < 4 || body.substr(0, 4) != std::string_view("k8s\0", 4))
    return make_error("BadRequest", "the protobuf body lacks the \"k8s\\0\" prefix");
  reader r(body.substr(4));
  value type_meta;
  std::string_view raw;
  bool have_raw = false;
  while (!r.done()) {
    uint64_t tag = 0;
    if (!r.varint(tag)) return make_error("BadRequest", "the protobuf envelope is truncated");
    auto field = static_cast<uint32_t>(tag >> 3), wire = static_cast<uint32_t>(tag & 7);
    std::string_view s;
    if (field == 1 && wire == 2) {
      if (!r.bytes(s) || !decode_message(s, kTypeMeta, type_meta, 0))
        return make_error("BadRequest", "the protobuf typeMeta is malformed");
    } else if (field == 2 && wire == 2) {
      if (!r.bytes(raw)) return make_error("BadRequest", "the protobuf raw object is truncated");
      have_raw = true;
    } else if (!r.skip(wire)) {
      return make_error("BadRequest", "the protobuf envelope is malformed");
    }
  }
  const std::string kind = type_meta.find("kind") ? type_meta.find("kind")->as_string() : "";
  const std::string api_version = type_meta.find("apiVersion") ? type_meta.find("apiVersion")->as_string() : "";
  const message_spec* spec = nullptr;
  if (kind == "Namespace") spec = &kNamespace;
  else if (kind == "ServiceAccount") spec = &kServiceAccount;
  else if (kind == "Secret") spec = &kSecret;
  else if (kind == "ConfigMap") spec = &kConfigMap;
  else if (kind == "TokenRequest") spec = &kTokenRequest;
  if (!spec || !have_raw)
    return make_error("UnsupportedMediaType", "the stand-in reads protobuf bodies of Namespace, ServiceAccount, Secret, "
                                              "ConfigMap and TokenRequest only (got \"" + kind + "\"); send JSON");
  value obj = value::make_object();
  obj.set("apiVersion", api_version);
  obj.set("kind", kind);
  if (!decode_message(raw, *spec, obj, 0)) return make_error("BadRequest", "the protobuf " + kind + " is malformed");
  return obj;
}

}  // namespace kstand
